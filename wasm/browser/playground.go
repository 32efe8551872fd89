//go:build js && wasm

package main

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/nettriage/nettriage/rules"
)

// The rule editor (Rules tab): pick a rule, edit its YAML, and every pause
// in typing sends it to the engine, which compiles it and re-evaluates the
// loaded artifacts at once. Errors come back with their line: the gutter
// marks it and the message is shown next to it, in the editor.

// editDelay is the pause in typing after which an edit is compiled.
const editDelay = 350 * time.Millisecond

const newRuleTemplate = `id: %[1]s
title: Describe the failure in one line
severity: warning
tags: [custom]
summary: >
  What the support engineer should know, in two or three sentences.
explanation: |
  The mechanism, in your own words.
remediation: |
  - **Fix:** what to change, and what it costs.
inputs:
  - {kind: sysctl, why: shows the setting, collect: sysctl -a}
params:
  threshold: {default: 1, doc: what the number means}
conditions:
  likely: (sysctl("net.ipv4.ip_forward") ?? 1) < params.threshold
`

func (a *app) wirePlayground() {
	sel := a.el("rule-select")
	sel.AddEventListener("change", false, func(dom.Event) {
		a.openRule(sel.Underlying().Get("value").String())
		a.selectTab("rules", false)
	})
	src := a.el("rule-src")
	src.AddEventListener("input", false, func(dom.Event) {
		a.renderGutter(0)
		if a.ruleTimer != nil {
			a.ruleTimer.Stop()
		}
		a.ruleTimer = time.AfterFunc(editDelay, a.submitRule)
	})
	src.AddEventListener("scroll", false, func(dom.Event) {
		a.el("rule-gutter").Underlying().Set("scrollTop", src.Underlying().Get("scrollTop"))
		a.placeDiag()
	})
	a.el("rule-new").AddEventListener("click", false, func(dom.Event) {
		a.newRules++
		id := fmt.Sprintf("my-rule-%d", a.newRules)
		for a.ruleByID(id) != nil {
			a.newRules++
			id = fmt.Sprintf("my-rule-%d", a.newRules)
		}
		a.ruleFile = id + ".yaml"
		a.setSource(fmt.Sprintf(newRuleTemplate, id))
		a.submitRule()
		src.Focus()
	})
	a.el("rule-reset").AddEventListener("click", false, func(dom.Event) {
		a.send("reset-rules", map[string]any{})
		a.ruleFile = ""
		// The edits are gone, and so is any error they had.
		a.ruleStatus(0, "", "")
		a.updateHash()
	})
}

func (a *app) ruleByFile(file string) *RuleInfo {
	for i := range a.rules {
		if a.rules[i].File == file {
			return &a.rules[i]
		}
	}
	return nil
}

func (a *app) ruleByID(id string) *RuleInfo {
	for i := range a.rules {
		if a.rules[i].ID == id {
			return &a.rules[i]
		}
	}
	return nil
}

// renderRuleList fills the rule picker; the rules carry
// data-playground-rule, never data-rule, which only findings carry.
func (a *app) renderRuleList() {
	var b strings.Builder
	if a.ruleFile == "" {
		b.WriteString(`<option value="">Choose a rule…</option>`)
	}
	for _, r := range a.rules {
		label := r.ID + " — " + r.Title
		if r.Edited {
			label = "● " + label + " (edited)"
		}
		sel := ""
		if r.File == a.ruleFile {
			sel = " selected"
		}
		b.WriteString(`<option` + attr("value", r.File) + attr("data-playground-rule", r.ID) + sel + `>` + esc(label) + `</option>`)
	}
	a.el("rule-select").SetInnerHTML(b.String())
	if a.ruleWant != "" {
		a.openRuleByID(a.ruleWant)
	} else if a.ruleFile == "" {
		a.setSource("")
		a.el("rule-src").SetAttribute("disabled", "")
	}
}

// openRuleByID opens a rule named by a shared link, now or when the rule
// list arrives.
func (a *app) openRuleByID(id string) {
	if r := a.ruleByID(id); r != nil {
		a.ruleWant = ""
		a.openRule(r.File)
		return
	}
	a.ruleWant = id
}

func (a *app) openRule(file string) {
	r := a.ruleByFile(file)
	if r == nil {
		return
	}
	a.ruleFile = file
	src := r.Source
	if !r.Edited {
		// The engine sends only edited files' text; a built-in file's is
		// embedded here too.
		if b, err := fs.ReadFile(rules.FS, file); err == nil {
			src = string(b)
		}
	}
	a.setSource(src)
	a.el("rule-select").Underlying().Set("value", file)
	a.ruleStatus(0, "", "")
	a.updateHash()
}

func (a *app) setSource(text string) {
	src := a.el("rule-src")
	src.RemoveAttribute("disabled")
	src.Underlying().Set("value", text)
	a.renderGutter(0)
}

func (a *app) submitRule() {
	if a.ruleFile == "" {
		return
	}
	a.el("rule-status").SetTextContent("Compiling…")
	a.send("rule", map[string]any{"file": a.ruleFile, "yaml": a.el("rule-src").Underlying().Get("value").String()})
}

// renderGutter numbers the editor's lines and marks errLine.
func (a *app) renderGutter(errLine int) {
	n := strings.Count(a.el("rule-src").Underlying().Get("value").String(), "\n") + 1
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i == errLine {
			b.WriteString(`<span class="err">` + strconv.Itoa(i) + "</span>\n")
		} else {
			b.WriteString(strconv.Itoa(i) + "\n")
		}
	}
	g := a.el("rule-gutter")
	g.SetInnerHTML(b.String())
	g.Underlying().Set("scrollTop", a.el("rule-src").Underlying().Get("scrollTop"))
}

// ruleStatus shows the engine's verdict on the edit: an error at its line,
// or that it compiled and was re-evaluated.
func (a *app) ruleStatus(line int, msg, file string) {
	st := a.el("rule-status")
	src := a.el("rule-src")
	if file != "" && file != a.ruleFile {
		return
	}
	diag := a.el("rule-diag")
	if msg != "" {
		where := "The rule as a whole: "
		if line > 0 {
			where = fmt.Sprintf("Line %d: ", line)
		}
		st.SetTextContent(where + msg)
		st.SetAttribute("data-kind", "error")
		st.SetAttribute("data-line", strconv.Itoa(line))
		src.SetAttribute("aria-invalid", "true")
		a.renderGutter(line)
		// The message next to its line, in the editor.
		diag.SetTextContent(where + msg)
		diag.SetAttribute("data-line", strconv.Itoa(line))
		diag.RemoveAttribute("hidden")
		a.placeDiag()
		return
	}
	diag.SetAttribute("hidden", "")
	diag.RemoveAttribute("data-line")
	st.RemoveAttribute("data-line")
	src.RemoveAttribute("aria-invalid")
	a.renderGutter(0)
	if file == "" {
		st.SetTextContent("")
		st.SetAttribute("data-kind", "")
		return
	}
	st.SetAttribute("data-kind", "ok")
	if a.report != nil {
		st.SetTextContent("Compiled; the findings are re-evaluated with this version.")
	} else {
		st.SetTextContent("Compiled. Load artifacts or a sample to see it evaluated.")
	}
}

// placeDiag puts the error message just under its line (or at the top
// for an error of the whole rule), following the editor's scrolling.
func (a *app) placeDiag() {
	diag := a.el("rule-diag")
	if diag.HasAttribute("hidden") {
		return
	}
	line, _ := strconv.Atoi(diag.GetAttribute("data-line"))
	src := a.el("rule-src").Underlying()
	cs := js.Global().Call("getComputedStyle", src)
	lh, _ := strconv.ParseFloat(strings.TrimSuffix(cs.Get("lineHeight").String(), "px"), 64)
	pad, _ := strconv.ParseFloat(strings.TrimSuffix(cs.Get("paddingTop").String(), "px"), 64)
	if lh == 0 {
		lh = 19
	}
	top := pad + float64(max(line, 1))*lh - src.Get("scrollTop").Float()
	height := src.Get("clientHeight").Float()
	top = max(0, min(top, height-lh))
	diag.Underlying().Get("style").Set("top", strconv.FormatFloat(top, 'f', 1, 64)+"px")
}
