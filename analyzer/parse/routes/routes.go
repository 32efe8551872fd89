// Package routes parses routing tables (`ip route`, `ip -6 route`, `ip
// route show table all`, `route -n`) and policy rules (`ip rule`), so rules
// can tell how a host would route a destination — local, via a gateway or
// into a blackhole.
package routes

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Route is one route.
type Route struct {
	// Type is unicast, local, broadcast, blackhole, unreachable, prohibit,
	// multicast, throw, anycast or nat.
	Type string
	// Dst is "default" or a CIDR (host routes get /32 or /128).
	Dst    string
	Via    string
	Dev    string
	Src    string // preferred source address ("src" in ip route)
	Proto  string
	Scope  string
	Table  string // "main" unless the listing says otherwise
	Metric int
	Family string // inet or inet6
	// Nexthops are the "nexthop via X dev Y weight N" lines of a
	// multipath route.
	Nexthops []Nexthop
	// Flags are bare words such as onlink, linkdown, dead; for route -n
	// the Flags column letters (U, G, H, ...).
	Flags []string
	// Attrs keeps the other "key value" pairs (pref, expires, mtu, error,
	// hoplimit, ...).
	Attrs map[string]string
	Ref   source.Ref
}

// Nexthop is one path of a multipath route.
type Nexthop struct {
	Via    string
	Dev    string
	Weight int
	Flags  []string
}

// Rule is one `ip rule` line, e.g. "32766:	from all lookup main".
type Rule struct {
	Priority int
	// Selector is the match part ("from all", "from 10.0.0.0/8 fwmark 0x1").
	Selector string
	// Action is the lookup table ("main") or an action word (blackhole,
	// unreachable, prohibit, goto N).
	Action string
	Ref    source.Ref
}

// Table is a parsed listing.
type Table struct {
	Form   string // "ip", "route-n" or "ip-rule"
	Routes []*Route
	Rules  []*Rule
}

// Parse reads `ip route`, `route -n` or `ip rule` output.
func Parse(artifact string, data []byte) (*Table, []source.Warning) {
	lines := source.Lines(data)
	t := &Table{Form: "ip"}
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "Kernel" || f[0] == "Destination":
			t.Form = "route-n"
		case isRuleLine(f):
			t.Form = "ip-rule"
		}
		break
	}
	var warns []source.Warning
	switch t.Form {
	case "route-n":
		warns = parseRouteN(artifact, lines, t)
	case "ip-rule":
		warns = parseRules(artifact, lines, t)
	default:
		warns = parseIPRoute(artifact, lines, t)
	}
	return t, warns
}

func isRuleLine(f []string) bool {
	if !strings.HasSuffix(f[0], ":") {
		return false
	}
	_, err := strconv.Atoi(strings.TrimSuffix(f[0], ":"))
	return err == nil
}

var routeTypes = map[string]bool{
	"unicast": true, "local": true, "broadcast": true, "blackhole": true,
	"unreachable": true, "prohibit": true, "multicast": true, "throw": true,
	"anycast": true, "nat": true,
}

// routeFlags are the bare words ip route prints.
var routeFlags = map[string]bool{
	"onlink": true, "linkdown": true, "dead": true, "pervasive": true,
	"offload": true, "trap": true, "notify": true, "rt_offload": true,
	"rt_trap": true, "unresolved": true,
}

func parseIPRoute(artifact string, lines []source.Line, t *Table) []source.Warning {
	var warns []source.Warning
	var last *Route
	var block []string // last route's lines; joined once (appending is quadratic)
	flush := func() {
		if last != nil && len(block) > 1 {
			last.Ref.Text = strings.Join(block, "\n")
		}
		block = block[:0]
	}
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if f[0] == "nexthop" {
			if last == nil {
				warns = append(warns, source.Warnf(l.No, "nexthop without a route"))
				continue
			}
			last.Nexthops = append(last.Nexthops, parseNexthop(f[1:]))
			last.Ref.EndLine = l.No
			block = append(block, l.Text)
			continue
		}
		flush()
		r := parseRouteFields(f)
		if r == nil {
			warns = append(warns, source.Warnf(l.No, "unrecognised route: %.80q", l.Text))
			last = nil
			continue
		}
		r.Ref = source.At(artifact, l.No, l.Text)
		t.Routes = append(t.Routes, r)
		last = r
		block = append(block, l.Text)
	}
	flush()
	return warns
}

func parseRouteFields(f []string) *Route {
	r := &Route{Type: "unicast", Table: "main"}
	i := 0
	if routeTypes[f[0]] {
		r.Type = f[0]
		i++
	}
	if i >= len(f) {
		return nil
	}
	r.Dst = normaliseDst(f[i])
	if r.Dst == "" {
		return nil
	}
	i++
	for ; i < len(f); i++ {
		k := f[i]
		if routeFlags[k] {
			r.Flags = append(r.Flags, k)
			continue
		}
		if i+1 >= len(f) {
			r.Flags = append(r.Flags, k)
			break
		}
		v := f[i+1]
		i++
		switch k {
		case "via":
			// "via inet6 fe80::1" when the gateway family differs.
			if (v == "inet" || v == "inet6") && i+1 < len(f) {
				v = f[i+1]
				i++
			}
			r.Via = v
		case "dev":
			r.Dev = v
		case "src":
			r.Src = v
		case "proto":
			r.Proto = v
		case "scope":
			r.Scope = v
		case "table":
			r.Table = v
		case "metric", "priority":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				r.Metric = int(n)
			}
		default:
			r.attr(k, v)
		}
	}
	r.Family = family(r.Dst, r.Via)
	return r
}

func (r *Route) attr(k, v string) {
	if r.Attrs == nil {
		r.Attrs = map[string]string{}
	}
	r.Attrs[k] = v
}

func parseNexthop(f []string) Nexthop {
	var nh Nexthop
	for i := 0; i < len(f); i++ {
		if i+1 >= len(f) || routeFlags[f[i]] {
			nh.Flags = append(nh.Flags, f[i])
			continue
		}
		switch f[i] {
		case "via":
			nh.Via = f[i+1]
		case "dev":
			nh.Dev = f[i+1]
		case "weight":
			nh.Weight, _ = strconv.Atoi(f[i+1])
		default:
			nh.Flags = append(nh.Flags, f[i], f[i+1])
		}
		i++
	}
	return nh
}

// normaliseDst turns "0.0.0.0/0" and "::/0" into "default" and host
// addresses into /32 or /128 prefixes. It returns "" for text that is
// neither.
func normaliseDst(d string) string {
	if d == "default" {
		return d
	}
	if p, err := netip.ParsePrefix(d); err == nil {
		if p.Bits() == 0 {
			return "default"
		}
		return p.String()
	}
	if a, err := netip.ParseAddr(d); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return ""
}

func family(addrs ...string) string {
	for _, a := range addrs {
		if strings.Contains(a, ":") {
			return "inet6"
		}
	}
	return "inet"
}

// parseRouteN reads net-tools `route -n` (IPv4: Destination Gateway Genmask
// Flags Metric Ref Use Iface) and `route -n -A inet6` (Destination Next Hop
// Flag Met Ref Use If).
func parseRouteN(artifact string, lines []source.Line, t *Table) []source.Warning {
	var warns []source.Warning
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 || f[0] == "Kernel" || f[0] == "Destination" {
			continue
		}
		var r *Route
		switch len(f) {
		case 8:
			r = routeN4(f)
		case 7:
			r = routeN6(f)
		}
		if r == nil {
			warns = append(warns, source.Warnf(l.No, "unrecognised route -n line: %.80q", l.Text))
			continue
		}
		r.Ref = source.At(artifact, l.No, l.Text)
		t.Routes = append(t.Routes, r)
	}
	return warns
}

func routeN4(f []string) *Route {
	dst, err1 := netip.ParseAddr(f[0])
	mask, err2 := netip.ParseAddr(f[2])
	if err1 != nil || err2 != nil || !dst.Is4() || !mask.Is4() {
		return nil
	}
	bits := maskBits(mask)
	if bits < 0 {
		return nil
	}
	r := &Route{Type: "unicast", Table: "main", Family: "inet", Dev: f[7], Scope: "universe"}
	r.Dst = normaliseDst(netip.PrefixFrom(dst, bits).String())
	if f[1] != "0.0.0.0" && f[1] != "*" {
		r.Via = f[1]
	} else {
		r.Scope = "link"
	}
	r.Metric, _ = strconv.Atoi(f[4])
	r.routeNFlags(f[3])
	return r
}

func routeN6(f []string) *Route {
	p, err := netip.ParsePrefix(f[0])
	if err != nil {
		return nil
	}
	r := &Route{Type: "unicast", Table: "main", Family: "inet6", Dev: f[6]}
	r.Dst = normaliseDst(p.String())
	if f[1] != "::" {
		r.Via = f[1]
	}
	r.Metric, _ = strconv.Atoi(f[3])
	r.routeNFlags(f[2])
	return r
}

// routeNFlags keeps the Flags letters and derives the route type from
// them: "!" is a reject route, "!n" its IPv6 spelling.
func (r *Route) routeNFlags(flags string) {
	for _, c := range flags {
		r.Flags = append(r.Flags, string(c))
	}
	if strings.HasPrefix(flags, "!") {
		r.Type = "unreachable"
	}
}

func maskBits(mask netip.Addr) int {
	b := mask.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := 0
	for ones < 32 && v&(1<<(31-ones)) != 0 {
		ones++
	}
	if ones < 32 && v<<ones != 0 {
		return -1
	}
	return ones
}

// parseRules reads `ip rule` ("32766:	from all lookup main").
func parseRules(artifact string, lines []source.Line, t *Table) []source.Warning {
	var warns []source.Warning
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || !isRuleLine(f) {
			warns = append(warns, source.Warnf(l.No, "unrecognised rule: %.80q", l.Text))
			continue
		}
		prio, _ := strconv.Atoi(strings.TrimSuffix(f[0], ":"))
		rule := &Rule{Priority: prio, Ref: source.At(artifact, l.No, l.Text)}
		rest := f[1:]
		for i, w := range rest {
			switch w {
			case "lookup", "table":
				if i+1 < len(rest) {
					rule.Selector = strings.Join(rest[:i], " ")
					rule.Action = rest[i+1]
				}
			case "blackhole", "unreachable", "prohibit", "goto", "nop":
				rule.Selector = strings.Join(rest[:i], " ")
				rule.Action = strings.Join(rest[i:], " ")
			default:
				continue
			}
			break
		}
		if rule.Action == "" {
			rule.Selector = strings.Join(rest, " ")
		}
		t.Rules = append(t.Rules, rule)
	}
	return warns
}
