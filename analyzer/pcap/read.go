package pcap

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Options tune one analysis.
type Options struct {
	Name     string // artifact name, for the summary
	MaxFlows int    // flows tracked at once; 0 means 65536
	// Progress, when set, is called every few thousand packets with the
	// number of (compressed) bytes read so far.
	Progress func(bytesRead int64)
}

// Handing a batch over wakes the other goroutine, which costs far more
// than a packet; batches of a thousand packets keep that cost out of the
// per-packet time (256 measured 60% slower). Sixteen of them (3 MB) let
// either stage run ahead through a burst. In WebAssembly the two stages
// take turns on one thread, so the reader always fills every batch before
// the analysis runs: there two are enough, and sixteen only spill the
// cache (measured in V8 on 200k packets: 319 ms with two, 367 ms with
// sixteen; natively two cost 40 %).
const (
	batchSize = 1024
	batches   = 16
	// batchesWasm is batches for GOARCH=wasm.
	batchesWasm = 2
)

// batch carries decoded packets from the reading goroutine to the analysis.
type batch struct {
	pkts   [batchSize]packet
	n      int
	copies bool // a frame came from a capture that can see copies
}

// packetReader is what the pcap and pcapng readers have in common (the
// interface of pcapgo's readers).
type packetReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// IsCapture reports whether b starts like a pcap or pcapng file.
func IsCapture(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch [4]byte(b[:4]) {
	case [4]byte{0xa1, 0xb2, 0xc3, 0xd4}, [4]byte{0xd4, 0xc3, 0xb2, 0xa1},
		[4]byte{0xa1, 0xb2, 0x3c, 0x4d}, [4]byte{0x4d, 0x3c, 0xb2, 0xa1},
		[4]byte{0x0a, 0x0d, 0x0d, 0x0a}:
		return true
	}
	return false
}

// Analyze reads a capture from r in one pass and returns its summary and
// measurements. A capture that ends inside a packet, or that stops
// decoding, returns what was read so far together with an error saying
// where it stopped. Input that is not a capture returns only an error.
func Analyze(r io.Reader, opt Options) (*Capture, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 256<<10)
	head, _ := br.Peek(4)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %v", err)
		}
		br = bufio.NewReaderSize(zr, 256<<10)
		head, _ = br.Peek(4)
	}
	if !IsCapture(head) {
		return nil, errors.New("not a pcap or pcapng capture (unknown magic number)")
	}
	c := &Capture{Artifact: opt.Name, Drops: -1, LinkTypes: []string{}}
	drops := map[int64]uint64{}
	var statsEnd int64
	var src packetReader
	var fixedLink layers.LinkType // pcap: one link type for the file
	mixed := false                // pcapng: per interface, in AncillaryData
	var ng *ngReader
	if head[0] == 0x0a {
		var err error
		if ng, err = newNgReader(br); err != nil {
			return nil, fmt.Errorf("pcapng: %v", err)
		}
		src, mixed, fixedLink = ng, true, layers.LinkTypeEthernet
	} else {
		pr, err := newPcapReader(br)
		if err != nil {
			return nil, fmt.Errorf("pcap: %v", err)
		}
		src, fixedLink = pr, pr.link
	}

	// Two stages on two goroutines: reading and decoding fill batches of
	// packets, the TCP analysis consumes them in order. Up to `batches`
	// batches circulate, made only when the reader runs ahead (a small
	// capture needs one), so nothing is allocated per packet or per batch.
	tr := newTracker(c, opt.MaxFlows)
	circulating := batches
	if runtime.GOARCH == "wasm" {
		circulating = batchesWasm
	}
	full, empty := make(chan *batch, circulating), make(chan *batch, circulating)
	made := 0
	next := func() *batch {
		var b *batch
		select {
		case b = <-empty:
		default:
			if made < circulating {
				made++
				b = new(batch)
			} else {
				b = <-empty
			}
		}
		b.n, b.copies = 0, false
		return b
	}
	links := map[layers.LinkType]bool{}
	var lastLink layers.LinkType
	undecodable := map[layers.LinkType]int{}
	var readErr error
	var first, last, prev int64
	go func() {
		defer close(full)
		dec := newDecoder()
		b := next()
		for {
			data, ci, err := src.ZeroCopyReadPacketData()
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				break
			}
			c.Packets++
			c.Bytes += int64(ci.Length)
			if ci.CaptureLength < ci.Length {
				c.SnapTrimmed++
			}
			ts := ci.Timestamp.UnixNano()
			if c.Packets == 1 || ts < first {
				first = ts
			}
			if ts < prev {
				c.OutOfOrder++
			}
			prev, last = ts, max(last, ts)
			lt := fixedLink
			if mixed && len(ci.AncillaryData) > 0 {
				if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
					lt = l
				}
				b.copies = b.copies || ci.InterfaceIndex > 0
			}
			b.copies = b.copies || lt == layers.LinkTypeLinuxSLL || lt == layers.LinkTypeLinuxSLL2
			if lt != lastLink || len(links) == 0 {
				links[lt], lastLink = true, lt
			}
			p := &b.pkts[b.n]
			p.frame, p.t, p.iface = c.Packets, ts, int64(ci.InterfaceIndex)<<32
			if !dec.decode(lt, data, p) {
				if _, ok := firstLayer(lt, data); !ok {
					undecodable[lt]++
				}
				continue
			}
			// The reader reuses its buffer: keep the first payload bytes.
			p.payload = p.head[:copy(p.head[:], p.payload)]
			switch p.proto {
			case protoTCP:
				c.TCPPackets++
			case protoUDP:
				c.UDPPackets++
			default:
				c.ICMPPackets++
			}
			if p.ext != nil && p.ext.isDNS {
				c.DNSMessages++
			}
			if b.n++; b.n == batchSize {
				full <- b
				b = next()
			}
			if opt.Progress != nil && c.Packets%8192 == 0 {
				opt.Progress(cr.n)
			}
		}
		if b.n > 0 {
			full <- b
		}
	}()
	for b := range full {
		if b.copies {
			tr.watchCopies()
		}
		for i := range b.n {
			tr.packet(&b.pkts[i])
		}
		empty <- b
	}
	tr.lastT = max(tr.lastT, last)
	if ng != nil {
		drops, statsEnd = ng.drops, ng.statsEnd
	}
	if c.Packets > 0 {
		// dumpcap writes statistics times in microseconds even when the
		// interface declares nanoseconds, which reads as a time in 1970:
		// rescale such a time when that lands it after the last packet.
		if statsEnd > 0 && statsEnd < first && statsEnd < math.MaxInt64/1000 {
			statsEnd *= 1000
		}
		if statsEnd > last && statsEnd-last < int64(30*24*time.Hour) {
			last = statsEnd
		}
		c.Start, c.End = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	}
	tr.finish()
	if opt.Progress != nil {
		opt.Progress(cr.n)
	}
	for lt := range links {
		c.LinkTypes = append(c.LinkTypes, lt.String())
	}
	sort.Strings(c.LinkTypes)
	if len(drops) > 0 {
		c.Drops = 0
		for _, d := range drops {
			c.Drops += int64(d)
		}
	}
	c.notes(undecodable, tr.maxFlows)
	if ng != nil {
		c.Notes = append(c.Notes, ng.notes()...)
	}

	if readErr != nil {
		if errors.Is(readErr, io.ErrUnexpectedEOF) {
			c.Truncated = true
			var tb *truncatedBlock
			if errors.As(readErr, &tb) && tb.kind != "" {
				return c, fmt.Errorf("the capture is truncated: it ends inside %s after packet %d; the %d complete packets before it were analysed", tb.kind, c.Packets, c.Packets)
			}
			return c, fmt.Errorf("the capture is truncated: it ends inside packet %d; the %d complete packets before it were analysed", c.Packets+1, c.Packets)
		}
		return c, fmt.Errorf("reading stopped after %d packets: %v", c.Packets, readErr)
	}
	return c, nil
}

func (c *Capture) notes(undecodable map[layers.LinkType]int, maxFlows int) {
	add := func(format string, a ...any) { c.Notes = append(c.Notes, fmt.Sprintf(format, a...)) }
	if c.Packets == 0 {
		add("the capture holds no packets")
	} else if c.TCPPackets+c.UDPPackets+c.ICMPPackets == 0 {
		add("none of the %d packets is TCP, UDP or ICMP over IPv4 or IPv6", c.Packets)
	}
	if c.DNSLeft > 0 {
		add("%d more DNS queries were counted per server but not kept one by one", c.DNSLeft)
	}
	for lt, n := range undecodable {
		add("%d packets have link type %s, which is not decoded", n, lt)
	}
	if c.SnapTrimmed > 0 {
		add("%d packets were cut short by the snap length; segment lengths are taken from the IP headers", c.SnapTrimmed)
	}
	if c.OutOfOrder > 0 {
		add("%d packets have a timestamp earlier than the packet before them", c.OutOfOrder)
	}
	if c.Drops > 0 {
		add("the capturing kernel dropped %d packets (pcapng interface statistics): gaps in flows may be capture loss", c.Drops)
	}
	if c.Copies > 0 {
		add("%d packets are copies of another packet seen on a second interface (tcpdump -i any); they were paired, not counted as retransmissions", c.Copies)
	}
	if len(c.NAT) > 0 {
		add("%d address translations were learnt from copies seen before and after NAT", len(c.NAT))
	}
	if c.EvictedFlows > 0 {
		add("%d open flows were dropped from tracking because more than %d were open at once; a later packet of one starts a new flow", c.EvictedFlows, maxFlows)
	}
	if c.FlowsLeft > 0 {
		add("%d more unusual flows were measured but their packet lists were not kept", c.FlowsLeft)
	}
	if c.Notes == nil {
		c.Notes = []string{}
	}
}

// pcapng block types and the options read from them.
const (
	ngIDB = 0x00000001 // interface description
	ngPB  = 0x00000002 // packet (obsolete)
	ngSPB = 0x00000003 // simple packet
	ngISB = 0x00000005 // interface statistics
	ngEPB = 0x00000006 // enhanced packet
	ngSHB = 0x0A0D0D0A // section header, the same in either byte order

	ngByteOrderMagic = 0x1A2B3C4D

	ngOptTSResol   = 9  // if_tsresol
	ngOptTSOffset  = 14 // if_tsoffset
	ngOptStatStart = 2  // isb_starttime
	ngOptStatEnd   = 3  // isb_endtime
	ngOptStatDrop  = 5  // isb_ifdrop

	// ngMaxBlock bounds a block's declared length: no capture tool
	// writes blocks this large, so a larger length is damage, not data.
	ngMaxBlock = 128 << 20
	// ngResyncLimit bounds how far past a block with a broken frame the
	// reader looks for the next intact block before giving up.
	ngResyncLimit = 64 << 20
	// ngMaxReasons bounds the distinct reasons listed in the notes.
	ngMaxReasons = 8
)

// ngReader reads pcapng itself rather than with pcapgo's NgReader, which
// stops at the first block it cannot use: here every block is framed by
// its declared total length (checked against the copy that ends it), so
// a block whose content is bad is skipped and counted, and reading goes
// on with the next one. A frame that is itself broken (a length that is
// not a block's, or that disagrees with the trailing copy) is resynced
// by looking for the next intact block. Only the end of the input inside
// a block is truncation.
//
// Blocks are peeked in the bufio buffer, not copied: the packet bytes
// handed out are valid until the next call, as with pcapgo's zero-copy
// read.
type ngReader struct {
	r       *bufio.Reader
	endian        // the current section's byte order
	off     int64 // input offset of the next block
	pending int   // bytes of the current block still to discard
	large   []byte

	section  int64  // sections seen, to key statistics per interface
	skipping string // why the current section is skipped (an unknown version)
	ifaces   []ngIface
	lastTS   time.Time

	ci    gopacket.CaptureInfo
	ancil [1]any

	drops    map[int64]uint64 // dropped packets per section<<32|interface
	statsEnd int64            // latest statistics time, Unix ns

	reasons map[string]int // skipped or damaged blocks, by reason
	order   []string       // reasons in the order first seen
	other   int            // blocks whose reason was not listed
}

type ngIface struct {
	bad    string // why the interface cannot be used; "" when it can
	link   layers.LinkType
	linkV  any // link, boxed once for CaptureInfo.AncillaryData
	snap   uint32
	units  uint64 // timestamp units per second
	offset int64  // seconds added to every timestamp
}

// truncatedBlock is the end of the input inside a block.
type truncatedBlock struct{ kind string }

func (e *truncatedBlock) Error() string { return "unexpected EOF inside " + e.kind }
func (e *truncatedBlock) Unwrap() error { return io.ErrUnexpectedEOF }

func newNgReader(r *bufio.Reader) (*ngReader, error) {
	ng := &ngReader{r: r, drops: map[int64]uint64{}, reasons: map[string]int{}}
	head, err := r.Peek(12)
	if err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	if binary.LittleEndian.Uint32(head) != ngSHB {
		return nil, errors.New("the file does not start with a section header block")
	}
	if m := binary.LittleEndian.Uint32(head[8:]); m != ngByteOrderMagic && m != bits.ReverseBytes32(ngByteOrderMagic) {
		return nil, errors.New("the section header block has no valid byte-order magic")
	}
	return ng, nil
}

// endian reads the fields of a file whose byte order is known only when
// it is read (pcap and pcapng both allow either).
type endian struct {
	big bool // big-endian fields
}

func (e endian) u16(b []byte) uint16 {
	if e.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (e endian) u32(b []byte) uint32 {
	if e.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (e endian) u64(b []byte) uint64 {
	if e.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// skip counts a block that was not used and why.
func (r *ngReader) skip(reason string) {
	if _, ok := r.reasons[reason]; !ok {
		if len(r.order) == ngMaxReasons {
			r.other++
			return
		}
		r.order = append(r.order, reason)
	}
	r.reasons[reason]++
}

// notes describes the blocks that were skipped or damaged.
func (r *ngReader) notes() []string {
	var out []string
	for _, why := range r.order {
		n := r.reasons[why]
		if strings.HasPrefix(why, "damaged: ") {
			out = append(out, fmt.Sprintf("%d %s: %s", n, plural(n, "block was damaged", "blocks were damaged"), strings.TrimPrefix(why, "damaged: ")))
			continue
		}
		out = append(out, fmt.Sprintf("%d %s skipped: %s", n, plural(n, "block", "blocks"), why))
	}
	if r.other > 0 {
		out = append(out, fmt.Sprintf("%d more %s skipped for other reasons", r.other, plural(r.other, "block", "blocks")))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// block returns the next block's type and body (between the length and
// its trailing copy). It returns io.EOF at the end of the input between
// blocks, a truncatedBlock inside one, and another error only when the
// framing is broken beyond resyncing.
func (r *ngReader) block() (uint32, []byte, error) {
	if r.pending > 0 {
		r.r.Discard(r.pending)
		r.off += int64(r.pending)
		r.pending = 0
	}
	for {
		start := r.off
		hdr, err := r.r.Peek(12)
		if len(hdr) < 8 {
			if len(hdr) == 0 && err == io.EOF {
				return 0, nil, io.EOF
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return 0, nil, &truncatedBlock{"a block header"}
			}
			return 0, nil, err
		}
		typ := binary.LittleEndian.Uint32(hdr)
		if typ == ngSHB {
			if len(hdr) < 12 {
				return 0, nil, &truncatedBlock{"a section header block"}
			}
			switch binary.LittleEndian.Uint32(hdr[8:]) {
			case ngByteOrderMagic:
				r.big = false
			case bits.ReverseBytes32(ngByteOrderMagic):
				r.big = true
			default:
				if err := r.resync(start, "a section header block has no valid byte-order magic"); err != nil {
					return 0, nil, err
				}
				continue
			}
		} else {
			typ = r.u32(hdr)
		}
		total := int(r.u32(hdr[4:]))
		if total < 12 || total%4 != 0 || total > ngMaxBlock || (typ == ngSHB && total < 28) {
			if err := r.resync(start, fmt.Sprintf("%s declares a total length of %d bytes, which no block can have", article(blockName(typ)), total)); err != nil {
				return 0, nil, err
			}
			continue
		}
		var b []byte
		if total <= r.r.Size() {
			b, err = r.r.Peek(total)
		} else {
			b, err = r.readLarge(total)
			r.off += int64(len(b))
		}
		if len(b) < total {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return 0, nil, &truncatedBlock{blockKind(typ)}
			}
			return 0, nil, err
		}
		if trail := int(r.u32(b[total-4:])); trail != total {
			if err := r.resync(start, fmt.Sprintf("%s declares a total length of %d bytes but ends with %d", article(blockName(typ)), total, trail)); err != nil {
				return 0, nil, err
			}
			continue
		}
		if total <= r.r.Size() {
			r.pending = total
		}
		return typ, b[8 : total-4], nil
	}
}

// readLarge reads a block too large for the bufio buffer.
func (r *ngReader) readLarge(total int) ([]byte, error) {
	b, err := readGrowing(r.r, r.large, total)
	r.large = b[:0]
	return b, err
}

// readGrowing reads total bytes too many for the bufio buffer into buf,
// growing it as the bytes arrive rather than trusting a length read from
// the file: a 40-byte file cannot make it allocate 4 GiB. At the end of
// the input it returns the bytes read and io.ErrUnexpectedEOF.
func readGrowing(r *bufio.Reader, buf []byte, total int) ([]byte, error) {
	b := buf[:0]
	for len(b) < total {
		if cap(b) == len(b) {
			b = append(b, make([]byte, min(total-len(b), max(len(b), 1<<20)))...)[:len(b)]
		}
		n, err := r.Read(b[len(b):min(cap(b), total)])
		b = b[:len(b)+n]
		if err != nil && len(b) < total {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
	}
	return b, nil
}

// resync skips from a block whose frame is broken, which started at
// byte start, to the next intact block: one whose type is known, whose
// length is plausible and whose trailing copy of the length agrees. The
// bytes skipped are counted.
func (r *ngReader) resync(start int64, why string) error {
	skipped := int(r.off - start)
	// Candidates start 4 bytes on when the broken block is still in the
	// buffer: its own start is not one.
	from := 4
	if skipped > 0 {
		from = 0
	}
	for skipped < ngResyncLimit {
		win, err := r.r.Peek(r.r.Size())
		for i := from; i+12 <= len(win); i += 4 {
			if r.intact(win[i:]) {
				r.r.Discard(i)
				r.off += int64(i)
				skipped += i
				r.skip(fmt.Sprintf("%d bytes from byte %d, where %s; reading resumed at the next intact block", skipped, start, why))
				return nil
			}
		}
		if err != nil {
			r.r.Discard(len(win))
			return fmt.Errorf("at byte %d %s, and no intact block follows", start, why)
		}
		// Slide by half the window, so that a block starting in the
		// second half is checked again whole.
		n := len(win) / 2 &^ 3
		r.r.Discard(n)
		r.off += int64(n)
		skipped += n
		from = 0
	}
	return fmt.Errorf("at byte %d %s, and no intact block follows in the next %d MB", start, why, ngResyncLimit>>20)
}

// intact reports whether b starts with a whole block of a known type whose
// two length fields agree within b.
func (r *ngReader) intact(b []byte) bool {
	typ := binary.LittleEndian.Uint32(b)
	big := r.big
	if typ == ngSHB {
		switch binary.LittleEndian.Uint32(b[8:]) {
		case ngByteOrderMagic:
			big = false
		case bits.ReverseBytes32(ngByteOrderMagic):
			big = true
		default:
			return false
		}
	}
	u32 := binary.LittleEndian.Uint32
	if big {
		u32 = binary.BigEndian.Uint32
	}
	switch u32(b) {
	case ngSHB, ngIDB, ngPB, ngSPB, 4, ngISB, ngEPB, 0x0A, 0x0BAD, 0x40000BAD:
	default:
		return false
	}
	total := int(u32(b[4:]))
	if total < 12 || total%4 != 0 || total > len(b) {
		return false
	}
	if u32(b[total-4:]) != uint32(total) {
		return false
	}
	if typ == ngSHB {
		r.big = big
	}
	return true
}

func blockName(typ uint32) string {
	switch typ {
	case ngSHB:
		return "section header block"
	case ngIDB:
		return "interface description block"
	case ngPB:
		return "packet block"
	case ngSPB:
		return "simple packet block"
	case 4:
		return "name resolution block"
	case ngISB:
		return "interface statistics block"
	case ngEPB:
		return "enhanced packet block"
	case 0x0A:
		return "decryption secrets block"
	}
	return fmt.Sprintf("block of type %#x", typ)
}

// blockKind names a block for the truncation message: "" for a packet,
// which the message counts itself.
func blockKind(typ uint32) string {
	switch typ {
	case ngEPB, ngPB, ngSPB:
		return ""
	}
	return article(blockName(typ))
}

// article puts "a" or "an" before a name.
func article(name string) string {
	if strings.IndexByte("aeiou", name[0]) >= 0 {
		return "an " + name
	}
	return "a " + name
}

// ZeroCopyReadPacketData returns the next packet, skipping (and counting)
// every block that cannot be used.
func (r *ngReader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	for {
		typ, b, err := r.block()
		if err != nil {
			return nil, r.ci, err
		}
		if r.skipping != "" && typ != ngSHB {
			r.skip(r.skipping)
			continue
		}
		switch typ {
		case ngEPB, ngPB:
			if data, ok := r.packet(typ, b); ok {
				return data, r.ci, nil
			}
		case ngSPB:
			if data, ok := r.simplePacket(b); ok {
				return data, r.ci, nil
			}
		case ngIDB:
			r.interfaceDescription(b)
		case ngISB:
			r.statistics(b)
		case ngSHB:
			r.sectionHeader(b)
		}
	}
}

// packet reads an enhanced packet block or an obsolete packet block.
func (r *ngReader) packet(typ uint32, b []byte) ([]byte, bool) {
	name := blockName(typ)
	if len(b) < 20 {
		r.skip(name + " shorter than its fixed fields")
		return nil, false
	}
	var id int
	if typ == ngEPB {
		id = int(r.u32(b))
	} else {
		id = int(r.u16(b))
	}
	f := r.iface(name, id)
	if f == nil {
		return nil, false
	}
	capLen := int(r.u32(b[12:]))
	if capLen > len(b)-20 || capLen < 0 {
		r.skip(name + " whose captured length runs past the block's end")
		return nil, false
	}
	r.ci.Timestamp = f.time(uint64(r.u32(b[4:]))<<32 | uint64(r.u32(b[8:])))
	r.ci.CaptureLength = capLen
	r.ci.Length = int(r.u32(b[16:]))
	r.ci.InterfaceIndex = id
	r.ancil[0] = f.linkV
	r.ci.AncillaryData = r.ancil[:]
	r.lastTS = r.ci.Timestamp
	return b[20 : 20+capLen], true
}

// simplePacket reads a simple packet block: interface 0, no timestamp (it
// takes the previous packet's), captured length up to the snap length.
func (r *ngReader) simplePacket(b []byte) ([]byte, bool) {
	if len(b) < 4 {
		r.skip("simple packet block shorter than its fixed fields")
		return nil, false
	}
	f := r.iface("simple packet block", 0)
	if f == nil {
		return nil, false
	}
	wire := int(r.u32(b))
	capLen := min(wire, len(b)-4)
	if f.snap != 0 && capLen > int(f.snap) {
		capLen = int(f.snap)
	}
	r.ci.Timestamp, r.ci.CaptureLength, r.ci.Length, r.ci.InterfaceIndex = r.lastTS, capLen, wire, 0
	r.ancil[0] = f.linkV
	r.ci.AncillaryData = r.ancil[:]
	return b[4 : 4+capLen], true
}

// iface returns interface id of the current section, or nil (counting
// the block as skipped) when it was not declared or cannot be used.
func (r *ngReader) iface(block string, id int) *ngIface {
	if id >= len(r.ifaces) {
		r.skip(fmt.Sprintf("%s for interface %d, which no interface description block declared", block, id))
		return nil
	}
	f := &r.ifaces[id]
	if f.bad != "" {
		r.skip(fmt.Sprintf("%s for interface %d, whose interface description block %s", block, id, f.bad))
		return nil
	}
	return f
}

func (f *ngIface) time(ts uint64) time.Time {
	var sec, frac uint64
	switch f.units {
	case 1e6: // constant divisors compile to multiplications
		sec, frac = ts/1e6, ts%1e6*1e3
	case 1e9:
		sec, frac = ts/1e9, ts%1e9
	default:
		sec, frac = ts/f.units, ts%f.units
		hi, lo := bits.Mul64(frac, 1e9)
		frac, _ = bits.Div64(hi, lo, f.units)
	}
	return time.Unix(int64(sec)+f.offset, int64(frac))
}

// options walks a block's options, calling fn for each; it returns false
// when an option runs past the end of the block.
func (r *ngReader) options(b []byte, fn func(code uint16, v []byte)) bool {
	for len(b) >= 4 {
		code, n := r.u16(b), int(r.u16(b[2:]))
		if code == 0 {
			return true
		}
		if 4+n > len(b) {
			return false
		}
		fn(code, b[4:4+n])
		b = b[min(len(b), 4+(n+3)&^3):]
	}
	return true
}

func (r *ngReader) sectionHeader(b []byte) {
	r.section++
	r.ifaces = r.ifaces[:0]
	r.skipping = ""
	if major := r.u16(b[4:]); major != 1 {
		r.skipping = fmt.Sprintf("a section of pcapng version %d.%d, which is not read", major, r.u16(b[6:]))
		r.skip(r.skipping)
	}
}

func (r *ngReader) interfaceDescription(b []byte) {
	id := len(r.ifaces)
	r.ifaces = append(r.ifaces, ngIface{units: 1e6})
	f := &r.ifaces[id]
	if len(b) < 8 {
		f.bad = "is shorter than its fixed fields"
		r.skip(fmt.Sprintf("interface description block for interface %d, shorter than its fixed fields", id))
		return
	}
	f.link = layers.LinkType(r.u16(b))
	f.linkV = f.link
	f.snap = r.u32(b[4:])
	var resol byte
	ok := r.options(b[8:], func(code uint16, v []byte) {
		switch {
		case code == ngOptTSResol && len(v) >= 1:
			resol = v[0]
		case code == ngOptTSOffset && len(v) >= 8:
			f.offset = int64(r.u64(v))
		}
	})
	if !ok {
		r.skip(fmt.Sprintf("damaged: interface description block for interface %d has an option that runs past the block's end; the interface was kept, without the options from there on", id))
	}
	if resol != 0 {
		exp := uint(resol & 0x7f)
		switch {
		case resol&0x80 != 0 && exp < 64:
			f.units = 1 << exp
		case resol&0x80 == 0 && exp < 20:
			f.units = 1
			for range exp {
				f.units *= 10
			}
		default:
			f.bad = "declares an unusable timestamp resolution"
			base := 10
			if resol&0x80 != 0 {
				base = 2
			}
			r.skip(fmt.Sprintf("interface description block for interface %d, whose timestamp resolution %d^-%d cannot be used", id, base, exp))
		}
	}
}

func (r *ngReader) statistics(b []byte) {
	if len(b) < 12 {
		r.skip("interface statistics block shorter than its fixed fields")
		return
	}
	id := int(r.u32(b))
	f := r.iface("interface statistics block", id)
	if f == nil {
		return
	}
	latest := f.time(uint64(r.u32(b[4:]))<<32 | uint64(r.u32(b[8:]))).UnixNano()
	ok := r.options(b[12:], func(code uint16, v []byte) {
		switch {
		case code == ngOptStatEnd && len(v) >= 8:
			latest = max(latest, f.time(uint64(r.u32(v))<<32|uint64(r.u32(v[4:]))).UnixNano())
		case code == ngOptStatDrop && len(v) >= 8:
			if d := r.u64(v); d != math.MaxUint64 {
				r.drops[r.section<<32|int64(id)] = d
			}
		}
	})
	if !ok {
		r.skip(fmt.Sprintf("damaged: interface statistics block for interface %d has an option that runs past the block's end; the options from there on were ignored", id))
	}
	r.statsEnd = max(r.statsEnd, latest)
}
