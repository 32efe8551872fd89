package pcap

import (
	"bytes"
	"net/netip"
	"sort"
	"time"
)

// flowKey names a connection independently of direction: the endpoint
// that sorts first is a.
type flowKey struct {
	a, b   [16]byte
	pa, pb uint16
}

// dirKey names one direction of a connection.
type dirKey struct {
	src, dst     [16]byte
	sport, dport uint16
}

func keyOf(p *packet) (flowKey, int) {
	if less(p.src, p.sport, p.dst, p.dport) {
		return flowKey{a: p.src, b: p.dst, pa: p.sport, pb: p.dport}, 0
	}
	return flowKey{a: p.dst, b: p.src, pa: p.dport, pb: p.sport}, 1
}

func dirOf(p *packet) dirKey { return dirKey{p.src, p.dst, p.sport, p.dport} }

func less(a [16]byte, pa uint16, b [16]byte, pb uint16) bool {
	if c := bytes.Compare(a[:], b[:]); c != 0 {
		return c < 0
	}
	return pa <= pb
}

// Sequence-space comparisons, modulo 2^32.
func seqAfter(a, b uint32) bool { return int32(a-b) > 0 }
func seqDist(a, b uint32) int64 { return int64(int32(a - b)) }

// Packet notes, kept per recorded packet as bits.
const (
	noteRetrans uint16 = 1 << iota
	noteSpurious
	noteFastRetrans
	noteOutOfOrder
	noteDupAck
	noteZeroWindow
	noteKeepAlive
	noteZeroWindowProbe
	notePrevLost
	noteOutOfWindow
	noteTwin
	noteAfterGap
	noteUntranslated
	notePortReuse
	noteAckUnseen
	noteAfterRST
)

var noteNames = []string{"retransmission", "spurious retransmission", "fast retransmission", "out-of-order",
	"duplicate ACK", "zero window", "keep-alive", "zero-window probe", "previous segment not captured",
	"outside the window", "un-NATed twin", "first packet after idle gap", "kept its untranslated address",
	"port reused", "ACKs unseen data", "sent after this side's own RST"}

// rec is one packet as kept in a flow's bounded packet list (28 per
// flow). Its time is split in two words so that the record aligns on 4
// bytes: 36 bytes, where an int64 would pad it to 40.
type rec struct {
	tHi   int32 // time in nanoseconds since the epoch, high and low words
	tLo   uint32
	frame uint32
	n     uint32 // position in the flow, 1-based: a jump between two kept packets is the packets left out
	seq   uint32
	ack   uint32
	tsval uint32 // TCP timestamp value, when dir has recTS
	plen  uint16
	win   uint16
	notes uint16
	flags uint8
	dir   uint8 // the sending side (bit 0), and recTS
}

// recTS marks, in rec.dir, a packet that carried a timestamp option.
const recTS = 2

func (r *rec) time() int64 { return int64(r.tHi)<<32 | int64(r.tLo) }
func (r *rec) side() int   { return int(r.dir & 1) }

const (
	headRecs = 6  // first packets of a flow
	markRecs = 6  // notable packets after the head
	tailRecs = 16 // last packets of a flow
	rtoKeep  = 8  // retransmission intervals kept per run
)

// stallRun is one run of retransmissions of a segment that went
// unanswered long enough to count (two retransmissions).
type stallRun struct {
	t         int64
	frame     int
	recovered bool
}

const maxStallRuns = 4

// side is the per-endpoint TCP state of a flow.
type side struct {
	synSeen  bool
	isn      uint32
	wscale   int8
	nxtKnown bool
	nxt      uint32 // highest sequence number sent, plus one
	ackKnown bool
	ack      uint32 // highest acknowledgement sent
	lastWin  uint16
	lastSeq  uint32
	lastTime int64
	hasTS    bool
	lastTS   uint32

	// The packet that carried lastTS: when it was sent, and its frame.
	lastTSTime  int64
	lastTSFrame int

	packets, retrans, spurious, fast, ooo, dupAcks, zeroWins, keepAlives, rsts, afterRST, fins, syns, oow, tsRegress int32
	bytes                                                                                                            int64
	zeroSince, maxZero                                                                                               int64
	zeroFrame, maxZeroFrame                                                                                          int
	maxBehind, maxAhead, maxWin                                                                                      int64
	dataBytes                                                                                                        int64 // payload that was new data (not keep-alive bytes or retransmissions)

	lastNewSeq  uint32
	lastNewTime int64
	rtoSeq      uint32
	rtoLast     int64
	rtoRun      int
	rtoCur      [rtoKeep]float32
	rtoBest     [rtoKeep]float32
	rtoBestN    int

	rttEnd   uint32
	rttTime  int64
	rttValid bool
	rttMin   float64
	rttSum   float64
	rttN     int

	dupRun        int
	fullAckTime   int64 // when this side last acknowledged everything the peer had sent
	fullAckFrame  int
	lastDataTime  int64
	first         [32]byte // first payload bytes, for protocol sniffing
	firstLen      int
	firstRSTFrame int
	firstRSTTime  int64

	stalls   [maxStallRuns]stallRun // runs of unanswered retransmissions, first ones kept
	nstalls  int
	stallRun int
	stalled  bool  // the current run reached two retransmissions of one segment
	stallT0  int64 // first retransmission of the current run
	stallF0  int

	// Who sent it: the TTL and IP ID of this side's own packets, and of
	// its first RST.
	ttl, rstTTL   uint8
	ipid, rstIPID uint16
	mss           uint16 // MSS option of this side's SYN
	maxSeg        int    // largest segment of new data (a TSO super-segment on the sender exceeds the MSS)

	// Path MTU: the first retransmitted segment at or near the MSS.
	bigRtx   int32
	bigSet   bool
	bigDF    bool
	bigSeq   uint32
	bigLen   int
	bigFrame int
	bigTime  int64
	bigAfter bool // the peer sent something after that segment was first retransmitted

	// Nagle and delayed ACK: this side's last pure ACK that acknowledged
	// all of the peer's data, and the stalls in which the peer's next small
	// segment waited for it.
	pureAckT   int64
	pureAck    uint32
	nagle      int32
	nagleD     [32]float32 // the ACK delays measured (seconds)
	nagleFrame int
	nagleTime  int64

	// Receive window: new segments sent while the bytes in flight filled
	// the peer's advertised window.
	winLim      int32
	winLimWin   int64
	winLimFrame int
	winLimTime  int64
}

// flow is a tracked connection.
type flow struct {
	key        flowKey
	chain      int32 // next flow with the same key hash, or -1
	v6         bool
	live       bool
	id         int
	side       [2]side
	client     int // index of the side that sent the SYN; -1 until one is seen (clientSide guesses)
	first      int64
	last       int64
	firstFrame int
	lastFrame  int
	packets    int
	synTime    int64
	synack     bool
	synackTime int64
	hsRTT      float64
	closed     uint8 // 1 FIN, 2 RST
	reused     bool
	twinOf     int
	copies     int
	notable    bool

	gap, gapStart           int64
	gapBefore, gapAfter     int
	gapDir                  int
	gapOutcome              string
	gapOutFrame, gapRetrans int
	gapKA                   int

	tsRegress bool // its first SYN's TSval was below the pair's (tracker.regressed says which)

	lastOOWFrame int
	lastBehind   int64
	lastAhead    int64

	hsAckRTT      float64 // SYN-ACK to the client's ACK
	icmp          int     // ICMP errors quoting a packet of this flow
	icmpMTU       int     // smallest MTU those errors named
	scaleStripped bool    // a copy of a SYN lost its window scale option between two interfaces

	head   [headRecs]rec
	marks  [markRecs]rec
	tail   [tailRecs]rec
	headN  int
	marksN int
	tailN  int
}

// addr returns side i's address and port.
func (f *flow) addr(i int) netip.AddrPort {
	a, p := f.key.a, f.key.pa
	if i == 1 {
		a, p = f.key.b, f.key.pb
	}
	return netip.AddrPortFrom(toAddr(a, f.v6), p)
}

func toAddr(b [16]byte, v6 bool) netip.Addr {
	if v6 {
		return netip.AddrFrom16(b)
	}
	return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
}

// clientKnown reports whether a SYN showed which side is the client.
func (f *flow) clientKnown() bool { return f.client >= 0 }

// clientSide returns the client's side index, guessing when no SYN was
// seen: the endpoint with the higher (ephemeral) port is the client.
func (f *flow) clientSide() int {
	if f.client >= 0 {
		return f.client
	}
	if f.key.pa > f.key.pb {
		return 0
	}
	return 1
}

// record keeps packet p, sent by side dir, in the flow's packet list;
// step counts it in f.packets first, which makes that its position.
func (f *flow) record(p *packet, dir int, notes uint16) {
	r := rec{tHi: int32(p.t >> 32), tLo: uint32(p.t), frame: uint32(p.frame), n: uint32(f.packets), seq: p.seq, ack: p.ack,
		plen: uint16(min(p.plen, 65535)), win: p.win, flags: p.flags, dir: uint8(dir), notes: notes}
	if p.hasTS {
		r.tsval, r.dir = p.tsval, r.dir|recTS
	}
	if notes != 0 {
		f.notable = true
	}
	switch {
	case f.headN < headRecs:
		f.head[f.headN] = r
		f.headN++
		return
	case notes != 0 && f.marksN < markRecs:
		f.marks[f.marksN] = r
		f.marksN++
	}
	f.tail[f.tailN%tailRecs] = r
	f.tailN++
}

// track updates the TCP state of f with packet p sent by side d and
// returns the packet's notes.
func (f *flow) track(p *packet, d int) uint16 {
	s, o := &f.side[d], &f.side[1-d]
	var notes uint16
	syn, fin, rst, ack := p.flags&flagSYN != 0, p.flags&flagFIN != 0, p.flags&flagRST != 0, p.flags&flagACK != 0
	s.packets++
	s.bytes += int64(p.plen)

	if f.packets > 0 && p.t-f.last > f.gap {
		f.gap, f.gapStart = p.t-f.last, f.last
		f.gapBefore, f.gapAfter, f.gapDir = f.lastFrame, p.frame, d
		f.gapOutcome, f.gapOutFrame, f.gapRetrans = "", 0, 0
		f.gapKA = int(f.side[0].keepAlives + f.side[1].keepAlives)
		if f.gap >= int64(time.Second) {
			notes |= noteAfterGap
		}
	} else if f.gap >= int64(time.Second) && f.gapOutcome == "" && p.frame != f.gapAfter {
		switch {
		case rst:
			f.gapOutcome, f.gapOutFrame = "reset", p.frame
		case d != f.gapDir && (p.plen > 0 || (ack && o.nxtKnown && p.ack == o.nxt)):
			f.gapOutcome, f.gapOutFrame = "answered", p.frame
		}
	}

	if syn {
		s.syns++
		if !ack && f.client < 0 {
			f.client = d
		}
		if !s.synSeen || p.seq != s.isn {
			s.synSeen, s.isn, s.wscale, s.mss = true, p.seq, p.wscale, p.mss
		}
		if !ack {
			f.synTime = p.t
		} else if !f.synack {
			f.synack, f.synackTime = true, p.t
			if f.synTime != 0 {
				f.hsRTT = seconds(p.t - f.synTime)
			}
		}
	}
	if p.hasTS {
		if s.hasTS && seqAfter(s.lastTS, p.tsval) && s.lastTS-p.tsval > 1 {
			s.tsRegress++
		}
		s.hasTS, s.lastTS, s.lastTSTime, s.lastTSFrame = true, p.tsval, p.t, p.frame
	}
	if s.rsts > 0 && !rst {
		s.afterRST++
		notes |= noteAfterRST
	}
	if rst {
		if s.rsts == 0 {
			s.rstTTL, s.rstIPID = p.ttl, p.ipid
		}
	} else {
		s.ttl, s.ipid = p.ttl, p.ipid
	}
	if o.bigSet && !o.bigAfter {
		o.bigAfter = true
	}
	if rst {
		s.rsts++
		if s.firstRSTFrame == 0 {
			s.firstRSTFrame, s.firstRSTTime = p.frame, p.t
		}
		f.closed = 2
		s.lastTime = p.t
		return notes
	}
	if fin {
		s.fins++
		if f.closed == 0 {
			f.closed = 1
		}
	}

	// Window: zero windows, and the largest advertised window.
	if !syn {
		if p.win == 0 {
			s.zeroWins++
			notes |= noteZeroWindow
			if s.zeroSince == 0 {
				s.zeroSince, s.zeroFrame = p.t, p.frame
			}
		} else if s.zeroSince != 0 {
			s.endZero(p.t)
		}
	}
	w := int64(p.win)
	if !syn && f.scaleKnown() {
		w <<= uint(s.wscale)
	}
	s.maxWin = max(s.maxWin, w)

	seglen := uint32(p.plen)
	if syn {
		seglen++
	}
	if fin {
		seglen++
	}
	if p.plen > 0 {
		if s.firstLen == 0 {
			s.firstLen = copy(s.first[:], p.payload)
			if s.firstLen == 0 {
				s.firstLen = -1 // payload not captured (snaplen)
			}
		}
	}
	if seglen > 0 {
		notes |= f.sequence(p, d, seglen)
	} else if s.nxtKnown && p.seq == s.nxt-1 {
		s.keepAlives++ // a keep-alive without its garbage byte
		notes |= noteKeepAlive
		f.probeAfterGap(d)
	}
	if p.plen > 0 {
		s.pureAckT = 0
	} else if ack && !syn && !fin && (!s.ackKnown || seqAfter(p.ack, s.ack)) && o.nxtKnown && p.ack == o.nxt {
		s.pureAckT, s.pureAck = p.t, p.ack
	}
	if ack && !syn && f.client == d && f.synack && f.hsAckRTT == 0 && f.synackTime != 0 {
		f.hsAckRTT = seconds(p.t - f.synackTime)
	}

	if ack {
		advanced := !s.ackKnown || seqAfter(p.ack, s.ack)
		switch {
		case advanced:
			s.ackKnown, s.ack, s.dupRun = true, p.ack, 0
			if o.nxtKnown && seqAfter(p.ack, o.nxt) {
				notes |= noteAckUnseen
			}
			if o.rttValid && !seqAfter(o.rttEnd, p.ack) {
				o.rttValid = false
				rtt := seconds(p.t - o.rttTime)
				if o.rttN == 0 || rtt < o.rttMin {
					o.rttMin = rtt
				}
				o.rttSum += rtt
				o.rttN++
			}
			if o.stallRun > 0 {
				o.stallRun = 0
				if o.stalled && o.nstalls > 0 && o.nstalls <= maxStallRuns {
					o.stalls[o.nstalls-1].recovered = true
				}
				o.stalled = false
			}
		case seglen == 0 && p.ack == s.ack && p.win == s.lastWin && o.nxtKnown && seqAfter(o.nxt, p.ack):
			s.dupAcks++
			s.dupRun++
			notes |= noteDupAck
		}
		// The first ACK of everything the peer sent; ACKs of keep-alives
		// repeat it and do not count as new.
		if advanced && o.nxtKnown && p.ack == o.nxt {
			s.fullAckTime, s.fullAckFrame = p.t, p.frame
		}
	}
	s.lastWin, s.lastSeq, s.lastTime = p.win, p.seq, p.t
	return notes
}

// endZero closes a zero-window episode at t, keeping the longest.
func (s *side) endZero(t int64) {
	if d := t - s.zeroSince; d >= s.maxZero {
		s.maxZero, s.maxZeroFrame = d, s.zeroFrame
	}
	s.zeroSince = 0
}

func (f *flow) scaleKnown() bool { return f.side[0].wscale >= 0 && f.side[1].wscale >= 0 && f.synack }

// sequence classifies a segment that occupies sequence space: new data,
// keep-alive, zero-window probe, retransmission (spurious or fast), or
// out-of-order, and measures how far outside the peer's window it lies.
func (f *flow) sequence(p *packet, d int, seglen uint32) uint16 {
	s, o := &f.side[d], &f.side[1-d]
	var notes uint16
	end := p.seq + seglen
	syn, fin := p.flags&flagSYN != 0, p.flags&flagFIN != 0
	switch {
	case !s.nxtKnown:
		s.nxtKnown, s.nxt = true, end
		s.lastNewSeq, s.lastNewTime = p.seq, p.t
		s.startRTT(end, p.t)
		if p.plen > 0 {
			s.lastDataTime, s.dataBytes = p.t, s.dataBytes+int64(p.plen)
		}
	case seqAfter(end, s.nxt):
		if p.plen > 0 {
			f.newData(p, d, end)
			// New data, not a keep-alive's byte or a retransmission.
			s.lastDataTime, s.dataBytes = p.t, s.dataBytes+int64(p.plen)
		}
		if seqAfter(p.seq, s.nxt) {
			notes |= notePrevLost
		}
		s.nxt = end
		s.lastNewSeq, s.lastNewTime = p.seq, p.t
		s.rtoRun, s.stallRun = 0, 0
		s.startRTT(end, p.t)
	case seglen <= 1 && p.seq == s.nxt-1 && !syn && !fin:
		s.keepAlives++
		notes |= noteKeepAlive
		f.probeAfterGap(d)
	case seglen == 1 && o.lastWin == 0 && o.ackKnown && p.seq == o.ack:
		notes |= noteZeroWindowProbe
	case o.ackKnown && !seqAfter(end, o.ack) && !syn:
		// Everything in it was acknowledged already.
		s.spurious++
		notes |= noteSpurious | noteRetrans
		s.rttValid = false
	case p.t-s.lastTime < 3*int64(time.Millisecond) && p.seq != s.lastSeq && !syn:
		s.ooo++
		notes |= noteOutOfOrder
	default:
		s.retrans++
		notes |= noteRetrans
		s.rttValid = false
		if o.dupRun >= 2 {
			s.fast++
			notes |= noteFastRetrans
		}
		f.retransmission(p, d)
		if mss := f.mssFor(d); mss > 0 && p.plen*10 >= mss*9 {
			s.bigRtx++
			if !s.bigSet {
				s.bigSet, s.bigDF, s.bigSeq, s.bigLen, s.bigFrame, s.bigTime = true, p.df, p.seq, p.plen, p.frame, p.t
			}
		}
	}
	// Outside the window the receiver had advertised: behind what it has
	// acknowledged, or beyond its right edge.
	if o.ackKnown && !syn {
		var behind, ahead int64
		if d := seqDist(o.ack, end); d > 0 {
			behind = d
		}
		if f.scaleKnown() {
			right := o.ack + uint32(o.lastWin)<<uint(o.wscale)
			if d := seqDist(end, right); d > 0 && o.lastWin > 0 {
				ahead = d
			}
		}
		if behind > 0 && behind > o.maxWin || ahead > 0 {
			s.oow++
			notes |= noteOutOfWindow
			s.maxBehind, s.maxAhead = max(s.maxBehind, behind), max(s.maxAhead, ahead)
			f.lastOOWFrame, f.lastBehind, f.lastAhead = p.frame, behind, ahead
		}
	}
	if f.gapOutcome == "" && f.gap >= int64(time.Second) && d == f.gapDir && notes&noteRetrans != 0 {
		f.gapRetrans++
	}
	return notes
}

// mssFor returns the largest segment side d may send: the MSS its peer
// announced in its SYN, or 0 when that SYN was not seen.
func (f *flow) mssFor(d int) int {
	if o := &f.side[1-d]; o.synSeen && o.mss > 0 {
		return int(o.mss)
	}
	return 0
}

// newData measures a segment of new data from side d before the side's
// next sequence number moves past it: a small segment released by the
// peer's delayed ACK (Nagle), and a segment sent into a full receive
// window.
func (f *flow) newData(p *packet, d int, end uint32) {
	s, o := &f.side[d], &f.side[1-d]
	s.maxSeg = max(s.maxSeg, p.plen)
	mss := f.mssFor(d)
	// Nagle: the segment goes out right after the peer's pure ACK of all
	// earlier data, which itself came late: the peer held its ACK.
	if o.pureAckT != 0 && o.pureAck == p.seq && s.nxtKnown && p.seq == s.nxt && s.lastDataTime != 0 &&
		o.pureAckT > s.lastDataTime && (mss == 0 || p.plen+40 < mss) { // smaller than a full segment with options
		rtt := f.hsRTT
		if d != f.client {
			rtt = f.hsAckRTT
		}
		delay := float64(o.pureAckT-s.lastDataTime)/1e9 - rtt
		release := float64(p.t-o.pureAckT) / 1e9
		if delay >= 0.01 && release <= max(0.003, 2*max(f.hsRTT, f.hsAckRTT)) {
			if s.nagle < int32(len(s.nagleD)) {
				s.nagleD[s.nagle] = float32(delay)
			}
			if s.nagle == 0 {
				s.nagleFrame, s.nagleTime = p.frame, p.t
			}
			s.nagle++
		}
	}
	// Receive window: after this segment, not even one more full segment
	// fits in what the peer advertised.
	if o.ackKnown && o.lastWin > 0 && f.side[0].synSeen && f.side[1].synSeen {
		wnd := int64(o.lastWin)
		if f.scaleKnown() {
			wnd <<= uint(o.wscale)
		}
		seg := int64(mss)
		if seg == 0 {
			seg = 536
		}
		if wnd >= seg && seqDist(end, o.ack)+seg > wnd {
			if s.winLim == 0 {
				s.winLimFrame, s.winLimTime = p.frame, p.t
			}
			s.winLim++
			s.winLimWin = max(s.winLimWin, wnd)
		}
	}
}

// probeAfterGap counts a keep-alive from the side that spoke first after
// the flow's longest silence, while nothing has answered it: like a
// retransmission, it is that side asking and getting no reply.
func (f *flow) probeAfterGap(d int) {
	if f.gapOutcome == "" && f.gap >= int64(time.Second) && d == f.gapDir {
		f.gapRetrans++
	}
}

func (s *side) startRTT(end uint32, t int64) {
	if !s.rttValid {
		s.rttEnd, s.rttTime, s.rttValid = end, t, true
	}
}

// retransmission tracks runs of timeouts for one segment: their intervals
// (which double under exponential backoff) and whether the run went
// unanswered long enough to count as a stall.
func (f *flow) retransmission(p *packet, d int) {
	s := &f.side[d]
	if s.rtoRun > 0 && p.seq == s.rtoSeq {
		if s.rtoRun < rtoKeep {
			s.rtoCur[s.rtoRun] = float32(float64(p.t-s.rtoLast) / 1e9)
		}
		s.rtoRun++
	} else {
		s.rtoSeq, s.rtoRun = p.seq, 1
		base := s.lastNewTime
		if p.seq != s.lastNewSeq {
			base = s.lastTime
		}
		s.rtoCur[0] = float32(float64(p.t-base) / 1e9)
	}
	s.rtoLast = p.t
	if s.rtoRun >= s.rtoBestN {
		s.rtoBestN = min(s.rtoRun, rtoKeep)
		s.rtoBest = s.rtoCur
	}
	if p.flags&flagSYN != 0 {
		return // an unanswered handshake is measured as such, not as a data stall
	}
	if s.stallRun == 0 {
		s.stallT0, s.stallF0 = p.t, p.frame
	}
	s.stallRun++
	if s.stallRun >= 2 && !s.stalled {
		s.stalled = true
		if s.nstalls < maxStallRuns {
			s.stalls[s.nstalls] = stallRun{t: s.stallT0, frame: s.stallF0}
		}
		s.nstalls++
	}
}

// recList returns the flow's recorded packets in frame order, once each.
func (f *flow) recList() []rec {
	rs := make([]rec, 0, f.headN+f.marksN+tailRecs)
	rs = append(rs, f.head[:f.headN]...)
	rs = append(rs, f.marks[:f.marksN]...)
	n := min(f.tailN, tailRecs)
	for i := 0; i < n; i++ {
		rs = append(rs, f.tail[(f.tailN-n+i)%tailRecs])
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].frame < rs[j].frame })
	out := rs[:0]
	for i, r := range rs {
		if i == 0 || r.frame != rs[i-1].frame {
			out = append(out, r)
		}
	}
	return out
}

// PacketList returns the flow's kept packets (the first ones, the notable
// ones and the last ones) in frame order, building them on first use: most
// retained flows are never shown, and a compact record is cheaper to keep.
func (f *Flow) PacketList() []Packet {
	if f.Packets != nil || f.recs == nil {
		return f.Packets
	}
	out := make([]Packet, 0, len(f.recs))
	for _, r := range f.recs {
		d := r.side()
		dir := ">"
		if d != f.client {
			dir = "<"
		}
		seq, ack := r.seq, r.ack
		if f.synSeen[d] {
			seq -= f.isn[d]
		}
		if f.synSeen[1-d] && r.flags&flagACK != 0 {
			ack -= f.isn[1-d]
		}
		pk := Packet{Frame: int(r.frame), Time: time.Unix(0, r.time()).UTC(), Dir: dir, Flags: flagString(r.flags),
			Seq: seq, Ack: ack, Len: int(r.plen), Win: int(r.win), N: int(r.n)}
		if r.dir&recTS != 0 {
			pk.TSval = r.tsval
		}
		for b := 0; b < len(noteNames); b++ {
			if r.notes&(1<<b) != 0 {
				pk.Notes = append(pk.Notes, noteNames[b])
			}
		}
		out = append(out, pk)
	}
	f.Packets, f.Omitted = out, f.Total-len(out)
	return out
}

func flagString(fl uint8) string {
	names := [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}
	// Conventional order: SYN, FIN, RST, PSH, ACK, URG, ECE, CWR.
	order := [...]int{1, 0, 2, 3, 4, 5, 6, 7}
	s := ""
	for _, i := range order {
		if fl&(1<<i) != 0 {
			if s != "" {
				s += ","
			}
			s += names[i]
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
