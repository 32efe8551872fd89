// Package iptables parses packet-filter rule sets (iptables-save, iptables -S,
// iptables -nvL and nft list ruleset) into one model with real match semantics,
// and traces a packet through the chains to find which rule decides its fate.
package iptables

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Forms a rule set can come in.
const (
	FormSave = "save" // iptables-save / ip6tables-save
	FormS    = "S"    // iptables -S
	FormL    = "L"    // iptables -L / -nvL
	FormNft  = "nft"  // nft list ruleset
)

// Ruleset is everything one artifact says about the packet filter.
type Ruleset struct {
	Form   string
	Tables map[string]*Table // keyed by TableKey(family, name)
	Order  []string          // table keys in the order they appeared
	// Backend is "legacy" or "nf_tables" when the output says which
	// (see backend.go), "" otherwise; BackendSrc is the line that says it.
	Backend    string
	BackendSrc source.Ref
	// LegacyWarning is iptables-nft's "# Warning: iptables-legacy tables
	// present" line, when printed.
	LegacyWarning *source.Ref
}

// Table is one netfilter table (iptables) or nft table.
type Table struct {
	Name   string
	Family string // "ip", "ip6", "inet", ... ; "" when the artifact does not say
	Chains map[string]*Chain
	Order  []string // chain names in the order they were declared
	// Hooks indexes nft base chains by netfilter hook in iptables spelling
	// ("PREROUTING", "OUTPUT", ...), each list sorted by priority. Native nft
	// rule sets name their base chains freely, so this is how a tracer finds
	// "the nat OUTPUT chain" there.
	Hooks map[string][]string
	Src   source.Ref
}

// Chain is a built-in or user-defined chain.
type Chain struct {
	Name        string
	Policy      string // "ACCEPT", "DROP"; "" for user-defined chains
	Packets     uint64 // policy counters
	Bytes       uint64
	HasCounters bool
	// References is the reference count printed by iptables -L for user
	// chains; -1 when the form does not show it.
	References int
	// nft base chain properties ("" for iptables forms and regular chains).
	Type, Hook, Priority string
	Rules                []*Rule
	Src                  source.Ref
}

// Rule is one rule of a chain.
type Rule struct {
	Table, Chain string
	Index        int // 1-based position in the chain
	Matches      []Match
	Modules      []string // modules loaded with -m, in order (some add no option)
	Target       string   // "ACCEPT", "DNAT", a chain name, ...; "" when the rule has none
	Goto         bool     // -g / nft goto: the target chain does not return here
	TargetArgs   []Arg
	Packets      uint64
	Bytes        uint64
	HasCounters  bool
	// CountersRounded is set when the counters were printed with K/M/G
	// suffixes (iptables -L without -x) and are only accurate to 3 digits.
	CountersRounded bool
	Comment         string
	Handle          int      // nft rule handle; 0 when not shown
	Unparsed        []string // text the parser did not understand, kept verbatim
	Raw             string
	Src             source.Ref
}

// Match is one condition of a rule. Built-in matches (-s -d -p -i -o -f) have
// an empty Module. Option is the long option name without dashes, with
// aliases folded ("destination-port" is "dport"); Value holds the arguments
// joined by a space ("KUBE-CLUSTER-IP dst,dst").
type Match struct {
	Module  string
	Option  string
	Value   string
	Negated bool
}

// Arg is one target option, e.g. {"to-destination", "10.0.0.1:80"}. Flags
// without a value (--random-fully) have an empty Value.
type Arg struct {
	Name  string
	Value string
}

// TableKey is the key of a table in Ruleset.Tables: the bare name for IPv4
// and unknown families (what iptables users mean by "nat"), and
// "family name" otherwise ("ip6 nat", "inet firewalld").
func TableKey(family, name string) string {
	if family == "" || family == "ip" {
		return name
	}
	return family + " " + name
}

// Table finds a table by key, or by bare name when exactly one table has
// that name (an ip6tables-save dump alone has "ip6 filter" only).
func (rs *Ruleset) Table(key string) *Table {
	if rs == nil {
		return nil
	}
	if t, ok := rs.Tables[key]; ok {
		return t
	}
	var found *Table
	for _, t := range rs.Tables {
		if t.Name == key {
			if found != nil {
				return nil
			}
			found = t
		}
	}
	return found
}

// Chain returns the named chain of a table, or nil.
func (rs *Ruleset) Chain(table, name string) *Chain {
	t := rs.Table(table)
	if t == nil {
		return nil
	}
	return t.Chains[name]
}

// Rules returns the rules for which keep returns true, tables and chains in
// declaration order.
func (rs *Ruleset) Rules(keep func(*Rule) bool) []*Rule {
	if rs == nil {
		return nil
	}
	var out []*Rule
	for _, tk := range rs.Order {
		t := rs.Tables[tk]
		for _, cn := range t.Order {
			for _, r := range t.Chains[cn].Rules {
				if keep == nil || keep(r) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// References returns the rules of a table that jump or go to chain.
func (rs *Ruleset) References(table, chain string) []*Rule {
	t := rs.Table(table)
	if t == nil {
		return nil
	}
	return rs.Rules(func(r *Rule) bool {
		return r.Target == chain && rs.Table(r.Table) == t
	})
}

// optionAliases folds short and alternative option spellings onto the names
// Match.Option uses.
var optionAliases = map[string]string{
	"s": "source", "src": "source",
	"d": "destination", "dst": "destination",
	"p": "protocol", "proto": "protocol",
	"i": "in-interface", "o": "out-interface",
	"f":                 "fragment",
	"destination-port":  "dport",
	"source-port":       "sport",
	"destination-ports": "dports",
	"source-ports":      "sports",
	"j":                 "jump",
	"g":                 "goto",
}

// canonicalOption strips leading dashes and folds aliases.
func canonicalOption(name string) string {
	name = strings.TrimLeft(name, "-")
	if a, ok := optionAliases[name]; ok {
		return a
	}
	return name
}

// Match returns the first match with the given option ("dport", "--dport",
// "-d" and "destination" all work).
func (r *Rule) Match(option string) (Match, bool) {
	option = canonicalOption(option)
	for _, m := range r.Matches {
		if m.Option == option {
			return m, true
		}
	}
	return Match{}, false
}

// TargetArg returns the value of a target option ("--to-destination" or
// "to-destination").
func (r *Rule) TargetArg(name string) (string, bool) {
	name = strings.TrimLeft(name, "-")
	for _, a := range r.TargetArgs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// String renders a match in iptables-save syntax.
func (m Match) String() string {
	var b strings.Builder
	if m.Negated {
		b.WriteString("! ")
	}
	b.WriteString("--")
	b.WriteString(m.Option)
	if m.Value != "" {
		b.WriteByte(' ')
		b.WriteString(m.Value)
	}
	if m.Module != "" {
		return "-m " + m.Module + " " + b.String()
	}
	return b.String()
}
