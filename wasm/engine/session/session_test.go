package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/triage"
	"github.com/nettriage/nettriage/rules"
)

func sampleInputs(t *testing.T, dir string) []triage.Input {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []triage.Input
	for _, e := range entries {
		if e.Name() == "expect" || e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, triage.Input{Name: e.Name(), Data: data})
	}
	return out
}

func confidence(r *engine.Report, rule string) string {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return f.Confidence
		}
	}
	return "none"
}

func TestAnalyzeAndPlayground(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Rules()); n < 20 {
		t.Fatalf("only %d built-in rules", n)
	}
	rep := s.Analyze(context.Background(), sampleInputs(t, "../../../samples/tw-recycle-nat/positive"), triage.Options{})
	if c := confidence(rep, "tw-recycle-nat"); c != "confirmed" {
		t.Fatalf("tw-recycle-nat: %s, want confirmed", c)
	}

	var src string
	for _, r := range s.Rules() {
		if r.ID == "tw-recycle-nat" {
			src = r.Source
		}
	}
	// Raising the threshold above the sample's PAWSPassive delta lowers the
	// verdict: the edit is re-evaluated at once on the loaded inputs.
	edited := strings.Replace(src, "min_drops:\n    default: 5", "min_drops:\n    default: 100000", 1)
	if edited == src {
		t.Fatal("threshold not found in the rule source")
	}
	rep, err = s.SetRule("tw-recycle-nat.yaml", []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	if c := confidence(rep, "tw-recycle-nat"); c == "confirmed" {
		t.Errorf("edited rule still confirmed")
	}

	// A broken condition is reported at its line, and the last good
	// version stays in effect.
	lines := strings.Split(edited, "\n")
	bad := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "  possible: >") {
			lines[i+1] = "    sysctl(\"net.ipv4.tcp_tw_recycle\") ?? 0) >= no_such_function()"
			bad = i + 2
		}
	}
	_, err = s.SetRule("tw-recycle-nat.yaml", []byte(strings.Join(lines, "\n")))
	var le *engine.LoadError
	if !errors.As(err, &le) || le.Line != bad {
		t.Fatalf("error %v, want a LoadError at line %d", err, bad)
	}
	if c := confidence(s.Report(), "tw-recycle-nat"); c == "confirmed" {
		t.Errorf("the broken edit replaced the last good one")
	}

	// A new rule runs along the others; a YAML error names its line.
	newRule := "id: my-rule\ntitle: Mine\nseverity: info\nconditions:\n  possible: has(\"sysctl\")\n"
	rep, err = s.SetRule("my-rule.yaml", []byte(newRule))
	if err != nil || confidence(rep, "my-rule") != "possible" {
		t.Fatalf("new rule: %v, %s", err, confidence(rep, "my-rule"))
	}
	_, err = s.SetRule("my-rule.yaml", []byte("id: my-rule\ntitle: [oops\n"))
	if !errors.As(err, &le) || le.Line == 0 {
		t.Errorf("YAML error without a line: %v", err)
	}
	if _, err := s.SetRule("../x.yaml", []byte(newRule)); err == nil {
		t.Error("a path was accepted as a rule file name")
	}

	rep, err = s.ResetRules()
	if err != nil || confidence(rep, "tw-recycle-nat") != "confirmed" || confidence(rep, "my-rule") != "none" {
		t.Fatalf("reset: %v", err)
	}
}

func TestExportAndArtifactView(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Export("json", false, nil); err == nil {
		t.Error("export before any analysis")
	}
	s.Analyze(context.Background(), sampleInputs(t, "../../../samples/vip-nodeport-local-race/positive"), triage.Options{})
	for _, format := range []string{"markdown", "json", "html"} {
		for _, red := range []bool{false, true} {
			text, name, err := s.Export(format, red, nil)
			if err != nil || !strings.Contains(text, "vip-nodeport-local-race") {
				t.Fatalf("%s export: %v", format, err)
			}
			if red != strings.Contains(name, "redacted") || (red && strings.Contains(text, "10.20.0.6")) {
				t.Errorf("%s redacted=%v: name %s, or an address leaked", format, red, name)
			}
		}
	}
	if _, _, err := s.Export("pdf", false, nil); err == nil {
		t.Error("unknown format accepted")
	}
	// The legend names each pseudonym in the text and what it stands for;
	// the originals stay out of the text.
	text, _, legend, err := s.ExportLegend("markdown", true, nil)
	if err != nil || len(legend) == 0 {
		t.Fatalf("legend: %v, %v", legend, err)
	}
	found := false
	for _, m := range legend {
		if m.Original == "10.20.0.6" {
			found = true
			if !strings.Contains(text, m.Pseudonym) {
				t.Errorf("pseudonym %s of 10.20.0.6 is not in the export", m.Pseudonym)
			}
		}
		if strings.Contains(text, m.Original) && m.Original != m.Pseudonym && len(m.Original) > 4 {
			t.Errorf("legend original %q (%s) is in the redacted export", m.Original, m.Kind)
		}
	}
	if !found {
		t.Errorf("10.20.0.6 is not in the legend: %v", legend)
	}
	if _, _, legend, _ := s.ExportLegend("json", false, nil); legend != nil {
		t.Errorf("an unredacted export has a legend: %v", legend)
	}
	// One case, one secret: every redacted export of it uses the same
	// pseudonyms; a user's key gives others.
	a, _, _ := s.Export("json", true, nil)
	b, _, _ := s.Export("json", true, nil)
	c, _, _ := s.Export("json", true, []byte("0123456789abcdef0123456789abcdef"))
	if a != b {
		t.Error("two redacted exports of one case differ")
	}
	if a == c {
		t.Error("a user key gave the session's pseudonyms")
	}
	var ev engine.Evidence
	for _, f := range s.Report().Findings {
		if f.Rule == "vip-nodeport-local-race" {
			ev = f.Evidence[0]
		}
	}
	v, err := s.Artifact(ev.Artifact, ev.Line, ev.EndLine)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Line < v.First || ev.Line >= v.First+len(v.Lines) {
		t.Fatalf("line %d outside the view %d+%d", ev.Line, v.First, len(v.Lines))
	}
	if got := v.Lines[ev.Line-v.First]; !strings.Contains(got, strings.SplitN(ev.Text, "\n", 2)[0]) {
		t.Errorf("line %d is %q, evidence says %q", ev.Line, got, ev.Text)
	}
	if _, err := s.Artifact("nope", 1, 1); err == nil {
		t.Error("unknown artifact")
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(ReportJSON(s.Report())), &back); err != nil || back["schema"] != engine.Schema {
		t.Errorf("report JSON: %v", err)
	}
}

func TestArtifactWindowOfLongArtifact(t *testing.T) {
	s, _ := New("test")
	var b strings.Builder
	for i := 1; i <= 5000; i++ {
		b.WriteString("Jan  1 00:00:00 node kernel: line ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString("\n")
	}
	s.Analyze(context.Background(), []triage.Input{{Name: "messages", Data: []byte(b.String())}}, triage.Options{})
	v, err := s.Artifact("messages", 4990, 4990)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != 5000 || len(v.Lines) != viewLines || v.First+len(v.Lines)-1 != 5000 {
		t.Errorf("window %d..%d of %d", v.First, v.First+len(v.Lines)-1, v.Total)
	}
	v, _ = s.Artifact("messages", 2500, 2502)
	if v.First > 2500 || v.First+len(v.Lines) <= 2502 || v.First < 2000 {
		t.Errorf("window %d+%d does not centre 2500-2502", v.First, len(v.Lines))
	}
}

// A rule edit is evaluated on the facts and capture measurements already
// computed: the capture is never opened again.
func TestRuleEditReadsNoCaptureAgain(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../../samples/tw-recycle-nat/capture/syn-drops.pcap")
	if err != nil {
		t.Fatal(err)
	}
	opens := 0
	in := triage.Input{Name: "syn-drops.pcap", Open: func() (io.ReadCloser, error) {
		opens++
		return io.NopCloser(bytes.NewReader(raw)), nil
	}}
	rep := s.Analyze(context.Background(), []triage.Input{in}, triage.Options{})
	before := confidence(rep, "tw-recycle-nat")
	if before == "none" || len(rep.Captures) != 1 {
		t.Fatalf("the capture gave no tw-recycle-nat finding: %+v", rep.Captures)
	}
	var src string
	for _, r := range s.Rules() {
		if r.ID == "tw-recycle-nat" {
			src = r.Source
		}
	}
	rep, err = s.SetRule("tw-recycle-nat.yaml", []byte(src+"\n# edited in the playground\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := confidence(rep, "tw-recycle-nat"); c != before || len(rep.Captures) != 1 || rep.Captures[0].Packets == 0 {
		t.Errorf("after the edit: %s (was %s), captures %+v", c, before, rep.Captures)
	}
	if _, err := s.ResetRules(); err != nil {
		t.Fatal(err)
	}
	if opens != 1 {
		t.Errorf("the capture was opened %d times, want once", opens)
	}
}

// The page's rule list carries only the edited files' text: the built-in
// sources are in the page's module too.
func TestRuleListSendsOnlyEditedSources(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	src := ""
	for _, r := range s.Rules() {
		if r.ID == "tw-recycle-nat" {
			src = r.Source
		}
	}
	if _, err := s.SetRule("tw-recycle-nat.yaml", []byte(src+"\n# mine\n")); err != nil {
		t.Fatal(err)
	}
	withSource := 0
	for _, r := range s.RuleList() {
		if r.Source != "" {
			withSource++
			if r.ID != "tw-recycle-nat" || !strings.HasSuffix(r.Source, "# mine\n") {
				t.Errorf("%s sent with its source (edited %v)", r.File, r.Edited)
			}
		}
	}
	if withSource != 1 {
		t.Errorf("%d sources sent, want the edited one", withSource)
	}
}

// The engine's pre-read built-in rules are those of rules/*.yaml as they
// are now.
func TestPrereadRulesAreCurrent(t *testing.T) {
	data, err := engine.PrereadFS(rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, prereadRules) {
		t.Fatal("builtin-rules.json is out of date with rules/*.yaml: run go generate ./wasm/engine/session (make site does)")
	}
}
