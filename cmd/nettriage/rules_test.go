package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rule directory with one file per typo class: lint names each at its
// file and line and exits 1; the project's own rules lint clean.
func TestRulesLint(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head := "title: t\nseverity: warning\nsummary: s\nparams:\n  min: 1\n"
	write("counter.yaml", "id: counter\n"+head+"conditions:\n  possible: (moved(\"TcpExt.TCPMemPressures\") ?? 0) >= params.min\n")
	write("event.yaml", "id: event\n"+head+"conditions:\n  possible: events(\"tcp-oomm\") >= params.min\n")
	write("kind.yaml", "id: kind\n"+head+"inputs:\n  - kind: sockts\n    why: w\n    collect: ss\nconditions:\n  possible: has(\"sockets\") && params.min > 0\n")
	write("link.yaml", "id: link\n"+head+"explained_by: [no-such-rule]\nconditions:\n  possible: events(\"tcp-oom\") >= params.min\n")
	write("unused.yaml", "id: unused\n"+head+"conditions:\n  possible: events(\"tcp-oom\") > 0\n")
	out, _, code := run(t, nil, "rules", "lint", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		filepath.Join(dir, "counter.yaml") + `:8: rule counter, possible condition: moved(): unknown counter "TcpExt.TCPMemPressures"; did you mean "TcpExt.TCPMemoryPressures"?`,
		filepath.Join(dir, "event.yaml") + `:8: rule event, possible condition: events(): unknown log event kind "tcp-oomm"; did you mean "tcp-oom"?`,
		filepath.Join(dir, "kind.yaml") + `:7: rule kind: input kind "sockts" is not an artifact kind; did you mean "sockets"?`,
		filepath.Join(dir, "link.yaml") + `:7: rule link: explained_by names "no-such-rule", which is not a rule`,
		filepath.Join(dir, "unused.yaml") + `:5: warning: rule unused: parameter min is declared but no condition uses it`,
		"5 rule files, 4 errors, 1 warnings",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, nil, "rules", "lint", "../../rules")
	if code != 0 || !strings.Contains(out, " 0 errors, 0 warnings") {
		t.Fatalf("the project's rules: exit %d\n%s", code, out)
	}
}

// rules test runs a user's rule against its samples; a sample that
// expects the wrong confidence fails with exit 1.
func TestRulesTest(t *testing.T) {
	dir := t.TempDir()
	rule := "id: my-oom\ntitle: The kernel suppressed log messages\nseverity: warning\nsummary: s\n" +
		"inputs:\n  - kind: log\n    why: the kernel says so\n    collect: journalctl -k\n    required: true\n" +
		"conditions:\n  likely: events(\"net-ratelimit\") > 0\n"
	files := map[string]string{
		"my-oom.yaml":                    rule,
		"samples/my-oom/positive/dmesg":  "[12345.678901] net_ratelimit: 12 callbacks suppressed\n",
		"samples/my-oom/positive/expect": "rule: my-oom\nconfidence: likely\nevidence: dmesg:1\n",
		"samples/my-oom/negative/dmesg":  "[12345.678901] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex\n",
		"samples/my-oom/negative/expect": "rule: my-oom\nconfidence: none\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := run(t, nil, "rules", "test", dir)
	if code != 0 || !strings.Contains(out, "rules test: 2 passed, 0 failed") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	os.WriteFile(filepath.Join(dir, "samples/my-oom/negative/expect"), []byte("rule: my-oom\nconfidence: likely\n"), 0o644)
	out, _, code = run(t, nil, "rules", "test", dir)
	if code != 1 || !strings.Contains(out, "my-oom: got confidence none, want likely") || !strings.Contains(out, "1 passed, 2 failed") || !strings.Contains(out, "lacks a positive or a near-miss negative") {
		t.Fatalf("a wrong expectation: exit %d\n%s", code, out)
	}
}
