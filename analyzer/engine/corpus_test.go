package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// corpusAllowed reads testdata/corpus/findings.txt: "FILE RULE" lines
// naming the catalog findings a real artifact does show (the jds2001
// netstat -s really has 53223 failed connection attempts). Anything else
// at likely or above on a corpus file is a false alarm.
func corpusAllowed(t *testing.T) map[string]map[string]bool {
	data, err := os.ReadFile("../../testdata/corpus/findings.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || strings.HasPrefix(line, "#") {
			continue
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]bool{}
		}
		out[f[0]][f[1]] = true
	}
	return out
}

// TestCorpusQuiet analyses every real third-party artifact, alone and all
// together. No documented failure mode may be reported at likely or above
// (these are healthy or unrelated excerpts), and no catalog rule either,
// unless findings.txt says the artifact really shows it.
func TestCorpusQuiet(t *testing.T) {
	allowed := corpusAllowed(t)
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
			for _, f := range rep.Findings {
				if rank[f.Confidence] >= rank["likely"] && !allowed[name][f.Rule] {
					t.Errorf("%s at %s on a corpus file; if the artifact really shows it, add \"%s %s\" to findings.txt", f.Rule, f.Confidence, name, f.Rule)
				}
			}
			for _, a := range rep.Artifacts {
				if a.Kind == "unknown" {
					t.Errorf("%s was not recognised", a.Name)
				}
			}
		})
	}
	if len(files) != 34 {
		t.Fatalf("corpus has %d files, want 34", len(files))
	}
	t.Run("all-together", func(t *testing.T) {
		for _, f := range analyze(t, all).Findings {
			ok := false
			for name := range allowed {
				ok = ok || allowed[name][f.Rule]
			}
			if rank[f.Confidence] >= rank["likely"] && !ok {
				t.Errorf("%s at %s on the whole corpus together, which no single file shows", f.Rule, f.Confidence)
			}
		}
	})
}
