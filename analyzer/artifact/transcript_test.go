package artifact

import (
	"strings"
	"testing"
)

// A ticket paste: BOM, CRLF line ends, colours from the shell and grep,
// prose before the first prompt and between commands, several hosts.
var ticketPaste = "\xef\xbb\xbfHi team, this is what we saw after the VIP moved:\r\n" +
	"\r\n" +
	"[root@node-1 ~]# sysctl -a | grep tw\r\n" +
	"net.ipv4.\x1b[01;31m\x1b[Ktcp_tw\x1b[m\x1b[K_recycle = 1\r\n" +
	"net.ipv4.\x1b[01;31m\x1b[Ktcp_tw\x1b[m\x1b[K_reuse = 0\r\n" +
	"[root@node-1 ~]# kubectl exec -it -nopenstack rabbitmq-0 -- ss -np  '( dport = 59558 )'\r\n" +
	"Netid State      Recv-Q Send-Q Local Address:Port   Peer Address:Port\r\n" +
	"tcp   ESTAB      0      0      ::ffff:10.233.65.134:5672   ::ffff:192.168.20.3:59558   users:((\"beam.smp\",pid=139,fd=85))\r\n" +
	"```\r\n" +
	"Then on the second node:\r\n" +
	"```\r\n" +
	"\x1b[01;32mroot@node-2.domain.tld\x1b[00m:\x1b[01;34m~\x1b[00m# iptables -t nat -S KUBE-NODEPORTS\r\n" +
	"-N KUBE-NODEPORTS\r\n" +
	"-A KUBE-NODEPORTS -p tcp -m comment --comment \"openstack/rabbitmq:public\" -m tcp --dport 32672 -j KUBE-MARK-MASQ\r\n" +
	"root@node-2:~# ip netns exec qrouter-7 ip -4 addr\r\n" +
	"1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\r\n" +
	"    inet 127.0.0.1/8 scope host lo\r\n" +
	"       valid_lft forever preferred_lft forever\r\n" +
	"root@node-2:~# nstat\r\n" +
	"#kernel\r\n" +
	"TcpExtListenDrops               4                  0.0\r\n" +
	"root@node-2:~# nstat -az TcpExtPAWSPassive\r\n" +
	"#kernel\r\n" +
	"TcpExtPAWSPassive               1893               0.0\r\n" +
	"root@node-2:~# cat /proc/sys/net/ipv4/tcp_tw_recycle\r\n" +
	"1\r\n" +
	"sh-4.2# nsenter -t 26876 -n ss -ltn\r\n" +
	"State      Recv-Q Send-Q Local Address:Port               Peer Address:Port\r\n" +
	"LISTEN     0      128         :::32672                   :::*\r\n" +
	"[root@node-1 ~]# strace -p 29085\r\n" +
	"strace: Process 29085 attached\r\n" +
	"recvfrom(3,\r\n" +
	"[root@node-1 ~]# ls /tmp\r\n" +
	"[root@node-1 ~]# \r\n"

func TestTranscriptSplit(t *testing.T) {
	arts, errs := Expand([]Input{{Name: "paste.txt", Data: []byte(ticketPaste)}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []struct {
		name, host, ns, command, table string
		kind                           Kind
		line0                          int
		first                          string
	}{
		{"paste.txt#1 sysctl -a | grep tw", "node-1", "", "sysctl -a | grep tw", "", KindSysctl, 3, "net.ipv4.tcp_tw_recycle = 1"},
		{"paste.txt#2 kubectl exec -it -nopenstack rabbitmq-0 -- ss -np  '( dport = 59558 )'", "node-1", "pod:rabbitmq-0", "ss -np  '( dport = 59558 )'", "", KindSockets, 6, "Netid State"},
		{"paste.txt#3 iptables -t nat -S KUBE-NODEPORTS", "node-2", "", "iptables -t nat -S KUBE-NODEPORTS", "nat", KindIptables, 12, "-N KUBE-NODEPORTS"},
		{"paste.txt#4 ip netns exec qrouter-7 ip -4 addr", "node-2", "qrouter-7", "ip -4 addr", "", KindAddresses, 15, "1: lo:"},
		{"paste.txt#5 nstat", "node-2", "", "nstat", "", KindCounters, 19, "#kernel"},
		{"paste.txt#6 nstat -az TcpExtPAWSPassive", "node-2", "", "nstat -az TcpExtPAWSPassive", "", KindCounters, 22, "#kernel"},
		{"paste.txt#7 cat /proc/sys/net/ipv4/tcp_tw_recycle", "node-2", "", "cat /proc/sys/net/ipv4/tcp_tw_recycle", "", KindSysctl, 25, "net.ipv4.tcp_tw_recycle = 1"},
		{"paste.txt#8 nsenter -t 26876 -n ss -ltn", DefaultHost, "pid:26876", "ss -ltn", "", KindSockets, 27, "State"},
		{"paste.txt#9 strace -p 29085", "node-1", "", "strace -p 29085", "", KindUnknown, 30, "strace: Process"},
	}
	if len(arts) != len(want) {
		for _, a := range arts {
			t.Logf("got %q", a.Name)
		}
		t.Fatalf("got %d artifacts, want %d", len(arts), len(want))
	}
	// Line numbers are those of the original paste.
	orig := strings.Split(strings.ReplaceAll(ticketPaste, "\r\n", "\n"), "\n")
	for i, w := range want {
		a := arts[i]
		if a.Name != w.name || a.Host != w.host || a.Namespace != w.ns || a.Command != w.command ||
			a.Table != w.table || a.Kind != w.kind || a.Line0 != w.line0 || !strings.HasPrefix(string(a.Data), w.first) {
			t.Errorf("piece %d:\n got %q host %q ns %q cmd %q table %q kind %s line0 %d data %q\nwant %+v",
				i+1, a.Name, a.Host, a.Namespace, a.Command, a.Table, a.Kind, a.Line0, a.Data, w)
		}
		if w.kind != KindSysctl || i == 0 {
			firstLine, _, _ := strings.Cut(string(a.Data), "\n")
			if o := normalizeText([]byte(orig[a.Line0])); string(o) != firstLine {
				t.Errorf("piece %d: line %d of the paste is %q, piece starts %q", i+1, a.Line0+1, o, firstLine)
			}
		}
		if strings.ContainsAny(string(a.Data), "\r\x1b") {
			t.Errorf("piece %d not normalised: %q", i+1, a.Data)
		}
	}
	if strings.Contains(string(arts[1].Data), "second node") {
		t.Errorf("prose after a code fence leaked into the output: %q", arts[1].Data)
	}
}

// Text before the first prompt is kept when it is an artifact itself.
func TestTranscriptLeadingArtifact(t *testing.T) {
	paste := "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\n\n$ ipvsadm -Ln --timeout\nTimeout (tcp tcpfin udp): 900 120 300\n"
	arts, _ := Expand([]Input{{Name: "p", Data: []byte(paste)}}, DefaultLimits())
	if len(arts) != 2 || arts[0].Name != "p#0" || arts[0].Kind != KindSysctl || arts[0].Line0 != 0 ||
		arts[1].Name != "p#1 ipvsadm -Ln --timeout" || arts[1].Kind != KindIPVS || arts[1].Line0 != 4 {
		for _, a := range arts {
			t.Logf("%q %s line0 %d", a.Name, a.Kind, a.Line0)
		}
		t.Errorf("unexpected split")
	}
}

// Comments are not prompts: files with "#" lines stay whole.
func TestNotATranscript(t *testing.T) {
	keepalived := "! Configuration File for keepalived\n# ip address of the VIP below\n# cat this file to check\nvrrp_instance VI_1 {\n    state MASTER\n    interface eth0\n    virtual_ipaddress {\n        10.20.0.100\n    }\n}\n"
	sysconf := "# sysctl settings are defined through files in\n# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.\nnet.ipv4.ip_forward = 1\n"
	cases := map[string]Kind{
		keepalived: KindKeepalived,
		sysconf:    KindSysctl,
		readFile(t, corpusDir+"/iptables-save/k8s-cleanup_test.go__TestCleanupLeftovers_initial.iptables-save"): KindIptables,
		readFile(t, corpusDir+"/keepalived/acassen-keepalived__keepalived.conf.quorum"):                         KindKeepalived,
	}
	for text, want := range cases {
		arts, _ := Expand([]Input{{Name: "f", Data: []byte(text)}}, DefaultLimits())
		if len(arts) != 1 || arts[0].Name != "f" || arts[0].Kind != want {
			t.Errorf("%.40q: split into %d artifacts (first %q %s)", text, len(arts), arts[0].Name, arts[0].Kind)
		}
	}
}

func TestMatchPrompt(t *testing.T) {
	tests := []struct {
		line, host, command string
		ok                  bool
	}{
		{"[root@node-1 ~]# ss -tan", "node-1", "ss -tan", true},
		{"[admin@lb-2.prod /etc/keepalived]$ cat keepalived.conf", "lb-2.prod", "cat keepalived.conf", true},
		{"root@node-1:~# ipvsadm -Ln", "node-1", "ipvsadm -Ln", true},
		{"user@host:/var/log$ tail -n 50 messages", "host", "tail -n 50 messages", true},
		{"node-1:~# conntrack -S", "node-1", "conntrack -S", true},
		{"sh-4.2# iptables-save", "", "iptables-save", true},
		{"bash-5.1$ nft list ruleset", "", "nft list ruleset", true},
		{"core@test-agent-3 ~ $ dmesg | grep IPVS", "test-agent-3", "dmesg | grep IPVS", true},
		{"user@host ~ $ why is this slow", "", "", false},
		{"$ sudo sysctl -a", "", "sudo sysctl -a", true},
		{"# ipvsadm -ln", "", "ipvsadm -ln", true},
		{"# Generated by iptables-save v1.4.21 on Tue Nov 20 22:36:36 2018", "", "", false},
		{"# Completed on Tue Nov 20 22:36:36 2018", "", "", false},
		{"#### 正常连接", "", "", false},
		{"# ip address of the VIP", "", "", false},
		{"http://example.com/a#frag", "", "", false},
		{"[375852.589465] TCP: request_sock_TCP: Possible SYN flooding", "", "", false},
		{"    # kill the process on port 8978", "", "", false},
	}
	for _, tt := range tests {
		p, ok := matchPrompt(tt.line)
		if ok != tt.ok || p.host != tt.host || p.command != tt.command {
			t.Errorf("matchPrompt(%q) = %+v %v, want host %q command %q %v", tt.line, p, ok, tt.host, tt.command, tt.ok)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line, command, ns, table string
		kind                     Kind
	}{
		{"iptables -t nat -nvL", "iptables -t nat -nvL", "", "nat", KindIptables},
		{"iptables -nvL --table=mangle", "iptables -nvL --table=mangle", "", "mangle", KindIptables},
		{"sudo iptables -S", "iptables -S", "", "filter", KindIptables},
		{"ip6tables-save -t raw", "ip6tables-save -t raw", "", "raw", KindIptables},
		{"iptables-save", "iptables-save", "", "", KindIptables},
		{"cat /proc/net/netstat", "cat /proc/net/netstat", "", "", KindCounters},
		{"grep -i tcp /proc/net/snmp", "grep -i tcp /proc/net/snmp", "", "", KindCounters},
		{"tail -n 200 /var/log/messages", "tail -n 200 /var/log/messages", "", "", KindLog},
		{"netstat -s", "netstat -s", "", "", KindCounters},
		{"netstat -tanp", "netstat -tanp", "", "", KindSockets},
		{"netstat -rn", "netstat -rn", "", "", KindRoutes},
		{"lsof -i:32672", "lsof -i:32672", "", "", KindSockets},
		{"ip r", "ip r", "", "", KindRoutes},
		{"ip -n blue a", "ip -n blue a", "blue", "", KindAddresses},
		{"ip link", "ip link", "", "", KindInterfaces},
		{"nsenter --net=/var/run/netns/cni-1 ss -tan", "ss -tan", "cni-1", "", KindSockets},
		{"nsenter -n -t 4242 -- ip route", "ip route", "pid:4242", "", KindRoutes},
		{"docker exec -it web ss -s", "ss -s", "container:web", "", KindCounters},
		{"ss -tan", "ss -tan", "", "", KindSockets},
		{"kubectl -n kube-system exec pod/kube-proxy-x -c kube-proxy -- iptables-save", "iptables-save", "pod:kube-proxy-x", "", KindIptables},
		{"kubectl logs -nopenstack rabbitmq-0 | grep 59558", "kubectl logs -nopenstack rabbitmq-0 | grep 59558", "", "", KindLog},
		{"watch -n 1 'conntrack -S'", "'conntrack -S'", "", "", KindUnknown},
		{"strace -p 29085", "strace -p 29085", "", "", KindUnknown},
	}
	for _, tt := range tests {
		got := parseCommand(tt.line)
		if got.command != tt.command || got.namespace != tt.ns || got.table != tt.table || got.kind != tt.kind {
			t.Errorf("parseCommand(%q) = %+v, want command %q ns %q table %q kind %s", tt.line, got, tt.command, tt.ns, tt.table, tt.kind)
		}
	}
}
