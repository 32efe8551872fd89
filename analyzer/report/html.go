package report

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/report/ladder"
	"github.com/nettriage/nettriage/analyzer/report/mdhtml"
)

// HTML writes the report as one self-contained HTML file: inline styles
// (light and dark), no script, and a Content-Security-Policy that forbids
// every load, so the file can be attached to a ticket and opened anywhere
// without fetching anything. Findings come in the order of SortFindings,
// each with its evidence, a ladder diagram of the capture flows it rests
// on, the fix, what to collect next and references; then the counters that
// moved, the captures, the artifacts and the errors.
//
// Every string from the report is escaped; rule Markdown goes through
// mdhtml, which emits a fixed set of tags and only http(s) links.
func HTML(w io.Writer, r *engine.Report) error {
	b := &htmlBuilder{}
	b.raw(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>nettriage report</title>
<style>` + htmlStyle + `</style>
</head><body>
`)
	b.raw("<header><h1>nettriage report</h1>\n<dl class=\"meta\">")
	b.dt("Tool", r.Tool.Name+" "+r.Tool.Version)
	b.dt("Rules", r.Tool.Rules)
	b.dt("Hosts", strings.Join(r.Hosts, ", "))
	b.dt("Artifacts", fmt.Sprint(len(r.Artifacts)))
	b.dt("Findings", fmt.Sprint(len(r.Findings)))
	o := makeOutline(r)
	b.dt("Outcome", o.summaryLine())
	b.raw("</dl></header>\n<main>\n")

	findings := o.main
	b.raw(`<section><h2>Findings</h2>`)
	if len(findings) == 0 {
		b.raw("<p>No failure mode matched at likely or above.</p>")
	} else {
		b.raw(`<table><thead><tr><th>#</th><th>Severity</th><th>Confidence</th><th>Rule</th><th>Host</th><th>Title</th></tr></thead><tbody>`)
		for i, f := range findings {
			b.raw(fmt.Sprintf(`<tr><td><a href="#finding-%d">%d</a></td><td>`, i+1, i+1))
			b.badge("sev-"+f.Severity, f.Severity)
			b.raw("</td><td>")
			b.badge("conf-"+f.Confidence, f.Confidence)
			b.raw("</td><td><code>" + esc(f.Rule) + "</code></td><td>" + esc(f.Host) + "</td><td>" + esc(f.Title) + "</td></tr>")
		}
		b.raw("</tbody></table>")
	}
	b.raw("</section>\n")
	for i, f := range findings {
		writeHTMLFinding(b, i+1, f)
	}
	if len(o.worth) > 0 {
		b.raw(`<section class="worth"><h2>Worth a look</h2><p class="muted">Possible: a risk factor or an old total, not a diagnosis.</p><ul>`)
		for _, f := range o.worth {
			b.raw(fmt.Sprintf(`<li class="finding worth" data-rule="%s" data-confidence="%s"><code>%s</code> %s <span class="muted">(%s, host %s)</span>: %s</li>`,
				esc(f.Rule), esc(f.Confidence), esc(f.Rule), esc(f.Title), esc(f.Severity), esc(f.Host), esc(toDecide(f))))
		}
		b.raw("</ul></section>\n")
	}
	if o.rules > 0 {
		b.raw(fmt.Sprintf(`<section><h2>Rules checked</h2><p>%d rules on %d host(s): %d matched, %d ruled out, %d could not run.</p>`,
			o.rules, len(r.Hosts), o.matched, o.ruledOut, o.notRun))
		if len(o.main) == 0 {
			if len(o.ruledOutList) > 0 {
				b.raw(`<table><thead><tr><th>Rule</th><th>Host</th><th>Ruled out because</th></tr></thead><tbody>`)
				for i, c := range o.ruledOutList {
					if i == 20 {
						b.raw(fmt.Sprintf(`<tr><td colspan="3">… %d more in the JSON report</td></tr>`, len(o.ruledOutList)-i))
						break
					}
					b.raw("<tr><td><code>" + esc(c.Rule) + "</code></td><td>" + esc(c.Host) + "</td><td>" + esc(shorten(c.Reason, 200)) + "</td></tr>")
				}
				b.raw("</tbody></table>")
			}
			for _, g := range o.notRunBy {
				b.raw("<p>Not run, lacking " + esc(g.missing) + ": " + esc(strings.Join(g.rules, ", ")) + "</p>")
			}
			if len(r.Totals) > 0 {
				b.raw(`<h3>Counter totals since boot that rules read</h3><table><thead><tr><th>Host</th><th>Counter</th><th class="num">Total</th><th class="num">Average since boot</th><th>Meaning</th></tr></thead><tbody>`)
				for _, t := range r.Totals {
					rate := ""
					if t.PerSecond > 0 {
						rate = fmt.Sprintf("%.3g/s", t.PerSecond)
					}
					b.raw(fmt.Sprintf(`<tr><td>%s</td><td><code>%s</code></td><td class="num">%d</td><td class="num">%s</td><td>%s</td></tr>`,
						esc(t.Host), esc(t.Name), t.Value, rate, esc(t.Meaning)))
				}
				b.raw("</tbody></table>")
			}
		}
		b.raw("</section>\n")
	}

	htmlTimeline(b, r)

	if len(r.Counters) > 0 {
		b.raw(`<section><h2>Counters that moved between snapshots</h2><table><thead><tr><th>Host</th><th>Counter</th><th class="num">First</th><th class="num">Last</th><th class="num">Delta</th><th>Read by rules</th><th>Meaning</th></tr></thead><tbody>`)
		for _, c := range r.Counters {
			b.raw(fmt.Sprintf(`<tr><td>%s</td><td><code>%s</code></td><td class="num">%d</td><td class="num">%d</td><td class="num">%+d</td><td>%s</td><td>%s</td></tr>`,
				esc(c.Host), esc(c.Name), c.First, c.Last, c.Delta, esc(strings.Join(c.Rules, ", ")), esc(c.Meaning)))
		}
		b.raw("</tbody></table></section>\n")
	}

	if len(r.Captures) > 0 {
		b.raw(`<section><h2>Captures</h2><table><thead><tr><th>Capture</th><th class="num">Packets</th><th class="num">Flows</th><th>Notes</th></tr></thead><tbody>`)
		for _, c := range r.Captures {
			notes := []string{fmt.Sprintf("%d retransmissions, %d resets, %d zero windows, %d failed handshakes",
				c.Summary.Retransmissions, c.Summary.Resets, c.Summary.ZeroWindows, c.Summary.FailedHandshakes)}
			for _, cv := range c.Summary.TopConversations {
				notes = append(notes, fmt.Sprintf("busiest: %s → %s, %d packets, %d bytes", cv.Client, cv.Server, cv.Packets, cv.Bytes))
			}
			notes = append(notes, c.Notes...)
			if c.Truncated {
				notes = append(notes, "the file ends inside a packet")
			}
			for _, m := range c.NAT {
				notes = append(notes, "NAT: "+m.Before+" ⇒ "+m.After)
			}
			b.raw(fmt.Sprintf(`<tr><td><code>%s</code></td><td class="num">%d</td><td class="num">%d</td><td>%s</td></tr>`,
				esc(c.Artifact), c.Packets, c.FlowCount, joinEsc(notes)))
		}
		b.raw("</tbody></table></section>\n")
	}

	b.raw(`<section><h2>Artifacts</h2>`)
	if len(r.Artifacts) == 0 {
		b.raw("<p>No artifacts.</p>")
	} else {
		b.raw(`<table><thead><tr><th>Kind</th><th>Host</th><th>Artifact</th><th>Warnings</th></tr></thead><tbody>`)
		for _, a := range r.Artifacts {
			host := hostLabel(a)
			var ws []string
			if n := max(a.WarningsTotal, len(a.Warnings)); n > 0 {
				ws = append(ws, fmt.Sprintf("%d warning(s)", n))
				for i, wn := range a.Warnings {
					if i == 3 {
						break
					}
					ws = append(ws, shorten(wn.String(), 160))
				}
			}
			b.raw(`<tr><td>`)
			b.badge("kind", a.Kind)
			b.raw(`</td><td>` + esc(host) + `</td><td><code>` + esc(a.Name) + `</code></td><td>` + joinEsc(ws) + `</td></tr>`)
		}
		b.raw("</tbody></table>")
	}
	for _, n := range r.NotAnalysed {
		b.raw(fmt.Sprintf("<p>Not analysed: <code>%s</code>: %d file(s), %s</p>", esc(n.Path), n.Count, esc(n.Reason)))
	}
	b.raw("</section>\n")

	if len(r.Errors) > 0 {
		b.raw(`<section><h2>Errors</h2><ul>`)
		for _, e := range r.Errors {
			b.raw("<li><code>" + esc(e.Artifact) + "</code>: " + esc(e.Message) + "</li>")
		}
		b.raw("</ul></section>\n")
	}
	b.raw("</main></body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHTMLFinding(b *htmlBuilder, n int, f engine.Finding) {
	b.raw(fmt.Sprintf(`<section class="finding sev-%s" id="finding-%d" data-rule="%s" data-confidence="%s">`,
		esc(f.Severity), n, esc(f.Rule), esc(f.Confidence)))
	b.raw(fmt.Sprintf("<h3>%d. %s</h3><p class=\"tags\">", n, esc(f.Title)))
	b.badge("sev-"+f.Severity, f.Severity)
	b.badge("conf-"+f.Confidence, f.Confidence)
	b.raw(" <code>" + esc(f.Rule) + "</code> on host <strong>" + esc(f.Host) + "</strong>")
	if f.ExplainedBy != "" {
		b.raw(" · explained by <code>" + esc(f.ExplainedBy) + "</code>")
	}
	b.raw("</p>")
	b.raw(mdhtml.Render(f.Summary))

	if len(f.Evidence) > 0 {
		b.raw("<h4>Evidence</h4><ol class=\"evidence\">")
		frames := map[string][]int{}
		for _, e := range f.Evidence {
			b.raw("<li><code class=\"loc\">" + esc(evidenceName(e)) + "</code>")
			if e.Time != "" {
				b.raw(" <span class=\"time\">" + esc(e.Time) + "</span>")
			}
			if e.Note != "" {
				b.raw(" — " + esc(e.Note))
			}
			if e.Text != "" {
				b.raw("<pre>" + esc(strings.TrimRight(e.Text, "\n")) + "</pre>")
			}
			b.raw("</li>")
			if e.Frame > 0 {
				frames[e.Artifact] = append(frames[e.Artifact], e.Frame)
			}
		}
		b.raw("</ol>")
		for _, fl := range f.Flows {
			if fl.Flow == nil {
				continue
			}
			lf := ladder.FromSchema(fl)
			b.raw("<figure class=\"flow\">" + ladder.SVG(lf, ladder.Highlight(lf, frames[fl.Artifact])))
			b.raw("<figcaption>" + esc(fl.Artifact) + ": " + esc(fl.Label()) + ", evidence packets highlighted</figcaption></figure>")
		}
	}
	if s := strings.TrimSpace(f.Explanation); s != "" {
		b.raw("<details><summary>Why this happens</summary>" + mdhtml.Render(s) + "</details>")
	}
	if s := strings.TrimSpace(f.Remediation); s != "" {
		b.raw("<h4>Fix</h4>" + mdhtml.Render(s))
	}
	if len(f.Missing) > 0 {
		b.raw("<h4>Collect next</h4><ul class=\"missing\">")
		for _, m := range f.Missing {
			b.raw("<li><strong>" + esc(m.Kind) + ":</strong> " + esc(m.Why))
			if m.Collect != "" {
				b.raw("<pre>" + esc(m.Collect) + "</pre>")
			}
			b.raw("</li>")
		}
		b.raw("</ul>")
	}
	if len(f.References) > 0 {
		b.raw("<h4>References</h4><ul>")
		for _, ref := range f.References {
			if mdhtml.SafeURL(ref) {
				u := esc(strings.TrimSpace(ref))
				b.raw(`<li><a href="` + u + `" rel="noopener noreferrer">` + u + `</a></li>`)
			} else {
				b.raw("<li>" + esc(ref) + "</li>")
			}
		}
		b.raw("</ul>")
	}
	b.raw("</section>\n")
}

// htmlBuilder accumulates HTML; raw takes markup the caller built from
// constants and escaped values.
type htmlBuilder struct{ strings.Builder }

func (b *htmlBuilder) raw(s string) { b.WriteString(s) }

func (b *htmlBuilder) dt(term, def string) {
	b.raw("<dt>" + esc(term) + "</dt><dd>" + esc(def) + "</dd>")
}

func (b *htmlBuilder) badge(class, text string) {
	b.raw(`<span class="badge ` + esc(class) + `">` + esc(text) + `</span> `)
}

func esc(s string) string { return html.EscapeString(s) }

// joinEsc escapes each string and joins them with line breaks.
func joinEsc(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = esc(s)
	}
	return strings.Join(out, "<br>")
}

// htmlStyle is the report's whole style sheet: system fonts, light and
// dark themes from prefers-color-scheme, print-friendly.
const htmlStyle = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--code:#f6f8fa;--crit:#b42318;--warn:#9a6700;--info:#0969da;--hl:#d1242f;--hlbg:#fff1c2}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--code:#161b22;--crit:#ff7b72;--warn:#d29922;--info:#58a6ff;--hl:#ff7b72;--hlbg:#3b2e00}}
body{margin:0 auto;max-width:70rem;padding:1rem 1.5rem;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.6rem}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{margin-bottom:.3rem}
a{color:var(--info)}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
code{padding:0 .25em}pre{padding:.5rem .7rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;border:1px solid var(--line)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--code)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}.meta dt{color:var(--muted)}.meta dd{margin:0}
.badge{display:inline-block;border:1px solid currentColor;border-radius:999px;padding:0 .5em;font-size:.8rem;font-weight:600}
.sev-critical{color:var(--crit)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}.conf-confirmed,.conf-likely,.conf-possible,.kind{color:var(--muted)}
section.finding{border-left:4px solid currentColor;padding:.2rem 1rem .6rem;margin:1.5rem 0;color:inherit}
section.finding.sev-critical{border-color:var(--crit)}section.finding.sev-warning{border-color:var(--warn)}section.finding.sev-info{border-color:var(--info)}
section.finding>*{color:var(--fg)}.muted,.worth .muted{color:var(--muted)}li.worth{margin:.3rem 0}.tags .badge{margin-right:.3rem}.evidence li{margin:.4rem 0}.time{color:var(--muted)}
figure.flow{margin:.8rem 0;overflow-x:auto}figcaption{color:var(--muted);font-size:.85rem}
.ladder .life{stroke:var(--muted)}.ladder .hl{color:var(--hl);font-weight:700}.ladder .hl line{stroke-width:2.5}.ladder .note{fill:var(--muted)}.ladder .hl .note{fill:var(--hl)}
.ladder .t,.ladder .col{fill:var(--muted)}.ladder .gap,.ladder .brk{color:var(--muted)}
details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
@media print{details{display:block}body{max-width:none}}
`
