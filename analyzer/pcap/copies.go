package pcap

import "time"

// `tcpdump -i any` sees a forwarded or NATed packet once per interface:
// before and after NAT, on the veth and on the uplink. Such copies share
// everything NAT leaves alone (IP ID, sequence and acknowledgement numbers,
// flags, window, timestamp option, payload length) and differ in interface
// or addresses. They are neither retransmissions nor un-NATed twins; when
// the addresses differ, the pair is the NAT mapping itself.

// copyEntry remembers the last packet that hashed to one slot of a direct
// mapped cache: bounded, allocation-free, and good enough because copies
// follow their original within microseconds.
type copyEntry struct {
	used  bool
	v6    bool
	hasTS bool
	wsc   int8 // window scale option (SYNs), -1 when absent
	flags uint8
	ipid  uint16
	win   uint16
	plen  int
	seq   uint32
	ack   uint32
	ts    uint32
	t     int64
	iface int64
	dir   dirKey
	frame int
	flow  int32
	id    int
}

func copyHash(p *packet) uint32 {
	h := p.seq*2654435761 ^ p.ack*2246822519 ^ uint32(p.ipid)*3266489917 ^ uint32(p.plen)*668265263 ^ uint32(p.flags)<<24 ^ p.tsval
	return (h ^ h>>16) & (copySlots - 1)
}

// copyWindow is how far apart two copies may be. With an IP ID or a
// timestamp option a retransmission never matches, so a generous window
// is safe; without either (IPv6 without timestamps) it must stay below the
// minimum retransmission timeout.
func copyWindow(p *packet) int64 {
	if p.hasTS || (!p.v6 && p.ipid != 0) {
		return int64(time.Second)
	}
	return 5 * int64(time.Millisecond)
}

// watchCopies turns copy detection on. It is on for captures that can see
// one packet on several interfaces: Linux cooked captures (`tcpdump -i
// any`) and pcapng files with more than one interface. A single-interface
// Ethernet capture sees each packet once, and skips the cost.
func (t *tracker) watchCopies() {
	if t.copies == nil {
		t.copies = make([]copyEntry, copySlots)
	}
}

// copyOf returns the earlier packet p is a copy of, or nil.
func (t *tracker) copyOf(p *packet) *copyEntry {
	e := &t.copies[copyHash(p)]
	if !e.used || e.seq != p.seq || e.ack != p.ack || e.flags != p.flags || e.plen != p.plen || e.win != p.win ||
		e.ipid != p.ipid || e.hasTS != p.hasTS || (p.hasTS && e.ts != p.tsval) || e.v6 != p.v6 ||
		p.t-e.t > copyWindow(p) || p.t < e.t {
		return nil
	}
	if e.iface == p.iface && e.dir == dirOf(p) {
		return nil // same packet on the same interface: a duplicate, not a copy
	}
	return e
}

func (t *tracker) storeCopy(p *packet, idx int32) {
	if t.copies == nil {
		return
	}
	e := &t.copies[copyHash(p)]
	*e = copyEntry{used: true, v6: p.v6, hasTS: p.hasTS, wsc: p.wscale, flags: p.flags, ipid: p.ipid, win: p.win, plen: p.plen,
		seq: p.seq, ack: p.ack, ts: p.tsval, t: p.t, iface: p.iface, dir: dirOf(p), frame: p.frame,
		flow: idx, id: t.fl(idx).id}
}

// sawCopy accounts for a copy: a translated one teaches the NAT mapping
// and routes later packets of the translated tuple to the original flow;
// an untranslated copy on a path where NAT normally happens is a packet
// that skipped NAT.
func (t *tracker) sawCopy(p *packet, e *copyEntry) {
	t.c.Copies++
	dir := dirOf(p)
	f := t.fl(e.flow)
	if !f.live || f.id != e.id {
		return
	}
	f.copies++
	if p.flags&flagSYN != 0 && p.wscale != e.wsc {
		f.scaleStripped = true // one interface saw the option, the other did not
	}
	if dir == e.dir {
		if t.natDirs[dir] != 0 && e.frame != t.lastFlag {
			t.untranslated(p, e.flow, true)
		}
		return
	}
	if len(t.natDirs) < maxPairs {
		t.natDirs[e.dir] |= 1
		t.natDirs[dir] |= 2
	}
	if n := t.nat[e.dir]; n != nil {
		n.packets++
	} else if len(t.nat) < maxNAT {
		t.nat[e.dir] = &natEntry{after: dir, v6: p.v6, packets: 1, frame: e.frame}
	}
	key, _ := keyOf(p)
	if _, own := t.lookup(key); !own {
		if _, known := t.alias[key]; !known && len(t.alias) < t.maxFlows {
			d := 0
			if e.dir.src != f.key.a || e.dir.sport != f.key.pa {
				d = 1
			}
			t.alias[key] = aliasRef{flow: e.flow, id: e.id, src: p.src, port: p.sport, d: d}
		}
	}
}

// untranslated records a packet that kept an address NAT should have
// rewritten, as a twin of the flow it belongs to.
func (t *tracker) untranslated(p *packet, idx int32, isCopy bool) {
	f := t.fl(idx)
	t.lastFlag = p.frame
	if isCopy {
		t.lastFlag = t.copies[copyHash(p)].frame
	}
	f.notable = true
	if len(t.c.Twins) >= maxEvents {
		return
	}
	from := addrPort(p.src, p.sport, p.v6)
	to := addrPort(p.dst, p.dport, p.v6)
	tw := Twin{Flow: f.id, Frame: p.frame, Time: time.Unix(0, p.t).UTC(), From: from, To: to, PortsMatch: true,
		Untranslated: true}
	if f.lastOOWFrame == t.lastFlag || f.lastOOWFrame == p.frame {
		tw.Behind, tw.Ahead = f.lastBehind, f.lastAhead
	}
	// The peer is the flow's endpoint the packet should have carried.
	ci := f.clientSide()
	tw.Peer = f.addr(1 - ci)
	t.c.Twins = append(t.c.Twins, tw)
}
