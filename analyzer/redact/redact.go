// Package redact replaces identifiers in reports and artifact text with
// consistent pseudonyms, so that a report can leave the customer's site
// while still reading the same way: the same address always becomes the
// same pseudonym, addresses in one subnet stay in one subnet, ports and
// prefix lengths stay, and host and user names become host-1, user-1, ...
//
// What is replaced:
//
//   - IPv4 addresses, alone or as ip:port, a.b.c.d/len, tcpdump's
//     a.b.c.d.port, and inside IPv6 as ::ffff:a.b.c.d. The mapping is
//     prefix-preserving (in the manner of Crypto-PAn): output bit i is input
//     bit i XOR a bit derived by HMAC-SHA256 from the key and the first i
//     input bits, so two addresses sharing their first k bits map to two
//     addresses sharing exactly their first k bits. 0.0.0.0/8, 127.0.0.0/8
//     and 224.0.0.0/3 (multicast, reserved, netmasks such as 255.255.255.0,
//     255.255.255.255) are left as they are. The private and special ranges
//     10/8, 172.16/12, 192.168/16, 100.64/10 and 169.254/16 keep their prefix
//     and only the rest is pseudonymised, so a private address stays private
//     and no public address becomes private. A network written as CIDR with
//     zero host bits is written back with zero host bits.
//   - IPv6 addresses, alone, bracketed with a port ([v6]:port) or, as old ss
//     prints them, followed by :port when the address part alone parses.
//     Same scheme over 128 bits; ::, ::1, ff00::/8 and 2001:db8::/32 are
//     left alone, fe80::/64 and fc00::/7 keep their prefix.
//   - MAC addresses written aa:bb:cc:dd:ee:ff become 02:xx:xx:xx:xx:xx (a
//     locally administered unicast address); all-zero, broadcast and
//     multicast MACs are kept. The MAC= field of iptables LOG lines
//     (destination MAC, source MAC, EtherType) has both MACs replaced.
//   - Host names registered with AddHost become host-1, host-2, ... in
//     registration order, their domains domain-1.example, ...; user names
//     registered with AddUser become user-1, ... Names match whole words
//     only (a letter or digit next to them prevents a match), as registered
//     or in lower case.
//
// Decided limits:
//
//   - A dotted quad directly after a letter, or after a letter and '-'
//     ("v1.2.3.4", "keepalived-2.0.20.1"), is read as a version and kept.
//     Any other dotted quad that is a valid IPv4 address, a bare
//     "4.18.0.80" included, is treated as an address: on its own it cannot
//     be told from one, and leaking an address is worse than hiding a
//     version. Three-part versions ("3.10.0-693.el7", "1.2.1") are never
//     addresses. A valid quad followed by a fifth number up to 65535 is
//     read as tcpdump's address.port; longer dotted numbers (SNMP OIDs) are
//     kept.
//   - An unbracketed IPv6 address followed by :port is ambiguous when the
//     whole still parses as an address ("fe80::1:8080"); it is then
//     pseudonymised as one address.
//   - Host bits are pseudonymised like any others: a broadcast address
//     (10.20.0.255) or a network written without its length (route -n's
//     10.20.0.0) stays in the right mapped subnet but no longer ends in
//     .255 or .0.
//   - Hexadecimal addresses (/proc/net/tcp, /proc/net/ip_vs) and other
//     hardware address formats are not recognised.
//
// The mapping depends only on the key; New(nil) uses a fixed default key so
// that runs are reproducible. A Redactor is safe for concurrent use.
package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// DefaultKey is the key New uses when given none.
var DefaultKey = []byte("nettriage-redact-v1")

// Redactor holds the key, the registered names and the pseudonyms handed
// out so far.
type Redactor struct {
	mu    sync.Mutex
	key   []byte
	flips map[string]bool
	addrs map[netip.Addr]netip.Addr
	macs  map[string]string

	hosts   map[string]string // name (as registered and lower case) → host-N
	nhosts  int
	domains map[string]string // domain → domain-N.example
	users   map[string]string
	nusers  int
	names   *regexp.Regexp // hosts, domains and users, longest first; nil when none
}

// New returns a Redactor keyed by key, or by DefaultKey when key is empty.
func New(key []byte) *Redactor {
	if len(key) == 0 {
		key = DefaultKey
	}
	return &Redactor{
		key:     append([]byte(nil), key...),
		flips:   map[string]bool{},
		addrs:   map[netip.Addr]netip.Addr{},
		macs:    map[string]string{},
		hosts:   map[string]string{},
		domains: map[string]string{},
		users:   map[string]string{},
	}
}

// AddHost registers a host name. A fully qualified name registers its first
// label as the host and the rest as its domain. "localhost" and address
// literals are ignored; a name registered twice keeps its pseudonym.
func (r *Redactor) AddHost(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addHost(name)
}

func (r *Redactor) addHost(name string) {
	name = strings.TrimSuffix(strings.TrimSpace(name), ".")
	if name == "" || !validName(name) {
		return
	}
	if _, err := netip.ParseAddr(name); err == nil || isAllDigitsDots(name) {
		return
	}
	short, domain, _ := strings.Cut(name, ".")
	if strings.EqualFold(short, "localhost") {
		return
	}
	pseudonym(r.hosts, &r.nhosts, "host", short)
	if domain != "" {
		r.addDomain(domain)
	}
	r.names = nil
}

func (r *Redactor) addDomain(d string) {
	d = strings.ToLower(d)
	if d == "" || d == "localdomain" || strings.HasSuffix(d, ".example") {
		return
	}
	if _, ok := r.domains[d]; !ok {
		r.domains[d] = fmt.Sprintf("domain-%d.example", len(r.domains)+1)
		r.names = nil
	}
}

// AddUser registers a user name. "root" is ignored: it names no one.
func (r *Redactor) AddUser(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name = strings.TrimSpace(name)
	if name == "" || name == "root" || !validName(name) {
		return
	}
	pseudonym(r.users, &r.nusers, "user", name)
	r.names = nil
}

// pseudonym gives name (and its lower-case form) the pseudonym it already
// has in table, or the next "kind-N".
func pseudonym(table map[string]string, n *int, kind, name string) {
	p, ok := table[name]
	if !ok {
		p, ok = table[strings.ToLower(name)]
	}
	if !ok {
		*n++
		p = fmt.Sprintf("%s-%d", kind, *n)
	}
	table[name] = p
	table[strings.ToLower(name)] = p
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func isAllDigitsDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(isDigit(s[i]) || s[i] == '.') {
			return false
		}
	}
	return true
}

// Text returns s with addresses and registered names replaced.
func (r *Redactor) Text(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learnDomains(s)
	return r.names2(r.addresses(s))
}

// ---- addresses ----

// addrRun matches the characters an address or MAC can be written with.
var addrRun = regexp.MustCompile(`[0-9A-Fa-f:.]+`)

// dotted matches decimal numbers joined by dots.
var dotted = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)*`)

// macRun matches two-digit hexadecimal groups joined by colons.
var macRun = regexp.MustCompile(`^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+$`)

func (r *Redactor) addresses(s string) string {
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

// colonRun handles a run with two or more colons: a MAC, an IPv6 address
// (possibly followed by :port) or, failing both, ip:port pieces.
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
		}
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
		return s[i:lo] + r.addrWithSuffix(a, s, hi) + s[hi:j]
	}
	// address:port as old ss prints it, without brackets
	if k := strings.LastIndexByte(s[lo:hi], ':'); k > 0 && isPort(s[lo+k+1:hi]) {
		if a, ok := parse6(s[lo : lo+k]); ok {
			return s[i:lo] + r.format(a, r.mapAddr(a)) + s[lo+k:j]
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
	// Version context: "v1.2.3.4", "keepalived-2.0.20.1".
	if i > 0 && isLetter(s[i-1]) {
		return "", false
	}
	if i > 1 && s[i-1] == '-' && isLetter(s[i-2]) {
		return "", false
	}
	a := netip.MustParseAddr(strings.Join(parts[:4], "."))
	end := i + len(a.String())
	out := r.addrWithSuffix(a, s, end)
	if len(parts) == 5 {
		out += "." + parts[4]
	}
	return out, true
}

// addrWithSuffix maps a; when a is followed by /len and has no host bits
// set, the mapped address is written with its host bits cleared too.
func (r *Redactor) addrWithSuffix(a netip.Addr, s string, end int) string {
	m := r.mapAddr(a)
	if end < len(s) && s[end] == '/' {
		k := end + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if n, err := strconv.Atoi(s[end+1 : k]); err == nil && k-end <= 4 {
			if p, err := a.Unmap().Prefix(n); err == nil && p.Addr() == a.Unmap() && n > 0 {
				if q, err := m.Unmap().Prefix(n); err == nil {
					return r.format(a, q.Addr())
				}
			}
		}
	}
	return r.format(a, m)
}

// format writes m in the form a was written: v4-mapped IPv6 keeps ::ffff:.
func (r *Redactor) format(a, m netip.Addr) string {
	if a.Is4In6() {
		return "::ffff:" + m.Unmap().String()
	}
	return m.String()
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
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte("mac:" + low))
	sum := h.Sum(nil)
	m := fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3], sum[4])
	r.macs[low] = m
	return caseLike(s, m)
}

func caseLike(orig, m string) string {
	if strings.ToUpper(orig) == orig && strings.ToLower(orig) != orig {
		return strings.ToUpper(m)
	}
	return m
}

// ---- names ----

// names2 replaces registered host, domain and user names.
func (r *Redactor) names2(s string) string {
	re := r.namesRegexp()
	if re == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if i < last || (i > 0 && isAlnum(s[i-1])) || (j < len(s) && isAlnum(s[j])) {
			continue
		}
		word := s[i:j]
		var rep string
		if p, ok := r.hosts[word]; ok {
			rep = p
			// an FQDN: the host followed by a registered domain
			if d, k := r.domainAt(s, j); k > j {
				rep += "." + d
				j = k
			}
		} else if p, ok := r.users[word]; ok {
			rep = p
		} else if p, ok := r.domains[strings.ToLower(word)]; ok {
			if j+1 < len(s) && s[j] == '.' && isAlnum(s[j+1]) {
				continue
			}
			rep = p
		} else {
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

// domainAt returns the pseudonym of the registered domain that follows
// s[:j] as ".domain", and where it ends; k == j when there is none.
func (r *Redactor) domainAt(s string, j int) (string, int) {
	if j >= len(s) || s[j] != '.' {
		return "", j
	}
	k := j + 1
	for k < len(s) && (isAlnum(s[k]) || s[k] == '-' || s[k] == '.') {
		k++
	}
	cand := strings.ToLower(strings.TrimRight(s[j+1:k], "."))
	// the longest registered domain that is a label-prefix of cand
	for cand != "" {
		if p, ok := r.domains[cand]; ok {
			return p, j + 1 + len(cand)
		}
		dot := strings.LastIndexByte(cand, '.')
		if dot < 0 {
			break
		}
		cand = cand[:dot]
	}
	return "", j
}

// fqdnTail matches the domain part of an FQDN: two or more labels.
var fqdnTail = regexp.MustCompile(`^(\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?){2,}`)

// learnDomains registers the domain of every FQDN form of a registered host
// in s: the host followed by at least two more labels, unless the last one
// is a file suffix.
func (r *Redactor) learnDomains(s string) {
	re := r.namesRegexp()
	if re == nil {
		return
	}
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if _, ok := r.hosts[s[i:j]]; !ok || (i > 0 && isAlnum(s[i-1])) {
			continue
		}
		t := fqdnTail.FindString(s[j:])
		if t == "" || fileSuffix[strings.ToLower(t[strings.LastIndexByte(t, '.')+1:])] {
			continue
		}
		r.addDomain(t[1:])
	}
}

// fileSuffix lists file name endings that make "node-1.log.gz" a file name
// rather than a host in a domain.
var fileSuffix = map[string]bool{"txt": true, "log": true, "gz": true, "xz": true, "bz2": true, "tar": true,
	"tgz": true, "zip": true, "conf": true, "json": true, "yaml": true, "yml": true, "out": true, "pcap": true}

func (r *Redactor) namesRegexp() *regexp.Regexp {
	if r.names != nil {
		return r.names
	}
	var all []string
	for _, m := range []map[string]string{r.hosts, r.users, r.domains} {
		for k := range m {
			all = append(all, k)
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.Slice(all, func(a, b int) bool {
		if len(all[a]) != len(all[b]) {
			return len(all[a]) > len(all[b])
		}
		return all[a] < all[b]
	})
	for k, s := range all {
		all[k] = regexp.QuoteMeta(s)
	}
	// Hosts and users are in the maps as registered and in lower case,
	// domains in lower case.
	r.names = regexp.MustCompile(strings.Join(all, "|"))
	return r.names
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
