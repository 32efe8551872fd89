package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
	"github.com/nettriage/nettriage/analyzer/source"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain name.txt":                "plain name.txt",
		"café ✓ 日本 ünïcode":             "café ✓ 日本 ünïcode",
		`C:\logs\x1b literally`:         `C:\logs\x1b literally`,
		"clear\x1b[2J\x1b[H":            `clear\x1b[2J\x1b[H`,
		"title\x1b]0;pwned\x07":         `title\x1b]0;pwned\x07`,
		"nul\x00byte":                   `nul\x00byte`,
		"over\rwrite":                   `over\rwrite`,
		"fake\n[critical] line":         `fake\n[critical] line`,
		"tab\there":                     "tab here",
		"del\x7f bell\a bs\b":           `del\x7f bell\x07 bs\x08`,
		"c1 \u009b2J and \u0085":        `c1 \u009b2J and \u0085`,
		"raw c1 byte \x9b2J":            `raw c1 byte \x9b2J`,
		"invoice\u202efdp.exe":          `invoice\u202efdp.exe`,
		"\u2066isolate\u2069 \u200fRLM": `\u2066isolate\u2069 \u200fRLM`,
		"zero\u200bwidth \ufeffbom":     `zero\u200bwidth \ufeffbom`,
		"line\u2028sep\u2029para":       `line\u2028sep\u2029para`,
		"cut \xe2\x82":                  `cut \xe2\x82`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	clean := "sosreport-node1/sos_commands/networking/ss_-peaonmi"
	if n := testing.AllocsPerRun(100, func() { Escape(clean) }); n != 0 {
		t.Errorf("a clean string costs %v allocations", n)
	}
}

// hostile is a report whose every input-controlled string carries
// terminal escapes, control characters and bidi overrides.
func hostile() *engine.Report {
	const (
		clear = "\x1b[2J\x1b[H"
		title = "\x1b]0;pwned\x07"
		bidi  = "\u202e"
	)
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return &engine.Report{
		Schema: engine.Schema, Tool: engine.Tool{Name: "nettriage", Version: "t" + clear},
		Hosts: []string{"node" + title, "h2" + bidi},
		Artifacts: []engine.ArtifactInfo{{Name: "bundle.tar/member" + clear + ".txt", Host: "node" + title, Kind: "ss",
			Warnings: []source.Warning{{Line: 2, Message: "bad\x00line\r" + bidi}}}},
		Findings: []engine.Finding{{
			Rule: "r" + clear, Host: "node" + title, Title: "T" + bidi, Severity: "critical", Confidence: "likely",
			Summary: "summary with " + clear, ExplainedBy: "x" + title,
			Explanation: "why\x1b[8m hidden\nsecond line" + bidi, Remediation: "fix" + title + "\r\nnext",
			Evidence: []engine.Evidence{
				{Artifact: "member" + clear, Line: 3, Text: "evidence" + clear + "\r\nline two\x00" + title + "\nline three\u009b", Note: "note" + bidi},
				{Artifact: "cap" + title + ".pcap", Frame: 1},
			},
			Missing:    []engine.Missing{{Kind: "k" + clear, Why: "w" + bidi, Collect: "cat /x" + title}},
			References: []string{"https://example.invalid/" + clear},
			Flows: []engine.FlowEvidence{{Artifact: "cap" + title + ".pcap", Flow: &schema.Flow{Total: 1,
				Packets: []schema.Packet{{Frame: 1, Time: at, Dir: ">", Flags: "SYN", Notes: []string{"n" + clear}}}}}},
		}},
		Counters: []engine.CounterMove{{Host: "node", Name: "TcpExt.X" + clear, Delta: 3, Meaning: "m" + bidi}},
		Captures: []engine.Capture{{Artifact: "cap" + title + ".pcap", Packets: 1, Start: at, End: at,
			Notes: []string{"note" + clear}, NAT: []schema.NATMapping{{Before: "a" + clear, After: "b" + bidi, Packets: 1}}}},
		Errors: []engine.Error{{Artifact: "evil" + title + ".tar", Message: "failed: " + clear + "\x00"}},
	}
}

// TestTextEscapesUntrustedStrings renders the hostile report, coloured and
// verbose, and checks that the only escape sequences left are the
// renderer's own colours, and that the hostile ones are shown escaped.
func TestTextEscapesUntrustedStrings(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, hostile(), TextOptions{Color: true, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "\x1b[31m") {
		t.Fatal("the renderer's own colours are gone")
	}
	p := colours(true)
	rest := out
	for _, c := range []string{p.bold, p.red, p.yellow, p.blue, p.dim, p.reset} {
		rest = strings.ReplaceAll(rest, c, "")
	}
	for i, r := range rest {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == unicode.ReplacementChar {
			t.Fatalf("raw %U at byte %d of:\n%s", r, i, out)
		}
	}
	for _, want := range []string{
		`bundle.tar/member\x1b[2J\x1b[H.txt [node\x1b]0;pwned\x07]`,
		`host(s): node\x1b]0;pwned\x07, h2\u202e`,
		`line 2: bad\x00line\r\u202e`,
		`[r\x1b[2J\x1b[H] T\u202e`,
		`member\x1b[2J\x1b[H:3`,
		"evidence\\x1b[2J\\x1b[H\n      line two\\x00\\x1b]0;pwned\\x07\n      line three\\u009b",
		`cap\x1b]0;pwned\x07.pcap frame 1`,
		"why\\x1b[8m hidden\n    second line\\u202e",
		"fix\\x1b]0;pwned\\x07\n    next",
		`$ cat /x\x1b]0;pwned\x07`,
		`(cap\x1b]0;pwned\x07.pcap), 1 in the flow`,
		`SYN          seq=0 win=0 len=0  n\x1b[2J\x1b[H`,
		`TcpExt.X\x1b[2J\x1b[H`,
		`note\x1b[2J\x1b[H`,
		`NAT: a\x1b[2J\x1b[H  became  b\u202e`,
		`evil\x1b]0;pwned\x07.tar: failed: \x1b[2J\x1b[H\x00`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A long evidence line is cut on a character boundary, after escaping.
func TestFirstLinesCutsOnACharacter(t *testing.T) {
	got := firstLines(strings.Repeat("é", 150), 3)
	if !strings.HasSuffix(got, "…") || strings.ContainsRune(got, unicode.ReplacementChar) || len(got) > 203 {
		t.Errorf("cut line: %q", got)
	}
	got = firstLines(strings.Repeat("\x1b", 100), 3)
	if strings.ContainsRune(got, 0x1b) || !strings.HasPrefix(got, `\x1b\x1b`) {
		t.Errorf("escaped then cut: %q", got)
	}
}
