package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/report"
	"github.com/nettriage/nettriage/analyzer/triage"
)

const samples = "../../../samples/"

// upload is one multipart file part.
type upload struct {
	name string
	data []byte
}

// sampleFiles reads a sample directory as uploads named by their path
// relative to dir, leaving out the expect file.
func sampleFiles(t *testing.T, dir string) []upload {
	t.Helper()
	var out []upload
	err := filepath.WalkDir(samples+dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "expect" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(samples+dir, p)
		out = append(out, upload{filepath.ToSlash(rel), data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no files in %s", dir)
	}
	return out
}

// multipartBody encodes files as "file" fields, plus any extra form fields.
func multipartBody(t *testing.T, files []upload, extra map[string]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range extra {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

func do(h http.Handler, method, target, ctype string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeReport(t *testing.T, rec *httptest.ResponseRecorder) *engine.Report {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var rep engine.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatalf("decoding the report: %v\n%s", err, rec.Body)
	}
	if rep.Schema != engine.Schema {
		t.Errorf("schema %q", rep.Schema)
	}
	return &rep
}

func finding(rep *engine.Report, rule string) *engine.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].Rule == rule {
			return &rep.Findings[i]
		}
	}
	return nil
}

func wantFinding(t *testing.T, rep *engine.Report, rule, confidence string) *engine.Finding {
	t.Helper()
	f := finding(rep, rule)
	if f == nil {
		t.Fatalf("no %s finding; findings: %+v", rule, rep.Findings)
	}
	if f.Confidence != confidence {
		t.Errorf("%s: confidence %s, want %s", rule, f.Confidence, confidence)
	}
	return f
}

func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, contains string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	var e struct{ Error string }
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error: %q (%v)", rec.Body, err)
	}
	if !strings.Contains(e.Error, contains) {
		t.Errorf("error %q does not mention %q", e.Error, contains)
	}
}

// TestAnalyzeMatchesCLIPipeline checks that a multipart upload gives the
// exact bytes of the CLI's pipeline (Expand, Analyze, report.JSON) for the
// same named files.
func TestAnalyzeMatchesCLIPipeline(t *testing.T) {
	files := sampleFiles(t, "tw-recycle-nat/positive")
	ctype, body := multipartBody(t, files, nil)
	rec := do(New(Config{Version: "v-test"}), "POST", "/v1/analyze", ctype, body)
	rep := decodeReport(t, rec)
	wantFinding(t, rep, "tw-recycle-nat", "confirmed")
	if rep.Tool.Version != "v-test" {
		t.Errorf("tool.version %q", rep.Tool.Version)
	}

	var inputs []triage.Input
	for _, f := range files {
		inputs = append(inputs, triage.Input{Name: f.name, Data: f.data})
	}
	rs, _ := engine.Builtin()
	want := triage.Run(context.Background(), inputs, triage.Options{Rules: rs, Limits: DefaultLimits(), Version: "v-test"})
	var wantJSON bytes.Buffer
	if err := report.JSON(&wantJSON, want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.Body.Bytes(), wantJSON.Bytes()) {
		t.Errorf("the API's report differs from the CLI pipeline's:\n got %.300s\nwant %.300s", rec.Body, wantJSON.Bytes())
	}
}

func TestAnalyzeNegativeSample(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "tw-recycle-nat/negative"), nil)
	rep := decodeReport(t, do(New(Config{}), "POST", "/v1/analyze", ctype, body))
	if f := finding(rep, "tw-recycle-nat"); f != nil {
		t.Errorf("near miss raised tw-recycle-nat at %s", f.Confidence)
	}
	if len(rep.Artifacts) != 4 {
		t.Errorf("%d artifacts, want 4", len(rep.Artifacts))
	}
}

// TestAnalyzeKeepsRelativePaths uploads a sosreport directory file by file:
// the relative paths must survive so that its layout is recognised.
func TestAnalyzeKeepsRelativePaths(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "bundles/seed001-sosreport"), map[string]string{"note": "ignored"})
	rep := decodeReport(t, do(New(Config{}), "POST", "/v1/analyze", ctype, body))
	wantFinding(t, rep, "tw-recycle-nat", "confirmed")
	if f := wantFinding(t, rep, "keepalived-check-flap", "confirmed"); f.ExplainedBy != "tw-recycle-nat" {
		t.Errorf("keepalived-check-flap explained_by %q", f.ExplainedBy)
	}
	if len(rep.Hosts) != 1 || rep.Hosts[0] != "s2" {
		t.Errorf("hosts %v, want [s2] from the sosreport's hostname file", rep.Hosts)
	}
	found := false
	for _, a := range rep.Artifacts {
		if a.Name == "sosreport-s2-20190110103012/sos_commands/kernel/sysctl_-a" {
			found = true
		}
	}
	if !found {
		t.Errorf("artifact names lost their path: %+v", rep.Artifacts)
	}
}

// TestAnalyzeTimeline uploads two nodes' files and a capture: the answer's
// timeline holds both hosts' events in time order, the evidence marked
// with its finding, and the finding has its span.
func TestAnalyzeTimeline(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "bundles/timeline-two-nodes"), nil)
	rep := decodeReport(t, do(New(Config{}), "POST", "/v1/analyze", ctype, body))
	f := wantFinding(t, rep, "keepalived-check-flap", "confirmed")
	if f.Span == nil || f.Span.First == "" {
		t.Fatalf("keepalived-check-flap has no span: %+v", f.Span)
	}
	hosts, marked, prev := map[string]bool{}, 0, time.Time{}
	for _, e := range rep.Timeline {
		hosts[e.Host] = true
		tm, err := time.Parse(time.RFC3339Nano, e.Time)
		if err != nil || tm.Before(prev) {
			t.Errorf("%s listed after %s (%v)", e.Time, prev, err)
		}
		prev = tm
		for _, r := range e.Findings {
			if r == "keepalived-check-flap" {
				marked++
			}
		}
	}
	if !hosts["lb-1"] || !hosts["lb-2"] || marked < 4 || rep.TimelineInfo.Listed != len(rep.Timeline) {
		t.Errorf("timeline hosts %v, %d events marked keepalived-check-flap, info %+v", hosts, marked, rep.TimelineInfo)
	}
}

func TestAnalyzeRawBody(t *testing.T) {
	data, err := os.ReadFile(samples + "vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	rep := decodeReport(t, do(New(Config{}), "POST", "/v1/analyze?name=node-1-session.txt", "text/plain", data))
	wantFinding(t, rep, "vip-nodeport-local-race", "confirmed")
	if f := wantFinding(t, rep, "client-no-timeout-hang", "likely"); f.ExplainedBy != "vip-nodeport-local-race" {
		t.Errorf("explained_by %q", f.ExplainedBy)
	}
	if !strings.HasPrefix(rep.Artifacts[0].Name, "node-1-session.txt") {
		t.Errorf("artifact %q not named after ?name=", rep.Artifacts[0].Name)
	}
	// Without ?name= the body is "stdin", as with `nettriage analyze -`.
	rep = decodeReport(t, do(New(Config{}), "POST", "/v1/analyze", "application/x-www-form-urlencoded", data))
	if !strings.HasPrefix(rep.Artifacts[0].Name, "stdin") {
		t.Errorf("artifact %q, want stdin", rep.Artifacts[0].Name)
	}
}

// TestAnalyzeTimeOptions checks tz and year against the keepalived log
// lines of seed 001 (Mar 14 09:41:17, year inferred as 2019).
func TestAnalyzeTimeOptions(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "bundles/seed001-sosreport"), nil)
	firstTime := func(query string) string {
		t.Helper()
		rep := decodeReport(t, do(New(Config{}), "POST", "/v1/analyze"+query, ctype, body))
		for _, e := range wantFinding(t, rep, "keepalived-check-flap", "confirmed").Evidence {
			if e.Time != "" {
				return e.Time
			}
		}
		t.Fatal("no timed evidence")
		return ""
	}
	if got := firstTime(""); got != "2019-03-14T09:41:17Z" {
		t.Errorf("UTC: %s", got)
	}
	if got := firstTime("?tz=Asia/Shanghai"); got != "2019-03-14T01:41:17Z" {
		t.Errorf("Asia/Shanghai: %s", got)
	}
	if got := firstTime("?year=2021&tz=UTC"); got != "2021-03-14T09:41:17Z" {
		t.Errorf("year=2021: %s", got)
	}
}

func TestAnalyzeFormats(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "tw-recycle-nat/positive"), nil)
	for _, tc := range []struct{ format, ctype, contains string }{
		{"markdown", "text/markdown; charset=utf-8", "tw-recycle-nat"},
		{"text", "text/plain; charset=utf-8", "[tw-recycle-nat]"},
	} {
		rec := do(New(Config{}), "POST", "/v1/analyze?format="+tc.format, ctype, body)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tc.ctype {
			t.Errorf("%s: status %d, Content-Type %q", tc.format, rec.Code, rec.Header().Get("Content-Type"))
		}
		if !strings.Contains(rec.Body.String(), tc.contains) || strings.Contains(rec.Body.String(), "\x1b[") {
			t.Errorf("%s: body lacks %q or is coloured:\n%.300s", tc.format, tc.contains, rec.Body)
		}
	}
}

func TestAnalyzeRedact(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "bundles/seed001-sosreport"), nil)
	rec := do(New(Config{}), "POST", "/v1/analyze?redact=true", ctype, body)
	rep := decodeReport(t, rec)
	wantFinding(t, rep, "tw-recycle-nat", "confirmed")
	if len(rep.Hosts) != 1 || rep.Hosts[0] == "s2" {
		t.Errorf("host name not redacted: %v", rep.Hosts)
	}
}

func TestAnalyzeBadQuery(t *testing.T) {
	h := New(Config{})
	for query, mention := range map[string]string{
		"?format=html":     "format",
		"?tz=Mars/Olympus": "tz",
		"?year=-1":         "year",
		"?year=soon":       "year",
		"?redact=maybe":    "redact",
	} {
		wantError(t, do(h, "POST", "/v1/analyze"+query, "text/plain", []byte("x")), http.StatusBadRequest, mention)
	}
}

func TestAnalyzeNoFiles(t *testing.T) {
	h := New(Config{})
	wantError(t, do(h, "POST", "/v1/analyze", "", nil), http.StatusBadRequest, "no files")

	ctype, body := multipartBody(t, nil, map[string]string{"comment": "no file here"})
	wantError(t, do(h, "POST", "/v1/analyze", ctype, body), http.StatusBadRequest, "no files")

	// A browser form whose file input has nothing chosen sends an empty
	// part with an empty filename.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Disposition", `form-data; name="file"; filename=""`)
	mw.CreatePart(hdr)
	mw.Close()
	wantError(t, do(h, "POST", "/v1/analyze", mw.FormDataContentType(), buf.Bytes()), http.StatusBadRequest, "no files")

	// A multipart body cut inside a file is a bad request, not "no files".
	ctype, body = multipartBody(t, []upload{{"sysctl_-a", []byte("net.ipv4.tcp_tw_recycle = 1\n")}}, nil)
	wantError(t, do(h, "POST", "/v1/analyze", ctype, body[:len(body)-20]), http.StatusBadRequest, "reading the request")
}

func TestAnalyzeTooLarge(t *testing.T) {
	const limit = 1000
	h := New(Config{MaxBodyBytes: limit})
	big := bytes.Repeat([]byte("net.ipv4.tcp_tw_recycle = 1\n"), 100)

	// Declared too large: refused before reading, then the body is drained
	// so that the connection can carry the next request.
	rest := bytes.NewReader(big)
	req := httptest.NewRequest("POST", "/v1/analyze?name=sysctl", rest)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	wantError(t, rec, http.StatusRequestEntityTooLarge, "1000 bytes")
	if rest.Len() != 0 {
		t.Errorf("%d bytes of the refused body left unread", rest.Len())
	}

	// Chunked (no Content-Length): refused while reading, raw and multipart.
	for _, mp := range []bool{false, true} {
		ctype, body := "text/plain", big
		if mp {
			ctype, body = multipartBody(t, []upload{{"sysctl_-a", big}}, nil)
		}
		req := httptest.NewRequest("POST", "/v1/analyze", io.MultiReader(bytes.NewReader(body)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		wantError(t, rec, http.StatusRequestEntityTooLarge, "too large")
	}

	// At the limit is fine.
	rec = do(h, "POST", "/v1/analyze?name=sysctl", "text/plain", big[:limit])
	if rec.Code != http.StatusOK {
		t.Errorf("a body of exactly the limit: status %d", rec.Code)
	}
}

func TestRoutes(t *testing.T) {
	h := New(Config{Version: "1.2.3"})

	rec := do(h, "GET", "/v1/health", "", nil)
	var hl Health
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &hl) != nil {
		t.Fatalf("health: %d %s", rec.Code, rec.Body)
	}
	if hl.Status != "ok" || hl.Version != "1.2.3" || hl.MaxBodyBytes != DefaultMaxBodyBytes || hl.MaxExpandedBytes != DefaultLimits().MaxTotalBytes {
		t.Errorf("health: %+v", hl)
	}

	for _, path := range []string{"/", "/v1", "/v1/analyze/", "/v2/analyze", "/v1/rules/tw-recycle-nat"} {
		wantError(t, do(h, "GET", path, "", nil), http.StatusNotFound, "no such route")
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/v1/analyze", "POST"},
		{"PUT", "/v1/analyze", "POST"},
		{"OPTIONS", "/v1/analyze", "POST"}, // CORS is off: OPTIONS is just another method
		{"POST", "/v1/health", "GET"},
		{"DELETE", "/v1/rules", "GET"},
	} {
		rec := do(h, tc.method, tc.path, "", nil)
		wantError(t, rec, http.StatusMethodNotAllowed, "not allowed")
		if got := rec.Header().Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

func TestRules(t *testing.T) {
	rec := do(New(Config{}), "GET", "/v1/rules", "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	var list RuleList
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	rs, _ := engine.Builtin()
	if len(list.Rules) != len(rs.Rules) || list.RulesVersion != rs.Version() || len(list.Errors) != 0 {
		t.Fatalf("%d rules (version %q, errors %v), want %d (%q)", len(list.Rules), list.RulesVersion, list.Errors, len(rs.Rules), rs.Version())
	}
	files, _ := filepath.Glob("../../../rules/*.yaml")
	if len(files) != len(list.Rules) {
		t.Errorf("%d rule files, %d rules listed", len(files), len(list.Rules))
	}
	byID := map[string]RuleInfo{}
	for _, r := range list.Rules {
		if r.Title == "" || r.Severity == "" || r.Tags == nil || r.Params == nil || (r.Scope != "host" && r.Scope != "cluster") {
			t.Errorf("incomplete rule %+v", r)
		}
		byID[r.ID] = r
	}
	tw, ok := byID["tw-recycle-nat"]
	if !ok || tw.Severity != "critical" || len(tw.Params) == 0 {
		t.Errorf("tw-recycle-nat: %+v", tw)
	}
	if byID["vip-split-brain"].Scope != "cluster" {
		t.Errorf("vip-split-brain scope %q", byID["vip-split-brain"].Scope)
	}
}

func TestCORS(t *testing.T) {
	withOrigin := func(h http.Handler, method, path, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	off := New(Config{})
	if rec := withOrigin(off, "GET", "/v1/health", "https://evil.example"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header sent with no origins configured")
	}

	on := New(Config{AllowedOrigins: ParseOrigins("https://tickets.example, https://bot.example")})
	rec := withOrigin(on, "OPTIONS", "/v1/analyze", "https://tickets.example")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://tickets.example" ||
		rec.Header().Get("Access-Control-Allow-Methods") != "POST, OPTIONS" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	rec = withOrigin(on, "GET", "/v1/health", "https://bot.example")
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "https://bot.example" || rec.Header().Get("Vary") != "Origin" {
		t.Errorf("simple request: %d %v", rec.Code, rec.Header())
	}
	rec = withOrigin(on, "OPTIONS", "/v1/analyze", "https://evil.example")
	wantError(t, rec, http.StatusForbidden, "origin")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header sent to an origin not configured")
	}
	rec = withOrigin(on, "GET", "/v1/analyze", "https://tickets.example")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST, OPTIONS" {
		t.Errorf("wrong method with CORS on: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}

	any := New(Config{AllowedOrigins: []string{"*"}})
	if rec := withOrigin(any, "GET", "/v1/health", "https://x.example"); rec.Header().Get("Access-Control-Allow-Origin") != "https://x.example" {
		t.Errorf("* did not allow an origin: %v", rec.Header())
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"sysctl_-a":               "sysctl_-a",
		"node-1/proc/net/netstat": "node-1/proc/net/netstat",
		`C:\bundle\ss_-tanpoi`:    "C:/bundle/ss_-tanpoi",
		"/etc/passwd":             "etc/passwd",
		"../../x/../y":            "y",
		"./a//b":                  "a/b",
		"":                        "def",
		"..":                      "def",
		"/":                       "def",
	} {
		if got := cleanName(in, "def"); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseOrigins(t *testing.T) {
	got := ParseOrigins(" https://a.example,https://b.example  https://c.example,, ")
	if strings.Join(got, "|") != "https://a.example|https://b.example|https://c.example" {
		t.Errorf("%q", got)
	}
	if len(ParseOrigins("")) != 0 {
		t.Error("empty value gave origins")
	}
}

// Parts of any name count against the file limit: many tiny parts are
// refused while reading, not turned into as many artifacts.
func TestAnalyzeTooManyParts(t *testing.T) {
	h := New(Config{Limits: artifact.Limits{MaxTotalBytes: 1 << 20, MaxFiles: 10, MaxFileBytes: 1 << 20, MaxNesting: 1}})
	var files []upload
	for i := 0; i < 11; i++ {
		files = append(files, upload{fmt.Sprintf("f%d", i), []byte("net.ipv4.ip_forward = 1\n")})
	}
	ctype, body := multipartBody(t, files, nil)
	wantError(t, do(h, "POST", "/v1/analyze", ctype, body), http.StatusRequestEntityTooLarge, "at most 10 files")
	ctype, body = multipartBody(t, files[:10], nil)
	if rec := do(h, "POST", "/v1/analyze", ctype, body); rec.Code != http.StatusOK || rec.Header().Get("X-Nettriage-Usable") != "true" {
		t.Errorf("10 parts: status %d, usable %q", rec.Code, rec.Header().Get("X-Nettriage-Usable"))
	}
	ctype, body = multipartBody(t, files[:1], map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9", "j": "10"})
	wantError(t, do(h, "POST", "/v1/analyze", ctype, body), http.StatusRequestEntityTooLarge, "too many parts")
}

// A redact_key field makes the pseudonyms stable across requests.
func TestAnalyzeRedactKey(t *testing.T) {
	files := sampleFiles(t, "vip-nodeport-local-race/positive")
	key := "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	var bodies []string
	for i := 0; i < 2; i++ {
		ctype, body := multipartBody(t, files, map[string]string{"redact_key": key})
		rec := do(New(Config{}), "POST", "/v1/analyze", ctype, body)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		bodies = append(bodies, rec.Body.String())
	}
	if bodies[0] != bodies[1] || strings.Contains(bodies[0], "10.20.0.6") {
		t.Error("redact_key: reports differ between requests or leak an address")
	}
	ctype, body := multipartBody(t, files, map[string]string{"redact_key": "short"})
	wantError(t, do(New(Config{}), "POST", "/v1/analyze", ctype, body), http.StatusBadRequest, "redact_key")
}

func TestMemoryIsReported(t *testing.T) {
	ctype, body := multipartBody(t, sampleFiles(t, "tw-recycle-nat/positive"), nil)
	rec := do(New(Config{}), "POST", "/v1/analyze", ctype, body)
	if rec.Header().Get("X-Nettriage-Memory-Bytes") == "" {
		t.Error("no X-Nettriage-Memory-Bytes header")
	}
	var hl Health
	json.Unmarshal(do(New(Config{}), "GET", "/v1/health", "", nil).Body.Bytes(), &hl)
	if hl.MemoryBytes == 0 || hl.MaxFiles != DefaultLimits().MaxFiles {
		t.Errorf("health: %+v", hl)
	}
}
