// Package addresses parses interface address listings (`ip addr` in its
// plain, -o and -d forms, and `ifconfig`) so rules can tell which IPs —
// including keepalived VIPs and kube-ipvs0 service addresses — are local to
// a host.
package addresses

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Table is a parsed listing.
type Table struct {
	Interfaces []*Interface
	// Neighbours and FDB are the entries of `ip neigh` and `bridge fdb`,
	// which describe addresses on the link rather than on the host.
	Neighbours []*Neighbour
	FDB        []*FDBEntry
}

// Interface is one link and its addresses.
type Interface struct {
	Index int
	Name  string
	// Link is the part after "@" in "eth0@if12" (the peer ifindex of a veth
	// in another namespace) or "vlan100@eth0" (the parent device).
	Link  string
	Flags []string // UP, LOWER_UP, BROADCAST, ...
	MTU   int
	State string // UP, DOWN, UNKNOWN, ...
	MAC   string
	// LinkType is "ether", "loopback", "none", ... from the link/<type> line.
	LinkType string
	// Attrs keeps the other "key value" pairs of the header line (qdisc,
	// master, group, qlen, link-netnsid, ...).
	Attrs map[string]string
	// Details are the -d lines ("veth", "vlan protocol 802.1Q id 100",
	// "bridge_slave ...", "altname enp0s3").
	Details []string
	Addrs   []*Addr
	Src     source.Ref
}

// Addr is one address of an interface.
type Addr struct {
	Family    string // inet or inet6
	IP        string
	Prefix    int // -1 when not given
	Peer      string
	Broadcast string
	Scope     string
	Label     string // eth0, eth0:1, ...; IPv6 addresses carry none
	Secondary bool
	Dynamic   bool
	// Flags are the remaining address flags (noprefixroute, deprecated,
	// tentative, dadfailed, ...).
	Flags        []string
	ValidLft     string // "forever", "3301sec"
	PreferredLft string
	Src          source.Ref
}

// HasIP reports whether an interface carries the address ip (IPv4-mapped
// IPv6 forms match their IPv4 address).
func (t *Table) HasIP(ip string) (*Addr, bool) {
	want, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return nil, false
	}
	want = want.Unmap().WithZone("")
	for _, ifc := range t.Interfaces {
		for _, a := range ifc.Addrs {
			if got, err := netip.ParseAddr(a.IP); err == nil && got.Unmap().WithZone("") == want {
				return a, true
			}
		}
	}
	return nil, false
}

// Interface returns the interface of that name, or nil.
func (t *Table) Interface(name string) *Interface {
	for _, ifc := range t.Interfaces {
		if ifc.Name == name {
			return ifc
		}
	}
	return nil
}

// Parse reads `ip addr`, `ip -o addr`, `ip -d addr` or `ifconfig` output.
func Parse(artifact string, data []byte) (*Table, []source.Warning) {
	lines := source.Lines(data)
	for _, l := range lines {
		text := strings.TrimSpace(l.Text)
		if text == "" {
			continue
		}
		if isIfconfigHeader(l.Text) {
			return parseIfconfig(artifact, lines)
		}
		if isNeighLine(text) || isFDBLine(text) {
			return parseNeighbours(artifact, lines)
		}
		break
	}
	return parseIP(artifact, lines)
}

// parseNeighbours reads an `ip neigh` or `bridge fdb` listing.
func parseNeighbours(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{}
	warns := source.CutWarnings(lines)
	for _, l := range lines {
		if strings.TrimSpace(l.Text) == "" {
			continue
		}
		if !t.parseNeighOrFDB(artifact, l) {
			warns = append(warns, source.Warnf(l.No, "unrecognised line: %.80q", l.Text))
		}
	}
	return t, warns
}

// addrFlags are the words `ip addr` prints after the scope that are flags,
// not a label.
var addrFlags = map[string]bool{
	"secondary": true, "primary": true, "dynamic": true, "noprefixroute": true,
	"deprecated": true, "tentative": true, "dadfailed": true, "permanent": true,
	"temporary": true, "mngtmpaddr": true, "home": true, "nodad": true,
	"optimistic": true, "autojoin": true, "stable-privacy": true,
}

type ipParser struct {
	artifact string
	t        *Table
	warns    []source.Warning
	byIndex  map[int]*Interface
	cur      *Interface
	lastAddr *Addr
	// texts collects each interface's lines; joined once at the end since
	// appending to Src.Text line by line is quadratic.
	texts map[*Interface][]string
}

func parseIP(artifact string, lines []source.Line) (*Table, []source.Warning) {
	p := &ipParser{artifact: artifact, t: &Table{}, byIndex: map[int]*Interface{}, texts: map[*Interface][]string{}}
	p.warns = append(p.warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		// `ip -o` folds an interface's lines into one, joined by "\".
		for i, part := range strings.Split(l.Text, `\`) {
			p.line(l.No, part, l.Text, i > 0)
		}
	}
	for ifc, texts := range p.texts {
		ifc.Src.Text = strings.Join(texts, "\n")
	}
	return p.t, p.warns
}

func (p *ipParser) line(no int, text, fullText string, folded bool) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return
	}
	indented := text[0] == ' ' || text[0] == '\t' || folded
	if !indented {
		if !p.header(no, f, fullText) {
			p.warns = append(p.warns, source.Warnf(no, "unrecognised line: %.80q", text))
			p.cur = nil
		}
		return
	}
	if p.cur == nil {
		p.warns = append(p.warns, source.Warnf(no, "line outside an interface: %.80q", text))
		return
	}
	p.extend(no, fullText)
	switch {
	case f[0] == "inet" || f[0] == "inet6":
		a := parseAddrFields(f)
		a.Src = source.At(p.artifact, no, fullText)
		p.cur.Addrs = append(p.cur.Addrs, a)
		p.lastAddr = a
	case f[0] == "valid_lft" || f[0] == "preferred_lft":
		if p.lastAddr != nil {
			setLifetimes(p.lastAddr, f)
			if p.lastAddr.Src.Line == no || p.lastAddr.Src.EndLine == no-1 {
				p.lastAddr.Src.EndLine = no
				if p.lastAddr.Src.Text != fullText {
					p.lastAddr.Src.Text += "\n" + fullText
				}
			}
		}
	case strings.HasPrefix(f[0], "link/"):
		p.cur.LinkType = strings.TrimPrefix(f[0], "link/")
		if len(f) > 1 && strings.Count(f[1], ":") >= 5 {
			p.cur.MAC = f[1]
		}
		// -d appends "promiscuity 0 minmtu 68 ..." to this line on newer
		// iproute2; keep what follows the addresses.
		rest := f[1:]
		for len(rest) > 0 && (strings.Contains(rest[0], ":") || rest[0] == "brd" || strings.Contains(rest[0], ".")) {
			rest = rest[1:]
		}
		if len(rest) > 0 {
			if rest[0] == "link-netnsid" || rest[0] == "link-netns" {
				p.cur.attr(rest...)
			} else {
				p.cur.Details = append(p.cur.Details, strings.Join(rest, " "))
			}
		}
	default:
		p.cur.Details = append(p.cur.Details, strings.Join(f, " "))
	}
}

func (p *ipParser) extend(no int, text string) {
	if p.cur.Src.EndLine < no {
		p.cur.Src.EndLine = no
		p.texts[p.cur] = append(p.texts[p.cur], text)
	}
}

// header parses "2: eth0@if12: <BROADCAST,...> mtu 1500 qdisc ... state UP ..."
// and the -o address form "2: eth0    inet 10.0.0.5/24 ...".
func (p *ipParser) header(no int, f []string, fullText string) bool {
	if len(f) < 2 || !strings.HasSuffix(f[0], ":") {
		return false
	}
	idx, err := strconv.Atoi(strings.TrimSuffix(f[0], ":"))
	if err != nil {
		return false
	}
	name := f[1]
	oneLineAddr := !strings.HasSuffix(name, ":")
	name = strings.TrimSuffix(name, ":")
	ifc := p.byIndex[idx]
	if ifc == nil {
		ifc = &Interface{Index: idx, MTU: -1, Src: source.At(p.artifact, no, fullText)}
		ifc.Name, ifc.Link, _ = strings.Cut(name, "@")
		p.byIndex[idx] = ifc
		p.t.Interfaces = append(p.t.Interfaces, ifc)
		p.texts[ifc] = []string{fullText}
	}
	p.cur = ifc
	p.lastAddr = nil
	if oneLineAddr {
		if len(f) > 2 && (f[2] == "inet" || f[2] == "inet6") {
			a := parseAddrFields(f[2:])
			a.Src = source.At(p.artifact, no, fullText)
			ifc.Addrs = append(ifc.Addrs, a)
			p.lastAddr = a
		} else if len(f) > 2 && strings.HasPrefix(f[2], "link/") {
			p.line(no, " "+strings.Join(f[2:], " "), fullText, true)
		}
		return true
	}
	rest := f[2:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "<") {
		ifc.Flags = strings.FieldsFunc(strings.Trim(rest[0], "<>"), func(r rune) bool { return r == ',' })
		rest = rest[1:]
	}
	for i := 0; i+1 < len(rest); i += 2 {
		k, v := rest[i], rest[i+1]
		switch k {
		case "mtu":
			if n, err := strconv.Atoi(v); err == nil {
				ifc.MTU = n
			}
		case "state":
			ifc.State = v
		default:
			ifc.attr(k, v)
		}
	}
	if len(rest)%2 == 1 {
		ifc.attr(rest[len(rest)-1], "")
	}
	return true
}

func (ifc *Interface) attr(kv ...string) {
	if ifc.Attrs == nil {
		ifc.Attrs = map[string]string{}
	}
	for i := 0; i < len(kv); i += 2 {
		v := ""
		if i+1 < len(kv) {
			v = kv[i+1]
		}
		ifc.Attrs[kv[i]] = v
	}
}

// parseAddrFields parses "inet 10.20.0.6/32 brd X scope global secondary br-roller".
func parseAddrFields(f []string) *Addr {
	a := &Addr{Family: f[0], Prefix: -1}
	if len(f) < 2 {
		return a
	}
	a.IP, a.Prefix = splitPrefix(f[1])
	rest := f[2:]
	for i := 0; i < len(rest); i++ {
		tok := rest[i]
		next := ""
		if i+1 < len(rest) {
			next = rest[i+1]
		}
		switch tok {
		case "peer":
			// "inet 10.0.0.1 peer 10.0.0.2/32": the prefix belongs to the peer.
			ip, prefix := splitPrefix(next)
			a.Peer = ip
			if prefix >= 0 {
				a.Prefix = prefix
			}
			i++
		case "brd":
			a.Broadcast = next
			i++
		case "scope":
			a.Scope = next
			i++
		case "valid_lft", "preferred_lft":
			setLifetimes(a, rest[i:i+min(2, len(rest)-i)])
			i++
		case "metric", "proto":
			a.Flags = append(a.Flags, tok+" "+next)
			i++
		case "secondary":
			a.Secondary = true
		case "dynamic":
			a.Dynamic = true
		default:
			if addrFlags[tok] || a.Family != "inet" || i != len(rest)-1 {
				a.Flags = append(a.Flags, tok)
			} else {
				a.Label = tok
			}
		}
	}
	return a
}

func setLifetimes(a *Addr, f []string) {
	for i := 0; i+1 < len(f); i += 2 {
		switch f[i] {
		case "valid_lft":
			a.ValidLft = f[i+1]
		case "preferred_lft":
			a.PreferredLft = f[i+1]
		}
	}
}

// splitPrefix splits "10.0.0.1/24" into the address and 24 (-1 without a prefix).
func splitPrefix(s string) (string, int) {
	ip, pfx, ok := strings.Cut(s, "/")
	if !ok {
		return s, -1
	}
	n, err := strconv.Atoi(pfx)
	maxBits := 128
	if !strings.Contains(ip, ":") {
		maxBits = 32
	}
	if err != nil || n < 0 || n > maxBits {
		return ip, -1
	}
	return ip, n
}
