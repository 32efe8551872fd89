package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var bin string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nettriage-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "nettriage")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

type jsonReport struct {
	Schema string `json:"schema"`
	Tool   struct {
		Name, Version, Rules string
	} `json:"tool"`
	Hosts     []string `json:"hosts"`
	Artifacts []struct {
		Name, Host, Kind string
		Warnings         []any
	} `json:"artifacts"`
	Findings []struct {
		Rule, Host, Severity, Confidence, ExplainedBy string
		Evidence                                      []struct {
			Artifact string
			Line     int
			EndLine  int `json:"end_line"`
			Text     string
		}
		Missing []struct{ Kind, Why, Collect string }
	} `json:"findings"`
	Captures []any                                `json:"captures"`
	Errors   []struct{ Artifact, Message string } `json:"errors"`
}

func decode(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return r
}

func TestAnalyzeJSONContract(t *testing.T) {
	out, stderr, code := run(t, nil, "analyze", "--format", "json", "../../samples/tw-recycle-nat/positive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := decode(t, out)
	if r.Schema != "nettriage.report/v1" || r.Tool.Name != "nettriage" || r.Tool.Rules == "" {
		t.Fatalf("header: %+v", r)
	}
	if len(r.Hosts) != 1 || r.Captures == nil || r.Errors == nil {
		t.Fatalf("hosts %v captures %v errors %v", r.Hosts, r.Captures, r.Errors)
	}
	kinds := map[string]bool{}
	for _, a := range r.Artifacts {
		kinds[a.Kind] = true
	}
	for _, k := range []string{"sysctl", "counters", "iptables"} {
		if !kinds[k] {
			t.Errorf("no %s artifact in %v", k, kinds)
		}
	}
	found := false
	for _, f := range r.Findings {
		if f.Rule == "tw-recycle-nat" && f.Confidence == "confirmed" {
			found = true
			if len(f.Evidence) == 0 || f.Evidence[0].Line == 0 || f.Evidence[0].Text == "" {
				t.Errorf("evidence without line or text: %+v", f.Evidence)
			}
			for _, m := range f.Missing {
				if m.Collect == "" {
					t.Errorf("missing entry without a command: %+v", m)
				}
			}
		}
	}
	if !found {
		t.Fatalf("tw-recycle-nat not confirmed:\n%s", out)
	}
}

func TestFailOnAndExitCodes(t *testing.T) {
	_, _, code := run(t, nil, "analyze", "--fail-on", "critical", "../../samples/tw-recycle-nat/positive")
	if code != 1 {
		t.Errorf("--fail-on critical with a critical finding: exit %d, want 1", code)
	}
	_, _, code = run(t, nil, "analyze", "--fail-on", "critical", "../../samples/tw-recycle-nat/negative")
	if code != 0 {
		t.Errorf("--fail-on critical without critical finding: exit %d, want 0", code)
	}
	_, _, code = run(t, nil, "analyze", "--format", "yaml", "../../samples/tw-recycle-nat/negative")
	if code != 2 {
		t.Errorf("bad --format: exit %d, want 2", code)
	}
	_, _, code = run(t, nil, "analyze", "/nonexistent/path")
	if code != 2 {
		t.Errorf("missing path: exit %d, want 2", code)
	}
}

func TestStdinTranscript(t *testing.T) {
	data, err := os.ReadFile("../../samples/vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	// A paste from a Windows terminal with colours and a BOM.
	paste := "\ufeff" + strings.ReplaceAll(string(data), "\n", "\r\n")
	paste = strings.Replace(paste, "[root@node-1 ~]# lsof", "\x1b[01;32m[root@node-1 ~]#\x1b[0m lsof", 1)
	out, stderr, code := run(t, []byte(paste), "analyze", "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := decode(t, out)
	got := map[string]string{}
	for _, f := range r.Findings {
		got[f.Rule] = f.Confidence
		if f.Host != "node-1" {
			t.Errorf("finding %s on host %q, want node-1", f.Rule, f.Host)
		}
	}
	if got["vip-nodeport-local-race"] != "confirmed" || got["client-no-timeout-hang"] != "likely" {
		t.Fatalf("findings %v", got)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, bytes.Repeat([]byte{0, 0xff, 0x13, 0x37}, 4096), 0o644)
	out, _, code := run(t, nil, "analyze", "--format", "json", junk)
	if code != 2 {
		t.Errorf("binary junk only: exit %d, want 2", code)
	}
	r := decode(t, out)
	if len(r.Artifacts) != 1 || r.Artifacts[0].Kind != "unknown" || len(r.Artifacts[0].Warnings) == 0 {
		t.Errorf("junk artifact: %+v", r.Artifacts)
	}

	// A tarball with a path-traversal member and a decompression bomb, next
	// to a good sysctl file: the good file is analysed, the others reported.
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	add := func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	add("../../etc/x", []byte("net.ipv4.tcp_tw_recycle = 1\n"))
	add("node/sysctl_-a", []byte("net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.ip_forward = 1\n"))
	add("node/bomb.txt", make([]byte, 64<<20))
	tw.Close()
	gz.Close()
	tgz := filepath.Join(dir, "bundle.tgz")
	os.WriteFile(tgz, buf.Bytes(), 0o644)
	out, _, code = run(t, nil, "analyze", "--format", "json", "--max-bytes", "8000000", tgz)
	if code != 0 {
		t.Errorf("partial bundle: exit %d, want 0\n%s", code, out)
	}
	r = decode(t, out)
	var msgs []string
	for _, e := range r.Errors {
		msgs = append(msgs, e.Artifact+": "+e.Message)
	}
	joined := strings.Join(msgs, "\n")
	lower := strings.ToLower(joined)
	if !strings.Contains(joined, "..") || !(strings.Contains(lower, "limit") || strings.Contains(lower, "bomb")) {
		t.Errorf("errors do not name the traversal and the limit:\n%s", joined)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "..", "etc", "x")); err == nil {
		t.Errorf("something was written outside the temp dir")
	}
	possible := false
	for _, f := range r.Findings {
		possible = possible || f.Rule == "tw-recycle-nat"
	}
	if !possible {
		t.Errorf("the good member was not analysed: %s", out)
	}
}

func TestRulesExplainVersion(t *testing.T) {
	out, _, code := run(t, nil, "rules")
	if code != 0 || !strings.Contains(out, "vip-nodeport-local-race") || !strings.Contains(out, "ipvs-idle-timeout") {
		t.Fatalf("rules: %d %s", code, out)
	}
	out, _, code = run(t, nil, "explain", "tw-recycle-nat")
	if code != 0 || !strings.Contains(out, "PAWSPassive") || !strings.Contains(out, "min_drops") {
		t.Fatalf("explain: %d %s", code, out)
	}
	out, _, code = run(t, nil, "explain", "TcpExtPAWSPassive")
	if code != 0 || !strings.Contains(out, "TcpExt.PAWSPassive") || !strings.Contains(out, "LINUX_MIB_PAWSPASSIVEREJECTED") ||
		!strings.Contains(out, "tw-recycle-nat") || !strings.Contains(out, "time stamp") {
		t.Fatalf("explain counter: %d %s", code, out)
	}
	_, _, code = run(t, nil, "explain", "no-such-rule")
	if code != 2 {
		t.Errorf("explain unknown: exit %d", code)
	}
	out, _, _ = run(t, nil, "version")
	if !strings.HasPrefix(out, "nettriage ") {
		t.Errorf("version: %q", out)
	}
}

func TestBrokenRuleFileIsReportedNotFatal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: bad\ntitle: Bad\nseverity: warning\nconditions:\n  likely: >\n    sysctl(\"x\") ==\n"), 0o644)
	out, _, code := run(t, nil, "analyze", "--format", "json", "--rules", dir, "../../samples/tw-recycle-nat/positive")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	r := decode(t, out)
	ok := false
	for _, e := range r.Errors {
		if strings.Contains(e.Message, "bad.yaml:6") {
			ok = true
		}
	}
	if !ok || len(r.Findings) == 0 {
		t.Fatalf("broken rule not reported with file:line, or other rules did not run: %+v", r.Errors)
	}
}

// TestRedactAllFormats checks that --redact leaves no original address or
// host name in any output format, and that the diagnosis survives it.
func TestRedactAllFormats(t *testing.T) {
	session := "../../samples/vip-nodeport-local-race/positive/node-1-session.txt"
	originals := []string{"10.20.0.3", "10.20.0.6", "10.233.65.134", "10.233.66.21", "node-1"}
	for _, format := range []string{"json", "text", "markdown"} {
		out, stderr, code := run(t, nil, "analyze", "--redact", "--format", format, session)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		for _, o := range originals {
			if strings.Contains(out, o) {
				t.Errorf("%s output still contains %q", format, o)
			}
		}
		if !strings.Contains(out, "vip-nodeport-local-race") {
			t.Errorf("%s: finding lost by redaction", format)
		}
	}
	out, _, _ := run(t, nil, "analyze", "--redact", "--format", "json", session)
	r := decode(t, out)
	for _, f := range r.Findings {
		if f.Rule == "vip-nodeport-local-race" && f.Confidence != "confirmed" {
			t.Errorf("confidence changed by redaction: %s", f.Confidence)
		}
	}
}

func TestMarkdownFormat(t *testing.T) {
	out, _, code := run(t, nil, "analyze", "--format", "markdown", "../../samples/tw-recycle-nat/positive")
	if code != 0 || !strings.Contains(out, "tw-recycle-nat") || !strings.Contains(out, "```") || !strings.Contains(out, "net.ipv4.tcp_tw_recycle = 1") {
		t.Fatalf("markdown: %d\n%s", code, out)
	}
}

// Negative limits are flag errors, not panics.
func TestNegativeLimits(t *testing.T) {
	for _, flag := range [][]string{{"--max-file-bytes", "-1"}, {"--max-bytes", "-5"}, {"--max-files", "-1"}} {
		args := append([]string{"analyze"}, flag...)
		_, stderr, code := run(t, nil, append(args, "../../samples/tw-recycle-nat/negative")...)
		if code != 2 || !strings.Contains(stderr, flag[0]) || strings.Contains(stderr, "panic") {
			t.Errorf("%v: exit %d, stderr %q", flag, code, stderr)
		}
	}
}

// With nothing readable the JSON report is still complete: every list is
// [] and the errors say why; the exit code is 2.
func TestNoReadableInputStillReports(t *testing.T) {
	out, _, code := run(t, nil, "analyze", "--format", "json", "/nonexistent/path")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not a JSON report: %v\n%s", err, out)
	}
	if r["schema"] != "nettriage.report/v1" {
		t.Errorf("schema %v", r["schema"])
	}
	if tool, _ := r["tool"].(map[string]any); tool == nil || tool["name"] != "nettriage" {
		t.Errorf("tool %v", r["tool"])
	}
	for _, k := range []string{"hosts", "artifacts", "findings", "captures", "checks", "timeline", "errors", "counters"} {
		if _, ok := r[k].([]any); !ok {
			t.Errorf("%s is %v, want a list", k, r[k])
		}
	}
	if errs, _ := r["errors"].([]any); len(errs) == 0 {
		t.Error("no error says why nothing was read")
	}
}

func TestHostAndRedactMap(t *testing.T) {
	dir := t.TempDir()
	sysctl := filepath.Join(dir, "sysctl_-a")
	os.WriteFile(sysctl, []byte("net.ipv4.ip_forward = 1\nkernel.hostname = db-7.example.com\n"), 0o644)
	out, stderr, code := run(t, nil, "analyze", "--format", "json", "--host", "node-9", sysctl)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r := decode(t, out); len(r.Artifacts) != 1 || r.Artifacts[0].Host != "node-9" {
		t.Errorf("--host: %+v", r.Artifacts)
	}

	key := filepath.Join(dir, "key")
	os.WriteFile(key, []byte("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"), 0o600)
	table := filepath.Join(dir, "map.txt")
	var outs []string
	for i := 0; i < 2; i++ {
		out, stderr, code = run(t, nil, "analyze", "--format", "json", "--host", "node-9", "--redact-key", key, "--redact-map", table, sysctl)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] || strings.Contains(outs[0], "node-9") {
		t.Errorf("--redact-key: reports differ or leak the host name")
	}
	st, err := os.Stat(table)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("--redact-map: %v, mode %v", err, st.Mode())
	}
	if data, _ := os.ReadFile(table); !strings.Contains(string(data), "node-9") {
		t.Errorf("--redact-map lacks the host: %s", data)
	}
	_, stderr, code = run(t, nil, "analyze", "--redact-key", filepath.Join(dir, "nope"), sysctl)
	if code != 2 || !strings.Contains(stderr, "--redact-key") {
		t.Errorf("missing key file: exit %d, %s", code, stderr)
	}
}
