//go:build js && wasm

// Command browser is the web playground's user interface, built with
// honnef.co/go/js/dom/v2. It holds no analyzer: it hands the user's File
// objects and pasted text to the engine (wasm/engine, in a Web Worker) by
// postMessage and renders the report it gets back. site/main.js starts the
// worker first, so both modules load in parallel.
//
// The page is a triage workspace: a sticky case bar (the case's inputs as
// chips, a summary, filters), tabs (findings, timeline, counters,
// artifacts, captures, rules) and a persistent inspector that shows the
// evidence (a file with its lines, a packet ladder, a counter).
//
// Rendering builds HTML strings in which every value is escaped (see esc
// and attr) and sets them with one innerHTML per section; big sections are
// rendered in slices, each in its own task, so the page never stalls.
package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/nettriage/nettriage/wasm/browser/stepjson"
)

type app struct {
	doc    dom.Document
	jsdoc  js.Value
	engine js.Value
	els    map[string]dom.HTMLElement // the shell's elements, by id

	ready  bool
	queue  []map[string]any // requests waiting for the engine to start
	nextID int
	// shadow marks the warm-up's copy (warmup.go): its elements are
	// detached ones, never the page's.
	shadow bool
	// rulesGen counts rule lists received: a list decoded after a newer
	// one arrived is dropped.
	rulesGen int
	// accept is the id of the latest analyze request: reports of older
	// requests are stale and dropped.
	accept int

	inputs []caseInput // the case: every input added, in order
	pastes int

	report   *Report
	findings []Finding // sorted
	copies   []string  // texts of the copy buttons, by index
	samples  []Sample
	sample   string  // id of the loaded example, for the shared link
	view     viewing // what the inspector shows
	selected int     // index of the selected finding, -1 for none
	expanded map[int]bool
	render   int // generation of the rendering, so a newer report stops an older one

	tl timelineView

	rules     []RuleInfo
	ruleFile  string // file open in the playground
	ruleWant  string // rule id a shared link asks for, until the rule list arrives
	ruleTimer *time.Timer
	newRules  int

	exportText, exportName, exportFormat string
}

// caseInput is one input of the case: a File (or Blob) or a pasted text.
type caseInput struct {
	name string
	size int64
	blob js.Value
	text string
}

func main() {
	// The UI's heap is small (a report, its HTML) while a garbage
	// collection runs on the page's only thread, inside whichever task
	// allocates: collect four times less often than Go's default.
	debug.SetGCPercent(400)
	a := &app{doc: dom.GetWindow().Document(), jsdoc: js.Global().Get("document"), engine: js.Global().Get("nettriageEngine"),
		els: map[string]dom.HTMLElement{}, selected: -1, expanded: map[int]bool{}}
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
	a.wireTabs()
	a.wireKeys()
	a.wirePlayground()
	a.wireExport()
	a.doc.DocumentElement().SetAttribute("data-ui", "ready")
	go a.loadSamples()
	go a.warmUp()

	// Files chosen before this module ran would otherwise be missed.
	if files := a.el("files").Underlying().Get("files"); files.Length() > 0 {
		a.addFiles(files, "")
	}
	a.takeEarly()
	select {}
}

// el returns the element of the page shell (index.html) with the id; the
// shell has them all, so a missing one is a bug worth failing loudly on.
// The shell's elements never change, so each is looked up (and wrapped,
// which costs most of a millisecond in dom/v2) once.
func (a *app) el(id string) dom.HTMLElement {
	if e, ok := a.els[id]; ok {
		return e
	}
	if a.shadow {
		// The warm-up's app: a detached element of the kind the shell has.
		tag := "div"
		switch {
		case strings.HasSuffix(id, "-src"):
			tag = "textarea"
		case strings.HasSuffix(id, "-select"):
			tag = "select"
		case id == "counters-read":
			tag = "input"
		}
		a.els[id] = a.doc.CreateElement(tag).(dom.HTMLElement)
		return a.els[id]
	}
	e := a.doc.GetElementByID(id)
	if e == nil {
		panic("index.html has no #" + id)
	}
	a.els[id] = e.(dom.HTMLElement)
	return a.els[id]
}

// byID looks up a rendered element (one that innerHTML may replace) as a
// plain JavaScript value, which is fast; it is null when absent.
func (a *app) byID(id string) js.Value {
	return a.jsdoc.Call("getElementById", id)
}

func (a *app) value(id string) string { return a.el(id).Underlying().Get("value").String() }

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
		a.doc.DocumentElement().SetAttribute("data-engine-ready", strconv.FormatFloat(js.Global().Get("performance").Call("now").Float(), 'f', 0, 64))
		a.doc.DocumentElement().SetAttribute("data-engine", "ready")
		if a.report == nil && len(a.queue) == 0 {
			a.status("Ready. Drop files or folders anywhere, paste a session or try an example.", "")
		}
		if r := m.Get("rules"); r.Type() == js.TypeString {
			a.el("engine-version").SetTextContent(r.String())
		}
		for _, q := range a.queue {
			a.engine.Call("postMessage", q)
		}
		a.queue = nil
		a.send("rules", map[string]any{})
	case "rules-ready":
		a.el("engine-version").SetTextContent(m.Get("rules").String())
		// When the rules were compiled, in ms since the navigation (for
		// make site-measure).
		a.doc.DocumentElement().SetAttribute("data-rules-ready", strconv.FormatFloat(js.Global().Get("performance").Call("now").Float(), 'f', 0, 64))
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
		// Decoded in steps, off this event: a big report would otherwise
		// hold the main thread for as long as encoding/json takes.
		data, ms, sys := m.Get("json").String(), m.Get("ms"), m.Get("sys")
		a.render++
		gen := a.render
		go func() {
			p := newPacer()
			var r Report
			if err := stepjson.Decode([]byte(data), &r, p.step); err != nil {
				a.status("Unreadable report: "+err.Error(), "error")
				return
			}
			if gen == a.render {
				a.showReport(&r, ms, sys, p)
			}
		}()
	case "cancelled":
		// A newer analysis replaced it; its own answer follows.
	case "rules", "rule-ok":
		if m.Get("type").String() == "rule-ok" {
			a.ruleStatus(0, "", m.Get("file").String())
		}
		// Decoded and rendered off this event, a step per task (with the
		// edited rules' sources it can be long).
		data := m.Get("json").String()
		a.rulesGen++
		gen := a.rulesGen
		go func() {
			yield()
			var rules []RuleInfo
			p := newPacer()
			if err := stepjson.DecodeArray([]byte(data), &rules, p.step); err != nil || gen != a.rulesGen {
				return
			}
			a.rules = rules
			yield()
			a.renderRuleList()
			yield()
			a.renderRules()
		}()
	case "rule-error":
		a.ruleStatus(m.Get("line").Int(), m.Get("message").String(), m.Get("file").String())
	case "export":
		a.showExport(m)
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
	text := fmt.Sprintf("Reading %s: %s", name, size(int64(done)))
	if total > 0 {
		pct := min(100, done*100/total)
		bar.Underlying().Set("value", pct)
		text = fmt.Sprintf("Reading %s: %s of %s (%.0f%%)", name, size(int64(done)), size(int64(total)), pct)
	} else {
		bar.RemoveAttribute("value")
	}
	a.el("progress-text").SetTextContent(text)
}

// ---- the case: inputs added by drops, the file inputs and pastes

func (a *app) wireInputs() {
	for _, id := range []string{"files", "folder"} {
		in := a.el(id)
		// The input is hidden behind its label, which shows its focus.
		label := a.el("files").Underlying().Get("previousElementSibling")
		if id == "folder" {
			label = a.el("folder").Underlying().Get("previousElementSibling")
		}
		in.AddEventListener("focus", false, func(dom.Event) { label.Get("classList").Call("add", "focused") })
		in.AddEventListener("blur", false, func(dom.Event) { label.Get("classList").Call("remove", "focused") })
		in.AddEventListener("change", false, func(dom.Event) {
			a.addFiles(in.Underlying().Get("files"), "")
			// Choosing the same file again must add it again; the File
			// objects already sent stay readable.
			in.Underlying().Set("value", "")
		})
	}
	// The whole window takes drops: a drop anywhere adds to the case and
	// never navigates away from it.
	win := js.Global().Get("window")
	zone := a.el("dropzone")
	depth := 0
	hasFiles := func(ev js.Value) bool {
		types := ev.Get("dataTransfer").Get("types")
		for i := 0; types.Truthy() && i < types.Length(); i++ {
			if types.Index(i).String() == "Files" {
				return true
			}
		}
		return false
	}
	listen := func(typ string, f func(ev js.Value)) {
		win.Call("addEventListener", typ, js.FuncOf(func(_ js.Value, args []js.Value) any {
			f(args[0])
			return nil
		}))
	}
	listen("dragenter", func(ev js.Value) {
		ev.Call("preventDefault")
		if hasFiles(ev) {
			depth++
			zone.RemoveAttribute("hidden")
		}
	})
	listen("dragover", func(ev js.Value) {
		ev.Call("preventDefault")
		if dt := ev.Get("dataTransfer"); dt.Truthy() {
			dt.Set("dropEffect", "copy")
		}
	})
	listen("dragleave", func(ev js.Value) {
		if depth--; depth <= 0 {
			depth = 0
			zone.SetAttribute("hidden", "")
		}
	})
	listen("drop", func(ev js.Value) {
		ev.Call("preventDefault")
		depth = 0
		zone.SetAttribute("hidden", "")
		a.drop(ev.Get("dataTransfer"))
	})

	a.el("paste-go").AddEventListener("click", false, func(dom.Event) { a.addPaste() })
	a.el("paste").AddEventListener("keydown", false, func(ev dom.Event) {
		k := ev.(*dom.KeyboardEvent)
		if k.Key() == "Enter" && (k.CtrlKey() || k.MetaKey()) {
			ev.PreventDefault()
			a.addPaste()
		}
	})
	a.el("samples").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("[data-sample]"); b != nil {
			a.el("examples").RemoveAttribute("open")
			go a.loadSample(b.GetAttribute("data-sample"))
		}
	})
	a.el("chips").AddEventListener("click", false, func(ev dom.Event) {
		if b := ev.Target().Closest("button[data-remove]"); b != nil {
			i, _ := strconv.Atoi(b.GetAttribute("data-remove"))
			a.removeInput(i)
		}
	})
	a.el("case-clear").AddEventListener("click", false, func(dom.Event) { a.clearCase() })
}

// takeEarly adds what was dropped or pasted before this module ran (kept
// by main.js), and removes main.js's stand-in listeners; this module's
// own are already in place, in the same task, so nothing falls between.
func (a *app) takeEarly() {
	if stop := js.Global().Get("nettriageEarlyStop"); stop.Type() == js.TypeFunction {
		stop.Invoke()
	}
	kept := js.Global().Get("nettriageEarlyInputs")
	if !kept.Truthy() {
		return
	}
	list := func(v js.Value) []js.Value {
		var out []js.Value
		for i := 0; v.Truthy() && i < v.Length(); i++ {
			out = append(out, v.Index(i))
		}
		return out
	}
	for i := 0; i < kept.Length(); i++ {
		in := kept.Index(i)
		switch in.Get("kind").String() {
		case "paste":
			a.addPasteText(in.Get("text").String())
		case "drop":
			a.addDropped(list(in.Get("entries")), list(in.Get("files")))
		}
	}
	kept.Set("length", 0)
}

// drop adds what was dropped: files, and folders read recursively through
// the entries API (a folder's files keep their paths, so a sosreport
// folder is recognised as one). Entries must be taken during the event.
func (a *app) drop(dt js.Value) {
	if !dt.Truthy() {
		return
	}
	items := dt.Get("items")
	var entries []js.Value
	var files []js.Value
	for i := 0; items.Truthy() && i < items.Length(); i++ {
		it := items.Index(i)
		if it.Get("kind").String() != "file" {
			continue
		}
		if get := it.Get("webkitGetAsEntry"); get.Type() == js.TypeFunction {
			if e := it.Call("webkitGetAsEntry"); e.Truthy() {
				if e.Get("isDirectory").Bool() {
					entries = append(entries, e)
					continue
				}
			}
		}
		if f := it.Call("getAsFile"); f.Truthy() {
			files = append(files, f)
		}
	}
	if len(entries) == 0 && len(files) == 0 {
		list := dt.Get("files")
		for i := 0; list.Truthy() && i < list.Length(); i++ {
			files = append(files, list.Index(i))
		}
	}
	a.addDropped(entries, files)
}

// addDropped adds dropped files, and the files under dropped folder
// entries, to the case.
func (a *app) addDropped(entries, files []js.Value) {
	if len(entries) == 0 {
		go a.addList(files, nil)
		return
	}
	go func() {
		var names []string
		for _, e := range entries {
			a.status("Reading folder "+e.Get("name").String()+"…", "busy")
			fs, ns, err := walkEntry(e)
			if err != nil {
				a.status("Could not read the folder "+e.Get("name").String()+": "+err.Error(), "error")
				return
			}
			files = append(files, fs...)
			names = append(names, ns...)
		}
		// Plain files dropped alongside keep their own names.
		all := make([]string, len(files))
		copy(all[len(files)-len(names):], names)
		a.addList(files, all)
	}()
}

// walkEntry lists the files under a dropped directory entry with their
// paths (the folder's own name first).
func walkEntry(e js.Value) ([]js.Value, []string, error) {
	if e.Get("isFile").Bool() {
		f, err := await(promise(func(ok, fail js.Value) { e.Call("file", ok, fail) }))
		if err != nil {
			return nil, nil, err
		}
		return []js.Value{f}, []string{strings.TrimPrefix(e.Get("fullPath").String(), "/")}, nil
	}
	reader := e.Call("createReader")
	var files []js.Value
	var names []string
	for {
		// readEntries returns the entries in batches until an empty one.
		batch, err := await(promise(func(ok, fail js.Value) { reader.Call("readEntries", ok, fail) }))
		if err != nil {
			return nil, nil, err
		}
		if batch.Length() == 0 {
			break
		}
		for i := 0; i < batch.Length(); i++ {
			fs, ns, err := walkEntry(batch.Index(i))
			if err != nil {
				return nil, nil, err
			}
			files, names = append(files, fs...), append(names, ns...)
		}
	}
	return files, names, nil
}

// promise wraps a callback-style call in a Promise.
func promise(call func(ok, fail js.Value)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		call(args[0], args[1])
		executor.Release()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// addFiles adds a FileList (from a file input: a folder input's files
// carry webkitRelativePath).
func (a *app) addFiles(list js.Value, _ string) {
	var files []js.Value
	for i := 0; i < list.Length(); i++ {
		files = append(files, list.Index(i))
	}
	go func() {
		// Out of the event first: a file input's change event runs inside
		// the task that set the files, which is long enough already.
		yield()
		a.addList(files, nil)
	}()
}

// addList adds files to the case, named by names[i] when set, else by
// their relative path in a chosen folder, else by their name. A file
// already in the case (same name and size) is not added twice. It yields
// as it goes: reading a File's size and path crosses into the browser,
// which for a folder of thousands of files is a long task otherwise.
func (a *app) addList(files []js.Value, names []string) {
	added := 0
	p := newPacer()
	for i, f := range files {
		p.step()
		name := ""
		if i < len(names) {
			name = names[i]
		}
		if name == "" {
			if rel := f.Get("webkitRelativePath"); rel.Type() == js.TypeString && rel.String() != "" {
				name = rel.String()
			} else {
				name = f.Get("name").String()
			}
		}
		sz := int64(f.Get("size").Float())
		dup := false
		for _, in := range a.inputs {
			if in.name == name && in.size == sz && in.text == "" {
				dup = true
			}
		}
		if dup {
			continue
		}
		a.inputs = append(a.inputs, caseInput{name: name, size: sz, blob: f})
		added++
	}
	if added == 0 {
		if len(files) > 0 {
			a.status("Those files are already in the case.", "")
		}
		return
	}
	a.sample = ""
	a.analyzeCase(fmt.Sprintf("%s added", plural(added, "file")))
}

func (a *app) addPaste() {
	text := a.value("paste")
	if strings.TrimSpace(text) == "" {
		a.status("The paste box is empty.", "error")
		return
	}
	a.el("paste").Underlying().Set("value", "")
	a.addPasteText(text)
}

// addPasteText adds a pasted session to the case and analyses it.
func (a *app) addPasteText(text string) {
	a.pastes++
	name := "paste.txt"
	if a.pastes > 1 {
		name = "paste-" + strconv.Itoa(a.pastes) + ".txt"
	}
	a.inputs = append(a.inputs, caseInput{name: name, size: int64(len(text)), text: text})
	a.sample = ""
	a.analyzeCase("the pasted session")
}

func (a *app) removeInput(i int) {
	if i < 0 || i >= len(a.inputs) {
		return
	}
	name := a.inputs[i].name
	a.inputs = append(a.inputs[:i], a.inputs[i+1:]...)
	a.sample = ""
	if len(a.inputs) == 0 {
		a.clearCase()
		a.status("Removed "+name+"; the case is empty.", "")
		return
	}
	a.analyzeCase(name + " removed")
	a.focusLater("chips", "button[data-remove]")
}

// clearCase starts a new, empty case.
func (a *app) clearCase() {
	a.inputs, a.pastes, a.sample = nil, 0, ""
	a.accept = a.nextID + 1 // drops any analysis still running
	a.report, a.findings = nil, nil
	a.render++
	a.renderChips()
	a.el("findings").SetInnerHTML(`<p class="empty">Nothing analysed yet. Add files or a paste, or try an example.</p>`)
	for _, id := range []string{"findings-count", "timeline-count", "counters-count", "artifacts-count", "captures-count", "summary"} {
		a.el(id).SetTextContent("")
	}
	for _, id := range []string{"timeline", "counters", "artifacts"} {
		a.el(id).SetInnerHTML(`<p class="empty">Analyse something first.</p>`)
	}
	a.el("captures").SetInnerHTML(`<p class="empty">No capture analysed.</p>`)
	a.el("missing-section").SetAttribute("hidden", "")
	for _, id := range []string{"export-md", "export-json", "export-html", "case-clear"} {
		a.el(id).SetAttribute("disabled", "")
	}
	a.el("progress").SetAttribute("hidden", "")
	a.clearViewer()
	a.updateHash()
	a.renderRules()
	a.doc.DocumentElement().RemoveAttribute("data-state")
}

func (a *app) renderChips() {
	var b strings.Builder
	if len(a.inputs) == 0 {
		b.WriteString(`<li class="empty">No input yet: drop files or folders anywhere on the page, choose them, or paste a terminal session.</li>`)
	}
	for i, in := range a.inputs {
		b.WriteString(`<li class="chip"` + attr("data-input", in.name) + `><span class="chip-name"` + attr("title", in.name) + `>` + esc(in.name) +
			`</span> <small>` + esc(size(in.size)) + `</small><button type="button" class="chip-x"` + attr("data-remove", strconv.Itoa(i)) +
			attr("aria-label", "Remove "+in.name+" from the case") + `>×</button></li>`)
	}
	a.el("chips").SetInnerHTML(b.String())
}

// analyzeCase analyses every input of the case; what is shown until the
// report arrives.
func (a *app) analyzeCase(what string) {
	var inputs []any
	for _, in := range a.inputs {
		if in.text != "" || !in.blob.Truthy() {
			inputs = append(inputs, map[string]any{"name": in.name, "text": in.text})
		} else {
			inputs = append(inputs, map[string]any{"name": in.name, "blob": in.blob})
		}
	}
	a.renderChips()
	a.el("case-clear").RemoveAttribute("disabled")
	req := map[string]any{"inputs": inputs}
	if tz := strings.TrimSpace(a.value("opt-tz")); tz != "" {
		req["tz"] = tz
	}
	if y, err := strconv.Atoi(strings.TrimSpace(a.value("opt-year"))); err == nil && y > 0 {
		req["year"] = y
	}
	a.accept = a.send("analyze", req)
	a.updateHash()
	a.status(fmt.Sprintf("Analysing %s (%s in the case)…", what, plural(len(a.inputs), "input")), "busy")
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
		a.el("samples").SetInnerHTML(`<p class="empty">No examples (` + esc(err.Error()) + `); run <code>make site</code>.</p>`)
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

// loadSample fetches an example's files from the site (same origin) and
// analyses them as a new case. It blocks, so it runs in a goroutine.
func (a *app) loadSample(id string) {
	var s *Sample
	for i := range a.samples {
		if a.samples[i].ID == id {
			s = &a.samples[i]
		}
	}
	if s == nil {
		a.status("There is no example named "+id+"; the Try an example menu lists them.", "error")
		a.doc.DocumentElement().SetAttribute("data-state", "error")
		return
	}
	a.status("Loading example "+id+"…", "busy")
	var inputs []caseInput
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
		inputs = append(inputs, caseInput{name: f, size: int64(blob.Get("size").Float()), blob: blob})
	}
	a.inputs, a.pastes = inputs, 0
	a.sample = id
	a.analyzeCase("example " + id)
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
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- res{v: v}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- res{err: fmt.Errorf("%s", msg)}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	r := <-ch
	return r.v, r.err
}

// ---- shared links: which example and which rule are open, never user data

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
	if loc.Get("hash").String() == h {
		// replaceState records the scroll position, which lays the page
		// out: on a big case that is a long task for nothing.
		return
	}
	js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+loc.Get("search").String()+h)
}

// focusLater focuses the first element matching sel inside #id once the
// current event is over.
func (a *app) focusLater(id, sel string) {
	time.AfterFunc(0, func() {
		if e := a.el(id).Underlying().Call("querySelector", sel); e.Truthy() {
			e.Call("focus")
		}
	})
}

// plural writes "1 file", "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
