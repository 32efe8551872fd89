//go:build js && wasm

// Command browser is the web playground's user interface, built with
// honnef.co/go/js/dom/v2. It holds no analyzer: it hands the user's File
// objects and pasted text to the engine (wasm/engine, in a Web Worker) by
// postMessage and renders the report it gets back. site/main.js starts the
// worker first, so both modules load in parallel.
//
// Rendering builds HTML strings in which every value is escaped (see esc
// and attr) and sets them with one innerHTML per section: one call into
// JavaScript per section instead of one per node keeps big reports fast.
package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"
)

type app struct {
	doc    dom.Document
	engine js.Value

	ready  bool
	queue  []map[string]any // requests waiting for the engine to start
	nextID int
	// accept is the id of the latest analyze request: reports of older
	// requests are stale and dropped.
	accept int

	report   *Report
	findings []Finding // sorted
	copies   []string  // texts of the copy buttons, by index
	samples  []Sample
	sample   string  // id of the loaded sample, for the shared link
	view     viewing // what the evidence viewer shows

	rules     []RuleInfo
	ruleFile  string // file open in the playground
	ruleWant  string // rule id a shared link asks for, until the rule list arrives
	ruleTimer *time.Timer
	newRules  int
}

func main() {
	a := &app{doc: dom.GetWindow().Document(), engine: js.Global().Get("nettriageEngine")}
	if !a.engine.Truthy() {
		a.status("The engine worker did not start (main.js did not run).", "error")
		return
	}
	a.engine.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.onEngine(args[0].Get("data"))
		return nil
	}))
	// Messages that arrived while this module was loading.
	early := js.Global().Get("nettriageEarly")
	for i := 0; i < early.Length(); i++ {
		a.onEngine(early.Index(i))
	}
	early.Set("length", 0)

	a.wireInputs()
	a.wireResults()
	a.wirePlayground()
	a.doc.DocumentElement().SetAttribute("data-ui", "ready")
	go a.loadSamples()

	// Files chosen before this module ran would otherwise be missed.
	if files := a.el("files").Underlying().Get("files"); files.Length() > 0 {
		a.analyzeFiles(files, "files")
	}
	select {}
}

// el returns the element with the id; the page shell (index.html) has them
// all, so a missing one is a bug worth failing loudly on.
func (a *app) el(id string) dom.HTMLElement {
	e := a.doc.GetElementByID(id)
	if e == nil {
		panic("index.html has no #" + id)
	}
	return e.(dom.HTMLElement)
}

// send posts a request to the engine, or queues it until the engine is
// ready (a worker drops messages that arrive before it listens).
func (a *app) send(typ string, fields map[string]any) int {
	a.nextID++
	fields["type"], fields["id"] = typ, a.nextID
	if !a.ready {
		a.queue = append(a.queue, fields)
		return a.nextID
	}
	a.engine.Call("postMessage", fields)
	return a.nextID
}

func (a *app) onEngine(m js.Value) {
	id := 0
	if v := m.Get("id"); v.Type() == js.TypeNumber {
		id = v.Int()
	}
	switch m.Get("type").String() {
	case "ready":
		a.ready = true
		a.doc.DocumentElement().SetAttribute("data-engine", "ready")
		a.status("Ready. Drop files, paste a session or open a sample.", "")
		a.el("engine-version").SetTextContent(m.Get("rules").String())
		for _, q := range a.queue {
			a.engine.Call("postMessage", q)
		}
		a.queue = nil
		a.send("rules", map[string]any{})
	case "fatal":
		a.ready = false
		a.status("The engine failed: "+m.Get("message").String(), "error")
		a.el("progress").SetAttribute("hidden", "")
		a.doc.DocumentElement().SetAttribute("data-state", "error")
	case "progress":
		if id >= a.accept {
			a.progress(m.Get("artifact").String(), m.Get("done").Float(), m.Get("total").Float())
		}
	case "report":
		if id < a.accept {
			return
		}
		var r Report
		if err := json.Unmarshal([]byte(m.Get("json").String()), &r); err != nil {
			a.status("Unreadable report: "+err.Error(), "error")
			return
		}
		a.showReport(&r, m.Get("ms"), m.Get("sys"))
	case "cancelled":
		// A newer analysis replaced it; its own answer follows.
	case "rules", "rule-ok":
		var rules []RuleInfo
		if err := json.Unmarshal([]byte(m.Get("json").String()), &rules); err == nil {
			a.rules = rules
			a.renderRuleList()
		}
		if m.Get("type").String() == "rule-ok" {
			a.ruleStatus(0, "", m.Get("file").String())
		}
	case "rule-error":
		a.ruleStatus(m.Get("line").Int(), m.Get("message").String(), m.Get("file").String())
	case "export":
		a.download(m.Get("name").String(), m.Get("text").String(), m.Get("format").String())
	case "artifact":
		var v ArtifactView
		if err := json.Unmarshal([]byte(m.Get("json").String()), &v); err == nil {
			a.showArtifact(&v)
		}
	case "error":
		a.status(m.Get("message").String(), "error")
		a.el("progress").SetAttribute("hidden", "")
		if id == a.accept {
			a.doc.DocumentElement().SetAttribute("data-state", "error")
		}
	}
}

// status shows a one-line state; kind "error" makes it an alert.
func (a *app) status(text, kind string) {
	s := a.el("status")
	s.SetTextContent(text)
	s.SetAttribute("data-kind", kind)
	if kind == "error" {
		s.SetAttribute("role", "alert")
	} else {
		s.SetAttribute("role", "status")
	}
}

func (a *app) progress(name string, done, total float64) {
	p := a.el("progress")
	p.RemoveAttribute("hidden")
	bar := a.el("progress-bar")
	text := fmt.Sprintf("Reading %s: %.0f MB", name, done/1e6)
	if total > 0 {
		pct := min(100, done*100/total)
		bar.Underlying().Set("value", pct)
		text = fmt.Sprintf("Reading %s: %.0f of %.0f MB (%.0f%%)", name, done/1e6, total/1e6, pct)
	} else {
		bar.RemoveAttribute("value")
	}
	a.el("progress-text").SetTextContent(text)
}

// ---- inputs

func (a *app) wireInputs() {
	files := a.el("files")
	files.AddEventListener("change", false, func(dom.Event) {
		a.analyzeFiles(files.Underlying().Get("files"), "files")
		// Choosing the same file again must start a new analysis too; the
		// File objects already sent stay readable.
		files.Underlying().Set("value", "")
	})
	drop := a.el("drop")
	for _, typ := range []string{"dragenter", "dragover"} {
		drop.AddEventListener(typ, false, func(ev dom.Event) {
			ev.PreventDefault()
			drop.Class().Add("over")
		})
	}
	drop.AddEventListener("dragleave", false, func(dom.Event) { drop.Class().Remove("over") })
	drop.AddEventListener("drop", false, func(ev dom.Event) {
		ev.PreventDefault()
		drop.Class().Remove("over")
		a.analyzeFiles(ev.Underlying().Get("dataTransfer").Get("files"), "dropped files")
	})
	a.el("paste-go").AddEventListener("click", false, func(dom.Event) { a.analyzePaste() })
	a.el("paste").AddEventListener("keydown", false, func(ev dom.Event) {
		k := ev.(*dom.KeyboardEvent)
		if k.Key() == "Enter" && (k.CtrlKey() || k.MetaKey()) {
			ev.PreventDefault()
			a.analyzePaste()
		}
	})
	a.el("samples").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("[data-sample]"); b != nil {
			go a.loadSample(b.GetAttribute("data-sample"))
		}
	})
}

func (a *app) analyzeFiles(list js.Value, what string) {
	var inputs []any
	for i := 0; i < list.Length(); i++ {
		f := list.Index(i)
		inputs = append(inputs, map[string]any{"name": f.Get("name").String(), "blob": f})
	}
	if len(inputs) == 0 {
		return
	}
	a.sample = ""
	a.analyze(inputs, fmt.Sprintf("%d %s", len(inputs), what))
}

func (a *app) analyzePaste() {
	text := a.el("paste").Underlying().Get("value").String()
	if strings.TrimSpace(text) == "" {
		a.status("The paste box is empty.", "error")
		return
	}
	a.sample = ""
	a.analyze([]any{map[string]any{"name": "paste.txt", "text": text}}, "the pasted session")
}

// analyze starts a new analysis; what is shown until the report arrives.
func (a *app) analyze(inputs []any, what string) {
	req := map[string]any{"inputs": inputs}
	if tz := strings.TrimSpace(a.el("opt-tz").Underlying().Get("value").String()); tz != "" {
		req["tz"] = tz
	}
	if y, err := strconv.Atoi(strings.TrimSpace(a.el("opt-year").Underlying().Get("value").String())); err == nil && y > 0 {
		req["year"] = y
	}
	a.accept = a.send("analyze", req)
	a.updateHash()
	a.report, a.findings = nil, nil
	a.el("findings").SetInnerHTML(`<p class="empty">Analysing ` + esc(what) + `…</p>`)
	a.el("findings-count").SetTextContent("")
	a.clearViewer()
	a.status("Analysing "+what+"…", "busy")
	a.doc.DocumentElement().SetAttribute("data-state", "busy")
}

// loadSamples fetches the gallery's index, written by `make site`.
func (a *app) loadSamples() {
	resp, err := await(js.Global().Call("fetch", "samples/index.json"))
	if err == nil && resp.Get("ok").Bool() {
		var text js.Value
		if text, err = await(resp.Call("text")); err == nil {
			err = json.Unmarshal([]byte(text.String()), &a.samples)
		}
	} else if err == nil {
		err = fmt.Errorf("HTTP %d", resp.Get("status").Int())
	}
	if err != nil {
		a.el("samples").SetInnerHTML(`<p class="empty">No samples (` + esc(err.Error()) + `); run <code>make site</code>.</p>`)
		return
	}
	a.renderSamples()
	hash := parseHash()
	if id := hash["sample"]; id != "" {
		a.loadSample(id)
	}
	if id := hash["rule"]; id != "" {
		a.openRuleByID(id)
	}
}

// loadSample fetches a sample's files from the site (same origin) and
// analyses them like dropped files. It blocks, so it runs in a goroutine.
func (a *app) loadSample(id string) {
	var s *Sample
	for i := range a.samples {
		if a.samples[i].ID == id {
			s = &a.samples[i]
		}
	}
	if s == nil {
		a.status("No sample "+id+".", "error")
		return
	}
	a.status("Loading sample "+id+"…", "busy")
	var inputs []any
	for _, f := range s.Files {
		url := "samples/" + pathEscape(s.ID) + "/" + pathEscape(f)
		resp, err := await(js.Global().Call("fetch", url))
		if err != nil || !resp.Get("ok").Bool() {
			a.status("Could not load "+url, "error")
			return
		}
		blob, err := await(resp.Call("blob"))
		if err != nil {
			a.status("Could not load "+url+": "+err.Error(), "error")
			return
		}
		inputs = append(inputs, map[string]any{"name": f, "blob": blob})
	}
	a.sample = id
	a.analyze(inputs, "sample "+id)
}

// pathEscape escapes each segment of a relative URL path.
func pathEscape(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = js.Global().Call("encodeURIComponent", s).String()
	}
	return strings.Join(segs, "/")
}

// await blocks until a promise settles; never call it from an event
// callback (run it in a goroutine).
func await(p js.Value) (js.Value, error) {
	type res struct {
		v   js.Value
		err error
	}
	ch := make(chan res, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- res{v: args[0]}; return nil })
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- res{err: fmt.Errorf("%s", args[0].Call("toString").String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	r := <-ch
	return r.v, r.err
}

// ---- shared links: which sample and which rule are open, never user data

func parseHash() map[string]string {
	out := map[string]string{}
	h := strings.TrimPrefix(js.Global().Get("location").Get("hash").String(), "#")
	for _, kv := range strings.Split(h, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = js.Global().Call("decodeURIComponent", v).String()
		}
	}
	return out
}

func (a *app) updateHash() {
	var parts []string
	if a.sample != "" {
		parts = append(parts, "sample="+a.sample)
	}
	if r := a.ruleByFile(a.ruleFile); r != nil && !r.Edited {
		// An edited or new rule is the user's text: it stays out of the URL.
		parts = append(parts, "rule="+r.ID)
	}
	h := ""
	if len(parts) > 0 {
		h = "#" + strings.Join(parts, "&")
	}
	loc := js.Global().Get("location")
	js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+loc.Get("search").String()+h)
}

// download saves text as a file through an object URL (no request leaves
// the page: a blob: URL is read from memory).
func (a *app) download(name, text, format string) {
	mime := map[string]string{"markdown": "text/markdown", "json": "application/json", "html": "text/html"}[format]
	blob := js.Global().Get("Blob").New([]any{text}, map[string]any{"type": mime + ";charset=utf-8"})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	link := a.doc.CreateElement("a").(dom.HTMLElement)
	link.SetAttribute("href", url.String())
	link.SetAttribute("download", name)
	a.doc.(dom.HTMLDocument).Body().AppendChild(link)
	link.Click()
	link.Remove()
	// Revoke later: the download may not have started yet.
	time.AfterFunc(time.Minute, func() { js.Global().Get("URL").Call("revokeObjectURL", url) })
	a.status("Saved "+name+".", "")
}
