package iptables

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Packet is what the tracer knows about a packet. Empty fields mean "none"
// for interfaces (OUTPUT packets have no input interface) and "unknown"
// for everything else: a match on an unknown field is uncertain.
type Packet struct {
	Proto             string // "tcp", "udp", "icmp", or a protocol number
	Src, Dst          netip.Addr
	SPort, DPort      int
	InIface, OutIface string
	// SrcLocal and DstLocal are what -m addrtype LOCAL (nft: fib ... type
	// local) sees: whether the address is assigned to this host at the moment
	// the rule is evaluated. Seed 000 is about DstLocal changing between the
	// nat OUTPUT rules and the routing decision.
	SrcLocal, DstLocal bool
	CtState            string // "NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"
	Mark               uint32
}

// Step is one rule the packet matched on its way.
type Step struct {
	Chain string
	Rule  *Rule
	// Assumed is set when the rule matched only under an assumption listed
	// in Trace.Uncertain.
	Assumed bool
}

// Assumption records a match the tracer could not decide and what it
// assumed instead.
type Assumption struct {
	Rule    *Rule
	Match   Match
	Matched bool // the outcome the tracer assumed
	Reason  string
}

func (a Assumption) String() string {
	outcome := "not to match"
	if a.Matched {
		outcome = "to match"
	}
	where := ""
	if a.Rule != nil {
		where = fmt.Sprintf("%s rule %d: ", a.Rule.Chain, a.Rule.Index)
	}
	return fmt.Sprintf("%s%s (%s); assumed %s", where, a.Match, a.Reason, outcome)
}

// Trace is the path of a packet through a table.
type Trace struct {
	Table, Start string
	Steps        []Step
	// Verdict is the target that ended the walk (ACCEPT, DROP, DNAT, ...), the
	// policy of the start chain when the packet fell off its end, or RETURN
	// when the start chain is a user chain without a policy.
	Verdict string
	Final   *Rule  // the rule whose target ended the walk; nil for a policy
	DNAT    string // --to-destination of the DNAT that ended the walk
	SNAT    string // --to-source of an SNAT that ended the walk
	Mark    uint32 // the packet mark at the end (MARK targets change it)
	// Uncertain lists the matches decided by assumption (probabilistic or
	// not evaluable), in the order met.
	Uncertain []Assumption
	// Truncated is set when a guard stopped the walk: a chain loop, too deep
	// a jump nesting, a missing chain, or too many rules.
	Truncated bool
	Problems  []string
}

// TraceOptions choose the policies for matches the tracer cannot decide.
type TraceOptions struct {
	// AssumeUnknownMatch makes matches that cannot be evaluated (ipset,
	// recent, limit, tcp flags, unknown modules and nft expressions) count
	// as matching. By default they count as not matching, so the walk goes
	// on to the rules that would apply without them.
	AssumeUnknownMatch bool
	// SkipProbabilistic makes statistic matches count as not matching (the
	// walk reaches the last, unconditional endpoint of a kube-proxy service
	// chain). By default they count as matching: the first endpoint is taken.
	SkipProbabilistic bool
	// MaxDepth bounds nested jumps (the kernel allows a few hundred; real
	// rule sets nest less than 10). 0 means 64.
	MaxDepth int
	// MaxRules bounds the rules evaluated in one trace. A big cluster's
	// KUBE-SERVICES has tens of thousands of rules. 0 means 1,000,000.
	MaxRules int
}

// Trace walks a packet through a chain of a table with the default
// options. See TraceWith.
func (rs *Ruleset) Trace(table, chain string, p Packet) *Trace {
	return rs.TraceWith(table, chain, p, TraceOptions{})
}

// TraceWith walks a packet through chain of table: rules in order, jumps
// and gotos followed, RETURN honoured, MARK applied; the first terminal
// target (ACCEPT, DROP, REJECT, DNAT, SNAT, MASQUERADE, ...) ends the walk.
// For nft rule sets whose base chains have their own names, chain may be a
// hook name ("OUTPUT"): the base chains of that hook are walked in priority
// order, an accept passing the packet on to the next one.
func (rs *Ruleset) TraceWith(table, chain string, p Packet, opt TraceOptions) *Trace {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 64
	}
	tr := &tracer{
		trace:   &Trace{Table: table, Start: chain},
		packet:  p,
		opt:     opt,
		onStack: map[string]bool{},
		budget:  opt.MaxRules,
	}
	if tr.budget <= 0 {
		tr.budget = 1000000
	}
	defer func() { tr.trace.Mark = tr.packet.Mark }()
	t := rs.Table(table)
	if t == nil {
		tr.trace.Truncated = true
		tr.trace.Problems = append(tr.trace.Problems, "no table "+table)
		return tr.trace
	}
	tr.table = t
	starts := []string{chain}
	if _, ok := t.Chains[chain]; !ok && len(t.Hooks[strings.ToUpper(chain)]) > 0 {
		starts = t.Hooks[strings.ToUpper(chain)]
	}
	for _, name := range starts {
		verdict, final, terminal := tr.run(name, 0)
		c := t.Chains[name]
		if !terminal {
			verdict, final = "RETURN", nil
			if c != nil && c.Policy != "" {
				verdict = c.Policy
			}
		}
		tr.trace.Verdict, tr.trace.Final = verdict, final
		if verdict != "ACCEPT" || tr.trace.Truncated {
			break
		}
	}
	return tr.trace
}

type tracer struct {
	table   *Table
	trace   *Trace
	packet  Packet
	opt     TraceOptions
	onStack map[string]bool
	budget  int
}

// terminalTargets end the walk through the table.
var terminalTargets = map[string]bool{
	"ACCEPT": true, "DROP": true, "REJECT": true, "DNAT": true, "SNAT": true,
	"MASQUERADE": true, "REDIRECT": true, "NETMAP": true, "QUEUE": true,
	"NFQUEUE": true, "TPROXY": true, "TARPIT": true, "SYNPROXY": true,
}

// nonTerminalTargets act on the packet and let it continue.
var nonTerminalTargets = map[string]bool{
	"MARK": true, "CONNMARK": true, "LOG": true, "NFLOG": true, "ULOG": true,
	"NOTRACK": true, "CT": true, "TCPMSS": true, "CHECKSUM": true, "TOS": true,
	"DSCP": true, "TTL": true, "HL": true, "ECN": true, "CLASSIFY": true,
	"SET": true, "AUDIT": true, "TRACE": true, "SECMARK": true,
	"CONNSECMARK": true, "IDLETIMER": true, "LED": true, "RATEEST": true,
	"TEE": true, "HMARK": true, "CONTINUE": true,
}

// run walks one chain; terminal reports whether a terminal target was hit
// (otherwise the chain returned or ended).
func (tr *tracer) run(name string, depth int) (verdict string, final *Rule, terminal bool) {
	c, ok := tr.table.Chains[name]
	if !ok {
		tr.stop(fmt.Sprintf("chain %s is not in the rule set", name))
		return "", nil, false
	}
	if depth > tr.opt.MaxDepth {
		tr.stop("jumps nested deeper than the depth limit")
		return "", nil, false
	}
	if tr.onStack[name] {
		tr.stop(fmt.Sprintf("loop: chain %s jumps back into itself", name))
		return "", nil, false
	}
	tr.onStack[name] = true
	defer delete(tr.onStack, name)
	for _, r := range c.Rules {
		if tr.trace.Truncated {
			return "", nil, false
		}
		tr.budget--
		if tr.budget < 0 {
			tr.stop("too many rules evaluated")
			return "", nil, false
		}
		matched, assumed := tr.ruleMatches(r)
		if !matched {
			continue
		}
		tr.trace.Steps = append(tr.trace.Steps, Step{Chain: name, Rule: r, Assumed: assumed})
		target := r.Target
		switch {
		case target == "" || target == "CONTINUE":
		case target == "RETURN":
			return "RETURN", r, false
		case tr.table.Chains[target] != nil:
			v, f, term := tr.run(target, depth+1)
			if term {
				return v, f, true
			}
			if r.Goto {
				// the chain we went to returns to our caller, not to us
				return "RETURN", r, false
			}
		case terminalTargets[target]:
			switch target {
			case "DNAT":
				tr.trace.DNAT, _ = r.TargetArg("to-destination")
			case "SNAT":
				tr.trace.SNAT, _ = r.TargetArg("to-source")
			}
			return target, r, true
		case target == "MARK":
			tr.applyMark(r)
		case nonTerminalTargets[target]:
		default:
			tr.trace.Uncertain = append(tr.trace.Uncertain, Assumption{Rule: r,
				Match: Match{Option: "jump", Value: target}, Matched: false,
				Reason: "unknown target that is not a chain; treated as non-terminal"})
		}
	}
	return "", nil, false
}

func (tr *tracer) stop(problem string) {
	tr.trace.Truncated = true
	tr.trace.Problems = append(tr.trace.Problems, problem)
}

// applyMark performs MARK --set-xmark/--set-mark/--or-mark/--and-mark/--xor-mark.
func (tr *tracer) applyMark(r *Rule) {
	for _, a := range r.TargetArgs {
		v, m, ok := parseMark(a.Value)
		if !ok {
			continue
		}
		p := &tr.packet.Mark
		switch a.Name {
		case "set-xmark":
			*p = (*p &^ m) ^ v
		case "set-mark":
			*p = (*p &^ m) | v
		case "or-mark":
			*p |= v
		case "and-mark":
			*p &= v
		case "xor-mark":
			*p ^= v
		}
	}
}

// parseMark reads "value[/mask]"; the mask defaults to all ones.
func parseMark(s string) (value, mask uint32, ok bool) {
	vs, ms, hasMask := strings.Cut(strings.TrimSpace(s), "/")
	v, err := strconv.ParseUint(vs, 0, 32)
	if err != nil {
		return 0, 0, false
	}
	mask = 0xffffffff
	if hasMask {
		m, err := strconv.ParseUint(ms, 0, 32)
		if err != nil {
			return 0, 0, false
		}
		mask = uint32(m)
	}
	return uint32(v), mask, true
}

// outcome of one match
type outcome int

const (
	no outcome = iota
	yes
	unknown       // cannot be evaluated
	probabilistic // decided by chance (statistic)
)

// ruleMatches decides a rule. A match known to fail decides it at once;
// otherwise undecidable matches are settled by the options' policy and
// recorded.
func (tr *tracer) ruleMatches(r *Rule) (matched, assumed bool) {
	type pendingMatch struct {
		m      Match
		o      outcome
		reason string
	}
	var pending []pendingMatch
	for _, m := range r.Matches {
		o, reason := tr.evalMatch(m)
		switch o {
		case no:
			return false, false
		case unknown, probabilistic:
			pending = append(pending, pendingMatch{m, o, reason})
		}
	}
	matched = true
	for _, pm := range pending {
		ok := tr.opt.AssumeUnknownMatch
		if pm.o == probabilistic {
			ok = !tr.opt.SkipProbabilistic
		}
		tr.trace.Uncertain = append(tr.trace.Uncertain, Assumption{Rule: r, Match: pm.m, Matched: ok, Reason: pm.reason})
		if !ok {
			return false, true
		}
	}
	return matched, len(pending) > 0
}

func boolOutcome(b, negated bool) outcome {
	if b != negated {
		return yes
	}
	return no
}

// evalMatch decides one match against the packet.
func (tr *tracer) evalMatch(m Match) (outcome, string) {
	p := &tr.packet
	known := func(b bool, ok bool, why string) (outcome, string) {
		if !ok {
			return unknown, why
		}
		return boolOutcome(b, m.Negated), ""
	}
	switch m.Module {
	case "":
		switch m.Option {
		case "source":
			b, ok := addrMatches(m.Value, p.Src)
			return known(b, ok, "source address not evaluable")
		case "destination":
			b, ok := addrMatches(m.Value, p.Dst)
			return known(b, ok, "destination address not evaluable")
		case "protocol":
			b, ok := protoMatches(m.Value, p.Proto)
			return known(b, ok, "packet protocol not given")
		case "in-interface":
			return boolOutcome(ifaceMatches(m.Value, p.InIface), m.Negated), ""
		case "out-interface":
			return boolOutcome(ifaceMatches(m.Value, p.OutIface), m.Negated), ""
		case "fragment":
			// traced packets are whole (first) fragments
			return boolOutcome(false, m.Negated), ""
		}
	case "tcp", "udp", "sctp", "udplite", "dccp", "th", "multiport":
		if m.Module != "th" && m.Module != "multiport" {
			if b, ok := protoMatches(m.Module, p.Proto); ok && !b {
				return no, ""
			}
		}
		switch m.Option {
		case "dport", "dports":
			b, ok := portMatches(m.Value, p.DPort)
			return known(b, ok, "destination port not evaluable")
		case "sport", "sports":
			b, ok := portMatches(m.Value, p.SPort)
			return known(b, ok, "source port not evaluable")
		case "ports":
			d, ok1 := portMatches(m.Value, p.DPort)
			s, ok2 := portMatches(m.Value, p.SPort)
			return known(d || s, ok1 && ok2, "ports not evaluable")
		}
		return unknown, "tcp flags and options are not known"
	case "addrtype":
		switch m.Option {
		case "dst-type":
			b, ok := addrTypeMatches(m.Value, p.Dst, p.DstLocal)
			return known(b, ok, "address type not evaluable")
		case "src-type":
			b, ok := addrTypeMatches(m.Value, p.Src, p.SrcLocal)
			return known(b, ok, "address type not evaluable")
		case "limit-iface-in", "limit-iface-out":
			return yes, ""
		}
	case "conntrack", "state":
		if m.Option == "ctstate" || m.Option == "state" {
			return tr.ctStateMatch(m)
		}
	case "mark":
		if m.Option == "mark" {
			v, mask, ok := parseMark(m.Value)
			return known(p.Mark&mask == v, ok, "bad mark value")
		}
	case "comment":
		return yes, ""
	case "statistic":
		if m.Option == "mode" || m.Option == "xt" {
			return probabilistic, "statistic " + m.Value + " match is decided by chance"
		}
		return yes, "" // probability/every/packet belong to the mode match
	case "set":
		return unknown, "ipset membership is not in the rule set"
	}
	return unknown, fmt.Sprintf("%q match is not evaluated", strings.TrimSpace(m.Module+" "+m.Option))
}

// ctStateMatch evaluates --ctstate/--state lists. DNAT and SNAT in a
// ctstate list are conntrack status bits the packet does not carry here.
func (tr *tracer) ctStateMatch(m Match) (outcome, string) {
	state := strings.ToUpper(tr.packet.CtState)
	if state == "" {
		return unknown, "connection tracking state not given"
	}
	hasStatus := false
	for _, s := range strings.Split(m.Value, ",") {
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == state {
			return boolOutcome(true, m.Negated), ""
		}
		if s == "DNAT" || s == "SNAT" {
			hasStatus = true
		}
	}
	if hasStatus {
		return unknown, "whether the connection was NATed is not known"
	}
	return boolOutcome(false, m.Negated), ""
}

// addrMatches checks an address against "a.b.c.d[/len|/mask]", ranges
// "a-b" and comma lists; names and nft @sets are not evaluable.
func addrMatches(value string, addr netip.Addr) (match, ok bool) {
	if !addr.IsValid() {
		return false, false
	}
	addr = addr.Unmap()
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if lo, hi, isRange := strings.Cut(item, "-"); isRange {
			a, err1 := netip.ParseAddr(lo)
			b, err2 := netip.ParseAddr(hi)
			if err1 != nil || err2 != nil {
				return false, false
			}
			if a.Compare(addr) <= 0 && addr.Compare(b) <= 0 {
				return true, true
			}
			continue
		}
		pfx, good := parsePrefix(item)
		if !good {
			return false, false
		}
		if pfx.Contains(addr) {
			return true, true
		}
	}
	return false, true
}

// parsePrefix reads "10.0.0.0/8", "10.0.0.1", "10.0.0.0/255.0.0.0".
func parsePrefix(s string) (netip.Prefix, bool) {
	base, mask, hasMask := strings.Cut(s, "/")
	a, err := netip.ParseAddr(base)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	bits := a.BitLen()
	if hasMask {
		if n, err := strconv.Atoi(mask); err == nil {
			bits = n
		} else if m, err := netip.ParseAddr(mask); err == nil && m.Is4() {
			bits = 0
			for _, byt := range m.As4() {
				for i := 7; i >= 0; i-- {
					if byt&(1<<i) == 0 {
						break
					}
					bits++
				}
				if byt != 0xff {
					break
				}
			}
		} else {
			return netip.Prefix{}, false
		}
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}

var protocolNumbers = map[string]string{"6": "tcp", "17": "udp", "1": "icmp", "132": "sctp", "58": "ipv6-icmp", "136": "udplite", "47": "gre", "50": "esp", "51": "ah"}

func normalProto(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, ok := protocolNumbers[s]; ok {
		return n
	}
	if s == "icmpv6" {
		return "ipv6-icmp"
	}
	return s
}

func protoMatches(value, proto string) (match, ok bool) {
	for _, v := range strings.Split(value, ",") {
		v = normalProto(v)
		if v == "all" || v == "0" {
			return true, true
		}
		if proto == "" {
			return false, false
		}
		if v == normalProto(proto) {
			return true, true
		}
	}
	return false, true
}

// ifaceMatches implements -i/-o names with a trailing + wildcard. A packet
// without that interface matches no name.
func ifaceMatches(pattern, iface string) bool {
	if iface == "" {
		return false
	}
	if prefix, wild := strings.CutSuffix(pattern, "+"); wild {
		return strings.HasPrefix(iface, prefix)
	}
	return pattern == iface
}

// wellKnownPorts covers the service names iptables -L (without -n) prints
// for the ports that matter in these artifacts.
var wellKnownPorts = map[string]int{
	"ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "http": 80,
	"https": 443, "ntp": 123, "snmp": 161, "ldap": 389, "mysql": 3306,
	"postgresql": 5432, "amqp": 5672, "http-alt": 8080, "webcache": 8080,
}

func portNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 65535 {
		return n, true
	}
	n, ok := wellKnownPorts[s]
	return n, ok
}

// portMatches checks "80", "30000:32767" and comma lists of them.
func portMatches(value string, port int) (match, ok bool) {
	if port <= 0 {
		return false, false
	}
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, ":")
		if !isRange {
			hi = lo
		}
		a, ok1 := portNumber(lo)
		if lo == "" {
			a, ok1 = 0, true
		}
		b, ok2 := portNumber(hi)
		if hi == "" {
			b, ok2 = 65535, true
		}
		if !ok1 || !ok2 {
			return false, false
		}
		if a <= port && port <= b {
			return true, true
		}
	}
	return false, true
}

// addrTypeMatches evaluates address types as the kernel's route lookup
// classifies them; LOCAL is whatever the packet says (the address may be
// coming or going, as with a floating VIP).
func addrTypeMatches(value string, addr netip.Addr, local bool) (match, ok bool) {
	for _, t := range strings.Split(strings.ToUpper(value), ",") {
		switch strings.TrimSpace(t) {
		case "LOCAL":
			if local {
				return true, true
			}
		case "UNICAST":
			if !addr.IsValid() {
				return false, false
			}
			if !local && !addr.IsMulticast() && addr != netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
				return true, true
			}
		case "MULTICAST":
			if !addr.IsValid() {
				return false, false
			}
			if addr.IsMulticast() {
				return true, true
			}
		case "BROADCAST":
			if !addr.IsValid() {
				return false, false
			}
			if addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
				return true, true
			}
			if !local && !addr.IsMulticast() {
				// a subnet broadcast address depends on the interfaces
				return false, false
			}
		default:
			return false, false
		}
	}
	return false, true
}
