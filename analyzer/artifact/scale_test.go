package artifact_test

import (
	"fmt"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/internal/hostile"
)

// BenchmarkManyRoots expands tar.gz files holding 5k, 10k and 20k
// sosreports (10k, 20k and 40k members). ns/member stays flat when the
// cost is linear in the number of members; it grew with the number of
// roots when each member was matched against every root.
func BenchmarkManyRoots(b *testing.B) {
	for _, roots := range []int{5000, 10000, 20000} {
		data := hostile.ManyRoots(roots)
		members := 2 * roots
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
			for b.Loop() {
				arts, errs := artifact.Expand([]artifact.Input{{Name: "roots.tar.gz", Data: data}}, artifact.DefaultLimits())
				if len(errs) > 0 || len(arts) != members {
					b.Fatalf("%d artifacts, errors %v", len(arts), errs)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(members), "ns/member")
		})
	}
}
