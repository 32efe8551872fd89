package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// maxRecord is the longest pcap record taken whatever the file's snap
// length says: libpcap's MAXIMUM_SNAPLEN. Writers such as dpkt declare a
// snap length they do not enforce, and tcpdump and Wireshark read such
// records up to their own maximum; so do we (as pcapgo does).
const maxRecord = 262144

// pcapReader reads classic pcap (libpcap's savefile format) itself rather
// than with pcapgo's Reader, for speed: pcapgo wraps its input in a second
// bufio.Reader and copies each record out of it into its own buffer, so
// every byte was copied three times before decoding. Here a record is
// peeked in the one bufio buffer and handed out from there, valid until
// the next call, as with pcapgo's zero-copy read. Measured on 200k
// packets: 57 → 50 ms natively, 390 → 367 ms in V8.
type pcapReader struct {
	r *bufio.Reader
	endian
	nano    bool // timestamps in nanoseconds, not microseconds
	snaplen int  // declared snap length
	link    layers.LinkType
	pending int // bytes of the current record still to discard
	large   []byte
}

// newPcapReader reads the 24-byte file header.
func newPcapReader(r *bufio.Reader) (*pcapReader, error) {
	h, _ := r.Peek(24)
	if len(h) < 24 {
		return nil, fmt.Errorf("the file header is truncated: %d of 24 bytes", len(h))
	}
	p := &pcapReader{r: r}
	switch binary.LittleEndian.Uint32(h) {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		p.nano = true
	case 0xd4c3b2a1:
		p.big = true
	case 0x4d3cb2a1:
		p.big, p.nano = true, true
	default:
		return nil, errors.New("unknown magic number")
	}
	// Version 2.4 since 1998; libpcap and Wireshark read any 2.x.
	if major := p.u16(h[4:]); major != 2 {
		return nil, fmt.Errorf("unsupported version %d.%d", major, p.u16(h[6:]))
	}
	p.snaplen = int(p.u32(h[16:]))
	// The link type is the low 16 bits; the high bits may say how long a
	// frame check sequence ends each frame.
	p.link = layers.LinkType(p.u32(h[20:]) & 0xffff)
	r.Discard(24)
	return p, nil
}

// ZeroCopyReadPacketData returns the next record's bytes and capture
// information. It returns io.EOF at the end of the input between records
// and io.ErrUnexpectedEOF inside one.
func (p *pcapReader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	var ci gopacket.CaptureInfo
	if p.pending > 0 {
		p.r.Discard(p.pending)
		p.pending = 0
	}
	h, err := p.r.Peek(16)
	if len(h) < 16 {
		if len(h) == 0 && err == io.EOF {
			return nil, ci, io.EOF
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, ci, err
	}
	frac := int64(p.u32(h[4:]))
	if !p.nano {
		frac *= 1000
	}
	ci.Timestamp = time.Unix(int64(p.u32(h)), frac).UTC()
	ci.CaptureLength, ci.Length = int(p.u32(h[8:])), int(p.u32(h[12:]))
	if ci.CaptureLength > max(p.snaplen, maxRecord) {
		return nil, ci, fmt.Errorf("a record declares %d captured bytes, more than the snap length (%d) or any capture holds", ci.CaptureLength, p.snaplen)
	}
	if ci.CaptureLength > ci.Length {
		return nil, ci, fmt.Errorf("a record declares %d captured bytes of a %d-byte packet", ci.CaptureLength, ci.Length)
	}
	total := 16 + ci.CaptureLength
	if total <= p.r.Size() {
		b, err := p.r.Peek(total)
		if len(b) < total {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, ci, err
		}
		p.pending = total
		return b[16:], ci, nil
	}
	// A record longer than the buffer (a snap length over 256 KiB).
	p.r.Discard(16)
	b, err := readGrowing(p.r, p.large, ci.CaptureLength)
	p.large = b[:0]
	return b, ci, err
}
