package session

import (
	"context"
	"os"
	"testing"

	"github.com/nettriage/nettriage/analyzer/triage"
	"github.com/nettriage/nettriage/internal/leaktest"
)

// The page's redacted exports show none of the identifiers that the same
// case's plain exports show.
func TestRedactedExportLeaksNothing(t *testing.T) {
	sample, err := os.ReadFile("../../../samples/vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	s.Analyze(context.Background(), []triage.Input{{Name: "web-1-session.txt", Data: []byte(string(sample) + leaktest.Session)}}, triage.Options{})
	for _, format := range []string{"json", "markdown", "html"} {
		plain, _, err := s.Export(format, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		red, _, err := s.Export(format, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		leaks, present := leaktest.Leaks(plain, red)
		if present < 5 {
			t.Fatalf("%s: only %d identifiers in the plain export: the check proves little", format, present)
		}
		for _, l := range leaks {
			t.Errorf("%s: the redacted export still shows %q", format, l)
		}
	}
}
