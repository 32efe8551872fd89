package counters

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

const corpus = "../../../testdata/corpus/proc-net-stats/"

func parseFile(t *testing.T, path string) (*Set, []string) {
	t.Helper()
	set, warns := parsetest.Parse(t, path, Parse)
	var ws []string
	for _, w := range warns {
		ws = append(ws, w.String())
	}
	return set, ws
}

func one(t *testing.T, set *Set, form string) *Snapshot {
	t.Helper()
	if len(set.Snapshots) != 1 {
		t.Fatalf("want 1 snapshot, got %d", len(set.Snapshots))
	}
	s := set.Snapshots[0]
	if s.Form != form {
		t.Errorf("form = %s, want %s", s.Form, form)
	}
	return s
}

func want(t *testing.T, s *Snapshot, values map[string]int64) {
	t.Helper()
	for k, v := range values {
		c, ok := s.Values[k]
		if !ok {
			t.Errorf("%s missing", k)
		} else if c.Value != v {
			t.Errorf("%s = %d, want %d", k, c.Value, v)
		}
	}
}

func TestCorpusNetstatSRHEL8(t *testing.T) {
	set, warns := parseFile(t, corpus+"jds2001-ocp-sosreport__netstat_-s")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	s := one(t, set, FormNetstatS)
	want(t, s, map[string]int64{
		"Tcp.ActiveOpens": 54035, "Tcp.AttemptFails": 53223, "Tcp.PassiveOpens": 354,
		"Tcp.EstabResets": 21, "Tcp.CurrEstab": 13, "Tcp.InSegs": 271654, "Tcp.OutSegs": 286045,
		"Tcp.RetransSegs": 441, "Tcp.InErrs": 0, "Tcp.OutRsts": 2743,
		"Ip.Forwarding": 1, "Ip.InReceives": 328107, "Ip.InAddrErrors": 4, "Ip.ForwDatagrams": 0,
		"Ip.InDiscards": 0, "Ip.OutNoRoutes": 4165,
		"Icmp.InErrors": 423, "Icmp.InDestUnreachs": 714, "Icmp.OutDestUnreachs": 714,
		"IcmpMsg.InType3": 714,
		"Udp.InDatagrams": 55720, "Udp.NoPorts": 0, "Udp.InErrors": 0, "Udp.RcvbufErrors": 0,
		"Udp.SndbufErrors": 0, "Udp.IgnoredMulti": 15,
		"TcpExt.TW": 1, "TcpExt.DelayedACKLost": 3, "TcpExt.TCPTimeouts": 668,
		"TcpExt.TCPAbortOnData": 322, "TcpExt.TCPSynRetrans": 439, "TcpExt.TCPToZeroWindowAdv": 141,
		"IpExt.InOctets": 282605781,
	})
	if len(s.Unmapped) != 0 {
		t.Errorf("unmapped: %v", s.Unmapped)
	}
	if c := s.Values["Tcp.AttemptFails"]; c.Src.Line != 25 || !strings.Contains(c.Src.Text, "failed connection attempts") {
		t.Errorf("src = %+v", c.Src)
	}
	if s.Label != "#1" || s.Src.Line != 1 || s.Src.EndLine != 73 {
		t.Errorf("label %q src %+v", s.Label, s.Src)
	}
}

func TestCorpusNetstatSInsights(t *testing.T) {
	set, warns := parseFile(t, corpus+"insights-core__test_netstat.py_NETSTAT_S.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	s := one(t, set, FormNetstatS)
	want(t, s, map[string]int64{
		"Ip.InReceives": 3405107, "Ip.OutDiscards": 456, "Ip.FragOKs": 4, "Ip.FragCreates": 8,
		"Icmp.InMsgs": 114, "Icmp.InErrors": 0, "Icmp.InEchos": 4, "Icmp.InEchoReps": 3,
		"Icmp.OutEchos": 3, "Icmp.OutEchoReps": 4, "Icmp.OutDestUnreachs": 254, "Icmp.OutErrors": 0,
		"Tcp.ActiveOpens": 1648, "Tcp.OutSegs": 2890303, "Tcp.RetransSegs": 428, "Tcp.InErrs": 0,
		"Udp.NoPorts": 107,
		"TcpExt.TW":   1239, "TcpExt.DelayedACKLocked": 6, "TcpExt.TCPPrequeued": 999263,
		"TcpExt.TCPDirectCopyFromBacklog": 8266, "TcpExt.TCPHPHits": 122927,
		"TcpExt.TCPHPHitsToUser": 339500, "TcpExt.TCPPureAcks": 253351, "TcpExt.TCPSackRecovery": 1,
		"TcpExt.TCPLossUndo": 1, "TcpExt.TCPFastRetrans": 3, "TcpExt.TCPTimeouts": 54,
		"TcpExt.TCPDSACKOldSent": 9, "TcpExt.TCPDSACKRecv": 13, "TcpExt.TCPAbortOnData": 72,
		"TcpExt.TCPAbortOnClose": 4, "TcpExt.TCPAbortOnTimeout": 53, "TcpExt.IPReversePathFilter": 1,
		"TcpExt.TCPChallengeACK": 3, "TcpExt.TCPDeferAcceptDrop": 537,
		"IpExt.InBcastOctets": 46402081, "IcmpMsg.OutType8": 3,
	})
	if len(s.Unmapped) != 0 {
		t.Errorf("unmapped: %v", s.Unmapped)
	}
}

func TestCorpusProc(t *testing.T) {
	set, warns := parseFile(t, corpus+"node_exporter__proc_net_netstat")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	s := one(t, set, FormProc)
	want(t, s, map[string]int64{"TcpExt.TW": 388812, "TcpExt.TCPRcvQDrop": 131, "TcpExt.TCPOFOQueue": 42,
		"TcpExt.SyncookiesFailed": 2, "IpExt.InOctets": 6286396970})
	if c := s.Values["TcpExt.TW"]; c.Src.Line != 1 || c.Src.EndLine != 2 {
		t.Errorf("src = %+v", c.Src)
	}

	set, warns = parseFile(t, corpus+"procfs__proc_26231_net_netstat")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	s = one(t, set, FormProc)
	if _, ok := s.Values["TcpExt.PAWSPassive"]; ok {
		t.Error("this kernel has no PAWSPassive column")
	}
	want(t, s, map[string]int64{"TcpExt.PAWSEstab": 3640, "TcpExt.TW": 83, "TcpExt.TCPWqueueTooBig": 0,
		"TcpExt.TCPRcvQDrop": 92425, "TcpExt.TCPOFOQueue": 65515, "IpExt.ReasmOverlaps": 0, "IpExt.InNoECTPkts": 134215})

	set, _ = parseFile(t, corpus+"jds2001-ocp-sosreport__proc_net_snmp")
	s = one(t, set, FormProc)
	want(t, s, map[string]int64{"Tcp.MaxConn": -1, "Tcp.ActiveOpens": 54033, "Tcp.AttemptFails": 53221,
		"Ip.Forwarding": 1, "Udp.IgnoredMulti": 15, "UdpLite.InDatagrams": 0, "IcmpMsg.OutType3": 714,
		"Icmp.InErrors": 423})

	set, _ = parseFile(t, corpus+"procfs__proc_26231_net_snmp")
	want(t, one(t, set, FormProc), map[string]int64{"Ip.Forwarding": 2, "Ip.OutDiscards": 20, "Tcp.InErrs": 98})
	set, _ = parseFile(t, corpus+"node_exporter__proc_net_snmp")
	want(t, one(t, set, FormProc), map[string]int64{"Udp.RcvbufErrors": 9, "Udp.SndbufErrors": 8, "Ip.ForwDatagrams": 397750})
}

func TestCorpusNstat(t *testing.T) {
	set, warns := parseFile(t, corpus+"yupeng0921-iproute2_learning__nstat_ListenOverflows.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	s := one(t, set, FormNstat)
	want(t, s, map[string]int64{"TcpExt.ListenOverflows": 4, "TcpExt.ListenDrops": 4, "Ip.InReceives": 4,
		"Tcp.InSegs": 4, "IpExt.InOctets": 240, "IpExt.InNoECTPkts": 4})
	if s.Delta || len(s.Values) != 7 {
		t.Errorf("delta %v, %d values", s.Delta, len(s.Values))
	}
	data, _ := os.ReadFile(corpus + "yupeng0921-iproute2_learning__nstat_ListenOverflows.txt")
	set, _ = ParseNstat("nstat", data, false)
	if !set.Snapshots[0].Delta {
		t.Error("nstat without -a should be marked as increments")
	}
}

func TestSeed001TwoProcSnapshots(t *testing.T) {
	set, warns := parseFile(t, "testdata/seed001_netstat_3.10_two.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots", len(set.Snapshots))
	}
	a, b := set.Snapshots[0], set.Snapshots[1]
	if a.Label != "Sun Nov 20 22:36:36 CST 2018" || b.Label != "Sun Nov 20 22:41:02 CST 2018" {
		t.Errorf("labels %q %q", a.Label, b.Label)
	}
	want(t, a, map[string]int64{"TcpExt.PAWSPassive": 3565, "TcpExt.ListenDrops": 3565, "TcpExt.TW": 94979,
		"TcpExt.SyncookiesFailed": 118, "TcpExt.TCPSynRetrans": 3021, "IpExt.InOctets": 57132122839})
	if len(a.Values) != 112+17 {
		t.Errorf("%d values", len(a.Values))
	}
	d := Delta(a, b)
	if d["TcpExt.PAWSPassive"] != 293 || d["TcpExt.ListenDrops"] != 293 || d["TcpExt.TW"] != 232 || d["TcpExt.PAWSEstab"] != 0 {
		t.Errorf("delta = %d %d %d", d["TcpExt.PAWSPassive"], d["TcpExt.ListenDrops"], d["TcpExt.TW"])
	}
	if b.Src.Line != 7 || b.Src.EndLine != 10 {
		t.Errorf("b src %+v", b.Src)
	}
}

func TestRepeatedProcWithoutLabels(t *testing.T) {
	data, _ := os.ReadFile(corpus + "node_exporter__proc_net_netstat")
	twice := append(append([]byte{}, data...), data...)
	set, _ := Parse("x", twice)
	if len(set.Snapshots) != 2 || set.Snapshots[1].Label != "#2" || set.Snapshots[1].Values["TcpExt.TW"].Value != 388812 {
		t.Fatalf("snapshots: %d", len(set.Snapshots))
	}
	// snmp followed by netstat is one reading.
	snmp, _ := os.ReadFile(corpus + "node_exporter__proc_net_snmp")
	set, _ = Parse("x", append(append([]byte{}, snmp...), data...))
	if len(set.Snapshots) != 1 || set.Snapshots[0].Values["Tcp.ActiveOpens"].Value != 3556 {
		t.Errorf("snmp+netstat should be one snapshot, got %d", len(set.Snapshots))
	}
}

func TestRHEL7NetstatSTwo(t *testing.T) {
	set, warns := parseFile(t, "testdata/rhel7_netstat_s_two.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots", len(set.Snapshots))
	}
	a, b := set.Snapshots[0], set.Snapshots[1]
	if a.Label != "2018-11-20T22:36:36+08:00" {
		t.Errorf("label %q", a.Label)
	}
	want(t, a, map[string]int64{
		"TcpExt.PAWSPassive": 3565, "TcpExt.PAWSEstab": 906, "TcpExt.ListenDrops": 3565,
		"TcpExt.ListenOverflows": 1119, "TcpExt.SyncookiesFailed": 118, "TcpExt.LockDroppedIcmps": 1,
		"TcpExt.TCPTimeWaitOverflow": 171, "TcpExt.TCPBacklogDrop": 782, "TcpExt.TCPReqQFullDrop": 2,
		"TcpExt.TCPSACKReorder": 1, "TcpExt.TCPSlowStartRetrans": 5, "TcpExt.TCPHPHitsToUser": 7,
		"TcpExt.TCPAbortOnTimeout": 1557, "TcpExt.TCPAbortOnClose": 62, "TcpExt.IPReversePathFilter": 49,
		"Ip.ForwDatagrams": 94201, "Ip.OutDiscards": 37, "Ip.OutNoRoutes": 12, "Ip.ReasmFails": 5,
		"Ip.ReasmTimeout": 5, "Ip.ReasmReqds": 40, "Ip.ReasmOKs": 10,
		"Icmp.InErrors": 12, "Icmp.InEchos": 30, "Icmp.OutEchoReps": 30,
		"Tcp.ActiveOpens": 5312283, "Tcp.OutSegs": 185326311, "Tcp.InErrs": 3,
		"Udp.NoPorts": 2711, "IpExt.OutOctets": 92642737581,
	})
	if len(a.Unmapped) != 0 {
		t.Errorf("unmapped %v", a.Unmapped)
	}
	// Forwarding is printed inverted by net-tools, so it stays unmapped.
	if len(b.Unmapped) != 1 || b.Unmapped[0].Line != 108 {
		t.Errorf("unmapped %v", b.Unmapped)
	}
	d := Delta(a, b)
	if len(d) != 4 || d["TcpExt.PAWSPassive"] != 293 || d["Ip.InReceives"] != 8112 || d["TcpExt.ListenOverflows"] != 0 {
		t.Errorf("delta %v", d)
	}
}

func TestUpstream160(t *testing.T) {
	set, warns := parseFile(t, "testdata/upstream160_netstat_s.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	want(t, one(t, set, FormNetstatS), map[string]int64{"TcpExt.ListenDrops": 187, "TcpExt.ListenOverflows": 187,
		"Tcp.OutRsts": 4, "Tcp.OutSegs": 902, "TcpExt.DelayedACKs": 15})
}

func TestNstatDeltaTwo(t *testing.T) {
	data, _ := os.ReadFile("testdata/nstat_delta_two.txt")
	set, warns := ParseNstat("nstat", data, false)
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots", len(set.Snapshots))
	}
	a, b := set.Snapshots[0], set.Snapshots[1]
	if !a.Delta || a.Label != "=== 1700000000 ===" || b.Label != "=== 1700000010 ===" {
		t.Errorf("a %+v", a)
	}
	want(t, a, map[string]int64{"TcpExt.PAWSPassive": 293, "Tcp.ActiveOpens": 12, "IcmpMsg.InType3": 2,
		"Ip6.InReceives": 5, "UdpLite6.InDatagrams": 0, "MPTcpExt.MPCapableSYNRX": 1, "TcpExt.TCPTimeouts": 7})
	want(t, b, map[string]int64{"TcpExt.ListenDrops": 301})
}

func TestSnmp6(t *testing.T) {
	set, warns := parseFile(t, "testdata/snmp6.txt")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	want(t, one(t, set, FormProc), map[string]int64{"Ip6.InReceives": 1203, "Ip6.InNoRoutes": 2,
		"Icmp6.InType135": 20, "Udp6.InDatagrams": 301, "UdpLite6.InDatagrams": 0})
}

func TestMalformed(t *testing.T) {
	in := "TcpExt: A B C\nTcpExt: 1 2\nIpExt: X\nIpExt: 99999999999999999999\nwhat is this\nTcp:\n    5 segments received\n    7 7 odd line\n"
	set, warns := Parse("bad", []byte(in))
	if len(warns) != 3 {
		t.Errorf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots", len(set.Snapshots))
	}
	want(t, set.Snapshots[0], map[string]int64{"TcpExt.A": 1, "TcpExt.B": 2})
	if _, ok := set.Snapshots[0].Values["TcpExt.C"]; ok {
		t.Error("C has no value")
	}
	s := set.Snapshots[1]
	want(t, s, map[string]int64{"Tcp.InSegs": 5})
	if len(s.Unmapped) != 1 || s.Unmapped[0].Line != 8 {
		t.Errorf("unmapped %v", s.Unmapped)
	}
}

func TestSentenceTableConsistent(t *testing.T) {
	seen := map[string]string{}
	for _, s := range NetstatSentences {
		key, _ := sentenceKey(s.Template)
		if strings.Count(key, "%u") != 1 {
			t.Errorf("%q needs exactly one number", s.Template)
		}
		k := s.Group + "|" + s.Context + "|" + key
		if prev, ok := seen[k]; ok && prev != s.Counter {
			t.Errorf("%q maps to both %s and %s", s.Template, prev, s.Counter)
		}
		seen[k] = s.Counter
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{corpus, "testdata/"} {
		files, _ := filepath.Glob(dir + "*")
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, _ := Parse("fuzz", data)
		for i, s := range set.Snapshots {
			if s.Label == "" || s.Values == nil || s.Src.Line < 1 || s.Src.EndLine < s.Src.Line {
				t.Fatalf("snapshot %d: %+v", i, s)
			}
			for k, c := range s.Values {
				if !strings.Contains(k, ".") || c.Src.Line < s.Src.Line || c.Src.EndLine > s.Src.EndLine {
					t.Fatalf("counter %s %+v outside %+v", k, c.Src, s.Src)
				}
			}
			for _, r := range s.Unmapped {
				if r.Line < s.Src.Line || r.Line > s.Src.EndLine {
					t.Fatalf("unmapped %+v outside %+v", r, s.Src)
				}
			}
		}
	})
}

// TestGrepFilteredNetstatS reads `netstat -s | grep` output, which has no
// section headers, and keeps two pasted runs apart as two snapshots.
func TestGrepFilteredNetstatS(t *testing.T) {
	in := "    3565 passive connections rejected because of time stamp\n    3565 SYNs to LISTEN sockets dropped\n" +
		"    3858 passive connections rejected because of time stamp\n    3858 SYNs to LISTEN sockets dropped\n"
	set, warns := Parse("grep", []byte(in))
	if len(warns) != 0 {
		t.Fatalf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots, want 2", len(set.Snapshots))
	}
	a, b := set.Snapshots[0].Values, set.Snapshots[1].Values
	if a["TcpExt.PAWSPassive"].Value != 3565 || b["TcpExt.PAWSPassive"].Value != 3858 || b["TcpExt.ListenDrops"].Value != 3858 {
		t.Fatalf("values: %v / %v", a, b)
	}
	if b["TcpExt.ListenDrops"].Src.Line != 4 {
		t.Errorf("line %d, want 4", b["TcpExt.ListenDrops"].Src.Line)
	}
}

// ss -s prints sockstat's levels under its own names, in an older form
// (kernel total, synrecv, two timewait numbers, ports) and today's.
func TestSsSummary(t *testing.T) {
	data, err := os.ReadFile("testdata/ss_s_old_and_new.txt")
	if err != nil {
		t.Fatal(err)
	}
	set, warns := Parse("ss -s", data)
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	if len(set.Snapshots) != 2 {
		t.Fatalf("%d snapshots, want 2", len(set.Snapshots))
	}
	want := []map[string]int64{
		{"Sockstat.SocketsUsed": 2311, "Sockstat.TCPOrphan": 2, "Sockstat.TCPTw": 37, "Sockstat.RAWInuse": 0, "Sockstat.RAW6Inuse": 1,
			"Sockstat.UDPInuse": 5, "Sockstat.UDP6Inuse": 2, "Sockstat.TCPInuse": 1402, "Sockstat.TCP6Inuse": 29,
			"Sockstat.FRAGInuse": 0, "Sockstat.FRAG6Inuse": 0},
		{"Sockstat.SocketsUsed": 488, "Sockstat.TCPOrphan": 4, "Sockstat.TCPTw": 17, "Sockstat.RAWInuse": 1, "Sockstat.RAW6Inuse": 1,
			"Sockstat.UDPInuse": 8, "Sockstat.UDP6Inuse": 3, "Sockstat.TCPInuse": 35, "Sockstat.TCP6Inuse": 7,
			"Sockstat.FRAGInuse": 0, "Sockstat.FRAG6Inuse": 0},
	}
	lines := [][2]int{{1, 10}, {12, 20}}
	for i, s := range set.Snapshots {
		if s.Form != FormSsSummary {
			t.Errorf("snapshot %d: form %q", i, s.Form)
		}
		if s.Src.Line != lines[i][0] || s.Src.EndLine != lines[i][1] {
			t.Errorf("snapshot %d: lines %d-%d, want %v", i, s.Src.Line, s.Src.EndLine, lines[i])
		}
		got := map[string]int64{}
		for k, c := range s.Values {
			got[k] = c.Value
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("snapshot %d:\n got %v\nwant %v", i, got, want[i])
		}
	}
	if c := set.Snapshots[0].Values["Sockstat.TCPOrphan"]; c.Src.Line != 2 {
		t.Errorf("orphans cited at line %d, want 2", c.Src.Line)
	}
	// Near misses: the same words with something else in them are not
	// read as ss -s, and say so.
	_, warns = Parse("x", []byte("Total: many\nTCP:   12 (estab 3, closed x, orphaned ?, timewait 1)\nTCP 1 2 3\n"))
	if len(warns) != 3 {
		t.Errorf("warnings %v, want one per line", warns)
	}
}
