package counters

import "testing"

func TestSoftnetStatHotsos(t *testing.T) {
	set, warns := parseFile(t, "testdata/hotsos-kubernetes__proc_net_softnet_stat")
	if len(warns) != 0 {
		t.Fatal(warns)
	}
	s := one(t, set, FormSoftnet)
	want(t, s, map[string]int64{"Softnet.Processed": 0x20e42 + 0x228bc, "Softnet.Dropped": 0, "Softnet.FlowLimitCount": 0})
	if len(s.Softnet) != 2 || s.Softnet[1].CPU != -1 || s.Softnet[1].Values["Softnet.Processed"] != 0x228bc || s.Softnet[1].Src.Line != 2 {
		t.Errorf("rows %+v", s.Softnet)
	}
	if _, ok := s.Values["Softnet.BacklogLen"]; ok {
		t.Error("11 columns have no backlog length")
	}
}

// Two pastes of a 13-column softnet_stat (kernel >= 5.10, CPU id in the
// 13th column) with a date between them are two snapshots; the CPU ids
// skip an offline CPU.
func TestSoftnetStatCPUColumn(t *testing.T) {
	in := "Tue Mar  4 10:00:00 UTC 2025\n" +
		"0d3a1f22 00000000 00000171 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n" +
		"00b1c004 00000000 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002\n" +
		"Tue Mar  4 10:00:10 UTC 2025\n" +
		"0d3a9f01 00000000 000001a0 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n" +
		"00b1c0f0 00000010 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003 00000002\n"
	set, warns := Parse("softnet", []byte(in))
	if len(warns) != 0 || len(set.Snapshots) != 2 {
		t.Fatalf("%v %d", warns, len(set.Snapshots))
	}
	a, b := set.Snapshots[0], set.Snapshots[1]
	if a.Softnet[1].CPU != 2 || b.Values["Softnet.Dropped"].Value != 16 || b.Values["Softnet.TimeSqueeze"].Value != 0x1a0+2 || b.Values["Softnet.BacklogLen"].Value != 3 {
		t.Errorf("%+v %+v", a.Softnet, b.Values)
	}
	if a.Label != "Tue Mar  4 10:00:00 UTC 2025" {
		t.Errorf("label %q", a.Label)
	}
	// Without a label, rows restarting at CPU 0 are a second paste.
	set, _ = Parse("softnet", []byte(in[29:29+234]+in[29+234+29:]))
	if len(set.Snapshots) != 2 {
		t.Errorf("%d snapshots", len(set.Snapshots))
	}
}

func TestSockstat(t *testing.T) {
	set, warns := parseFile(t, "testdata/hotsos-kubernetes__proc_net_sockstat")
	if len(warns) != 0 {
		t.Fatal(warns)
	}
	s := one(t, set, FormSockstat)
	want(t, s, map[string]int64{"Sockstat.SocketsUsed": 383, "Sockstat.TCPInuse": 91, "Sockstat.TCPOrphan": 0,
		"Sockstat.TCPTw": 76, "Sockstat.TCPAlloc": 151, "Sockstat.TCPMem": 7, "Sockstat.UDPMem": 1,
		"Sockstat.UDPLiteInuse": 0, "Sockstat.FRAGMemory": 0})
	if s.Values["Sockstat.TCPMem"].Src.Line != 2 {
		t.Errorf("line %d", s.Values["Sockstat.TCPMem"].Src.Line)
	}
	set, _ = parseFile(t, "testdata/hotsos-kubernetes__proc_net_sockstat6")
	s = one(t, set, FormSockstat6)
	want(t, s, map[string]int64{"Sockstat.TCP6Inuse": 60, "Sockstat.RAW6Inuse": 1, "Sockstat.FRAG6Memory": 0})
}
