package artifact

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// The xz decoder (ulikunitz/xz) allocates the dictionary an LZMA2 block
// header asks for before it decodes a byte, and ReaderConfig.DictCap is a
// floor, not a cap: a 64-byte file asking for 4 GiB kills a WebAssembly
// module. checkXz therefore walks the xz container itself (format spec
// 1.0.4: stream header, block headers, LZMA2 chunk headers, index, footer,
// stream padding) without decoding, and refuses a block whose dictionary is
// over maxDict.

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}

// checkXz returns how many leading bytes of data were checked. Where the
// container is damaged the walk stops, and only data[:valid] should be
// given to the decoder, so that it never meets a block header that was not
// checked; it then reports the damage itself, after decoding what came
// before. err is set when a block asks for too large a dictionary.
func checkXz(data []byte, maxDict int64) (valid int, err error) {
	pos := 0
	for {
		if len(data)-pos < 12 || !bytes.Equal(data[pos:pos+6], xzMagic) {
			return pos, nil
		}
		flags := data[pos+6 : pos+8]
		if crc32.ChecksumIEEE(flags) != binary.LittleEndian.Uint32(data[pos+8:]) || flags[0] != 0 || flags[1] > 0x0f {
			return pos, nil
		}
		checkSize := xzCheckSize(flags[1])
		pos += 12
		// Blocks, up to the index (a 0x00 byte where a header would start).
		for {
			if pos >= len(data) {
				return pos, nil
			}
			if data[pos] == 0 {
				break
			}
			start := pos
			hsize := (int(data[pos]) + 1) * 4
			if pos+hsize > len(data) {
				return start, nil
			}
			hdr := data[pos : pos+hsize]
			if crc32.ChecksumIEEE(hdr[:hsize-4]) != binary.LittleEndian.Uint32(hdr[hsize-4:]) {
				return start, nil
			}
			dict, ok := xzBlockDict(hdr[:hsize-4])
			if !ok {
				return start, nil
			}
			if dict > maxDict {
				return 0, fmt.Errorf("xz block at byte %d asks for a %d-byte dictionary, over the limit of %d bytes (xz -9 uses 64 MiB)", start, dict, maxDict)
			}
			end, ok := skipLZMA2(data, pos+hsize)
			if !ok {
				return end, nil
			}
			pos = start + (end-start+3)/4*4 + checkSize
			if pos > len(data) {
				return len(data), nil
			}
		}
		// Index: indicator, record count, records, padding, CRC32.
		istart := pos
		pos++
		count, n := xzVLI(data[pos:])
		if n == 0 {
			return istart, nil
		}
		pos += n
		for i := uint64(0); i < count; i++ {
			for range 2 { // unpadded size, uncompressed size
				_, n := xzVLI(data[pos:])
				if n == 0 {
					return istart, nil
				}
				pos += n
			}
		}
		pos = istart + (pos-istart+3)/4*4 + 4 + 12 // padding, CRC32, stream footer
		if pos > len(data) {
			return len(data), nil
		}
		for pos+4 <= len(data) && binary.LittleEndian.Uint32(data[pos:]) == 0 { // stream padding
			pos += 4
		}
		if pos >= len(data) {
			return len(data), nil
		}
	}
}

// xzCheckSize is the size of a block's integrity check for a check ID.
func xzCheckSize(id byte) int {
	switch {
	case id == 0:
		return 0
	case id <= 3:
		return 4
	case id <= 6:
		return 8
	case id <= 9:
		return 16
	case id <= 12:
		return 32
	}
	return 64
}

// xzVLI decodes a multibyte integer; n is 0 when it is malformed.
func xzVLI(b []byte) (v uint64, n int) {
	for i := 0; i < len(b) && i < 9; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// xzBlockDict reads the LZMA2 dictionary size from a block header (without
// its CRC32). ok is false when the header cannot be read or has no LZMA2
// filter, which the decoder would refuse anyway.
func xzBlockDict(hdr []byte) (dict int64, ok bool) {
	if len(hdr) < 2 || hdr[1]&0x3c != 0 {
		return 0, false
	}
	flags := hdr[1]
	i := 2
	for _, bit := range []byte{0x40, 0x80} { // compressed size, uncompressed size
		if flags&bit != 0 {
			_, n := xzVLI(hdr[i:])
			if n == 0 {
				return 0, false
			}
			i += n
		}
	}
	found := false
	for range int(flags&3) + 1 {
		id, n := xzVLI(hdr[i:])
		if n == 0 {
			return 0, false
		}
		i += n
		size, n := xzVLI(hdr[i:])
		if n == 0 || size > uint64(len(hdr)-i-n) {
			return 0, false
		}
		i += n
		props := hdr[i : i+int(size)]
		i += int(size)
		if id != 0x21 {
			continue
		}
		if len(props) != 1 || props[0] > 40 {
			return 0, false
		}
		found = true
		dict = max(dict, lzma2DictSize(props[0]))
	}
	return dict, found
}

// lzma2DictSize decodes LZMA2's one-byte dictionary size: 40 means 4 GiB - 1.
func lzma2DictSize(p byte) int64 {
	if p >= 40 {
		return 1<<32 - 1
	}
	return int64(2|(p&1)) << (p/2 + 11)
}

// skipLZMA2 walks the LZMA2 chunks of a block from pos by their headers
// alone, and returns the position after the end marker. ok is false when
// the chunks are damaged or cut; end is then where the damage starts.
func skipLZMA2(data []byte, pos int) (end int, ok bool) {
	for pos < len(data) {
		c := data[pos]
		var next int
		switch {
		case c == 0:
			return pos + 1, true
		case c == 1 || c == 2: // uncompressed chunk
			if pos+3 > len(data) {
				return pos, false
			}
			next = pos + 3 + int(binary.BigEndian.Uint16(data[pos+1:])) + 1
		case c >= 0x80: // LZMA chunk; with new properties from 0xc0
			h := 5
			if c >= 0xc0 {
				h = 6
			}
			if pos+h > len(data) {
				return pos, false
			}
			next = pos + h + int(binary.BigEndian.Uint16(data[pos+3:])) + 1
		default:
			return pos, false
		}
		if next > len(data) {
			return pos, false
		}
		pos = next
	}
	return pos, false
}
