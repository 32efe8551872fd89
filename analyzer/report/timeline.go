package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
)

// The timeline in each format: the whole of it (--timeline, markdown,
// html), or under each finding the few events around its span (the text
// report by default). Clock notes and disagreeing clocks are always shown.

// aroundLines is how many events the text report prints under a finding.
const aroundLines = 8

// eventLocation is where an event comes from: artifact:line or frame.
func eventLocation(e schema.TimelineEvent) string {
	switch {
	case e.Source.Frame > 0:
		return fmt.Sprintf("%s frame %d", e.Source.Artifact, e.Source.Frame)
	case e.Source.Line > 0:
		return fmt.Sprintf("%s:%d", e.Source.Artifact, e.Source.Line)
	}
	return e.Source.Artifact
}

// eventTime shortens a time for the text report: the date only when it
// changes from the line before.
func eventTime(t, prev string) string {
	if len(t) > 11 && len(prev) > 11 && t[:11] == prev[:11] {
		return t[11:]
	}
	return t
}

// marks reports whether an event is evidence of a finding.
func marks(e schema.TimelineEvent, f engine.Finding) bool {
	if e.Host != f.Host && !strings.Contains(","+f.Host+",", ","+e.Host+",") {
		return false
	}
	for _, r := range e.Findings {
		if r == f.Rule {
			return true
		}
	}
	return false
}

// around picks the events to show under a finding: those marked with it,
// and one on each side of the span for context, at most n, and how many
// events of its span were left out.
func around(tl []schema.TimelineEvent, f engine.Finding, n int) ([]schema.TimelineEvent, int) {
	if f.Span == nil {
		return nil, 0
	}
	from, err1 := time.Parse(time.RFC3339Nano, f.Span.First)
	to, err2 := time.Parse(time.RFC3339Nano, f.Span.Last)
	if err1 != nil || err2 != nil {
		return nil, 0
	}
	first, last := -1, -1
	for i, e := range tl {
		t, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil {
			continue
		}
		if !t.Before(from) && first < 0 {
			first = i
		}
		if !t.After(to) {
			last = i
		}
	}
	if first < 0 || last < first {
		return nil, 0
	}
	lo, hi := max(first-1, 0), min(last+1, len(tl)-1)
	var out []schema.TimelineEvent
	left := 0
	for i := lo; i <= hi; i++ {
		e := tl[i]
		edge := i == lo && i < first || i == hi && i > last
		if !marks(e, f) && !edge && hi-lo+1 > n {
			left++
			continue
		}
		if len(out) == n {
			left++
			continue
		}
		out = append(out, e)
	}
	return out, left
}

func textEvent(b *strings.Builder, e schema.TimelineEvent, prev string, indent string, p palette) {
	fmt.Fprintf(b, "%s%-24s %-8s %s%-22s%s %s", indent, eventTime(e.Time, prev), Escape(e.Host), p.dim, Escape(e.Kind), p.reset, Escape(e.Text))
	if e.Count > 1 {
		fmt.Fprintf(b, "  (×%d until %s)", e.Count, Escape(e.Until))
	}
	fmt.Fprintf(b, "  %s[%s]%s", p.dim, Escape(eventLocation(e)), p.reset)
	if len(e.Findings) > 0 {
		fmt.Fprintf(b, " %s← %s%s", p.yellow, Escape(strings.Join(e.Findings, ", ")), p.reset)
	}
	b.WriteString("\n")
	if e.Note != "" {
		fmt.Fprintf(b, "%s    %snote: %s%s\n", indent, p.dim, Escape(e.Note), p.reset)
	}
}

// textFindingTimeline prints the events around a finding's span.
func textFindingTimeline(b *strings.Builder, r *engine.Report, f engine.Finding, p palette) {
	evs, left := around(r.Timeline, f, aroundLines)
	if len(evs) == 0 {
		return
	}
	fmt.Fprintf(b, "  When: %s .. %s\n", Escape(f.Span.First), Escape(f.Span.Last))
	prev := ""
	for _, e := range evs {
		textEvent(b, e, prev, "    ", p)
		prev = e.Time
	}
	if left > 0 {
		fmt.Fprintf(b, "    … %d more event(s) in this span (use --timeline)\n", left)
	}
}

// textClocks prints what the clocks assumed and where they disagree; the
// notes are printed in full with the timeline, disagreements always.
func textClocks(b *strings.Builder, r *engine.Report, full bool, p palette) {
	var lines []string
	if full {
		lines = r.TimelineInfo.Notes
	} else {
		for _, o := range r.ClockOffsets {
			if o.Seconds >= 0.1 || o.Seconds <= -0.1 {
				lines = append(lines, o.Text)
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%sClocks%s\n", p.bold, p.reset)
	for _, l := range lines {
		fmt.Fprintf(b, "  %s\n", wrap(Escape(l), 2))
	}
}

// textTimeline prints the whole timeline.
func textTimeline(b *strings.Builder, r *engine.Report, p palette) {
	info := r.TimelineInfo
	fmt.Fprintf(b, "\n%sTimeline%s (UTC; %d event(s) found, %d listed", p.bold, p.reset, info.Events, info.Listed)
	if info.Collapsed > 0 {
		fmt.Fprintf(b, ", %d repeat(s) folded", info.Collapsed)
	}
	if info.Sampled > 0 {
		fmt.Fprintf(b, ", %d left out far from findings", info.Sampled)
	}
	if info.Unplaced > 0 {
		fmt.Fprintf(b, ", %d without a wall time", info.Unplaced)
	}
	b.WriteString(")\n")
	if len(r.Timeline) == 0 {
		b.WriteString("  no dated event\n")
	}
	prev := ""
	for _, e := range r.Timeline {
		textEvent(b, e, prev, "  ", p)
		prev = e.Time
	}
}

// markdownTimeline writes the timeline as a table.
func markdownTimeline(b *strings.Builder, r *engine.Report) {
	if len(r.Timeline) == 0 && len(r.TimelineInfo.Notes) == 0 {
		return
	}
	info := r.TimelineInfo
	b.WriteString("\n## Timeline\n\n")
	fmt.Fprintf(b, "Times are UTC. %d event(s) found, %d listed", info.Events, info.Listed)
	if info.Collapsed > 0 {
		fmt.Fprintf(b, ", %d repeat(s) folded into counts", info.Collapsed)
	}
	if info.Sampled > 0 {
		fmt.Fprintf(b, ", %d left out far from the findings", info.Sampled)
	}
	b.WriteString(".\n")
	for _, n := range info.Notes {
		fmt.Fprintf(b, "\n- %s", oneLine(n))
	}
	if len(info.Notes) > 0 {
		b.WriteString("\n")
	}
	if len(r.Timeline) == 0 {
		return
	}
	b.WriteString("\n| Time | Host | Kind | Event | Source | Findings |\n|---|---|---|---|---|---|\n")
	for _, e := range r.Timeline {
		text := e.Text
		if e.Count > 1 {
			text += fmt.Sprintf(" (×%d until %s)", e.Count, e.Until)
		}
		if e.Note != "" {
			text += " — " + e.Note
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", cell(e.Time), cell(e.Host), cell(e.Kind), cell(text),
			cellCode(eventLocation(e)), cell(strings.Join(e.Findings, ", ")))
	}
}

// htmlTimeline writes the timeline section.
func htmlTimeline(b *htmlBuilder, r *engine.Report) {
	if len(r.Timeline) == 0 && len(r.TimelineInfo.Notes) == 0 {
		return
	}
	info := r.TimelineInfo
	b.raw(`<section id="timeline"><h2>Timeline</h2>`)
	b.raw(fmt.Sprintf(`<p>Times are UTC. %d event(s) found, %d listed`, info.Events, info.Listed))
	if info.Collapsed > 0 {
		b.raw(fmt.Sprintf(", %d repeat(s) folded into counts", info.Collapsed))
	}
	if info.Sampled > 0 {
		b.raw(fmt.Sprintf(", %d left out far from the findings", info.Sampled))
	}
	b.raw(".</p>")
	if len(info.Notes) > 0 {
		b.raw("<ul>")
		for _, n := range info.Notes {
			b.raw("<li>" + esc(n) + "</li>")
		}
		b.raw("</ul>")
	}
	if len(r.Timeline) > 0 {
		b.raw(`<table><thead><tr><th>Time</th><th>Host</th><th>Kind</th><th>Event</th><th>Source</th><th>Findings</th></tr></thead><tbody>`)
		for _, e := range r.Timeline {
			cls := ""
			if len(e.Findings) > 0 {
				cls = ` class="evidence"`
			}
			b.raw(fmt.Sprintf(`<tr%s><td class="time">%s</td><td>%s</td><td>%s</td><td>%s`, cls, esc(e.Time), esc(e.Host), esc(e.Kind), esc(e.Text)))
			if e.Count > 1 {
				b.raw(fmt.Sprintf(" (×%d until %s)", e.Count, esc(e.Until)))
			}
			if e.Note != "" {
				b.raw(`<br><small>` + esc(e.Note) + `</small>`)
			}
			b.raw(`</td><td><code>` + esc(eventLocation(e)) + `</code></td><td>` + esc(strings.Join(e.Findings, ", ")) + `</td></tr>`)
		}
		b.raw("</tbody></table>")
	}
	b.raw("</section>\n")
}
