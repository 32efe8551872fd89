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

// showReport renders a report; ms is how long the analysis took and sys
// the engine's memory (both absent for a rule re-evaluation).
func (a *app) showReport(r *Report, ms, sys js.Value) {
	a.report = r
	a.findings = append([]Finding(nil), r.Findings...)
	sort.SliceStable(a.findings, func(i, j int) bool {
		x, y := a.findings[i], a.findings[j]
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
	a.renderFindings()
	a.renderMissing()
	a.renderCounters()
	a.renderArtifacts()
	a.el("progress").SetAttribute("hidden", "")
	for _, id := range []string{"export-md", "export-json", "export-html"} {
		a.el(id).RemoveAttribute("disabled")
	}

	msg := fmt.Sprintf("%d finding(s) in %d artifact(s) from %d host(s)", len(r.Findings), len(r.Artifacts), len(r.Hosts))
	if ms.Type() == js.TypeNumber {
		msg += fmt.Sprintf(", analysed in %.0f ms", ms.Float())
		a.el("status").SetAttribute("data-ms", strconv.FormatFloat(ms.Float(), 'f', 1, 64))
	}
	if sys.Type() == js.TypeNumber {
		a.el("status").SetAttribute("data-engine-memory", strconv.FormatFloat(sys.Float(), 'f', 0, 64))
	}
	if len(r.Errors) > 0 {
		msg += fmt.Sprintf("; %d input problem(s), see Artifacts", len(r.Errors))
	}
	a.status(msg+".", "")
	a.doc.DocumentElement().SetAttribute("data-state", "done")
}

func (a *app) renderFindings() {
	var b strings.Builder
	count := map[string]int{}
	for _, f := range a.findings {
		count[f.Severity]++
	}
	var parts []string
	for _, s := range severities {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	a.el("findings-count").SetTextContent(strings.Join(parts, " · "))
	if len(a.findings) == 0 {
		b.WriteString(`<p class="empty">No failure mode matched. Check the artifacts below: were they recognised? The missing-evidence panel of a finding says what to collect; without findings, start with <code>sysctl -a</code>, two <code>nstat -a</code> snapshots and <code>iptables-save</code>.</p>`)
	}
	for i, f := range a.findings {
		fid := "finding-" + strconv.Itoa(i)
		// Only finding elements carry data-rule (a page hook outside tests rely on).
		b.WriteString(`<article class="finding sev-` + esc(f.Severity) + `"` + attr("id", fid) + attr("data-rule", f.Rule) +
			attr("data-confidence", f.Confidence) + attr("aria-labelledby", fid+"-t") + `>`)
		b.WriteString(`<header><p class="badges"><span class="badge sev">` + esc(f.Severity) + `</span><span class="badge conf conf-` +
			esc(f.Confidence) + `">` + esc(f.Confidence) + `</span><code>` + esc(f.Rule) + `</code><span class="host">host ` + esc(f.Host) + `</span></p>`)
		b.WriteString(`<h3` + attr("id", fid+"-t") + `>` + esc(f.Title) + `</h3>`)
		if f.ExplainedBy != "" {
			target := ""
			for j, g := range a.findings {
				if g.Rule == f.ExplainedBy && g.Host == f.Host {
					target = "#finding-" + strconv.Itoa(j)
				}
			}
			b.WriteString(`<p class="explained">A consequence of <a` + attr("href", target) + `><code>` + esc(f.ExplainedBy) + `</code></a>: fix that first.</p>`)
		}
		b.WriteString(`</header><div class="md">` + mdhtml.Render(f.Summary) + `</div>`)
		if len(f.Evidence) > 0 {
			b.WriteString(`<h4>Evidence</h4><ol class="evidence">`)
			for j, e := range f.Evidence {
				b.WriteString(`<li><button type="button" class="ev"` + attr("data-f", strconv.Itoa(i)) + attr("data-e", strconv.Itoa(j)) + `>` +
					esc(location(e)) + `</button>`)
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
		b.WriteString(`</article>`)
	}
	a.el("findings").SetInnerHTML(b.String())
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
// command, with the rules that ask for it.
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
	var b strings.Builder
	if len(items) == 0 {
		b.WriteString(`<p class="empty">Nothing: every finding has the inputs its rule reads.</p>`)
	} else {
		b.WriteString(`<p>Run these on the affected host and add the output: each would confirm or rule out a finding.</p><ul class="missing">`)
		all := make([]string, 0, len(items))
		for _, it := range items {
			b.WriteString(a.missingItem(it.m, strings.Join(it.rules, ", ")))
			if it.m.Collect != "" {
				all = append(all, it.m.Collect)
			}
		}
		a.copies = append(a.copies, strings.Join(all, "\n"))
		b.WriteString(`</ul><button type="button" class="copy"` + attr("data-copy", strconv.Itoa(len(a.copies)-1)) + `>Copy all commands</button>`)
	}
	a.el("missing").SetInnerHTML(b.String())
}

func (a *app) renderCounters() {
	r := a.report
	onlyRead := a.el("counters-read").Underlying().Get("checked").Bool()
	var b strings.Builder
	shown := 0
	b.WriteString(`<table><thead><tr><th scope="col">Host</th><th scope="col">Counter</th><th scope="col" class="num">First</th><th scope="col" class="num">Last</th><th scope="col" class="num">Change</th><th scope="col">Meaning</th><th scope="col">Read by</th></tr></thead><tbody>`)
	for _, c := range r.Counters {
		if onlyRead && len(c.Rules) == 0 {
			continue
		}
		shown++
		cls := ""
		if len(c.Rules) > 0 {
			cls = ` class="read"`
		}
		b.WriteString(`<tr` + cls + `><td>` + esc(c.Host) + `</td><td><code>` + esc(c.Name) + `</code></td><td class="num">` +
			strconv.FormatInt(c.First, 10) + `</td><td class="num">` + strconv.FormatInt(c.Last, 10) + `</td><td class="num delta">` +
			fmt.Sprintf("%+d", c.Delta) + `</td><td>` + esc(c.Meaning) + `</td><td>` + esc(strings.Join(c.Rules, ", ")) + `</td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	switch {
	case len(r.Counters) == 0:
		a.el("counters").SetInnerHTML(`<p class="empty">No counter moved: give two snapshots (<code>nstat -az; sleep 10; nstat -az</code>, or <code>/proc/net/netstat</code> twice) to see which kernel counters move.</p>`)
	case shown == 0:
		a.el("counters").SetInnerHTML(`<p class="empty">` + strconv.Itoa(len(r.Counters)) + ` counter(s) moved; none is read by a rule.</p>`)
	default:
		a.el("counters").SetInnerHTML(b.String())
	}
	a.el("counters-count").SetTextContent(fmt.Sprintf("%d moved", len(r.Counters)))
}

func (a *app) renderArtifacts() {
	r := a.report
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th scope="col">Kind</th><th scope="col">Host</th><th scope="col">Artifact</th><th scope="col" class="num">Size</th><th scope="col">Warnings</th></tr></thead><tbody>`)
	for i, art := range r.Artifacts {
		host := art.Host
		if art.Namespace != "" {
			host += " (netns " + art.Namespace + ")"
		}
		b.WriteString(`<tr><td><span class="badge kind kind-` + esc(art.Kind) + `">` + esc(art.Kind) + `</span></td><td>` + esc(host) +
			`</td><td><button type="button" class="art"` + attr("data-a", strconv.Itoa(i)) + `>` + esc(art.Name) + `</button></td><td class="num">` +
			esc(size(art.Size)) + `</td><td>`)
		if len(art.Warnings) > 0 {
			b.WriteString(`<ul class="warnings">`)
			for _, w := range art.Warnings {
				where := ""
				if w.Line > 0 {
					where = "line " + strconv.Itoa(w.Line) + ": "
				}
				b.WriteString(`<li>` + esc(where+w.Message) + `</li>`)
			}
			b.WriteString(`</ul>`)
		}
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	for _, c := range r.Captures {
		notes := append([]string(nil), c.Notes...)
		if c.Truncated {
			notes = append(notes, "the file ends inside a packet")
		}
		for _, n := range c.NAT {
			notes = append(notes, fmt.Sprintf("NAT seen in copies: %s ⇒ %s (%d packets)", n.Before, n.After, n.Packets))
		}
		b.WriteString(`<p class="capture"><code>` + esc(c.Artifact) + `</code>: ` + strconv.Itoa(c.Packets) + ` packets, ` + strconv.Itoa(c.FlowCount) + ` TCP flows`)
		if len(notes) > 0 {
			b.WriteString(`; ` + esc(strings.Join(notes, "; ")))
		}
		b.WriteString(`</p>`)
	}
	if len(r.Errors) > 0 {
		b.WriteString(`<h3>Input problems</h3><ul class="errors">`)
		for _, e := range r.Errors {
			b.WriteString(`<li><code>` + esc(e.Artifact) + `</code>: ` + esc(e.Message) + `</li>`)
		}
		b.WriteString(`</ul>`)
	}
	a.el("artifacts").SetInnerHTML(b.String())
	a.el("artifacts-count").SetTextContent(fmt.Sprintf("%d", len(r.Artifacts)))
}

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
	a.el("samples-count").SetTextContent(strconv.Itoa(len(a.samples)))
}

// wireResults handles clicks in the rendered sections by delegation, so
// re-rendering never leaves stale listeners behind.
func (a *app) wireResults() {
	a.el("findings").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button.ev"); b != nil {
			fi, _ := strconv.Atoi(b.GetAttribute("data-f"))
			ei, _ := strconv.Atoi(b.GetAttribute("data-e"))
			a.openEvidence(fi, ei)
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
	a.el("artifacts").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button.art"); b != nil && a.report != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-a"))
			if i < len(a.report.Artifacts) {
				a.openArtifact(a.report.Artifacts[i].Name, 0, 0)
			}
		}
	})
	a.el("counters-read").AddEventListener("change", false, func(dom.Event) {
		if a.report != nil {
			a.renderCounters()
		}
	})
	for id, format := range map[string]string{"export-md": "markdown", "export-json": "json", "export-html": "html"} {
		format := format
		a.el(id).AddEventListener("click", false, func(dom.Event) {
			a.send("export", map[string]any{"format": format, "redact": a.el("export-redact").Underlying().Get("checked").Bool()})
		})
	}
	a.el("viewer-close").AddEventListener("click", false, func(dom.Event) { a.clearViewer() })
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
