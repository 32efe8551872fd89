package session

import (
	"context"
	"os"
	"strings"
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

// The playground rejects a rule whose explained_by names no rule, at its
// line, as loading rules does.
func TestPlaygroundChecksExplainedBy(t *testing.T) {
	s, err := New("test")
	if err != nil {
		t.Fatal(err)
	}
	rule := "id: my-rule\ntitle: t\nseverity: info\nsummary: s\nexplained_by: [tw-recycel-nat]\nconditions:\n  possible: has(\"sysctl\")\n"
	_, err = s.SetRule("my-rule.yaml", []byte(rule))
	if err == nil || err.Error() != `my-rule.yaml:5: rule my-rule: explained_by names "tw-recycel-nat", which is not a rule; did you mean "tw-recycle-nat"?` {
		t.Fatalf("error %v", err)
	}
	fixed := strings.Replace(rule, "tw-recycel-nat", "tw-recycle-nat", 1)
	if _, err := s.SetRule("my-rule.yaml", []byte(fixed)); err != nil {
		t.Fatalf("fixed rule: %v", err)
	}
}
