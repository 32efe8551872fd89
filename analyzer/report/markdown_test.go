package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/source"
)

func markdown(t *testing.T, r *engine.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// inOrder fails unless every string occurs in out, each after the last.
func inOrder(t *testing.T, out string, want ...string) {
	t.Helper()
	last := -1
	for _, s := range want {
		i := strings.Index(out[last+1:], s)
		if i < 0 {
			t.Fatalf("%q missing (or out of order) in:\n%s", s, out)
		}
		last += 1 + i
	}
}

func TestMarkdownStructure(t *testing.T) {
	r := sample()
	r.Findings[2].References = []string{"https://docs.kernel.org/networking/ip-sysctl.html"}
	r.Findings[2].Remediation = "- **Turn it off:** `sysctl -w net.ipv4.tcp_tw_recycle=0`\n"
	r.Findings[0].ExplainedBy = "c-crit"
	r.Artifacts = []engine.ArtifactInfo{
		{Name: "session.txt#1 ss -tan | grep 80", Host: "s2", Kind: "sockets",
			Warnings: []source.Warning{{Line: 3, Message: "odd line"}}},
		{Name: "sysctl_-a", Host: "s2", Namespace: "ns1", Kind: "sysctl"},
	}
	r.Errors = []engine.Error{{Artifact: "x.tar", Message: "member ../../etc/x escapes the archive"}}
	out := markdown(t, r)

	inOrder(t, out,
		"# nettriage report",
		"| Tool | nettriage t |", "| Rules | r |", "| Hosts | s2 |",
		"## Findings",
		"| # | Severity | Confidence | Rule | Host | Title |",
		// the table follows SortFindings: critical/confirmed first
		"| 1 | critical | confirmed | `c-crit` | s2 | C |",
		"| 2 | warning | likely | `b-warn` | s2 | W |",
		"### 1. C — `c-crit` (confirmed)",
		"**Severity:** critical · **Confidence:** confirmed · **Host:** `s2`",
		"\nc\n",
		"#### Evidence", "`sysctl_-a:30` — on", "```text\nnet.ipv4.tcp_tw_recycle = 1\n```",
		"#### Fix", "- **Turn it off:** `sysctl -w net.ipv4.tcp_tw_recycle=0`",
		"#### Collect next", "**counters:** why", "```sh\ncat /proc/net/netstat\n```",
		"#### References", "- [https://docs.kernel.org/networking/ip-sysctl.html](https://docs.kernel.org/networking/ip-sysctl.html)",
		"### 2. W — `b-warn` (likely)", "**Explained by:** `c-crit`",
		// possible findings are set apart, one line each
		"## Worth a look", "- `a-crit-possible` P (critical, host `s2`): a risk factor only",
		"## Artifacts", "| Kind | Host | Artifact | Warnings |",
		// a pipe in an artifact name must not split the table cell
		"| sockets | s2 | `session.txt#1 ss -tan \\| grep 80` | 1: line 3: odd line |",
		"| sysctl | s2 (netns ns1) | `sysctl_-a` |  |",
		"## Errors", "- `x.tar`: member ../../etc/x escapes the archive",
	)
	if strings.Contains(out, "No failure mode matched") {
		t.Error("empty-report text in a report with findings")
	}
	// every table row has the same number of unescaped pipes as its header
	for _, block := range strings.Split(out, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if !strings.HasPrefix(lines[0], "|") {
			continue
		}
		want := strings.Count(lines[0], "|")
		for _, l := range lines {
			if n := strings.Count(l, "|") - strings.Count(l, `\|`); n != want {
				t.Errorf("row %q has %d cell separators, header has %d", l, n, want)
			}
		}
	}
	// deterministic
	if again := markdown(t, r); again != out {
		t.Error("two renderings differ")
	}
	// the input order is not changed
	if r.Findings[0].Rule != "b-warn" {
		t.Error("Markdown sorted the caller's slice")
	}
}

func TestMarkdownFenceLongerThanBackticksInEvidence(t *testing.T) {
	text := "paste:\n```\nss -tan\n```\nand ```` four"
	r := &engine.Report{Tool: engine.Tool{Name: "nettriage", Version: "t"}, Hosts: []string{"h"},
		Findings: []engine.Finding{{Rule: "x", Host: "h", Title: "T", Severity: "warning", Confidence: "likely",
			Evidence: []engine.Evidence{{Artifact: "notes`md", Line: 2, EndLine: 4, Text: text, Note: "n"}},
			Missing:  []engine.Missing{{Kind: "log", Why: "w", Collect: "grep '```' /var/log/messages"}}}}}
	out := markdown(t, r)
	// The evidence block uses a five-backtick fence, and the text is intact
	// between the opening and the closing fence.
	block := "`````text\n" + text + "\n`````\n"
	if !strings.Contains(out, block) {
		t.Fatalf("evidence not fenced with five backticks:\n%s", out)
	}
	if !strings.Contains(out, "````sh\ngrep '```' /var/log/messages\n````\n") {
		t.Errorf("collect command not fenced with four backticks:\n%s", out)
	}
	// an artifact name with a backtick gets a longer code-span delimiter
	if !strings.Contains(out, "``notes`md:2-4`` — n") {
		t.Errorf("caption:\n%s", out)
	}
	// Walk the document as a CommonMark reader would: inside a fence only a
	// line of at least as many backticks closes it. No evidence line may
	// close a fence early, and every fence must be closed.
	open := 0
	for _, l := range strings.Split(out, "\n") {
		n := len(l) - len(strings.TrimLeft(l, "`"))
		switch {
		case open == 0 && n >= 3:
			open = n
		case open > 0 && n >= open && strings.TrimSpace(l[n:]) == "":
			open = 0
		}
	}
	if open != 0 {
		t.Errorf("a fence is left open:\n%s", out)
	}
}

func TestMarkdownEmptyReport(t *testing.T) {
	out := markdown(t, &engine.Report{Schema: engine.Schema})
	inOrder(t, out, "# nettriage report", "| Findings | 0 |", "## Findings", "No failure mode matched at likely or above.", "## Artifacts", "No artifacts.")
	for _, s := range []string{"| # | Severity", "###", "## Errors", "## Counters", "```"} {
		if strings.Contains(out, s) {
			t.Errorf("empty report contains %q:\n%s", s, out)
		}
	}
}

func TestMarkdownCounters(t *testing.T) {
	r := sample()
	r.Counters = []engine.CounterMove{{Host: "s2", Name: "TcpExtListenDrops", First: 10, Last: 25, Delta: 15,
		Meaning: "SYNs dropped", Rules: []string{"tw-recycle-nat"}}}
	out := markdown(t, r)
	inOrder(t, out, "## Counters that moved between snapshots",
		"| s2 | `TcpExtListenDrops` | 10 | 25 | +15 | tw-recycle-nat | SYNs dropped |", "## Artifacts")
}
