package derive

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/iptables"
	"github.com/nettriage/nettriage/analyzer/pcap"
)

// Capture measurements beyond TCP's own state: ICMP errors, refused
// connections and who sent a RST, path MTU stalls, Nagle and delayed-ACK
// stalls, and senders held back by the receive window.

func kindSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		m[strings.TrimSpace(k)] = true
	}
	return m
}

var _ = declare(Func{
	Name: "pcap_icmp_errors", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"kinds", ArgText}, {"proto", ArgText}},
	Returns: "count",
	Doc:     "ICMP and ICMPv6 errors of the comma-separated `kinds` (`port-unreachable`, `admin-prohibited`, `host-prohibited`, `net-prohibited`, `frag-needed`, `packet-too-big`, `host-unreachable`, `net-unreachable`, `time-exceeded`) answering packets of protocol `proto` (`tcp`, `udp` or `any`)",
	Values:  []string{"rejected"},
	Bind: func(c Call) any {
		return func(kinds, proto string) int {
			want := kindSet(kinds)
			return countEach(c, func(cp *pcap.Capture) []pcap.ICMPMessage { return cp.ICMP },
				func(_ *pcap.Capture, m pcap.ICMPMessage) bool {
					return want[m.Kind] && (proto == "any" || proto == m.Proto)
				},
				func(cr captureRecorder, m pcap.ICMPMessage) {
					who := "a box on the path"
					if m.FromDst {
						who = "the destination itself"
					}
					ttl := ""
					if m.DstTTL >= 0 {
						ttl = fmt.Sprintf("; TTL %d, while the destination's own packets arrive with %d", m.TTL, m.DstTTL)
					}
					cr.call.Frame(cr.c.Artifact, m.Frame, fmt.Sprintf("ICMP %s (type %d code %d) from %s (%s) answering %s %s → %s%s",
						m.Kind, m.Type, m.Code, m.From, who, m.Proto, m.Src, m.Dst, ttl), m.Time, "")
					if m.Flow != 0 {
						cr.flow(m.Flow)
					}
					cr.call.Value("rejected", m.Dst.String())
				})
		}
	},
})

// foreignRSTs counts RSTs whose TTL differs by at least minDiff from the
// packets the claimed sender sent itself: in the same flow, or for a SYN
// refused at once, in its SYN-ACKs of other flows.
func foreignRSTs(call Call, minDiff float64) int {
	n := 0
	for _, c := range call.Host().Captures {
		cr := captureRecorder{call: call, c: c}
		for _, r := range c.ForeignRSTs {
			if d := r.TTL - r.OwnTTL; float64(max(d, -d)) >= minDiff {
				if n < MaxEvidencePerCall {
					cr.frame(r.Flow, r.Frame, r.Time, fmt.Sprintf("RST claiming to come from %s with TTL %d (IP ID %d), while %s's own packets in this connection carry TTL %d (IP ID %d): another box sent it",
						r.From, r.TTL, r.IPID, r.From.Addr(), r.OwnTTL, r.OwnIPID))
					cr.flow(r.Flow)
					cr.call.Value("rejected", r.From.String())
				}
				n++
			}
		}
		for _, r := range c.Refusals {
			if d := r.TTL - r.ServerTTL; r.ServerTTL >= 0 && float64(max(d, -d)) >= minDiff {
				if n < MaxEvidencePerCall {
					cr.frame(r.Flow, r.Frame, r.Time, fmt.Sprintf("RST refusing the connection to %s with TTL %d, while %s's SYN-ACKs arrive with TTL %d: not its own stack",
						r.Server, r.TTL, r.Server.Addr(), r.ServerTTL))
					cr.flow(r.Flow)
					cr.call.Value("rejected", r.Server.String())
				}
				n++
			}
		}
	}
	return n
}

var _ = declare(Func{
	Name: "pcap_foreign_rsts", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_ttl_diff", ArgCount}},
	Returns: "count",
	Doc:     "RSTs whose TTL differs by at least `min_ttl_diff` from the packets the endpoint they claim to come from sent itself (in the flow, or its SYN-ACKs in other flows): a firewall or middlebox answered in its name",
	Values:  []string{"rejected"},
	Bind:    func(c Call) any { return func(d float64) int { return foreignRSTs(c, d) } },
})

// refusedServers counts server ports that refused at least minRefusals
// connection attempts from their own stack: RSTs with the server's TTL (or
// no other TTL to compare with) for TCP, ICMP port-unreachable from the
// destination itself for UDP.
func refusedServers(call Call, minRefusals float64) int {
	n := 0
	for _, c := range call.Host().Captures {
		cr := captureRecorder{call: call, c: c}
		type group struct {
			frames []int
			first  int
			proto  string
			times  int
		}
		byPort := map[netip.AddrPort]*group{}
		var order []netip.AddrPort
		add := func(k netip.AddrPort, proto string, idx int) {
			g := byPort[k]
			if g == nil {
				g = &group{proto: proto, first: idx}
				byPort[k] = g
				order = append(order, k)
			}
			g.times++
			g.frames = append(g.frames, idx)
		}
		for i, r := range c.Refusals {
			if r.ServerTTL < 0 || r.ServerTTL == r.TTL {
				add(r.Server, "tcp", i)
			}
		}
		for i, m := range c.ICMP {
			if m.Kind == "port-unreachable" && m.Proto == "udp" && m.FromDst {
				add(m.Dst, "udp", i)
			}
		}
		sort.Slice(order, func(i, j int) bool { return order[i].Compare(order[j]) < 0 })
		for _, k := range order {
			g := byPort[k]
			if float64(g.times) < minRefusals {
				continue
			}
			if n < MaxEvidencePerCall {
				if g.proto == "tcp" {
					r := c.Refusals[g.first]
					cr.frame(r.Flow, r.Frame, r.Time, fmt.Sprintf("%s answered %d connection attempts with a RST from its own stack (TTL %d): nothing listens on the port", k, g.times, r.TTL))
					cr.flow(r.Flow)
				} else {
					m := c.ICMP[g.first]
					cr.call.Frame(c.Artifact, m.Frame, fmt.Sprintf("%s answered %d UDP datagrams with ICMP port unreachable: nothing listens on the port", k, g.times), m.Time, "")
				}
				call.Value("refused", k.String())
			}
			n++
		}
	}
	return n
}

var _ = declare(Func{
	Name: "pcap_refused_ports", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_refusals", ArgCount}},
	Returns: "count",
	Doc:     "server ports that refused at least `min_refusals` attempts from their own stack: SYNs answered by a RST whose TTL matches the server's own packets (or that has none to compare with), UDP datagrams answered by ICMP port unreachable from the destination itself",
	Values:  []string{"refused"},
	Bind:    func(c Call) any { return func(m float64) int { return refusedServers(c, m) } },
})

// pmtuStalls counts flows whose segments at or near the MSS were
// retransmitted at least minRetrans times without being acknowledged,
// while the handshake and the flow's smaller segments got through. With
// icmp, only those for which an ICMP frag-needed or packet-too-big was
// captured (so it was sent, and lost or ignored before the sender).
func pmtuStalls(call Call, minRetrans float64, icmp bool) int {
	return countEach(call, func(c *pcap.Capture) []pcap.PMTUStall { return c.PMTU },
		func(_ *pcap.Capture, p pcap.PMTUStall) bool {
			// Acknowledged in the end at the same size is ordinary loss.
			return float64(p.Retrans) >= minRetrans && p.HandshakeOK && p.SmallSegsRetrans == 0 && !p.Recovered && (!icmp || p.ICMP > 0)
		},
		func(cr captureRecorder, p pcap.PMTUStall) {
			df := "without DF"
			if p.DF {
				df = "with DF set"
			}
			end := "never acknowledged"
			icmpNote := "no ICMP fragmentation-needed or packet-too-big reached the capture"
			if p.ICMP > 0 {
				icmpNote = fmt.Sprintf("an ICMP error naming MTU %d was captured, yet the sender kept sending full-size segments", p.ICMPMTU)
			}
			tso := ""
			if p.MaxSeg > p.MSS {
				tso = fmt.Sprintf("; the sender handed %d-byte super-segments to its NIC (TSO), which splits them at the MSS", p.MaxSeg)
			}
			cr.frame(p.Flow, p.Frame, p.Time, fmt.Sprintf("a %d-byte segment (MSS %d) %s from %s was retransmitted %d times and %s, while the handshake and %d bytes before it got through; %s%s",
				p.SegLen, p.MSS, df, p.Sender, p.Retrans, end, p.AckedBefore, icmpNote, tso))
			cr.flow(p.Flow)
			cr.call.Value("segment", strconv.Itoa(p.SegLen))
			cr.call.Value("peer", p.Receiver.Addr().String())
		})
}

var _ = declare(Func{
	Name: "pcap_pmtu_stalls", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_retrans", ArgCount}},
	Returns: "count",
	Doc:     "flows whose segments at or near the receiver's MSS (judged against the SYNs' MSS, not the captured length) were retransmitted at least `min_retrans` times without being acknowledged, while the handshake and smaller segments got through",
	Values:  []string{"segment", "peer"},
	Bind:    func(c Call) any { return func(m float64) int { return pmtuStalls(c, m, false) } },
})

var _ = declare(Func{
	Name: "pcap_pmtu_stalls_icmp_seen", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_retrans", ArgCount}},
	Returns: "count",
	Doc:     "those stalls for which an ICMP frag-needed or packet-too-big quoting the flow was captured: the path said its MTU and the sender never learnt it",
	Values:  []string{"segment", "peer"},
	Bind:    func(c Call) any { return func(m float64) int { return pmtuStalls(c, m, true) } },
})

var _ = declare(Func{
	Name: "interfaces_mtu_below", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindAddresses},
	Args:    []Arg{{"bytes", ArgNumber}},
	Returns: "count of interfaces, or nil when no ip addr output was collected",
	Doc:     "interfaces (ip addr) whose MTU is below `bytes` while another interface of the host has at least `bytes`: a tunnel, overlay or VPN narrower than the endpoints",
	Bind: func(c Call) any {
		return func(b float64) any {
			h := c.Host()
			if len(h.Addresses) == 0 {
				return nil
			}
			var obsList []Observation
			wide := false
			for _, t := range h.Addresses {
				for _, ifc := range t.Interfaces {
					if float64(ifc.MTU) >= b {
						wide = true
					}
				}
			}
			if !wide {
				return 0
			}
			for _, t := range h.Addresses {
				for _, ifc := range t.Interfaces {
					if ifc.MTU > 0 && float64(ifc.MTU) < b && ifc.Name != "lo" {
						obsList = append(obsList, obs(fmt.Sprintf("%s has MTU %d, below the %d bytes the endpoints send", ifc.Name, ifc.MTU, int(b)), ifc.Src))
					}
				}
			}
			return c.Observations(obsList)
		}
	},
})

var _ = declare(Func{
	Name: "pcap_delayed_ack_stalls", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_stalls", ArgCount}, {"min_delay", ArgSeconds}},
	Returns: "count",
	Doc:     "flows in which a small segment waited for the peer's delayed ACK of the data before it at least `min_stalls` times, with a median ACK delay (beyond the RTT) of at least `min_delay` seconds: Nagle's algorithm meeting delayed ACKs",
	Values:  []string{"stalls", "ack_delay_ms"},
	Bind: func(c Call) any {
		return func(minStalls, minDelay float64) int {
			return countEach(c, func(cp *pcap.Capture) []pcap.DelayedAckStall { return cp.DelayedAcks },
				func(_ *pcap.Capture, d pcap.DelayedAckStall) bool {
					return float64(d.Stalls) >= minStalls && d.Median >= minDelay
				},
				func(cr captureRecorder, d pcap.DelayedAckStall) {
					cr.frame(d.Flow, d.Frame, d.Time, fmt.Sprintf("%s held a small segment until %s acknowledged the data before it; this happened %d times in the connection, the ACK coming a median %.0f ms late (at most %.0f ms)",
						d.Sender, d.Receiver, d.Stalls, d.Median*1000, d.Max*1000))
					cr.flow(d.Flow)
					cr.call.Value("stalls", strconv.Itoa(d.Stalls))
					cr.call.Value("ack_delay_ms", strconv.Itoa(int(d.Median*1000+0.5)))
				})
		}
	},
})

// windowLimits counts flows whose sender filled the receiver's window at
// least minEvents times while that window allowed at most maxMbps over the
// measured RTT; cause narrows them: "any", "unscaled" (one SYN lacked the
// window scale option), "stripped" (a copy on another interface showed it
// removed), "buffer" (scaling on, the window small anyway).
func windowLimits(call Call, minEvents, maxMbps float64, cause string) int {
	return countEach(call, func(c *pcap.Capture) []pcap.WindowLimit { return c.WindowLimits },
		func(_ *pcap.Capture, w pcap.WindowLimit) bool {
			if float64(w.Events) < minEvents || w.RTT <= 0 || float64(w.Window)*8/w.RTT/1e6 > maxMbps {
				return false
			}
			switch cause {
			case "unscaled":
				return !w.Scaled && !w.Stripped
			case "stripped":
				return w.Stripped
			case "buffer":
				return w.Scaled && !w.Stripped
			}
			return true
		},
		func(cr captureRecorder, w pcap.WindowLimit) {
			why := "both SYNs carried the window scale option, so the receiver's buffer itself is small (tcp_rmem, SO_RCVBUF)"
			switch {
			case w.Stripped:
				why = "the window scale option was removed on the path: a copy of the SYN had it on one interface and not on the other"
			case !w.Scaled && w.SenderScale < 0 && w.ReceiverScale < 0:
				why = "neither SYN carried the window scale option, so the window cannot exceed 64 kB"
			case !w.Scaled && w.ReceiverScale < 0:
				why = "the receiver's SYN carried no window scale option, so scaling is off and the window cannot exceed 64 kB"
			case !w.Scaled:
				why = "the sender's SYN carried no window scale option, so scaling is off and the window cannot exceed 64 kB"
			}
			cr.frame(w.Flow, w.Frame, w.Time, fmt.Sprintf("%s filled %s's %s window %d times; at an RTT of %.1f ms that caps the flow at %.1f Mbit/s; %s",
				w.Sender, w.Receiver, bytesString(w.Window), w.Events, w.RTT*1000, float64(w.Window)*8/w.RTT/1e6, why))
			cr.flow(w.Flow)
			cr.call.Value("window", strconv.FormatInt(w.Window, 10))
			cr.call.Value("cap_mbps", strconv.FormatFloat(float64(w.Window)*8/w.RTT/1e6, 'f', 1, 64))
		})
}

var _ = declare(Func{
	Name: "pcap_window_limited", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_events", ArgCount}, {"max_mbps", ArgNumber}, {"cause", ArgText}},
	Returns: "count",
	Doc:     "flows whose sender filled the receiver's advertised window at least `min_events` times while that window, over the measured RTT, allowed at most `max_mbps` Mbit/s; `cause` is `any`, `unscaled` (a SYN lacked the window scale option: scaling is on only when both carry it), `stripped` (copies on two interfaces show the option removed on the path) or `buffer` (scaling on, the window small anyway)",
	Values:  []string{"window", "cap_mbps"},
	Bind: func(c Call) any {
		return func(e, m float64, cause string) int { return windowLimits(c, e, m, cause) }
	},
})

var _ = declare(Func{
	Name: "reject_rules", Section: "Packet filter and NAT",
	Reads:   []artifact.Kind{artifact.KindIptables},
	Args:    []Arg{{"with", ArgText}},
	Returns: "count",
	Doc:     "iptables/nft REJECT rules answering with one of the comma-separated `with` types (`icmp-port-unreachable`, the default and kube-proxy's \"has no endpoints\"; `icmp-admin-prohibited`, `icmp-host-prohibited`, `icmp-net-prohibited`, `tcp-reset`, ...), or any type with `any`",
	Values:  []string{"reject_with"},
	Bind: func(c Call) any {
		return func(with string) int {
			want := kindSet(with)
			var list []Observation
			for _, r := range allRules(c.Host(), func(r *iptables.Rule) bool { return strings.EqualFold(r.Target, "REJECT") }) {
				w, ok := r.TargetArg("--reject-with")
				if !ok {
					w = "icmp-port-unreachable"
				}
				if !want["any"] && !want[w] {
					continue
				}
				o := obs("REJECT rule answering with "+w, r.Src)
				o.Values = map[string]string{"reject_with": w}
				list = append(list, o)
			}
			return c.Observations(list)
		}
	},
})
