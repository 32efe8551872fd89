package timeline

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/pcap"
)

// Event kinds that do not come from log lines.
const (
	KindBoot        = "boot"           // the host booted (from its boot clock)
	KindCollected   = "collected"      // a bundle's date: when it was collected
	KindCounters    = "counters"       // a timed counter snapshot, with its changes since the one before
	KindCapture     = "capture"        // a capture starts or ends
	KindSYN         = "syn-unanswered" // a connection attempt that got no SYN-ACK
	KindStall       = "stall"          // data retransmitted without an answer
	KindHang        = "hang"           // a request acknowledged and never answered
	KindTwin        = "unnated-twin"   // a segment that skipped reverse NAT
	KindReset       = "reset"          // a connection reset
	KindRefused     = "refused"        // a SYN answered by a RST
	KindHandshake   = "handshake-failed"
	KindIdle        = "idle-gap" // a long silence in a connection, and what followed
	KindEvidence    = "evidence" // a finding's dated evidence that no other event stands for
	KindClockOffset = "clock-offset"
)

// walk calls fn for every dated event of every host, source by source in
// source order.
func walk(hosts []*facts.Host, fn func(*event)) {
	for _, h := range hosts {
		walkClock(h, fn)
		for _, l := range h.Logs {
			for _, e := range l.Events {
				if ev := logEvent(h, e); ev != nil {
					fn(ev)
				}
			}
		}
		walkCounters(h, fn)
		for _, c := range h.Captures {
			walkCapture(h.Name, c, fn)
		}
	}
}

func walkClock(h *facts.Host, fn func(*event)) {
	if strings.Contains(h.Name, "/") {
		return // a namespace shares its host's clock
	}
	if !h.Clock.Boot.IsZero() {
		fn(&event{t: h.Clock.Boot, host: h.Name, artifact: h.Clock.BootSrc.Artifact, line: h.Clock.BootSrc.Line,
			kind: KindBoot, text: "host booted", note: "boot time from " + h.Clock.BootHow})
	}
	for _, d := range h.Clock.Dates {
		fn(&event{t: d.Time, host: h.Name, artifact: d.Src.Artifact, line: d.Src.Line, kind: KindCollected,
			text: "bundle collected: " + strings.TrimSpace(d.Src.Text), note: d.Note})
	}
}

// logEvent is a typed log line as a timeline event; nil when it has no
// wall time.
func logEvent(h *facts.Host, e *logs.Event) *event {
	if !e.HasTime {
		return nil
	}
	ev := &event{t: e.Time, host: h.Name, artifact: e.Src.Artifact, line: e.Src.Line, kind: e.Kind}
	text := e.Message
	if e.Program != "" && e.Program != "kernel" {
		text = e.Program + ": " + text
	}
	if n := e.Fields["repeated"]; n != "" {
		text += " (repeated " + n + " times)"
	}
	ev.text = clip(text)
	switch {
	case h.Aligned(e):
		ev.note = fmt.Sprintf("placed at boot + %.6f s; boot time from %s", e.Uptime.Seconds(), h.Clock.BootHow)
	case !e.HasYear:
		ev.note = "the year is unknown (no bundle date, dated line or capture says it; set --year)"
	}
	return ev
}

// walkCounters emits each timed counter snapshot with what changed since
// the one before it of the same form.
func walkCounters(h *facts.Host, fn func(*event)) {
	type prevKey struct{ form string }
	prev := map[prevKey]*facts.CounterSnapshot{}
	snaps := make([]*facts.CounterSnapshot, 0, len(h.Counters))
	for _, s := range h.Counters {
		if !s.Time.IsZero() {
			snaps = append(snaps, s)
		}
	}
	slices.SortStableFunc(snaps, func(a, b *facts.CounterSnapshot) int { return a.Time.Compare(b.Time) })
	for _, s := range snaps {
		k := prevKey{s.Form}
		text := fmt.Sprintf("counter snapshot (%s, %d counters)", s.Form, len(s.Values))
		note := ""
		switch p := prev[k]; {
		case s.Delta:
			text += ": increments " + topChanges(s.Values)
		case p != nil:
			ch, down := changes(p, s)
			text += fmt.Sprintf(" %s after the one before: %s", since(p.Time, s.Time), ch)
			if down {
				note = "some counters went down: a reboot, a reset or a wrap happened in between"
			}
		default:
			text += ": totals since boot"
		}
		prev[k] = s
		fn(&event{t: s.Time, host: h.Name, artifact: s.Artifact, line: s.Src.Line, endLine: s.Src.EndLine,
			kind: KindCounters, text: clip(text), note: note})
	}
}

func since(a, b time.Time) string {
	return b.Sub(a).Round(time.Millisecond).String()
}

// changes lists the largest changes from a to b, and whether any counter
// went down.
func changes(a, b *facts.CounterSnapshot) (string, bool) {
	type ch struct {
		name  string
		delta int64
	}
	var list []ch
	down := false
	for name, cb := range b.Values {
		ca, ok := a.Values[name]
		if !ok || cb.Value == ca.Value {
			continue
		}
		if cb.Value < ca.Value {
			down = true
		}
		list = append(list, ch{name, cb.Value - ca.Value})
	}
	if len(list) == 0 {
		return "nothing changed", false
	}
	sort.Slice(list, func(i, j int) bool {
		ai, aj := abs(list[i].delta), abs(list[j].delta)
		if ai != aj {
			return ai > aj
		}
		return list[i].name < list[j].name
	})
	var parts []string
	for i, c := range list {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(list)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %+d", c.name, c.delta))
	}
	return strings.Join(parts, ", "), down
}

// topChanges lists the largest non-zero values of an increments snapshot.
func topChanges(values map[string]counters.Counter) string {
	type nv struct {
		name string
		v    int64
	}
	var list []nv
	for n, c := range values {
		if v := c.Value; v != 0 {
			list = append(list, nv{n, v})
		}
	}
	if len(list) == 0 {
		return "none"
	}
	sort.Slice(list, func(i, j int) bool {
		if abs(list[i].v) != abs(list[j].v) {
			return abs(list[i].v) > abs(list[j].v)
		}
		return list[i].name < list[j].name
	})
	var parts []string
	for i, c := range list {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(list)-5))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %+d", c.name, c.v))
	}
	return strings.Join(parts, ", ")
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// walkCapture emits a capture's start and end and the events its analysis
// measured, each at its first frame.
func walkCapture(host string, c *pcap.Capture, fn func(*event)) {
	if c.Packets == 0 || c.Start.IsZero() {
		return
	}
	seen := map[int]bool{}
	emit := func(t time.Time, frame int, kind, text string) {
		if t.IsZero() || seen[frame] && frame > 0 {
			return
		}
		seen[frame] = true
		fn(&event{t: t, host: host, artifact: c.Artifact, frame: frame, kind: kind, text: clip(text)})
	}
	fn(&event{t: c.Start, host: host, artifact: c.Artifact, kind: KindCapture,
		text: fmt.Sprintf("capture starts (%d packets, %d TCP connections)", c.Packets, c.FlowCount)})
	type item struct {
		t     time.Time
		frame int
		kind  string
		text  string
	}
	var items []item
	for _, u := range c.UnansweredSYNs {
		text := fmt.Sprintf("SYN %s → %s never answered (%d retransmissions)", u.Client, u.Server, u.Retrans)
		if u.Regressed {
			text += "; its timestamp went back below the same client's earlier connection (PAWS)"
		}
		items = append(items, item{u.Time, u.Frame, KindSYN, text})
	}
	for _, s := range c.Stalls {
		if s.Kind == "syn" {
			continue // an unanswered SYN, listed above
		}
		text := fmt.Sprintf("data %s ⇄ %s retransmitted %d times without an answer", s.Client, s.Server, s.Retrans)
		if s.Recovered {
			text += ", then answered"
		}
		items = append(items, item{s.Time, s.Frame, KindStall, text})
	}
	for _, hg := range c.Hangs {
		proto := ""
		if hg.Protocol != "" {
			proto = hg.Protocol + " "
		}
		items = append(items, item{hg.AckTime, hg.AckFrame, KindHang, fmt.Sprintf("%srequest of %d bytes %s → %s acknowledged and never answered; the client still waits %.1f s later",
			proto, hg.Request, hg.Client, hg.Server, hg.Wait)})
	}
	for _, tw := range c.Twins {
		text := fmt.Sprintf("segment %s → %s carries the ports and sequence of the connection with %s: it skipped reverse NAT", tw.From, tw.To, tw.Peer)
		if len(tw.RSTFrames) > 0 {
			text += fmt.Sprintf("; a RST follows (frame %d)", tw.RSTFrames[0])
		}
		items = append(items, item{tw.Time, tw.Frame, KindTwin, text})
	}
	for _, g := range c.Gaps {
		if g.Seconds < 10 && g.Outcome != "reset" {
			continue
		}
		kind := KindIdle
		if g.Outcome == "reset" {
			kind = KindReset
		}
		items = append(items, item{g.Start.Add(time.Duration(g.Seconds * float64(time.Second))), g.FrameAfter, kind,
			fmt.Sprintf("%s ⇄ %s idle %.1f s, then %s", g.Client, g.Server, g.Seconds, outcome(g.Outcome))})
	}
	for _, f := range c.Flows {
		switch {
		case f.Closed == "rst" && f.Handshake == "syn":
			items = append(items, item{f.End, f.LastFrame, KindRefused, fmt.Sprintf("%s refused: the SYN was answered by a RST", f.Label())})
		case f.Handshake == "syn-synack":
			items = append(items, item{f.Start, f.FirstFrame, KindHandshake, fmt.Sprintf("%s: SYN-ACK never acknowledged", f.Label())})
		case f.Closed == "rst":
			items = append(items, item{f.End, f.LastFrame, KindReset, fmt.Sprintf("%s reset", f.Label())})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.t.Compare(b.t) })
	for _, it := range items {
		emit(it.t, it.frame, it.kind, it.text)
	}
	if !c.End.IsZero() {
		fn(&event{t: c.End, host: host, artifact: c.Artifact, kind: KindCapture, text: "capture ends"})
	}
}

func outcome(o string) string {
	switch o {
	case "reset":
		return "reset"
	case "unanswered":
		return "sent without an answer"
	case "answered":
		return "answered"
	}
	return "the capture ended"
}

// unplaced counts log events that carry only seconds since boot on hosts
// whose boot time is unknown.
func unplaced(hosts []*facts.Host) int {
	n := 0
	for _, h := range hosts {
		for _, l := range h.Logs {
			for _, e := range l.Events {
				if !e.HasTime && e.HasUptime {
					n++
				}
			}
		}
	}
	return n
}

// clockNotes say, per host, how its clock was read.
func clockNotes(hosts []*facts.Host) []string {
	var out []string
	for _, h := range hosts {
		if strings.Contains(h.Name, "/") {
			continue
		}
		placed, left, yearless := 0, 0, 0
		for _, l := range h.Logs {
			for _, e := range l.Events {
				switch {
				case h.Aligned(e):
					placed++
				case !e.HasTime && e.HasUptime:
					left++
				case e.HasTime && !e.HasYear:
					yearless++
				}
			}
		}
		if placed > 0 {
			out = append(out, fmt.Sprintf("%s: %d dmesg event(s) placed on the wall clock with the boot time from %s", h.Name, placed, h.Clock.BootHow))
		}
		if left > 0 {
			out = append(out, fmt.Sprintf("%s: %d dmesg event(s) carry only seconds since boot and are not listed: collect /proc/stat (btime) or /proc/uptime with date", h.Name, left))
		}
		if yearless > 0 {
			out = append(out, fmt.Sprintf("%s: %d log event(s) have no year; set --year", h.Name, yearless))
		}
	}
	return out
}
