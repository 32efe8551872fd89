package artifact

import (
	"bytes"
	"unicode/utf8"
)

// sampleBytes is how much of a file binary detection looks at.
const sampleBytes = 8 << 10

// isPcap recognises libpcap (both byte orders, micro- and nanosecond) and
// pcapng section headers.
func isPcap(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch string(b[:4]) {
	case "\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4", "\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d", "\x0a\x0d\x0d\x0a":
		return true
	}
	return false
}

// isBinary reports content that is not text: NUL bytes, many control
// characters, or a high share of invalid UTF-8 in the first 8 KB. Legacy
// 8-bit text (Latin-1, some GBK) stays text unless it is mostly invalid.
func isBinary(b []byte) bool {
	if len(b) > sampleBytes {
		b = b[:sampleBytes]
		// Do not count a UTF-8 sequence cut by the sample end as invalid.
		for i := 0; i < utf8.UTFMax && len(b) > 0 && !utf8.RuneStart(b[len(b)-1]); i++ {
			b = b[:len(b)-1]
		}
		if len(b) > 0 && !utf8.FullRune(b[len(b)-1:]) {
			b = b[:len(b)-1]
		}
	}
	if len(b) == 0 {
		return false
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	control, invalid := 0, 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != '\b' && c != 0x1b && c != 0x07 {
				control++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
		}
		i += size
	}
	return control*10 > len(b) || invalid*10 > len(b)*3
}

// normalizeText strips a UTF-8 BOM and ANSI escape sequences and turns CRLF
// and lone CR into LF, so parsers see plain lines. It returns data itself
// when nothing needs changing.
func normalizeText(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') < 0 && bytes.IndexByte(data, 0x1b) < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '\r':
			out = append(out, '\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
		case 0x1b:
			i = skipEscape(data, i) - 1
		default:
			out = append(out, c)
		}
	}
	return out
}

// skipEscape returns the index just after the escape sequence starting at
// data[i] (an ESC byte): CSI ("ESC [ params final"), OSC ("ESC ] ... BEL"
// or "... ESC \"), or a two-byte escape.
func skipEscape(data []byte, i int) int {
	if i+1 >= len(data) {
		return len(data)
	}
	switch data[i+1] {
	case '[':
		for j := i + 2; j < len(data); j++ {
			c := data[j]
			if c >= 0x40 && c <= 0x7e {
				return j + 1
			}
			if c < 0x20 || c > 0x7e {
				return j // malformed: keep what follows
			}
		}
		return len(data)
	case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ST
		for j := i + 2; j < len(data); j++ {
			if data[j] == 0x07 {
				return j + 1
			}
			if data[j] == 0x1b && j+1 < len(data) && data[j+1] == '\\' {
				return j + 2
			}
			if data[j] == '\n' {
				return j // unterminated: never swallow following lines
			}
		}
		return len(data)
	case '(', ')', '*', '+': // character set selection takes one more byte
		return min(i+3, len(data))
	}
	return i + 2
}
