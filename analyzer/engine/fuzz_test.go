package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
)

// FuzzAnalyze pushes arbitrary bytes, under a name and as a second input
// beside a real sample, through the whole pipeline: expansion, sniffing,
// every parser, every derived measurement and every rule. It must never
// panic, and every evidence line must point into an artifact of the report.
func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("../../samples/*/*/*")
	corpus, _ := filepath.Glob("../../testdata/corpus/*/*")
	for _, p := range append(seeds, corpus...) {
		if data, err := os.ReadFile(p); err == nil && len(data) < 1<<16 {
			f.Add(filepath.Base(p), data)
		}
	}
	rs, _ := engine.Builtin()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		in := []artifact.Input{{Name: name, Data: data}, {Name: "node-1/ss", Data: []byte(
			"State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 8 0 10.20.0.6:32672 10.20.0.3:48598\n")}}
		arts, errs := artifact.Expand(in, artifact.Limits{MaxTotalBytes: 8 << 20, MaxFiles: 100, MaxFileBytes: 4 << 20, MaxNesting: 1})
		rep := engine.Analyze(arts, errs, engine.Options{Rules: rs})
		names := map[string]bool{}
		for _, a := range rep.Artifacts {
			names[a.Name] = true
		}
		for _, fd := range rep.Findings {
			for _, e := range fd.Evidence {
				if !names[e.Artifact] || e.Line < 0 || e.EndLine < e.Line {
					t.Fatalf("evidence %+v does not point into an artifact", e)
				}
			}
		}
	})
}
