package derive

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/pcap"
)

// Capture measurements. Each counts the measurements of the host's
// captures (made by analyzer/pcap) that pass the rule's thresholds, and
// records their packets (frame, time, one-line summary) and flows.

// captureRecorder records packets and flows of one capture.
type captureRecorder struct {
	call Call
	c    *pcap.Capture
}

func (cr captureRecorder) frame(flowID, frame int, t time.Time, note string) {
	text := fmt.Sprintf("frame %d", frame)
	if f := cr.c.Flow(flowID); f != nil {
		text = f.Label()
		for _, p := range f.PacketList() {
			if p.Frame == frame {
				text = f.Summary(p)
				break
			}
		}
	}
	cr.call.Frame(cr.c.Artifact, frame, text, t, note)
}

func (cr captureRecorder) flow(id int) {
	cr.call.Flow(cr.c.Artifact, cr.c.Flow(id))
}

// frameTime returns the time of a frame of a retained flow, if known.
func frameTime(c *pcap.Capture, flowID, frame int) time.Time {
	if f := c.Flow(flowID); f != nil {
		for _, p := range f.PacketList() {
			if p.Frame == frame {
				return p.Time
			}
		}
	}
	return time.Time{}
}

// countCaptures applies count to every capture of the host and sums.
func countCaptures(c Call, count func(captureRecorder) int) int {
	n := 0
	for _, cp := range c.Host().Captures {
		n += count(captureRecorder{call: c, c: cp})
	}
	return n
}

// countEach counts, over the host's captures, the measurements keep
// accepts, and records the first MaxEvidencePerCall of them as evidence.
func countEach[T any](call Call, items func(*pcap.Capture) []T,
	keep func(*pcap.Capture, T) bool, record func(captureRecorder, T)) int {
	n := 0
	for _, c := range call.Host().Captures {
		for _, it := range items(c) {
			if !keep(c, it) {
				continue
			}
			if n < MaxEvidencePerCall {
				record(captureRecorder{call: call, c: c}, it)
			}
			n++
		}
	}
	return n
}

// pawsSYNs counts unanswered, retransmitted SYNs whose TSval is below the
// one the same client address used in a connection to the same server that
// closed less than maxAge seconds before, from client addresses that do get
// other connections answered.
func pawsSYNs(call Call, maxAge, minRetrans float64) int {
	answered := func(c *pcap.Capture, u pcap.UnansweredSYN) int {
		return c.Answered[pcap.SourcePair{Client: u.Client.Addr(), Server: u.Server.Addr()}]
	}
	return countEach(call, func(c *pcap.Capture) []pcap.UnansweredSYN { return c.UnansweredSYNs },
		func(c *pcap.Capture, u pcap.UnansweredSYN) bool {
			return u.Regressed && u.TSAge <= maxAge && float64(u.Retrans) >= minRetrans && answered(c, u) > 0
		},
		func(cr captureRecorder, u pcap.UnansweredSYN) {
			cr.frame(u.Flow, u.Frame, u.Time, fmt.Sprintf("SYN with TSval %d, %d below this address's connection %.1f s earlier; retransmitted %d times, never answered, while %d other SYNs from %s were answered",
				u.TSval, u.TSBehind, u.TSAge, u.Retrans, answered(cr.c, u), u.Client.Addr()))
			cr.flow(u.Flow)
			// The other half of the comparison: the earlier connection's
			// packet whose TSval the server kept.
			p := u.Prev
			if p.Frame == 0 {
				return
			}
			note := fmt.Sprintf("earlier connection from the same address: TSval %d, the last this capture saw from it", p.TSval)
			if cr.c.Flow(p.Flow) != nil {
				cr.frame(p.Flow, p.Frame, p.Time, note)
				cr.flow(p.Flow)
			} else {
				// Not retained: name the packet by what the comparison kept.
				cr.call.Frame(cr.c.Artifact, p.Frame, netip.AddrPortFrom(u.Client.Addr(), p.ClientPort).String()+" → "+u.Server.String(), p.Time, note)
			}
		})
}

// unnatedTwins counts segments that arrived from an address that is not
// their flow's peer while continuing its sequence space, followed by a
// RST. behindOnly restricts the count to twins that were only behind the
// window (which kernels 6.1 and later no longer mark INVALID).
func unnatedTwins(call Call, behindOnly bool) int {
	return countEach(call, func(c *pcap.Capture) []pcap.Twin { return c.Twins },
		func(_ *pcap.Capture, tw pcap.Twin) bool {
			return len(tw.RSTFrames) > 0 && !(behindOnly && (tw.Ahead > 0 || tw.Behind == 0))
		},
		func(cr captureRecorder, tw pcap.Twin) {
			where := "from " + tw.From.String() + " instead of " + tw.Peer.String()
			if tw.From.Addr() != tw.Peer.Addr() && tw.To.Addr() == tw.Peer.Addr() {
				where = "to " + tw.To.String() + " instead of " + tw.Peer.String()
			}
			dist := ""
			switch {
			case tw.Behind > 0:
				dist = fmt.Sprintf(", %s behind what the receiver had acknowledged (window %s)", bytesString(tw.Behind), bytesString(tw.Window))
			case tw.Ahead > 0:
				dist = fmt.Sprintf(", %s beyond the receiver's window", bytesString(tw.Ahead))
			}
			how := "a segment with this flow's ports and sequence numbers arrived "
			if tw.Untranslated {
				how = "a copy of this packet kept its untranslated address "
			}
			at := tw.Flow
			if tw.TwinFlow != 0 {
				at = tw.TwinFlow
			}
			cr.frame(at, tw.Frame, tw.Time, how+where+dist)
			for _, r := range tw.RSTFrames {
				id := tw.TwinFlow
				if id == 0 || frameTime(cr.c, id, r).IsZero() {
					id = tw.Flow
				}
				cr.frame(id, r, frameTime(cr.c, id, r), "RST after the un-NATed segment")
			}
			cr.flow(tw.Flow)
			if tw.TwinFlow != 0 {
				cr.flow(tw.TwinFlow)
			}
		})
}

// idleResets counts flows silent for at least minGap seconds whose next
// packet drew a RST or went unanswered.
func idleResets(call Call, minGap float64) int {
	return countEach(call, func(c *pcap.Capture) []pcap.Gap { return c.Gaps },
		func(_ *pcap.Capture, g pcap.Gap) bool {
			return g.Seconds >= minGap && (g.Outcome == "reset" || g.Outcome == "unanswered")
		},
		func(cr captureRecorder, g pcap.Gap) {
			who := "server"
			if g.FromClient {
				who = "client"
			}
			cr.frame(g.Flow, g.FrameBefore, g.Start, fmt.Sprintf("last packet before %.0f s of silence (no keep-alive in between)", g.Seconds))
			after := "went unanswered"
			if g.Outcome == "reset" {
				after = "was answered with a RST"
			}
			cr.frame(g.Flow, g.FrameAfter, frameTime(cr.c, g.Flow, g.FrameAfter), "the "+who+" spoke again and "+after)
			if g.OutcomeFrame != 0 {
				cr.frame(g.Flow, g.OutcomeFrame, frameTime(cr.c, g.Flow, g.OutcomeFrame), "")
			}
			cr.flow(g.Flow)
		})
}

// hungRequests counts requests acknowledged by the server and never
// answered while the client waited at least minWait seconds, for the named
// protocols ("any", or a comma-separated list such as "AMQP,TLS") and
// server ports in [lo, hi].
func hungRequests(call Call, minWait float64, protocols string, lo, hi float64) int {
	want := map[string]bool{}
	for _, p := range strings.Split(protocols, ",") {
		want[strings.ToLower(strings.TrimSpace(p))] = true
	}
	return countEach(call, func(c *pcap.Capture) []pcap.Hang { return c.Hangs },
		func(_ *pcap.Capture, hg pcap.Hang) bool {
			port := float64(hg.Server.Port())
			return hg.Wait >= minWait && port >= lo && port <= hi && (want["any"] || want[strings.ToLower(hg.Protocol)])
		},
		func(cr captureRecorder, hg pcap.Hang) {
			proto := hg.Protocol
			if proto == "" {
				proto = "unrecognised protocol"
			}
			cr.frame(hg.Flow, hg.AckFrame, hg.AckTime, fmt.Sprintf("the server acknowledged the client's %d-byte request (%s) and sent nothing back for %.0f s, to the end of the capture",
				hg.Request, proto, hg.Wait))
			cr.flow(hg.Flow)
		})
}

// stallBursts counts groups of at least minFlows flows towards one server
// address and port that stalled (unanswered retransmissions or SYNs)
// within window seconds of each other. SYNs explained by a timestamp
// regression (PAWS) are left out. With near > 0, only bursts within near
// seconds of an IPVS service change in the host's logs are counted.
func stallBursts(call Call, window, minFlows, near float64) int {
	h := call.Host()
	var changes []*logs.Event
	if near > 0 {
		for _, l := range h.Logs {
			for _, e := range l.Events {
				if (e.Kind == "ipvs-del-service" || e.Kind == "ipvs-add-service" || e.Kind == "keepalived-remove-real") && e.HasTime && e.HasYear {
					changes = append(changes, e)
				}
			}
		}
		if len(changes) == 0 {
			return 0
		}
	}
	return countCaptures(call, func(cr captureRecorder) int {
		byServer := map[netip.AddrPort][]pcap.Stall{}
		for _, s := range cr.c.Stalls {
			if !s.PAWS {
				byServer[s.Server] = append(byServer[s.Server], s)
			}
		}
		servers := make([]netip.AddrPort, 0, len(byServer))
		for k := range byServer {
			servers = append(servers, k)
		}
		sort.Slice(servers, func(i, j int) bool { return servers[i].Compare(servers[j]) < 0 })
		n := 0
		w := time.Duration(window * float64(time.Second))
		for _, srv := range servers {
			ss := byServer[srv] // already in time order
			for i := 0; i < len(ss); {
				flows := map[int]bool{}
				j := i
				for ; j < len(ss) && ss[j].Time.Sub(ss[i].Time) <= w; j++ {
					flows[ss[j].Flow] = true
				}
				close := closeTo(changes, ss[i].Time, ss[j-1].Time, near)
				if float64(len(flows)) < minFlows || (near > 0 && len(close) == 0) {
					i++
					continue
				}
				if n < MaxEvidencePerCall {
					for k, e := range close {
						if k == 3 {
							break
						}
						cr.call.RefAt(e.Src, "IPVS changed "+relative(e.Time.Sub(ss[i].Time))+" the connections stalled", e.Time)
					}
					cr.frame(ss[i].Flow, ss[i].Frame, ss[i].Time, fmt.Sprintf("%d connections to %s stalled within %.1f s of each other (first: %s)",
						len(flows), srv, ss[j-1].Time.Sub(ss[i].Time).Seconds(), ss[i].Kind))
					for k := i; k < j && k < i+3; k++ {
						cr.flow(ss[k].Flow)
					}
				}
				n++
				i = j
			}
		}
		return n
	})
}

// zeroWindowStalls counts flows in which one side advertised a zero window
// for at least minSeconds (to the end of the capture, or until it opened).
func zeroWindowStalls(call Call, minSeconds float64) int {
	return countCaptures(call, func(cr captureRecorder) int {
		n := 0
		for _, f := range cr.c.Flows {
			for _, sd := range [2]struct {
				s    *pcap.Side
				who  string
				addr netip.AddrPort
			}{{&f.ClientSide, "client", f.Client}, {&f.ServerSide, "server", f.Server}} {
				if sd.s.MaxZeroWin < minSeconds || sd.s.ZeroWinFrame == 0 {
					continue
				}
				if n < MaxEvidencePerCall {
					until := "then opened it again"
					if sd.s.ZeroWinUntil {
						until = "still zero when the capture ends"
					}
					cr.frame(f.ID, sd.s.ZeroWinFrame, frameTime(cr.c, f.ID, sd.s.ZeroWinFrame),
						fmt.Sprintf("the %s %s advertised a zero window for %.1f s (%s): its application stopped reading",
							sd.who, sd.addr, sd.s.MaxZeroWin, until))
					cr.flow(f.ID)
				}
				n++
			}
		}
		return n
	})
}

// closeTo returns the events within slack seconds of [from, to].
func closeTo(evs []*logs.Event, from, to time.Time, slack float64) []*logs.Event {
	d := time.Duration(slack * float64(time.Second))
	var out []*logs.Event
	for _, e := range evs {
		if !e.Time.Before(from.Add(-d)) && !e.Time.After(to.Add(d)) {
			out = append(out, e)
		}
	}
	return out
}

// relative says "3 s before" or "2 s after" for an offset from an event.
func relative(d time.Duration) string {
	if d < 0 {
		return fmt.Sprintf("%.0f s before", -d.Seconds())
	}
	return fmt.Sprintf("%.0f s after", d.Seconds())
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB (%d bytes)", float64(n)/1e6, n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB (%d bytes)", float64(n)/1e3, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

var _ = declare(Func{
	Name: "pcap_paws_syns", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"max_age", ArgSeconds}, {"min_retrans", ArgCount}},
	Returns: "count; 0 when no capture was read",
	Doc:     "unanswered SYNs retransmitted at least `min_retrans` times whose TSval is below the same client address's connection to that server that closed less than `max_age` seconds before, from client addresses whose other SYNs to it were answered",
	Bind:    func(c Call) any { return func(age, re float64) int { return pawsSYNs(c, age, re) } },
})

var _ = declare(Func{
	Name: "pcap_unnated_twins", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Returns: "count",
	Doc:     "segments that arrived from (or went to) an address that is not the flow's peer while carrying its ports and continuing its sequence space, or copies (`tcpdump -i any`) that kept their untranslated address, followed by a RST",
	Bind:    func(c Call) any { return func() int { return unnatedTwins(c, false) } },
})

var _ = declare(Func{
	Name: "pcap_unnated_twins_behind_only", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Returns: "count",
	Doc:     "those twins that were only behind the window (no longer INVALID on Linux 6.1+)",
	Bind:    func(c Call) any { return func() int { return unnatedTwins(c, true) } },
})

var _ = declare(Func{
	Name: "pcap_idle_resets", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_gap", ArgSeconds}},
	Returns: "count",
	Doc:     "flows silent for at least `min_gap` seconds whose next packet was answered by a RST or went unanswered",
	Bind:    func(c Call) any { return func(gap float64) int { return idleResets(c, gap) } },
})

var _ = declare(Func{
	Name: "pcap_hung_requests", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_wait", ArgSeconds}, {"protocols", ArgProtocols}, {"lo", ArgPort}, {"hi", ArgPort}},
	Returns: "count",
	Doc:     "requests the server acknowledged and never answered while the client waited at least `min_wait` seconds to the end of the capture; `protocols` is `\"any\"` or a list such as `\"AMQP,TLS,PostgreSQL,HTTP/2\"`; server port in `[lo, hi]`",
	Bind: func(c Call) any {
		return func(w float64, protos string, lo, hi float64) int { return hungRequests(c, w, protos, lo, hi) }
	},
})

var _ = declare(Func{
	Name: "pcap_stall_bursts", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"window", ArgSeconds}, {"min_flows", ArgCount}},
	Returns: "count",
	Doc:     "groups of at least `min_flows` connections to one server address and port that stalled (unanswered retransmissions or SYNs) within `window` seconds; SYNs explained by PAWS are left out",
	Bind:    func(c Call) any { return func(w, m float64) int { return stallBursts(c, w, m, 0) } },
})

var _ = declare(Func{
	Name: "pcap_stall_bursts_near_ipvs_changes", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap, artifact.KindLog},
	Args:    []Arg{{"window", ArgSeconds}, {"min_flows", ArgCount}, {"slack", ArgSeconds}},
	Returns: "count",
	Doc:     "those bursts within `slack` seconds of an IPVS service change (or keepalived removing a real server) in the host's logs",
	Bind:    func(c Call) any { return func(w, m, near float64) int { return stallBursts(c, w, m, near) } },
})

var _ = declare(Func{
	Name: "pcap_zero_window_stalls", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_seconds", ArgSeconds}},
	Returns: "count",
	Doc:     "flow sides that advertised a zero window for at least `min_seconds`",
	Bind:    func(c Call) any { return func(m float64) int { return zeroWindowStalls(c, m) } },
})
