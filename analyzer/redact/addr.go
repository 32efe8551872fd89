package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// ---- addresses ----

// addrRun matches the characters an address or MAC can be written with.
var addrRun = regexp.MustCompile(`[0-9A-Fa-f:.]+`)

// dotted matches decimal numbers joined by dots.
var dotted = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)*`)

// macRun matches two-digit hexadecimal groups joined by colons.
var macRun = regexp.MustCompile(`^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+$`)

// unpaddedMAC matches six one- or two-digit groups joined by colons.
var unpaddedMAC = regexp.MustCompile(`^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}$`)

var (
	dashMAC  = regexp.MustCompile(`[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}`)
	ciscoMAC = regexp.MustCompile(`[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}`)
	// ipDashed is the address in EC2-style names: ip-10-1-2-3.
	ipDashed = regexp.MustCompile(`(?i)ip-([0-9]{1,3})-([0-9]{1,3})-([0-9]{1,3})-([0-9]{1,3})`)
)

// replaceAllBounded replaces the matches of re that no letter, digit or
// sep (or the pattern's own separators) directly touch, with f's result.
func replaceAllBounded(s string, re *regexp.Regexp, extra string, f func(string) (string, bool)) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if i < last {
			continue
		}
		if i > 0 && (isAlnum(s[i-1]) || strings.IndexByte(extra, s[i-1]) >= 0) {
			continue
		}
		if j < len(s) && (isAlnum(s[j]) || strings.IndexByte(extra, s[j]) >= 0 && j+1 < len(s) && isAlnum(s[j+1])) {
			continue
		}
		rep, ok := f(s[i:j])
		if !ok {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func (r *Redactor) addresses(s string) string {
	if strings.Contains(s, "-") {
		s = replaceAllBounded(s, dashMAC, "-:", func(m string) (string, bool) {
			return r.macNotation(m, '-'), true
		})
	}
	s = replaceAllBounded(s, ciscoMAC, ".:", func(m string) (string, bool) {
		raw := strings.ReplaceAll(m, ".", "")
		c := raw[0:2] + ":" + raw[2:4] + ":" + raw[4:6] + ":" + raw[6:8] + ":" + raw[8:10] + ":" + raw[10:12]
		p := strings.ReplaceAll(r.mac(c), ":", "")
		return p[0:4] + "." + p[4:8] + "." + p[8:12], true
	})
	if !strings.Contains(s, "ip-") && !strings.Contains(s, "IP-") && !strings.Contains(s, "Ip-") {
		return r.addressRuns(s)
	}
	s = replaceAllBounded(s, ipDashed, "-", func(m string) (string, bool) {
		a, err := netip.ParseAddr(strings.ReplaceAll(m[3:], "-", "."))
		if err != nil {
			return "", false
		}
		return m[:3] + strings.ReplaceAll(r.mapAddr(a).String(), ".", "-"), true
	})
	return r.addressRuns(s)
}

// addressRuns replaces the addresses and MACs written with hex digits,
// colons and dots.
func (r *Redactor) addressRuns(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range addrRun.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		run := s[i:j]
		var rep string
		if strings.Count(run, ":") >= 2 {
			rep = r.colonRun(s, i, j)
		} else {
			rep = r.dottedIn(s, i, j)
		}
		if rep == run {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// macNotation maps a MAC written with sep between two-digit groups.
func (r *Redactor) macNotation(m string, sep byte) string {
	c := strings.ReplaceAll(m, string(sep), ":")
	return strings.ReplaceAll(r.mac(c), ":", string(sep))
}

// colonRun handles a run with two or more colons: a MAC or other hardware
// address, an IPv6 address (possibly followed by :port or .port) or,
// failing those, ip:port pieces.
func (r *Redactor) colonRun(s string, i, j int) string {
	run := s[i:j]
	if macRun.MatchString(run) {
		groups := strings.Split(run, ":")
		switch {
		case len(groups) == 6:
			return r.mac(run)
		case len(groups) >= 12 && strings.HasSuffix(s[:i], "MAC="):
			// 12 groups are 35 characters; what follows is the EtherType
			return r.mac(run[:17]) + ":" + r.mac(run[18:35]) + run[35:]
		case len(groups) == 20:
			return r.infiniband(run)
		case len(groups) == 8:
			return r.hw(run)
		}
	}
	if unpaddedMAC.MatchString(run) {
		return r.unpadded(run)
	}
	// Trim what cannot belong to the address: trailing dots (end of a
	// sentence), a lone leading colon ("addr:fe80::1"), a lone trailing one.
	lo, hi := i, j
	for hi > lo && s[hi-1] == '.' {
		hi--
	}
	if hi-lo >= 2 && s[lo] == ':' && s[lo+1] != ':' {
		lo++
	}
	if hi-lo >= 2 && s[hi-1] == ':' && s[hi-2] != ':' {
		hi--
	}
	if a, ok := parse6(s[lo:hi]); ok {
		return s[i:lo] + r.addrWithSuffix(a, s, lo, hi) + s[hi:j]
	}
	// address:port as old ss prints it, without brackets; address.port as
	// tcpdump prints it
	for _, sep := range []byte{':', '.'} {
		if k := strings.LastIndexByte(s[lo:hi], sep); k > 0 && isPort(s[lo+k+1:hi]) {
			if a, ok := parse6(s[lo : lo+k]); ok {
				return s[i:lo] + r.format(s[lo:lo+k], a, r.mapAddr(a)) + s[lo+k:j]
			}
		}
	}
	return r.dottedIn(s, i, j)
}

func parse6(s string) (netip.Addr, bool) {
	if !strings.Contains(s, ":") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535 && (s == "0" || s[0] != '0')
}

// dottedIn replaces the IPv4 addresses among the dotted numbers of s[i:j].
func (r *Redactor) dottedIn(s string, i, j int) string {
	run := s[i:j]
	var b strings.Builder
	last := 0
	for _, m := range dotted.FindAllStringIndex(run, -1) {
		a0, a1 := i+m[0], i+m[1]
		rep, ok := r.quad(s, a0, a1)
		if !ok {
			continue
		}
		b.WriteString(run[last:m[0]])
		b.WriteString(rep)
		last = m[1]
	}
	if last == 0 {
		return run
	}
	b.WriteString(run[last:])
	return b.String()
}

// quad decides whether the dotted number s[i:j] is an IPv4 address (or
// tcpdump's address.port) and returns its replacement.
func (r *Redactor) quad(s string, i, j int) (string, bool) {
	parts := strings.Split(s[i:j], ".")
	if len(parts) != 4 && len(parts) != 5 {
		return "", false
	}
	if len(parts) == 5 && !isPort(parts[4]) {
		return "", false
	}
	for _, p := range parts[:4] {
		if len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return "", false
		}
		if n, _ := strconv.Atoi(p); n > 255 {
			return "", false
		}
	}
	// Version context: "v1.2.3.4", "keepalived-2.0.20.1"; but
	// "peer-198.51.100.77" is an address.
	if i > 0 && isLetter(s[i-1]) {
		return "", false
	}
	if i > 1 && s[i-1] == '-' && isLetter(s[i-2]) && looksLikeVersion(parts[:4]) {
		return "", false
	}
	a := netip.MustParseAddr(strings.Join(parts[:4], "."))
	end := i + len(a.String())
	out := r.addrWithSuffix(a, s, i, end)
	if len(parts) == 5 {
		out += "." + parts[4]
	}
	return out, true
}

// looksLikeVersion reports whether a quad after "name-" reads as a version:
// a first number below 10 and all below 100.
func looksLikeVersion(parts []string) bool {
	for k, p := range parts {
		n, _ := strconv.Atoi(p)
		if n >= 100 || k == 0 && n >= 10 {
			return false
		}
	}
	return true
}

// addrWithSuffix maps a, written as s[start:end]; when a is followed by
// /len and has no host bits set, the mapped address is written with its
// host bits cleared too.
func (r *Redactor) addrWithSuffix(a netip.Addr, s string, start, end int) string {
	orig := s[start:end]
	m := r.mapAddr(a)
	if end < len(s) && s[end] == '/' {
		k := end + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if n, err := strconv.Atoi(s[end+1 : k]); err == nil && k-end <= 4 {
			if p, err := a.Unmap().Prefix(n); err == nil && p.Addr() == a.Unmap() && n > 0 {
				if q, err := m.Unmap().Prefix(n); err == nil {
					return r.format(orig, a, q.Addr())
				}
			}
		}
	}
	return r.format(orig, a, m)
}

// format writes m in the form a was written as orig: v4-mapped IPv6 keeps
// ::ffff:, the full eight-group form (ip_vs, conntrack) stays full, upper
// case stays upper case.
func (r *Redactor) format(orig string, a, m netip.Addr) string {
	var out string
	switch {
	case a.Is4In6() && strings.Contains(orig, "."):
		out = "::ffff:" + m.Unmap().String()
	case a.Is6() && len(orig) == 39 && strings.Count(orig, ":") == 7:
		b := m.As16()
		g := make([]string, 8)
		for k := range g {
			g[k] = fmt.Sprintf("%02x%02x", b[2*k], b[2*k+1])
		}
		out = strings.Join(g, ":")
	default:
		out = m.String()
	}
	return caseLike(orig, out)
}

type prefix struct {
	p    netip.Prefix
	keep bool // the whole range is left as it is
}

var fixed4 = []prefix{
	{netip.MustParsePrefix("0.0.0.0/8"), true},
	{netip.MustParsePrefix("127.0.0.0/8"), true},
	{netip.MustParsePrefix("224.0.0.0/3"), true},
	{netip.MustParsePrefix("10.0.0.0/8"), false},
	{netip.MustParsePrefix("172.16.0.0/12"), false},
	{netip.MustParsePrefix("192.168.0.0/16"), false},
	{netip.MustParsePrefix("100.64.0.0/10"), false},
	{netip.MustParsePrefix("169.254.0.0/16"), false},
}

var fixed6 = []prefix{
	{netip.MustParsePrefix("::/127"), true},
	{netip.MustParsePrefix("ff00::/8"), true},
	{netip.MustParsePrefix("2001:db8::/32"), true},
	{netip.MustParsePrefix("fe80::/64"), false},
	{netip.MustParsePrefix("fc00::/7"), false},
}

// mapAddr returns a's pseudonym; v4-mapped addresses map their IPv4 part.
func (r *Redactor) mapAddr(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return netip.AddrFrom16(r.mapAddr(a.Unmap()).As16())
	}
	if m, ok := r.addrs[a]; ok {
		return m
	}
	var m netip.Addr
	if a.Is4() {
		b := a.As4()
		r.permute('4', b[:], fixed4)
		m = netip.AddrFrom4(b)
	} else {
		b := a.As16()
		r.permute('6', b[:], fixed6)
		m = netip.AddrFrom16(b)
	}
	r.addrs[a] = m
	return m
}

// permute applies the prefix-preserving map to a in place. Output bit i is
// input bit i XOR flip(first i input bits). The flip is forced to zero on
// the path to every fixed prefix, so each fixed range maps onto itself and
// nothing else maps into it; inside a kept range every flip is zero.
func (r *Redactor) permute(tag byte, a []byte, fixed []prefix) {
	orig := append([]byte(nil), a...)
	addr, _ := netip.AddrFromSlice(orig)
	for _, f := range fixed {
		if f.keep && f.p.Contains(addr) {
			return
		}
	}
	nbits := len(a) * 8
	for i := 0; i < nbits; i++ {
		forced := false
		for _, f := range fixed {
			if i < f.p.Bits() && sharePrefix(orig, f.p.Addr().AsSlice(), i) {
				forced = true
				break
			}
		}
		if !forced && r.flip(tag, orig, i) {
			a[i/8] ^= 0x80 >> (i % 8)
		}
	}
}

func sharePrefix(a, b []byte, bits int) bool {
	for k := 0; k < bits; k++ {
		if (a[k/8]^b[k/8])&(0x80>>(k%8)) != 0 {
			return false
		}
	}
	return true
}

// flip is the keyed bit for the node of the address tree given by the first
// i bits of a.
func (r *Redactor) flip(tag byte, a []byte, i int) bool {
	msg := make([]byte, 2+len(a))
	msg[0], msg[1] = tag, byte(i)
	for k := 0; k < i; k++ {
		msg[2+k/8] |= a[k/8] & (0x80 >> (k % 8))
	}
	key := string(msg)
	if v, ok := r.flips[key]; ok {
		return v
	}
	h := hmac.New(sha256.New, r.key)
	h.Write(msg)
	v := h.Sum(nil)[0]&1 == 1
	r.flips[key] = v
	return v
}

// mac maps one aa:bb:cc:dd:ee:ff address.
func (r *Redactor) mac(s string) string {
	low := strings.ToLower(s)
	if low == "00:00:00:00:00:00" || low == "ff:ff:ff:ff:ff:ff" {
		return s
	}
	first, _ := strconv.ParseUint(low[:2], 16, 8)
	if first&1 == 1 { // group (multicast) address
		return s
	}
	if m, ok := r.macs[low]; ok {
		return caseLike(s, m)
	}
	sum := r.hmac("mac", low)
	m := fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4])
	r.macs[low] = m
	return caseLike(s, m)
}

// unpadded maps a MAC written with one-digit groups (a:b:0:c:d:e); the
// pseudonym is written unpadded too.
func (r *Redactor) unpadded(s string) string {
	groups := strings.Split(s, ":")
	for k, g := range groups {
		if len(g) == 1 {
			groups[k] = "0" + g
		}
	}
	m := strings.Split(r.mac(strings.Join(groups, ":")), ":")
	for k, g := range m {
		if len(g) == 2 && g[0] == '0' {
			m[k] = g[1:]
		}
	}
	return caseLike(s, strings.Join(m, ":"))
}

// infiniband maps a 20-byte IPoIB hardware address: the first four bytes
// (flags, queue pair number) are kept, the 16-byte GID is mapped as the
// IPv6 address it is.
func (r *Redactor) infiniband(s string) string {
	b, _ := hexBytes(strings.ReplaceAll(s, ":", ""))
	gid, _ := netip.AddrFromSlice(b[4:])
	m := r.mapAddr(gid).As16()
	copy(b[4:], m[:])
	return caseLike(s, colonHex(b))
}

// hw maps another hardware address written as two-digit colon groups
// (EUI-64, WWN) like a MAC: a fixed first byte, the rest keyed.
func (r *Redactor) hw(s string) string {
	low := strings.ToLower(s)
	if strings.Trim(strings.ReplaceAll(low, ":", ""), "0") == "" || strings.Trim(strings.ReplaceAll(low, ":", ""), "f") == "" {
		return s
	}
	if m, ok := r.hws[low]; ok {
		return caseLike(s, m)
	}
	sum := r.hmac("hw", low)
	n := strings.Count(low, ":") + 1
	b := append([]byte{0x02}, sum[:n-1]...)
	m := colonHex(b)
	r.hws[low] = m
	return caseLike(s, m)
}

func colonHex(b []byte) string {
	g := make([]string, len(b))
	for k, c := range b {
		g[k] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(g, ":")
}

func hexBytes(s string) ([]byte, bool) {
	b := make([]byte, len(s)/2)
	for k := range b {
		v, err := strconv.ParseUint(s[2*k:2*k+2], 16, 8)
		if err != nil {
			return nil, false
		}
		b[k] = byte(v)
	}
	return b, true
}

func caseLike(orig, m string) string {
	if strings.ToUpper(orig) == orig && strings.ToLower(orig) != orig {
		return strings.ToUpper(m)
	}
	return m
}
