package engine_test

import (
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// BenchmarkBuiltinLoad measures reading, validating and compiling the
// built-in rules: the page does it before its first analysis.
func BenchmarkBuiltinLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, errs := engine.Builtin(); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
