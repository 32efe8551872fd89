// Package report renders an analysis report as JSON (the stable
// nettriage.report/v1 contract) or as text for a terminal.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// JSON writes the report as indented JSON. Nil slices are written as [] so
// that consumers never have to tell null from empty.
func JSON(w io.Writer, r *engine.Report) error { return encodeJSON(w, r, "  ") }

// CompactJSON is JSON without the indentation, for a program at the other
// end (the page's UI): indenting is a second pass over the text, which for
// a capture's report is a tenth of the analysis in WebAssembly.
func CompactJSON(w io.Writer, r *engine.Report) error { return encodeJSON(w, r, "") }

func encodeJSON(w io.Writer, r *engine.Report, indent string) error {
	c := *r
	c.Normalize()
	enc := json.NewEncoder(w)
	enc.SetIndent("", indent)
	enc.SetEscapeHTML(false)
	return enc.Encode(&c)
}

// TextOptions controls the terminal rendering.
type TextOptions struct {
	Color   bool // ANSI colours; the CLI sets it only on a TTY without NO_COLOR
	Verbose bool // also print explanations and every artifact
	// Timeline prints the whole timeline; without it each finding shows
	// the events around its span.
	Timeline bool
}

type palette struct{ bold, red, yellow, blue, dim, reset string }

func colours(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[2m", "\x1b[0m"}
}

// Text writes a human-readable report: findings grouped by severity, each
// with its evidence lines, fix and what to collect next.
func Text(w io.Writer, r *engine.Report, opt TextOptions) error {
	p := colours(opt.Color)
	b := &strings.Builder{}
	o := makeOutline(r)
	fmt.Fprintf(b, "%snettriage %s%s — %d artifact(s), host(s): %s\n", p.bold, Escape(r.Tool.Version), p.reset,
		len(r.Artifacts), strings.Join(escapeAll(r.Hosts), ", "))
	fmt.Fprintf(b, "%s\n", o.summaryLine())

	current := ""
	for _, f := range o.main {
		if f.Severity != current {
			current = f.Severity
			col := map[string]string{"critical": p.red, "warning": p.yellow, "info": p.blue}[current]
			fmt.Fprintf(b, "\n%s%s== %s ==%s\n", p.bold, col, strings.ToUpper(current), p.reset)
		}
		fmt.Fprintf(b, "\n%s[%s] %s%s  (%s, host %s)\n", p.bold, Escape(f.Rule), Escape(f.Title), p.reset, Escape(f.Confidence), Escape(f.Host))
		if f.ExplainedBy != "" {
			fmt.Fprintf(b, "  explained by: %s\n", Escape(f.ExplainedBy))
		}
		fmt.Fprintf(b, "  %s\n", wrap(Escape(strings.TrimSpace(f.Summary)), 2))
		if len(f.Evidence) > 0 {
			b.WriteString("  Evidence:\n")
			for i, e := range f.Evidence {
				if i == 8 && !opt.Verbose {
					fmt.Fprintf(b, "    … %d more (use -v)\n", len(f.Evidence)-i)
					break
				}
				fmt.Fprintf(b, "    %s%s%s", p.dim, Escape(evidenceName(e)), p.reset)
				if e.Note != "" {
					fmt.Fprintf(b, "  (%s)", Escape(e.Note))
				}
				b.WriteString("\n")
				if e.Text != "" {
					fmt.Fprintf(b, "      %s\n", firstLines(e.Text, 3))
				}
			}
		}
		if !opt.Timeline {
			textFindingTimeline(b, r, f, p)
		}
		for i, fl := range f.Flows {
			if i == 2 && !opt.Verbose {
				fmt.Fprintf(b, "  … %d more flows (use -v)\n", len(f.Flows)-i)
				break
			}
			textLadder(b, f, fl, p, opt.Verbose)
		}
		if opt.Verbose {
			fmt.Fprintf(b, "  Why:\n    %s\n", indent(escapeLines(f.Explanation), 4))
		}
		fmt.Fprintf(b, "  Fix:\n    %s\n", indent(escapeLines(f.Remediation), 4))
		if len(f.Missing) > 0 {
			b.WriteString("  Collect next:\n")
			for _, m := range f.Missing {
				fmt.Fprintf(b, "    - %s: %s\n      $ %s\n", Escape(m.Kind), Escape(m.Why), Escape(m.Collect))
			}
		}
		if len(f.References) > 0 && opt.Verbose {
			b.WriteString("  References:\n")
			for _, ref := range f.References {
				fmt.Fprintf(b, "    %s\n", Escape(ref))
			}
		}
	}
	if len(o.main) == 0 {
		b.WriteString("\nNo failure mode matched at likely or above.\n")
	}
	if len(o.worth) > 0 {
		fmt.Fprintf(b, "\n%s== WORTH A LOOK ==%s  (possible: a risk factor or an old total, not a diagnosis)\n", p.bold, p.reset)
		for _, f := range o.worth {
			fmt.Fprintf(b, "  [%s] %s  %s(%s, host %s)%s — %s\n", Escape(f.Rule), Escape(f.Title), p.dim,
				Escape(f.Severity), Escape(f.Host), p.reset, Escape(toDecide(f)))
		}
		fmt.Fprintf(b, "  %snettriage explain RULE-ID tells what each one needs%s\n", p.dim, p.reset)
	}
	textChecks(b, r, o, p, opt.Verbose || len(o.main) == 0)
	if len(r.Counters) > 0 {
		fmt.Fprintf(b, "\n%sCounters that moved between snapshots%s (unchanged ones hidden)\n", p.bold, p.reset)
		limit := 15
		if opt.Verbose {
			limit = len(r.Counters)
		}
		for i, c := range r.Counters {
			if i == limit {
				fmt.Fprintf(b, "  … %d more (use -v)\n", len(r.Counters)-limit)
				break
			}
			mark := " "
			if len(c.Rules) > 0 {
				mark = p.yellow + "*" + p.reset
			}
			fmt.Fprintf(b, " %s %-32s %+12d  %s\n", mark, Escape(c.Name), c.Delta, Escape(c.Meaning))
		}
	}
	if len(r.Captures) > 0 {
		fmt.Fprintf(b, "\n%sCaptures%s\n", p.bold, p.reset)
		for _, c := range r.Captures {
			fmt.Fprintf(b, "  %s: %d packets (%d TCP), %d connections", Escape(c.Artifact), c.Packets, c.TCPPackets, c.FlowCount)
			if c.Packets > 0 {
				fmt.Fprintf(b, ", %s to %s (%s)", c.Start.Format("2006-01-02 15:04:05"), c.End.Format("15:04:05 MST"),
					c.End.Sub(c.Start).Round(time.Millisecond))
			}
			b.WriteString("\n")
			if sm := c.Summary; c.Packets > 0 {
				fmt.Fprintf(b, "    %d retransmissions, %d resets, %d zero windows, %d failed handshakes\n",
					sm.Retransmissions, sm.Resets, sm.ZeroWindows, sm.FailedHandshakes)
				for i, cv := range sm.TopConversations {
					if i == 3 && !opt.Verbose {
						break
					}
					fmt.Fprintf(b, "    busiest: %s → %s, %d packets, %d bytes\n", Escape(cv.Client), Escape(cv.Server), cv.Packets, cv.Bytes)
				}
			}
			for _, n := range c.Notes {
				fmt.Fprintf(b, "    %s\n", Escape(n))
			}
			for i, m := range c.NAT {
				if i == 4 && !opt.Verbose {
					fmt.Fprintf(b, "    … %d more NAT mappings (use -v)\n", len(c.NAT)-i)
					break
				}
				fmt.Fprintf(b, "    NAT: %s  became  %s  (%d packets)\n", Escape(m.Before), Escape(m.After), m.Packets)
			}
		}
	}
	textClocks(b, r, opt.Timeline, p)
	if opt.Timeline {
		textTimeline(b, r, p)
	}
	textArtifacts(b, r, o, p, opt.Verbose)
	if len(r.Errors) > 0 {
		fmt.Fprintf(b, "\n%sErrors:%s\n", p.bold, p.reset)
		for _, e := range r.Errors {
			fmt.Fprintf(b, "  %s: %s\n", Escape(e.Artifact), Escape(e.Message))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textChecks says what the rules checked: counts always; with detail
// (what ruled each rule out, what the others lacked, the totals since boot
// the rules read) when nothing matched or in verbose mode.
func textChecks(b *strings.Builder, r *engine.Report, o outline, p palette, detail bool) {
	if o.rules == 0 {
		return
	}
	fmt.Fprintf(b, "\n%sRules checked:%s %d rules on %d host(s): %d matched, %d ruled out, %d could not run\n",
		p.bold, p.reset, o.rules, len(r.Hosts), o.matched, o.ruledOut, o.notRun)
	if !detail {
		return
	}
	for i, c := range o.ruledOutList {
		if i == 12 {
			fmt.Fprintf(b, "  … %d more ruled out (see --format json, checks[])\n", len(o.ruledOutList)-i)
			break
		}
		fmt.Fprintf(b, "  ruled out  %-30s %s%s%s\n", Escape(c.Rule), p.dim, Escape(shorten(c.Reason, 140)), p.reset)
	}
	for _, g := range o.notRunBy {
		fmt.Fprintf(b, "  not run, lacking %s: %s\n", Escape(g.missing), Escape(strings.Join(g.rules, ", ")))
	}
	if len(r.Totals) > 0 {
		fmt.Fprintf(b, "\n%sCounter totals since boot that rules read%s (one snapshot: not a rate of now)\n", p.bold, p.reset)
		for i, t := range r.Totals {
			if i == 15 {
				fmt.Fprintf(b, "  … %d more (see --format json, totals[])\n", len(r.Totals)-i)
				break
			}
			rate := ""
			if t.PerSecond > 0 {
				rate = fmt.Sprintf("  %.3g/s on average since boot", t.PerSecond)
			}
			fmt.Fprintf(b, "  %-32s %12d%s  %s%s%s\n", Escape(t.Name), t.Value, rate, p.dim, Escape(t.Meaning), p.reset)
		}
	}
}

// textArtifacts lists what was read: every artifact in verbose mode, else
// a count per kind; parse warnings summarised per artifact (count and the
// first three) within a bound; and the directories not analysed.
func textArtifacts(b *strings.Builder, r *engine.Report, o outline, p palette, verbose bool) {
	fmt.Fprintf(b, "\n%sArtifacts:%s %d read", p.bold, p.reset, len(r.Artifacts))
	kinds := map[string]int{}
	var order []string
	for _, a := range r.Artifacts {
		if kinds[a.Kind] == 0 {
			order = append(order, a.Kind)
		}
		kinds[a.Kind]++
	}
	sort.Strings(order)
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, " (%s)", Escape(strings.Join(parts, ", ")))
	}
	b.WriteString("\n")
	if verbose {
		for _, a := range r.Artifacts {
			why := ""
			if a.HostReason != "" {
				why = ": " + a.HostReason
			}
			fmt.Fprintf(b, "  %s%-10s%s %s [%s%s]\n", p.dim, Escape(a.Kind), p.reset, Escape(a.Name), Escape(hostLabel(a)), Escape(why))
		}
	}
	if o.warnings > 0 {
		fmt.Fprintf(b, "  %d parse warning(s) in %d artifact(s):\n", o.warnings, len(o.warned))
		for i, ws := range o.warned {
			if i == maxWarnedArtifacts {
				fmt.Fprintf(b, "    … %d more artifacts with warnings (see --format json)\n", len(o.warned)-i)
				break
			}
			fmt.Fprintf(b, "    %s (%s): %d\n", Escape(ws.a.Name), Escape(ws.a.Kind), ws.total)
			for _, w := range ws.first {
				fmt.Fprintf(b, "      %s%s%s\n", p.dim, Escape(shorten(w, 160)), p.reset)
			}
		}
	}
	for _, n := range r.NotAnalysed {
		fmt.Fprintf(b, "  not analysed: %s: %d file(s), %s\n", Escape(n.Path), n.Count, Escape(n.Reason))
	}
}

// shorten cuts s to n bytes on a character boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// SortFindings orders findings by severity, then confidence, then rule id.
func SortFindings(fs []engine.Finding) {
	rank := func(list []string, s string) int {
		for i, x := range list {
			if x == s {
				return i
			}
		}
		return len(list)
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if x, y := rank(engine.Severities, a.Severity), rank(engine.Severities, b.Severity); x != y {
			return x < y
		}
		if x, y := rank(engine.Confidences, a.Confidence), rank(engine.Confidences, b.Confidence); x != y {
			return x < y
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Host < b.Host
	})
}

func wrap(s string, ind int) string {
	return indent(strings.Join(strings.Fields(s), " "), ind)
}

func indent(s string, n int) string {
	s = strings.TrimSpace(s)
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
}

// firstLines shortens evidence text for a terminal: at most n lines of at
// most 200 bytes each (cut on a character), escaped.
func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	for i, l := range lines {
		l = Escape(strings.TrimSuffix(l, "\r"))
		if len(l) > 200 {
			cut := 200
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			l = l[:cut] + "…"
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n      ")
}

// textLadder prints a capture flow's packets, marking the ones the
// evidence points at. Without verbose, long flows show the evidence
// packets with two packets of context around each.
func textLadder(b *strings.Builder, f engine.Finding, fl engine.FlowEvidence, p palette, verbose bool) {
	marked := map[int]bool{}
	for _, e := range f.Evidence {
		if e.Artifact == fl.Artifact && e.Frame > 0 {
			marked[e.Frame] = true
		}
	}
	pkts := fl.Packets
	show := make([]bool, len(pkts))
	for i, pk := range pkts {
		if verbose || len(pkts) <= 12 || marked[pk.Frame] {
			for j := max(0, i-2); j <= min(len(pkts)-1, i+2) && (!verbose || j == i); j++ {
				show[j] = true
			}
			if verbose || len(pkts) <= 12 {
				show[i] = true
			}
		}
	}
	fmt.Fprintf(b, "  Packets of %s (%s), %d in the flow:\n", Escape(fl.Label()), Escape(fl.Artifact), fl.Total)
	// The packets of earlier connections this one was compared with (PAWS:
	// the timestamp the server kept), before its own.
	for _, c := range fl.Compared {
		fmt.Fprintf(b, "    %s #%-7d %s → earlier connection from port %d, TSval=%d: the server's last timestamp from this address\n",
			"  ", c.Frame, c.Time.Format("15:04:05.000000"), c.ClientPort, c.TSval)
	}
	skipped := false
	for i, pk := range pkts {
		if !show[i] {
			skipped = true
			continue
		}
		if skipped {
			b.WriteString("      …\n")
			skipped = false
		}
		mark := "  "
		if marked[pk.Frame] {
			mark = p.yellow + ">>" + p.reset
		}
		dir := "→"
		if pk.Dir == "<" {
			dir = "←"
		}
		line := fmt.Sprintf("#%-7d %s %s %-12s seq=%d", pk.Frame, pk.Time.Format("15:04:05.000000"), dir, Escape(pk.Flags), pk.Seq)
		if strings.Contains(pk.Flags, "ACK") {
			line += fmt.Sprintf(" ack=%d", pk.Ack)
		}
		line += fmt.Sprintf(" win=%d len=%d", pk.Win, pk.Len)
		if pk.TSval != 0 {
			line += fmt.Sprintf(" TSval=%d", pk.TSval)
		}
		if len(pk.Notes) > 0 {
			line += "  " + strings.Join(escapeAll(pk.Notes), ", ")
		}
		fmt.Fprintf(b, "    %s %s\n", mark, line)
	}
	if skipped || fl.Omitted > 0 {
		fmt.Fprintf(b, "      … (%d packets not kept or not shown)\n", fl.Total-countTrue(show))
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// hostLabel names an artifact's host, with its network namespace if any.
func hostLabel(a engine.ArtifactInfo) string {
	if a.Namespace != "" {
		return a.Host + " (netns " + a.Namespace + ")"
	}
	return a.Host
}
