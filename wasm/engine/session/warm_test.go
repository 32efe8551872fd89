package session

import (
	"testing"
)

// The warm-up reads as the quiet host it is, through the parsers of the
// commands tickets carry most, and leaves the session as it was.
func TestWarmReadsAQuietHostAndChangesNothing(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	rep := s.Warm()
	if s.HasInputs() || s.Report() != nil {
		t.Fatal("the warm-up changed the session")
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors %v", rep.Errors)
	}
	for _, f := range rep.Findings {
		if f.Confidence == "likely" || f.Confidence == "confirmed" {
			t.Errorf("finding %s (%s) on a quiet host", f.Rule, f.Confidence)
		}
	}
	kinds := map[string]bool{}
	for _, a := range rep.Artifacts {
		kinds[a.Kind] = true
	}
	for _, k := range []string{"system", "sysctl", "sockets", "interfaces", "counters", "conntrack", "ipvs", "log"} {
		if !kinds[k] {
			t.Errorf("no %s artifact in %v", k, kinds)
		}
	}
	if kinds["unknown"] {
		t.Errorf("an artifact of the warm-up was not recognised: %v", kinds)
	}
}
