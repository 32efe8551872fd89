package artifact

import "testing"

// An ansible fan-out pasted after its prompt is one artifact per node, so
// the node with an empty IPVS table is not hidden among the others.
func TestAnsibleFanoutSplitPerHost(t *testing.T) {
	paste := `[root@bastion ~]# ansible lbs -a 'ipvsadm -Ln'
lb-1 | CHANGED | rc=0 >>
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 wlc
  -> 10.0.1.11:80                 Masq    1      3          10
lb-2 | CHANGED | rc=0 >>
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 wlc
lb-3 | UNREACHABLE! => {
    "changed": false,
    "msg": "Failed to connect to the host via ssh",
    "unreachable": true
}
`
	arts, errs := Expand([]Input{{Name: "paste.txt", Data: []byte(paste)}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	hosts := map[string]Kind{}
	for _, a := range arts {
		hosts[a.Host] = a.Kind
		if a.Host != "bastion" && (a.Command != "ipvsadm -Ln" || a.HostReason == "") {
			t.Errorf("%s: command %q, host reason %q", a.Name, a.Command, a.HostReason)
		}
	}
	if hosts["lb-1"] != KindIPVS || hosts["lb-2"] != KindIPVS {
		t.Fatalf("hosts %v, want lb-1 and lb-2 as ipvs", hosts)
	}
	if _, ok := hosts["lb-3"]; !ok {
		t.Errorf("the unreachable node has no artifact: %v", hosts)
	}
}

// pdsh prefixes every line with its host; key: value outputs are not
// mistaken for it.
func TestPdshFanout(t *testing.T) {
	out := "n1: net.ipv4.tcp_tw_recycle = 1\nn2: net.ipv4.tcp_tw_recycle = 0\nn1: net.ipv4.tcp_tw_reuse = 0\nn2: net.ipv4.tcp_tw_reuse = 1\n"
	p := splitFanout([]byte(out))
	if len(p) != 2 || p[0].host != "n1" || string(p[0].data) != "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_tw_reuse = 0\n" {
		t.Fatalf("pdsh: %+v", p)
	}
	for _, notFan := range []string{
		"Settings for eth0:\n\tSpeed: 1000Mb/s\n\tDuplex: Full\nspeed: 1\nduplex: 2\n",
		"error: one\nwarning: two\nerror: three\nwarning: four\n",
		"Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm RtoMin\nTcp: 1 200\n",
	} {
		if p := splitFanout([]byte(notFan)); p != nil {
			t.Errorf("split %q: %+v", notFan, p)
		}
	}
	if got := fanoutCommand("pdsh -w n[1-2] sysctl -a"); got != "sysctl -a" {
		t.Errorf("pdsh command %q", got)
	}
	if got := fanoutCommand("ansible all -m shell -a 'ss -tanp'"); got != "ss -tanp" {
		t.Errorf("ansible command %q", got)
	}
}
