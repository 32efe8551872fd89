package redact

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// The kernel's hexadecimal address forms:
//
//	/proc/net/tcp, udp     0100007F:0050      the IPv4 address as a 32-bit word in host (little-endian) order
//	/proc/net/tcp6, udp6   0000000000000000FFFF00000600140A:7FA0   four such words
//	/proc/net/ip_vs        0A000001:0050      network (big-endian) order
//	/proc/net/ip_vs_conn   TCP 0A000001 D5F6 0A000002 0050 ...     network order, port in its own column
//
// (conntrack prints addresses as text; its hexadecimal statistics hold
// none.) Each pseudonym is re-encoded in the original's form and case.

var (
	// procRow is a /proc/net/{tcp,udp}{,6} row: "  0: local rem st ...".
	procRow = regexp.MustCompile(`^\s*[0-9]+:\s+[0-9A-Fa-f]{8,32}:[0-9A-Fa-f]{4}\s`)
	// hexEndpoint is an 8- or 32-digit address, a colon and a 4-digit port.
	hexEndpoint = regexp.MustCompile(`[0-9A-Fa-f]{32}:[0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}:[0-9A-Fa-f]{4}`)
	// ipvsConnRow is a /proc/net/ip_vs_conn row.
	ipvsConnRow = regexp.MustCompile(`^(\s*(?:TCP|UDP|SCTP)\s+)([0-9A-Fa-f]{8})(\s+[0-9A-Fa-f]{4}\s+)([0-9A-Fa-f]{8})(\s+[0-9A-Fa-f]{4}\s+)([0-9A-Fa-f]{8})(\s+[0-9A-Fa-f]{4}\s)`)
)

// hexAddresses replaces the hexadecimal addresses of s, line by line.
func (r *Redactor) hexAddresses(s string) string {
	if !strings.ContainsAny(s, ":") && !strings.Contains(s, "TCP") && !strings.Contains(s, "UDP") && !strings.Contains(s, "SCTP") {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	changed := false
	for k, l := range lines {
		if n := r.hexLine(l); n != l {
			lines[k], changed = n, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(lines, "")
}

func (r *Redactor) hexLine(l string) string {
	if m := ipvsConnRow.FindStringSubmatchIndex(l); m != nil {
		var b strings.Builder
		b.WriteString(l[:m[3]])
		for g := 2; g <= 7; g++ {
			part := l[m[2*g]:m[2*g+1]]
			if g%2 == 0 {
				part = r.hex4(part, false)
			}
			b.WriteString(part)
		}
		b.WriteString(l[m[15]:])
		l = b.String()
	}
	little := procRow.MatchString(l)
	return replaceAllBounded(l, hexEndpoint, "", func(m string) (string, bool) {
		addr, port, _ := strings.Cut(m, ":")
		if len(addr) == 32 {
			return r.hex16(addr) + ":" + port, true
		}
		return r.hex4(addr, little) + ":" + port, true
	})
}

// hex4 maps an 8-digit IPv4 address, little-endian or big-endian.
func (r *Redactor) hex4(h string, little bool) string {
	b, ok := hexBytes(h)
	if !ok {
		return h
	}
	v := binary.BigEndian.Uint32(b)
	if little {
		v = binary.LittleEndian.Uint32(b)
	}
	var a4 [4]byte
	binary.BigEndian.PutUint32(a4[:], v)
	m := r.mapAddr(netip.AddrFrom4(a4)).As4()
	w := binary.BigEndian.Uint32(m[:])
	if little {
		binary.LittleEndian.PutUint32(a4[:], w)
	} else {
		binary.BigEndian.PutUint32(a4[:], w)
	}
	return hexCase(h, fmt.Sprintf("%02X%02X%02X%02X", a4[0], a4[1], a4[2], a4[3]))
}

// hex16 maps a 32-digit IPv6 address written as /proc/net/tcp6 does: four
// little-endian 32-bit words.
func (r *Redactor) hex16(h string) string {
	b, ok := hexBytes(h)
	if !ok {
		return h
	}
	var a [16]byte
	for i := 0; i < 16; i += 4 {
		binary.BigEndian.PutUint32(a[i:], binary.LittleEndian.Uint32(b[i:]))
	}
	m := r.mapAddr(netip.AddrFrom16(a)).As16()
	var out strings.Builder
	for i := 0; i < 16; i += 4 {
		fmt.Fprintf(&out, "%08X", binary.LittleEndian.Uint32(m[i:]))
	}
	return hexCase(h, out.String())
}

// hexCase writes upper-case hex m in lower case when orig has lower-case
// letters.
func hexCase(orig, m string) string {
	if strings.ToUpper(orig) != orig {
		return strings.ToLower(m)
	}
	return m
}
