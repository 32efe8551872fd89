// Package counterdict is a dictionary of the kernel's SNMP and extended
// network counters (/proc/net/snmp, /proc/net/netstat, /proc/net/snmp6):
// what each one means, the MIB it implements, the kernels that export it,
// and the sentences net-tools `netstat -s` prints for it.
package counterdict

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/parse/counters"
)

// DocBase is the kernel's SNMP counter document that DocRef points into.
const DocBase = "https://docs.kernel.org/networking/snmp_counter.html"

// Entry describes one counter.
type Entry struct {
	Name    string // "TcpExt.PAWSPassive"
	Group   string // "TcpExt"
	Counter string // "PAWSPassive"
	// MIB is the RFC 1213 object name for the RFC groups (ipInReceives,
	// tcpActiveOpens...) and the kernel enum name otherwise
	// (LINUX_MIB_PAWSPASSIVEREJECTED).
	MIB     string
	Meaning string // one line
	// Kernels says which kernels export the counter, only where known.
	Kernels string
	// Removed is set for counters current kernels no longer export.
	Removed bool
	// DocRef is a link into DocBase where the document explains the
	// counter, else "".
	DocRef string
	// Sentences are the net-tools `netstat -s` templates for the counter.
	Sentences []string
}

var (
	entries []*Entry
	byName  = map[string]*Entry{} // "tcpext.pawspassive"
	byJoint = map[string]*Entry{} // "tcpextpawspassive" (nstat)
	byBare  = map[string][]*Entry{}
)

func init() {
	var defs []def
	defs = append(defs, ipDefs...)
	defs = append(defs, ipExtDefs...)
	defs = append(defs, icmpDefs...)
	defs = append(defs, icmpTypeDefs("Icmp", "ICMP", icmpTypes)...)
	defs = append(defs, tcpDefs...)
	defs = append(defs, udpFamily("Udp", "UDP")...)
	defs = append(defs, udpFamily("UdpLite", "UDP-Lite")...)
	defs = append(defs, tcpExtDefs...)
	defs = append(defs, ip6Defs...)
	defs = append(defs, icmp6Defs...)
	defs = append(defs, icmpTypeDefs("Icmp6", "ICMPv6", icmp6Types)...)
	defs = append(defs, udpFamily("Udp6", "UDP over IPv6")...)
	defs = append(defs, udpFamily("UdpLite6", "UDP-Lite over IPv6")...)

	for _, d := range defs {
		e := newEntry(d)
		key := strings.ToLower(e.Name)
		if _, dup := byName[key]; dup {
			panic("counterdict: duplicate entry " + e.Name)
		}
		entries = append(entries, e)
		byName[key] = e
		byJoint[strings.ToLower(e.Group+e.Counter)] = e
		bare := strings.ToLower(e.Counter)
		byBare[bare] = append(byBare[bare], e)
	}
	for _, s := range counters.NetstatSentences {
		if e, ok := byName[strings.ToLower(s.Group+"."+s.Counter)]; ok && !slices.Contains(e.Sentences, s.Template) {
			e.Sentences = append(e.Sentences, s.Template)
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
}

func newEntry(d def) *Entry {
	e := &Entry{
		Name:    d.group + "." + d.counter,
		Group:   d.group,
		Counter: d.counter,
		MIB:     d.mib,
		Meaning: d.meaning,
		Kernels: d.kernels,
		Removed: d.removed,
	}
	if d.doc != "" {
		e.DocRef = DocBase + "#" + d.doc
	}
	return e
}

// icmpTypeDefs makes the named In/Out pair of every ICMP type.
func icmpTypeDefs(group, proto string, types []icmpType) []def {
	var out []def
	for _, t := range types {
		doc := ""
		if t.doc {
			doc = docICMP
		}
		for _, dir := range []struct{ prefix, verb string }{{"In", "received"}, {"Out", "sent"}} {
			mib := fmt.Sprintf("icmp%s%s", dir.prefix, t.name)
			if group == "Icmp6" {
				mib = fmt.Sprintf("icmpMsgStats%sPkts (%s type %d)", dir.prefix, proto, t.number)
			}
			out = append(out, def{group, dir.prefix + t.name, mib, doc, "", false,
				fmt.Sprintf("%s %s messages (type %d) %s.", proto, t.what, t.number, dir.verb)})
		}
	}
	return out
}

// udpFamily instantiates udpDefs for one of the four UDP groups.
func udpFamily(group, proto string) []def {
	out := make([]def, 0, len(udpDefs))
	for _, d := range udpDefs {
		if group == "UdpLite6" && d.counter == "IgnoredMulti" {
			continue // net/ipv6/proc.c does not print it for UDP-Lite
		}
		d.group = group
		d.meaning = fmt.Sprintf(d.meaning, proto)
		if group != "Udp" && strings.HasPrefix(d.mib, "udp") {
			// RFC 1213 objects exist for UDP over IPv4 only.
			d.mib = "UDP_MIB_" + strings.ToUpper(strings.TrimPrefix(d.mib, "udp"))
		}
		out = append(out, d)
	}
	return out
}

// Lookup finds a counter by its dotted name ("TcpExt.PAWSPassive"), its
// nstat name ("TcpExtPAWSPassive") or, when only one group has it, its
// bare name ("PAWSPassive"), ignoring case. The per-type ICMP counters
// (IcmpMsg.InType3, Icmp6OutType135) are built on demand. The Entry is a
// copy: changing it changes nothing here.
func Lookup(name string) (*Entry, bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" {
		return nil, false
	}
	var e *Entry
	if strings.Contains(key, ":") {
		return Driver(key)
	}
	if strings.Contains(key, ".") {
		e = byName[key]
	} else if e = byJoint[key]; e == nil {
		if list := byBare[key]; len(list) == 1 {
			e = list[0]
		}
	}
	if e == nil {
		return icmpMsg(key)
	}
	return clone(e), true
}

// All returns every entry sorted by Name. The per-type ICMP counters,
// which exist for any of 256 types, are not listed.
func All() []*Entry {
	out := make([]*Entry, len(entries))
	for i, e := range entries {
		out[i] = clone(e)
	}
	return out
}

func clone(e *Entry) *Entry {
	c := *e
	c.Sentences = slices.Clone(e.Sentences)
	return &c
}

// icmpMsg builds the entry of a per-type ICMP counter: "IcmpMsg.InType3",
// "IcmpMsgOutType8", "Icmp6InType135" (key is lower case).
func icmpMsg(key string) (*Entry, bool) {
	var group, proto, rest string
	switch {
	case strings.HasPrefix(key, "icmpmsg"):
		group, proto, rest = "IcmpMsg", "ICMP", strings.TrimPrefix(key, "icmpmsg")
	case strings.HasPrefix(key, "icmp6"):
		group, proto, rest = "Icmp6", "ICMPv6", strings.TrimPrefix(key, "icmp6")
	default:
		return nil, false
	}
	rest = strings.TrimPrefix(rest, ".")
	dir, verb := "", ""
	switch {
	case strings.HasPrefix(rest, "intype"):
		dir, verb, rest = "In", "received", strings.TrimPrefix(rest, "intype")
	case strings.HasPrefix(rest, "outtype"):
		dir, verb, rest = "Out", "sent", strings.TrimPrefix(rest, "outtype")
	default:
		return nil, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || n > 255 || strconv.Itoa(n) != rest {
		return nil, false
	}
	what := fmt.Sprintf("%s messages of type %d", proto, n)
	types := icmpTypes
	if group == "Icmp6" {
		types = icmp6Types
	}
	for _, t := range types {
		if t.number == n {
			what = fmt.Sprintf("%s %s messages (type %d)", proto, t.what, n)
		}
	}
	counter := fmt.Sprintf("%sType%d", dir, n)
	e := &Entry{
		Name:    group + "." + counter,
		Group:   group,
		Counter: counter,
		MIB:     fmt.Sprintf("icmpMsgStats%sPkts (%s type %d)", dir, proto, n),
		Meaning: fmt.Sprintf("%s %s; the kernel prints a type only once its count is non-zero.", what, verb),
	}
	if group == "IcmpMsg" {
		e.DocRef = DocBase + "#" + docICMP
	}
	return e, true
}
