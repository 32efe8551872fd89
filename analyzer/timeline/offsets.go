package timeline

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/schema"
)

// offsets measures how far clocks are apart on what two of them recorded:
// the same packets in two hosts' captures, and a host's log running past
// the time its bundle was collected. Events keep their own host's time;
// the offsets say how far apart two hosts' times may be.
func offsets(hosts []*facts.Host) []schema.ClockOffset {
	var out []schema.ClockOffset
	type capOf struct {
		host string
		c    *pcap.Capture
	}
	var caps []capOf
	for _, h := range hosts {
		for _, c := range h.Captures {
			caps = append(caps, capOf{machine(h.Name), c})
		}
	}
	for i := range caps {
		for j := i + 1; j < len(caps); j++ {
			if caps[i].host == caps[j].host {
				continue
			}
			if o, ok := captureOffset(caps[i].host, caps[i].c, caps[j].host, caps[j].c); ok {
				out = append(out, o)
			}
		}
	}
	for _, h := range hosts {
		if o, ok := logPastCollection(h); ok {
			out = append(out, o)
		}
	}
	return out
}

func machine(name string) string {
	m, _, _ := strings.Cut(name, "/")
	return m
}

// pktKey identifies a packet of a connection independently of the
// capture: its direction, flags, relative sequence and acknowledgement
// numbers, and length.
type pktKey struct {
	src        netip.AddrPort
	flags      string
	seq, ack   uint32
	length     int
	occurrence int // the n-th packet with these fields
}

// captureOffset matches packets of the connections both captures kept
// (same endpoints, the same part of the handshake seen) and returns b's clock minus
// a's. With packets in both directions the one-way delay cancels out
// (half the difference of the two directions' medians); with one
// direction only it is included, and the text says so.
func captureOffset(hostA string, a *pcap.Capture, hostB string, b *pcap.Capture) (schema.ClockOffset, bool) {
	// Sequence numbers are relative to the ISN when a capture saw the
	// SYN, absolute otherwise: flows compare only when both captures saw
	// the same part of the handshake.
	// A connection's endpoints may be reused: the n-th connection between
	// two endpoints in one capture is the n-th in the other.
	byEnds := map[[2]netip.AddrPort][]*pcap.Flow{}
	for _, f := range a.Flows {
		k := [2]netip.AddrPort{f.Client, f.Server}
		byEnds[k] = append(byEnds[k], f)
	}
	nth := map[[2]netip.AddrPort]int{}
	var fwd, rev []float64 // b - a, for packets client→server and server→client
	frameA, frameB := 0, 0
	for _, fb := range b.Flows {
		k := [2]netip.AddrPort{fb.Client, fb.Server}
		i := nth[k]
		nth[k]++
		if i >= len(byEnds[k]) {
			continue
		}
		fa := byEnds[k][i]
		if fa.Handshake != fb.Handshake {
			continue
		}
		type at struct {
			t     time.Time
			frame int
		}
		// The n-th packet with the same fields in one capture is the n-th
		// in the other (retransmissions repeat their fields).
		inA := map[pktKey]at{}
		seen := map[pktKey]int{}
		for _, p := range fa.PacketList() {
			base := keyOf(fa, p)
			k := base
			k.occurrence = seen[base]
			seen[base]++
			inA[k] = at{p.Time, p.Frame}
		}
		clear(seen)
		for _, p := range fb.PacketList() {
			base := keyOf(fb, p)
			k := base
			k.occurrence = seen[base]
			seen[base]++
			pa, ok := inA[k]
			if !ok {
				continue
			}
			d := p.Time.Sub(pa.t).Seconds()
			if k.src == fb.Client {
				fwd = append(fwd, d)
			} else {
				rev = append(rev, d)
			}
			if frameB == 0 {
				frameA, frameB = pa.frame, p.Frame
			}
		}
	}
	n := len(fwd) + len(rev)
	if n == 0 {
		return schema.ClockOffset{}, false
	}
	o := schema.ClockOffset{Host: hostB, Reference: hostA, Samples: n,
		Source: schema.Source{Artifact: b.Artifact, Frame: frameB}}
	delay := ""
	switch {
	case len(fwd) > 0 && len(rev) > 0:
		o.Seconds = (median(fwd) + median(rev)) / 2
		o.Method = "the same packets in both hosts' captures, both directions (the one-way delay cancels out)"
	case len(fwd) > 0:
		o.Seconds = median(fwd)
		o.Method = "the same packets in both hosts' captures, one direction"
		delay = ", one-way delay included"
	default:
		o.Seconds = median(rev)
		o.Method = "the same packets in both hosts' captures, one direction"
		delay = ", one-way delay included"
	}
	o.Seconds = math.Round(o.Seconds*1e6) / 1e6
	where := fmt.Sprintf("%d packet(s) appear in both captures; frame %d of %s is frame %d of %s", n, frameA, a.Artifact, frameB, b.Artifact)
	if agrees(o) {
		o.Text = fmt.Sprintf("the clocks of %s and %s agree within %s%s (%s)", hostA, hostB, roundDur(math.Abs(o.Seconds)), delay, where)
	} else {
		dir := "ahead of"
		if o.Seconds < 0 {
			dir = "behind"
		}
		o.Text = fmt.Sprintf("%s's clock is %s %s %s's%s (%s); each host's events are listed by its own clock, so their order across the two hosts is off by that much",
			hostB, roundDur(math.Abs(o.Seconds)), dir, hostA, delay, where)
	}
	return o, true
}

func keyOf(f *pcap.Flow, p pcap.Packet) pktKey {
	src := f.Client
	if p.Dir == "<" {
		src = f.Server
	}
	return pktKey{src: src, flags: p.Flags, seq: p.Seq, ack: p.Ack, length: p.Len}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// logPastCollection finds log lines stamped after the host's bundle was
// collected: the log's time zone (--tz) or the host's clock is off by at
// least that much.
func logPastCollection(h *facts.Host) (schema.ClockOffset, bool) {
	if len(h.Clock.Dates) == 0 || strings.Contains(h.Name, "/") {
		return schema.ClockOffset{}, false
	}
	collected := h.Clock.Dates[0].Time
	for _, d := range h.Clock.Dates[1:] {
		if d.Time.After(collected) {
			collected = d.Time
		}
	}
	var last time.Time
	var src schema.Source
	n := 0
	for _, l := range h.Logs {
		for _, e := range l.Events {
			if !e.HasTime || !e.HasYear || h.Aligned(e) {
				continue
			}
			if e.Time.After(collected.Add(time.Minute)) {
				n++
				if e.Time.After(last) {
					last, src = e.Time, schema.Source{Artifact: e.Src.Artifact, Line: e.Src.Line}
				}
			}
		}
	}
	if n == 0 {
		return schema.ClockOffset{}, false
	}
	ahead := last.Sub(collected).Seconds()
	return schema.ClockOffset{Host: h.Name, Reference: "collection time", Seconds: ahead, Samples: n,
		Method: "log lines stamped after the bundle's date",
		Text: fmt.Sprintf("%s: %d log line(s) are stamped up to %s after the bundle was collected (%s): the log's time zone (--tz) or the clock is off, so its events may be out of place against other hosts",
			h.Name, n, roundDur(ahead), collected.Format(time.RFC3339)),
		Source: src}, true
}

func roundDur(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case math.Abs(s) >= 60:
		return d.Round(time.Second).String()
	case math.Abs(s) >= 1:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}
