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
)

// Options configures one analysis.
type Options struct {
	Rules   *RuleSet
	Params  map[string]map[string]float64 // per rule id: parameter overrides
	Facts   facts.Options
	Version string // tool version for the report
}

// Analyze parses the artifacts, evaluates every rule on every host and
// returns the report. inputErrors are problems met while expanding the
// inputs; they are carried into the report.
func Analyze(arts []*artifact.Artifact, inputErrors []artifact.Error, opt Options) *Report {
	rep := &Report{
		Schema: Schema,
		Tool:   Tool{Name: "nettriage", Version: opt.Version, Rules: opt.Rules.Version()},
	}
	for _, e := range inputErrors {
		rep.Errors = append(rep.Errors, Error{Artifact: e.Artifact, Message: e.Message})
	}
	hosts, warns := facts.Build(arts, opt.Facts)
	for _, a := range arts {
		w := append(append([]source.Warning(nil), a.Warnings...), warns[a.Name]...)
		if w == nil {
			w = []source.Warning{}
		}
		rep.Artifacts = append(rep.Artifacts, ArtifactInfo{Name: a.Name, Host: a.Host, Namespace: a.Namespace,
			Kind: string(a.Kind), Command: a.Command, Size: a.Size, Warnings: w})
	}
	var cluster *facts.Host
	if len(hosts) > 1 {
		names := make([]string, len(hosts))
		for i, h := range hosts {
			names[i] = h.Name
		}
		cluster = facts.Merge(strings.Join(names, ","), hosts)
	}
	for _, r := range opt.Rules.Rules {
		if r.Scope != "cluster" || cluster == nil {
			continue
		}
		f, err := evaluate(r, cluster, hosts, opt.Params[r.ID])
		if err != nil {
			rep.Errors = append(rep.Errors, Error{Artifact: r.File, Message: err.Error()})
		}
		if f != nil {
			rep.Findings = append(rep.Findings, *f)
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
		rep.Counters = append(rep.Counters, counterMoves(h, opt.Rules)...)
		for _, r := range opt.Rules.Rules {
			if r.Scope == "cluster" {
				continue
			}
			f, err := evaluate(r, h, hosts, opt.Params[r.ID])
			if err != nil {
				rep.Errors = append(rep.Errors, Error{Artifact: r.File, Message: err.Error()})
			}
			if f != nil {
				rep.Findings = append(rep.Findings, *f)
			}
		}
	}
	linkExplanations(rep.Findings, opt.Rules)
	return rep
}

// evaluate tries a rule's conditions on one host (or the merged view of
// all hosts, for cluster rules), strongest first, and returns a finding
// for the first that matches, or nil. all is every host of the analysis.
func evaluate(r *Rule, h *facts.Host, all []*facts.Host, override map[string]float64) (*Finding, error) {
	params := r.ParamValues(override)
	for _, level := range Confidences {
		p := r.compiled[level]
		if p == nil {
			continue
		}
		rec := &Recorder{}
		out, err := expr.Run(p.prog, bind(h, all, params, rec))
		if err != nil {
			return nil, fmt.Errorf("rule %s, %s condition on host %s: %v", r.ID, level, h.Name, err)
		}
		if ok, _ := out.(bool); !ok {
			continue
		}
		f := &Finding{
			Rule: r.ID, Host: h.Name, Title: r.Title, Severity: r.Severity, Confidence: level,
			Summary: r.Summary, Explanation: r.Explanation, Remediation: r.Remediation,
			References: append([]string{}, r.References...), Evidence: rec.Items(), Missing: []Missing{},
			Flows: rec.flows,
		}
		if f.Evidence == nil {
			f.Evidence = []Evidence{}
		}
		for _, in := range r.Inputs {
			if !hasKind(h, in.Kind) {
				f.Missing = append(f.Missing, Missing{Kind: in.Kind, Why: in.Why, Collect: in.Collect})
			}
		}
		return f, nil
	}
	return nil, nil
}

func hasKind(h *facts.Host, kind string) bool {
	if kind == "iptables" {
		return h.Has(artifact.KindIptables) || h.Has(artifact.KindNftables)
	}
	return h.Has(artifact.Kind(kind))
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
