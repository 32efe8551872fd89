// Package ruletest runs rules against sample folders with expect files:
// the harness of the project's own suite and of `nettriage rules test`. It
// reads files, so it lives outside analyzer/.
//
// A sample case is a folder holding the artifacts of one situation and an
// `expect` file. The expect file lists, in blocks that start with `rule:`,
// every finding the case must produce at likely or confirmed, and may pin
// other rules down:
//
//	# comment
//	rule: tw-recycle-nat
//	confidence: confirmed          # exact: none, possible, likely, confirmed
//	evidence: sysctl_-a:30         # an evidence line (artifact-name suffix:line)
//	frame: syn-drops.pcap:9        # a capture frame in the evidence
//	explained_by: other-rule
//
//	rule: rp-filter-drops
//	max: possible                  # at most this confidence (a near miss)
//
// The list is complete: any rule that reaches likely or above and is not
// named with such a confidence fails the case, so a false positive from
// any rule is caught.
package ruletest

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/triage"
)

// Expectation is one block of an expect file.
type Expectation struct {
	Rule, Confidence, Max, ExplainedBy string
	Evidence                           []string // "artifact-suffix:line"
	Frames                             []string // "capture-suffix:frame"
	Line                               int      // of the block's rule: line
}

// Positive reports whether the block asks for a finding.
func (e Expectation) Positive() bool { return e.Confidence != "none" && e.Max == "" }

// ReadExpect parses an expect file.
func ReadExpect(path string) ([]Expectation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: not a key: value line: %q", path, i+1, line)
		}
		v = strings.TrimSpace(v)
		if k == "rule" {
			out = append(out, Expectation{Rule: v, Line: i + 1})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s:%d: %q before any rule:", path, i+1, line)
		}
		e := &out[len(out)-1]
		switch k {
		case "confidence":
			if _, ok := rank[v]; !ok {
				return nil, fmt.Errorf("%s:%d: confidence %q is not none, possible, likely or confirmed", path, i+1, v)
			}
			e.Confidence = v
		case "max":
			if _, ok := rank[v]; !ok {
				return nil, fmt.Errorf("%s:%d: max %q is not none, possible, likely or confirmed", path, i+1, v)
			}
			e.Max = v
		case "explained_by":
			e.ExplainedBy = v
		case "evidence":
			e.Evidence = append(e.Evidence, v)
		case "frame":
			e.Frames = append(e.Frames, v)
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q", path, i+1, k)
		}
	}
	return out, nil
}

// LoadDir reads a sample folder the way the CLI reads a directory
// argument: names relative to the folder, the expect file left out.
func LoadDir(dir string) ([]artifact.Input, error) {
	var in []artifact.Input
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "expect" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		in = append(in, artifact.Input{Name: filepath.ToSlash(rel), Data: data})
		return nil
	})
	return in, err
}

// TarXZ packs inputs into one .tar.xz archive, as sosreport ships them.
func TarXZ(in []artifact.Input) ([]byte, error) {
	var buf bytes.Buffer
	xw, err := xz.NewWriter(&buf)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(xw)
	for _, f := range in {
		if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := xw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Analyze runs the rules over inputs as the CLI does, through the one entry
// point (so loose files join the host a pasted session names).
func Analyze(rs *engine.RuleSet, in []artifact.Input) *engine.Report {
	inputs := make([]triage.Input, len(in))
	for i, a := range in {
		inputs[i] = triage.Input{Name: a.Name, Data: a.Data}
	}
	return triage.Run(context.Background(), inputs, triage.Options{Rules: rs, Version: "test", Limits: artifact.DefaultLimits()})
}

var rank = map[string]int{"none": 0, "possible": 1, "likely": 2, "confirmed": 3}

// Check compares a report with a case's expectations and returns every
// mismatch: a wrong confidence, a missing evidence line or frame, a wrong
// explained_by, a rule error, and any finding at likely or above that the
// expect file does not list.
func Check(rep *engine.Report, exps []Expectation) []string {
	var out []string
	for _, e := range rep.Errors {
		if strings.HasSuffix(e.Artifact, ".yaml") || strings.HasSuffix(e.Artifact, ".yml") {
			out = append(out, fmt.Sprintf("rule error: %s: %s", e.Artifact, e.Message))
		}
	}
	allowed := map[string]bool{}
	for _, e := range exps {
		if e.Positive() && rank[e.Confidence] >= rank["likely"] {
			allowed[e.Rule] = true
		}
		if e.Positive() && e.Confidence == "" {
			allowed[e.Rule] = true
		}
	}
	for _, f := range rep.Findings {
		if rank[f.Confidence] >= rank["likely"] && !allowed[f.Rule] {
			out = append(out, fmt.Sprintf("unexpected %s at %s on host %s (list it in expect if it is right)", f.Rule, f.Confidence, f.Host))
		}
	}
	for _, e := range exps {
		out = append(out, checkOne(rep, e)...)
	}
	return out
}

func checkOne(rep *engine.Report, e Expectation) []string {
	var out []string
	var got *engine.Finding
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if f.Rule == e.Rule && (got == nil || rank[f.Confidence] > rank[got.Confidence]) {
			got = f
		}
	}
	conf := "none"
	if got != nil {
		conf = got.Confidence
	}
	if e.Confidence != "" && conf != e.Confidence {
		out = append(out, fmt.Sprintf("%s: got confidence %s, want %s", e.Rule, conf, e.Confidence))
	}
	if e.Max != "" && rank[conf] > rank[e.Max] {
		out = append(out, fmt.Sprintf("%s: got confidence %s, want at most %s", e.Rule, conf, e.Max))
	}
	if got == nil {
		return out
	}
	if e.ExplainedBy != "" && got.ExplainedBy != e.ExplainedBy {
		out = append(out, fmt.Sprintf("%s: explained_by %q, want %q", e.Rule, got.ExplainedBy, e.ExplainedBy))
	}
	for _, want := range e.Evidence {
		suffix, line := splitRef(want)
		found := false
		for _, ev := range got.Evidence {
			if strings.HasSuffix(ev.Artifact, suffix) && ev.Line <= line && line <= max(ev.EndLine, ev.Line) {
				found = true
			}
		}
		if !found {
			var have []string
			for _, ev := range got.Evidence {
				have = append(have, fmt.Sprintf("%s:%d", ev.Artifact, ev.Line))
			}
			out = append(out, fmt.Sprintf("%s: evidence %s not found in %v", e.Rule, want, have))
		}
	}
	for _, want := range e.Frames {
		suffix, frame := splitRef(want)
		found := false
		for _, ev := range got.Evidence {
			if strings.HasSuffix(ev.Artifact, suffix) && ev.Frame == frame && ev.Text != "" && ev.Time != "" {
				found = true
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("%s: no evidence at frame %s (with a time and a packet summary)", e.Rule, want))
		}
		if len(got.Flows) == 0 || len(got.Flows[0].Packets) == 0 {
			out = append(out, fmt.Sprintf("%s: a capture finding carries no flows for the ladder diagram", e.Rule))
		}
	}
	return out
}

// splitRef splits "artifact-suffix:N" (a line or a frame number).
func splitRef(ref string) (string, int) {
	i := strings.LastIndexByte(ref, ':')
	if i < 0 {
		return ref, 0
	}
	n := 0
	fmt.Sscanf(ref[i+1:], "%d", &n)
	return ref[:i], n
}

// Describe lists a report's findings and artifacts, for a failure message.
func Describe(rep *engine.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "\n  %s %s (host %s)", f.Rule, f.Confidence, f.Host)
	}
	for _, a := range rep.Artifacts {
		fmt.Fprintf(&b, "\n  artifact %s kind=%s host=%s warnings=%d", a.Name, a.Kind, a.Host, len(a.Warnings))
	}
	return b.String()
}

// Case is one sample folder and its result.
type Case struct {
	Dir      string
	Rules    []string // rules its expect file names
	Failures []string
}

// Result is the outcome of running every sample case under a folder.
type Result struct {
	Cases []Case
	// Uncovered lists rules of the set that lack a positive or a near-miss
	// negative case.
	Uncovered []string
}

// Failed reports whether any case failed or a rule lacks samples.
func (r Result) Failed() bool {
	for _, c := range r.Cases {
		if len(c.Failures) > 0 {
			return true
		}
	}
	return len(r.Uncovered) > 0
}

// Run finds every `expect` file under root (root/<rule-id>/<case>/expect
// and deeper), analyses its folder with the rule set and checks it. Cases
// under a "bundles" folder are also analysed packed as .tar.xz. only, when
// non-empty, limits the coverage check to those rule ids.
func Run(rs *engine.RuleSet, root string, only []string) (Result, error) {
	var expects []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "expect" {
			expects = append(expects, p)
		}
		return err
	})
	if err != nil {
		return Result{}, err
	}
	sort.Strings(expects)
	var res Result
	pos, neg := map[string]bool{}, map[string]bool{}
	for _, ex := range expects {
		dir := filepath.Dir(ex)
		c := Case{Dir: dir}
		exps, err := ReadExpect(ex)
		if err != nil {
			c.Failures = append(c.Failures, err.Error())
			res.Cases = append(res.Cases, c)
			continue
		}
		for _, e := range exps {
			c.Rules = append(c.Rules, e.Rule)
			if _, ok := rs.Get(e.Rule); !ok {
				c.Failures = append(c.Failures, fmt.Sprintf("%s:%d: no rule %q in the rule set", ex, e.Line, e.Rule))
			}
			if e.Positive() {
				pos[e.Rule] = true
			} else {
				neg[e.Rule] = true
			}
		}
		in, err := LoadDir(dir)
		if err != nil {
			c.Failures = append(c.Failures, err.Error())
			res.Cases = append(res.Cases, c)
			continue
		}
		rep := Analyze(rs, in)
		if f := Check(rep, exps); len(f) > 0 {
			c.Failures = append(c.Failures, f...)
			c.Failures = append(c.Failures, "report:"+Describe(rep))
		}
		if strings.Contains(filepath.ToSlash(dir), "/bundles/") {
			data, err := TarXZ(in)
			if err != nil {
				return res, err
			}
			rep := Analyze(rs, []artifact.Input{{Name: filepath.Base(dir) + ".tar.xz", Data: data}})
			for _, f := range Check(rep, exps) {
				c.Failures = append(c.Failures, "as .tar.xz: "+f)
			}
		}
		res.Cases = append(res.Cases, c)
	}
	ids := only
	if len(ids) == 0 {
		ids = rs.IDs()
	}
	for _, id := range ids {
		if !pos[id] || !neg[id] {
			res.Uncovered = append(res.Uncovered, fmt.Sprintf("rule %s lacks a positive or a near-miss negative sample (positive %v, negative %v)", id, pos[id], neg[id]))
		}
	}
	return res, nil
}
