package derive

import (
	"strconv"
	"testing"
)

// A sosreport holds /proc/net/netstat and /proc/net/snmp read at the same
// instant: one snapshot, so drop totals since boot never read as rising.
func TestSosreportFormsAreOneSnapshot(t *testing.T) {
	h := host(t, map[string]string{
		"sosreport-a/proc/net/netstat":                   "TcpExt: IPReversePathFilter ListenDrops\nTcpExt: 5000 7\n",
		"sosreport-a/proc/net/snmp":                      "Ip: Forwarding InAddrErrors\nIp: 1 900\n",
		"sosreport-a/sos_commands/networking/netstat_-s": "TcpExt:\n    7 SYNs to LISTEN sockets dropped\n",
	})
	if n := Snapshots(h); n != 1 {
		t.Errorf("Snapshots = %d, want 1", n)
	}
	c, ok := Moved(h, "TcpExt.IPReversePathFilter")
	if !ok || !c.SinceBoot || c.Value != 5000 {
		t.Errorf("IPReversePathFilter: %+v %v, want a total since boot of 5000", c, ok)
	}
}

// Two timed snapshots give a rate over the time between them; the same
// reading stamped twice with one time is one instant.
func TestTimedSnapshots(t *testing.T) {
	h := host(t, map[string]string{"paste.txt": "Fri Dec  4 10:00:00 UTC 2026\nTcpExt: ListenDrops\nTcpExt: 10\n" +
		"Fri Dec  4 10:00:30 UTC 2026\nTcpExt: ListenDrops\nTcpExt: 70\n"})
	c, ok := Moved(h, "TcpExt.ListenDrops")
	if !ok || c.SinceBoot || c.Value != 60 || c.Seconds != 30 {
		t.Fatalf("timed: %+v %v", c, ok)
	}
	h = host(t, map[string]string{"paste.txt": "Fri Dec  4 10:00:00 UTC 2026\nTcpExt: ListenDrops\nTcpExt: 10\n" +
		"Fri Dec  4 10:00:00 UTC 2026\nTcpExt: ListenDrops\nTcpExt: 10\n"})
	if c, _ := Moved(h, "TcpExt.ListenDrops"); !c.SinceBoot {
		t.Fatalf("one instant read twice counted as two: %+v", c)
	}
}

// A counter that went down was reset: no negative or bogus increase. Two
// hosts' snapshots mixed under one label disagree the same way.
func TestResetGivesNoIncrease(t *testing.T) {
	h := host(t, map[string]string{
		"proc_net_netstat.1": "TcpExt: ListenDrops ListenOverflows\nTcpExt: 900 500\n",
		"proc_net_netstat.2": "TcpExt: ListenDrops ListenOverflows\nTcpExt: 950 3\n",
	})
	c, ok := Moved(h, "TcpExt.ListenDrops")
	if !ok || !c.SinceBoot {
		t.Fatalf("after another counter went down: %+v %v, want no increase", c, ok)
	}
	c, _ = Moved(h, "TcpExt.ListenOverflows")
	if !c.SinceBoot || c.Value != 3 {
		t.Fatalf("reset counter: %+v", c)
	}
	if moves := CounterMoves(h); len(moves) != 0 {
		t.Fatalf("moves across a reset: %+v", moves)
	}
}

// softnet_stat columns are 32-bit and wrap.
func TestIncreaseWraps32(t *testing.T) {
	if d, ok := increase("Softnet.Dropped", 0xfffffff0, 0x10); !ok || d != 0x20 {
		t.Errorf("softnet wrap: %v %v", d, ok)
	}
	if _, ok := increase("TcpExt.ListenDrops", 0xfffffff0, 0x10); ok {
		t.Error("a 64-bit MIB counter that went down was taken as a wrap")
	}
}

// nstat without -a prints totals when it has no history: only a second run
// in the same session prints increments.
func TestNstatFirstRunIsTotal(t *testing.T) {
	one := "[root@n1 ~]# nstat TcpExtListenDrops\n#kernel\nTcpExtListenDrops 4000 0.0\n"
	h := host(t, map[string]string{"paste.txt": one})
	if c, _ := Moved(h, "TcpExt.ListenDrops"); !c.SinceBoot || c.Value != 4000 {
		t.Fatalf("one nstat run: %+v, want the total since boot", c)
	}
	two := one + "[root@n1 ~]# nstat TcpExtListenDrops\n#kernel\nTcpExtListenDrops 12 0.0\n"
	h = host(t, map[string]string{"paste.txt": two})
	if c, _ := Moved(h, "TcpExt.ListenDrops"); c.SinceBoot || c.Value != 12 {
		t.Fatalf("two nstat runs: %+v, want the increment 12", c)
	}
}

// Two sosreports of one host taken hours apart: each one's date file
// times its counters, so the two are a rise over a known interval.
func TestTwoSosreportsByDate(t *testing.T) {
	netstat := func(drops int) string {
		return "TcpExt: ListenDrops\nTcpExt: " + strconv.Itoa(drops) + "\n"
	}
	h := host(t, map[string]string{
		"sosreport-n1-a/hostname":               "n1\n",
		"sosreport-n1-a/sos_commands/date/date": "Tue Mar  3 08:00:00 UTC 2026\n",
		"sosreport-n1-a/proc/net/netstat":       netstat(100),
		"sosreport-n1-b/hostname":               "n1\n",
		"sosreport-n1-b/sos_commands/date/date": "Tue Mar  3 11:00:00 UTC 2026\n",
		"sosreport-n1-b/proc/net/netstat":       netstat(400),
	})
	c, ok := Moved(h, "TcpExt.ListenDrops")
	if !ok || c.SinceBoot || c.Value != 300 || c.Seconds != 3*3600 {
		t.Fatalf("%+v %v, want a rise of 300 over 3 h", c, ok)
	}
}
