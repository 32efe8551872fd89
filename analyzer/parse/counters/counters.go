// Package counters reads the kernel's SNMP and extended network counters in
// every textual form engineers paste (/proc/net/netstat, /proc/net/snmp,
// /proc/net/snmp6, nstat, net-tools `netstat -s`) into snapshots keyed by
// "Group.Name" (TcpExt.ListenDrops), so two captures can be compared.
package counters

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Counter is one counter value. Values are signed because /proc/net/snmp
// reports Tcp.MaxConn as -1; real counters stay far below 2^63.
type Counter struct {
	Value int64
	Src   source.Ref
}

// Forms of a snapshot.
const (
	FormProc     = "proc"      // /proc/net/{netstat,snmp,snmp6} header/value pairs or "Name value"
	FormNstat    = "nstat"     // iproute2 nstat
	FormNetstatS = "netstat-s" // net-tools netstat -s
)

// Snapshot is one reading of the counters.
type Snapshot struct {
	Label string // the timestamp line before it, else "#1", "#2", ...
	Form  string
	// Delta is set for nstat output taken without -a, which prints the
	// increments since nstat's previous run rather than absolute values.
	Delta  bool
	Values map[string]Counter
	// Unmapped are netstat -s lines no known sentence matched. netstat -s
	// omits most zero counters, so a counter missing from Values is
	// unknown, not zero.
	Unmapped []source.Ref
	Src      source.Ref // the whole range; Text is its first line
	// Softnet holds each row of /proc/net/softnet_stat (form "softnet");
	// Values holds their sums.
	Softnet []SoftnetRow
}

// Set is every snapshot of one artifact, in input order.
type Set struct {
	Snapshots []*Snapshot
}

// Delta returns b-a for every counter present in both snapshots.
func Delta(a, b *Snapshot) map[string]int64 {
	out := map[string]int64{}
	if a == nil || b == nil {
		return out
	}
	for k, cb := range b.Values {
		if ca, ok := a.Values[k]; ok {
			out[k] = cb.Value - ca.Value
		}
	}
	return out
}

// Parse reads any mix of the supported forms. nstat output is taken as
// absolute (nstat -a); use ParseNstat when it is known to be increments.
func Parse(artifact string, data []byte) (*Set, []source.Warning) {
	return ParseNstat(artifact, data, true)
}

// ParseNstat is Parse with the caller saying whether nstat output in the
// artifact was taken with -a (absolute) or without (increments), which the
// text itself does not tell.
func ParseNstat(artifact string, data []byte, absolute bool) (*Set, []source.Warning) {
	p := &parser{artifact: artifact, absolute: absolute, set: &Set{}}
	p.run(source.Lines(data))
	for i, s := range p.set.Snapshots {
		if s.Label == "" {
			s.Label = "#" + strconv.Itoa(i+1)
		}
	}
	return p.set, p.warns
}

type parser struct {
	artifact string
	absolute bool
	set      *Set
	warns    []source.Warning

	cur          *Snapshot
	seen         map[string]bool // groups, sections or names already in cur
	pendingLabel string
	section      string // current netstat -s section ("Tcp")
	histogram    string // current ICMP histogram title within the section
	ssTable      bool   // in ss -s's Transport table
}

var (
	procLine      = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*):\s+(.*)$`)
	sectionLine   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*):$`)
	nameValueLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)\s+(-?[0-9]+)(?:\s+(\S+))?$`)
	colonLine     = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*):\s*(-?[0-9]+)$`)

	// A line that separates snapshots: `date` output in any locale (it has
	// a clock time), an ISO date, an epoch, or a ===/--- marker.
	clockTime = regexp.MustCompile(`(^|[^0-9])[0-9]{1,2}:[0-9]{2}:[0-9]{2}([^0-9]|$)`)
	isoDate   = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}`)
	epoch     = regexp.MustCompile(`^[0-9]{9,10}(\.[0-9]+)?$`)
	marker    = regexp.MustCompile(`^(={3,}|-{3,}|#{3,}|\*{3,})`)
)

func (p *parser) warn(line int, format string, args ...any) {
	p.warns = append(p.warns, source.Warnf(line, format, args...))
}

func (p *parser) run(lines []source.Line) {
	p.warns = append(p.warns, source.CutWarnings(lines)...)
	for i := 0; i < len(lines); i++ {
		ln := lines[i]
		text := strings.TrimSpace(ln.Text)
		switch {
		case text == "":
			continue
		case isSoftnetRow(text):
			p.softnetRow(text, ln)
			continue
		case p.sockstatLine(text, ln):
			continue
		case p.ssSummaryLine(text, ln):
			continue
		case text == "#kernel":
			p.section = ""
			p.begin(FormNstat, ln)
			continue
		case isLabel(text):
			p.pendingLabel = text
			p.cur, p.section = nil, ""
			continue
		}
		if m := procLine.FindStringSubmatch(text); m != nil && i+1 < len(lines) {
			if vm := procLine.FindStringSubmatch(strings.TrimSpace(lines[i+1].Text)); vm != nil && vm[1] == m[1] && allMatch(strings.Fields(vm[2]), isInteger) && allMatch(strings.Fields(m[2]), isIdentifier) {
				p.procPair(m[1], strings.Fields(m[2]), strings.Fields(vm[2]), ln, lines[i+1])
				i++
				continue
			}
		}
		if m := sectionLine.FindStringSubmatch(text); m != nil {
			p.ensure(FormNetstatS, "section:"+m[1], ln)
			p.section, p.histogram = m[1], ""
			continue
		}
		if p.section != "" {
			p.netstatLine(text, ln)
			continue
		}
		if m := nameValueLine.FindStringSubmatch(text); m != nil {
			if group, name, ok := splitGroup(m[1]); ok {
				form := FormProc // snmp6 and sctp/snmp: "Name value"
				if m[3] != "" || (p.cur != nil && p.cur.Form == FormNstat) {
					form = FormNstat // nstat adds a rate column
				}
				key := group + "." + name
				p.ensure(form, "name:"+key, ln)
				p.setValue(key, m[2], ln)
				continue
			}
		}
		if strings.HasPrefix(text, "#") || strings.HasPrefix(text, "$") {
			continue // shell prompts and comments around pasted commands
		}
		// `netstat -s | grep ...` drops the section headers; a sentence
		// that belongs to one counter only is still unambiguous.
		if key, number := sentenceKey(text); number != "" {
			if s, ok := headlessIndex[key]; ok {
				name := s.Group + "." + s.Counter
				p.ensure(FormNetstatS, "name:"+name, ln)
				p.setValue(name, number, ln)
				continue
			}
		}
		p.warn(ln.No, "unrecognised line: %.80q", text)
	}
}

// isLabel checks cheap preconditions before each pattern: it runs on
// every line of large pastes.
func isLabel(text string) bool {
	return (strings.Count(text, ":") >= 2 && clockTime.MatchString(text)) ||
		(strings.IndexByte(text, '-') > 0 && isoDate.MatchString(text)) ||
		(text[0] >= '0' && text[0] <= '9' && epoch.MatchString(text)) ||
		(strings.IndexByte("=-#*", text[0]) >= 0 && marker.MatchString(text))
}

func allMatch(tokens []string, match func(string) bool) bool {
	for _, t := range tokens {
		if !match(t) {
			return false
		}
	}
	return len(tokens) > 0
}

// isInteger reports whether s is an optionally negative decimal number.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isIdentifier reports whether s looks like a counter name.
func isIdentifier(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// begin starts a new snapshot at ln.
func (p *parser) begin(form string, ln source.Line) {
	p.cur = &Snapshot{
		Label:  p.pendingLabel,
		Form:   form,
		Delta:  form == FormNstat && !p.absolute,
		Values: map[string]Counter{},
		Src:    source.At(p.artifact, ln.No, ln.Text),
	}
	p.pendingLabel = ""
	p.seen = map[string]bool{}
	p.set.Snapshots = append(p.set.Snapshots, p.cur)
}

// ensure makes sure the current snapshot has the given form and has not yet
// seen key; otherwise the data is a new reading (two pasted outputs).
func (p *parser) ensure(form, key string, ln source.Line) {
	if p.cur == nil || p.cur.Form != form || p.seen[key] {
		p.begin(form, ln)
	}
	p.seen[key] = true
	p.extend(ln.No)
}

func (p *parser) extend(line int) {
	if line > p.cur.Src.EndLine {
		p.cur.Src.EndLine = line
	}
}

func (p *parser) setValue(key, value string, ln source.Line) {
	v, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		p.warn(ln.No, "%s: value %.30s out of range", key, value)
		return
	}
	p.cur.Values[key] = Counter{Value: v, Src: source.At(p.artifact, ln.No, ln.Text)}
}

// procPair reads one "Group: names" / "Group: values" pair of
// /proc/net/netstat or /proc/net/snmp, matching values to names by position.
func (p *parser) procPair(group string, names, values []string, hdr, val source.Line) {
	p.ensure(FormProc, "group:"+group, hdr)
	p.extend(val.No)
	p.section = ""
	if len(names) != len(values) {
		p.warn(val.No, "%s: %d names but %d values; reading the first %d", group, len(names), len(values), min(len(names), len(values)))
	}
	ref := source.Ref{Artifact: p.artifact, Line: hdr.No, EndLine: val.No, Text: hdr.Text + "\n" + val.Text}
	for i := 0; i < len(names) && i < len(values); i++ {
		v, err := strconv.ParseInt(values[i], 10, 64)
		if err != nil {
			p.warn(val.No, "%s.%s: value %.30s out of range", group, names[i], values[i])
			continue
		}
		p.cur.Values[group+"."+names[i]] = Counter{Value: v, Src: ref}
	}
}

// netstatLine reads one line inside a netstat -s section.
func (p *parser) netstatLine(text string, ln source.Line) {
	p.extend(ln.No)
	if strings.EqualFold(text, icmpIn) || strings.EqualFold(text, icmpOut) {
		p.histogram = text
		return
	}
	ref := source.At(p.artifact, ln.No, ln.Text)
	// Counters net-tools has no sentence for: "TCPTimeouts: 668".
	if m := colonLine.FindStringSubmatch(text); m != nil {
		p.setValue(p.section+"."+m[1], m[2], ln)
		return
	}
	key, number := sentenceKey(text)
	s, ok := sentenceIndex[p.section+"|"+strings.ToLower(p.histogram)+"|"+key]
	if !ok {
		s, ok = sentenceIndex[p.section+"||"+key]
	}
	if !ok || number == "" {
		p.cur.Unmapped = append(p.cur.Unmapped, ref)
		return
	}
	p.setValue(s.Group+"."+s.Counter, number, ln)
}

// sentenceKey normalises a sentence for lookup: lower case, no trailing
// dot (net-tools versions differ in both), the number replaced by %u. It
// returns the number, or "" when the line has none or several.
func sentenceKey(text string) (key, number string) {
	text = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(text)), ".")
	fields := strings.Fields(text)
	count := 0
	for i, f := range fields {
		switch {
		case isInteger(f) && f[0] != '-':
			number = f
			count++
			fields[i] = "%u"
		case f == "%u" || f == "%lu" || f == "%llu" || f == "%d" || f == "%ld":
			fields[i] = "%u"
		}
	}
	if count != 1 {
		number = ""
	}
	return strings.Join(fields, " "), number
}

// sentenceIndex maps "Group|context|normalised sentence" to its entry.
var sentenceIndex = func() map[string]Sentence {
	idx := make(map[string]Sentence, len(NetstatSentences))
	for _, s := range NetstatSentences {
		key, _ := sentenceKey(s.Template)
		idx[s.Group+"|"+strings.ToLower(s.Context)+"|"+key] = s
	}
	return idx
}()

// headlessIndex maps a normalised sentence to its entry when no other
// group or histogram uses the same sentence, for grep-filtered output.
var headlessIndex = func() map[string]Sentence {
	idx := map[string]Sentence{}
	ambiguous := map[string]bool{}
	for _, s := range NetstatSentences {
		key, _ := sentenceKey(s.Template)
		if old, ok := idx[key]; ok && (old.Group != s.Group || old.Counter != s.Counter) {
			ambiguous[key] = true
		}
		idx[key] = s
	}
	for k := range ambiguous {
		delete(idx, k)
	}
	return idx
}()

// groupPrefixes are the counter groups nstat glues to counter names,
// longest first so "TcpExtTW" is not read as Tcp + "ExtTW".
var groupPrefixes = func() []string {
	g := []string{"IpExt", "Ip6", "Ip", "TcpExt", "Tcp", "UdpLite6", "UdpLite", "Udp6", "Udp",
		"IcmpMsg", "Icmp6", "Icmp", "MPTcpExt", "Sctp"}
	sort.SliceStable(g, func(i, j int) bool { return len(g[i]) > len(g[j]) })
	return g
}()

// splitGroup splits "TcpExtListenDrops" into "TcpExt", "ListenDrops".
func splitGroup(name string) (group, rest string, ok bool) {
	for _, g := range groupPrefixes {
		if r, found := strings.CutPrefix(name, g); found && r != "" && r[0] >= 'A' && r[0] <= 'Z' {
			return g, r, true
		}
	}
	return "", "", false
}
