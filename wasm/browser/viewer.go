//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/nettriage/nettriage/analyzer/report/ladder"
)

// The inspector (#viewer) shows an artifact's text, with line numbers and
// the evidence lines highlighted; or the ladder diagrams of a capture
// finding's flows with the evidence packets highlighted; or a counter (see
// showCounter). It sits beside the findings on wide screens and is a
// bottom drawer on narrow ones; Esc closes it.

// viewing is the evidence the viewer was opened for, so the artifact
// answer (which comes back from the engine) knows what to highlight.
type viewing struct {
	name       string
	line, end  int
	otherLines [][2]int // the finding's other evidence ranges in the same artifact
}

func (a *app) openEvidence(fi, ei int) {
	if fi >= len(a.findings) || ei >= len(a.findings[fi].Evidence) {
		return
	}
	f := a.findings[fi]
	e := f.Evidence[ei]
	if e.Frame > 0 {
		a.showLadder(f, e)
		return
	}
	v := viewing{name: e.Artifact, line: e.Line, end: max(e.EndLine, e.Line)}
	for j, o := range f.Evidence {
		if j != ei && o.Artifact == e.Artifact && o.Line > 0 {
			v.otherLines = append(v.otherLines, [2]int{o.Line, max(o.EndLine, o.Line)})
		}
	}
	a.view = v
	a.send("artifact", map[string]any{"name": e.Artifact, "line": e.Line, "end": v.end})
}

func (a *app) openArtifact(name string, line, end int) {
	a.view = viewing{name: name, line: line, end: end}
	a.send("artifact", map[string]any{"name": name, "line": line, "end": end})
}

func (a *app) showArtifact(v *ArtifactView) {
	if v.Name != a.view.name {
		return // an answer to an earlier click
	}
	title := v.Name + " (" + v.Kind + ", host " + v.Host + ")"
	if a.view.line > 0 {
		title += ", line " + strconv.Itoa(a.view.line)
		if a.view.end > a.view.line {
			title += "-" + strconv.Itoa(a.view.end)
		}
	}
	a.el("viewer-title").SetTextContent(title)
	var b strings.Builder
	if a.selected >= 0 && a.selected < len(a.findings) && a.view.line > 0 {
		b.WriteString(`<p class="back"><button type="button" class="back-to"` + attr("data-back", strconv.Itoa(a.selected)) + `>Back to ` +
			esc(a.findings[a.selected].Rule) + `</button></p>`)
	}
	if v.Note != "" {
		b.WriteString(`<p class="empty">` + esc(v.Note) + `</p>`)
	}
	if v.First > 1 {
		b.WriteString(`<p class="more">` + strconv.Itoa(v.First-1) + ` earlier line(s) not shown</p>`)
	}
	b.WriteString(`<div class="lines" role="list">`)
	for i, text := range v.Lines {
		n := v.First + i
		cls := "line"
		switch {
		case n >= a.view.line && n <= a.view.end:
			cls += " hl"
		case inRanges(n, a.view.otherLines):
			cls += " hl2"
		}
		b.WriteString(`<div role="listitem"` + attr("class", cls) + attr("data-line", strconv.Itoa(n)) + `><span class="no" aria-hidden="true">` +
			strconv.Itoa(n) + `</span><span class="tx">` + esc(text) + "</span></div>")
	}
	b.WriteString(`</div>`)
	if last := v.First + len(v.Lines) - 1; last < v.Total {
		b.WriteString(`<p class="more">` + strconv.Itoa(v.Total-last) + ` later line(s) not shown</p>`)
	}
	body := a.el("viewer-body")
	body.SetInnerHTML(b.String())
	a.openViewer("artifact")
	if hl := body.Underlying().Call("querySelector", ".line.hl"); hl.Truthy() {
		scrollWithin(body.Underlying(), hl)
	}
}

func inRanges(n int, rs [][2]int) bool {
	for _, r := range rs {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

// showLadder draws the flows of a capture finding from the evidence's
// capture, highlighting every packet the finding cites.
func (a *app) showLadder(f Finding, e Evidence) {
	a.view = viewing{}
	var frames []int
	for _, o := range f.Evidence {
		if o.Artifact == e.Artifact && o.Frame > 0 {
			frames = append(frames, o.Frame)
		}
	}
	var b strings.Builder
	n := 0
	focus := 0 // the drawn packet that stands for the clicked frame
	for _, fe := range f.Flows {
		if fe.Artifact != e.Artifact || fe.Flow == nil {
			continue
		}
		fl := ladder.FromSchema(fe)
		n++
		hl := ladder.Highlight(fl, frames)
		if d, ok := fl.Drawn(e.Frame); ok && focus == 0 {
			focus = d
		}
		b.WriteString(`<figure class="flow"><figcaption>` + esc(fl.Client+" → "+fl.Server))
		if fl.Protocol != "" {
			b.WriteString(" (" + esc(fl.Protocol) + ")")
		}
		b.WriteString(`, handshake ` + esc(fl.Handshake) + `</figcaption>` + ladder.SVG(fl, hl) + `</figure>`)
	}
	if n == 0 {
		b.WriteString(`<p class="empty">The report carries no packet list for this capture's flows.</p>`)
	}
	if fi := a.selected; fi >= 0 && fi < len(a.findings) {
		b.WriteString(`<p class="back"><button type="button" class="back-to"` + attr("data-back", strconv.Itoa(fi)) + `>Back to ` + esc(f.Rule) + `</button></p>`)
	}
	title := e.Artifact + ", frame " + strconv.Itoa(e.Frame) + ": " + e.Note
	if focus != 0 && focus != e.Frame {
		title += " (drawn as frame " + strconv.Itoa(focus) + ": the diagram shows each packet once, not its copies or omitted packets)"
	}
	a.el("viewer-title").SetTextContent(title)
	body := a.el("viewer-body")
	body.SetInnerHTML(b.String())
	a.openViewer("ladder")
	if g := body.Underlying().Call("querySelector", `g[data-frame="`+strconv.Itoa(focus)+`"]`); g.Truthy() {
		g.Get("classList").Call("add", "focus")
		scrollWithin(body.Underlying(), g)
	}
}

var modeNames = map[string]string{"artifact": "file", "ladder": "packet ladder", "counter": "counter"}

func (a *app) openViewer(mode string) {
	v := a.el("viewer")
	v.RemoveAttribute("hidden")
	a.el("workspace").Class().Add("inspecting")
	a.doc.(dom.HTMLDocument).Body().Class().Add("inspecting")
	v.SetAttribute("data-mode", mode)
	a.el("viewer-mode").SetTextContent(modeNames[mode])
	a.el("viewer-body").Underlying().Call("focus", map[string]any{"preventScroll": true})
	// The inspector is sticky beside the findings (or a drawer): the page
	// does not jump; only when it is out of view is it brought in.
	r := v.Underlying().Call("getBoundingClientRect")
	if r.Get("top").Float() > js.Global().Get("innerHeight").Float() || r.Get("bottom").Float() < 0 {
		v.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
}

func (a *app) clearViewer() {
	a.view = viewing{}
	a.el("viewer").SetAttribute("hidden", "")
	a.el("viewer-body").SetInnerHTML("")
	a.el("workspace").Class().Remove("inspecting")
	a.jsdoc.Get("body").Get("classList").Call("remove", "inspecting")
}

// closeViewer closes the inspector and gives the focus back to the
// selected finding.
func (a *app) closeViewer() {
	open := !a.el("viewer").HasAttribute("hidden")
	a.clearViewer()
	if open && a.selected >= 0 {
		a.selectFinding(a.selected, true)
	}
}

// wireViewer handles the inspector's own buttons.
func (a *app) wireViewer() {
	a.el("viewer-body").AddEventListener("click", false, func(ev dom.Event) {
		t := ev.Target()
		if b := t.Closest("button.back-to"); b != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-back"))
			a.expand(i, true)
			a.selectFinding(i, true)
			return
		}
		if b := t.Closest("button.art-line"); b != nil {
			line, _ := strconv.Atoi(b.GetAttribute("data-line"))
			a.openArtifact(b.GetAttribute("data-name"), line, line)
		}
	})
}

// scrollWithin centres el in the scroll box, moving only the box: the page
// itself stays where the user is.
func scrollWithin(box, el js.Value) {
	b, e := box.Call("getBoundingClientRect"), el.Call("getBoundingClientRect")
	top := box.Get("scrollTop").Float() + e.Get("top").Float() - b.Get("top").Float() - (b.Get("height").Float()-e.Get("height").Float())/2
	box.Set("scrollTop", max(0, top))
}
