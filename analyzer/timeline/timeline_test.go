package timeline_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
	"github.com/nettriage/nettriage/internal/ruletest"
)

func analyze(t *testing.T, in []artifact.Input) *engine.Report {
	t.Helper()
	rs, errs := engine.Builtin()
	if rs == nil {
		t.Fatal(errs)
	}
	// Rule load errors are the rule tests' concern; the timeline needs
	// the rules that load.
	return ruletest.Analyze(rs, in)
}

func find(rep *engine.Report, pred func(schema.TimelineEvent) bool) (int, schema.TimelineEvent) {
	for i, e := range rep.Timeline {
		if pred(e) {
			return i, e
		}
	}
	return -1, schema.TimelineEvent{}
}

// Two keepalived nodes, a capture on one of them, two timed counter
// snapshots and a dmesg placed through /proc/uptime: one order, each
// event with its own host, the evidence marked with its findings, and
// every finding with its span.
func TestTwoNodes(t *testing.T) {
	in, err := ruletest.LoadDir("../../samples/bundles/timeline-two-nodes")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, in)
	var prev time.Time
	for i, e := range rep.Timeline {
		tm, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil || tm.Location() != time.UTC {
			t.Fatalf("event %d: time %q is not RFC 3339 UTC", i, e.Time)
		}
		if tm.Before(prev) {
			t.Errorf("event %d at %s is before the one before it (%s)", i, e.Time, prev)
		}
		prev = tm
		if e.Host != "lb-1" && e.Host != "lb-2" {
			t.Errorf("event %d has host %q", i, e.Host)
		}
		if !strings.HasPrefix(e.Source.Artifact, e.Host+"/") {
			t.Errorf("event %d of %s comes from %s", i, e.Host, e.Source.Artifact)
		}
	}
	at := func(host, artifact string, line, frame int) int {
		i, _ := find(rep, func(e schema.TimelineEvent) bool {
			return e.Host == host && strings.HasSuffix(e.Source.Artifact, artifact) && e.Source.Line == line && e.Source.Frame == frame
		})
		if i < 0 {
			t.Fatalf("no event for %s %s:%d#%d", host, artifact, line, frame)
		}
		return i
	}
	// The order across sources and hosts: lb-1's first snapshot, the
	// first unanswered SYN on lb-2, lb-1's SYN flood (from dmesg), the
	// second SYN, lb-1's first removal, ..., lb-1's second removal, then
	// lb-2's, then the second snapshot and the bundle's date.
	order := []int{
		at("lb-1", "proc/netstat_twice", 2, 0),
		at("lb-2", "syn-drops.pcap", 0, 9),
		at("lb-1", "dmesg", 1, 0),
		at("lb-2", "syn-drops.pcap", 0, 21),
		at("lb-1", "messages", 7, 0),
		at("lb-1", "messages", 12, 0),
		at("lb-2", "messages", 5, 0),
		at("lb-1", "proc/netstat_twice", 7, 0),
		at("lb-1", "date", 1, 0),
	}
	for k := 1; k < len(order); k++ {
		if order[k] <= order[k-1] {
			a, b := rep.Timeline[order[k-1]], rep.Timeline[order[k]]
			t.Errorf("%s %s:%d#%d (%s) is listed after %s %s:%d#%d (%s)", b.Host, b.Source.Artifact, b.Source.Line, b.Source.Frame, b.Time,
				a.Host, a.Source.Artifact, a.Source.Line, a.Source.Frame, a.Time)
		}
	}
	// dmesg: 09:28:00 (date) - 3700 s (/proc/uptime) + 3640.5 s.
	d := rep.Timeline[order[2]]
	if d.Time != "2026-03-14T09:27:00.5Z" || !strings.Contains(d.Note, "/proc/uptime") || !strings.Contains(d.Note, "assumed") {
		t.Errorf("dmesg event %+v", d)
	}
	marked := func(i int, rule string) {
		t.Helper()
		for _, r := range rep.Timeline[i].Findings {
			if r == rule {
				return
			}
		}
		t.Errorf("%s:%d#%d is not marked %s: %v", rep.Timeline[i].Source.Artifact, rep.Timeline[i].Source.Line,
			rep.Timeline[i].Source.Frame, rule, rep.Timeline[i].Findings)
	}
	marked(order[1], "tw-recycle-nat")
	marked(order[2], "syn-flood-cookies")
	marked(order[4], "keepalived-check-flap")
	marked(order[6], "keepalived-check-flap")
	marked(order[7], "tw-recycle-nat")
	if e := rep.Timeline[order[7]]; !strings.Contains(e.Text, "TcpExt.PAWSPassive") {
		t.Errorf("the second snapshot does not list its changes: %q", e.Text)
	}
	// Every finding's evidence with a time is an event marked with it,
	// and the span runs from the first to the last.
	for _, f := range rep.Findings {
		if f.Span == nil {
			t.Errorf("%s on %s has no span", f.Rule, f.Host)
			continue
		}
		first, last := "", ""
		for _, e := range rep.Timeline {
			for _, r := range e.Findings {
				if r == f.Rule && e.Host == f.Host {
					if first == "" {
						first = e.Time
					}
					last = e.Time
				}
			}
		}
		if f.Span.First != first || f.Span.Last != last {
			t.Errorf("%s on %s: span %+v, marked events %s .. %s", f.Rule, f.Host, *f.Span, first, last)
		}
	}
	if len(rep.ClockOffsets) != 0 {
		t.Errorf("offsets without anything to measure them on: %+v", rep.ClockOffsets)
	}
}

// shiftPcap moves every packet of a classic little-endian pcap by d: the
// same packets, seen by a host whose clock is off.
func shiftPcap(t *testing.T, data []byte, d time.Duration) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	unit := int64(0)
	switch binary.LittleEndian.Uint32(out) {
	case 0xa1b2c3d4:
		unit = 1000 // microseconds
	case 0xa1b23c4d:
		unit = 1 // nanoseconds
	default:
		t.Fatal("not a little-endian pcap")
	}
	for off := 24; off+16 <= len(out); {
		sec := int64(binary.LittleEndian.Uint32(out[off:]))
		frac := int64(binary.LittleEndian.Uint32(out[off+4:]))
		ts := time.Unix(sec, frac*unit).Add(d)
		binary.LittleEndian.PutUint32(out[off:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(out[off+4:], uint32(int64(ts.Nanosecond())/unit))
		off += 16 + int(binary.LittleEndian.Uint32(out[off+8:]))
	}
	return out
}

// The same packets in two hosts' captures, one clock 5 s ahead: the offset
// is reported, and each host's events keep its own clock instead of being
// reordered silently.
func TestConflictingClocks(t *testing.T) {
	data, err := os.ReadFile("../../samples/tw-recycle-nat/capture/syn-drops.pcap")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, []artifact.Input{
		{Name: "node-a/client.pcap", Data: data},
		{Name: "node-b/server.pcap", Data: shiftPcap(t, data, 5*time.Second)},
	})
	if len(rep.ClockOffsets) != 1 {
		t.Fatalf("clock offsets %+v", rep.ClockOffsets)
	}
	o := rep.ClockOffsets[0]
	if o.Host != "node-b" || o.Reference != "node-a" || math.Abs(o.Seconds-5) > 1e-6 || o.Samples < 10 ||
		!strings.Contains(o.Text, "ahead of") || o.Source.Frame == 0 {
		t.Errorf("offset %+v", o)
	}
	noted := false
	for _, n := range rep.TimelineInfo.Notes {
		noted = noted || n == o.Text
	}
	if !noted {
		t.Errorf("the offset is not among the timeline's notes: %v", rep.TimelineInfo.Notes)
	}
	_, a := find(rep, func(e schema.TimelineEvent) bool { return e.Host == "node-a" && e.Source.Frame == 9 })
	_, b := find(rep, func(e schema.TimelineEvent) bool { return e.Host == "node-b" && e.Source.Frame == 9 })
	ta, _ := time.Parse(time.RFC3339Nano, a.Time)
	tb, _ := time.Parse(time.RFC3339Nano, b.Time)
	if tb.Sub(ta) != 5*time.Second {
		t.Errorf("frame 9 at %s on node-a and %s on node-b: each should keep its host's clock", a.Time, b.Time)
	}
	// The same captures with agreeing clocks: measured, and not a note.
	rep = analyze(t, []artifact.Input{{Name: "node-a/client.pcap", Data: data}, {Name: "node-b/server.pcap", Data: data}})
	if len(rep.ClockOffsets) != 1 || rep.ClockOffsets[0].Seconds != 0 || len(rep.TimelineInfo.Notes) != 0 {
		t.Errorf("agreeing clocks: %+v, notes %v", rep.ClockOffsets, rep.TimelineInfo.Notes)
	}
}

// Log lines stamped after the bundle was collected betray a wrong time
// zone or clock; the report says so.
func TestLogPastCollection(t *testing.T) {
	rep := analyze(t, []artifact.Input{
		{Name: "sosreport-n1-20260314/sos_commands/date/date", Data: []byte("Sat Mar 14 02:00:00 UTC 2026\n")},
		{Name: "sosreport-n1-20260314/var/log/messages", Data: []byte(
			"Mar 14 09:27:05 n1 Keepalived_healthcheckers[27]: Removing service [10.244.3.27]:tcp:5432 from VS [192.168.128.5]:tcp:5432\n")},
	})
	if len(rep.ClockOffsets) != 1 || rep.ClockOffsets[0].Reference != "collection time" ||
		math.Abs(rep.ClockOffsets[0].Seconds-(7*3600+27*60+5)) > 1e-6 || rep.ClockOffsets[0].Source.Line != 1 {
		t.Fatalf("offsets %+v", rep.ClockOffsets)
	}
}

// A month of repeated kernel lines with one finding in the middle: the
// window around the finding is kept whole, the rest is collapsed and
// sampled, and every event is counted.
func TestBounded(t *testing.T) {
	var sb strings.Builder
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for m := 0; m < 30*24*60; m += 7 {
		ts := start.Add(time.Duration(m) * time.Minute)
		fmt.Fprintf(&sb, "%s n1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n", ts.Format("Jan _2 15:04:05"))
		fmt.Fprintf(&sb, "%s n1 kernel: IN=eth0 OUT= SRC=10.0.%d.%d DST=10.1.0.1 LEN=60 PROTO=TCP SPT=%d DPT=80 SYN\n", ts.Format("Jan _2 15:04:05"), m%250, m%200, 30000+m%3000)
		n += 2
	}
	rep := analyze(t, []artifact.Input{{Name: "n1/messages", Data: []byte(sb.String())}})
	info := rep.TimelineInfo
	if info.Events != n || info.Listed != len(rep.Timeline) {
		t.Fatalf("info %+v for %d events", info, n)
	}
	if info.Listed+info.Collapsed+info.Sampled != info.Events {
		t.Errorf("listed %d + collapsed %d + sampled %d != %d events", info.Listed, info.Collapsed, info.Sampled, info.Events)
	}
	if info.Listed > 400+2000 || info.Collapsed == 0 {
		t.Errorf("not bounded: %+v", info)
	}
	for _, e := range rep.Timeline {
		if e.Count > 1 && (e.Until == "" || e.Until < e.Time) {
			t.Errorf("collapsed event without its last time: %+v", e)
		}
	}
}
