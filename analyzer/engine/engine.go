// Package engine evaluates rules against the facts of each host and builds
// the report: findings with evidence recorded from what the matching
// condition read, what is missing to confirm them, and which finding
// explains which.
package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/counterdict"
	"github.com/nettriage/nettriage/analyzer/derive"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/source"
	"github.com/nettriage/nettriage/analyzer/timeline"
)

// Options configures one analysis.
type Options struct {
	Rules   *RuleSet
	Params  map[string]map[string]float64 // per rule id: parameter overrides
	Facts   facts.Options
	Version string // tool version for the report
	// NotAnalysed are the bundle directories whose files were not
	// analysed, for the report (from artifact.ExpandAll).
	NotAnalysed []artifact.NotAnalysed
	// Timeline bounds the report's timeline.
	Timeline timeline.Options
}

// Analyze parses the artifacts, evaluates every rule on every host and
// returns the report. inputErrors are problems met while expanding the
// inputs; they are carried into the report.
func Analyze(arts []*artifact.Artifact, inputErrors []artifact.Error, opt Options) *Report {
	return Prepare(arts, inputErrors, opt).Evaluate(opt.Rules, opt.Params)
}

// Prepared is a case's facts, built once: parsing every artifact and
// measuring every capture is most of an analysis, and a rule edited in the
// playground only needs the rules evaluated again on the same facts.
type Prepared struct {
	arts        []*artifact.Artifact
	inputErrors []artifact.Error
	warns       map[string][]source.Warning
	hosts       []*facts.Host
	cluster     *facts.Host // every host merged; nil with one host
	opt         Options
}

// Prepare parses the artifacts into facts (opt.Rules and opt.Params are
// not used: Evaluate takes them).
func Prepare(arts []*artifact.Artifact, inputErrors []artifact.Error, opt Options) *Prepared {
	p := &Prepared{arts: arts, inputErrors: inputErrors, opt: opt}
	p.hosts, p.warns = facts.Build(arts, opt.Facts)
	if len(p.hosts) > 1 {
		names := make([]string, len(p.hosts))
		for i, h := range p.hosts {
			names[i] = h.Name
		}
		p.cluster = facts.Merge(strings.Join(names, ","), p.hosts)
	}
	return p
}

// Evaluate runs the rules on the prepared facts and builds the report.
// It only reads the facts, so it can run again with other rules or
// parameters and gives what Analyze would.
func (p *Prepared) Evaluate(rules *RuleSet, params map[string]map[string]float64) *Report {
	rep := &Report{
		Schema: Schema,
		Tool:   Tool{Name: "nettriage", Version: p.opt.Version, Rules: rules.Version()},
	}
	for _, e := range p.inputErrors {
		rep.Errors = append(rep.Errors, Error{Artifact: e.Artifact, Message: e.Message})
	}
	for _, n := range p.opt.NotAnalysed {
		rep.NotAnalysed = append(rep.NotAnalysed, NotAnalysed{Path: n.Path, Count: n.Count, Reason: n.Reason})
	}
	for _, a := range p.arts {
		w := append(append([]source.Warning(nil), a.Warnings...), p.warns[a.Name]...)
		if w == nil {
			w = []source.Warning{}
		}
		rep.Artifacts = append(rep.Artifacts, ArtifactInfo{Name: a.Name, Host: a.Host, Namespace: a.Namespace,
			Kind: string(a.Kind), Command: a.Command, Size: a.Size, Warnings: w, WarningsTotal: len(w), HostReason: a.HostReason})
	}
	hosts := p.hosts
	var clusterChecks []Check
	if p.cluster != nil {
		ev := newEvaluator(p.cluster, hosts)
		for _, r := range rules.Rules {
			if r.Scope == "cluster" {
				ev.run(r, params[r.ID], rep)
				chk := rep.Checks[len(rep.Checks)-1]
				rep.Checks = rep.Checks[:len(rep.Checks)-1]
				chk.Reason = "across hosts: " + chk.Reason
				clusterChecks = append(clusterChecks, chk)
			}
		}
	}
	for _, h := range hosts {
		for _, c := range h.Captures {
			rep.Captures = append(rep.Captures, c.Summary())
			if c.Error != "" {
				rep.Errors = append(rep.Errors, Error{Artifact: c.Artifact, Message: c.Error})
			}
		}
	}
	for _, h := range hosts {
		rep.Hosts = append(rep.Hosts, h.Name)
		rep.Counters = append(rep.Counters, counterMoves(h, rules)...)
		rep.Totals = append(rep.Totals, counterTotals(h, rules)...)
		ev := newEvaluator(h, hosts)
		for _, r := range rules.Rules {
			if r.Scope != "cluster" {
				ev.run(r, params[r.ID], rep)
			}
		}
		// A cluster rule's outcome is every host's status for it.
		for _, r := range rules.Rules {
			if r.Scope != "cluster" {
				continue
			}
			chk := Check{Rule: r.ID, Host: h.Name, Status: "not-run", Reason: "compares hosts: needs the artifacts of two or more hosts"}
			for _, c := range clusterChecks {
				if c.Rule == r.ID {
					chk.Status, chk.Reason, chk.Missing = c.Status, c.Reason, c.Missing
				}
			}
			rep.Checks = append(rep.Checks, chk)
		}
	}
	linkExplanations(rep.Findings, rules)
	labelEvidence(rep)
	timeline.Attach(hosts, rep, p.opt.Timeline)
	rep.Normalize()
	return rep
}

// evaluator runs rules on one host (or the merged view of all hosts, for
// cluster rules), with the vocabulary bound once to the host's facts.
type evaluator struct {
	ctx *derive.Ctx
	env map[string]any
}

func newEvaluator(h *facts.Host, all []*facts.Host) *evaluator {
	ctx := &derive.Ctx{Host: h, All: all}
	return &evaluator{ctx: ctx, env: derive.Bind(ctx)}
}

// run evaluates a rule and adds its finding (if any) and its check to the
// report.
func (ev *evaluator) run(r *Rule, override map[string]float64, rep *Report) {
	f, chk, err := ev.evaluate(r, override)
	if err != nil {
		rep.Errors = append(rep.Errors, Error{Artifact: r.File, Message: err.Error()})
	}
	if f != nil {
		rep.Findings = append(rep.Findings, *f)
	}
	rep.Checks = append(rep.Checks, chk)
}

// evaluate tries a rule's conditions, strongest first, and returns a
// finding for the first that matches, or nil, with the rule's check.
func (ev *evaluator) evaluate(r *Rule, override map[string]float64) (*Finding, Check, error) {
	h := ev.ctx.Host
	if _, _, runs := r.needs(h); !runs {
		// None of its inputs was collected: the rule is not run, so it
		// costs nothing (a pre-read rule is not even compiled).
		return nil, r.notMatched(h, "", nil), nil
	}
	ev.env["params"] = r.ParamValues(override)
	var weakest *derive.Recorder
	weakestLevel := ""
	for _, level := range Confidences {
		p, err := r.program(level)
		if err != nil {
			return nil, Check{Rule: r.ID, Host: h.Name, Status: "ruled-out", Reason: "the rule did not compile: " + err.Error()}, err
		}
		if p == nil {
			continue
		}
		rec := &derive.Recorder{}
		ev.ctx.Rec = rec
		out, err := expr.Run(p.prog, ev.env)
		ev.ctx.Rec = nil
		if err != nil {
			return nil, Check{Rule: r.ID, Host: h.Name, Status: "ruled-out",
					Reason: "the " + level + " condition could not be evaluated: " + err.Error()},
				fmt.Errorf("rule %s, %s condition on host %s: %v", r.ID, level, h.Name, err)
		}
		if ok, _ := out.(bool); !ok {
			weakest, weakestLevel = rec, level
			continue
		}
		f := r.finding(h, level, rec)
		return f, Check{Rule: r.ID, Host: h.Name, Status: "matched", Reason: "matched at " + level}, nil
	}
	return nil, r.notMatched(h, weakestLevel, weakest), nil
}

// finding builds the finding of a rule that matched at level, from what
// the matching condition read.
func (r *Rule) finding(h *facts.Host, level string, rec *derive.Recorder) *Finding {
	values := rec.Values()
	f := &Finding{
		Rule: r.ID, Host: h.Name, Title: r.Title, Severity: r.Severity, Confidence: level,
		Summary: render(r.Summary, values, h, false), Explanation: r.Explanation, Remediation: r.Remediation,
		References: append([]string{}, r.References...), Evidence: r.evidence(rec), Missing: []Missing{},
	}
	for _, fl := range rec.Flows() {
		f.Flows = append(f.Flows, fl.Flow.Evidence(fl.Artifact))
	}
	for _, in := range r.inputs() {
		if !derive.HasKind(h, in.Kind) {
			f.Missing = append(f.Missing, Missing{Kind: in.Kind, Why: in.Why, Collect: inNamespace(render(in.Collect, values, h, true), h.Name)})
		}
	}
	return f
}

// evidence turns what a condition read into evidence: one item per line or
// frame (notes merged), the decisive functions' items first.
func (r *Rule) evidence(rec *derive.Recorder) []Evidence {
	out := []Evidence{}
	index := map[string]int{}
	for _, it := range rec.Items() {
		key := fmt.Sprintf("%s\x00%d\x00%d", it.Ref.Artifact, it.Ref.Line, it.Frame)
		decisive := contains(r.Decisive, it.Func)
		if i, ok := index[key]; ok {
			e := &out[i]
			if it.Note != "" && !strings.Contains(e.Note, it.Note) {
				if e.Note != "" {
					e.Note += "; "
				}
				e.Note += it.Note
			}
			e.Decisive = e.Decisive || decisive
			continue
		}
		index[key] = len(out)
		out = append(out, Evidence{Artifact: it.Ref.Artifact, Line: it.Ref.Line, EndLine: it.Ref.EndLine,
			Frame: it.Frame, Time: it.Time, Text: it.Ref.Text, Note: it.Note, Decisive: decisive})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Decisive && !out[j].Decisive })
	return out
}

// notMatched is the check of a rule that did not match: not-run when an
// input it requires is missing, else ruled-out, with what its weakest
// condition read.
func (r *Rule) notMatched(h *facts.Host, level string, rec *derive.Recorder) Check {
	chk := Check{Rule: r.ID, Host: h.Name, Status: "ruled-out"}
	needed, absent, runs := r.needs(h)
	if !runs {
		chk.Status, chk.Missing = "not-run", needed
		if len(needed) == 1 {
			chk.Reason = "needs " + needed[0] + ", which was not collected"
		} else {
			chk.Reason = "needs one of " + strings.Join(needed, ", ") + "; none was collected"
		}
		return chk
	}
	chk.Missing = absent
	var read []string
	if rec != nil {
		for _, it := range rec.Items() {
			if len(read) == 3 {
				read = append(read, "...")
				break
			}
			t := it.Note
			if t == "" {
				t = strings.TrimSpace(it.Ref.Text)
			}
			if t != "" && !contains(read, t) {
				read = append(read, t)
			}
		}
	}
	if len(read) == 0 {
		chk.Reason = "its " + level + " condition found nothing it looks for"
	} else {
		chk.Reason = "its " + level + " condition is false; it read: " + strings.Join(read, "; ")
	}
	return chk
}

// needs tells whether a rule runs on a host: when one of its required
// inputs (any of its inputs, when none is marked required) was collected,
// or when it reads no input. needed are those inputs, absent every input
// of the rule that was not collected.
func (r *Rule) needs(h *facts.Host) (needed, absent []string, runs bool) {
	anyRequired := false
	for _, in := range r.inputs() {
		if !derive.HasKind(h, in.Kind) {
			absent = append(absent, in.Kind)
		}
		anyRequired = anyRequired || in.Required
	}
	for _, in := range r.inputs() {
		if in.Required || !anyRequired {
			runs = runs || derive.HasKind(h, in.Kind)
			if !contains(needed, in.Kind) {
				needed = append(needed, in.Kind)
			}
		}
	}
	return needed, absent, runs || len(needed) == 0
}

// inputs is the rule's declared inputs plus every kind the functions its
// conditions call read, in that order; a kind a rule does not declare gets
// the kind's default collect command.
func (r *Rule) inputs() []Input {
	out := append([]Input(nil), r.Inputs...)
	seen := map[string]bool{}
	for _, in := range out {
		seen[in.Kind] = true
	}
	if seen[string(artifact.KindNftables)] {
		seen[string(artifact.KindIptables)] = true
	}
	names := make([]string, 0, len(r.calls))
	for n := range r.calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, _ := derive.LookupFunc(n)
		for _, k := range f.Reads {
			if seen[string(k)] {
				continue
			}
			seen[string(k)] = true
			d := defaultInputs[k]
			out = append(out, Input{Kind: string(k), Why: d.why, Collect: d.collect})
		}
	}
	return out
}

// defaultInputs says how to collect each kind, for inputs a rule reads
// through its functions without declaring them.
var defaultInputs = map[artifact.Kind]struct{ why, collect string }{
	artifact.KindSysctl:     {"kernel settings", "sysctl -a"},
	artifact.KindCounters:   {"kernel counters, twice, to see what moves now", "cat /proc/net/netstat /proc/net/snmp; sleep 10; cat /proc/net/netstat /proc/net/snmp"},
	artifact.KindIptables:   {"the packet filter and NAT rules", "iptables-save"},
	artifact.KindIPVS:       {"IPVS services, real servers and timeouts", "ipvsadm -Ln; ipvsadm -Ln --timeout"},
	artifact.KindSockets:    {"sockets with timers and queues", "ss -tanpoi"},
	artifact.KindAddresses:  {"addresses on every interface", "ip addr"},
	artifact.KindRoutes:     {"routing tables and rules", "ip route show table all; ip rule"},
	artifact.KindConntrack:  {"conntrack statistics", "conntrack -S"},
	artifact.KindLog:        {"the kernel and daemon logs", "journalctl -k --since -1h; journalctl -u keepalived --since -1h"},
	artifact.KindKeepalived: {"the keepalived configuration", "cat /etc/keepalived/keepalived.conf"},
	artifact.KindSystem:     {"the kernel version", "uname -a"},
	artifact.KindProcesses:  {"the process list", "ps auxww"},
	artifact.KindPcap:       {"a capture of the traffic", "tcpdump -i any -s 128 -w /tmp/nettriage.pcap"},
}

// render fills {{name}} references in rule text with the values the
// matching condition measured; a value that was not measured reads "not
// collected", never a guess. In a command it reads <name: not collected>,
// so the command cannot be run by mistake as it stands.
func render(text string, values map[string]string, h *facts.Host, command bool) string {
	missing := "not collected"
	if !strings.Contains(text, "{{") {
		return text
	}
	return templateRef.ReplaceAllStringFunc(text, func(m string) string {
		name := templateRef.FindStringSubmatch(m)[1]
		if command {
			missing = "<" + name + ": not collected>"
		}
		switch name {
		case "host":
			return hostName(h.Name)
		case "namespace":
			if _, ns, ok := strings.Cut(h.Name, "/"); ok {
				return ns
			}
			return missing
		}
		if v, ok := values[name]; ok {
			return v
		}
		return missing
	})
}

func hostName(name string) string {
	host, _, _ := strings.Cut(name, "/")
	return host
}

// linkExplanations sets explained_by on a finding when a rule it names as
// a possible cause also matched on the same host.
func linkExplanations(fs []Finding, rs *RuleSet) {
	found := map[string]bool{}
	for _, f := range fs {
		found[f.Host+"\x00"+f.Rule] = true
	}
	for i := range fs {
		r, ok := rs.Get(fs[i].Rule)
		if !ok {
			continue
		}
		for _, cause := range r.ExplainedBy {
			if found[fs[i].Host+"\x00"+cause] {
				fs[i].ExplainedBy = cause
				break
			}
		}
	}
}

// Version identifies the rule set: how many rules, and a hash of their
// definitions, so two reports can be compared.
func (rs *RuleSet) Version() string {
	if rs == nil {
		return "none"
	}
	h := sha256.New()
	ids := rs.IDs()
	sort.Strings(ids)
	for _, id := range ids {
		r := rs.byID[id]
		fmt.Fprintf(h, "%s\x00%s\x00%v\x00%v\x00", r.ID, r.Severity, r.Conditions, r.ParamValues(nil))
	}
	return fmt.Sprintf("%d rules, %s", len(ids), hex.EncodeToString(h.Sum(nil))[:12])
}

// counterMoves reports the counters that moved on a host, with the rules
// whose conditions mention them.
func counterMoves(h *facts.Host, rs *RuleSet) []CounterMove {
	var out []CounterMove
	for _, m := range derive.CounterMoves(h) {
		cm := CounterMove{Host: h.Name, Name: m.Name, First: m.First, Last: m.Last, Delta: m.Delta,
			Snapshots: m.Snapshots, Meaning: counterMeaning(m.Name), Rules: rs.RulesReading(m.Name)}
		if len(m.Refs) > 0 {
			last := m.Refs[len(m.Refs)-1]
			cm.Artifact, cm.Line = last.Artifact, last.Line
		}
		out = append(out, cm)
	}
	return out
}

// counterTotals lists the non-zero totals since boot of the counters the
// rules read on a host.
func counterTotals(h *facts.Host, rs *RuleSet) []CounterTotal {
	names := map[string]bool{}
	for _, r := range rs.Rules {
		for n := range r.counters {
			names[n] = true
		}
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	var out []CounterTotal
	for _, n := range list {
		v, ref, ok := derive.Counter(h, n)
		if !ok || v == 0 {
			continue
		}
		t := CounterTotal{Host: h.Name, Name: n, Value: v, Meaning: counterMeaning(n), Rules: rs.RulesReading(n),
			Artifact: ref.Artifact, Line: ref.Line}
		if up, ok := derive.Uptime(h); ok && up > 0 {
			t.PerSecond = float64(v) / up
		}
		out = append(out, t)
	}
	return out
}

// RulesReading lists the rules whose conditions mention a counter name
// such as "TcpExt.PAWSPassive".
func (rs *RuleSet) RulesReading(name string) []string {
	var ids []string
	for _, r := range rs.Rules {
		for _, c := range r.Conditions {
			if strings.Contains(c, `"`+name+`"`) {
				ids = append(ids, r.ID)
				break
			}
		}
	}
	return ids
}

// counterMeaning is the counter dictionary's one-line meaning.
func counterMeaning(name string) string {
	if e, ok := counterdict.Lookup(name); ok {
		return e.Meaning
	}
	return ""
}

// labelEvidence gives each evidence item a short label for reading
// ("node-1 › iptables-save:26", "trace.pcap #9"); the full artifact name
// stays in the artifact field.
func labelEvidence(rep *Report) {
	arts := map[string]ArtifactInfo{}
	for _, a := range rep.Artifacts {
		arts[a.Name] = a
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		for j := range f.Evidence {
			e := &f.Evidence[j]
			e.Label = EvidenceLabel(arts[e.Artifact], e.Artifact, e.Line, e.Frame, len(rep.Hosts) > 1)
		}
	}
}

// EvidenceLabel is the short name of an evidence item: the host (when the
// report has several), the command that made the artifact or its file name,
// and the line or frame.
func EvidenceLabel(a ArtifactInfo, name string, line, frame int, withHost bool) string {
	what := a.Command
	if what == "" {
		what = shortArtifactName(name)
	}
	if a.Namespace != "" && !strings.Contains(what, a.Namespace) {
		what = "netns " + a.Namespace + " › " + what
	}
	if withHost && a.Host != "" {
		what = a.Host + " › " + what
	}
	switch {
	case frame > 0:
		return fmt.Sprintf("%s #%d", what, frame)
	case line > 0:
		return fmt.Sprintf("%s:%d", what, line)
	}
	return what
}

// shortArtifactName drops archive and bundle prefixes from an artifact
// name: "node1.tar.xz!sosreport-node1/sos_commands/kernel/sysctl_-a" reads
// "sysctl_-a", and a transcript piece "paste.txt#4 ss -tan" reads "ss -tan".
func shortArtifactName(name string) string {
	if i := strings.LastIndexByte(name, '!'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexByte(name, '#'); i >= 0 {
		if _, cmd, ok := strings.Cut(name[i:], " "); ok && cmd != "" {
			return cmd
		}
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	return name
}

// inNamespace runs each command of a ";"-separated list inside the network
// namespace of a namespace host ("node-1/qrouter-8c1d"): `ip netns exec NS`
// for a named namespace, `nsenter -t PID -n` for a process's ("pid:1234").
// The host's own commands are returned as they are.
func inNamespace(cmds, host string) string {
	_, ns, ok := strings.Cut(host, "/")
	if !ok || ns == "" {
		return cmds
	}
	prefix := "ip netns exec " + ns + " "
	if pid, ok := strings.CutPrefix(ns, "pid:"); ok {
		prefix = "nsenter -t " + pid + " -n "
	}
	parts := strings.Split(cmds, ";")
	for i, p := range parts {
		t := strings.TrimSpace(p)
		if t == "" || strings.HasPrefix(t, "sleep ") || strings.HasPrefix(t, "ip netns exec ") || strings.HasPrefix(t, "nsenter ") {
			continue
		}
		lead := p[:len(p)-len(strings.TrimLeft(p, " "))]
		parts[i] = lead + prefix + strings.TrimLeft(p, " ")
	}
	return strings.Join(parts, ";")
}
