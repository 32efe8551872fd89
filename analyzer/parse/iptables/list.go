package iptables

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// listColumns says which optional columns an iptables -L listing has, from
// its header line: "num" (--line-numbers), "pkts bytes" and "in out" (-v).
type listColumns struct {
	num, counters, ifaces bool
}

// parseL reads iptables -L output, with or without -n, -v, -x and
// --line-numbers. Each chain starts with a "Chain NAME (...)" line and a
// column header; rows have fixed columns followed by free text printed by
// the match and target modules.
func (b *builder) parseL(lines []source.Line, table string) {
	var t *Table
	var c *Chain
	cols := listColumns{}
	haveHeader := false
	for _, l := range lines {
		text := strings.TrimSpace(l.Text)
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "Chain ") {
			if t == nil {
				t = b.newTable("", "", b.ref(l))
			}
			c = b.listChainHeader(t, l, text)
			haveHeader = false
			continue
		}
		fields := strings.Fields(text)
		if fields[0] == "num" || fields[0] == "pkts" || (fields[0] == "target" && len(fields) >= 4 && fields[1] == "prot") {
			cols = listColumns{
				num:      fields[0] == "num",
				counters: contains(fields, "pkts"),
				ifaces:   contains(fields, "in"),
			}
			haveHeader = true
			continue
		}
		if c == nil {
			b.warnf(l.No, "rule line before any Chain header")
			continue
		}
		if !haveHeader {
			b.warnf(l.No, "rule line without a column header; assuming -nvL columns")
			cols = listColumns{counters: true, ifaces: true}
			haveHeader = true
		}
		if r := b.listRow(l, cols); r != nil {
			b.addRule(t, c, r)
		}
	}
	if t != nil {
		b.resolveTable(t, table)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// listChainHeader reads "Chain NAME (policy ACCEPT 6 packets, 360 bytes)",
// "Chain NAME (policy DROP)" or "Chain NAME (2 references)".
func (b *builder) listChainHeader(t *Table, l source.Line, text string) *Chain {
	rest := strings.TrimSpace(strings.TrimPrefix(text, "Chain "))
	name, paren, _ := strings.Cut(rest, " ")
	if name == "" {
		b.warnf(l.No, "Chain line without a name")
		name = "?"
	}
	if old, dup := t.Chains[name]; dup && len(old.Rules) > 0 {
		b.warnf(l.No, "chain %s listed twice; the later listing replaces the earlier", name)
		old.Rules = nil
	}
	c := b.chain(t, name, b.ref(l))
	c.Src = b.ref(l)
	paren = strings.Trim(strings.TrimSpace(paren), "()")
	f := strings.Fields(strings.ReplaceAll(paren, ",", " "))
	switch {
	case len(f) >= 2 && f[0] == "policy":
		c.Policy = f[1]
		if len(f) >= 6 && f[3] == "packets" {
			p, ok1 := parseListCount(f[2])
			by, ok2 := parseListCount(f[4])
			if ok1 && ok2 {
				c.Packets, c.Bytes, c.HasCounters = p, by, true
			}
		}
	case len(f) >= 2 && strings.HasPrefix(f[1], "reference"):
		if n, err := strconv.Atoi(f[0]); err == nil {
			c.References = n
		}
	default:
		b.warnf(l.No, "unrecognised chain header %q", text)
	}
	return c
}

// parseListCount reads a counter as iptables -L prints it (K/M/G/T
// suffixes without -x).
func parseListCount(s string) (uint64, bool) { return source.ParseScaledCount(s) }

type field struct {
	text       string
	start, end int
}

// fieldsAt splits on blanks and remembers where each field is, so the free
// text after the fixed columns can be cut from the line as printed.
func fieldsAt(s string) []field {
	var out []field
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		start := i
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			i++
		}
		out = append(out, field{s[start:i], start, i})
	}
	return out
}

// protocolNames are the values of the prot column (names from
// /etc/protocols as iptables prints them, or numbers).
var protocolNames = map[string]bool{
	"all": true, "tcp": true, "udp": true, "udplite": true, "icmp": true,
	"icmpv6": true, "ipv6-icmp": true, "esp": true, "ah": true, "sctp": true,
	"gre": true, "mh": true, "dccp": true, "ipv6": true, "ipip": true, "igmp": true,
	"ospf": true, "vrrp": true, "pim": true, "encap": true, "ipencap": true, "l2tp": true,
}

func isProtocolColumn(s string) bool {
	s = strings.TrimPrefix(s, "!")
	if protocolNames[strings.ToLower(s)] {
		return true
	}
	_, err := strconv.ParseUint(s, 10, 8)
	return err == nil
}

// isOptColumn matches the "opt" column: "--", "-f" or "!f" (IPv4 only;
// ip6tables leaves it blank).
func isOptColumn(s string) bool {
	return s == "--" || s == "-f" || s == "!f"
}

// listRow reads one rule row.
func (b *builder) listRow(l source.Line, cols listColumns) *Rule {
	fs := fieldsAt(l.Text)
	r := &Rule{Raw: l.Text, Src: b.ref(l)}
	i := 0
	need := func(n int) bool {
		if len(fs)-i < n {
			b.warnf(l.No, "rule row has too few columns")
			return false
		}
		return true
	}
	if cols.num {
		if !need(1) {
			return nil
		}
		if _, err := strconv.Atoi(fs[i].text); err != nil {
			b.warnf(l.No, "bad rule number %q", fs[i].text)
		}
		i++
	}
	if cols.counters {
		if !need(2) {
			return nil
		}
		p, ok1 := parseListCount(fs[i].text)
		by, ok2 := parseListCount(fs[i+1].text)
		if ok1 && ok2 {
			r.Packets, r.Bytes, r.HasCounters = p, by, true
			last := func(s string) byte { return s[len(s)-1] }
			r.CountersRounded = last(fs[i].text) > '9' || last(fs[i+1].text) > '9'
		} else {
			b.warnf(l.No, "bad counters %q %q", fs[i].text, fs[i+1].text)
		}
		i += 2
	}
	// The target column is blank for rules without a target; the protocol
	// column is then first, and no target is named like a protocol.
	if !need(3) {
		return nil
	}
	if !(isProtocolColumn(fs[i].text) && !isProtocolColumn(fs[i+1].text)) {
		r.Target = fs[i].text
		i++
	}
	if !need(1) {
		return nil
	}
	prot := fs[i].text
	i++
	if p := strings.TrimPrefix(prot, "!"); p != "all" {
		r.Matches = append(r.Matches, Match{Option: "protocol", Value: p, Negated: p != prot})
	}
	if i < len(fs) && isOptColumn(fs[i].text) {
		if fs[i].text != "--" {
			r.Matches = append(r.Matches, Match{Option: "fragment", Negated: fs[i].text == "!f"})
		}
		i++
	}
	if cols.ifaces {
		if !need(2) {
			return nil
		}
		for _, opt := range []string{"in-interface", "out-interface"} {
			if v := fs[i].text; v != "*" {
				r.Matches = append(r.Matches, Match{Option: opt, Value: strings.TrimPrefix(v, "!"), Negated: v[0] == '!'})
			}
			i++
		}
	}
	if !need(2) {
		return nil
	}
	for _, opt := range []string{"source", "destination"} {
		v := fs[i].text
		neg := strings.HasPrefix(v, "!")
		v = strings.TrimPrefix(v, "!")
		if v != "0.0.0.0/0" && v != "::/0" && v != "anywhere" {
			r.Matches = append(r.Matches, Match{Option: opt, Value: v, Negated: neg})
		}
		i++
	}
	if i < len(fs) {
		parseListExtras(r, l.Text[fs[i].start:], strings.TrimPrefix(prot, "!"))
	}
	return r
}

// parseListExtras reads the free text at the end of a row, printed by the
// match modules and then the target ("/* comment */ tcp dpt:32672",
// "ADDRTYPE match dst-type LOCAL", "MARK or 0x4000", "to:10.0.0.1:80").
// What it does not recognise stays in Rule.Unparsed.
func parseListExtras(r *Rule, text string, protocol string) {
	// Comments first: they are free text and may contain anything.
	for {
		open := strings.Index(text, "/* ")
		if open < 0 {
			break
		}
		end := strings.Index(text[open+3:], " */")
		if end < 0 {
			break
		}
		comment := text[open+3 : open+3+end]
		if r.Comment != "" {
			r.Comment += " " + comment
		} else {
			r.Comment = comment
		}
		r.Matches = append(r.Matches, Match{Module: "comment", Option: "comment", Value: comment})
		text = text[:open] + " " + text[open+3+end+3:]
	}
	toks, _ := tokenize(text)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
	}
	x := &extrasReader{r: r, words: words, protocol: protocol}
	x.read()
}

type extrasReader struct {
	r        *Rule
	words    []string
	i        int
	protocol string
	negate   bool
}

func (x *extrasReader) peek(n int) string {
	if j := x.i + n; j >= 0 && j < len(x.words) {
		return x.words[j]
	}
	return ""
}

// next returns the next word, folding a "!" before it into negation.
func (x *extrasReader) next() string {
	w := x.peek(0)
	x.i++
	if w == "!" {
		x.negate = true
		w = x.peek(0)
		x.i++
	}
	if strings.HasPrefix(w, "!") && len(w) > 1 {
		x.negate = true
		w = w[1:]
	}
	return w
}

func (x *extrasReader) add(module, option, value string) {
	x.r.Matches = append(x.r.Matches, Match{Module: module, Option: option, Value: value, Negated: x.negate})
	x.negate = false
}

func (x *extrasReader) arg(name, value string) {
	x.r.TargetArgs = append(x.r.TargetArgs, Arg{Name: name, Value: value})
}

var portPrefixes = map[string]string{"dpt:": "dport", "spt:": "sport", "dpts:": "dport", "spts:": "sport"}

func (x *extrasReader) read() {
	for x.i < len(x.words) {
		w := x.words[x.i]
		switch {
		case w == "!":
			x.negate = true
			x.i++
		case w == "tcp" || w == "udp" || w == "sctp" || w == "udplite" || w == "dccp":
			x.i++
			x.r.Modules = append(x.r.Modules, w)
			x.readPorts(w)
		case w == "multiport":
			x.i++
			x.r.Modules = append(x.r.Modules, w)
			for opt := x.peek(0); opt == "dports" || opt == "sports" || opt == "ports"; opt = x.peek(0) {
				x.i++
				v := x.next()
				x.add("multiport", opt, v)
			}
		case w == "ADDRTYPE" && x.peek(1) == "match":
			x.i += 2
			x.r.Modules = append(x.r.Modules, "addrtype")
			for opt := x.peek(0); opt == "src-type" || opt == "dst-type"; opt = x.peek(0) {
				x.i++
				x.add("addrtype", opt, x.next())
			}
			for x.peek(0) == "limit-in" || x.peek(0) == "limit-out" {
				x.add("addrtype", x.next(), "")
			}
		case w == "ctstate" || w == "ctproto" || w == "ctstatus" || w == "ctexpire" || w == "ctdir" ||
			strings.HasPrefix(w, "ctorig") || strings.HasPrefix(w, "ctrepl"):
			x.i++
			x.add("conntrack", w, x.next())
		case w == "state":
			x.i++
			x.add("state", "state", x.next())
		case w == "mark" && x.peek(1) == "match":
			x.i += 2
			x.add("mark", "mark", x.next())
		case w == "connmark" && x.peek(1) == "match":
			x.i += 2
			x.add("connmark", "mark", x.next())
		case w == "match-set":
			x.i++
			name := x.next()
			x.add("set", "match-set", strings.TrimSpace(name+" "+x.next()))
		case w == "statistic" && x.peek(1) == "mode":
			x.i += 2
			mode := x.next()
			x.add("statistic", "mode", mode)
			for opt := x.peek(0); opt == "probability" || opt == "every" || opt == "packet" ||
				opt == "!"; opt = x.peek(0) {
				if opt == "!" {
					x.negate = true
					x.i++
					continue
				}
				x.i++
				x.add("statistic", opt, x.next())
			}
		case w == "PHYSDEV" && x.peek(1) == "match":
			x.i += 2
			for strings.HasPrefix(x.peek(0), "--physdev") || x.peek(0) == "!" {
				opt := strings.TrimLeft(x.next(), "-")
				v := ""
				if opt == "physdev-in" || opt == "physdev-out" {
					v = x.next()
				}
				x.add("physdev", opt, v)
			}
		case w == "recent:":
			// " recent: CHECK seconds: 60 hit_count: 4 name: DEFAULT side: source mask: 255.255.255.255"
			start := x.i
			x.i++
			for x.i < len(x.words) && isRecentWord(x.words[x.i]) {
				x.i++
				if strings.HasSuffix(x.words[x.i-1], ":") && x.i < len(x.words) {
					x.i++
				}
			}
			x.add("recent", "recent", strings.Join(x.words[start+1:x.i], " "))
		case w == "limit:":
			start := x.i
			x.i++
			for x.i < len(x.words) && (x.words[x.i] == "avg" || x.words[x.i] == "burst" || x.words[x.i] == "up" || x.words[x.i] == "to") {
				x.i += 2
			}
			x.i = min(x.i, len(x.words))
			x.add("limit", "limit", strings.Join(x.words[start+1:x.i], " "))
		case strings.HasPrefix(w, "to:"):
			x.i++
			name := "to-destination"
			if x.r.Target == "SNAT" {
				name = "to-source"
			}
			x.arg(name, w[3:])
		case w == "masq" && x.peek(1) == "ports:":
			x.i += 3
			x.arg("to-ports", x.peek(-1))
		case w == "redir" && x.peek(1) == "ports":
			x.i += 3
			x.arg("to-ports", x.peek(-1))
		case w == "random-fully" || w == "random" || w == "persistent":
			x.i++
			x.arg(w, "")
		case w == "MARK" && x.peek(1) != "":
			op := x.peek(1)
			x.i += 3
			name, ok := map[string]string{"or": "or-mark", "xor": "xor-mark", "and": "and-mark", "set": "set-mark", "xset": "set-xmark"}[op]
			if !ok {
				x.r.Unparsed = append(x.r.Unparsed, "MARK", op)
				name = op
			}
			x.arg(name, x.peek(-1))
		case w == "reject-with":
			x.i += 2
			x.arg("reject-with", x.peek(-1))
		case w == "LOG" && x.peek(1) == "flags":
			x.i += 3
			x.arg("log-flags", x.peek(-1))
			for x.peek(0) == "level" || x.peek(0) == "prefix" {
				x.i += 2
				x.arg("log-"+x.peek(-2), x.peek(-1))
			}
		default:
			x.r.Unparsed = append(x.r.Unparsed, w)
			x.i++
		}
	}
}

// readPorts reads what the tcp/udp match prints after its name:
// "dpt:80", "spts:1024:65535", "dpt:!22", "flags:0x17/0x02", "option=8".
func (x *extrasReader) readPorts(module string) {
	for x.i < len(x.words) {
		w := x.words[x.i]
		neg := false
		if w == "!" && x.i+1 < len(x.words) {
			neg = true
			w = x.words[x.i+1]
		}
		matched := false
		for prefix, opt := range portPrefixes {
			if strings.HasPrefix(w, prefix) {
				v := w[len(prefix):]
				if strings.HasPrefix(v, "!") {
					neg, v = true, v[1:]
				}
				x.negate = neg
				x.add(module, opt, v)
				matched = true
				break
			}
		}
		switch {
		case matched:
		case strings.HasPrefix(w, "flags:"):
			v := strings.TrimPrefix(w[len("flags:"):], "!")
			x.negate = neg || strings.HasPrefix(w[len("flags:"):], "!")
			x.add(module, "tcp-flags", v)
		case strings.HasPrefix(w, "option="):
			x.negate = neg
			x.add(module, "tcp-option", strings.TrimPrefix(w[len("option="):], "!"))
		default:
			return
		}
		if neg {
			x.i++
		}
		x.i++
	}
}

func isRecentWord(w string) bool {
	switch w {
	case "SET", "CHECK", "UPDATE", "REMOVE", "reap", "TTL-Match",
		"seconds:", "hit_count:", "name:", "side:", "mask:":
		return true
	}
	return false
}
