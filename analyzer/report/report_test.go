package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
)

func sample() *engine.Report {
	return &engine.Report{
		Schema: engine.Schema, Tool: engine.Tool{Name: "nettriage", Version: "t", Rules: "r"},
		Hosts: []string{"s2"},
		Findings: []engine.Finding{
			{Rule: "b-warn", Host: "s2", Title: "W", Severity: "warning", Confidence: "likely", Summary: "w"},
			{Rule: "a-crit-possible", Host: "s2", Title: "P", Severity: "critical", Confidence: "possible", Summary: "p"},
			{Rule: "c-crit", Host: "s2", Title: "C", Severity: "critical", Confidence: "confirmed", Summary: "c",
				Evidence: []engine.Evidence{{Artifact: "sysctl_-a", Line: 30, EndLine: 30, Text: "net.ipv4.tcp_tw_recycle = 1", Note: "on"}},
				Missing:  []engine.Missing{{Kind: "counters", Why: "why", Collect: "cat /proc/net/netstat"}}},
		},
	}
}

func TestTextGroupsBySeverityThenConfidence(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "\x1b[") {
		t.Fatal("colour codes without Color")
	}
	// Possible findings come last, in their own section, one line each.
	order := []string{"1 critical · 1 warning · 1 worth a look", "== CRITICAL ==", "[c-crit]", "== WARNING ==", "[b-warn]",
		"== WORTH A LOOK ==", "[a-crit-possible] P  (critical, host s2) — a risk factor only"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Fatalf("%q out of order in:\n%s", s, out)
		}
		last = i
	}
	for _, s := range []string{"sysctl_-a:30", "net.ipv4.tcp_tw_recycle = 1", "$ cat /proc/net/netstat"} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %q", s)
		}
	}
	b.Reset()
	Text(&b, sample(), TextOptions{Color: true})
	if !strings.Contains(b.String(), "\x1b[31m") {
		t.Error("no colour with Color set")
	}
}

func TestJSONWritesEmptyListsNotNull(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, &engine.Report{Schema: engine.Schema}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hosts", "artifacts", "findings", "captures", "errors", "counters"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s is %v, want []", k, m[k])
		}
	}
}

// CompactJSON is JSON's text without the indentation, byte for byte.
func TestCompactJSONIsJSONCompacted(t *testing.T) {
	var indented, compact, want bytes.Buffer
	if err := JSON(&indented, sample()); err != nil {
		t.Fatal(err)
	}
	if err := CompactJSON(&compact, sample()); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&want, indented.Bytes()); err != nil {
		t.Fatal(err)
	}
	if got := bytes.TrimSpace(compact.Bytes()); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("compact:\n%s\nwant:\n%s", got, want.Bytes())
	}
	if bytes.Contains(compact.Bytes(), []byte("\n  ")) {
		t.Error("CompactJSON is indented")
	}
}
