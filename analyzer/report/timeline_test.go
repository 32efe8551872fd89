package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
)

// timelineReport is two hosts' events around one finding on lb-1, with
// thirty unrelated events in its span and a clock that disagrees.
func timelineReport() *engine.Report {
	r := &engine.Report{Schema: engine.Schema, Hosts: []string{"lb-1", "lb-2"},
		Findings: []engine.Finding{{Rule: "keepalived-check-flap", Host: "lb-1", Title: "Flap", Severity: "critical",
			Confidence: "confirmed", Span: &schema.Span{First: "2026-03-14T09:27:05Z", Last: "2026-03-14T09:27:36Z"}}}}
	add := func(tm, host, kind, text string, line int, rules ...string) {
		r.Timeline = append(r.Timeline, schema.TimelineEvent{Time: tm, Host: host, Kind: kind, Text: text,
			Source: schema.Source{Artifact: host + "/messages", Line: line}, Findings: append([]string{}, rules...)})
	}
	add("2026-03-14T09:20:05Z", "lb-1", "vrrp-state", "(vips) Entering MASTER STATE", 3)
	add("2026-03-14T09:27:05Z", "lb-1", "keepalived-remove-real", "Removing service <10.244.3.27> from VS", 7, "keepalived-check-flap")
	for i := 0; i < 30; i++ {
		add(fmt.Sprintf("2026-03-14T09:27:%02dZ", 6+i), "lb-2", "iptables-log", "IN=eth0 SRC=10.0.0.1", 10+i)
	}
	add("2026-03-14T09:27:36Z", "lb-1", "keepalived-add-real", "Adding service", 14, "keepalived-check-flap")
	add("2026-03-14T09:27:37Z", "lb-2", "keepalived-remove-real", "Removing service", 5, "keepalived-check-flap")
	r.Timeline[len(r.Timeline)-1].Note = "placed at boot + 3640.5 s"
	r.Timeline[3].Count, r.Timeline[3].Until = 4, "2026-03-14T09:27:09Z"
	r.TimelineInfo = schema.TimelineInfo{Events: 40, Listed: len(r.Timeline), Collapsed: 3, Notes: []string{"lb-2's clock is 5s ahead of lb-1's"}}
	r.ClockOffsets = []schema.ClockOffset{{Host: "lb-2", Reference: "lb-1", Seconds: 5, Text: "lb-2's clock is 5s ahead of lb-1's"}}
	r.Normalize()
	return r
}

func TestTextTimeline(t *testing.T) {
	r := timelineReport()
	var b bytes.Buffer
	if err := Text(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// By default: the finding's evidence in its span with one event of
	// context on each side, not the thirty unrelated events in between.
	for _, want := range []string{"When: 2026-03-14T09:27:05Z .. 2026-03-14T09:27:36Z", "lb-1/messages:7] ← keepalived-check-flap",
		"lb-1/messages:14]", "… 30 more event(s) in this span (use --timeline)", "Clocks", "lb-2's clock is 5s ahead of lb-1's"} {
		if !strings.Contains(out, want) {
			t.Errorf("default text lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "lb-1/messages:3]") || strings.Contains(out, "iptables-log") || strings.Contains(out, "\nTimeline") {
		t.Errorf("default text shows more than the finding's events:\n%s", out)
	}
	b.Reset()
	if err := Text(&b, r, TextOptions{Timeline: true}); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{"Timeline (UTC; 40 event(s) found, 34 listed, 3 repeat(s) folded)", "lb-2/messages:5] ← keepalived-check-flap",
		"note: placed at boot + 3640.5 s", "(×4 until 2026-03-14T09:27:09Z)", "09:27:06Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("--timeline text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "When:") || strings.Count(out, "iptables-log") != 30 {
		t.Errorf("--timeline text:\n%s", out)
	}
}

func TestMarkdownAndHTMLTimeline(t *testing.T) {
	r := timelineReport()
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if !strings.Contains(md, "\n## Timeline\n") || !strings.Contains(md, "| Time | Host | Kind | Event | Source | Findings |") ||
		strings.Count(md, "| iptables-log |") != 30 || !strings.Contains(md, "| 2026-03-14T09:27:05Z | lb-1 | keepalived-remove-real |") ||
		!strings.Contains(md, "- lb-2's clock is 5s ahead of lb-1's") {
		t.Errorf("markdown timeline:\n%s", md)
	}
	b.Reset()
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	if !strings.Contains(h, `<section id="timeline"><h2>Timeline</h2>`) || !strings.Contains(h, "Removing service &lt;10.244.3.27&gt; from VS") ||
		strings.Count(h, `<tr class="evidence">`) != 3 || strings.Contains(h, "<10.244") {
		t.Errorf("html timeline:\n%s", h)
	}
}
