// Package timeline puts the dated events of every input (log lines,
// capture events, counter snapshots, bundle times) on one clock, per host,
// marks the events that are a finding's evidence with its rule, and bounds
// the result: the windows around findings are kept whole, repeats
// elsewhere are collapsed with a count and the rest is sampled. It does no
// I/O.
package timeline

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/schema"
)

// Options bound the timeline.
type Options struct {
	// Max is the most entries listed outside the windows around findings;
	// 0 means 400.
	Max int
	// Window is how far before and after a finding's span events are kept
	// whole; 0 means 2 minutes.
	Window time.Duration
	// MaxWindow is the most entries kept inside the windows; 0 means
	// 2000. A window crowded beyond it is sampled like the rest.
	MaxWindow int
}

func (o Options) withDefaults() Options {
	if o.Max <= 0 {
		o.Max = 400
	}
	if o.Window <= 0 {
		o.Window = 2 * time.Minute
	}
	if o.MaxWindow <= 0 {
		o.MaxWindow = 2000
	}
	return o
}

// event is one dated event before it is listed.
type event struct {
	t        time.Time
	host     string
	artifact string
	line     int
	endLine  int // counter snapshots span lines; evidence on any of them marks the snapshot
	frame    int
	kind     string
	text     string
	note     string
	findings []string
	count    int
	until    time.Time
	seq      int // emission order, to keep source order among equal times
}

// Attach builds the report's timeline from the hosts' facts and findings:
// timeline[], timeline_info, clock_offsets[] and each finding's span.
func Attach(hosts []*facts.Host, rep *schema.Report, opt Options) {
	opt = opt.withDefaults()
	marks := evidenceMarks(rep)

	// Pass 1: the times of the evidence, for the findings' spans.
	spans := map[int][2]time.Time{}
	widen := func(i int, t time.Time) {
		s, ok := spans[i]
		if !ok || t.Before(s[0]) {
			s[0] = t
		}
		if !ok || t.After(s[1]) {
			s[1] = t
		}
		spans[i] = s
	}
	placed := map[evKey]bool{}
	walk(hosts, func(e *event) {
		for _, i := range marks.match(e) {
			widen(i, e.t)
			for _, k := range marks.keysOf(e, i) {
				placed[k] = true
			}
		}
	})
	// Evidence no event stands for counts with the time it carries (an
	// event's own time is more precise: evidence times are whole seconds
	// for log lines).
	for i, f := range rep.Findings {
		for _, ev := range f.Evidence {
			if placed[evKey{ev.Artifact, ev.Line, ev.Frame}] || ev.Time == "" {
				continue
			}
			if t, err := time.Parse(time.RFC3339Nano, ev.Time); err == nil {
				widen(i, t.UTC())
			}
		}
	}
	var windows [][2]time.Time
	for i := range rep.Findings {
		if s, ok := spans[i]; ok {
			rep.Findings[i].Span = &schema.Span{First: stamp(s[0]), Last: stamp(s[1])}
			windows = append(windows, [2]time.Time{s[0].Add(-opt.Window), s[1].Add(opt.Window)})
		}
	}

	// Pass 2: every event, kept whole near findings, collapsed and
	// sampled elsewhere.
	b := &builder{opt: opt, windows: windows, ruleOf: func(i int) string { return rep.Findings[i].Rule }}
	matched := map[evKey]bool{}
	walk(hosts, func(e *event) {
		for _, i := range marks.match(e) {
			if !contains(e.findings, rep.Findings[i].Rule) {
				e.findings = append(e.findings, rep.Findings[i].Rule)
			}
			for _, k := range marks.keysOf(e, i) {
				matched[k] = true
			}
		}
		b.add(e)
	})
	// Dated evidence that no event stands for becomes an event of its own.
	for i, f := range rep.Findings {
		for _, ev := range f.Evidence {
			k := evKey{ev.Artifact, ev.Line, ev.Frame}
			if ev.Time == "" || matched[k] {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, ev.Time)
			if err != nil {
				continue
			}
			matched[k] = true
			text := ev.Note
			if text == "" {
				text = strings.TrimSpace(ev.Text)
			}
			e := &event{t: t.UTC(), host: artifactHost(rep, ev.Artifact, f.Host), artifact: ev.Artifact, line: ev.Line,
				frame: ev.Frame, kind: "evidence", text: clip(text), findings: []string{f.Rule}}
			for j := range rep.Findings {
				if j != i && marks.has(k, j) && !contains(e.findings, rep.Findings[j].Rule) {
					e.findings = append(e.findings, rep.Findings[j].Rule)
				}
			}
			b.add(e)
		}
	}
	rep.Timeline = b.list()
	rep.TimelineInfo = schema.TimelineInfo{Events: b.total, Listed: len(rep.Timeline), Collapsed: b.collapsed,
		Sampled: b.sampled, Unplaced: unplaced(hosts), Notes: clockNotes(hosts)}
	rep.ClockOffsets = offsets(hosts)
	for _, o := range rep.ClockOffsets {
		if o.Text != "" && !agrees(o) {
			rep.TimelineInfo.Notes = append(rep.TimelineInfo.Notes, o.Text)
		}
	}
}

// agrees tells whether an offset is within what delays and rounding
// explain: such clocks are not reported as disagreeing.
func agrees(o schema.ClockOffset) bool {
	return o.Seconds < 0.1 && o.Seconds > -0.1
}

// evKey locates evidence: an artifact line, or a capture frame.
type evKey struct {
	artifact    string
	line, frame int
}

// marks indexes the findings' evidence by where it points.
type marks struct {
	byKey   map[evKey][]int
	byArt   map[string][]int // artifact -> evidence lines, for ranges
	artLine map[string][]evLine
}

type evLine struct{ line, finding int }

func evidenceMarks(rep *schema.Report) *marks {
	m := &marks{byKey: map[evKey][]int{}, artLine: map[string][]evLine{}}
	for i, f := range rep.Findings {
		for _, ev := range f.Evidence {
			k := evKey{ev.Artifact, ev.Line, ev.Frame}
			m.byKey[k] = append(m.byKey[k], i)
			if ev.Frame == 0 && ev.Line > 0 {
				m.artLine[ev.Artifact] = append(m.artLine[ev.Artifact], evLine{ev.Line, i})
			}
		}
	}
	return m
}

func (m *marks) has(k evKey, finding int) bool {
	for _, i := range m.byKey[k] {
		if i == finding {
			return true
		}
	}
	return false
}

// match returns the findings whose evidence points at the event: its line
// (or any line of its range), or its frame.
func (m *marks) match(e *event) []int {
	var out []int
	if e.frame > 0 {
		out = append(out, m.byKey[evKey{e.artifact, 0, e.frame}]...)
		// Capture evidence may carry a line of 0 or the frame's number.
		for k, is := range m.byKey {
			if k.artifact == e.artifact && k.frame == e.frame && k.line != 0 {
				out = append(out, is...)
			}
		}
		return out
	}
	if e.endLine > e.line {
		for _, el := range m.artLine[e.artifact] {
			if el.line >= e.line && el.line <= e.endLine && !containsInt(out, el.finding) {
				out = append(out, el.finding)
			}
		}
		return out
	}
	return m.byKey[evKey{e.artifact, e.line, 0}]
}

// keysOf is the evidence keys of one finding that the event stands for.
func (m *marks) keysOf(e *event, finding int) []evKey {
	var out []evKey
	if e.frame > 0 {
		for k, is := range m.byKey {
			if k.artifact == e.artifact && k.frame == e.frame && containsInt(is, finding) {
				out = append(out, k)
			}
		}
		return out
	}
	for _, el := range m.artLine[e.artifact] {
		end := max(e.endLine, e.line)
		if el.finding == finding && el.line >= e.line && el.line <= end {
			out = append(out, evKey{e.artifact, el.line, 0})
		}
	}
	return out
}

// builder keeps the events: whole in the windows around findings and when
// they are evidence; elsewhere consecutive repeats of one source are
// folded into one entry with a count, and the entries are thinned to an
// evenly spaced sample once there are too many.
type builder struct {
	opt     Options
	windows [][2]time.Time
	ruleOf  func(int) string

	kept   []*event // evidence and window events
	rest   []*event // runs elsewhere, thinned
	stride int      // keep every stride-th run of the rest
	runs   int      // runs seen elsewhere
	open   map[string]*event
	seq    int

	total, collapsed, sampled int
}

func (b *builder) inWindow(t time.Time) bool {
	for _, w := range b.windows {
		if !t.Before(w[0]) && !t.After(w[1]) {
			return true
		}
	}
	return false
}

func (b *builder) add(e *event) {
	b.total++
	b.seq++
	e.seq, e.count = b.seq, 1
	src := e.host + "\x00" + e.artifact + "\x00" + e.kind
	if len(e.findings) > 0 || (b.inWindow(e.t) && len(b.kept) < b.opt.MaxWindow) {
		b.kept = append(b.kept, e)
		delete(b.open, src) // a repeat after it starts a new run
		return
	}
	if b.open == nil {
		b.open = map[string]*event{}
		b.stride = 1
	}
	// A repeat continues the open run of its source and kind.
	if r := b.open[src]; r != nil && shape(r.text) == shape(e.text) && !e.t.Before(r.until) {
		r.count++
		r.until = e.t
		b.collapsed++
		return
	}
	b.open[src] = e
	e.until = e.t
	b.runs++
	if (b.runs-1)%b.stride != 0 {
		b.sampled++
		b.open[src] = nil
		return
	}
	b.rest = append(b.rest, e)
	if len(b.rest) > b.opt.Max {
		// Keep every other run and take half as many from now on.
		kept := b.rest[:0]
		for i, r := range b.rest {
			if i%2 == 0 {
				kept = append(kept, r)
			} else {
				b.sampled += r.count
				b.collapsed -= r.count - 1
				for k, o := range b.open {
					if o == r {
						b.open[k] = nil
					}
				}
			}
		}
		b.rest = kept
		b.stride *= 2
	}
}

// list merges the kept events and the sample in time order.
func (b *builder) list() []schema.TimelineEvent {
	all := append(append([]*event(nil), b.kept...), b.rest...)
	// slices, not sort.SliceStable: its reflection-based swaps were a
	// third of a capture's timeline in WebAssembly.
	slices.SortStableFunc(all, func(a, b *event) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	out := make([]schema.TimelineEvent, 0, len(all))
	for _, e := range all {
		te := schema.TimelineEvent{Time: stamp(e.t), Host: e.host, Kind: e.kind, Text: e.text, Note: e.note,
			Source:   schema.Source{Artifact: e.artifact, Line: e.line, Frame: e.frame},
			Findings: append([]string{}, e.findings...)}
		if e.count > 1 {
			te.Count, te.Until = e.count, stamp(e.until)
		}
		out = append(out, te)
	}
	return out
}

// shape is an event's text with its numbers taken out, so that repeats
// that differ only in ports, counts or addresses fold together.
func shape(s string) string {
	var sb strings.Builder
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if !digit {
				sb.WriteByte('#')
			}
			digit = true
			continue
		}
		digit = false
		sb.WriteByte(c)
	}
	return sb.String()
}

// stamp formats a time as RFC 3339 in UTC, with the fraction a capture
// gives it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// artifactHost is the host an artifact belongs to, from the report.
func artifactHost(rep *schema.Report, name, fallback string) string {
	for _, a := range rep.Artifacts {
		if a.Name == name {
			h := a.Host
			if h == "" {
				h = fallback
			}
			if a.Namespace != "" {
				h += "/" + a.Namespace
			}
			return h
		}
	}
	return fallback
}

// clip keeps one line of at most 200 bytes.
func clip(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		cut := 197
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// secs formats seconds with at most three decimals.
func secs(d float64) string {
	return strconv.FormatFloat(d, 'f', -1, 64)
}
