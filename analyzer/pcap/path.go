package pcap

import (
	"hash/maphash"
	"net/netip"
	"sort"
	"time"
)

// Measurements of a finished TCP flow about the path and the endpoints'
// stacks: refused connections, RSTs another box sent, full-size segments
// that vanish (path MTU), small segments held for a delayed ACK (Nagle),
// and senders held back by a small receive window.

// Refusal is a SYN answered by a RST.
type Refusal struct {
	Flow           int
	Client, Server netip.AddrPort
	Frame          int // the RST
	Time           time.Time
	SYNs           int
	TTL            int    // the RST's TTL
	ServerTTL      int    // TTL of the server address's own SYN-ACKs in other flows; -1 when none was seen
	IPID           uint16 // the RST's IP ID
}

// ForeignRST is a RST whose TTL differs from the TTL of the packets the
// same endpoint sent earlier in the flow: another box sent it in its name.
type ForeignRST struct {
	Flow     int
	From, To netip.AddrPort
	Frame    int
	Time     time.Time
	TTL      int // the RST's TTL
	OwnTTL   int // the TTL of the endpoint's own packets
	IPID     uint16
	OwnIPID  uint16
	Server   bool // the RST claims to come from the server
}

// PMTUStall is a flow in which a segment at or near the MSS was
// retransmitted and not acknowledged.
type PMTUStall struct {
	Flow             int
	Sender, Receiver netip.AddrPort
	MSS              int // the receiver's MSS option: the largest segment the sender may send
	SegLen           int // the first such segment retransmitted
	MaxSeg           int // the largest new segment the sender sent (above the MSS: TSO on the sender's side)
	Retrans          int
	DF               bool
	Frame            int
	Time             time.Time
	AckedBefore      int64 // bytes of the sender's data acknowledged before the segment
	Recovered        bool  // the receiver acknowledged the segment in the end
	PeerSpokeAfter   bool  // the receiver sent packets after the first retransmission
	ICMP             int   // ICMP frag-needed or packet-too-big quoting this flow
	ICMPMTU          int
	HandshakeOK      bool
	ReceiverRetrans  int
	SmallSegsRetrans int
}

// DelayedAckStall is a flow in which a small segment waited for the peer's
// delayed ACK of the data before it, again and again: Nagle's algorithm
// meeting delayed ACKs.
type DelayedAckStall struct {
	Flow             int
	Sender, Receiver netip.AddrPort
	Stalls           int
	Median           float64 // the receiver's median ACK delay (seconds), the time each stall adds
	Max              float64
	Frame            int // the first held segment
	Time             time.Time
}

// WindowLimit is a flow whose sender kept filling the receiver's
// advertised window.
type WindowLimit struct {
	Flow             int
	Sender, Receiver netip.AddrPort
	Events           int   // new segments sent into a full window
	Window           int64 // the largest window advertised at those moments (bytes, scaled when scaling is on)
	RTT              float64
	Frame            int
	Time             time.Time
	SenderScale      int  // window scale option of the sender's SYN: -1 absent
	ReceiverScale    int  // of the receiver's SYN
	Scaled           bool // both SYNs carried the option (RFC 7323): scaling is on
	Stripped         bool // a copy on another interface showed the option removed on the path
	Bytes            int64
}

// pathEvents records the flow's path measurements; it reports whether any
// was found, which makes the flow worth keeping.
func (t *tracker) pathEvents(f *flow, ci int) bool {
	c := t.c
	at := func(ns int64) time.Time { return time.Unix(0, ns).UTC() }
	found := false
	cs, ss := &f.side[ci], &f.side[1-ci]
	if f.clientKnown() && cs.syns > 0 && !f.synack && ss.rsts > 0 && ss.packets == ss.rsts && len(c.Refusals) < maxEvents {
		found = true
		r := Refusal{Flow: f.id, Client: f.addr(ci), Server: f.addr(1 - ci), Frame: ss.firstRSTFrame, Time: at(ss.firstRSTTime),
			SYNs: int(cs.syns), TTL: int(ss.rstTTL), ServerTTL: -1, IPID: ss.rstIPID}
		if ttl, ok := t.hostTTL[r.Server.Addr()]; ok {
			r.ServerTTL = int(ttl)
		}
		c.Refusals = append(c.Refusals, r)
	}
	for i := range f.side {
		s, o := &f.side[i], &f.side[1-i]
		if s.rsts > 0 && s.packets > s.rsts && s.ttl != 0 && s.rstTTL != s.ttl && len(c.ForeignRSTs) < maxEvents {
			found = true
			c.ForeignRSTs = append(c.ForeignRSTs, ForeignRST{Flow: f.id, From: f.addr(i), To: f.addr(1 - i), Frame: s.firstRSTFrame,
				Time: at(s.firstRSTTime), TTL: int(s.rstTTL), OwnTTL: int(s.ttl), IPID: s.rstIPID, OwnIPID: s.ipid, Server: i != ci})
		}
		if s.bigSet && len(c.PMTU) < maxEvents {
			found = true
			e := PMTUStall{Flow: f.id, Sender: f.addr(i), Receiver: f.addr(1 - i), MSS: f.mssFor(i), SegLen: s.bigLen, MaxSeg: s.maxSeg,
				Retrans: int(s.bigRtx), DF: s.bigDF, Frame: s.bigFrame, Time: at(s.bigTime), PeerSpokeAfter: s.bigAfter,
				Recovered: o.ackKnown && seqAfter(o.ack, s.bigSeq), ICMP: f.icmp, ICMPMTU: f.icmpMTU, HandshakeOK: f.synack && f.clientKnown(),
				ReceiverRetrans: int(o.retrans), SmallSegsRetrans: int(s.retrans - s.bigRtx)}
			if s.synSeen {
				e.AckedBefore = seqDist(s.bigSeq, s.isn+1)
			}
			c.PMTU = append(c.PMTU, e)
		}
		if s.nagle > 0 && len(c.DelayedAcks) < maxEvents {
			found = found || s.nagle > 1 // once can be chance; again is a pattern
			n := min(int(s.nagle), len(s.nagleD))
			ds := make([]float64, n)
			for k := range ds {
				ds[k] = float64(s.nagleD[k])
			}
			sort.Float64s(ds)
			c.DelayedAcks = append(c.DelayedAcks, DelayedAckStall{Flow: f.id, Sender: f.addr(i), Receiver: f.addr(1 - i), Stalls: int(s.nagle),
				Median: round6(ds[n/2]), Max: round6(ds[n-1]), Frame: s.nagleFrame, Time: at(s.nagleTime)})
		}
		// A sender that fills the window is common and healthy on its
		// own: recorded, but the flow is not kept for that alone.
		if s.winLim > 0 && len(c.WindowLimits) < maxEvents {
			// SYN to SYN-ACK to ACK spans one round trip from any capture
			// point; a data sample does only at the sender.
			rtt := s.rttMin
			if f.hsRTT > 0 && f.hsAckRTT > 0 {
				rtt = round6(f.hsRTT + f.hsAckRTT)
			}
			c.WindowLimits = append(c.WindowLimits, WindowLimit{Flow: f.id, Sender: f.addr(i), Receiver: f.addr(1 - i), Events: int(s.winLim),
				Window: s.winLimWin, RTT: rtt, Frame: s.winLimFrame, Time: at(s.winLimTime), SenderScale: int(s.wscale),
				ReceiverScale: int(o.wscale), Scaled: f.scaleKnown(), Stripped: f.scaleStripped, Bytes: s.dataBytes})
		}
	}
	return found
}

func round6(x float64) float64 { return float64(int64(x*1e6+0.5)) / 1e6 }

// otherSeen is a UDP or ICMP packet remembered to recognise its copy on
// another interface (`tcpdump -i any`).
type otherSeen struct {
	h     uint64
	t     int64
	iface int64
	dir   dirKey
}

var otherSeed = maphash.MakeSeed()

// otherCopy reports whether p, a DNS message or an ICMP error, is a copy of
// one seen just before on another interface or before NAT; it remembers p
// otherwise. Only captures that can hold copies are checked.
func (t *tracker) otherCopy(p *packet) bool {
	if t.copies == nil || p.ext == nil {
		return false
	}
	var h maphash.Hash
	h.SetSeed(otherSeed)
	var b [16]byte
	b[0], b[1] = p.proto, byte(p.ipid)
	b[2] = byte(p.ipid >> 8)
	if p.ext.isDNS {
		m := &p.ext.dns
		b[3], b[4], b[5], b[6], b[7], b[8] = byte(m.id), byte(m.id>>8), byte(m.qtype), byte(m.qtype>>8), m.rcode, 0
		if m.qr {
			b[8] = 1
		}
		h.Write(b[:9])
		h.WriteString(m.name)
	} else {
		m := &p.ext.icmp
		b[3], b[4] = m.typ, m.code
		h.Write(b[:5])
		h.Write(m.isrc[:])
		h.Write(m.idst[:])
		b[5], b[6], b[7], b[8] = byte(m.isport), byte(m.isport>>8), byte(m.idport), byte(m.idport>>8)
		h.Write(b[5:9])
	}
	sum := h.Sum64()
	window := int64(time.Second)
	if p.v6 || p.ipid == 0 {
		window = 5 * int64(time.Millisecond)
	}
	dir := dirOf(p)
	for i := range t.others {
		e := &t.others[i]
		if e.h == sum && p.t >= e.t && p.t-e.t <= window && (e.iface != p.iface || e.dir != dir) {
			t.c.Copies++
			return true
		}
	}
	t.others[t.otherN%len(t.others)] = otherSeen{h: sum, t: p.t, iface: p.iface, dir: dir}
	t.otherN++
	return false
}
