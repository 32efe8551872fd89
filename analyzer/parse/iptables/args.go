package iptables

import (
	"strconv"
	"strings"
)

// token is one shell-like word of a rule. Quoted tells a quoted "-x" apart
// from an option, and Start is the byte offset of the word in its line.
type token struct {
	Text   string
	Quoted bool
	Start  int
}

// tokenize splits a line into words the way iptables-restore does: blanks
// separate words, double or single quotes group them, and a backslash
// escapes the next character inside double quotes (xtables_save_string
// writes \" and \\). An unterminated quote runs to the end of the line and
// is reported through ok=false.
func tokenize(line string) (toks []token, ok bool) {
	ok = true
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		start := i
		var b strings.Builder
		quoted := false
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			switch q := line[i]; q {
			case '"', '\'':
				quoted = true
				i++
				closed := false
				for i < len(line) {
					if line[i] == q {
						closed = true
						i++
						break
					}
					if q == '"' && line[i] == '\\' && i+1 < len(line) {
						i++
					}
					b.WriteByte(line[i])
					i++
				}
				if !closed {
					ok = false
				}
			default:
				b.WriteByte(q)
				i++
			}
		}
		toks = append(toks, token{Text: b.String(), Quoted: quoted, Start: start})
	}
	return toks, ok
}

// isOption says whether a token starts an option (and so ends the values of
// the option before it).
func (t token) isOption() bool {
	if t.Quoted {
		return false
	}
	return t.Text == "!" || (len(t.Text) > 1 && t.Text[0] == '-' && !isNumber(t.Text[1:]))
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// builtinOptions are the options of iptables itself, as opposed to those of
// a match or target module.
var builtinOptions = map[string]bool{
	"source": true, "destination": true, "protocol": true,
	"in-interface": true, "out-interface": true, "fragment": true,
}

// portOptions belong to the protocol match implied by -p when no -m names
// the module (iptables loads it implicitly).
var portOptions = map[string]bool{
	"dport": true, "sport": true, "tcp-flags": true, "syn": true,
	"tcp-option": true, "icmp-type": true, "icmpv6-type": true,
}

// protocolModules are the match modules that own port and flag options.
var protocolModules = map[string]bool{
	"tcp": true, "udp": true, "sctp": true, "udplite": true, "dccp": true,
	"icmp": true, "icmp6": true,
}

// ruleArgs is what the words after "-A CHAIN" say.
type ruleArgs struct {
	rule        Rule
	problems    []string
	counters    bool
	packets     uint64
	bytesCount  uint64
	targetSeen  bool
	commentSeen bool
}

// parseRuleArgs turns the words of a rule into matches, target and target
// options. Words it cannot place are kept in Rule.Unparsed.
func parseRuleArgs(toks []token) ruleArgs {
	var ra ruleArgs
	r := &ra.rule
	module := ""   // the -m module whose options follow
	protocol := "" // the -p value, for implicit protocol matches
	inTarget := false
	negate := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Text == "!" && !t.Quoted {
			negate = true
			continue
		}
		if !t.isOption() {
			r.Unparsed = append(r.Unparsed, t.Text)
			continue
		}
		name := canonicalOption(t.Text)
		// values: the following words that are not options; old iptables
		// accepted the negation after the option ("-s ! 1.2.3.4").
		j := i + 1
		var values []string
		for j < len(toks) && (!toks[j].isOption() || (toks[j].Text == "!" && !toks[j].Quoted && len(values) == 0 && j+1 < len(toks) && !toks[j+1].isOption())) {
			if toks[j].Text == "!" && !toks[j].Quoted {
				negate = !negate
			} else {
				values = append(values, toks[j].Text)
			}
			j++
		}
		switch name {
		case "m", "match":
			if len(values) == 0 {
				ra.problems = append(ra.problems, "-m without a module name")
				break
			}
			module = values[0]
			r.Modules = append(r.Modules, module)
			inTarget = false
			// "-m NAME" takes no other value; keep anything extra.
			r.Unparsed = append(r.Unparsed, values[1:]...)
		case "jump", "goto":
			if len(values) == 0 {
				ra.problems = append(ra.problems, "-j without a target")
				break
			}
			if ra.targetSeen {
				ra.problems = append(ra.problems, "more than one target")
			}
			ra.targetSeen = true
			r.Target = values[0]
			r.Goto = name == "goto"
			r.Unparsed = append(r.Unparsed, values[1:]...)
			inTarget = true
			module = ""
		case "c", "set-counters":
			if len(values) >= 2 {
				p, err1 := strconv.ParseUint(values[0], 10, 64)
				b, err2 := strconv.ParseUint(values[1], 10, 64)
				if err1 == nil && err2 == nil {
					ra.counters, ra.packets, ra.bytesCount = true, p, b
					r.Unparsed = append(r.Unparsed, values[2:]...)
					break
				}
			}
			ra.problems = append(ra.problems, "bad -c counters")
			r.Unparsed = append(r.Unparsed, values...)
		default:
			value := strings.Join(values, " ")
			switch {
			case builtinOptions[name]:
				// -s etc. end a target's options in hand-written rules
				inTarget = false
				if name == "protocol" {
					protocol = strings.ToLower(value)
				}
				r.Matches = append(r.Matches, Match{Option: name, Value: value, Negated: negate})
			case inTarget:
				r.TargetArgs = append(r.TargetArgs, Arg{Name: name, Value: value})
			default:
				mod := module
				if portOptions[name] && !protocolModules[mod] {
					mod = protocol
				}
				if mod == "comment" && name == "comment" {
					if ra.commentSeen {
						r.Comment += " " + value
					} else {
						r.Comment = value
					}
					ra.commentSeen = true
				}
				r.Matches = append(r.Matches, Match{Module: mod, Option: name, Value: value, Negated: negate})
			}
		}
		negate = false
		i = j - 1
	}
	if negate {
		ra.problems = append(ra.problems, "dangling '!'")
	}
	return ra
}
