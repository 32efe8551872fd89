// Package redact replaces identifiers in reports and artifact text with
// consistent pseudonyms, so that a report can leave the customer's site
// while still reading the same way: the same address always becomes the
// same pseudonym, addresses in one subnet stay in one subnet, ports and
// prefix lengths stay, and host, domain and user names become host-3fa9c2,
// domain-81d0e4.example, user-5b12aa.
//
// # Keys
//
// Every pseudonym is derived from a secret key with HMAC-SHA256. New(nil)
// draws a fresh random 32-byte key from crypto/rand, so two redactions of
// one bundle give unrelated pseudonyms and nobody, the authors of this
// package included, can compute them. A caller that wants pseudonyms stable
// across reports (one case, several bundles) passes its own key: NewKey
// makes one, ParseKey reads one from a key file (hex, base64 or at least 16
// raw bytes). Earlier versions used a fixed key written in the source; with
// it anyone could invert an IPv4 pseudonym octet by octet and a MAC by
// brute force over one vendor prefix. Whoever holds the key can do the
// same, so the key must be treated like the original data. Table lists the
// original → pseudonym pairs handed out, for a map kept on site (WriteMap).
//
// # What is replaced
//
//   - IPv4 addresses, alone or as ip:port, a.b.c.d/len, tcpdump's
//     a.b.c.d.port, inside IPv6 as ::ffff:a.b.c.d, inside names such as
//     ip-10-1-2-3(.ec2.internal) and peer-198.51.100.77, and in the kernel's
//     hexadecimal forms: /proc/net/tcp and udp ("0100007F:0050", the address
//     as a little-endian 32-bit word), /proc/net/ip_vs ("0A000001:0050",
//     big-endian) and /proc/net/ip_vs_conn ("0A000001 0050", big-endian).
//     A pseudonym is written back in the form the original had, so the text
//     still parses. The mapping is prefix-preserving (in the manner of
//     Crypto-PAn): output bit i is input bit i XOR a bit derived by
//     HMAC-SHA256 from the key and the first i input bits, so two addresses
//     sharing their first k bits map to two addresses sharing exactly their
//     first k bits.
//   - IPv6 addresses, alone, bracketed with a port ([v6]:port), followed by
//     :port when the address part alone parses (old ss), tcpdump's
//     v6.port, the full eight-group form of /proc/net/ip_vs and conntrack
//     (written back in full form) and the 32-digit hexadecimal form of
//     /proc/net/tcp6 (four little-endian 32-bit words). Same scheme over 128
//     bits.
//   - MAC addresses written aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff,
//     aabb.ccdd.eeff (Cisco) or unpadded (a:b:0:c:d:e) become a locally
//     administered unicast address 02:xx:xx:xx:xx:xx in the same notation;
//     all-zero, broadcast and multicast MACs are kept. The MAC= field of
//     iptables LOG lines has both MACs replaced. 20-byte InfiniBand hardware
//     addresses keep their first four bytes (flags and queue pair number);
//     the 16-byte port GID that follows is mapped as an IPv6 address, so it
//     matches the GID written as an address elsewhere. 8-byte hardware
//     addresses (EUI-64, WWN) are replaced like MACs.
//   - Host names, domains and user names, matched as whole words and
//     case-insensitively (WEB-1 is web-1). They are registered with AddHost
//     and AddUser or learnt from text (Learn, Text and Report learn before
//     they rewrite): shell prompts ([alice@web-1 ~]#, alice@web-1:~$), the
//     host field of syslog lines, sosreport names, ssh/scp user@host, e-mail
//     addresses, FQDNs ending in an internal suffix (.internal, .local,
//     .lan, .corp, ...) or having a corp/internal/intra label
//     (lb-7.corp.acme.com), other FQDN forms of known hosts and other hosts
//     in known domains; user names from prompts, /home/NAME paths and the
//     USER column of ps aux, ps -ef and lsof. System accounts (nginx,
//     www-data, systemd-*, ...) and a user named like the process it runs
//     are kept: they name software, not people. Numeric uids are kept.
//
// # What is kept, and what redaction still reveals
//
//   - 0.0.0.0/8, 127.0.0.0/8 and 224.0.0.0/3 (multicast, reserved, netmasks
//     such as 255.255.255.0) are left as they are: they are the same on
//     every machine, and a rewritten 127.0.0.1 or netmask would mislead.
//     ::, ::1, ff00::/8 and 2001:db8::/32 likewise.
//   - The private and special ranges 10/8, 172.16/12, 192.168/16, 100.64/10,
//     169.254/16, fe80::/64 and fc00::/7 keep their prefix and only the rest
//     is pseudonymised, so a private address stays private and no public
//     address becomes private. Addresses everyone knows inside them
//     (Kubernetes' 10.96.0.1 and 10.96.0.10, the metadata service
//     169.254.169.254, a gateway at .1) are pseudonymised like any other.
//   - Prefix structure is revealed by design: which addresses share a
//     subnet, and how long the shared prefix is. This is also the scheme's
//     known weakness: a reader who recognises one pseudonym (say the
//     address answering on port 53 in a Kubernetes cluster is surely
//     10.96.0.10) learns the keyed bits along that address's path, and
//     with them the original first k+1 bits of every pseudonym that shares
//     k bits with it. Each recognised address uncovers its neighbourhood;
//     nothing outside it.
//   - Ports, prefix lengths, uids, process names, rule ids, kernel symbols
//     and counter names are kept. Host and user pseudonyms are keyed: the
//     same key gives the same pseudonym in every report.
//
// # Decided limits
//
//   - A dotted quad directly after a letter ("v1.2.3.4"), or after a letter
//     and '-' with all four numbers below 100 and the first below 10
//     ("keepalived-2.0.20.1"), is read as a version and kept. Any other
//     dotted quad that is a valid IPv4 address, a bare "4.18.0.80" included,
//     is treated as an address: leaking an address is worse than hiding a
//     version. Three-part versions ("3.10.0-693.el7") are never addresses.
//     A valid quad followed by a fifth number up to 65535 is read as
//     tcpdump's address.port; longer dotted numbers (SNMP OIDs) are kept.
//   - An unbracketed IPv6 address followed by :port is ambiguous when the
//     whole still parses as an address ("fe80::1:8080"); it is then
//     pseudonymised as one address.
//   - Host bits are pseudonymised like any others: a broadcast address
//     (10.20.0.255) stays in the right mapped subnet but no longer ends in
//     .255. A network written as CIDR with zero host bits keeps them.
//   - Eight hexadecimal digits, a colon and four more are read as an address
//     and a port: little-endian on a /proc/net/tcp row (a line starting
//     "N:"), big-endian (ip_vs) anywhere else.
//   - A host name that is also an ordinary word is replaced wherever the
//     word appears, rule-written text included.
//
// A Redactor is safe for concurrent use.
package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// MinKeyLen is the shortest key ParseKey accepts, in bytes.
const MinKeyLen = 16

// Redactor holds the key, the registered names and the pseudonyms handed
// out so far.
type Redactor struct {
	mu    sync.Mutex
	key   []byte
	flips map[string]bool
	addrs map[netip.Addr]netip.Addr
	macs  map[string]string // canonical aa:bb:.. lower case → pseudonym, same notation
	hws   map[string]string // other hardware addresses (canonical) → pseudonym

	hosts   *nameTable
	domains *nameTable
	users   *nameTable
	names   *regexp.Regexp // hosts, domains and users, longest first; nil when none
}

// New returns a Redactor keyed by key or, when key is empty, by a fresh
// random 32-byte secret: its pseudonyms cannot be computed by anyone, and
// differ from one Redactor to the next.
func New(key []byte) *Redactor {
	if len(key) == 0 {
		key = NewKey()
	}
	r := &Redactor{
		key:   append([]byte(nil), key...),
		flips: map[string]bool{},
		addrs: map[netip.Addr]netip.Addr{},
		macs:  map[string]string{},
		hws:   map[string]string{},
	}
	r.hosts = newNameTable(r, "host", "")
	r.domains = newNameTable(r, "domain", ".example")
	r.users = newNameTable(r, "user", "")
	return r
}

// NewKey returns a fresh random 32-byte key (for a page's per-case secret,
// or to write a key file).
func NewKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("redact: crypto/rand failed: " + err.Error())
	}
	return k
}

// ParseKey reads a key file's content: hexadecimal, base64 (standard or
// URL alphabet, padded or not) or raw bytes, surrounding whitespace trimmed,
// tried in that order. The key must be at least MinKeyLen bytes once
// decoded; content that is all hex digits is always read as hex.
func ParseKey(data []byte) ([]byte, error) {
	s := strings.TrimSpace(string(data))
	if s == "" {
		return nil, fmt.Errorf("redact key is empty; want at least %d bytes (hex, base64 or raw), e.g. from: head -c 32 /dev/urandom | base64", MinKeyLen)
	}
	if b, err := hex.DecodeString(s); err == nil {
		if len(b) < MinKeyLen {
			return nil, fmt.Errorf("redact key is %d bytes of hex; want at least %d bytes, e.g. from: head -c 32 /dev/urandom | base64", len(b), MinKeyLen)
		}
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) >= MinKeyLen {
			return b, nil
		}
	}
	if len(s) >= MinKeyLen {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("redact key is %d bytes after trimming whitespace; want at least %d (hex, base64 or raw), e.g. from: head -c 32 /dev/urandom | base64", len(s), MinKeyLen)
}

// mac returns the keyed HMAC of tag and s.
func (r *Redactor) hmac(tag, s string) []byte {
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte(tag))
	h.Write([]byte{0})
	h.Write([]byte(s))
	return h.Sum(nil)
}

// Text returns s with addresses and names replaced. Names are learnt from s
// (prompts, syslog host fields, ...) before it is rewritten.
func (r *Redactor) Text(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learn(s)
	r.learnRelated(s)
	return r.text(s)
}

// text rewrites s with what is known; the lock is held.
func (r *Redactor) text(s string) string {
	return r.replaceNames(r.addresses(r.hexAddresses(s)))
}

// Learn registers the host, domain and user names s reveals, without
// rewriting anything. Calling Learn on every text before the first Text
// call makes a name seen late replaced where it appears early too.
func (r *Redactor) Learn(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learn(s)
}

// Mapping is one original → pseudonym pair.
type Mapping struct {
	Kind      string `json:"kind"` // ipv4, ipv6, mac, hw, host, domain, user
	Original  string `json:"original"`
	Pseudonym string `json:"pseudonym"`
}

// Table returns every pseudonym handed out or registered so far, sorted by
// kind then original. Addresses kept as they are (127.0.0.1, netmasks) are
// left out.
func (r *Redactor) Table() []Mapping {
	r.mu.Lock()
	defer r.mu.Unlock()
	var t []Mapping
	for a, m := range r.addrs {
		if a == m {
			continue
		}
		kind := "ipv4"
		if a.Is6() {
			kind = "ipv6"
		}
		t = append(t, Mapping{kind, a.String(), m.String()})
	}
	for o, p := range r.macs {
		if o != p {
			t = append(t, Mapping{"mac", o, p})
		}
	}
	for o, p := range r.hws {
		if o != p {
			t = append(t, Mapping{"hw", o, p})
		}
	}
	for _, nt := range []*nameTable{r.hosts, r.domains, r.users} {
		for low, p := range nt.pseudo {
			t = append(t, Mapping{nt.kind, nt.orig[low], p})
		}
	}
	sort.Slice(t, func(i, j int) bool {
		if t[i].Kind != t[j].Kind {
			return t[i].Kind < t[j].Kind
		}
		return t[i].Original < t[j].Original
	})
	return t
}

// WriteMap writes t as CSV with the header "kind,original,pseudonym" (the
// local map --redact-map writes; keep it on site).
func WriteMap(w io.Writer, t []Mapping) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"kind", "original", "pseudonym"}); err != nil {
		return err
	}
	for _, m := range t {
		if err := cw.Write([]string{m.Kind, m.Original, m.Pseudonym}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHexDigit(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
