package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// Markdown writes the report as Markdown meant to be pasted into a ticket
// (GitHub or Jira with Markdown enabled): a header naming the tool, rule set
// and hosts, a table of the findings, then one section per finding with its
// summary, evidence in fenced code blocks, the fix, what to collect next and
// references, and finally the counters that moved, the artifacts read and the
// errors met. Findings come in the order of SortFindings.
//
// Evidence text is copied verbatim inside a fence made longer than any run
// of backticks in it, so pasted output that itself contains ``` cannot end
// the block early.
func Markdown(w io.Writer, r *engine.Report) error {
	b := &strings.Builder{}
	b.WriteString("# nettriage report\n\n")
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(b, "| Tool | %s %s |\n", cell(r.Tool.Name), cell(r.Tool.Version))
	fmt.Fprintf(b, "| Rules | %s |\n", cell(r.Tool.Rules))
	fmt.Fprintf(b, "| Hosts | %s |\n", cell(strings.Join(r.Hosts, ", ")))
	fmt.Fprintf(b, "| Artifacts | %d |\n", len(r.Artifacts))
	fmt.Fprintf(b, "| Findings | %d |\n", len(r.Findings))
	o := makeOutline(r)
	fmt.Fprintf(b, "| Outcome | %s |\n", cell(o.summaryLine()))
	findings := o.main

	b.WriteString("\n## Findings\n\n")
	if len(findings) == 0 {
		b.WriteString("No failure mode matched at likely or above.\n")
	} else {
		b.WriteString("| # | Severity | Confidence | Rule | Host | Title |\n|---|---|---|---|---|---|\n")
		for i, f := range findings {
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s |\n", i+1, cell(f.Severity), cell(f.Confidence),
				cellCode(f.Rule), cell(f.Host), cell(f.Title))
		}
	}

	for i, f := range findings {
		fmt.Fprintf(b, "\n### %d. %s — %s (%s)\n\n", i+1, oneLine(f.Title), codeSpan(f.Rule), oneLine(f.Confidence))
		fmt.Fprintf(b, "**Severity:** %s · **Confidence:** %s · **Host:** %s\n", oneLine(f.Severity),
			oneLine(f.Confidence), codeSpan(f.Host))
		if f.ExplainedBy != "" {
			fmt.Fprintf(b, "\n**Explained by:** %s\n", codeSpan(f.ExplainedBy))
		}
		if s := strings.TrimSpace(f.Summary); s != "" {
			fmt.Fprintf(b, "\n%s\n", s)
		}
		if len(f.Evidence) > 0 {
			b.WriteString("\n#### Evidence\n")
			for _, e := range f.Evidence {
				caption := codeSpan(evidenceName(e))
				if e.Time != "" {
					caption += " at " + e.Time
				}
				if e.Note != "" {
					caption += " — " + oneLine(e.Note)
				}
				fmt.Fprintf(b, "\n%s\n", caption)
				if e.Text != "" {
					b.WriteString("\n")
					writeFence(b, "text", e.Text)
				}
			}
		}
		if s := strings.TrimSpace(f.Remediation); s != "" {
			fmt.Fprintf(b, "\n#### Fix\n\n%s\n", s)
		}
		if len(f.Missing) > 0 {
			b.WriteString("\n#### Collect next\n")
			for _, m := range f.Missing {
				fmt.Fprintf(b, "\n**%s:** %s\n", oneLine(m.Kind), oneLine(m.Why))
				if m.Collect != "" {
					b.WriteString("\n")
					writeFence(b, "sh", m.Collect)
				}
			}
		}
		if len(f.References) > 0 {
			b.WriteString("\n#### References\n\n")
			for _, ref := range f.References {
				fmt.Fprintf(b, "- %s\n", link(ref))
			}
		}
	}

	if len(o.worth) > 0 {
		b.WriteString("\n## Worth a look\n\nPossible: a risk factor or an old total, not a diagnosis.\n\n")
		for _, f := range o.worth {
			fmt.Fprintf(b, "- %s %s (%s, host %s): %s\n", codeSpan(f.Rule), oneLine(f.Title), oneLine(f.Severity), codeSpan(f.Host), oneLine(toDecide(f)))
		}
	}
	markdownChecks(b, r, o)

	markdownTimeline(b, r)

	if len(r.Counters) > 0 {
		b.WriteString("\n## Counters that moved between snapshots\n\n")
		b.WriteString("| Host | Counter | First | Last | Delta | Read by rules | Meaning |\n|---|---|---|---|---|---|---|\n")
		for _, c := range r.Counters {
			fmt.Fprintf(b, "| %s | %s | %d | %d | %+d | %s | %s |\n", cell(c.Host), cellCode(c.Name), c.First, c.Last,
				c.Delta, cell(strings.Join(c.Rules, ", ")), cell(c.Meaning))
		}
	}

	if len(r.Captures) > 0 {
		b.WriteString("\n## Captures\n\n| Capture | Packets | Connections | Retransmissions | Resets | Zero windows | Failed handshakes | Busiest |\n|---|---|---|---|---|---|---|---|\n")
		for _, c := range r.Captures {
			busiest := ""
			if len(c.Summary.TopConversations) > 0 {
				cv := c.Summary.TopConversations[0]
				busiest = fmt.Sprintf("%s → %s (%d bytes)", cv.Client, cv.Server, cv.Bytes)
			}
			fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %d | %d | %s |\n", cellCode(c.Artifact), c.Packets, c.FlowCount,
				c.Summary.Retransmissions, c.Summary.Resets, c.Summary.ZeroWindows, c.Summary.FailedHandshakes, cell(busiest))
		}
	}

	b.WriteString("\n## Artifacts\n\n")
	if len(r.Artifacts) == 0 {
		b.WriteString("No artifacts.\n")
	} else {
		b.WriteString("| Kind | Host | Artifact | Warnings |\n|---|---|---|---|\n")
		for _, a := range r.Artifacts {
			warn := ""
			if n := max(a.WarningsTotal, len(a.Warnings)); n > 0 {
				warn = fmt.Sprintf("%d", n)
				if len(a.Warnings) > 0 {
					warn += ": " + shorten(a.Warnings[0].String(), 120)
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cell(a.Kind), cell(hostLabel(a)), cellCode(a.Name), cell(warn))
		}
		if o.warnings > 0 {
			fmt.Fprintf(b, "\n%d parse warning(s) in all; the JSON report lists each one.\n", o.warnings)
		}
	}
	if len(r.NotAnalysed) > 0 {
		b.WriteString("\n**Not analysed:**\n\n")
		for _, n := range r.NotAnalysed {
			fmt.Fprintf(b, "- %s: %d file(s), %s\n", codeSpan(n.Path), n.Count, oneLine(n.Reason))
		}
	}

	if len(r.Errors) > 0 {
		b.WriteString("\n## Errors\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(b, "- %s: %s\n", codeSpan(e.Artifact), oneLine(e.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownChecks says what the rules checked, with the reasons when
// nothing matched at likely or above.
func markdownChecks(b *strings.Builder, r *engine.Report, o outline) {
	if o.rules == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Rules checked\n\n%d rules on %d host(s): %d matched, %d ruled out, %d could not run.\n",
		o.rules, len(r.Hosts), o.matched, o.ruledOut, o.notRun)
	if len(o.main) > 0 {
		return
	}
	if len(o.ruledOutList) > 0 {
		b.WriteString("\n| Rule | Host | Ruled out because |\n|---|---|---|\n")
		for i, c := range o.ruledOutList {
			if i == 20 {
				fmt.Fprintf(b, "| … | | %d more in the JSON report |\n", len(o.ruledOutList)-i)
				break
			}
			fmt.Fprintf(b, "| %s | %s | %s |\n", cellCode(c.Rule), cell(c.Host), cell(shorten(c.Reason, 200)))
		}
	}
	for _, g := range o.notRunBy {
		fmt.Fprintf(b, "\nNot run, lacking %s: %s\n", oneLine(g.missing), oneLine(strings.Join(g.rules, ", ")))
	}
	if len(r.Totals) > 0 {
		b.WriteString("\n**Counter totals since boot that rules read** (one snapshot: not a rate of now)\n\n| Host | Counter | Total | Average since boot | Meaning |\n|---|---|---|---|---|\n")
		for _, t := range r.Totals {
			rate := ""
			if t.PerSecond > 0 {
				rate = fmt.Sprintf("%.3g/s", t.PerSecond)
			}
			fmt.Fprintf(b, "| %s | %s | %d | %s | %s |\n", cell(t.Host), cellCode(t.Name), t.Value, rate, cell(t.Meaning))
		}
	}
}

// evidenceLocation names where an evidence item was read, as the text
// report does: artifact:line, artifact:line-end, or artifact frame n.
func evidenceLocation(e engine.Evidence) string {
	switch {
	case e.Frame > 0:
		return fmt.Sprintf("%s frame %d", e.Artifact, e.Frame)
	case e.Line > 0 && e.EndLine > e.Line:
		return fmt.Sprintf("%s:%d-%d", e.Artifact, e.Line, e.EndLine)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d", e.Artifact, e.Line)
	}
	return e.Artifact
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// writeFence writes text in a fenced code block whose fence is longer than
// any backtick run in the text.
func writeFence(b *strings.Builder, lang, text string) {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	text = strings.TrimRight(text, "\n")
	fmt.Fprintf(b, "%s%s\n%s\n%s\n", fence, lang, text, fence)
}

// codeSpan writes s as inline code, with delimiters longer than any backtick
// run inside and padding when s starts or ends with a backtick.
func codeSpan(s string) string {
	s = oneLine(s)
	if s == "" {
		return ""
	}
	d := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return d + s + d
}

// cellCode is codeSpan for a table cell: GitHub ends a cell at a pipe even
// inside a code span, unless the pipe is escaped.
func cellCode(s string) string {
	return strings.ReplaceAll(codeSpan(s), "|", `\|`)
}

// cell makes s safe inside a table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// oneLine folds whitespace, newlines included, into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// link writes a reference as a Markdown link when it is a URL.
func link(ref string) string {
	ref = strings.TrimSpace(ref)
	if (strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://")) && !strings.ContainsAny(ref, " ()<>") {
		return "[" + strings.ReplaceAll(ref, "]", `\]`) + "](" + ref + ")"
	}
	return oneLine(ref)
}
