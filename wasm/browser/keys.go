//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"
)

// Keyboard triage: j and k move between the findings (never while typing
// in a text field), Enter expands the selected one, Esc closes the
// inspector. Every control is also a native button, link or form field.

func (a *app) wireKeys() {
	a.wireViewer()
	js.Global().Get("document").Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := args[0]
		if ev.Get("defaultPrevented").Bool() || ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool() || ev.Get("altKey").Bool() {
			return nil
		}
		key := ev.Get("key").String()
		if key == "Escape" {
			if a.el("export-dialog").Underlying().Get("open").Bool() {
				return nil // the dialog closes itself
			}
			if !a.el("viewer").HasAttribute("hidden") {
				ev.Call("preventDefault")
				a.closeViewer()
			}
			return nil
		}
		if typing(ev.Get("target")) {
			return nil
		}
		switch key {
		case "j", "k":
			ev.Call("preventDefault")
			a.step(key == "j")
		case "Enter":
			t := ev.Get("target")
			if t.Get("tagName").String() == "ARTICLE" && t.Get("classList").Call("contains", "finding").Bool() {
				ev.Call("preventDefault")
				i, _ := strconv.Atoi(t.Call("getAttribute", "data-i").String())
				a.expand(i, true)
				a.selectFinding(i, true)
			}
		}
		return nil
	}))
}

// typing reports whether the keys go to a text field.
func typing(t js.Value) bool {
	if !t.Truthy() {
		return false
	}
	if t.Get("isContentEditable").Bool() {
		return true
	}
	switch t.Get("tagName").String() {
	case "TEXTAREA", "SELECT":
		return true
	case "INPUT":
		switch t.Get("type").String() {
		case "checkbox", "radio", "button", "submit", "file", "reset":
			return false
		}
		return true
	}
	return false
}

// step selects the next (or previous) visible finding.
func (a *app) step(next bool) {
	if len(a.findings) == 0 {
		return
	}
	var visible []int
	list := a.el("findings").Underlying().Call("querySelectorAll", "article.finding:not([hidden])")
	for k := 0; k < list.Length(); k++ {
		if i, err := strconv.Atoi(list.Index(k).Call("getAttribute", "data-i").String()); err == nil {
			visible = append(visible, i)
		}
	}
	if len(visible) == 0 {
		return
	}
	pos := -1
	for p, i := range visible {
		if i == a.selected {
			pos = p
		}
	}
	switch {
	case pos < 0:
		pos = 0
	case next:
		pos = min(pos+1, len(visible)-1)
	default:
		pos = max(pos-1, 0)
	}
	a.selectFinding(visible[pos], true)
}
