package pcap_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

// toPcapng rewrites a classic pcap capture as pcapng with gopacket's
// writer: one Ethernet interface, one enhanced packet block per packet.
func toPcapng(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&ng, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 262144,
		TimestampResolution: 9}, pcapgo.NgWriterOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if err := w.WritePacket(ci, data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return ng.Bytes()
}

// BenchmarkAnalyzePcapng is BenchmarkAnalyze on the same synthetic
// capture written as pcapng, which goes through the pcapng block reader.
func BenchmarkAnalyzePcapng(b *testing.B) {
	var buf bytes.Buffer
	if err := pcaptest.Synthetic(&buf, 200_000, 1); err != nil {
		b.Fatal(err)
	}
	data := toPcapng(b, buf.Bytes())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	var packets int
	for i := 0; i < b.N; i++ {
		c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{})
		if err != nil {
			b.Fatal(err)
		}
		packets = c.Packets
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*packets), "ns/packet")
}

// ngBlock is one block of a little-endian pcapng file: its type and
// where it starts and ends.
type ngBlock struct {
	typ        uint32
	start, end int
}

func ngBlocks(t *testing.T, data []byte) []ngBlock {
	t.Helper()
	var out []ngBlock
	for off := 0; off < len(data); {
		typ, n := binary.LittleEndian.Uint32(data[off:]), int(binary.LittleEndian.Uint32(data[off+4:]))
		out = append(out, ngBlock{typ, off, off + n})
		off += n
	}
	return out
}

// epb builds an enhanced packet block for interface id holding data.
func epb(id uint32, data []byte) []byte {
	padded := (len(data) + 3) &^ 3
	total := 32 + padded
	b := make([]byte, total)
	le := binary.LittleEndian
	le.PutUint32(b, 6)
	le.PutUint32(b[4:], uint32(total))
	le.PutUint32(b[8:], id)
	le.PutUint32(b[20:], uint32(len(data)))
	le.PutUint32(b[24:], uint32(len(data)))
	copy(b[28:], data)
	le.PutUint32(b[total-4:], uint32(total))
	return b
}

func splice(data []byte, at int, insert []byte) []byte {
	out := append([]byte(nil), data[:at]...)
	out = append(out, insert...)
	return append(out, data[at:]...)
}

func sameAnalysis(t *testing.T, got, want *pcap.Capture) {
	t.Helper()
	if got.Packets != want.Packets || got.TCPPackets != want.TCPPackets || len(got.Flows) != len(want.Flows) ||
		len(got.Gaps) != len(want.Gaps) || !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
		t.Errorf("after a bad block: %d packets (%d TCP), %d flows, %d gaps, %v-%v; clean: %d (%d), %d, %d, %v-%v",
			got.Packets, got.TCPPackets, len(got.Flows), len(got.Gaps), got.Start, got.End,
			want.Packets, want.TCPPackets, len(want.Flows), len(want.Gaps), want.Start, want.End)
	}
}

func hasNote(t *testing.T, c *pcap.Capture, want string) {
	t.Helper()
	for _, n := range c.Notes {
		if n == want {
			return
		}
	}
	t.Errorf("notes %q lack %q", c.Notes, want)
}

// An enhanced packet block for an interface that no interface description
// block declared is skipped and counted; the packets after it are read.
func TestPcapngEPBUnknownInterface(t *testing.T) {
	ng := toPcapng(t, pcaptest.IdleTimeout(false).Bytes())
	clean := analyzeBytes(t, ng)
	blocks := ngBlocks(t, ng)
	if len(blocks) < 6 || blocks[2].typ != 6 {
		t.Fatalf("unexpected layout %+v", blocks)
	}
	// After the first packet, and once more before the last one.
	bad := epb(7, bytes.Repeat([]byte{0xee}, 60))
	data := splice(ng, blocks[2].end, bad)
	c := analyzeBytes(t, data)
	sameAnalysis(t, c, clean)
	hasNote(t, c, "1 block skipped: enhanced packet block for interface 7, which no interface description block declared")

	last := blocks[len(blocks)-1]
	data = splice(data, last.start+len(bad), epb(7, nil))
	c = analyzeBytes(t, data)
	sameAnalysis(t, c, clean)
	hasNote(t, c, "2 blocks skipped: enhanced packet block for interface 7, which no interface description block declared")
}

// An interface description block whose option claims more bytes than the
// block holds damages that block only: the interface keeps its link type,
// its packets are read, and the notes say what happened. It used to be
// reported as a truncated packet.
func TestPcapngIDBBadOption(t *testing.T) {
	ng := toPcapng(t, pcaptest.IdleTimeout(false).Bytes())
	clean := analyzeBytes(t, ng)
	blocks := ngBlocks(t, ng)
	idb := blocks[1]
	if idb.typ != 1 {
		t.Fatalf("block 1 is of type %d", idb.typ)
	}
	// The first option (after type, length, link type, reserved, snap
	// length) is if_name "eth0": make it claim 4000 bytes.
	data := append([]byte(nil), ng...)
	opt := idb.start + 16
	if code := binary.LittleEndian.Uint16(data[opt:]); code != 2 {
		t.Fatalf("first IDB option has code %d, want if_name", code)
	}
	binary.LittleEndian.PutUint16(data[opt+2:], 4000)
	c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{})
	if err != nil || c.Truncated {
		t.Fatalf("a bad IDB option: err %v, truncated %v", err, c.Truncated)
	}
	if c.Packets != clean.Packets || c.TCPPackets != clean.TCPPackets || len(c.Gaps) != len(clean.Gaps) {
		t.Errorf("bad IDB option: %d/%d packets, %d gaps; clean %d/%d, %d", c.TCPPackets, c.Packets, len(c.Gaps), clean.TCPPackets, clean.Packets, len(clean.Gaps))
	}
	hasNote(t, c, "1 block was damaged: interface description block for interface 0 has an option that runs past the block's end; the interface was kept, without the options from there on")
}

// An interface description block with an unusable timestamp resolution
// makes its interface's packets unreadable; they are skipped and counted
// against it, and a second, intact interface is still read.
func TestPcapngIDBBadResolution(t *testing.T) {
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&ng, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65535, TimestampResolution: 9},
		pcapgo.NgWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eth1, err := w.AddInterface(pcapgo.NgInterface{Name: "eth1", LinkType: layers.LinkTypeEthernet, SnapLength: 65535, TimestampResolution: 9})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := pcapgo.NewReader(bytes.NewReader(pcaptest.IdleTimeout(false).Bytes()))
	n := 0
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if n%2 == 1 {
			ci.InterfaceIndex = eth1
		}
		n++
		w.WritePacket(ci, data)
	}
	w.Flush()
	data := ng.Bytes()
	// if_tsresol of the first interface: 10^-99.
	i := bytes.Index(data, []byte{9, 0, 1, 0, 9})
	if i < 0 {
		t.Fatal("no if_tsresol option")
	}
	data[i+4] = 99
	c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Packets != n/2 {
		t.Errorf("%d packets read, want the %d of the intact interface", c.Packets, n/2)
	}
	hasNote(t, c, "1 block skipped: interface description block for interface 0, whose timestamp resolution 10^-99 cannot be used")
	hasNote(t, c, fmt.Sprintf("%d blocks skipped: enhanced packet block for interface 0, whose interface description block declares an unusable timestamp resolution", n-n/2))
}

// A block whose frame is broken (its trailing length disagrees with its
// leading one) is skipped up to the next intact block.
func TestPcapngBrokenFrameResync(t *testing.T) {
	ng := toPcapng(t, pcaptest.IdleTimeout(false).Bytes())
	clean := analyzeBytes(t, ng)
	blocks := ngBlocks(t, ng)
	data := append([]byte(nil), ng...)
	b := blocks[4]
	binary.LittleEndian.PutUint32(data[b.start+4:], uint32(b.end-b.start+8))
	c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{})
	if err != nil || c.Truncated {
		t.Fatalf("broken frame: err %v, truncated %v", err, c.Truncated)
	}
	if c.Packets != clean.Packets-1 {
		t.Errorf("%d packets, want %d", c.Packets, clean.Packets-1)
	}
	want := fmt.Sprintf("1 block skipped: %d bytes from byte %d, where an enhanced packet block declares a total length of %d bytes but ends with",
		b.end-b.start, b.start, b.end-b.start+8)
	if len(c.Notes) == 0 || !strings.HasPrefix(c.Notes[len(c.Notes)-1], want) {
		t.Errorf("notes %q lack %q", c.Notes, want)
	}

	// A length that no block can have, with nothing intact after it, stops
	// reading with an error that is not truncation.
	data = append([]byte(nil), ng[:blocks[len(blocks)-1].start]...)
	data = append(data, 6, 0, 0, 0, 7, 0, 0, 0)
	data = append(data, bytes.Repeat([]byte{0xab}, 64)...)
	c, err = pcap.Analyze(bytes.NewReader(data), pcap.Options{})
	if err == nil || c.Truncated || c.Packets != clean.Packets-1 || !strings.Contains(err.Error(), "total length of 7 bytes") {
		t.Errorf("garbage tail: err %v, truncated %v, %d packets", err, c.Truncated, c.Packets)
	}
}

// A file that ends inside a block is still truncation.
func TestPcapngTruncated(t *testing.T) {
	ng := toPcapng(t, pcaptest.IdleTimeout(false).Bytes())
	clean := analyzeBytes(t, ng)
	blocks := ngBlocks(t, ng)
	last := blocks[len(blocks)-1].start
	for _, cut := range []int{10, 30, len(ng) - last - 12} {
		c, err := pcap.Analyze(bytes.NewReader(ng[:len(ng)-cut]), pcap.Options{})
		if err == nil || c == nil || !c.Truncated || c.Packets != clean.Packets-1 {
			t.Fatalf("cut %d: err %v, capture %+v", cut, err, c)
		}
		if want := fmt.Sprintf("ends inside packet %d", clean.Packets); !strings.Contains(err.Error(), want) {
			t.Errorf("cut %d: error %q lacks %q", cut, err, want)
		}
		for _, n := range c.Notes {
			if strings.Contains(n, "skipped") {
				t.Errorf("cut %d: truncation noted as a skipped block: %q", cut, n)
			}
		}
	}
	// Inside the last block's header, and inside the interface
	// description block.
	c, err := pcap.Analyze(bytes.NewReader(ng[:last+4]), pcap.Options{})
	if err == nil || !c.Truncated || c.Packets != clean.Packets-1 || !strings.Contains(err.Error(), "inside a block header after packet") {
		t.Errorf("cut in a block header: err %v", err)
	}
	c, err = pcap.Analyze(bytes.NewReader(ng[:blocks[1].start+12]), pcap.Options{})
	if err == nil || !c.Truncated || !strings.Contains(err.Error(), "inside an interface description block") {
		t.Errorf("cut in the IDB: err %v", err)
	}
}
