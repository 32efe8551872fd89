package sockets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/internal/parsetest"

	"github.com/nettriage/nettriage/analyzer/source"
)

const corpusDir = "../../../testdata/corpus/ss"

func parseFile(t *testing.T, path string) *Table {
	t.Helper()
	return parsetest.ParseClean(t, path, Parse)
}

// find returns the sockets matching a netid, state and local port.
func find(tb *Table, netid, state string, localPort int) []*Socket {
	var out []*Socket
	for _, s := range tb.Sockets {
		if (netid == "" || s.Netid == netid) && (state == "" || s.State == state) && s.Local.Port == localPort {
			out = append(out, s)
		}
	}
	return out
}

func one(t *testing.T, socks []*Socket) *Socket {
	t.Helper()
	if len(socks) != 1 {
		t.Fatalf("want 1 socket, got %d", len(socks))
	}
	return socks[0]
}

func TestCorpusTupna(t *testing.T) {
	tb := parseFile(t, corpusDir+"/insights-core__test_netstat.py_SS_TUPNA_2.txt")
	if tb.Form != "ss" || len(tb.Sockets) != 33 {
		t.Fatalf("form %q, %d sockets; want ss, 33", tb.Form, len(tb.Sockets))
	}
	mdns := find(tb, "udp", "UNCONN", 5353)[0]
	if mdns.RecvQ != 51712 || mdns.Local.Addr != "0.0.0.0" || !mdns.Local.IsAny() || mdns.Peer.Port != -1 {
		t.Errorf("mdns socket = %+v", mdns)
	}
	if mdns.Src.Line != 10 || mdns.Src.EndLine != 10 || !strings.Contains(mdns.Src.Text, "51712") {
		t.Errorf("mdns ref = %+v", mdns.Src)
	}
	v6mdns := find(tb, "udp", "UNCONN", 5353)[1]
	if v6mdns.Local.Addr != "::" || v6mdns.RecvQ != 28928 {
		t.Errorf("v6 mdns = %+v", v6mdns)
	}
	dhcp := one(t, find(tb, "udp", "", 67))
	if dhcp.Local.Iface != "virbr0" || dhcp.Local.Addr != "0.0.0.0" {
		t.Errorf("dhcp local = %+v", dhcp.Local)
	}
	if got := len(find(tb, "tcp", "TIME-WAIT", 59574)) + len(find(tb, "tcp", "TIME-WAIT", 45190)) + len(find(tb, "tcp", "TIME-WAIT", 59568)); got != 3 {
		t.Errorf("TIME-WAIT sockets = %d, want 3", got)
	}
	tw := 0
	for _, s := range tb.Sockets {
		if s.State == "TIME-WAIT" {
			tw++
		}
	}
	if tw != 3 {
		t.Errorf("TIME-WAIT count = %d, want 3", tw)
	}
	ff := one(t, find(tb, "tcp", "ESTAB", 38746))
	if len(ff.Users) != 1 || ff.Users[0] != (Proc{Name: "firefox", PID: 12645, FD: 213}) {
		t.Errorf("firefox users = %+v", ff.Users)
	}
	if ff.Peer.Addr != "104.74.50.85" || ff.Peer.Port != 443 {
		t.Errorf("firefox peer = %+v", ff.Peer)
	}
	http := one(t, find(tb, "tcp", "LISTEN", 80))
	if http.Local.Addr != "*" || http.Peer.Raw != "*:*" {
		t.Errorf("*:80 listener = %+v", http)
	}
	lo := find(tb, "tcp", "LISTEN", 631)[0]
	if lo.Local.Addr != "127.0.0.1" || lo.SendQ != 5 {
		t.Errorf("ipp listener = %+v", lo)
	}
}

func TestCorpusPeaonmi(t *testing.T) {
	tb := parseFile(t, corpusDir+"/jds2001-ocp-sosreport__ss_-peaonmi")
	counts := map[string]int{}
	for _, s := range tb.Sockets {
		counts[s.Netid]++
		if s.Src.Line < 1 || s.Src.EndLine < s.Src.Line {
			t.Fatalf("bad ref %+v", s.Src)
		}
	}
	want := map[string]int{"nl": 49, "raw": 1, "u_dgr": 32, "u_seq": 8, "u_str": 69, "udp": 8, "tcp": 28}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s sockets = %d, want %d", k, counts[k], v)
		}
	}
	etcd := one(t, find(tb, "tcp", "LISTEN", 2380))
	if etcd.Local.Addr != "*" || etcd.Mem["d"] != 326 || etcd.Mem["rb"] != 87380 || etcd.Mem["tb"] != 16384 {
		t.Errorf("etcd listener: local %+v mem %v", etcd.Local, etcd.Mem)
	}
	if len(etcd.Users) != 1 || etcd.Users[0] != (Proc{Name: "etcd", PID: 1472, FD: 3}) || etcd.Inode != 27067 {
		t.Errorf("etcd listener users %+v inode %d", etcd.Users, etcd.Inode)
	}
	if etcd.Ext["sk"] != "ad" || etcd.Ext["v6only"] != "0" || etcd.Ext["shutdown"] != "<->" {
		t.Errorf("etcd listener ext = %v", etcd.Ext)
	}
	if etcd.Src.EndLine != etcd.Src.Line+1 || !strings.Contains(etcd.Src.Text, "\n\t skmem:") {
		t.Errorf("etcd listener ref = %+v", etcd.Src)
	}
	if _, ok := etcd.Info["cubic"]; !ok || etcd.Info["cwnd"] != "10" {
		t.Errorf("etcd listener info = %v", etcd.Info)
	}

	peer := one(t, find(tb, "tcp", "ESTAB", 60094))
	if peer.Timer == nil || peer.Timer.Name != "keepalive" || peer.Timer.Expire != 6535*time.Millisecond {
		t.Errorf("timer = %+v", peer.Timer)
	}
	if d, ok := peer.InfoDuration("lastsnd"); !ok || d != 1253438*time.Millisecond {
		t.Errorf("lastsnd = %v %v", d, ok)
	}
	if d, ok := peer.InfoDuration("lastrcv"); !ok || d != 132*time.Millisecond {
		t.Errorf("lastrcv = %v %v", d, ok)
	}
	if d, ok := peer.InfoDuration("rtt"); !ok || d != 329*time.Microsecond {
		t.Errorf("rtt = %v %v", d, ok)
	}
	if d, ok := peer.InfoDuration("busy"); !ok || d != 2*time.Millisecond {
		t.Errorf("busy = %v %v", d, ok)
	}
	if peer.Info["send"] != "352.1Mbps" || peer.Info["pacing_rate"] != "702.9Mbps" || peer.Info["wscale"] != "7,7" {
		t.Errorf("info = %v", peer.Info)
	}
	if _, ok := peer.InfoDuration("wscale"); ok {
		t.Error("wscale is not a duration")
	}

	mapped := one(t, find(tb, "tcp", "ESTAB", 2379))
	if mapped.Local.Addr != "172.16.1.10" || mapped.Peer.Addr != "172.16.1.20" || mapped.Peer.Port != 50892 {
		t.Errorf("mapped endpoints %+v %+v", mapped.Local, mapped.Peer)
	}

	dhcp := one(t, find(tb, "udp", "UNCONN", 68))
	if dhcp.Local.Iface != "eth0" || dhcp.Local.Addr != "172.16.1.10" || dhcp.Inode != 24398 || dhcp.Mem["rb"] != 212992 {
		t.Errorf("dhcp = %+v", dhcp)
	}
	statd := one(t, find(tb, "udp", "UNCONN", 43586))
	if statd.UID != 29 {
		t.Errorf("statd uid = %d", statd.UID)
	}

	// Netlink rows keep "sk=0 cb=0 groups=..." and their same-line skmem.
	nl := one(t, find(tb, "nl", "UNCONN", 5741))
	if nl.Local.Addr != "4" || nl.RecvQ != 4352 || nl.Mem["r"] != 4352 || nl.Ext["groups"] != "0x00000000" || nl.Peer.Addr != "*" {
		t.Errorf("netlink = %+v", nl)
	}
	neg := find(tb, "nl", "UNCONN", -1560174448)
	if len(neg) != 2 {
		t.Errorf("netlink sockets with negative port id = %d, want 2", len(neg))
	}

	// Unix sockets: path and inode, "*" peers, several users.
	notify := one(t, find(tb, "u_dgr", "UNCONN", 11778))
	if notify.Local.Addr != "/run/systemd/notify" || notify.Peer.Addr != "*" || notify.Peer.Port != 0 {
		t.Errorf("notify = %+v / %+v", notify.Local, notify.Peer)
	}
	pam := one(t, find(tb, "u_str", "ESTAB", 151105))
	if len(pam.Users) != 4 || pam.Users[0].Name != "(sd-pam" || pam.Users[3] != (Proc{Name: "systemd", PID: 3006, FD: 1}) {
		t.Errorf("sd-pam users = %+v", pam.Users)
	}
	if pam.Ext["shutdown"] != "-->" {
		t.Errorf("shutdown = %q", pam.Ext["shutdown"])
	}
	raw := one(t, find(tb, "raw", "UNCONN", 58))
	if raw.Users[0].Name != "NetworkManager" {
		t.Errorf("raw = %+v", raw)
	}
}

func readTestdata(t *testing.T, name string) *Table {
	t.Helper()
	return parseFile(t, filepath.Join("testdata", name))
}

func TestSeed000(t *testing.T) {
	tb := readTestdata(t, "seed000_ss_np_dport32672.txt")
	if len(tb.Sockets) != 2 {
		t.Fatalf("%d sockets", len(tb.Sockets))
	}
	celery := tb.Sockets[1]
	if celery.Local.Addr != "10.20.0.3" || celery.Local.Port != 48598 || celery.Peer.Port != 32672 ||
		len(celery.Users) != 1 || celery.Users[0].PID != 29085 || celery.Users[0].Name != "celery" {
		t.Errorf("celery = %+v", celery)
	}

	tb = readTestdata(t, "seed000_ss_np_dport48598.txt")
	stuck := one(t, tb.Sockets)
	if stuck.RecvQ != 8 || stuck.Local.Addr != "10.20.0.6" || stuck.Local.Port != 32672 ||
		stuck.Peer.Addr != "10.20.0.3" || stuck.Local.Raw != "::ffff:10.20.0.6:32672" || len(stuck.Users) != 0 {
		t.Errorf("stuck socket = %+v", stuck)
	}

	tb = readTestdata(t, "seed000_ss_np_pod_dport59558.txt")
	rabbit := one(t, tb.Sockets)
	if rabbit.Local.Addr != "10.233.65.134" || rabbit.Local.Port != 5672 || rabbit.Users[0] != (Proc{"beam.smp", 139, 85}) {
		t.Errorf("rabbit = %+v", rabbit)
	}

	tb = readTestdata(t, "seed000_lsof_i32672.txt")
	if tb.Form != "lsof" {
		t.Fatalf("form = %q", tb.Form)
	}
	kp := one(t, tb.Sockets)
	if kp.Netid != "tcp" || kp.State != "LISTEN" || kp.Local.Addr != "*" || kp.Local.Port != 32672 ||
		kp.Users[0] != (Proc{"hyperkube", 26876, 8}) || kp.Src.Line != 3 || kp.Ext["type"] != "IPv6" {
		t.Errorf("kube-proxy listener = %+v", kp)
	}
}

func TestRHEL7Tanpoi(t *testing.T) {
	tb := readTestdata(t, "ss_tanpoi_rhel7.txt")
	if len(tb.Sockets) != 11 {
		t.Fatalf("%d sockets", len(tb.Sockets))
	}
	v6 := one(t, find(tb, "", "LISTEN", 32672))
	if v6.Netid != "" || v6.Local.Addr != "::" || v6.Local.Raw != ":::32672" || v6.Peer.Port != -1 {
		t.Errorf("old-style v6 listener = %+v", v6)
	}
	ka := find(tb, "", "ESTAB", 22)[0]
	if ka.Timer.Expire != 119*time.Minute || ka.Timer.Name != "keepalive" {
		t.Errorf("keepalive timer %+v", ka.Timer)
	}
	if d, _ := ka.InfoDuration("lastack"); d != 1234*time.Millisecond {
		t.Errorf("lastack %v", d)
	}
	on := find(tb, "", "ESTAB", 22)[1]
	if on.Timer.Name != "on" || on.Timer.Expire != 200*time.Millisecond || on.SendQ != 36 || on.Info["unacked"] != "1" {
		t.Errorf("retransmit timer socket %+v %+v", on, on.Timer)
	}
	syn := one(t, find(tb, "", "SYN-SENT", 40000))
	if syn.Timer.Expire != 3200*time.Millisecond || syn.Timer.Retrans != 2 || syn.Info["backoff"] != "2" || syn.Info["retrans"] != "1/2" {
		t.Errorf("syn-sent %+v %+v", syn.Timer, syn.Info)
	}
	stuck := one(t, find(tb, "", "ESTAB", 32672))
	if stuck.Timer.Expire != 90*time.Second || stuck.RecvQ != 8 || stuck.Local.Addr != "10.20.0.6" {
		t.Errorf("stuck %+v %+v", stuck, stuck.Timer)
	}
	if d, _ := stuck.InfoDuration("lastrcv"); d != 1253438*time.Millisecond {
		t.Errorf("lastrcv %v", d)
	}
	if got := len(find(tb, "", "TIME-WAIT", 45678)) + len(find(tb, "", "TIME-WAIT", 45680)); got != 2 {
		t.Errorf("time-wait %d", got)
	}
	if s := one(t, find(tb, "", "FIN-WAIT-2", 59600)); s.Timer.Expire != 52*time.Second {
		t.Errorf("fin-wait-2 timer %+v", s.Timer)
	}
	if s := one(t, find(tb, "", "CLOSE-WAIT", 59558)); s.RecvQ != 1 || s.Src.EndLine != 19 {
		t.Errorf("close-wait %+v", s)
	}
}

func TestRHEL8Extended(t *testing.T) {
	tb := readTestdata(t, "ss_tupnaemoi_rhel8.txt")
	if len(tb.Sockets) != 6 {
		t.Fatalf("%d sockets", len(tb.Sockets))
	}
	dns := one(t, find(tb, "udp", "", 53))
	if dns.Local.Addr != "10.0.0.1" || dns.Local.Iface != "lo" || dns.Ext["cgroup"] != "/system.slice/dnsmasq.service" {
		t.Errorf("dns = %+v", dns)
	}
	ntp := one(t, find(tb, "udp", "", 123))
	if ntp.Local.Addr != "fe80::1" || ntp.Local.Iface != "eth0" || ntp.UID != 998 {
		t.Errorf("ntp = %+v", ntp)
	}
	nginx := one(t, find(tb, "tcp", "ESTAB", 80))
	if nginx.Local.Addr != "10.0.0.1" || nginx.Peer.Addr != "10.0.0.2" || len(nginx.Users) != 2 || nginx.Users[1].PID != 2 {
		t.Errorf("nginx = %+v", nginx)
	}
	if nginx.Timer.Name != "persist" || nginx.Timer.Expire != 1500*time.Millisecond || nginx.SendQ != 102400 {
		t.Errorf("persist timer %+v", nginx.Timer)
	}
	if nginx.Mem["w"] != 106752 || nginx.Info["notsent"] != "102400" || nginx.Info["snd_wnd"] != "0" || nginx.Info["delivery_rate"] != "33.1Mbps" {
		t.Errorf("nginx mem %v info %v", nginx.Mem, nginx.Info)
	}
	if d, ok := nginx.InfoDuration("rwnd_limited"); !ok || d != 59990*time.Millisecond {
		t.Errorf("rwnd_limited %v", d)
	}
	ssh := one(t, find(tb, "tcp", "ESTAB", 22))
	if ssh.Local.Addr != "fe80::5054:ff:fe12:3456" || ssh.Peer.Iface != "eth0" || ssh.Info["pacing_rate"] != "491.3Mbps/1.2Gbps" {
		t.Errorf("ssh = %+v", ssh)
	}
	unix := one(t, find(tb, "u_str", "", 41234))
	if unix.Local.Addr != "/run/user/1000/my app.sock" || unix.Peer.Port != 41235 || unix.Users[0].Name != "app" {
		t.Errorf("unix with space in path = %+v", unix)
	}
}

func TestStateFilterAndOldUsers(t *testing.T) {
	tb := readTestdata(t, "ss_tn_state_established.txt")
	if len(tb.Sockets) != 2 || tb.Sockets[1].RecvQ != 517 || tb.Sockets[1].State != "" || tb.Sockets[1].Local.Port != 6443 {
		t.Errorf("state-filtered = %+v", tb.Sockets)
	}
	tb = readTestdata(t, "ss_tanp_rhel6.txt")
	if len(tb.Sockets) != 3 {
		t.Fatalf("%d sockets", len(tb.Sockets))
	}
	est := tb.Sockets[2]
	if len(est.Users) != 2 || est.Users[0] != (Proc{"sshd", 2211, 3}) || est.Users[1] != (Proc{"sshd", 2209, 3}) {
		t.Errorf("old users form = %+v", est.Users)
	}
	if tb.Sockets[0].Local.Addr != "::" || tb.Sockets[0].Local.Port != 22 {
		t.Errorf("rhel6 v6 listener = %+v", tb.Sockets[0].Local)
	}
}

func TestLsof(t *testing.T) {
	tb := readTestdata(t, "lsof_nP_i.txt")
	if tb.Form != "lsof" || len(tb.Sockets) != 9 {
		t.Fatalf("form %q, %d sockets", tb.Form, len(tb.Sockets))
	}
	chrony := tb.Sockets[1]
	if chrony.Netid != "udp" || chrony.State != "UNCONN" || chrony.Local.Addr != "::1" || chrony.Local.Port != 323 || chrony.Ext["user"] != "chrony" {
		t.Errorf("chrony = %+v", chrony)
	}
	beam := tb.Sockets[4]
	if beam.State != "ESTAB" || beam.Local.Addr != "10.233.65.134" || beam.Peer.Addr != "192.168.20.3" || beam.Peer.Port != 59558 {
		t.Errorf("beam = %+v", beam)
	}
	states := []string{}
	for _, s := range tb.Sockets[6:8] {
		states = append(states, s.State)
	}
	if strings.Join(states, ",") != "CLOSE-WAIT,SYN-SENT" {
		t.Errorf("states = %v", states)
	}
	if tb.Sockets[8].Users[0].Name != "Web Con" || tb.Sockets[8].Users[0].FD != 213 {
		t.Errorf("escaped command = %+v", tb.Sockets[8].Users)
	}
}

func TestEndpointForms(t *testing.T) {
	cases := []struct {
		raw   string
		addr  string
		port  int
		iface string
	}{
		{"10.20.0.6:59558", "10.20.0.6", 59558, ""},
		{"::ffff:10.20.0.6:32672", "10.20.0.6", 32672, ""},
		{"[::ffff:10.0.0.1]:80", "10.0.0.1", 80, ""},
		{"[::]:22", "::", 22, ""},
		{"*:2380", "*", 2380, ""},
		{"0.0.0.0:*", "0.0.0.0", -1, ""},
		{"*", "*", -1, ""},
		{"fe80::1%eth0:123", "fe80::1", 123, "eth0"},
		{"[fe80::1%eth0]:123", "fe80::1", 123, "eth0"},
		{"10.0.0.1%lo:53", "10.0.0.1", 53, "lo"},
		{"10.0.0.1:ssh", "10.0.0.1", 22, ""},
		{"10.0.0.1:nosuchservice", "10.0.0.1", 0, ""},
	}
	for _, c := range cases {
		e := parseEndpoint(c.raw)
		if e.Addr != c.addr || e.Port != c.port || e.Iface != c.iface || e.Raw != c.raw {
			t.Errorf("parseEndpoint(%q) = %+v", c.raw, e)
		}
	}
}

func TestTimerDurations(t *testing.T) {
	cases := map[string]time.Duration{
		"119min":    119 * time.Minute,
		"1min30sec": 90 * time.Second,
		"1min":      time.Minute,
		"59sec":     59 * time.Second,
		"6.535ms":   6535 * time.Millisecond,
		"200ms":     200 * time.Millisecond,
		"-1sec":     -time.Second,
	}
	for in, want := range cases {
		if got, ok := parseTimerDuration(in); !ok || got != want {
			t.Errorf("parseTimerDuration(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "5lightyears", "min"} {
		if _, ok := parseTimerDuration(bad); ok {
			t.Errorf("parseTimerDuration(%q) accepted", bad)
		}
	}
}

func TestMalformed(t *testing.T) {
	in := "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n" +
		"\t skmem:(r0)\n" +
		"tcp ESTAB x 0 1.2.3.4:5 6.7.8.9:10\n" +
		"tcp ESTAB 0\n" +
		"tcp ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((\"unterminated\n" +
		"u_str ESTAB 0 0 * 1\n"
	tb, warns := Parse("x", []byte(in))
	if len(tb.Sockets) != 1 || tb.Sockets[0].Src.Line != 5 {
		t.Errorf("sockets = %+v", tb.Sockets)
	}
	lines := []int{}
	for _, w := range warns {
		lines = append(lines, w.Line)
	}
	if len(lines) != 4 || lines[0] != 2 || lines[1] != 3 || lines[2] != 4 || lines[3] != 6 {
		t.Errorf("warnings = %v", warns)
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{corpusDir, "testdata"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("tcp ESTAB 0 0 [::1]:1 *:* timer:(on,1.,) users:((\"a\",pid=1,fd=2),(\"b\"\n\tsend"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, warns := Parse("fuzz", data)
		checkWarnings(t, warns)
		for _, s := range tb.Sockets {
			if s.Src.Line < 1 || s.Src.EndLine < s.Src.Line || s.Src.Artifact != "fuzz" {
				t.Fatalf("bad ref %+v", s.Src)
			}
			for k := range s.Info {
				s.InfoDuration(k)
			}
		}
	})
}

func checkWarnings(t *testing.T, warns []source.Warning) {
	for _, w := range warns {
		if w.Line < 0 || w.Message == "" {
			t.Fatalf("bad warning %+v", w)
		}
	}
}

func TestLsofAfterPrompt(t *testing.T) {
	in := "[root@node-1 ~]# lsof -i:32672\nCOMMAND     PID USER   FD   TYPE    DEVICE SIZE/OFF NODE NAME\nhyperkube 26876 root    8u  IPv6 217745983      0t0  TCP *:32672 (LISTEN)\n"
	tb, warns := Parse("p", []byte(in))
	if tb.Form != "lsof" || len(tb.Sockets) != 1 || len(warns) != 1 || warns[0].Line != 1 {
		t.Errorf("form %q sockets %d warnings %v", tb.Form, len(tb.Sockets), warns)
	}
}

// TestNetstatTanpo reads net-tools `netstat -tanpo`: states in ss names,
// PID/program owners, and the -o timer column.
func TestNetstatTanpo(t *testing.T) {
	in := "Active Internet connections (servers and established)\n" +
		"Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name     Timer\n" +
		"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      1102/sshd            off (0.00/0/0)\n" +
		"tcp        8      0 10.20.0.6:32672         10.20.0.3:48598         ESTABLISHED -                    off (0.00/0/0)\n" +
		"tcp        0      0 10.20.0.3:51544         10.20.1.9:5672          ESTABLISHED 29085/celery         keepalive (7179.23/0/0)\n" +
		"tcp6       0      0 :::32672                :::*                    LISTEN      26876/hyperkube      off (0.00/0/0)\n" +
		"udp        0      0 0.0.0.0:68              0.0.0.0:*                           811/dhclient         off (0.00/0/0)\n" +
		"Active UNIX domain sockets (servers and established)\n"
	tb, warns := Parse("netstat", []byte(in))
	if len(warns) != 0 || tb.Form != "netstat" || len(tb.Sockets) != 5 {
		t.Fatalf("form %s, %d sockets, warnings %v", tb.Form, len(tb.Sockets), warns)
	}
	s := tb.Sockets[1]
	if s.State != "ESTAB" || s.RecvQ != 8 || s.Local.Port != 32672 || s.Peer.Addr != "10.20.0.3" || len(s.Users) != 0 || s.Timer != nil {
		t.Errorf("unread socket: %+v", s)
	}
	if c := tb.Sockets[2]; c.Timer == nil || c.Timer.Name != "keepalive" || c.Timer.Expire < 7179*time.Second || c.Users[0].Name != "celery" {
		t.Errorf("keepalive socket: %+v %+v", c, c.Timer)
	}
	if p := tb.Sockets[3]; p.Users[0].Name != "hyperkube" || p.Local.Port != 32672 || p.State != "LISTEN" {
		t.Errorf("hyperkube listener: %+v", p)
	}
	if u := tb.Sockets[4]; u.Netid != "udp" || u.State != "UNCONN" {
		t.Errorf("udp: %+v", u)
	}
}

// /proc/net/tcp and tcp6 as read on this project's machine (Linux 6.18):
// hex addresses in host-order words, hex states, queues and timers.
func TestProcNet(t *testing.T) {
	raw := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tb, warns := Parse("proc_net_tcp", raw("proc_net_tcp.txt"))
	if len(warns) != 0 || tb.Form != "procnet" || len(tb.Sockets) != 4 {
		t.Fatalf("form %s, %d sockets, warnings %v", tb.Form, len(tb.Sockets), warns)
	}
	l := tb.Sockets[0]
	if l.Netid != "tcp" || l.State != "LISTEN" || l.Local.Addr != "127.0.0.1" || l.Local.Port != 33817 || l.Peer.Addr != "*" || l.Inode != 202444 {
		t.Errorf("listener %+v local %+v peer %+v", l, l.Local, l.Peer)
	}
	e := tb.Sockets[2]
	if e.State != "ESTAB" || e.Peer.Port != 51838 || e.Timer == nil || e.Timer.Name != "keepalive" || e.Timer.Expire != 7350*time.Millisecond {
		t.Errorf("established %+v timer %+v", e, e.Timer)
	}
	if tw := tb.Sockets[3]; tw.State != "TIME-WAIT" || tw.Timer == nil || tw.Timer.Name != "timewait" {
		t.Errorf("time-wait %+v", tw)
	}
	tb, warns = Parse("proc_net_tcp6", raw("proc_net_tcp6.txt"))
	if len(warns) != 0 || len(tb.Sockets) != 3 {
		t.Fatalf("tcp6: %d sockets, warnings %v", len(tb.Sockets), warns)
	}
	if s := tb.Sockets[2]; s.Local.Addr != "::1" || s.Local.Port != 8443 || s.RecvQ != 100 || s.State != "ESTAB" {
		t.Errorf("tcp6 socket %+v local %+v recvq %d", s, s.Local, s.RecvQ)
	}
	if tb.Sockets[0].Local.Addr != "*" {
		t.Errorf("wildcard %q", tb.Sockets[0].Local.Addr)
	}
}

// netstat -W -neopa as sos collects it: wide addresses, user and inode
// columns, timers, and the unix and multicast sections read past without a
// warning (ParseClean fails on any).
func TestNetstatWideNeopa(t *testing.T) {
	tb := readTestdata(t, "netstat_-W_-neopa")
	if len(tb.Sockets) != 7 {
		t.Fatalf("%d sockets, want the 7 internet rows", len(tb.Sockets))
	}
	est := find(tb, "tcp", "ESTAB", 22)
	if len(est) != 1 || est[0].SendQ != 36 || est[0].Peer.Port != 51234 || len(est[0].Users) != 1 || est[0].Users[0].PID != 2201 {
		t.Fatalf("established ssh row: %+v", est)
	}
	if l := find(tb, "tcp", "LISTEN", 10250); len(l) != 1 || l[0].Users[0].Name != "kubelet" {
		t.Fatalf("kubelet listener: %+v", l)
	}
}
