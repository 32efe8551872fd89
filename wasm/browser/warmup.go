//go:build js && wasm

package main

import (
	_ "embed"
	"fmt"
	"strings"

	"honnef.co/go/js/dom/v2"

	"github.com/nettriage/nettriage/wasm/browser/stepjson"
)

// warmupReport is a real report (the engine's, on a capture, two hosts'
// logs and a counters sample; trimmed), rendered once off the page while
// the page is idle.
//
// Why: V8 compiles a WebAssembly function the first time it is called, and
// Go's functions are big, so the first report decoded and rendered paid for
// compiling the JSON decoder, the Markdown renderer and every HTML writer,
// hundreds of milliseconds in tasks of their own (measured on this
// project's machine: long tasks of 110-240 ms on the first case, none on
// the second). Rendering a report nobody sees, in slices, moves that cost
// to idle time after start.
//
//go:embed warmup.json
var warmupReport []byte

// warmUp renders warmupReport into elements that are not in the document,
// through the same code as a real report, yielding between slices. It
// marks the page data-warm="done" (or the failure) for the browser test.
func (a *app) warmUp() {
	root := a.doc.DocumentElement()
	defer func() {
		if p := recover(); p != nil {
			// A bug here must not break the page; it only stays cold.
			root.SetAttribute("data-warm", fmt.Sprint("failed: ", p))
		}
	}()
	p := newPacer()
	var r Report
	if err := stepjson.Decode(warmupReport, &r, p.step); err != nil {
		root.SetAttribute("data-warm", "failed: "+err.Error())
		return
	}
	w := &app{doc: a.doc, jsdoc: a.jsdoc, els: map[string]dom.HTMLElement{}, shadow: true, report: &r, findings: r.Findings,
		expanded: map[int]bool{}, selected: -1}
	w.el("counters-read").SetAttribute("type", "checkbox")
	// Adding files: the case's chips.
	for _, art := range r.Artifacts {
		w.inputs = append(w.inputs, caseInput{name: art.Name, size: art.Size})
	}
	w.renderChips()
	var b strings.Builder
	for i := range w.findings {
		p.step()
		w.findingHTML(&b, i)
		p.step()
		w.cardHTML(&b, i)
	}
	// The HTML parser and the DOM calls, on a detached element.
	p.step()
	w.doc.CreateElement("div").Underlying().Call("insertAdjacentHTML", "beforeend", b.String())
	for _, step := range []func(){func() { w.renderCounters(p) }, func() { w.renderArtifacts(p) }, w.renderCaptures, w.renderTimeline} {
		p.yield()
		step()
	}
	root.SetAttribute("data-warm", "done")
}
