package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/rules"
)

func prereadBuiltin(t *testing.T) []*Rule {
	t.Helper()
	data, err := PrereadFS(rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePreread(data)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The built-in rules read ahead of time are the rules the YAML gives: the
// same fields, key lines, vocabulary calls, counters and warnings, and
// the same compiled conditions once they are compiled.
func TestPrereadMatchesYAML(t *testing.T) {
	want, errs := LoadFS(rules.FS)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := prereadBuiltin(t)
	if len(got) != len(want) || len(want) < 40 {
		t.Fatalf("%d rules pre-read, %d from YAML", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.programs.byLevel != nil {
			t.Fatalf("%s: a pre-read rule is compiled when it loads", g.File)
		}
		for _, level := range Confidences {
			gp, err := g.program(level)
			if err != nil {
				t.Fatalf("%s: %v", g.File, err)
			}
			wp, _ := w.program(level)
			if (gp == nil) != (wp == nil) || (gp != nil && gp.prog.Disassemble() != wp.prog.Disassemble()) {
				t.Errorf("%s, %s condition: the pre-read program differs from the YAML's", w.File, level)
			}
		}
		gc, wc := *g, *w
		gc.programs, wc.programs = nil, nil
		if !reflect.DeepEqual(gc, wc) {
			t.Errorf("%s: the pre-read rule differs from the YAML's:\n%+v\n%+v", w.File, gc, wc)
		}
	}
}

// Warnings keep their lines in the YAML, and a file that does not load
// cannot be pre-read.
func TestPrereadKeepsWarningsAndRefusesBrokenRules(t *testing.T) {
	dir := t.TempDir()
	ok := "id: my-rule\ntitle: t\nseverity: info\nsummary: s\nparams:\n  unused: 3\nconditions:\n  likely: sysctl(\"net.ipv4.ip_forward\") == 0\n"
	if err := os.WriteFile(filepath.Join(dir, "my-rule.yaml"), []byte(ok), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := PrereadFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePreread(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Warnings) != 1 || got[0].Warnings[0].Line != 5 || !got[0].Warnings[0].Warning {
		t.Fatalf("warnings %+v", got[0].Warnings)
	}
	broken := strings.Replace(ok, "sysctl(", "sysctll(", 1)
	if err := os.WriteFile(filepath.Join(dir, "my-rule.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := PrereadFS(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "my-rule.yaml:8:") {
		t.Fatalf("a broken rule was pre-read: %v", err)
	}
	for _, bad := range []string{`[{}]`, `{`, `[{"rule":{"id":"x"}}]`} {
		if _, err := ParsePreread([]byte(bad)); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

// Every sample case gives the same report with the pre-read rules as with
// the YAML, with the rules compiled on first use and the rules whose
// inputs are missing never compiled.
func TestPrereadReportsMatch(t *testing.T) {
	yamlRules, errs := LoadFS(rules.FS)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	pre := prereadBuiltin(t)
	dirs, _ := filepath.Glob("../../samples/*/positive")
	neg, _ := filepath.Glob("../../samples/*/negative")
	dirs = append(dirs, neg...)
	if len(dirs) < 40 {
		t.Fatalf("only %d sample cases", len(dirs))
	}
	for _, dir := range dirs {
		var in []artifact.Input
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if f.IsDir() || f.Name() == "expect" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			in = append(in, artifact.Input{Name: f.Name(), Data: data})
		}
		x := artifact.ExpandAll(in, artifact.Limits{})
		p := Prepare(x.Artifacts, x.Errors, Options{})
		a, _ := json.Marshal(p.Evaluate(NewRuleSet(yamlRules), nil))
		b, _ := json.Marshal(p.Evaluate(NewRuleSet(pre), nil))
		if string(a) != string(b) {
			t.Errorf("%s: the reports differ", dir)
		}
	}
	compiled := 0
	for _, r := range pre {
		if r.programs.byLevel != nil {
			compiled++
		}
	}
	if compiled == 0 || compiled == len(pre) {
		t.Errorf("%d of %d pre-read rules compiled: expected some, not all", compiled, len(pre))
	}
}

// Pre-read rules come from the build, but a damaged file must fail with
// an error, never a panic, and what loads must evaluate.
func FuzzParsePreread(f *testing.F) {
	data, err := PrereadFS(rules.FS)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"rule":{"id":"x","title":"t","severity":"info","summary":"s","conditions":{"likely":"1 == 1"}}}]`))
	f.Add([]byte(`[{"rule":{"id":"x","title":"t","severity":"info","summary":"s","conditions":{"likely":"sysctl("}}}]`))
	x := artifact.ExpandAll([]artifact.Input{{Name: "sysctl_-a", Data: []byte("net.ipv4.ip_forward = 0\n")}}, artifact.Limits{})
	p := Prepare(x.Artifacts, x.Errors, Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := ParsePreread(data)
		if err != nil {
			return
		}
		p.Evaluate(NewRuleSet(list), nil)
	})
}
