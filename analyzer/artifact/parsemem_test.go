package artifact_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/internal/hostile"
	"github.com/nettriage/nettriage/internal/hostile/parseall"
)

// parseInputs returns, per kind, the largest text artifact found in the
// samples and the corpus, repeated to at least 4 MB (a log is also made
// from the hostile syslog chunk, where every line is an event).
func parseInputs(tb testing.TB) map[artifact.Kind]*artifact.Artifact {
	best := map[artifact.Kind]*artifact.Artifact{}
	for _, root := range []string{"../../samples", "../../testdata/corpus"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) == ".md" || filepath.Ext(p) == ".pcap" || filepath.Ext(p) == ".pcapng" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			arts, _ := artifact.Expand([]artifact.Input{{Name: p, Data: data}}, artifact.DefaultLimits())
			for _, a := range arts {
				if a.Kind == artifact.KindPcap || a.Kind == artifact.KindUnknown {
					continue
				}
				if b := best[a.Kind]; b == nil || len(a.Data) > len(b.Data) {
					best[a.Kind] = a
				}
			}
			return nil
		})
	}
	events := &artifact.Artifact{Name: "events", Kind: artifact.KindLog, Data: hostile.SyslogChunk()}
	best["log-events"] = events
	for _, a := range best {
		data := a.Data
		if len(data) > 0 && data[len(data)-1] != '\n' {
			data = append(data[:len(data):len(data)], '\n')
		}
		a.Data = bytes.Repeat(data, (4<<20)/len(data)+1)
	}
	return best
}

// BenchmarkParseMemory reports, per artifact kind, the bytes a parser
// allocates and the bytes its result keeps, each per input byte. The budget
// (docs/LIMITS.md) is 4 allocated bytes per input byte.
func BenchmarkParseMemory(b *testing.B) {
	inputs := parseInputs(b)
	kinds := make([]string, 0, len(inputs))
	for k := range inputs {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		a := inputs[artifact.Kind(k)]
		b.Run(k, func(b *testing.B) {
			b.SetBytes(int64(len(a.Data)))
			var alloc, kept float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				v, _ := parseall.Parse(a)
				runtime.ReadMemStats(&after)
				runtime.GC()
				var held runtime.MemStats
				runtime.ReadMemStats(&held)
				runtime.KeepAlive(v)
				alloc += float64(after.TotalAlloc - before.TotalAlloc)
				kept += float64(int64(held.HeapAlloc) - int64(before.HeapAlloc))
			}
			n := float64(b.N) * float64(len(a.Data))
			b.ReportMetric(alloc/n, "alloc/B")
			b.ReportMetric(kept/n, "kept/B")
		})
	}
}
