package pcap

import (
	"github.com/nettriage/nettriage/analyzer/schema"

	"encoding/binary"
	"math"
	"net/netip"
	"sort"
	"time"
)

// Limits on what one analysis keeps, so memory follows the number of
// concurrent flows and never the number of packets.
const (
	defaultMaxFlows = 32768 // flows tracked at once
	maxRetained     = 5000  // unusual flows kept with their packet lists
	maxEvents       = 20000 // events of each kind (unanswered SYNs, stalls, ...)
	maxNAT          = 1024
	maxPairs        = 65536
	copySlots       = 1 << 14
	maxInterfaces   = 4096 // distinct interfaces counted (a hostile file can name millions)
)

// aliasRef sends packets of a translated 4-tuple to the flow whose copies
// revealed the translation.
type aliasRef struct {
	flow int32
	id   int
	src  [16]byte // the translated tuple's endpoint that maps to side d of the flow
	port uint16
	d    int
}

// portKey indexes live flows by one endpoint and the peer's port (0 for
// "any peer port"), to find the flow an un-NATed twin continues.
type portKey struct {
	addr        [16]byte
	port, rport uint16
}

// pairTS is the latest timestamp a client address sent a server, as the
// server's kernel keeps it for PAWS, and the packet that carried it, so a
// SYN found below it can show what it was compared with.
type pairTS struct {
	t     int64 // when it was remembered: the SYN-ACK, or the close
	at    int64 // when the packet carrying ts was sent
	id    int   // that packet's flow, and the flow's tracker slot
	idx   int32
	frame uint32
	ts    uint32
	port  uint16 // the client's port in that flow
}

// regressedSYN is a flow's first SYN whose TSval regressed, and what it
// was compared with.
type regressedSYN struct {
	prev  pairTS
	syn   int    // the SYN's frame
	ts    uint32 // its TSval
	synAt int64  // when it was sent
}

// flowRef names a flow by tracker slot and ID, as a slot is reused.
type flowRef struct {
	idx int32
	id  int
}

type natEntry struct {
	after   dirKey
	v6      bool
	packets int
	frame   int
}

// tracker is the state of one streaming analysis.
type tracker struct {
	c        *Capture
	maxFlows int

	chunks [][]flow // flow storage in fixed chunks: growing never copies a flow
	nflows int32
	free   []int32
	closed []closedRef      // flows in the order they closed, to retire them
	recent map[uint64]int64 // retired closed flows: when they closed, to see a port reused
	index  map[uint64]int32 // flow key hash -> first flow of its chain
	live   int              // flows tracked
	alias  map[flowKey]aliasRef
	ports  map[uint64]int32 // portKey hash -> flow
	ids    int

	pairs   map[SourcePair]pairTS // last timestamp seen from a client to a server, for PAWS
	copies  []copyEntry
	nat     map[dirKey]*natEntry
	natDirs map[dirKey]uint8 // 1: originals were translated; 2: seen only as translated copies
	ifaces  map[int64]bool

	// PAWS comparisons of live flows, until they finalize: a regressed
	// SYN's, by its flow's ID; and by an earlier connection's ID, the flow
	// whose SYN was compared with it, to keep that connection when the SYN
	// went unanswered.
	regressed map[int]regressedSYN
	awaited   map[int]flowRef

	hangs     []Hang
	dns       dnsState
	hostTTL   map[netip.Addr]uint8 // TTL of each server's SYN-ACKs: its own stack
	udp       map[uint64]int64     // UDP flows seen: key hash -> last packet
	others    [64]otherSeen        // recent DNS messages and ICMP errors, to recognise copies
	otherN    int
	lastT     int64
	lastIface int64
	lastFlag  int // last frame reported as untranslated, to report a packet once
	scratch   []evictRef
}

func newTracker(c *Capture, maxFlows int) *tracker {
	if maxFlows <= 0 {
		maxFlows = defaultMaxFlows
	}
	return &tracker{c: c, maxFlows: maxFlows, index: map[uint64]int32{}, alias: map[flowKey]aliasRef{},
		ports: map[uint64]int32{}, recent: map[uint64]int64{}, pairs: map[SourcePair]pairTS{},
		regressed: map[int]regressedSYN{}, awaited: map[int]flowRef{},
		nat: map[dirKey]*natEntry{}, natDirs: map[dirKey]uint8{}, ifaces: map[int64]bool{},
		hostTTL: map[netip.Addr]uint8{}, udp: map[uint64]int64{}}
}

// packet processes one decoded packet.
func (t *tracker) packet(p *packet) {
	if p.proto != protoTCP {
		t.other(p)
		return
	}
	if t.tcp(p) && p.ext != nil && p.ext.isDNS {
		t.dnsPacket(p)
	}
}

// other processes a UDP or ICMP packet.
func (t *tracker) other(p *packet) {
	t.lastT = max(t.lastT, p.t)
	switch p.proto {
	case protoUDP:
		key, _ := keyOf(p)
		h := hashKey(&key)
		if _, ok := t.udp[h]; !ok {
			t.c.UDPFlows++
			if len(t.udp) >= t.maxFlows*2 {
				for k, last := range t.udp {
					if p.t-last > 60*int64(time.Second) {
						delete(t.udp, k)
					}
				}
				if len(t.udp) >= t.maxFlows*2 {
					clear(t.udp)
				}
			}
		}
		t.udp[h] = p.t
		if p.ext != nil && p.ext.isDNS && !t.otherCopy(p) {
			t.dnsPacket(p)
		}
	case protoICMP, protoICMPv6:
		if p.ext != nil && p.ext.isICMP && !t.otherCopy(p) {
			t.icmpPacket(p)
		}
	}
}

// tcp processes one decoded TCP segment; it reports false for a copy of
// a segment already seen on another interface.
func (t *tracker) tcp(p *packet) bool {
	t.lastT = max(t.lastT, p.t)
	if (p.iface != t.lastIface || len(t.ifaces) == 0) && len(t.ifaces) < maxInterfaces {
		t.ifaces[p.iface], t.lastIface = true, p.iface
	}
	if len(t.closed) > 0 && p.t-t.closed[0].at >= closeLinger {
		t.retire(p.t)
	}
	if t.copies != nil {
		if e := t.copyOf(p); e != nil {
			t.sawCopy(p, e)
			return false
		}
	}
	key, d := keyOf(p)
	idx, ok := t.lookup(key)
	if ok && p.flags&(flagSYN|flagACK) == flagSYN {
		f := t.fl(idx)
		if s := &f.side[d]; s.synSeen && p.seq != s.isn && (f.closed != 0 || f.synack) {
			t.finalize(idx)
			idx = t.newFlow(key, p)
			t.fl(idx).reused = true
			t.step(idx, p, d, notePortReuse)
			return true
		}
	}
	var extra uint16
	if !ok {
		if a, found := t.alias[key]; found && t.fl(a.flow).live && t.fl(a.flow).id == a.id {
			idx, ok = a.flow, true
			d = a.d
			if p.src != a.src || p.sport != a.port {
				d = 1 - a.d
			}
			if t.natDirs[dirOf(p)]&2 != 0 {
				extra |= noteUntranslated
				t.untranslated(p, idx, false)
			}
		}
	}
	if !ok {
		tw, isTwin := t.twinCheck(p)
		idx = t.newFlow(key, p)
		if closedAt, seen := t.recent[hashKey(&key)]; seen && p.flags&(flagSYN|flagACK) == flagSYN {
			delete(t.recent, hashKey(&key))
			if p.t-closedAt < portReuseWindow {
				t.fl(idx).reused = true
				extra |= notePortReuse
			}
		}
		if isTwin {
			f := t.fl(idx)
			f.twinOf, tw.TwinFlow = tw.Flow, f.id
			if len(t.c.Twins) < maxEvents {
				t.c.Twins = append(t.c.Twins, tw)
			}
		}
	}
	t.step(idx, p, d, extra)
	return true
}

// step runs the TCP analysis of one packet on flow idx (side d sent it).
func (t *tracker) step(idx int32, p *packet, d int, extra uint16) {
	f := t.fl(idx)
	wasClosed := f.closed
	notes := f.track(p, d) | extra
	if f.packets == 0 {
		f.first, f.firstFrame = p.t, p.frame
	}
	f.packets++
	f.last, f.lastFrame = p.t, p.frame
	if f.twinOf != 0 {
		notes |= noteTwin
	}
	f.record(p, d, notes)
	t.storeCopy(p, idx)

	// PAWS: remember the client's latest timestamp when its connection is
	// answered and when it closes (the kernel keeps it per peer address
	// from TIME-WAIT), and compare a new SYN's TSval with it.
	if p.flags&flagSYN != 0 && p.flags&flagACK == 0 && p.hasTS && f.side[d].syns == 1 {
		pair := SourcePair{toAddr(p.src, p.v6), toAddr(p.dst, p.v6)}
		if prev, ok := t.pairs[pair]; ok && seqAfter(prev.ts, p.tsval) {
			f.tsRegress = true
			t.regressed[f.id] = regressedSYN{prev: prev, syn: p.frame, ts: p.tsval, synAt: p.t}
			// The earlier connection is half of the proof, when the SYN
			// goes unanswered: that is known when it finalizes (a
			// finalized one was kept or not already).
			if pf := t.fl(prev.idx); prev.id != f.id && pf.live && pf.id == prev.id {
				if r, ok := t.awaited[prev.id]; !ok || !t.fl(r.idx).pawsHit(r.id) {
					t.awaited[prev.id] = flowRef{idx, f.id}
				}
			}
		}
	}
	if wasClosed == 0 && f.closed != 0 {
		t.closed = append(t.closed, closedRef{idx, f.id, p.t})
	}
	// Until the connection is gone, each client packet after the close
	// (its FIN, its last ACK) moves the timestamp the server keeps: it
	// stores the last one it received when its socket enters TIME-WAIT.
	if f.closed != 0 && f.client >= 0 && (wasClosed == 0 || (d == f.client && p.hasTS)) {
		if c := &f.side[f.client]; c.hasTS {
			t.rememberTS(SourcePair{toAddr(addrOf(f, f.client), f.v6), toAddr(addrOf(f, 1-f.client), f.v6)}, f.clientTS(idx), p.t)
		}
	}
	if p.flags&(flagSYN|flagACK) == flagSYN|flagACK && f.side[d].syns == 1 && f.client >= 0 {
		pair := SourcePair{toAddr(addrOf(f, f.client), f.v6), toAddr(addrOf(f, 1-f.client), f.v6)}
		if t.c.Answered == nil {
			t.c.Answered = map[SourcePair]int{}
		}
		if len(t.hostTTL) < maxPairs {
			t.hostTTL[toAddr(p.src, p.v6)] = p.ttl
		}
		if len(t.c.Answered) < maxPairs {
			t.c.Answered[pair]++
		}
		if c := &f.side[f.client]; c.hasTS {
			t.rememberTS(pair, f.clientTS(idx), p.t)
		}
	}
}

func addrOf(f *flow, i int) [16]byte {
	if i == 0 {
		return f.key.a
	}
	return f.key.b
}

// clientTS returns the client's latest timestamp in flow f (tracker slot
// idx) and the packet that carried it, to remember for PAWS.
func (f *flow) clientTS(idx int32) pairTS {
	c := &f.side[f.client]
	return pairTS{at: c.lastTSTime, id: f.id, idx: idx, frame: uint32(c.lastTSFrame), ts: c.lastTS, port: f.addr(f.client).Port()}
}

// rememberTS keeps ts as the pair's latest timestamp at now.
func (t *tracker) rememberTS(pair SourcePair, ts pairTS, now int64) {
	if len(t.pairs) >= maxPairs {
		for k, v := range t.pairs {
			if now-v.t > 60*int64(time.Second) {
				delete(t.pairs, k)
			}
		}
		if len(t.pairs) >= maxPairs {
			clear(t.pairs)
		}
	}
	if prev, ok := t.pairs[pair]; !ok || now >= prev.t {
		ts.t = now
		t.pairs[pair] = ts
	}
}

const chunkFlows = 1024

func (t *tracker) fl(i int32) *flow { return &t.chunks[i/chunkFlows][i%chunkFlows] }

// closedRef is a flow that closed (FIN or RST) at a time.
type closedRef struct {
	idx int32
	id  int
	at  int64 // when it closed; retire checks the flow's last packet
}

// closeLinger is how long a closed flow stays tracked, for late
// retransmissions and ACKs; after it, the flow is retired and only its
// close time is kept, for portReuseWindow, to recognise a reused port.
const (
	closeLinger     = 2 * int64(time.Second)
	portReuseWindow = 60 * int64(time.Second) // TIME-WAIT on Linux
)

// retire finalizes flows that closed more than closeLinger ago, and
// forgets retired ones older than portReuseWindow.
func (t *tracker) retire(now int64) {
	for len(t.closed) > 0 {
		r := t.closed[0]
		f := t.fl(r.idx)
		if f.live && f.id == r.id {
			if now-f.last < closeLinger {
				// Still talking after the close: look again later.
				t.closed = append(t.closed[1:], closedRef{r.idx, r.id, f.last})
				break
			}
			if len(t.recent) < t.maxFlows*2 {
				t.recent[hashKey(&f.key)] = f.last
			}
			t.finalize(r.idx)
		}
		t.closed = t.closed[1:]
	}
	if len(t.closed) == 0 && cap(t.closed) > 4096 {
		t.closed = nil // let the backing array go
	}
	if len(t.recent) >= t.maxFlows*2 {
		for k, at := range t.recent {
			if now-at > portReuseWindow {
				delete(t.recent, k)
			}
		}
	}
}

// newFlow starts tracking a connection, evicting idle flows when the table
// is full.
func (t *tracker) newFlow(key flowKey, p *packet) int32 {
	if t.live >= t.maxFlows {
		t.evict()
	}
	var idx int32
	if n := len(t.free); n > 0 {
		idx = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if int(t.nflows)/chunkFlows == len(t.chunks) {
			t.chunks = append(t.chunks, make([]flow, chunkFlows))
		}
		idx = t.nflows
		t.nflows++
	}
	t.ids++
	t.c.FlowCount++
	f := t.fl(idx)
	*f = flow{key: key, v6: p.v6, live: true, id: t.ids, client: -1}
	f.side[0].wscale, f.side[1].wscale = -1, -1
	t.link(idx)
	for _, k := range [...]portKey{{key.a, key.pa, key.pb}, {key.b, key.pb, key.pa}, {key.a, key.pa, 0}, {key.b, key.pb, 0}} {
		// The first live flow keeps an endpoint, so a twin does not hide
		// the flow it continues.
		if old, taken := t.ports[k.hash()]; !taken || !t.fl(old).live {
			t.ports[k.hash()] = idx
		}
	}
	return idx
}

// evict frees a quarter of the table: closed flows first, then the ones
// idle longest (ties by ID, so the result does not depend on map order).
// Evicting an open flow is counted, because a later packet of it will look
// like a new flow.
func (t *tracker) evict() {
	t.scratch = t.scratch[:0]
	for i := int32(0); i < t.nflows; i++ {
		if f := t.fl(i); f.live {
			t.scratch = append(t.scratch, evictRef{closed: f.closed != 0, last: f.last, id: f.id, idx: i})
		}
	}
	sort.Slice(t.scratch, func(i, j int) bool {
		a, b := &t.scratch[i], &t.scratch[j]
		if a.closed != b.closed {
			return a.closed
		}
		if a.last != b.last {
			return a.last < b.last
		}
		return a.id < b.id
	})
	for _, r := range t.scratch[:min(t.maxFlows/4, len(t.scratch))] {
		if !r.closed {
			t.c.EvictedFlows++
		}
		t.finalize(r.idx)
	}
}

// evictRef is a flow considered for eviction.
type evictRef struct {
	closed bool
	last   int64
	id     int
	idx    int32
}

// The flow index maps a 64-bit hash of the key to a chain of flows (almost
// always one): a map with a uint64 key takes Go's fast path, which a
// 36-byte key does not, and this lookup runs for every packet.

func hashKey(k *flowKey) uint64 {
	return mixWords(binary.LittleEndian.Uint64(k.a[:8]), binary.LittleEndian.Uint64(k.a[8:]),
		binary.LittleEndian.Uint64(k.b[:8]), binary.LittleEndian.Uint64(k.b[8:]), uint64(k.pa)<<16|uint64(k.pb))
}

func (k portKey) hash() uint64 {
	return mixWords(binary.LittleEndian.Uint64(k.addr[:8]), binary.LittleEndian.Uint64(k.addr[8:]),
		uint64(k.port)<<16|uint64(k.rport)|1<<40)
}

// mixWords hashes words one at a time, each through a multiply and a
// shift; no two fields share bits before mixing, so none cancels another.
func mixWords(ws ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, w := range ws {
		h = (h ^ w) * 0x9e3779b97f4a7c15
		h ^= h >> 32
	}
	return h
}

func (t *tracker) lookup(k flowKey) (int32, bool) {
	i, ok := t.index[hashKey(&k)]
	for ok {
		f := t.fl(i)
		if f.key == k {
			return i, true
		}
		i, ok = f.chain, f.chain >= 0
	}
	return 0, false
}

func (t *tracker) link(idx int32) {
	f := t.fl(idx)
	h := hashKey(&f.key)
	f.chain = -1
	if head, ok := t.index[h]; ok {
		f.chain = head
	}
	t.index[h] = idx
	t.live++
}

func (t *tracker) unlink(idx int32) {
	f := t.fl(idx)
	h := hashKey(&f.key)
	t.live--
	head := t.index[h]
	if head == idx {
		if f.chain >= 0 {
			t.index[h] = f.chain
		} else {
			delete(t.index, h)
		}
		return
	}
	for p := t.fl(head); p.chain >= 0; p = t.fl(p.chain) {
		if p.chain == idx {
			p.chain = f.chain
			return
		}
	}
}

// liveFlows returns the indexes of the tracked flows, in ID order.
func (t *tracker) liveFlows() []int32 {
	live := make([]int32, 0, t.live)
	for i := int32(0); i < t.nflows; i++ {
		if t.fl(i).live {
			live = append(live, i)
		}
	}
	sort.Slice(live, func(i, j int) bool { return t.fl(live[i]).id < t.fl(live[j]).id })
	return live
}

// twinCheck looks at the first packet of a new flow: if another live flow
// has the same port pair on one endpoint, a different peer address, and
// this packet continues its sequence space, the packet is that flow's
// un-NATed twin.
func (t *tracker) twinCheck(p *packet) (tw Twin, found bool) {
	if p.flags&flagSYN != 0 {
		return tw, false
	}
	try := func(local [16]byte, lport, rport uint16, toLocal bool) bool {
		fi, ok := t.ports[portKey{local, lport, rport}.hash()]
		if !ok {
			return false
		}
		f := t.fl(fi)
		if !f.live || f.twinOf != 0 {
			return false
		}
		ls := 0
		switch {
		case f.key.a == local && f.key.pa == lport:
		case f.key.b == local && f.key.pb == lport:
			ls = 1
		default:
			return false // a hash collision
		}
		a, b := &f.side[ls], &f.side[1-ls]
		peer := addrOf(f, 1-ls)
		remote := p.src
		if !toLocal {
			remote = p.dst
		}
		if remote == peer || !a.nxtKnown || !b.nxtKnown {
			return false
		}
		const near = 1 << 26 // 64 MB: far beyond any window, a tiny slice of the 4 GB space
		var behind, ahead int64
		if toLocal {
			// From the peer's real address: its seq must be in b's space
			// and its ACK in a's.
			if abs(seqDist(p.seq, b.nxt)) > near {
				return false
			}
			if p.flags&flagACK != 0 && (seqAfter(p.ack, a.nxt+1) || seqDist(a.nxt, p.ack) > near) {
				return false
			}
			end := p.seq + uint32(p.plen)
			if p.flags&flagFIN != 0 {
				end++
			}
			if a.ackKnown {
				if d := seqDist(a.ack, end); d > 0 {
					behind = d
				}
				if f.scaleKnown() && a.lastWin > 0 {
					if d := seqDist(end, a.ack+uint32(a.lastWin)<<uint(a.wscale)); d > 0 {
						ahead = d
					}
				}
			}
		} else if abs(seqDist(p.seq, a.nxt)) > near {
			return false // from the local endpoint: its seq must be in a's space
		}
		f.notable = true
		tw = Twin{Flow: f.id, Frame: p.frame, Time: time.Unix(0, p.t).UTC(),
			From: addrPort(p.src, p.sport, p.v6), To: addrPort(p.dst, p.dport, p.v6), Peer: f.addr(1 - ls),
			PortsMatch: rport != 0, Behind: behind, Ahead: ahead, Window: a.maxWin}
		return true
	}
	for _, rp := range [2]uint16{p.sport, 0} {
		if try(p.dst, p.dport, rp, true) {
			return tw, true
		}
	}
	for _, rp := range [2]uint16{p.dport, 0} {
		if try(p.src, p.sport, rp, false) {
			return tw, true
		}
	}
	return tw, false
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// finalize stops tracking a flow and keeps what the measurements need.
func (t *tracker) finalize(idx int32) {
	f := t.fl(idx)
	if !f.live {
		return
	}
	f.live = false
	t.unlink(idx)
	for _, k := range [...]portKey{{f.key.a, f.key.pa, f.key.pb}, {f.key.b, f.key.pb, f.key.pa}, {f.key.a, f.key.pa, 0}, {f.key.b, f.key.pb, 0}} {
		if old, ok := t.ports[k.hash()]; ok && old == idx {
			delete(t.ports, k.hash())
		}
	}
	t.free = append(t.free, idx)
	t.events(f)
}

// events turns a finished flow into measurements, and keeps the flow
// itself when anything in it was unusual.
func (t *tracker) events(f *flow) {
	ci := f.clientSide()
	c, s := &f.side[ci], &f.side[1-ci]
	client, server := f.addr(ci), f.addr(1-ci)
	at := func(ns int64) time.Time { return time.Unix(0, ns).UTC() }
	interesting := f.notable || f.twinOf != 0 || f.reused || f.closed == 2 || f.gap >= int64(10*time.Second)
	t.expert(f, c, s, client, server)
	reg, regressed := t.regressed[f.id]
	if regressed {
		delete(t.regressed, f.id)
	}
	if r, ok := t.awaited[f.id]; ok {
		delete(t.awaited, f.id)
		if t.fl(r.idx).pawsHit(r.id) {
			interesting = true // an unanswered SYN was compared with this connection
		}
	}

	if f.clientKnown() && c.syns > 0 && !f.synack && len(t.c.UnansweredSYNs) < maxEvents {
		interesting = true
		u := UnansweredSYN{Flow: f.id, Client: client, Server: server, Frame: f.firstFrame, LastFrame: f.lastFrame,
			Time: at(f.first), Retrans: int(c.syns - 1), RTO: rtoList(c), HasTS: c.hasTS, TSval: c.lastTS,
			Regressed: f.tsRegress}
		if f.tsRegress {
			u.TSBehind, u.TSAge, u.Prev = reg.prev.ts-reg.ts, seconds(reg.synAt-reg.prev.t), reg.compared()
		}
		t.c.UnansweredSYNs = append(t.c.UnansweredSYNs, u)
		if c.syns > 1 && len(t.c.Stalls) < maxEvents {
			t.c.Stalls = append(t.c.Stalls, Stall{Flow: f.id, Server: server, Client: client, Time: at(f.first),
				Frame: f.firstFrame, Kind: "syn", Retrans: int(c.syns - 1), PAWS: f.tsRegress})
		}
	}
	if f.clientKnown() && c.syns > 1 && f.synack && len(t.c.SlowHandshakes) < maxEvents {
		interesting = true
		t.c.SlowHandshakes = append(t.c.SlowHandshakes, UnansweredSYN{Flow: f.id, Client: client, Server: server,
			Frame: f.firstFrame, Time: at(f.first), Retrans: int(c.syns - 1), RTO: rtoList(c), HasTS: c.hasTS})
	}
	for i := range f.side {
		sd := &f.side[i]
		for _, r := range sd.stalls[:min(sd.nstalls, maxStallRuns)] {
			interesting = true
			if len(t.c.Stalls) < maxEvents {
				t.c.Stalls = append(t.c.Stalls, Stall{Flow: f.id, Server: server, Client: client, Time: at(r.t),
					Frame: r.frame, Kind: "data", Retrans: int(sd.retrans), Recovered: r.recovered})
			}
		}
	}
	// A request the server acknowledged in full and never answered.
	if c.dataBytes > 0 && s.dataBytes == 0 && f.closed == 0 && s.fullAckFrame != 0 && s.fullAckTime >= c.lastDataTime &&
		len(t.hangs) < maxEvents {
		interesting = true
		t.hangs = append(t.hangs, Hang{Flow: f.id, Client: client, Server: server, Protocol: sniff(c.first[:max(c.firstLen, 0)]),
			Request: int(c.dataBytes), AckFrame: s.fullAckFrame, AckTime: at(s.fullAckTime), KeepAlives: int(c.keepAlives)})
	}
	if f.gap >= int64(time.Second) && c.packets > 0 && s.packets > 0 && len(t.c.Gaps) < maxEvents {
		out := f.gapOutcome
		if out == "" {
			out = "end"
			if f.gapRetrans > 0 {
				out = "unanswered"
			}
		}
		t.c.Gaps = append(t.c.Gaps, Gap{Flow: f.id, Client: client, Server: server, Seconds: seconds(f.gap),
			Start: at(f.gapStart), FrameBefore: f.gapBefore, FrameAfter: f.gapAfter, KeepAlives: f.gapKA,
			Outcome: out, OutcomeFrame: f.gapOutFrame, FromClient: f.gapDir == ci})
	}
	if t.pathEvents(f, ci) {
		interesting = true
	}
	if !interesting {
		return
	}
	if len(t.c.Flows) >= maxRetained {
		t.c.FlowsLeft++
		return
	}
	hs := "none"
	switch {
	case f.clientKnown() && f.synack && c.ackKnown:
		hs = "complete"
	case f.clientKnown() && f.synack:
		hs = "syn-synack"
	case f.clientKnown():
		hs = "syn"
	}
	out := &Flow{ID: f.id, Client: client, Server: server, ClientKnown: f.clientKnown(),
		Protocol: sniff(c.first[:max(c.firstLen, 0)]), Start: at(f.first), End: at(f.last),
		FirstFrame: f.firstFrame, LastFrame: f.lastFrame, Handshake: hs, HandshakeRTT: f.hsRTT,
		PortReused: f.reused, TwinOf: f.twinOf, MaxGap: seconds(f.gap),
		ClientSide: sideStats(c), ServerSide: sideStats(s), Total: f.packets}
	switch f.closed {
	case 1:
		out.Closed = "fin"
	case 2:
		out.Closed = "rst"
	}
	if regressed && f.pawsHit(f.id) {
		out.Compared = []ComparedPacket{reg.compared()}
	}
	out.recs, out.client = f.recList(), ci
	for i := range f.side {
		out.synSeen[i], out.isn[i] = f.side[i].synSeen, f.side[i].isn
	}
	t.c.Flows = append(t.c.Flows, out)
}

// compared returns the earlier connection's packet that the SYN was
// compared with.
func (r regressedSYN) compared() ComparedPacket {
	p := &r.prev
	return ComparedPacket{Flow: p.id, ClientPort: p.port, Frame: int(p.frame), Time: time.Unix(0, p.at).UTC(),
		TSval: p.ts, With: r.syn}
}

// pawsHit reports whether f is the flow with ID id and its first SYN,
// whose TSval regressed, was not answered at once: what PAWS does to a
// SYN. A regressed SYN that was answered is common behind NAT and
// explains nothing.
func (f *flow) pawsHit(id int) bool {
	return f.id == id && f.tsRegress && f.client >= 0 && (!f.synack || f.side[f.client].syns > 1)
}

// maxConversations is how many of the busiest connections a capture's
// summary names.
const maxConversations = 5

// expert adds a finished flow to the capture's expert-info counts, and to
// its busiest conversations.
func (t *tracker) expert(f *flow, c, s *side, client, server netip.AddrPort) {
	e := &t.c.Expert
	e.Retransmissions += int(c.retrans + c.spurious + s.retrans + s.spurious)
	if c.syns > 1 {
		e.Retransmissions += int(c.syns - 1)
	}
	e.Resets += int(c.rsts + s.rsts)
	e.ZeroWindows += int(c.zeroWins + s.zeroWins)
	if f.clientKnown() && c.syns > 0 && !f.synack {
		e.FailedHandshakes++
	}
	bytes := c.bytes + s.bytes
	top := e.TopConversations
	if len(top) == maxConversations && bytes <= top[len(top)-1].Bytes {
		return
	}
	cv := schema.Conversation{Client: client.String(), Server: server.String(), Packets: int(c.packets + s.packets), Bytes: bytes}
	at := sort.Search(len(top), func(i int) bool { return top[i].Bytes < bytes })
	top = append(top, schema.Conversation{})
	copy(top[at+1:], top[at:])
	top[at] = cv
	if len(top) > maxConversations {
		top = top[:maxConversations]
	}
	e.TopConversations = top
}

// seconds turns nanoseconds into seconds rounded to the microsecond, the
// precision of most captures.
func seconds(ns int64) float64 { return math.Round(float64(ns)/1e3) / 1e6 }

func rtoList(s *side) []float64 {
	out := make([]float64, s.rtoBestN)
	for i := range out {
		out[i] = math.Round(float64(s.rtoBest[i])*1e6) / 1e6
	}
	return out
}

func sideStats(s *side) Side {
	st := Side{Packets: int(s.packets), Bytes: s.bytes, Retrans: int(s.retrans + s.spurious), Spurious: int(s.spurious),
		FastRetrans: int(s.fast), OutOfOrder: int(s.ooo), DupAcks: int(s.dupAcks), ZeroWindows: int(s.zeroWins),
		ZeroWinUntil: s.zeroSince != 0, MaxZeroWin: seconds(s.maxZero), ZeroWinFrame: s.maxZeroFrame, KeepAlives: int(s.keepAlives),
		RSTs: int(s.rsts), AfterRST: int(s.afterRST), FirstRST: s.firstRSTFrame, FINs: int(s.fins), SYNs: int(s.syns), RTO: rtoList(s),
		RTTMin: s.rttMin, RTTSamples: s.rttN, OutOfWindow: int(s.oow), MaxBehind: s.maxBehind, MaxAhead: s.maxAhead,
		MaxWindow: s.maxWin, TSRegress: int(s.tsRegress)}
	if s.rttN > 0 {
		st.RTTAvg = s.rttSum / float64(s.rttN)
	}
	return st
}

// finish finalizes every live flow and completes the measurements that
// depend on the end of the capture.
func (t *tracker) finish() {
	for _, idx := range t.liveFlows() {
		// A zero window still open at the end counts up to the last packet.
		for i := range t.fl(idx).side {
			if s := &t.fl(idx).side[i]; s.zeroSince != 0 {
				s.endZero(t.lastT)
				s.zeroSince = 1 // still zero at the end
			}
		}
		t.finalize(idx)
	}
	c := t.c
	sort.Slice(c.Flows, func(i, j int) bool { return c.Flows[i].ID < c.Flows[j].ID })
	for _, h := range t.hangs {
		h.Wait = c.End.Sub(h.AckTime).Seconds()
		c.Hangs = append(c.Hangs, h)
	}
	for i := range c.Twins {
		tw := &c.Twins[i]
		for _, id := range [2]int{tw.TwinFlow, tw.Flow} {
			if f := c.Flow(id); f != nil {
				for _, sd := range [2]*Side{&f.ClientSide, &f.ServerSide} {
					if sd.FirstRST != 0 && sd.FirstRST >= tw.Frame {
						tw.RSTFrames = append(tw.RSTFrames, sd.FirstRST)
					}
				}
			}
		}
		sort.Ints(tw.RSTFrames)
	}
	sort.Slice(c.Stalls, func(i, j int) bool { return c.Stalls[i].Time.Before(c.Stalls[j].Time) })
	for k, e := range t.nat {
		c.NAT = append(c.NAT, NATMapping{Before: dirString(k, e.v6), After: dirString(e.after, e.v6), Packets: e.packets, Frame: e.frame})
	}
	sort.Slice(c.NAT, func(i, j int) bool { return c.NAT[i].Frame < c.NAT[j].Frame })
	if c.NAT == nil {
		c.NAT = []NATMapping{}
	}
	c.Interfaces = len(t.ifaces)
	t.finishDNS()
	for _, l := range []*[]ICMPMessage{&c.ICMP} {
		if *l == nil {
			*l = []ICMPMessage{}
		}
	}
}

func dirString(k dirKey, v6 bool) string {
	return netip.AddrPortFrom(toAddr(k.src, v6), k.sport).String() + " > " + netip.AddrPortFrom(toAddr(k.dst, v6), k.dport).String()
}
