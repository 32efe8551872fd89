package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// outline is what every format says first, and how: findings at likely or
// above, the possible ones set apart ("worth a look"), what the rules
// checked, and the parse warnings summarised per artifact. The text,
// Markdown and HTML reports are built from it, so they agree.
type outline struct {
	main, worth []engine.Finding
	// Rule checks, counted per status (each rule once per host).
	checked, matched, ruledOut, notRun int
	rules                              int // distinct rules checked
	ruledOutList                       []engine.Check
	notRunBy                           []notRunGroup // rules not run, by what they lacked
	warned                             []warnSummary // artifacts with warnings, most first
	warnings                           int           // all parse warnings
}

// notRunGroup is the rules that could not run for lack of the same inputs.
type notRunGroup struct {
	missing string // "sysctl, counters"
	rules   []string
}

// warnSummary is one artifact's parse warnings: how many, and the first
// three.
type warnSummary struct {
	a     engine.ArtifactInfo
	total int
	first []string
}

// maxWarnedArtifacts bounds the artifacts whose warnings a report lists;
// the full list stays in the JSON report.
const maxWarnedArtifacts = 8

func makeOutline(r *engine.Report) outline {
	var o outline
	fs := append([]engine.Finding(nil), r.Findings...)
	SortFindings(fs)
	for _, f := range fs {
		if f.Confidence == "possible" {
			o.worth = append(o.worth, f)
		} else {
			o.main = append(o.main, f)
		}
	}
	rules := map[string]bool{}
	notRun := map[string][]string{}
	var keys []string
	for _, c := range r.Checks {
		o.checked++
		rules[c.Rule] = true
		switch c.Status {
		case "matched":
			o.matched++
		case "ruled-out":
			o.ruledOut++
			o.ruledOutList = append(o.ruledOutList, c)
		case "not-run":
			o.notRun++
			k := strings.Join(c.Missing, ", ")
			if k == "" {
				k = c.Reason
			}
			if _, ok := notRun[k]; !ok {
				keys = append(keys, k)
			}
			if !contains(notRun[k], c.Rule) {
				notRun[k] = append(notRun[k], c.Rule)
			}
		}
	}
	o.rules = len(rules)
	sort.Strings(keys)
	for _, k := range keys {
		o.notRunBy = append(o.notRunBy, notRunGroup{missing: k, rules: notRun[k]})
	}
	for _, a := range r.Artifacts {
		n := a.WarningsTotal
		if n < len(a.Warnings) {
			n = len(a.Warnings)
		}
		if n == 0 {
			continue
		}
		o.warnings += n
		ws := warnSummary{a: a, total: n}
		for i, w := range a.Warnings {
			if i == 3 {
				break
			}
			ws.first = append(ws.first, w.String())
		}
		o.warned = append(o.warned, ws)
	}
	sort.SliceStable(o.warned, func(i, j int) bool { return o.warned[i].total > o.warned[j].total })
	return o
}

// summaryLine says the outcome in one line: "1 critical · 2 worth a look ·
// 47 rules checked".
func (o outline) summaryLine() string {
	var parts []string
	for _, sev := range engine.Severities {
		n := 0
		for _, f := range o.main {
			if f.Severity == sev {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(o.main) == 0 {
		parts = append(parts, "no failure mode matched at likely or above")
	}
	if len(o.worth) > 0 {
		parts = append(parts, fmt.Sprintf("%d worth a look", len(o.worth)))
	}
	if o.rules > 0 {
		parts = append(parts, fmt.Sprintf("%d rules checked (%d ruled out, %d could not run)", o.rules, o.ruledOut, o.notRun))
	}
	return strings.Join(parts, " · ")
}

// toDecide says what a possible finding lacks to be decided: the inputs it
// names as missing, or that its evidence is a risk factor only.
func toDecide(f engine.Finding) string {
	if len(f.Missing) == 0 {
		return "a risk factor only: nothing collected shows it happening"
	}
	kinds := make([]string, 0, len(f.Missing))
	for _, m := range f.Missing {
		kinds = append(kinds, m.Kind)
	}
	return "to decide, collect " + strings.Join(kinds, ", ")
}

// evidenceName is how an evidence item is shown: its short label, else
// artifact:line or artifact frame n.
func evidenceName(e engine.Evidence) string {
	if e.Label != "" {
		return e.Label
	}
	return evidenceLocation(e)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
