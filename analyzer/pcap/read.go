package pcap

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
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
// either stage run ahead through a burst.
const (
	batchSize = 1024
	batches   = 16
)

// batch carries decoded packets from the reading goroutine to the analysis.
type batch struct {
	pkts   [batchSize]packet
	n      int
	copies bool // a frame came from a capture that can see copies
}

// packetReader is what pcapgo's pcap and pcapng readers have in common.
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
	drops := map[int]uint64{}
	var statsEnd int64
	var src packetReader
	var fixedLink layers.LinkType // pcap: one link type for the file
	mixed := false                // pcapng: per interface, in AncillaryData
	if head[0] == 0x0a {
		ng, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true,
			StatisticsCallback: func(id int, s pcapgo.NgInterfaceStatistics) {
				if s.PacketsDropped != pcapgo.NgNoValue64 {
					drops[id] = s.PacketsDropped
				}
				// The statistics block written when capturing stopped
				// says when that was: the end of the capture, which can
				// be long after its last packet (a silent hang).
				for _, t := range []time.Time{s.EndTime, s.LastUpdate} {
					if !t.IsZero() {
						statsEnd = max(statsEnd, t.UnixNano())
					}
				}
			}})
		if err != nil {
			return nil, fmt.Errorf("pcapng: %v", err)
		}
		src, mixed, fixedLink = ng, true, layers.LinkTypeEthernet
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("pcap: %v", err)
		}
		src, fixedLink = pr, pr.LinkType()
	}

	// Two stages on two goroutines: reading and decoding fill batches of
	// packets, the TCP analysis consumes them in order. Up to `batches`
	// batches circulate, made only when the reader runs ahead (a small
	// capture needs one), so nothing is allocated per packet or per batch.
	tr := newTracker(c, opt.MaxFlows)
	full, empty := make(chan *batch, batches), make(chan *batch, batches)
	made := 0
	next := func() *batch {
		var b *batch
		select {
		case b = <-empty:
		default:
			if made < batches {
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
			c.TCPPackets++
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

	if readErr != nil {
		if errors.Is(readErr, io.ErrUnexpectedEOF) {
			c.Truncated = true
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
	} else if c.TCPPackets == 0 {
		add("none of the %d packets is TCP over IPv4 or IPv6", c.Packets)
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
