package engine_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// rule builds a small rule file with one possible condition and extra
// top-level YAML.
func rule(id, cond, extra string) string {
	return "id: " + id + "\ntitle: t\nseverity: warning\nsummary: s\n" + extra +
		"params:\n  min: 1\nconditions:\n  possible: >\n    " + cond + "\n"
}

// Each typo a rule author makes must be rejected when the rule loads, at
// its file and line, with a suggestion where one exists; the other rules
// keep working.
func TestValidationRejectsTypos(t *testing.T) {
	for _, c := range []struct {
		name, file string
		line       int
		want       string
	}{
		{"counter", rule("a", `(moved("TcpExt.TCPMemPressures") ?? 0) >= params.min`, ""), 9, `unknown counter "TcpExt.TCPMemPressures"; did you mean "TcpExt.TCPMemoryPressures"?`},
		{"counter case", rule("a", `(moved("tcpext.listendrops") ?? 0) >= params.min`, ""), 9, `is spelled "TcpExt.ListenDrops"`},
		{"event", rule("a", `events("tcp-oomm") >= params.min`, ""), 9, `unknown log event kind "tcp-oomm"; did you mean "tcp-oom"?`},
		{"has kind", rule("a", `has("counter") && params.min > 0`, ""), 9, `unknown artifact kind "counter"; did you mean "counters"?`},
		{"input kind", rule("a", `has("sockets") && params.min > 0`, "inputs:\n  - kind: sockts\n    why: w\n    collect: ss -tan\n"), 5, `input kind "sockts" is not an artifact kind; did you mean "sockets"?`},
		{"param", rule("a", `events("tcp-oom") >= params.mni`, ""), 9, `params.mni is not declared under params; did you mean "min"?`},
		{"function", rule("a", `evnets("tcp-oom") >= params.min`, ""), 9, `unknown function evnets(); did you mean "events"?`},
		{"not boolean", rule("a", `events("tcp-oom") + params.min`, ""), 9, `expected bool`},
		{"nil arithmetic", rule("a", `moved("TcpExt.ListenDrops") >= params.min`, ""), 9, `moved() is nil when its input was not collected`},
		{"severity", strings.Replace(rule("a", `events("tcp-oom") >= params.min`, ""), "warning", "warn", 1), 3, `severity "warn" is not one of critical, warning, info; did you mean "warning"?`},
		{"unknown key", rule("a", `events("tcp-oom") >= params.min`, "explaind_by: [b]\n"), 5, `unknown key explaind_by; did you mean "explained_by"?`},
		{"level", strings.Replace(rule("a", `events("tcp-oom") >= params.min`, ""), "possible:", "likley:", 1), 8, `condition level "likley"`},
		{"socket state", rule("a", `sockets_in_state("TIME_WAIT") >= params.min`, ""), 9, `unknown socket state "TIME_WAIT"; did you mean "TIME-WAIT"?`},
		{"template", rule("a", `local_only_nodeports() >= params.min`, "") + "", 0, ""},
		{"template unknown", strings.Replace(rule("a", `local_only_nodeports() >= params.min`, ""), "summary: s", "summary: port {{nodeprot}}", 1), 4, `refers to {{nodeprot}}`},
		{"decisive", rule("a", `events("tcp-oom") >= params.min`, "decisive: [moved]\n"), 5, `decisive names moved, which no condition calls`},
		// YAML syntax errors at the line that holds them (yaml.v3 prints
		// most of them one line early, and none on the first line).
		{"yaml flow", rule("a", `events("tcp-oom") >= params.min`, "explained_by: [b\n"), 5, `did not find expected ',' or ']'`},
		{"yaml tab", strings.Replace(rule("a", `events("tcp-oom") >= params.min`, ""), "  min: 1", "\tmin: 1", 1), 6, `found character that cannot start any token`},
		{"yaml first line", "id: a: b\n" + rule("a", "true", "")[len("id: a\n"):], 1, `mapping values are not allowed`},
		{"yaml mapping", rule("a", `events("tcp-oom") >= params.min`, "") + "inputs: x: y\n", 10, `mapping values are not allowed`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := engine.ParseRule("bad.yaml", []byte(c.file))
			if c.want == "" {
				if err != nil {
					t.Fatalf("valid rule rejected: %v", err)
				}
				return
			}
			var le *engine.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("loaded without error; want %q", c.want)
			}
			if !strings.Contains(le.Msg, c.want) || le.Line != c.line || le.File != "bad.yaml" || le.Warning {
				t.Fatalf("got %s (line %d), want line %d with %q", le, le.Line, c.line, c.want)
			}
		})
	}
}

// A parameter declared and never used is a warning, not an error: a rule
// being edited in the playground must keep loading.
func TestUnusedParamWarns(t *testing.T) {
	r, err := engine.ParseRule("w.yaml", []byte(rule("a", `events("tcp-oom") > 0`, "")))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !r.Warnings[0].Warning || !strings.Contains(r.Warnings[0].Error(), "w.yaml:5: warning: rule a: parameter min is declared but no condition uses it") {
		t.Fatalf("warnings: %v", r.Warnings)
	}
}

// A bad file in a --rules directory is reported and skipped; explained_by
// naming no rule drops that rule; the built-in rules all still load.
func TestWithDirKeepsGoodRules(t *testing.T) {
	dir := fstest.MapFS{
		"bad.yaml":  {Data: []byte(rule("bad", `events("tcp-oomm") > 0 && params.min > 0`, ""))},
		"link.yaml": {Data: []byte(rule("link", `events("tcp-oom") >= params.min`, "explained_by: [no-such-rule]\n"))},
		"good.yaml": {Data: []byte(rule("good", `events("tcp-oom") >= params.min`, "explained_by: [tw-recycle-nat]\n"))},
	}
	rs, errs := engine.WithDir(dir)
	builtin, _ := engine.Builtin()
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	if len(errs) != 2 || !strings.Contains(all, "bad.yaml:9:") ||
		!strings.Contains(all, `link.yaml:5: rule link: explained_by names "no-such-rule", which is not a rule`) {
		t.Fatalf("errors:\n%s", all)
	}
	if _, ok := rs.Get("good"); !ok {
		t.Error("the good rule was not loaded")
	}
	for _, id := range []string{"bad", "link"} {
		if _, ok := rs.Get(id); ok {
			t.Errorf("rule %s loaded despite its error", id)
		}
	}
	if len(rs.Rules) != len(builtin.Rules)+1 {
		t.Errorf("%d rules, want the %d built-in ones plus good", len(rs.Rules), len(builtin.Rules))
	}
}

// The built-in rules load without an error or a warning.
func TestBuiltinRulesClean(t *testing.T) {
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, r := range rs.Rules {
		for _, w := range r.Warnings {
			t.Error(w)
		}
	}
}
