package pcap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// record is one packet of a hand-made classic pcap file.
type record struct {
	sec, frac      uint32
	captured, wire int
}

// classicPcap writes a pcap file with the given byte order, resolution
// and link-type field; each record's bytes count up from its index.
func classicPcap(order binary.ByteOrder, nano bool, snaplen, link uint32, recs []record) []byte {
	var b bytes.Buffer
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	h := make([]byte, 24)
	order.PutUint32(h, magic)
	order.PutUint16(h[4:], 2)
	order.PutUint16(h[6:], 4)
	order.PutUint32(h[16:], snaplen)
	order.PutUint32(h[20:], link)
	b.Write(h)
	for i, r := range recs {
		rh := make([]byte, 16)
		order.PutUint32(rh, r.sec)
		order.PutUint32(rh[4:], r.frac)
		order.PutUint32(rh[8:], uint32(r.captured))
		order.PutUint32(rh[12:], uint32(r.wire))
		b.Write(rh)
		for j := 0; j < r.captured; j++ {
			b.WriteByte(byte(i + j))
		}
	}
	return b.Bytes()
}

// agreeWithPcapgo reads every record with ours and with pcapgo's reader,
// the reference, fails where they disagree, and returns the records read.
func agreeWithPcapgo(t *testing.T, data []byte) (n int) {
	t.Helper()
	ours, err := newPcapReader(bufio.NewReaderSize(bytes.NewReader(data), 256<<10))
	if err != nil {
		t.Fatalf("ours: %v", err)
	}
	ref, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("pcapgo: %v", err)
	}
	if ours.link != ref.LinkType() {
		t.Errorf("link type %v, pcapgo %v", ours.link, ref.LinkType())
	}
	for {
		got, gci, gerr := ours.ZeroCopyReadPacketData()
		want, wci, werr := ref.ZeroCopyReadPacketData()
		if (gerr == nil) != (werr == nil) || (gerr == io.EOF) != (werr == io.EOF) {
			t.Fatalf("record %d: error %v, pcapgo %v", n+1, gerr, werr)
		}
		if gerr != nil {
			if errors.Is(werr, io.ErrUnexpectedEOF) != errors.Is(gerr, io.ErrUnexpectedEOF) {
				t.Errorf("record %d: error %v, pcapgo %v", n+1, gerr, werr)
			}
			return n
		}
		n++
		if !bytes.Equal(got, want) || !gci.Timestamp.Equal(wci.Timestamp) || gci.CaptureLength != wci.CaptureLength || gci.Length != wci.Length {
			t.Fatalf("record %d: %d bytes at %v (%d/%d), pcapgo %d bytes at %v (%d/%d)", n,
				len(got), gci.Timestamp, gci.CaptureLength, gci.Length, len(want), wci.Timestamp, wci.CaptureLength, wci.Length)
		}
	}
}

func TestPcapReaderAgreesWithPcapgo(t *testing.T) {
	recs := []record{
		{sec: 1700000000, frac: 999999, captured: 60, wire: 60},
		{sec: 1700000001, frac: 5, captured: 0, wire: 1514},
		{sec: 1700000002, frac: 123456, captured: 96, wire: 1514},
		// Longer than the 256 KiB buffer: a snap length over libpcap's maximum.
		{sec: 1700000003, frac: 7, captured: 300000, wire: 300000},
		{sec: 1700000004, frac: 8, captured: 70, wire: 70},
	}
	for _, c := range []struct {
		name  string
		order binary.ByteOrder
		nano  bool
	}{{"little-endian µs", binary.LittleEndian, false}, {"big-endian µs", binary.BigEndian, false},
		{"little-endian ns", binary.LittleEndian, true}, {"big-endian ns", binary.BigEndian, true}} {
		t.Run(c.name, func(t *testing.T) {
			data := classicPcap(c.order, c.nano, 400000, uint32(layers.LinkTypeEthernet), recs)
			if n := agreeWithPcapgo(t, data); n != len(recs) {
				t.Errorf("%d records read, want %d", n, len(recs))
			}
			// Cut anywhere inside a record: both stop there, at an unexpected EOF.
			for _, cut := range []int{24 + 8, 24 + 16 + 30, len(data) - 1} {
				if n := agreeWithPcapgo(t, data[:cut]); n >= len(recs) {
					t.Errorf("cut at %d: %d records read", cut, n)
				}
			}
		})
	}
}

func TestPcapReaderRefusesWhatNoCaptureHolds(t *testing.T) {
	data := classicPcap(binary.LittleEndian, false, 65535, 1, []record{{captured: 100, wire: 60}})
	r, err := newPcapReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ZeroCopyReadPacketData(); err == nil || !strings.Contains(err.Error(), "100 captured bytes of a 60-byte packet") {
		t.Errorf("captured > wire: %v", err)
	}
	// A captured length past any snap length is refused without
	// allocating it.
	data = classicPcap(binary.LittleEndian, false, 65535, 1, nil)
	data = binary.LittleEndian.AppendUint32(append(data, make([]byte, 8)...), 1<<31)
	data = binary.LittleEndian.AppendUint32(data, 1<<31)
	r, _ = newPcapReader(bufio.NewReader(bytes.NewReader(data)))
	if _, _, err := r.ZeroCopyReadPacketData(); err == nil || !strings.Contains(err.Error(), "more than the snap length") {
		t.Errorf("huge record: %v", err)
	}
	// Version 1.0 is refused; the frame check sequence bits above the
	// link type are not part of it.
	data = classicPcap(binary.LittleEndian, false, 65535, 1, nil)
	binary.LittleEndian.PutUint16(data[4:], 1)
	if _, err := newPcapReader(bufio.NewReader(bytes.NewReader(data))); err == nil || !strings.Contains(err.Error(), "unsupported version 1.4") {
		t.Errorf("version 1.4: %v", err)
	}
	data = classicPcap(binary.BigEndian, false, 65535, 0x4<<28|0x1<<26|uint32(layers.LinkTypeLinuxSLL), nil)
	r, err = newPcapReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil || r.link != layers.LinkTypeLinuxSLL {
		t.Errorf("link type with FCS bits: %v %v", r, err)
	}
	if _, err := newPcapReader(bufio.NewReader(bytes.NewReader(data[:20]))); err == nil || !strings.Contains(err.Error(), "20 of 24 bytes") {
		t.Errorf("short header: %v", err)
	}
}

// FuzzPcapReader: no input panics, and every record both readers return
// has the same bytes and lengths (timestamps differ where pcapgo's uint32
// arithmetic overflows on a bogus microsecond field).
func FuzzPcapReader(f *testing.F) {
	f.Add(classicPcap(binary.LittleEndian, false, 65535, 1, []record{{captured: 10, wire: 20}, {captured: 3, wire: 3}}))
	f.Add(classicPcap(binary.BigEndian, true, 65535, 113, []record{{sec: 5, frac: 999999999, captured: 1, wire: 1}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, err := newPcapReader(bufio.NewReaderSize(bytes.NewReader(data), 4096))
		ref, rerr := pcapgo.NewReader(bytes.NewReader(data))
		if err != nil || rerr != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			got, gci, gerr := ours.ZeroCopyReadPacketData()
			want, wci, werr := ref.ZeroCopyReadPacketData()
			if gerr != nil || werr != nil {
				return
			}
			if !bytes.Equal(got, want) || gci.CaptureLength != wci.CaptureLength || gci.Length != wci.Length {
				t.Fatalf("record %d differs from pcapgo's", i+1)
			}
		}
	})
}
