package mdhtml

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/rules"
)

func TestRender(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraphs", "one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>\n"},
		{"code and bold", "set `a<b` **now**", "<p>set <code>a&lt;b</code> <strong>now</strong></p>\n"},
		{"emphasis", "reuses *outgoing* ones", "<p>reuses <em>outgoing</em> ones</p>\n"},
		{"snake case is not emphasis", "tcp_tw_recycle and nf_conntrack_max", "<p>tcp_tw_recycle and nf_conntrack_max</p>\n"},
		{"bullets with continuation", "- **Fix:** turn it\n  off\n- other", "<ul>\n<li><strong>Fix:</strong> turn it off</li>\n<li>other</li>\n</ul>\n"},
		{"numbered", "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"wrapped zero stays text", "weight\n0. IPVS cannot", "<p>weight 0. IPVS cannot</p>\n"},
		{"link", "see [the docs](https://docs.kernel.org/x.html).", `<p>see <a href="https://docs.kernel.org/x.html" rel="noopener noreferrer">the docs</a>.</p>` + "\n"},
		{"bare url", "at https://example.org/a_b.", `<p>at <a href="https://example.org/a_b" rel="noopener noreferrer">https://example.org/a_b</a>.</p>` + "\n"},
		{"javascript link stays text", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"},
		{"protocol-relative link stays text", "[x](//evil.example/)", "<p>[x](//evil.example/)</p>\n"},
		{"raw html escaped", "<script>alert(1)</script> & <b onclick=x>", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onclick=x&gt;</p>\n"},
		{"quote ends a url", `[x](https://a.example/"onmouseover=1)`,
			`<p>[x](<a href="https://a.example/" rel="noopener noreferrer">https://a.example/</a>&#34;onmouseover=1)</p>` + "\n"},
		{"unclosed markers", "a ** b ` c * d", "<p>a ** b ` c * d</p>\n"},
		{"escape", `\*not\* emphasis`, "<p>*not* emphasis</p>\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Render(c.in); got != c.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// allowed matches the only tags Render may emit.
var allowed = regexp.MustCompile(`</?(p|ul|ol|li|code|strong|em)>|<a href="https?://[^"<>]+" rel="noopener noreferrer">|</a>`)

// TestRuleTextsAreSafe renders the Markdown of every built-in rule and of
// hostile inputs and checks that no markup other than the allowed tags
// survives.
func TestRuleTextsAreSafe(t *testing.T) {
	var inputs []string
	err := fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := fs.ReadFile(rules.FS, p)
		inputs = append(inputs, string(b))
		return err
	})
	if err != nil || len(inputs) == 0 {
		t.Fatalf("reading rules: %v (%d files)", err, len(inputs))
	}
	inputs = append(inputs,
		`**<img src=x onerror=alert(1)>**`, "`</code><script>`", `[<svg onload=1>](https://x.example/)`,
		`*[a](https://x.example/"><script>)*`, "- <iframe>\n  </iframe>")
	for _, in := range inputs {
		out := allowed.ReplaceAllString(Render(in), "")
		if strings.ContainsAny(out, "<>") {
			t.Errorf("markup survived in %q:\n%s", in[:min(len(in), 60)], out)
		}
	}
}
