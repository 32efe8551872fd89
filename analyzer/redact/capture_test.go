package redact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
	"github.com/nettriage/nettriage/analyzer/redact"
)

// Capture findings carry addresses in flows, packet summaries and NAT
// mappings; none may survive redaction.
func TestRedactCaptureReport(t *testing.T) {
	rs, _ := engine.Builtin()
	arts, errs := artifact.Expand([]artifact.Input{{Name: "node.pcap", Data: pcaptest.AnyCopies(true).Bytes()}}, artifact.DefaultLimits())
	rep := engine.Analyze(arts, errs, engine.Options{Rules: rs})
	if len(rep.Findings) == 0 || len(rep.Findings[0].Flows) == 0 || len(rep.Captures[0].NAT) == 0 {
		t.Fatalf("the sample should give a capture finding with flows and NAT mappings: %+v", rep.Findings)
	}
	before, _ := json.Marshal(rep)
	out, _ := json.Marshal(redact.New(nil).Report(rep))
	for _, addr := range []string{"10.244.1.7", "10.244.2.9", "10.96.0.10"} {
		if !strings.Contains(string(before), addr) {
			t.Fatalf("%s not in the report to begin with", addr)
		}
		if strings.Contains(string(out), addr) {
			t.Errorf("%s survived redaction", addr)
		}
	}
	if again, _ := json.Marshal(rep); string(again) != string(before) {
		t.Error("redaction modified the original report")
	}
}
