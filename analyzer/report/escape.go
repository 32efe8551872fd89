package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape makes an untrusted string (an archive member's name, a host
// name, a line of evidence, an error message) safe to print on a
// terminal: nothing in it can move the cursor, clear the screen, set the
// window title, ring the bell, overwrite what was printed before it or
// reorder the text around it. Every character that could is shown as a
// Go-style escape instead:
//
//   - C0 controls, DEL and C1 controls: \x1b, \x00, \r, \n, \x7f, \u009b;
//     a tab becomes a space;
//   - invisible format characters, which include the Unicode bidi
//     overrides and isolates (U+202A-U+202E, U+2066-U+2069), the marks
//     U+200E, U+200F and U+061C, zero-width characters and the line and
//     paragraph separators U+2028 and U+2029: \u202e;
//   - bytes that are not UTF-8, which a terminal may read as a C1 control
//     (0x9b is CSI): \x9b.
//
// A string with none of them is returned unchanged, without allocating.
// Backslashes are left alone: Windows paths and regular expressions stay
// readable, at the price of a literal "\x1b" reading like an escape.
func Escape(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			break
		}
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, c)
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeRune reports whether a non-ASCII rune must be escaped: a C1
// control, or a format character or separator that is invisible and can
// reorder or break the line around it.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// escapeLines escapes each line of a multi-line string, keeping its line
// breaks (and nothing else that moves the cursor). The carriage return
// of a CRLF line end is dropped rather than shown.
func escapeLines(s string) string {
	if !strings.Contains(s, "\n") {
		return Escape(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(strings.TrimSuffix(l, "\r"))
	}
	return strings.Join(lines, "\n")
}

// escapeAll escapes every string of a list.
func escapeAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = Escape(s)
	}
	return out
}
