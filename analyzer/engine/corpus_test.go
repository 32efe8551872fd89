package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// TestCorpusQuiet analyses every real third-party artifact, alone and all
// together, and requires that no documented failure mode is reported at
// likely or above: these are healthy or unrelated excerpts.
func TestCorpusQuiet(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/corpus/*/*")
	var all []artifact.Input
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(filepath.ToSlash(f), "../../testdata/corpus/")
		in := artifact.Input{Name: name, Data: data}
		all = append(all, in)
		t.Run(name, func(t *testing.T) {
			rep := analyze(t, []artifact.Input{in})
			noUnexpected(t, rep, nil)
			for _, a := range rep.Artifacts {
				if a.Kind == "unknown" {
					t.Errorf("%s was not recognised", a.Name)
				}
			}
		})
	}
	if len(files) < 30 {
		t.Fatalf("corpus has %d files, want 34", len(files))
	}
	t.Run("all-together", func(t *testing.T) {
		noUnexpected(t, analyze(t, all), nil)
	})
}
