//go:build js && wasm

package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"
)

// The tabs under the findings: Timeline, Counters, Artifacts, Captures and
// Rules (the findings list itself is always shown). Every tab is rendered
// when a report arrives (one task each), so a tab opens at once.

var tabs = []string{"timeline", "counters", "artifacts", "captures", "rules"}

func (a *app) wireTabs() {
	for i, name := range tabs {
		i, name := i, name
		tab := a.el("tab-" + name)
		tab.AddEventListener("click", false, func(dom.Event) { a.selectTab(name, true) })
		tab.AddEventListener("keydown", false, func(ev dom.Event) {
			k := ev.(*dom.KeyboardEvent).Key()
			next := -1
			switch k {
			case "ArrowRight":
				next = (i + 1) % len(tabs)
			case "ArrowLeft":
				next = (i + len(tabs) - 1) % len(tabs)
			case "Home":
				next = 0
			case "End":
				next = len(tabs) - 1
			}
			if next >= 0 {
				ev.PreventDefault()
				a.selectTab(tabs[next], true)
			}
		})
	}
}

// selectTab shows a tab's panel; focus moves the focus to its tab.
// "findings" is not a tab: the findings are always shown.
func (a *app) selectTab(name string, focus bool) {
	if name == "findings" {
		return
	}
	for _, t := range tabs {
		tab, panel := a.el("tab-"+t), a.el("panel-"+t)
		on := t == name
		tab.SetAttribute("aria-selected", strconv.FormatBool(on))
		if on {
			tab.RemoveAttribute("tabindex")
			panel.RemoveAttribute("hidden")
		} else {
			tab.SetAttribute("tabindex", "-1")
			panel.SetAttribute("hidden", "")
		}
	}
	if focus {
		a.el("tab-" + name).Focus()
	}
	// Bring the tabs into view when they are below the fold, once the
	// browser has laid out the panel: measuring now would lay out a big
	// panel (every counter, every rule) inside this click's task.
	tl := a.el("tab-" + name).Underlying()
	go func() {
		afterLayout()
		if tl.Call("getBoundingClientRect").Get("top").Float() > js.Global().Get("innerHeight").Float()-80 {
			tl.Call("scrollIntoView", map[string]any{"block": "start"})
		}
	}()
}

func (a *app) wireTabContents() {
	a.el("counters").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button[data-counter]"); b != nil && a.report != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-counter"))
			a.showCounter(i)
		}
	})
	a.el("counters-read").AddEventListener("change", false, func(dom.Event) {
		if a.report != nil {
			a.renderCounters(nil)
		}
	})
	a.el("artifacts").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button.art"); b != nil && a.report != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-a"))
			if i < len(a.report.Artifacts) {
				a.openArtifact(a.report.Artifacts[i].Name, 0, 0)
			}
		}
	})
	a.el("timeline").AddEventListener("click", false, func(ev dom.Event) { a.onTimelineClick(ev) })
	a.el("timeline").AddEventListener("change", false, func(ev dom.Event) {
		if s := ev.Target().Closest("#tl-zoom"); s != nil {
			v := s.(dom.HTMLElement).Underlying().Get("value").String()
			if v == "" {
				a.tl = timelineView{finding: -1}
				a.renderTimeline()
			} else if i, err := strconv.Atoi(v); err == nil {
				a.zoomToFinding(i)
			}
		}
	})
	a.el("rules").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button[data-playground-rule]"); b != nil {
			a.openRuleByID(b.GetAttribute("data-playground-rule"))
			a.selectTab("rules", false)
			a.el("rule-src").Focus()
			a.el("editor").Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
		}
	})
}

// ---- counters

// renderCounters renders the Counters tab, yielding between slices of
// rows when p is set (only from a goroutine: an event handler must not
// block).
func (a *app) renderCounters(p *pacer) {
	r := a.report
	onlyRead := a.el("counters-read").Underlying().Get("checked").Bool()
	var rows []string
	for i, c := range r.Counters {
		if onlyRead && len(c.Rules) == 0 {
			continue
		}
		cls := ""
		if len(c.Rules) > 0 {
			cls = ` class="read"`
		}
		rows = append(rows, `<tr`+cls+`><td>`+esc(c.Host)+`</td><td><button type="button" class="counter"`+attr("data-counter", strconv.Itoa(i))+`><code>`+
			esc(c.Name)+`</code></button></td><td class="num">`+strconv.FormatInt(c.First, 10)+`</td><td class="num">`+strconv.FormatInt(c.Last, 10)+
			`</td><td class="num delta">`+fmt.Sprintf("%+d", c.Delta)+`</td><td>`+esc(c.Meaning)+`</td><td>`+esc(strings.Join(c.Rules, ", "))+`</td></tr>`)
	}
	var totals strings.Builder
	if len(r.Totals) > 0 {
		totals.WriteString(`<h3>Totals since boot <small>of the counters rules read: not a symptom of now</small></h3><table><thead><tr><th scope="col">Host</th><th scope="col">Counter</th><th scope="col" class="num">Total</th><th scope="col" class="num">Average per second</th><th scope="col">Meaning</th></tr></thead><tbody>`)
		for _, c := range r.Totals {
			rate := "uptime unknown"
			if c.PerSecond > 0 {
				rate = strconv.FormatFloat(c.PerSecond, 'g', 3, 64) + "/s"
			}
			totals.WriteString(`<tr><td>` + esc(c.Host) + `</td><td><code>` + esc(c.Name) + `</code></td><td class="num">` + strconv.FormatInt(c.Value, 10) +
				`</td><td class="num">` + esc(rate) + `</td><td>` + esc(c.Meaning) + `</td></tr>`)
		}
		totals.WriteString(`</tbody></table>`)
	}
	a.el("counters-count").SetTextContent(strconv.Itoa(len(r.Counters)))
	switch {
	case len(r.Counters) == 0:
		a.el("counters").SetInnerHTML(`<p class="empty">No counter moved: give two snapshots (<code>nstat -az; sleep 10; nstat -az</code>, or <code>/proc/net/netstat</code> twice) to see which kernel counters move.</p>` + totals.String())
	case len(rows) == 0:
		a.el("counters").SetInnerHTML(`<p class="empty">` + plural(len(r.Counters), "counter") + ` moved; none is read by a rule.</p>` + totals.String())
	default:
		a.fillRows(a.el("counters"), `<table><thead><tr><th scope="col">Host</th><th scope="col">Counter</th><th scope="col" class="num">First</th><th scope="col" class="num">Last</th><th scope="col" class="num">Change</th><th scope="col">Meaning</th><th scope="col">Read by</th></tr></thead><tbody>`,
			rows, `</tbody></table>`+totals.String(), p)
	}
}

// fillRows sets box to head + rows + tail, where head opens box's first
// tbody and tail closes it. With p set, the rows are inserted in slices,
// yielding between them, so a table of thousands of rows is not one long
// task; it stops when a newer report takes over.
func (a *app) fillRows(box dom.HTMLElement, head string, rows []string, tail string, p *pacer) {
	if p == nil {
		box.SetInnerHTML(head + strings.Join(rows, "") + tail)
		return
	}
	gen := a.render
	box.SetInnerHTML(head + tail)
	tbody := box.Underlying().Call("querySelector", "tbody")
	for i := 0; i < len(rows); {
		var b strings.Builder
		for ; i < len(rows) && (b.Len() == 0 || (b.Len() < 64<<10 && !p.spent())); i++ {
			b.WriteString(rows[i])
		}
		tbody.Call("insertAdjacentHTML", "beforeend", b.String())
		p.step()
		if gen != a.render {
			return
		}
	}
}

// showCounter shows a counter in the inspector: its snapshots, change and
// rate, with the line it was read from.
func (a *app) showCounter(i int) {
	if i >= len(a.report.Counters) {
		return
	}
	c := a.report.Counters[i]
	var b strings.Builder
	b.WriteString(`<dl class="counter-view"><dt>Counter</dt><dd><code>` + esc(c.Name) + `</code> on ` + esc(c.Host) + `</dd>`)
	b.WriteString(`<dt>Snapshots</dt><dd>` + strconv.Itoa(c.Snapshots) + `: first ` + strconv.FormatInt(c.First, 10) + `, last ` + strconv.FormatInt(c.Last, 10) + `</dd>`)
	b.WriteString(`<dt>Change</dt><dd><strong>` + fmt.Sprintf("%+d", c.Delta) + `</strong> between the first and the last snapshot</dd>`)
	for _, t := range a.report.Totals {
		if t.Host == c.Host && t.Name == c.Name {
			b.WriteString(`<dt>Total since boot</dt><dd>` + strconv.FormatInt(t.Value, 10))
			if t.PerSecond > 0 {
				b.WriteString(`, on average ` + strconv.FormatFloat(t.PerSecond, 'g', 3, 64) + ` per second since boot`)
			}
			b.WriteString(`</dd>`)
		}
	}
	if c.Meaning != "" {
		b.WriteString(`<dt>Meaning</dt><dd>` + esc(c.Meaning) + `</dd>`)
	}
	if len(c.Rules) > 0 {
		b.WriteString(`<dt>Read by</dt><dd>` + esc(strings.Join(c.Rules, ", ")) + `</dd>`)
	}
	b.WriteString(`</dl>`)
	if c.Artifact != "" {
		b.WriteString(`<p><button type="button" class="art-line"` + attr("data-name", c.Artifact) + attr("data-line", strconv.Itoa(c.Line)) + `>Open ` +
			esc(c.Artifact) + `:` + strconv.Itoa(c.Line) + `</button></p>`)
	}
	a.view = viewing{}
	a.el("viewer-title").SetTextContent(c.Name + " on " + c.Host)
	a.el("viewer-body").SetInnerHTML(b.String())
	a.openViewer("counter")
}

// ---- artifacts

// renderArtifacts renders the Artifacts tab, its rows in slices when p is
// set (see renderCounters).
func (a *app) renderArtifacts(p *pacer) {
	r := a.report
	var rows []string
	for i, art := range r.Artifacts {
		var b strings.Builder
		host := art.Host
		if art.Namespace != "" {
			host += " (netns " + art.Namespace + ")"
		}
		b.WriteString(`<tr><td><span class="badge kind kind-` + esc(art.Kind) + `">` + esc(art.Kind) + `</span></td><td>` + esc(host))
		if art.HostReason != "" {
			b.WriteString(`<br><small class="note">` + esc(art.HostReason) + `</small>`)
		}
		b.WriteString(`</td><td><button type="button" class="art"` + attr("data-a", strconv.Itoa(i)) + `>` + esc(art.Name) + `</button></td><td class="num">` +
			esc(size(art.Size)) + `</td><td>`)
		n := max(art.WarningsTotal, len(art.Warnings))
		if n > 0 {
			// Warnings are collapsed per file: a noisy file stays one row.
			b.WriteString(`<details class="warnings"><summary>` + plural(n, "warning") + `</summary><ul class="warnings">`)
			for _, w := range art.Warnings {
				b.WriteString(`<li>` + esc(w.String()) + `</li>`)
			}
			if n > len(art.Warnings) {
				b.WriteString(`<li>… ` + strconv.Itoa(n-len(art.Warnings)) + ` more</li>`)
			}
			b.WriteString(`</ul></details>`)
		}
		b.WriteString(`</td></tr>`)
		rows = append(rows, b.String())
	}
	var b strings.Builder
	b.WriteString(`</tbody></table>`)
	if len(r.NotAnalysed) > 0 {
		b.WriteString(`<h3>Not analysed</h3><ul class="not-analysed">`)
		for _, n := range r.NotAnalysed {
			b.WriteString(`<li><code>` + esc(n.Path) + `</code>: ` + plural(n.Count, "file") + `, ` + esc(n.Reason) + `</li>`)
		}
		b.WriteString(`</ul>`)
	}
	if len(r.Errors) > 0 {
		b.WriteString(`<h3>Input problems</h3><ul class="errors">`)
		for _, e := range r.Errors {
			b.WriteString(`<li><code>` + esc(e.Artifact) + `</code>: ` + esc(e.Message) + `</li>`)
		}
		b.WriteString(`</ul>`)
	}
	a.el("artifacts-count").SetTextContent(strconv.Itoa(len(r.Artifacts)))
	a.fillRows(a.el("artifacts"), `<table><thead><tr><th scope="col">Kind</th><th scope="col">Host</th><th scope="col">Artifact</th><th scope="col" class="num">Size</th><th scope="col">Warnings</th></tr></thead><tbody>`,
		rows, b.String(), p)
}

// ---- captures: the expert-info summary of each capture

func (a *app) renderCaptures() {
	r := a.report
	if len(r.Captures) == 0 {
		a.el("captures").SetInnerHTML(`<p class="empty">No capture in this case.</p>`)
		a.el("captures-count").SetTextContent("")
		return
	}
	var b strings.Builder
	for _, c := range r.Captures {
		s := c.Summary
		b.WriteString(`<section class="capture"><h3><code>` + esc(c.Artifact) + `</code></h3><p>` + plural(c.Packets, "packet") + `, ` +
			esc(size(c.Bytes)) + `, ` + plural(c.FlowCount, "TCP flow") + `, ` + plural(c.UDPFlows, "UDP flow") + `, ` + plural(c.DNSMessages, "DNS message"))
		if !c.Start.IsZero() {
			b.WriteString(`, ` + esc(c.Start.UTC().Format("2006-01-02 15:04:05Z")) + ` to ` + esc(c.End.UTC().Format("15:04:05Z")))
		}
		b.WriteString(`</p><table class="expert"><caption>Expert information</caption><tbody>`)
		for _, row := range []struct {
			label string
			n     int
		}{{"Retransmissions", s.Retransmissions}, {"Resets", s.Resets}, {"Zero windows", s.ZeroWindows}, {"Failed handshakes", s.FailedHandshakes},
			{"Copies (the same packet seen twice)", c.Copies}, {"Timestamps out of order", c.OutOfOrder}, {"Packets cut by the snap length", c.SnapTrimmed}} {
			cls := ""
			if row.n > 0 {
				cls = ` class="nonzero"`
			}
			b.WriteString(`<tr` + cls + `><th scope="row">` + esc(row.label) + `</th><td class="num">` + strconv.Itoa(row.n) + `</td></tr>`)
		}
		b.WriteString(`</tbody></table>`)
		if len(s.TopConversations) > 0 {
			b.WriteString(`<table><caption>Busiest conversations</caption><thead><tr><th scope="col">Client</th><th scope="col">Server</th><th scope="col" class="num">Packets</th><th scope="col" class="num">Bytes</th></tr></thead><tbody>`)
			for _, cv := range s.TopConversations {
				b.WriteString(`<tr><td>` + esc(cv.Client) + `</td><td>` + esc(cv.Server) + `</td><td class="num">` + strconv.Itoa(cv.Packets) +
					`</td><td class="num">` + esc(size(cv.Bytes)) + `</td></tr>`)
			}
			b.WriteString(`</tbody></table>`)
		}
		notes := append([]string(nil), c.Notes...)
		if c.Truncated {
			notes = append(notes, "the file ends inside a packet")
		}
		for _, n := range c.NAT {
			notes = append(notes, fmt.Sprintf("NAT seen in copies: %s ⇒ %s (%d packets)", n.Before, n.After, n.Packets))
		}
		if c.Error != "" {
			notes = append(notes, "reading stopped: "+c.Error)
		}
		if len(notes) > 0 {
			b.WriteString(`<ul class="notes">`)
			for _, n := range notes {
				b.WriteString(`<li>` + esc(n) + `</li>`)
			}
			b.WriteString(`</ul>`)
		}
		b.WriteString(`</section>`)
	}
	a.el("captures").SetInnerHTML(b.String())
	a.el("captures-count").SetTextContent(strconv.Itoa(len(r.Captures)))
}

// ---- rules: every rule with its status on this case

func (a *app) renderRules() {
	if len(a.rules) == 0 {
		return
	}
	type status struct{ matched, ruledOut, notRun []string }
	by := map[string]*status{}
	if a.report != nil {
		conf := map[string]string{}
		for _, f := range a.report.Findings {
			conf[f.Rule+"\x00"+f.Host] = f.Confidence
		}
		for _, c := range a.report.Checks {
			s := by[c.Rule]
			if s == nil {
				s = &status{}
				by[c.Rule] = s
			}
			host := c.Host
			switch c.Status {
			case "matched":
				if cf := conf[c.Rule+"\x00"+c.Host]; cf != "" {
					host += " (" + cf + ")"
				}
				s.matched = append(s.matched, host)
			case "ruled-out":
				txt := host
				if c.Reason != "" {
					txt += ": " + c.Reason
				}
				s.ruledOut = append(s.ruledOut, txt)
			default:
				txt := host
				if len(c.Missing) > 0 {
					txt += ": needs " + strings.Join(c.Missing, ", ")
				} else if c.Reason != "" {
					txt += ": " + c.Reason
				}
				s.notRun = append(s.notRun, txt)
			}
		}
	}
	rules := append([]RuleInfo(nil), a.rules...)
	order := func(r RuleInfo) int {
		s := by[r.ID]
		switch {
		case s == nil:
			return 3
		case len(s.matched) > 0:
			return 0
		case len(s.ruledOut) > 0:
			return 1
		}
		return 2
	}
	sort.SliceStable(rules, func(i, j int) bool { return order(rules[i]) < order(rules[j]) })
	var b strings.Builder
	counts := [4]int{}
	b.WriteString(`<table class="rules"><thead><tr><th scope="col">Rule</th><th scope="col">Status on this case</th><th scope="col"><span class="visually-hidden">Edit</span></th></tr></thead><tbody>`)
	for _, r := range rules {
		o := order(r)
		counts[o]++
		s := by[r.ID]
		st := `<span class="st st-none">not evaluated: no case loaded</span>`
		if a.report != nil {
			st = `<span class="st st-none">not considered for these inputs</span>`
		}
		if s != nil {
			var parts []string
			if len(s.matched) > 0 {
				parts = append(parts, `<span class="st st-matched">matched</span> on `+esc(strings.Join(s.matched, ", ")))
			}
			if len(s.ruledOut) > 0 {
				parts = append(parts, `<span class="st st-ruled-out">ruled out</span> on `+esc(strings.Join(s.ruledOut, "; ")))
			}
			if len(s.notRun) > 0 {
				parts = append(parts, `<span class="st st-missing">missing input</span> on `+esc(strings.Join(s.notRun, "; ")))
			}
			st = strings.Join(parts, "<br>")
		}
		edited := ""
		if r.Edited {
			edited = ` <span class="badge">edited</span>`
		}
		b.WriteString(`<tr` + attr("data-rule-status", r.ID) + `><td><code>` + esc(r.ID) + `</code>` + edited + `<br><small>` + esc(r.Title) + `</small></td><td>` + st +
			`</td><td><button type="button"` + attr("data-playground-rule", r.ID) + attr("aria-label", "Edit "+r.ID) + `>Edit</button></td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	a.el("rules").SetInnerHTML(b.String())
	if a.report != nil {
		a.el("rules-count").SetTextContent(fmt.Sprintf("%d matched", counts[0]))
	} else {
		a.el("rules-count").SetTextContent(strconv.Itoa(len(a.rules)))
	}
}

// ---- timeline: the report's timeline[], hosts as lanes

// timelineView is the timeline's zoom: a window of time, and the finding
// it was zoomed to (-1 for none).
type timelineView struct {
	from, to time.Time
	finding  int
}

// tlMaxRows bounds the event list rendered at once.
const tlMaxRows = 1500

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// findingIndex finds the finding of a rule on a host (or any host).
func (a *app) findingIndex(rule, host string) int {
	any := -1
	for i, f := range a.findings {
		if f.Rule == rule {
			if f.Host == host {
				return i
			}
			if any < 0 {
				any = i
			}
		}
	}
	return any
}

func (a *app) renderTimeline() {
	r := a.report
	box := a.el("timeline")
	a.el("timeline-count").SetTextContent(strconv.Itoa(len(r.Timeline)))
	if len(r.Timeline) == 0 {
		box.SetInnerHTML(`<p class="empty">No dated event in these inputs (logs, dmesg with a boot time, captures give them).</p>`)
		return
	}
	// The full extent, and the window shown.
	var lo, hi time.Time
	for _, e := range r.Timeline {
		for _, s := range []string{e.Time, e.Until} {
			if t, ok := parseTime(s); ok {
				if lo.IsZero() || t.Before(lo) {
					lo = t
				}
				if t.After(hi) {
					hi = t
				}
			}
		}
	}
	from, to := lo, hi
	if !a.tl.from.IsZero() {
		from, to = a.tl.from, a.tl.to
	}
	if !to.After(from) {
		from, to = from.Add(-time.Second), to.Add(time.Second)
	}
	var b strings.Builder
	info := r.TimelineInfo
	b.WriteString(`<div class="tl-head"><p>` + plural(info.Listed, "event") + ` listed of ` + strconv.Itoa(info.Events) + ` dated`)
	if info.Collapsed > 0 {
		b.WriteString(`, ` + strconv.Itoa(info.Collapsed) + ` repeats folded`)
	}
	if info.Sampled > 0 {
		b.WriteString(`, ` + strconv.Itoa(info.Sampled) + ` far from every finding left out`)
	}
	if info.Unplaced > 0 {
		b.WriteString(`, ` + strconv.Itoa(info.Unplaced) + ` could not be placed in time`)
	}
	b.WriteString(`.</p><label for="tl-zoom">Zoom to</label> <select id="tl-zoom"><option value="">all events</option>`)
	for i, f := range a.findings {
		if f.Span == nil {
			continue
		}
		sel := ""
		if a.tl.finding == i {
			sel = " selected"
		}
		b.WriteString(`<option` + attr("value", strconv.Itoa(i)) + sel + `>` + esc(f.Rule+" on "+f.Host) + `</option>`)
	}
	b.WriteString(`</select>`)
	if !a.tl.from.IsZero() {
		b.WriteString(` <button type="button" id="tl-all">Show all</button>`)
	}
	b.WriteString(`</div>`)
	for _, n := range info.Notes {
		b.WriteString(`<p class="note">` + esc(n) + `</p>`)
	}
	for _, o := range r.ClockOffsets {
		b.WriteString(`<p class="note">Clock: ` + esc(o.Host) + ` is ` + strconv.FormatFloat(o.Seconds, 'f', 3, 64) + ` s from ` + esc(o.Reference) + ` (` + esc(o.Method) + `)</p>`)
	}

	// The chart: one lane per host, finding spans as bands, events as marks.
	// Lanes for the hosts that have events, in the report's host order.
	seen := map[string]bool{}
	for _, e := range r.Timeline {
		seen[e.Host] = true
	}
	var hosts []string
	for _, h := range r.Hosts {
		if seen[h] {
			hosts = append(hosts, h)
			delete(seen, h)
		}
	}
	for _, e := range r.Timeline {
		if seen[e.Host] {
			hosts = append(hosts, e.Host)
			delete(seen, e.Host)
		}
	}
	const w, lane, left = 1000.0, 26.0, 130.0
	x := func(t time.Time) float64 {
		return left + (w-left-10)*float64(t.Sub(from))/float64(to.Sub(from))
	}
	h := lane*float64(len(hosts)) + 24
	b.WriteString(fmt.Sprintf(`<svg class="tl-chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="Events per host over time, from %s to %s">`, w, h, esc(shortTime(from.Format(time.RFC3339Nano))), esc(shortTime(to.Format(time.RFC3339Nano)))))
	laneOf := map[string]int{}
	for i, host := range hosts {
		laneOf[host] = i
		y := float64(i) * lane
		b.WriteString(fmt.Sprintf(`<text class="tl-host" x="4" y="%.1f">%s</text><line class="tl-lane" x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f"/>`,
			y+lane/2+4, esc(trunc(host, 18)), left, w-10, y+lane/2, y+lane/2))
	}
	for i, f := range a.findings {
		if f.Span == nil {
			continue
		}
		t1, ok1 := parseTime(f.Span.First)
		t2, ok2 := parseTime(f.Span.Last)
		l, ok := laneOf[f.Host]
		if !ok1 || !ok2 || !ok || t2.Before(from) || t1.After(to) {
			continue
		}
		x1, x2 := max(left, x(t1)), min(w-10, x(t2))
		cls := "tl-band"
		if a.tl.finding == i {
			cls += " on"
		}
		b.WriteString(fmt.Sprintf(`<rect class="%s" data-band="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
			cls, i, x1-2, float64(l)*lane+3, max(4, x2-x1+4), lane-6, esc(f.Rule+" on "+f.Host)))
	}
	for i, e := range r.Timeline {
		t, ok := parseTime(e.Time)
		if !ok || t.Before(from) || t.After(to) {
			continue
		}
		cls := "tl-mark"
		if len(e.Findings) > 0 {
			cls += " linked"
		}
		b.WriteString(fmt.Sprintf(`<circle class="%s" data-ev="%d" cx="%.1f" cy="%.1f" r="4"><title>%s</title></circle>`,
			cls, i, x(t), float64(laneOf[e.Host])*lane+lane/2, esc(shortTime(e.Time)+" "+e.Kind+": "+trunc(e.Text, 120))))
	}
	b.WriteString(fmt.Sprintf(`<text class="tl-axis" x="%.0f" y="%.0f">%s</text><text class="tl-axis end" x="%.0f" y="%.0f" text-anchor="end">%s</text></svg>`,
		left, h-6, esc(shortTime(from.Format(time.RFC3339Nano))), w-10, h-6, esc(shortTime(to.Format(time.RFC3339Nano)))))

	// The list: every event in the window, linked to its source and findings.
	b.WriteString(`<ol class="tl-list">`)
	rows := 0
	for i, e := range r.Timeline {
		t, ok := parseTime(e.Time)
		if !ok || t.Before(from) || t.After(to) {
			continue
		}
		if rows++; rows > tlMaxRows {
			continue
		}
		cls := "tl-row"
		if len(e.Findings) > 0 {
			cls += " linked"
		}
		b.WriteString(`<li` + attr("class", cls) + attr("id", "ev-"+strconv.Itoa(i)) + attr("data-ev", strconv.Itoa(i)) + attr("data-host", e.Host) + attr("data-kind", e.Kind) + `>`)
		b.WriteString(`<time` + attr("datetime", e.Time) + `>` + esc(shortTime(e.Time)) + `</time> <span class="host">` + esc(e.Host) + `</span> <span class="badge kind">` + esc(e.Kind) + `</span> `)
		if e.Count > 1 {
			b.WriteString(`<span class="count">×` + strconv.Itoa(e.Count) + ` until ` + esc(shortTime(e.Until)) + `</span> `)
		}
		b.WriteString(`<span class="tl-text">` + esc(trunc(e.Text, 300)) + `</span> `)
		src := e.Source.Artifact
		if e.Source.Frame > 0 {
			src += " frame " + strconv.Itoa(e.Source.Frame)
		} else if e.Source.Line > 0 {
			src += ":" + strconv.Itoa(e.Source.Line)
		}
		if e.Source.Artifact != "" {
			b.WriteString(`<button type="button" class="tl-src"` + attr("data-ev", strconv.Itoa(i)) + `>` + esc(src) + `</button>`)
		}
		for _, rule := range e.Findings {
			if fi := a.findingIndex(rule, e.Host); fi >= 0 {
				b.WriteString(` <button type="button" class="tl-f"` + attr("data-finding", strconv.Itoa(fi)) + `>` + esc(rule) + `</button>`)
			} else {
				b.WriteString(` <span class="badge">` + esc(rule) + `</span>`)
			}
		}
		if e.Note != "" {
			b.WriteString(` <span class="note">` + esc(e.Note) + `</span>`)
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ol>`)
	if rows > tlMaxRows {
		b.WriteString(`<p class="more">` + strconv.Itoa(rows-tlMaxRows) + ` more events in this window: zoom in to list them.</p>`)
	}
	box.SetInnerHTML(b.String())
}

func trunc(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// zoomToFinding shows the timeline around a finding's span.
func (a *app) zoomToFinding(i int) {
	if i < 0 || i >= len(a.findings) || a.findings[i].Span == nil {
		return
	}
	t1, ok1 := parseTime(a.findings[i].Span.First)
	t2, ok2 := parseTime(a.findings[i].Span.Last)
	if !ok1 || !ok2 {
		return
	}
	pad := max(t2.Sub(t1)/10, time.Second)
	a.tl = timelineView{from: t1.Add(-pad), to: t2.Add(pad), finding: i}
	a.renderTimeline()
	a.selectTab("timeline", false)
	if e := a.el("timeline").Underlying().Call("querySelector", ".tl-row.linked"); e.Truthy() {
		e.Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
	if z := a.byID("tl-zoom"); z.Truthy() {
		z.Call("focus")
	}
}

func (a *app) onTimelineClick(ev dom.Event) {
	t := ev.Target()
	if b := t.Closest("#tl-all"); b != nil {
		a.tl = timelineView{finding: -1}
		a.renderTimeline()
		return
	}
	if b := t.Closest("button.tl-f"); b != nil {
		i, _ := strconv.Atoi(b.GetAttribute("data-finding"))
		a.expand(i, true)
		a.selectFinding(i, true)
		return
	}
	evIdx := -1
	if b := t.Closest("[data-ev]"); b != nil {
		evIdx, _ = strconv.Atoi(b.GetAttribute("data-ev"))
	}
	if b := t.Closest("[data-band]"); b != nil && evIdx < 0 {
		i, _ := strconv.Atoi(b.GetAttribute("data-band"))
		a.zoomToFinding(i)
		return
	}
	if evIdx < 0 || evIdx >= len(a.report.Timeline) {
		return
	}
	if old := a.el("timeline").Underlying().Call("querySelector", ".tl-row.on"); old.Truthy() {
		old.Get("classList").Call("remove", "on")
	}
	if row := a.byID("ev-" + strconv.Itoa(evIdx)); row.Truthy() {
		row.Get("classList").Call("add", "on")
		if t.Closest("circle") != nil {
			row.Call("scrollIntoView", map[string]any{"block": "nearest"})
		}
	}
	e := a.report.Timeline[evIdx]
	if e.Source.Artifact == "" {
		return
	}
	if e.Source.Frame > 0 {
		// A packet: the ladder of a finding that cites it, if any.
		for fi, f := range a.findings {
			for ei, x := range f.Evidence {
				if x.Artifact == e.Source.Artifact && x.Frame == e.Source.Frame {
					a.openEvidence(fi, ei)
					return
				}
			}
		}
	}
	a.openArtifact(e.Source.Artifact, e.Source.Line, e.Source.Line)
}
