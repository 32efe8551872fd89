//go:build js && wasm

package main

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/nettriage/nettriage/analyzer/report/mdhtml"
)

// esc escapes text for element content and quoted attribute values.
func esc(s string) string { return html.EscapeString(s) }

// attr writes name="value", escaped.
func attr(name, value string) string { return " " + name + `="` + esc(value) + `"` }

// rowsPerSlice is the most finding rows one task renders: a report with
// thousands of findings is rendered in slices, yielding to the browser
// between them (and sooner when the slice's time is spent), so no task
// runs long.
const rowsPerSlice = 60

// sliceBudget is how long the UI works in one task before it lets the
// browser run: well under the 50 ms that makes a "long task", so that
// with the browser's own work the page answers input at once.
const sliceBudget = 20 * time.Millisecond

// yield lets the browser run (input, painting) before the next slice. It
// waits for a JavaScript timer rather than sleeping: after a time.Sleep
// the Go runtime may resume the goroutine inside the same browser task
// (measured: three 1 ms sleeps in one 238 ms task), while a callback from
// a timer always comes in a task of its own.
func yield() {
	done := make(chan struct{})
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", f, 0)
	<-done
}

// pacer yields when the current slice of work has spent its budget.
type pacer struct{ since time.Time }

func newPacer() *pacer { return &pacer{since: time.Now()} }

// spent says whether this slice's time is up.
func (p *pacer) spent() bool { return time.Since(p.since) >= sliceBudget }

// step yields if this slice's time is up.
func (p *pacer) step() {
	if p.spent() {
		p.yield()
	}
}

// yield lets the browser run now and starts a new slice.
func (p *pacer) yield() {
	yield()
	p.since = time.Now()
}

// afterLayout waits until the browser has laid out and painted what was
// just inserted (the next animation frame, then a task), so that what
// reads the layout next (focus, scrolling) finds it done rather than
// doing it inside a task of its own. A page in the background gets no
// frames: 100 ms is the longest it waits.
func afterLayout() {
	done := make(chan struct{}, 2)
	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		frame.Release()
		done <- struct{}{}
		return nil
	})
	js.Global().Call("requestAnimationFrame", frame)
	t := time.AfterFunc(100*time.Millisecond, func() { done <- struct{}{} })
	<-done
	t.Stop()
	yield()
}

// showReport renders a report; ms is how long the analysis took and sys
// the engine's memory (both absent for a rule re-evaluation).
func (a *app) showReport(r *Report, ms, sys js.Value, p *pacer) {
	first := a.report == nil || a.doc.DocumentElement().GetAttribute("data-state") == "busy"
	a.report = r
	a.findings = append([]Finding(nil), r.Findings...)
	sort.SliceStable(a.findings, func(i, j int) bool {
		x, y := a.findings[i], a.findings[j]
		if s, t := rank(confidences, x.Confidence) == 2, rank(confidences, y.Confidence) == 2; s != t {
			return t // worth-a-look (possible) after the rest
		}
		if s, t := rank(severities, x.Severity), rank(severities, y.Severity); s != t {
			return s < t
		}
		if s, t := rank(confidences, x.Confidence), rank(confidences, y.Confidence); s != t {
			return s < t
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Host < y.Host
	})
	a.copies = nil
	a.selected = -1
	a.expanded = map[int]bool{}
	if len(a.findings) > 0 {
		a.expanded[0] = true
	}
	a.render++
	gen := a.render
	a.el("progress").SetAttribute("hidden", "")
	for _, id := range []string{"export-md", "export-json", "export-html"} {
		a.el(id).RemoveAttribute("disabled")
	}
	a.renderSummary()
	a.renderHostFilter()

	msg := fmt.Sprintf("%s in %s from %s", plural(len(r.Findings), "finding"), plural(len(r.Artifacts), "artifact"), plural(len(r.Hosts), "host"))
	if ms.Type() == js.TypeNumber {
		msg += fmt.Sprintf(", analysed in %.0f ms", ms.Float())
		a.el("status").SetAttribute("data-ms", strconv.FormatFloat(ms.Float(), 'f', 1, 64))
	}
	if sys.Type() == js.TypeNumber {
		a.el("status").SetAttribute("data-engine-memory", strconv.FormatFloat(sys.Float(), 'f', 0, 64))
	}
	if len(r.Errors) > 0 {
		msg += fmt.Sprintf("; %s, see Artifacts", plural(len(r.Errors), "input problem"))
	}
	a.status(msg+".", "")

	p.step()
	if gen != a.render || !a.renderFindings(gen, p) {
		return
	}
	a.renderMissing()
	a.applyFilters()
	if first {
		// After loading, the results take the focus (and the view), once
		// the browser has laid them out: focusing would lay out the whole
		// page inside this task otherwise.
		afterLayout()
		if gen != a.render {
			return
		}
		a.focusResults()
	}
	for _, step := range []func(){func() { a.renderCounters(p) }, func() { a.renderArtifacts(p) }, a.renderCaptures, a.renderTimeline, a.renderRules} {
		p.yield()
		if gen != a.render {
			return
		}
		step()
	}
	if gen != a.render {
		return
	}
	a.doc.DocumentElement().SetAttribute("data-state", "done")
}

// focusResults moves the focus to the first finding, or to the results
// when there is none, scrolling them into view under the case bar.
func (a *app) focusResults() {
	if len(a.findings) > 0 {
		a.selectFinding(0, true)
		return
	}
	res := a.el("results")
	res.Underlying().Call("focus", map[string]any{"preventScroll": true})
	res.Underlying().Call("scrollIntoView", map[string]any{"block": "start"})
}

// renderSummary writes the case bar's one-line verdict.
func (a *app) renderSummary() {
	r := a.report
	count := map[string]int{}
	look := 0
	for _, f := range a.findings {
		if f.Confidence == "possible" {
			look++
		} else {
			count[f.Severity]++
		}
	}
	var parts []string
	for _, s := range severities {
		if count[s] > 0 {
			parts = append(parts, strconv.Itoa(count[s])+" "+s)
		}
	}
	if look > 0 {
		parts = append(parts, strconv.Itoa(look)+" worth a look")
	}
	if len(parts) == 0 {
		parts = append(parts, "no finding")
	}
	checked := map[string]bool{}
	for _, c := range r.Checks {
		checked[c.Rule] = true
	}
	if len(checked) > 0 {
		parts = append(parts, plural(len(checked), "rule")+" checked")
	}
	parts = append(parts, plural(len(r.Hosts), "host"))
	a.el("summary").SetTextContent(strings.Join(parts, " · "))
	a.el("findings-count").SetTextContent(strconv.Itoa(len(a.findings)))
}

func (a *app) renderHostFilter() {
	sel := a.el("filter-host")
	cur := sel.Underlying().Get("value").String()
	var b strings.Builder
	b.WriteString(`<option value="">all</option>`)
	for _, h := range a.report.Hosts {
		s := ""
		if h == cur {
			s = " selected"
		}
		b.WriteString(`<option` + attr("value", h) + s + `>` + esc(h) + `</option>`)
	}
	sel.SetInnerHTML(b.String())
}

// renderFindings writes one row per finding, the first one expanded, in
// slices; it returns false when a newer report took over.
func (a *app) renderFindings(gen int, p *pacer) bool {
	box := a.el("findings")
	if len(a.findings) == 0 {
		box.SetInnerHTML(`<p class="empty">No failure mode matched. Check the Artifacts tab: were the inputs recognised? The Rules tab says which input each rule is missing; start with <code>sysctl -a</code>, two <code>nstat -az</code> snapshots and <code>iptables-save</code>.</p>`)
		return true
	}
	look := 0
	for _, f := range a.findings {
		if f.Confidence == "possible" {
			look++
		}
	}
	box.SetInnerHTML(`<div id="findings-main" class="group"></div>`)
	if look > 0 {
		box.Underlying().Call("insertAdjacentHTML", "beforeend", `<section class="group look" aria-labelledby="look-h"><h3 id="look-h">Worth a look <small>`+
			strconv.Itoa(look)+` possible: a risk factor or a total since boot, not a symptom seen now</small></h3><div id="findings-look"></div></section>`)
	}
	main, lookBox := a.byID("findings-main"), a.byID("findings-look")
	for i := 0; i < len(a.findings); {
		var b, l strings.Builder
		for end := i + rowsPerSlice; i < min(end, len(a.findings)) && (b.Len()+l.Len() == 0 || !p.spent()); i++ {
			if a.findings[i].Confidence == "possible" {
				a.findingHTML(&l, i)
			} else {
				a.findingHTML(&b, i)
			}
		}
		// Parsing the rows is as costly as writing them: it starts a
		// slice of its own when this one is spent.
		p.step()
		if gen != a.render {
			return false
		}
		if b.Len() > 0 {
			main.Call("insertAdjacentHTML", "beforeend", b.String())
		}
		if l.Len() > 0 {
			lookBox.Call("insertAdjacentHTML", "beforeend", l.String())
		}
		p.step()
		if gen != a.render {
			return false
		}
	}
	return true
}

// findingHTML writes a finding: a one-line row (a button that expands it)
// and its card, rendered when expanded.
func (a *app) findingHTML(b *strings.Builder, i int) {
	f := a.findings[i]
	fid := "finding-" + strconv.Itoa(i)
	open := a.expanded[i]
	// Only finding elements carry data-rule (a page hook outside tests rely on).
	b.WriteString(`<article class="finding sev-` + esc(f.Severity) + `"` + attr("id", fid) + attr("data-rule", f.Rule) +
		attr("data-confidence", f.Confidence) + attr("data-severity", f.Severity) + attr("data-host", f.Host) + attr("data-i", strconv.Itoa(i)) +
		` tabindex="-1"` + attr("aria-labelledby", fid+"-t") + `>`)
	b.WriteString(`<h3 class="row-h"><button type="button" class="row"` + attr("id", fid+"-t") + attr("aria-expanded", strconv.FormatBool(open)) +
		attr("aria-controls", fid+"-card") + `><span class="badge sev">` + esc(f.Severity) + `</span><span class="badge conf conf-` + esc(f.Confidence) + `">` +
		esc(f.Confidence) + `</span><span class="title">` + esc(f.Title) + `</span><span class="host">` + esc(f.Host) + `</span><code class="rule">` +
		esc(f.Rule) + `</code></button></h3>`)
	// The card is always written (hidden while collapsed), so its text is
	// in the page for find-in-page and for scripts.
	b.WriteString(`<div class="card"` + attr("id", fid+"-card"))
	if !open {
		b.WriteString(` hidden`)
	}
	b.WriteString(`>`)
	a.cardHTML(b, i)
	b.WriteString(`</div></article>`)
}

// cardHTML writes a finding's card: summary, evidence, fix, why, what to
// collect next and references.
func (a *app) cardHTML(b *strings.Builder, i int) {
	f := a.findings[i]
	if f.ExplainedBy != "" {
		target := ""
		for j, g := range a.findings {
			if g.Rule == f.ExplainedBy && g.Host == f.Host {
				target = "#finding-" + strconv.Itoa(j)
			}
		}
		b.WriteString(`<p class="explained">A consequence of <a` + attr("href", target) + `><code>` + esc(f.ExplainedBy) + `</code></a>: fix that first.</p>`)
	}
	b.WriteString(`<div class="md">` + mdhtml.Render(f.Summary) + `</div>`)
	if f.Span != nil {
		b.WriteString(`<p class="span">Seen ` + esc(shortTime(f.Span.First)))
		if f.Span.Last != f.Span.First {
			b.WriteString(` to ` + esc(shortTime(f.Span.Last)))
		}
		b.WriteString(` <button type="button" class="link"` + attr("data-zoom", strconv.Itoa(i)) + `>Show on the timeline</button></p>`)
	}
	if len(f.Evidence) > 0 {
		b.WriteString(`<h4>Evidence</h4><ol class="evidence">`)
		for j, e := range f.Evidence {
			cls := "ev"
			if e.Decisive {
				cls += " decisive"
			}
			b.WriteString(`<li><button type="button"` + attr("class", cls) + attr("data-f", strconv.Itoa(i)) + attr("data-e", strconv.Itoa(j)) + `>` +
				esc(location(e)) + `</button>`)
			if e.Label != "" {
				b.WriteString(` <span class="label">` + esc(e.Label) + `</span>`)
			}
			if e.Time != "" {
				b.WriteString(` <time>` + esc(e.Time) + `</time>`)
			}
			if e.Note != "" {
				b.WriteString(` <span class="note">` + esc(e.Note) + `</span>`)
			}
			if e.Text != "" {
				b.WriteString(`<pre>` + esc(firstLines(e.Text, 4)) + `</pre>`)
			}
			b.WriteString(`</li>`)
		}
		b.WriteString(`</ol>`)
	}
	if s := strings.TrimSpace(f.Remediation); s != "" {
		b.WriteString(`<details class="fix" open><summary>Fix</summary><div class="md">` + mdhtml.Render(s) + `</div></details>`)
	}
	if s := strings.TrimSpace(f.Explanation); s != "" {
		b.WriteString(`<details><summary>Why this happens</summary><div class="md">` + mdhtml.Render(s) + `</div></details>`)
	}
	if len(f.Missing) > 0 {
		b.WriteString(`<details open><summary>Collect next (` + strconv.Itoa(len(f.Missing)) + `)</summary><ul class="missing">`)
		for _, m := range f.Missing {
			b.WriteString(a.missingItem(m, ""))
		}
		b.WriteString(`</ul></details>`)
	}
	if len(f.References) > 0 {
		b.WriteString(`<details><summary>References</summary><ul class="refs">`)
		for _, ref := range f.References {
			if mdhtml.SafeURL(ref) {
				b.WriteString(`<li><a` + attr("href", strings.TrimSpace(ref)) + ` rel="noopener noreferrer" target="_blank">` + esc(ref) + `</a></li>`)
			} else {
				b.WriteString(`<li>` + esc(ref) + `</li>`)
			}
		}
		b.WriteString(`</ul></details>`)
	}
}

// expand opens or closes a finding's card.
func (a *app) expand(i int, open bool) {
	art := a.byID("finding-" + strconv.Itoa(i))
	if !art.Truthy() {
		return
	}
	card := art.Call("querySelector", ".card")
	if open {
		card.Call("removeAttribute", "hidden")
	} else {
		card.Call("setAttribute", "hidden", "")
	}
	a.expanded[i] = open
	art.Call("querySelector", "button.row").Call("setAttribute", "aria-expanded", strconv.FormatBool(open))
}

// selectFinding marks finding i as the current one and focuses it.
func (a *app) selectFinding(i int, scroll bool) {
	if old := a.byID("finding-" + strconv.Itoa(a.selected)); old.Truthy() {
		old.Get("classList").Call("remove", "selected")
	}
	art := a.byID("finding-" + strconv.Itoa(i))
	if !art.Truthy() {
		return
	}
	a.selected = i
	art.Get("classList").Call("add", "selected")
	art.Call("focus", map[string]any{"preventScroll": true})
	if scroll {
		art.Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
}

// applyFilters hides the findings the case bar's filters leave out.
func (a *app) applyFilters() {
	sev, conf, host := a.value("filter-sev"), a.value("filter-conf"), a.value("filter-host")
	shown := 0
	for i, f := range a.findings {
		art := a.byID("finding-" + strconv.Itoa(i))
		if !art.Truthy() {
			continue
		}
		if (sev == "" || f.Severity == sev) && (conf == "" || f.Confidence == conf) && (host == "" || f.Host == host) {
			art.Call("removeAttribute", "hidden")
			shown++
		} else {
			art.Call("setAttribute", "hidden", "")
		}
	}
	if lk := a.byID("findings-look"); lk.Truthy() {
		sec := lk.Get("parentElement")
		if lk.Call("querySelector", "article:not([hidden])").Truthy() {
			sec.Call("removeAttribute", "hidden")
		} else {
			sec.Call("setAttribute", "hidden", "")
		}
	}
	if sev != "" || conf != "" || host != "" {
		a.el("findings-count").SetTextContent(strconv.Itoa(shown) + " of " + strconv.Itoa(len(a.findings)))
	} else if a.report != nil {
		a.el("findings-count").SetTextContent(strconv.Itoa(len(a.findings)))
	}
}

// missingItem renders one artifact to collect with a copy button.
func (a *app) missingItem(m Missing, rules string) string {
	s := `<li><strong>` + esc(m.Kind) + `</strong>: ` + esc(m.Why)
	if rules != "" {
		s += ` <span class="for">(for ` + esc(rules) + `)</span>`
	}
	if m.Collect != "" {
		a.copies = append(a.copies, m.Collect)
		s += `<div class="cmd"><pre>` + esc(m.Collect) + `</pre><button type="button" class="copy"` +
			attr("data-copy", strconv.Itoa(len(a.copies)-1)) + attr("aria-label", "Copy: "+m.Collect) + `>Copy</button></div>`
	}
	return s + `</li>`
}

// renderMissing lists what every finding would like collected, once per
// command, with the rules that ask for it; without findings it is hidden.
func (a *app) renderMissing() {
	type item struct {
		m     Missing
		rules []string
	}
	var items []*item
	byKey := map[string]*item{}
	for _, f := range a.findings {
		for _, m := range f.Missing {
			key := m.Kind + "\x00" + m.Collect
			it := byKey[key]
			if it == nil {
				it = &item{m: m}
				byKey[key] = it
				items = append(items, it)
			}
			if !contains(it.rules, f.Rule) {
				it.rules = append(it.rules, f.Rule)
			}
		}
	}
	sec := a.el("missing-section")
	if len(items) == 0 {
		sec.SetAttribute("hidden", "")
		a.el("missing").SetInnerHTML("")
		return
	}
	sec.RemoveAttribute("hidden")
	var b strings.Builder
	b.WriteString(`<p>Run these on the affected host and add the output to the case: each would confirm or rule out a finding.</p><ul class="missing">`)
	all := make([]string, 0, len(items))
	for _, it := range items {
		b.WriteString(a.missingItem(it.m, strings.Join(it.rules, ", ")))
		if it.m.Collect != "" {
			all = append(all, it.m.Collect)
		}
	}
	a.copies = append(a.copies, strings.Join(all, "\n"))
	b.WriteString(`</ul><button type="button" class="copy"` + attr("data-copy", strconv.Itoa(len(a.copies)-1)) + `>Copy all commands</button>`)
	a.el("missing").SetInnerHTML(b.String())
}

// renderSamples fills the "Try an example" menu.
func (a *app) renderSamples() {
	var b strings.Builder
	b.WriteString(`<ul class="samples">`)
	for _, s := range a.samples {
		label := s.Rule
		if s.Case != "positive" {
			label += " · " + s.Case
		}
		b.WriteString(`<li><button type="button" class="sample"` + attr("data-sample", s.ID) + attr("title", s.About) + `><span>` + esc(label) +
			`</span><small class="conf-` + esc(s.Confidence) + `">` + esc(s.Confidence) + `</small></button></li>`)
	}
	b.WriteString(`</ul>`)
	a.el("samples").SetInnerHTML(b.String())
	a.el("samples-count").SetTextContent("(" + strconv.Itoa(len(a.samples)) + ")")
}

// wireResults handles clicks in the rendered sections by delegation, so
// re-rendering never leaves stale listeners behind.
func (a *app) wireResults() {
	a.el("findings").AddEventListener("click", false, func(ev dom.Event) {
		t := ev.Target()
		if b := t.Closest("button.row"); b != nil {
			i, _ := strconv.Atoi(b.Closest("article").GetAttribute("data-i"))
			a.expand(i, !a.expanded[i])
			a.selectFinding(i, false)
			b.(dom.HTMLElement).Focus()
			return
		}
		if b := t.Closest("button.ev"); b != nil {
			fi, _ := strconv.Atoi(b.GetAttribute("data-f"))
			ei, _ := strconv.Atoi(b.GetAttribute("data-e"))
			a.selected = fi
			a.openEvidence(fi, ei)
			return
		}
		if b := t.Closest("button[data-zoom]"); b != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-zoom"))
			a.zoomToFinding(i)
			return
		}
		if l := t.Closest(".explained a"); l != nil {
			ev.PreventDefault()
			if id := strings.TrimPrefix(l.GetAttribute("href"), "#finding-"); id != "" {
				if i, err := strconv.Atoi(id); err == nil {
					a.expand(i, true)
					a.selectFinding(i, true)
				}
			}
		}
	})
	copyHandler := func(ev dom.Event) {
		b := ev.Target().Closest("button.copy")
		if b == nil {
			return
		}
		i, err := strconv.Atoi(b.GetAttribute("data-copy"))
		if err != nil || i >= len(a.copies) {
			return
		}
		go a.copy(b.(dom.HTMLElement), a.copies[i])
	}
	a.el("findings").AddEventListener("click", false, copyHandler)
	a.el("missing").AddEventListener("click", false, copyHandler)
	for _, id := range []string{"filter-sev", "filter-conf", "filter-host"} {
		a.el(id).AddEventListener("change", false, func(dom.Event) {
			if a.report != nil {
				a.applyFilters()
			}
		})
	}
	a.el("viewer-close").AddEventListener("click", false, func(dom.Event) { a.closeViewer() })
	a.wireTabContents()
}

// copy puts text on the clipboard and says so on the button.
func (a *app) copy(btn dom.HTMLElement, text string) {
	label := btn.TextContent()
	clip := js.Global().Get("navigator").Get("clipboard")
	ok := clip.Truthy()
	if ok {
		_, err := await(clip.Call("writeText", text))
		ok = err == nil
	}
	if ok {
		btn.SetTextContent("Copied")
	} else {
		btn.SetTextContent("Copy failed: select the text")
	}
	time.AfterFunc(1500*time.Millisecond, func() { btn.SetTextContent(label) })
}

func location(e Evidence) string {
	switch {
	case e.Frame > 0:
		return e.Artifact + " frame " + strconv.Itoa(e.Frame)
	case e.Line > 0 && e.EndLine > e.Line:
		return e.Artifact + ":" + strconv.Itoa(e.Line) + "-" + strconv.Itoa(e.EndLine)
	case e.Line > 0:
		return e.Artifact + ":" + strconv.Itoa(e.Line)
	}
	return e.Artifact
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimRight(s, "\n"), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// size writes a byte count in binary units (KiB, MiB, GiB) everywhere.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " B"
}

// shortTime writes an RFC 3339 time as "2026-01-02 10:02:03Z".
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04:05.000Z")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
