package engine_test

import (
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/internal/ruletest"
)

// expectation is a sample case's expectation, as in its expect file.
type expectation = ruletest.Expectation

func analyze(t *testing.T, in []artifact.Input) *engine.Report {
	t.Helper()
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatalf("built-in rules: %v", errs)
	}
	rep := ruletest.Analyze(rs, in)
	for _, e := range rep.Errors {
		if strings.HasSuffix(e.Artifact, ".yaml") {
			t.Errorf("report error: %s: %s", e.Artifact, e.Message)
		}
	}
	return rep
}

var rank = map[string]int{"none": 0, "possible": 1, "likely": 2, "confirmed": 3}

// check compares a report with expectations, as complete lists: any rule
// at likely or above that they do not name fails.
func check(t *testing.T, rep *engine.Report, exps []expectation) {
	t.Helper()
	if f := ruletest.Check(rep, exps); len(f) > 0 {
		t.Errorf("%s%s", strings.Join(f, "\n"), ruletest.Describe(rep))
	}
}

// TestSamples runs every rule against every sample case and checks the
// expect file next to it, which lists every finding the case may raise at
// likely or above. Bundles are also analysed as a .tar.xz archive.
func TestSamples(t *testing.T) {
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatalf("built-in rules: %v", errs)
	}
	res, err := ruletest.Run(rs, "../../samples", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cases) < 50 {
		t.Fatalf("only %d sample cases found", len(res.Cases))
	}
	for _, c := range res.Cases {
		name := strings.TrimPrefix(c.Dir, "../../samples/")
		t.Run(name, func(t *testing.T) {
			if len(c.Failures) > 0 {
				t.Error(strings.Join(c.Failures, "\n"))
			}
		})
	}
	for _, u := range res.Uncovered {
		t.Error(u)
	}
}
