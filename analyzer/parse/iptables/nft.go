package iptables

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// nft block kinds on the nesting stack.
const (
	blockTable = iota
	blockChain
	blockOther // set, map, flowtable, counter, or an unbalanced brace
)

// parseNft reads `nft list ruleset` (also `nft -a`, with "# handle N").
// Tables and chains map onto the same model as iptables; sets, maps and
// other objects are skipped. Rules keep their text in Raw, and the
// expressions the tracer understands become Matches.
func (b *builder) parseNft(lines []source.Line) {
	var stack []int
	var table *Table
	var chain *Chain
	var pending strings.Builder // a rule spread over lines by an open brace
	pendingStart := 0
	for _, l := range lines {
		text := strings.TrimSpace(l.Text)
		if pending.Len() > 0 {
			pending.WriteByte(' ')
			pending.WriteString(text)
			if opens, closes := countBraces(pending.String()); opens <= closes || pending.Len() > source.MaxLineLen {
				b.nftRule(table, chain, l, pendingStart, pending.String())
				pending.Reset()
			}
			continue
		}
		code, _ := splitNftComment(text)
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		top := -1
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		opens, closes := countBraces(code)
		if code == "}" {
			if len(stack) == 0 {
				b.warnf(l.No, "unbalanced }")
				continue
			}
			switch top {
			case blockChain:
				if chain != nil {
					chain.Src.EndLine = l.No
				}
				chain = nil
			case blockTable:
				if table != nil {
					table.Src.EndLine = l.No
				}
				table = nil
			}
			stack = stack[:len(stack)-1]
			continue
		}
		f := strings.Fields(code)
		switch {
		case top == -1:
			if f[0] == "table" && opens > closes && len(f) >= 3 {
				family, name := "ip", f[1]
				if f[2] != "{" {
					family, name = f[1], f[2]
				}
				table = b.newTable(family, unquote(name), b.ref(l))
				stack = append(stack, blockTable)
				continue
			}
			b.warnf(l.No, "unexpected line outside a table")
		case top == blockTable && f[0] == "chain" && len(f) >= 2 && opens > closes:
			chain = b.chain(table, unquote(f[1]), b.ref(l))
			chain.Src = b.ref(l)
			stack = append(stack, blockChain)
		case top == blockChain && (f[0] == "type" || f[0] == "policy" || f[0] == "device"):
			b.nftChainProperties(chain, code)
		case top == blockChain && chain != nil:
			if opens > closes {
				pending.WriteString(text)
				pendingStart = l.No
				continue
			}
			b.nftRule(table, chain, l, l.No, text)
		default:
			// set/map/flowtable blocks and table attributes: not rules.
			for n := opens - closes; n > 0; n-- {
				stack = append(stack, blockOther)
			}
			for n := closes - opens; n > 0 && len(stack) > 0; n-- {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if pending.Len() > 0 {
		b.warnf(pendingStart, "rule with an unclosed brace at the end of the artifact")
	}
	if len(stack) > 0 {
		b.warnf(0, "ruleset ends inside a block (truncated?)")
	}
}

// countBraces counts { and } outside quoted strings.
func countBraces(s string) (opens, closes int) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '{':
			if !quoted {
				opens++
			}
		case '}':
			if !quoted {
				closes++
			}
		}
	}
	return opens, closes
}

// splitNftComment cuts a trailing "# ..." comment (outside quotes) and
// returns the handle number when the comment is "# handle N".
func splitNftComment(s string) (code string, handle int) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '#':
			if !quoted {
				f := strings.Fields(s[i+1:])
				if len(f) >= 2 && f[0] == "handle" {
					handle, _ = strconv.Atoi(f[1])
				}
				return s[:i], handle
			}
		}
	}
	return s, 0
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// nftChainProperties reads "type nat hook output priority -100; policy accept;".
func (b *builder) nftChainProperties(c *Chain, code string) {
	for _, part := range strings.Split(code, ";") {
		f := strings.Fields(part)
		for i := 0; i+1 < len(f); i++ {
			switch f[i] {
			case "type":
				c.Type = f[i+1]
			case "hook":
				c.Hook = f[i+1]
			case "priority":
				c.Priority = strings.Join(f[i+1:], " ")
				i = len(f)
			case "policy":
				c.Policy = strings.ToUpper(f[i+1])
			}
		}
	}
	if c.Hook != "" && c.Policy == "" {
		c.Policy = "ACCEPT" // a base chain without a policy accepts
	}
}

// nftPriority turns a priority ("-100", "dstnat", "filter + 10") into a
// number for ordering base chains of one hook.
func nftPriority(p string) int {
	f := strings.Fields(p)
	if len(f) == 0 {
		return 0
	}
	named := map[string]int{"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50, "srcnat": 100, "out": 100}
	base, ok := named[f[0]]
	if !ok {
		n, err := strconv.Atoi(f[0])
		if err != nil {
			return 0
		}
		base = n
	}
	if len(f) == 3 {
		if n, err := strconv.Atoi(f[2]); err == nil {
			if f[1] == "-" {
				n = -n
			}
			base += n
		}
	}
	return base
}

// nftRule parses one rule line.
func (b *builder) nftRule(t *Table, c *Chain, l source.Line, startLine int, text string) {
	code, handle := splitNftComment(text)
	r := &Rule{Raw: text, Handle: handle, Src: source.Ref{Artifact: b.artifact, Line: startLine, EndLine: l.No, Text: text}}
	if startLine == l.No {
		r.Src.Text = l.Text
	}
	x := &nftReader{r: r, words: nftTokens(code)}
	x.read()
	for _, p := range x.problems {
		b.warnf(l.No, "%s", p)
	}
	b.addRule(t, c, r)
}

// nftTokens splits an nft rule into words; quoted strings stay one word
// (with their quotes), and braces and commas are words of their own.
func nftTokens(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '{' || c == '}' || c == ',':
			out = append(out, string(c))
			i++
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				out = append(out, s[i:])
				return out
			}
			out = append(out, s[i:i+end+2])
			i += end + 2
		default:
			start := i
			for i < len(s) && !strings.ContainsRune(" \t{},\"", rune(s[i])) {
				i++
			}
			out = append(out, s[start:i])
		}
	}
	return out
}

// nftStatements are the words that start an expression or statement; an
// unknown expression runs until the next of them.
var nftStatements = map[string]bool{
	"counter": true, "comment": true, "meta": true, "mark": true, "iifname": true,
	"oifname": true, "iif": true, "oif": true, "ip": true, "ip6": true, "tcp": true,
	"udp": true, "sctp": true, "th": true, "fib": true, "ct": true, "xt": true,
	"accept": true, "drop": true, "return": true, "continue": true, "queue": true,
	"jump": true, "goto": true, "reject": true, "masquerade": true, "snat": true,
	"dnat": true, "redirect": true, "notrack": true, "log": true, "limit": true,
	"numgen": true, "l4proto": true,
}

type nftReader struct {
	r        *Rule
	words    []string
	i        int
	problems []string
	// lastNegated carries the relation read by maskedValue.
	lastNegated bool
}

func (x *nftReader) peek(n int) string {
	if j := x.i + n; j >= 0 && j < len(x.words) {
		return x.words[j]
	}
	return ""
}

func (x *nftReader) take() string {
	w := x.peek(0)
	x.i++
	return w
}

// relation reads an optional "==" or "!=" (and the eq/ne spellings).
func (x *nftReader) relation() (negated bool) {
	switch x.peek(0) {
	case "!=", "ne":
		x.i++
		return true
	case "==", "eq":
		x.i++
	}
	return false
}

// value reads one value or an anonymous set "{ a, b }" as "a,b".
func (x *nftReader) value() string {
	if x.peek(0) != "{" {
		// a bare list: "ct state related,established"
		v := unquote(x.take())
		for x.peek(0) == "," && x.peek(1) != "" {
			x.i++
			v += "," + unquote(x.take())
		}
		return v
	}
	x.i++
	var elems []string
	var cur []string
	depth := 1
	for x.i < len(x.words) && depth > 0 {
		w := x.take()
		switch {
		case w == "{":
			depth++
			cur = append(cur, w)
		case w == "}":
			depth--
			if depth > 0 {
				cur = append(cur, w)
			}
		case w == "," && depth == 1:
			elems = append(elems, strings.Join(cur, " "))
			cur = nil
		default:
			cur = append(cur, unquote(w))
		}
	}
	if len(cur) > 0 {
		elems = append(elems, strings.Join(cur, " "))
	}
	return strings.Join(elems, ",")
}

func (x *nftReader) match(module, option, value string, negated bool) {
	x.r.Matches = append(x.r.Matches, Match{Module: module, Option: option, Value: value, Negated: negated})
}

// verdict sets the rule's target; a real verdict wins over a non-terminal
// statement such as log or a mark change.
func (x *nftReader) verdict(target string, isGoto bool) {
	if x.r.Target != "" && !nonTerminalTargets[x.r.Target] {
		x.problems = append(x.problems, "rule with two verdicts")
	}
	x.r.Target, x.r.Goto = target, isGoto
}

func (x *nftReader) statement(target string) {
	if x.r.Target == "" {
		x.r.Target = target
	}
}

func (x *nftReader) arg(name, value string) {
	x.r.TargetArgs = append(x.r.TargetArgs, Arg{Name: name, Value: value})
}

// iface turns an nft interface name ("veth*") into iptables spelling ("veth+").
func iface(v string) string {
	return strings.ReplaceAll(v, "*", "+")
}

func (x *nftReader) read() {
	for x.i < len(x.words) {
		start := x.i
		w := x.take()
		switch w {
		case "counter":
			if x.peek(0) == "packets" && x.peek(2) == "bytes" {
				p, err1 := strconv.ParseUint(x.peek(1), 10, 64)
				by, err2 := strconv.ParseUint(x.peek(3), 10, 64)
				if err1 == nil && err2 == nil {
					x.r.Packets, x.r.Bytes, x.r.HasCounters = p, by, true
				}
				x.i += 4
			} else if x.peek(0) == "name" {
				x.i += 2
			}
		case "comment":
			x.r.Comment = x.value()
		case "meta":
			x.meta(x.take())
		case "mark", "iifname", "oifname", "iif", "oif", "l4proto":
			x.meta(w)
		case "ip", "ip6":
			x.ipHeader(w, x.take())
		case "tcp", "udp", "sctp", "th":
			field := x.take()
			neg := x.relation()
			v := strings.ReplaceAll(x.value(), "-", ":")
			switch field {
			case "dport", "sport":
				x.match(w, field, v, neg)
			case "flags":
				x.match(w, "tcp-flags", v, neg)
			default:
				x.match(w, field, v, neg)
			}
		case "fib":
			x.fib()
		case "ct":
			x.ct()
		case "xt":
			kind := x.take()
			name := unquote(x.take())
			switch {
			case kind == "match" && name == "comment":
				// iptables-nft could not translate the comment back.
				x.r.Modules = append(x.r.Modules, "comment")
			case kind == "match":
				x.r.Modules = append(x.r.Modules, name)
				x.match(name, "xt", "", false)
			case kind == "target":
				x.verdict(name, false)
			default:
				x.r.Unparsed = append(x.r.Unparsed, "xt", kind, name)
			}
		case "accept", "drop", "return", "continue":
			x.verdict(strings.ToUpper(w), false)
		case "queue":
			x.verdict("NFQUEUE", false)
			x.arg("queue", x.rest())
		case "jump", "goto":
			x.verdict(x.take(), w == "goto")
		case "reject":
			x.verdict("REJECT", false)
			if x.peek(0) == "with" {
				x.i++
				var with []string
				for x.i < len(x.words) && !nftStatements[x.peek(0)] {
					with = append(with, x.take())
				}
				x.arg("reject-with", strings.Join(with, " "))
			}
		case "masquerade", "redirect", "snat", "dnat":
			x.nat(w)
		case "notrack":
			x.statement("NOTRACK")
		case "log":
			x.statement("LOG")
			for x.i < len(x.words) && !nftStatements[x.peek(0)] {
				key := x.take()
				switch key {
				case "prefix", "level", "group", "snaplen", "queue-threshold":
					x.arg("log-"+key, x.value())
				case "flags":
					x.arg("log-flags", x.value())
				}
			}
		case "limit":
			x.match("limit", "limit", x.rest(), false)
		default:
			// Unknown expression: keep it whole and let the tracer call
			// it uncertain.
			depth := 0
			for x.i < len(x.words) && (depth > 0 || !nftStatements[x.peek(0)]) {
				switch x.take() {
				case "{":
					depth++
				case "}":
					depth--
				}
			}
			text := strings.Join(x.words[start:x.i], " ")
			x.r.Unparsed = append(x.r.Unparsed, text)
			if strings.Contains(text, " vmap ") {
				// the verdict comes from a map lookup the tracer cannot do
				x.verdict("VMAP", false)
				x.arg("vmap", text)
				break
			}
			x.match("nft", "expr", text, false)
		}
	}
}

// rest consumes words up to the next statement and returns them.
func (x *nftReader) rest() string {
	start := x.i
	for x.i < len(x.words) && !nftStatements[x.peek(0)] {
		x.i++
	}
	return strings.Join(x.words[start:x.i], " ")
}

// meta reads meta expressions and the meta mark statement.
func (x *nftReader) meta(key string) {
	switch key {
	case "l4proto", "protocol":
		neg := x.relation()
		if key == "protocol" {
			// meta protocol is the ethertype (ip, ip6, arp), not the L4 protocol.
			x.match("meta", "ether-protocol", x.value(), neg)
			return
		}
		x.match("", "protocol", x.value(), neg)
	case "iifname", "iif":
		neg := x.relation()
		x.match("", "in-interface", iface(x.value()), neg)
	case "oifname", "oif":
		neg := x.relation()
		x.match("", "out-interface", iface(x.value()), neg)
	case "mark":
		if x.peek(0) == "set" {
			x.i++
			x.markSet()
			return
		}
		x.match("mark", "mark", x.maskedValue(), x.lastNegated)
	case "nfproto":
		neg := x.relation()
		x.match("meta", "nfproto", x.value(), neg)
	default:
		neg := x.relation()
		x.match("meta", key, x.value(), neg)
	}
}

// maskedValue reads "[& MASK] [==|!=] VALUE" as "VALUE/MASK" (the iptables
// spelling) and leaves the relation in lastNegated.
func (x *nftReader) maskedValue() string {
	mask := ""
	if x.peek(0) == "&" || x.peek(0) == "and" {
		x.i++
		mask = x.take()
	}
	x.lastNegated = x.relation()
	v := x.value()
	if mask != "" {
		return v + "/" + mask
	}
	return v
}

// markSet reads what follows "meta mark set": "mark or 0x4000",
// "meta mark | 0x00004000", "0x1".
func (x *nftReader) markSet() {
	x.statement("MARK")
	if x.peek(0) == "meta" {
		x.i++
	}
	if x.peek(0) != "mark" {
		x.arg("set-mark", x.take())
		return
	}
	x.i++
	ops := map[string]string{"or": "or-mark", "|": "or-mark", "xor": "xor-mark", "^": "xor-mark", "and": "and-mark", "&": "and-mark"}
	for {
		name, ok := ops[x.peek(0)]
		if !ok {
			return
		}
		x.i++
		x.arg(name, x.take())
	}
}

func (x *nftReader) ipHeader(family, field string) {
	neg := x.relation()
	switch field {
	case "saddr":
		x.match("", "source", x.value(), neg)
	case "daddr":
		x.match("", "destination", x.value(), neg)
	case "protocol", "nexthdr":
		x.match("", "protocol", x.value(), neg)
	default:
		x.match(family, field, x.value(), neg)
	}
}

// fib reads "fib daddr type local" (what -m addrtype --dst-type LOCAL
// becomes) and "fib saddr . iif type != local".
func (x *nftReader) fib() {
	var keys []string
	for x.i < len(x.words) && x.peek(0) != "type" && !nftStatements[x.peek(0)] {
		keys = append(keys, x.take())
	}
	if x.peek(0) != "type" || len(keys) == 0 {
		x.match("fib", strings.Join(keys, " "), x.rest(), false)
		return
	}
	x.i++
	neg := x.relation()
	v := strings.ToUpper(x.value())
	option := "dst-type"
	if keys[0] == "saddr" {
		option = "src-type"
	}
	x.match("addrtype", option, v, neg)
	for _, k := range keys[1:] {
		switch k {
		case "iif":
			x.match("addrtype", "limit-iface-in", "", false)
		case "oif":
			x.match("addrtype", "limit-iface-out", "", false)
		}
	}
}

// ct reads conntrack expressions ("ct state invalid", "ct status dnat") and
// leaves ct statements ("ct mark set ...") as unparsed statements.
func (x *nftReader) ct() {
	key := x.take()
	if x.peek(0) == "set" {
		x.statement("CONNMARK")
		x.r.Unparsed = append(x.r.Unparsed, "ct "+key+" "+x.rest())
		return
	}
	switch key {
	case "state":
		neg := x.relation()
		x.match("conntrack", "ctstate", strings.ToUpper(x.value()), neg)
	case "status":
		neg := x.relation()
		x.match("conntrack", "ctstatus", strings.ToUpper(x.value()), neg)
	case "mark":
		x.match("connmark", "mark", x.maskedValue(), x.lastNegated)
	default:
		neg := x.relation()
		x.match("conntrack", "ct "+key, x.value(), neg)
	}
}

// nat reads masquerade/snat/dnat/redirect statements and their options.
func (x *nftReader) nat(kind string) {
	x.verdict(strings.ToUpper(kind), false)
	familyPrefix := func() bool { return (x.peek(0) == "ip" || x.peek(0) == "ip6") && x.peek(1) == "to" }
	for x.i < len(x.words) && (!nftStatements[x.peek(0)] || familyPrefix()) {
		w := x.take()
		switch w {
		case "to":
			v := x.value()
			switch kind {
			case "dnat":
				x.arg("to-destination", v)
			case "snat":
				x.arg("to-source", v)
			default:
				x.arg("to-ports", strings.TrimPrefix(v, ":"))
			}
		case "fully-random", "random-fully":
			x.arg("random-fully", "")
		case "random", "persistent":
			x.arg(w, "")
		case "ip", "ip6", ",":
			// "dnat ip to ..." in inet tables; flag separators
		default:
			x.r.Unparsed = append(x.r.Unparsed, w)
		}
	}
}
