package artifact

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

const iptablesNatNvL = `Chain PREROUTING (policy ACCEPT 12 packets, 720 bytes)
 pkts bytes target     prot opt in     out     source               destination         
 1523 91380 KUBE-SERVICES  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */
`

const sosManifest = `{
  "version": "4.5.6",
  "components": {
    "report": {
      "plugins": {
        "networking": {
          "commands": [
            {"command": "ss", "parameters": ["-peaonmi"], "exec": "ss -peaonmi", "filepath": "sos_commands/networking/ss_-peaonmi", "truncated": false, "return_code": 0},
            {"command": "netstat", "parameters": ["-s"], "exec": "netstat -s", "filepath": "sos_commands/networking/netstat_-s", "truncated": true, "return_code": 0},
            {"command": "ethtool", "exec": "ethtool -S eth0", "filepath": null, "return_code": 1}
          ]
        }
      }
    }
  }
}`

// sosreportEntries builds a sos 4 style report of node "top" (directory
// name) whose hostname file may say otherwise.
func sosreportEntries(t *testing.T, dir, hostnameFile string) []entry {
	corpus := func(p string) string { return readFile(t, corpusDir+"/"+p) }
	es := []entry{
		{name: dir + "/", typeflag: tar.TypeDir},
		{name: dir + "/hostname", typeflag: tar.TypeSymlink, link: "sos_commands/host/hostname"},
		{name: dir + "/sos_commands/kernel/sysctl_-a", body: corpus("sysctl/jds2001-ocp-sosreport__sysctl_-a")},
		{name: dir + "/sos_commands/kernel/uname_-a", body: readFile(t, "testdata/sniff/system__uname_-a_rhel7.txt")},
		{name: dir + "/sos_commands/kernel/lsmod", body: "Module                  Size  Used by\nip_vs                 145497  6\n"},
		{name: dir + "/sos_commands/networking/ss_-peaonmi", body: corpus("ss/jds2001-ocp-sosreport__ss_-peaonmi")},
		{name: dir + "/sos_commands/networking/netstat_-s", body: corpus("proc-net-stats/jds2001-ocp-sosreport__netstat_-s")},
		{name: dir + "/sos_commands/networking/ethtool_-T_eth0", body: "Time stamping parameters for eth0:\nCapabilities:\n"},
		{name: dir + "/sos_commands/networking/ip_netns_exec_cni-7e14_ss_-tan", body: readFile(t, "testdata/sniff/sockets__ss_-tan_rhel7.txt")},
		{name: dir + "/sos_commands/networking/nft_list_ruleset", body: corpus("iptables-save/jds2001-ocp-sosreport__nft_list_ruleset")},
		{name: dir + "/sos_commands/firewall_tables/iptables_-t_nat_-nvL", body: iptablesNatNvL},
		{name: dir + "/sos_commands/firewall_tables/iptables-save", body: corpus("iptables-save/k8s-cleanup_test.go__TestCleanupLeftovers_initial.iptables-save")},
		{name: dir + "/sos_commands/ipvs/ipvsadm_-Ln_--timeout", body: "Timeout (tcp tcpfin udp): 900 120 300\n"},
		{name: dir + "/sos_commands/process/ps_auxwww", body: readFile(t, "testdata/sniff/processes__ps_auxwww.txt")},
		{name: dir + "/sos_commands/process/pidstat_-p_ALL", body: "Linux 3.10.0 (node) \t11/20/2018\n"},
		{name: dir + "/proc/3255/net/netstat", body: corpus("proc-net-stats/jds2001-ocp-sosreport__proc_net_netstat")},
		{name: dir + "/proc/net/stat/nf_conntrack", body: corpus("conntrack/jds2001-ocp-sosreport__proc_net_stat_nf_conntrack")},
		{name: dir + "/proc/sys/net/ipv4/tcp_tw_recycle", body: "1\n"},
		{name: dir + "/proc/sys/net/ipv4/conf/eth0.100/rp_filter", body: "2\n"},
		{name: dir + "/proc/sys/net/ipv4/tcp_rmem", body: "4096\t87380\t6291456\n"},
		{name: dir + "/etc/keepalived/keepalived.conf", body: corpus("keepalived/xusxlinux-Document__master02_keepalived.conf")},
		{name: dir + "/etc/ssh/sshd_config", body: "Port 22\n"},
		{name: dir + "/etc/sysctl.conf", body: "net.ipv4.tcp_tw_recycle = 0\n"},
		{name: dir + "/usr/share/doc/big.txt", body: strings.Repeat("irrelevant\n", 1000)},
		{name: dir + "/var/log/messages", body: readFile(t, "testdata/sniff/log__messages_rhel7.txt")},
		{name: dir + "/sos_reports/manifest.json", body: sosManifest},
	}
	if hostnameFile != "" {
		es = append(es, entry{name: dir + "/sos_commands/host/hostname", body: hostnameFile})
	}
	return es
}

func TestSosreportTarXz(t *testing.T) {
	dir := "sosreport-node-1-01234567-2024-01-15-abcdefg"
	archive := xzBytes(t, tarBytes(t, sosreportEntries(t, dir, "node-1.domain.tld\n")))
	arts, errs := Expand([]Input{{Name: "node1.tar.xz", Data: archive}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	m := byName(t, arts)
	p := "node1.tar.xz!" + dir + "/"
	want := []struct {
		path, kind, command, table, namespace string
	}{
		{"sos_commands/kernel/sysctl_-a", "sysctl", "sysctl -a", "", ""},
		{"sos_commands/kernel/uname_-a", "system", "uname -a", "", ""},
		{"sos_commands/networking/ss_-peaonmi", "sockets", "ss -peaonmi", "", ""},
		{"sos_commands/networking/netstat_-s", "counters", "netstat -s", "", ""},
		{"sos_commands/networking/ip_netns_exec_cni-7e14_ss_-tan", "sockets", "ss -tan", "", "cni-7e14"},
		{"sos_commands/networking/nft_list_ruleset", "nftables", "nft list ruleset", "", ""},
		{"sos_commands/firewall_tables/iptables_-t_nat_-nvL", "iptables", "iptables -t nat -nvL", "nat", ""},
		{"sos_commands/firewall_tables/iptables-save", "iptables", "iptables-save", "", ""},
		{"sos_commands/ipvs/ipvsadm_-Ln_--timeout", "ipvs", "ipvsadm -Ln --timeout", "", ""},
		{"sos_commands/process/ps_auxwww", "processes", "ps auxwww", "", ""},
		{"sos_commands/host/hostname", "system", "hostname", "", ""},
		{"proc/3255/net/netstat", "counters", "", "", ""},
		{"proc/net/stat/nf_conntrack", "conntrack", "", "", ""},
		{"etc/keepalived/keepalived.conf", "keepalived", "", "", ""},
		{"var/log/messages", "log", "", "", ""},
	}
	for _, w := range want {
		a := mustGet(t, m, p+w.path)
		if string(a.Kind) != w.kind || a.Command != w.command || a.Table != w.table || a.Namespace != w.namespace || a.Host != "node-1" {
			t.Errorf("%s: got kind %s command %q table %q ns %q host %q; want %s %q %q %q node-1",
				w.path, a.Kind, a.Command, a.Table, a.Namespace, a.Host, w.kind, w.command, w.table, w.namespace)
		}
	}
	ps := mustGet(t, m, p+"proc/sys")
	wantSys := "net.ipv4.conf.eth0/100.rp_filter = 2\nnet.ipv4.tcp_rmem = 4096\t87380\t6291456\nnet.ipv4.tcp_tw_recycle = 1\n"
	if ps.Kind != KindSysctl || string(ps.Data) != wantSys || ps.Host != "node-1" {
		t.Errorf("proc/sys artifact: kind %s host %s data %q", ps.Kind, ps.Host, ps.Data)
	}
	netstat := m[p+"sos_commands/networking/netstat_-s"]
	if len(netstat.Warnings) != 1 || !strings.Contains(netstat.Warnings[0].Message, "truncated") {
		t.Errorf("manifest truncation not reported: %v", netstat.Warnings)
	}
	// Not network-relevant, or not a known kind: skipped without error.
	for _, skipped := range []string{"etc/ssh/sshd_config", "etc/sysctl.conf", "usr/share/doc/big.txt",
		"sos_commands/networking/ethtool_-T_eth0", "sos_commands/kernel/lsmod", "sos_commands/process/pidstat_-p_ALL",
		"sos_reports/manifest.json", "hostname", "proc/sys/net/ipv4/tcp_tw_recycle"} {
		if _, ok := m[p+skipped]; ok {
			t.Errorf("%s should have been skipped", skipped)
		}
	}
	if len(arts) != len(want)+1 {
		t.Errorf("got %d artifacts, want %d", len(arts), len(want)+1)
	}
}

// A case archive holding several sosreports (sos collect): each report gets
// its host, from the hostname file or else from its directory name.
func TestNestedSosreports(t *testing.T) {
	r1 := xzBytes(t, tarBytes(t, sosreportEntries(t, "sosreport-node-1-2024-01-15-abcdefg", "node-1\n")))
	r2 := gzipBytes(t, tarBytes(t, sosreportEntries(t, "sosreport-worker-2.01234567-20180110225002", "")))
	outer := tarBytes(t, []entry{
		{name: "case-0042/sosreport-node-1-2024-01-15-abcdefg.tar.xz", body: string(r1)},
		{name: "case-0042/sosreport-worker-2.01234567-20180110225002.tar.gz", body: string(r2)},
	})
	arts, errs := Expand([]Input{{Name: "case-0042.tar", Data: outer}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	hosts := map[string]int{}
	for _, a := range arts {
		hosts[a.Host]++
	}
	if hosts["node-1"] != 16 || hosts["worker-2"] != 15 || len(hosts) != 2 {
		t.Errorf("hosts = %v", hosts)
	}
	m := byName(t, arts)
	a := mustGet(t, m, "case-0042.tar!case-0042/sosreport-worker-2.01234567-20180110225002.tar.gz!sosreport-worker-2.01234567-20180110225002/sos_commands/firewall_tables/iptables_-t_nat_-nvL")
	if a.Table != "nat" || a.Kind != KindIptables {
		t.Errorf("nested iptables: %s %q", a.Kind, a.Table)
	}

	// Without nesting the inner reports are refused with an error each.
	arts, errs = Expand([]Input{{Name: "case-0042.tar", Data: outer}}, Limits{MaxNesting: 0, MaxTotalBytes: 1 << 30, MaxFiles: 1000, MaxFileBytes: 1 << 30})
	if len(arts) != 0 || len(errs) != 2 || !strings.Contains(errs[0].Message, "nested deeper than 0") {
		t.Errorf("MaxNesting 0: %d artifacts, errors %v", len(arts), errs)
	}
}

func TestHostFromSosName(t *testing.T) {
	for name, want := range map[string]string{
		"sosreport-node-1-2024-01-15-abcdefg":                 "node-1",
		"sosreport-node-1-01234567-2024-01-15-abcdefg.tar.xz": "node-1",
		"sosreport-master1.01234567-20190327080001":           "master1",
		"sosreport-master1-20190327080001.tar.xz":             "master1",
		"bundle/sosreport-db01-2023-12-31-zzzzzzz/":           "db01",
		"sosreport-plain": "plain",
		"notes-node-1":    "",
	} {
		if got := hostFromSosName(name); got != want {
			t.Errorf("hostFromSosName(%q) = %q, want %q", name, got, want)
		}
	}
}

// A sosreport given as a directory (the CLI passes its files one by one)
// and one archived from inside its directory (no sosreport-* top level).
func TestSosreportLayouts(t *testing.T) {
	var inputs []Input
	for _, e := range sosreportEntries(t, "sosreport-db01-2023-12-31-zzzzzzz", "") {
		if e.typeflag == 0 {
			inputs = append(inputs, Input{Name: e.name, Data: []byte(e.body)})
		}
	}
	inputs = append(inputs, Input{Name: "paste.txt", Data: []byte("[root@db01 ~]# ipvsadm -Ln --timeout\nTimeout (tcp tcpfin udp): 900 120 300\n")})
	arts, errs := Expand(inputs, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := byName(t, arts)
	if a := mustGet(t, m, "sosreport-db01-2023-12-31-zzzzzzz/sos_commands/kernel/sysctl_-a"); a.Host != "db01" {
		t.Errorf("directory sosreport host %q", a.Host)
	}
	if a := mustGet(t, m, "paste.txt#1 ipvsadm -Ln --timeout"); a.Host != "db01" || a.Kind != KindIPVS {
		t.Errorf("paste: host %q kind %s", a.Host, a.Kind)
	}

	var flat []entry
	for _, e := range sosreportEntries(t, "x", "") {
		e.name = strings.TrimPrefix(e.name, "x/")
		if e.name != "" {
			flat = append(flat, e)
		}
	}
	arts, errs = Expand([]Input{{Name: "sosreport-web-3-2024-02-01-qwertyu.tar.gz", Data: gzipBytes(t, tarBytes(t, flat))}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m = byName(t, arts)
	a := mustGet(t, m, "sosreport-web-3-2024-02-01-qwertyu.tar.gz!sos_commands/networking/ss_-peaonmi")
	if a.Host != "web-3" || a.Kind != KindSockets {
		t.Errorf("flat sosreport: host %q kind %s", a.Host, a.Kind)
	}
	if _, ok := m["sosreport-web-3-2024-02-01-qwertyu.tar.gz!etc/ssh/sshd_config"]; ok {
		t.Errorf("flat sosreport: irrelevant file kept")
	}
}

func TestPlainBundleHosts(t *testing.T) {
	ipt := readFile(t, "testdata/sniff/iptables__iptables_-S.txt")
	bundle := gzipBytes(t, tarBytes(t, []entry{
		{name: "collected/node-1/iptables-save.txt", body: ipt},
		{name: "collected/node-1/ss.txt", body: readFile(t, "testdata/sniff/sockets__ss_-tan_rhel7.txt")},
		{name: "collected/node-2/iptables_-t_nat_-nvL", body: iptablesNatNvL},
		{name: "collected/node-2/hostname", body: "n2.example.com\n"},
		{name: "collected/logs/messages", body: readFile(t, "testdata/sniff/log__messages_rhel7.txt")},
		{name: "collected/README", body: "collected by hand\n"},
	}))
	arts, errs := Expand([]Input{{Name: "bundle.tgz", Data: bundle}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := byName(t, arts)
	for name, want := range map[string]string{
		"collected/node-1/iptables-save.txt":    "node-1",
		"collected/node-1/ss.txt":               "node-1",
		"collected/node-2/iptables_-t_nat_-nvL": "n2",
		"collected/node-2/hostname":             "n2",
		"collected/logs/messages":               DefaultHost,
		"collected/README":                      DefaultHost,
	} {
		if a := mustGet(t, m, "bundle.tgz!"+name); a.Host != want {
			t.Errorf("%s: host %q, want %q", name, a.Host, want)
		}
	}
	if a := m["bundle.tgz!collected/node-2/iptables_-t_nat_-nvL"]; a.Table != "nat" || a.Command != "iptables -t nat -nvL" {
		t.Errorf("mangled file name: table %q command %q", a.Table, a.Command)
	}
	if a := m["bundle.tgz!collected/README"]; a.Kind != KindUnknown {
		t.Errorf("README kind %s", a.Kind)
	}

	// One top directory: nothing tells hosts apart.
	arts, _ = Expand([]Input{{Name: "node-9/iptables-save", Data: []byte(ipt)}}, DefaultLimits())
	if len(arts) != 1 || arts[0].Host != DefaultHost || arts[0].Kind != KindIptables {
		t.Errorf("single directory: %+v", arts)
	}
}

func TestTarBomb(t *testing.T) {
	bomb := gzipBytes(t, tarBytes(t, []entry{
		{name: "a/sysctl.txt", body: "net.ipv4.tcp_tw_recycle = 1\n"},
		{name: "a/zeros", body: strings.Repeat("\x00", 8<<20)},
		{name: "a/after.txt", body: "net.ipv4.tcp_tw_reuse = 1\n"},
	}))
	lim := Limits{MaxTotalBytes: 1 << 20, MaxFiles: 100, MaxFileBytes: 1 << 30, MaxNesting: 1}
	arts, errs := Expand([]Input{{Name: "bomb.tar.gz", Data: bomb}}, lim)
	if len(errs) != 1 || errs[0].Artifact != "bomb.tar.gz" || !strings.Contains(errs[0].Message, "expanded size exceeds limit of 1048576 bytes") {
		t.Fatalf("errors = %v", errs)
	}
	m := byName(t, arts)
	if a := mustGet(t, m, "bomb.tar.gz!a/sysctl.txt"); a.Kind != KindSysctl {
		t.Errorf("member before the bomb: %s", a.Kind)
	}
	// The member's declared size is over what is left: refused before reading.
	if _, ok := m["bomb.tar.gz!a/zeros"]; ok {
		t.Errorf("a member over the total was kept")
	}
	if _, ok := m["bomb.tar.gz!a/after.txt"]; ok {
		t.Errorf("expansion went on after the limit")
	}

	// An oversize member is skipped with its own error; the rest is read.
	lim = Limits{MaxTotalBytes: 1 << 30, MaxFiles: 100, MaxFileBytes: 4096, MaxNesting: 1}
	arts, errs = Expand([]Input{{Name: "bomb.tar.gz", Data: bomb}}, lim)
	if len(errs) != 1 || errs[0].Artifact != "bomb.tar.gz!a/zeros" ||
		errs[0].Message != "member of 8388608 bytes exceeds the size limit of 4096 bytes per file; skipped (the rest of the archive is read)" {
		t.Errorf("member limit: %v", errs)
	}
	m = byName(t, arts)
	if a := mustGet(t, m, "bomb.tar.gz!a/after.txt"); a.Kind != KindSysctl {
		t.Errorf("member after the oversize one: %s", a.Kind)
	}

	// Many small files hit MaxFiles.
	var many []entry
	for i := range 50 {
		many = append(many, entry{name: fmt.Sprintf("f%d", i), body: "x\n"})
	}
	arts, errs = Expand([]Input{{Name: "many.tar", Data: tarBytes(t, many)}}, Limits{MaxFiles: 10})
	if len(arts) != 10 || len(errs) != 1 || !strings.Contains(errs[0].Message, "more than 10 files") {
		t.Errorf("MaxFiles: %d artifacts, %v", len(arts), errs)
	}

	// A single compressed file is bounded the same way.
	_, errs = Expand([]Input{{Name: "messages.gz", Data: gzipBytes(t, bytes.Repeat([]byte("Nov 20 22:36:36 node-1 kernel: x\n"), 100000))}}, Limits{MaxTotalBytes: 1 << 16})
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "exceeds limit of 65536 bytes") {
		t.Errorf("gzip bomb: %v", errs)
	}
}

func TestZipBomb(t *testing.T) {
	z := zipBytes(t, []entry{
		{name: "ok/sysctl.txt", body: "net.ipv4.tcp_tw_recycle = 1\n"},
		{name: "ok/zeros", body: strings.Repeat("0", 16<<20)},
	})
	if len(z) > 64<<10 {
		t.Fatalf("zip bomb not compressible enough: %d bytes", len(z))
	}
	arts, errs := Expand([]Input{{Name: "bomb.zip", Data: z}}, Limits{MaxTotalBytes: 1 << 20})
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "exceeds limit of 1048576 bytes") {
		t.Fatalf("errors = %v", errs)
	}
	m := byName(t, arts)
	mustGet(t, m, "bomb.zip!ok/sysctl.txt")
	if _, ok := m["bomb.zip!ok/zeros"]; ok {
		t.Errorf("a member declared over the total was kept")
	}
}

func TestUnsafeMemberNames(t *testing.T) {
	evil := tarBytes(t, []entry{
		{name: "../../etc/x", body: "net.ipv4.ip_forward = 1\n"},
		{name: "/etc/passwd", body: "root:x:0:0:root:/root:/bin/bash\n"},
		{name: "dir/../../up", body: "x\n"},
		{name: "good/sysctl.txt", body: "net.ipv4.ip_forward = 1\n"},
	})
	arts, errs := Expand([]Input{{Name: "evil.tar", Data: evil}}, DefaultLimits())
	var rejected []string
	for _, e := range errs {
		if !strings.Contains(e.Message, "unsafe member name") {
			t.Errorf("unexpected error %v", e)
		}
		rejected = append(rejected, e.Artifact)
	}
	want := []string{"evil.tar!../../etc/x", "evil.tar!/etc/passwd", "evil.tar!dir/../../up"}
	if fmt.Sprint(rejected) != fmt.Sprint(want) {
		t.Errorf("rejected %q, want %q", rejected, want)
	}
	if len(arts) != 1 || arts[0].Name != "evil.tar!good/sysctl.txt" {
		t.Errorf("artifacts %v", arts)
	}

	_, errs = Expand([]Input{{Name: "evil.zip", Data: zipBytes(t, []entry{{name: "..\\..\\windows\\x", body: "x"}, {name: "ok", body: "x"}})}}, DefaultLimits())
	if len(errs) != 1 || errs[0].Artifact != "evil.zip!..\\..\\windows\\x" {
		t.Errorf("zip: %v", errs)
	}
}

func TestCompressedSingleFiles(t *testing.T) {
	pcap := []byte(readFile(t, corpusDir+"/pcap/zeek__syn.pcap"))
	logs := readFile(t, "testdata/sniff/log__messages_rhel7.txt")
	arts, errs := Expand([]Input{
		{Name: "capture.pcap.gz", Data: gzipBytes(t, pcap)},
		{Name: "var/log/messages-20181121.xz", Data: xzBytes(t, []byte(logs))},
	}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := byName(t, arts)
	if a := mustGet(t, m, "capture.pcap.gz"); a.Kind != KindPcap || !bytes.Equal(a.Data, pcap) {
		t.Errorf("pcap.gz: kind %s, %d bytes", a.Kind, len(a.Data))
	}
	if a := mustGet(t, m, "var/log/messages-20181121.xz"); a.Kind != KindLog || string(a.Data) != logs {
		t.Errorf("messages.xz: kind %s", a.Kind)
	}
}

func TestBinaryJunk(t *testing.T) {
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7 + i/13)
	}
	arts, errs := Expand([]Input{{Name: "core.dump", Data: junk}, {Name: "x.zst", Data: []byte("\x28\xb5\x2f\xfd\x00\x00")}}, DefaultLimits())
	if len(arts) != 1 || arts[0].Kind != KindUnknown || len(arts[0].Warnings) != 1 || arts[0].Warnings[0].Message != "binary content" {
		t.Fatalf("artifacts %+v", arts)
	}
	if !bytes.Equal(arts[0].Data, junk) {
		t.Errorf("binary data was modified")
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "zstd") {
		t.Errorf("errors %v", errs)
	}
}

func TestNormalizeText(t *testing.T) {
	for in, want := range map[string]string{
		"\xef\xbb\xbfa\r\nb\rc\n":                                  "a\nb\nc\n",
		"\x1b[01;31mred\x1b[0m plain\x1b[K":                        "red plain",
		"\x1b]0;root@node-1:~\x07[root@node-1 ~]# ls":              "[root@node-1 ~]# ls",
		"\x1b]0;title\x1b\\text":                                   "text",
		"trailing \x1b":                                            "trailing ",
		"\x1b(Bcharset":                                            "charset",
		"no escapes here\n":                                        "no escapes here\n",
		"\x1b]0;unterminated\nnext line\n":                         "\nnext line\n",
		"net.ipv4.\x1b[01;31m\x1b[Ktcp_tw\x1b[m\x1b[K_recycle = 1": "net.ipv4.tcp_tw_recycle = 1",
	} {
		if got := string(normalizeText([]byte(in))); got != want {
			t.Errorf("normalizeText(%q) = %q, want %q", in, got, want)
		}
	}
}
