package watch

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/engine"
)

func read(t *testing.T, root string, pid int) Sample {
	t.Helper()
	src, err := NewSource(root, pid)
	if err != nil {
		t.Fatal(err)
	}
	s, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func builtinRules(t *testing.T) RulesFunc {
	t.Helper()
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return RulesOf(rs)
}

func TestRead(t *testing.T) {
	s := read(t, "testdata/t1", 0)
	want := map[string]int64{
		"TcpExt.PAWSPassive":      120, // netstat, by the rules' names
		"Tcp.CurrEstab":           40,  // snmp
		"Tcp.MaxConn":             -1,
		"Ip6.InReceives":          10, // snmp6
		"conntrack.insert_failed": 16, // procfs, hex
		"conntrack.entries":       256,
	}
	for k, v := range want {
		if got, ok := s.Values[k]; !ok || got != v {
			t.Errorf("%s = %d (present %v), want %d", k, got, ok, v)
		}
	}
	if _, ok := s.Values["IPVS.Conns"]; ok {
		t.Error("IPVS values without ip_vs_stats")
	}

	// A process's namespace: its own net directory; snmp6 and conntrack
	// may be absent.
	p := read(t, "testdata/t1", 4242)
	if p.Values["TcpExt.ListenDrops"] != 130 || len(p.Values) != 37 { // 18 netstat and 19 snmp counters
		t.Errorf("pid 4242: %d values, ListenDrops %d", len(p.Values), p.Values["TcpExt.ListenDrops"])
	}
	if _, err := NewSource("testdata/t1", 999); err == nil {
		t.Error("NewSource for a missing process succeeded")
	}
}

func TestDiffAndPointers(t *testing.T) {
	prev, cur := read(t, "testdata/t1", 0), read(t, "testdata/t2", 0)
	prev.At = time.Unix(1000, 0)
	cur.At = prev.At.Add(2 * time.Second)
	moves := Diff(prev, cur, builtinRules(t))
	var names []string
	for _, m := range moves {
		names = append(names, m.Name)
	}
	// Counters rules read come first, then by size of the change.
	want := []string{"TcpExt.ListenDrops", "TcpExt.PAWSPassive", "conntrack.insert_failed", "IpExt.OutOctets",
		"Ip6.InReceives", "conntrack.entries", "Tcp.CurrEstab"}
	if len(names) < 4 || !reflect.DeepEqual(names[:3], want[:3]) {
		t.Fatalf("moves %v, want the rule-read %v first", names, want[:3])
	}
	byName := map[string]Move{}
	for _, m := range moves {
		byName[m.Name] = m
	}
	for _, n := range want {
		if _, ok := byName[n]; !ok {
			t.Errorf("%s did not move", n)
		}
	}
	if len(moves) != len(want) {
		t.Errorf("moves %v, want %v", names, want)
	}
	paws := byName["TcpExt.PAWSPassive"]
	if paws.Delta != 50 || paws.Rate != 25 || paws.Value != 170 || !strings.Contains(paws.Meaning, "tcp_tw_recycle") ||
		!slices.Equal(paws.Rules, []string{"tw-recycle-nat"}) {
		t.Errorf("PAWSPassive %+v", paws)
	}
	if est := byName["Tcp.CurrEstab"]; !est.Gauge || est.Delta != -3 || est.Rate != 0 {
		t.Errorf("CurrEstab %+v: a gauge has no rate", est)
	}
	if ct := byName["conntrack.insert_failed"]; ct.Delta != 9 || len(ct.Rules) == 0 || ct.Meaning == "" {
		t.Errorf("insert_failed %+v", ct)
	}

	// PAWSPassive rising with ListenDrops points at tw-recycle-nat.
	ptrs := Pointers(moves)
	if len(ptrs) == 0 || ptrs[0].Rule != "tw-recycle-nat" ||
		!slices.Equal(ptrs[0].Counters, []string{"TcpExt.ListenDrops", "TcpExt.PAWSPassive"}) {
		t.Errorf("pointers %+v", ptrs)
	}
}

func TestPrinter(t *testing.T) {
	moves := []Move{
		{Name: "TcpExt.PAWSPassive", Delta: 50, Rate: 25, Value: 170, Meaning: "SYNs dropped by PAWS.", Rules: []string{"tw-recycle-nat"}},
		{Name: "Tcp.CurrEstab", Delta: -3, Value: 37, Gauge: true, Meaning: "A gauge."},
	}
	at := time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)
	var plain bytes.Buffer
	p := &Printer{W: &plain, Label: "host node-1"}
	if err := p.Tick(1, 2, at, 2*time.Second, moves); err != nil {
		t.Fatal(err)
	}
	out := plain.String()
	for _, s := range []string{"== tick 1/2  2024-01-31T10:00:00Z  over 2.00s  host node-1", Header,
		" * TcpExt.PAWSPassive", "+50", "25.00  [tw-recycle-nat] SYNs dropped by PAWS.", "now 37",
		"look at: tw-recycle-nat (TcpExt.PAWSPassive)"} {
		if !strings.Contains(out, s) {
			t.Errorf("plain output lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("plain output has escape sequences:\n%q", out)
	}
	plain.Reset()
	p.Tick(2, 2, at, time.Second, nil)
	if !strings.Contains(plain.String(), Header) || !strings.Contains(plain.String(), "(no counter moved)") {
		t.Errorf("quiet tick:\n%s", plain.String())
	}

	var tty bytes.Buffer
	p = &Printer{W: &tty, Redraw: true, Color: true, Width: 40, Height: 6}
	p.Tick(1, 0, at, time.Second, moves)
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(tty.String(), clearScreen), "\n"), "\n")
	if !strings.HasPrefix(tty.String(), clearScreen) || !strings.HasPrefix(lines[2], bold) || len(lines) != 5 ||
		lines[3] != "   ... 1 more" {
		t.Errorf("terminal output:\n%q", tty.String())
	}
	for _, l := range lines {
		if n := len([]rune(strings.TrimSuffix(strings.TrimPrefix(l, bold), reset))); n > 40 {
			t.Errorf("line of %d columns, want at most 40: %q", n, l)
		}
	}
}

func TestRunCount(t *testing.T) {
	src, err := NewSource("testdata/t1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	start := time.Now()
	err = Run(context.Background(), src, &Printer{W: &buf}, Options{Interval: 20 * time.Millisecond, Count: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), Header); n != 2 {
		t.Errorf("%d headers, want 2:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), "tick 2/2") || time.Since(start) < 40*time.Millisecond {
		t.Errorf("two ticks of 20ms took %s:\n%s", time.Since(start), buf.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	buf.Reset()
	if err := Run(ctx, src, &Printer{W: &buf}, Options{Interval: time.Hour}, nil); err != nil || buf.Len() != 0 {
		t.Errorf("cancelled run: %v, %q", err, buf.String())
	}
}
