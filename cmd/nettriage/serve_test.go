package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHTMLFormat(t *testing.T) {
	session := "../../samples/vip-nodeport-local-race/positive/node-1-session.txt"
	out, stderr, code := run(t, nil, "analyze", "--format", "html", session)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"<!doctype html>", `data-rule="vip-nodeport-local-race" data-confidence="confirmed"`, "Content-Security-Policy", "</html>"} {
		if !strings.Contains(out, want) {
			t.Errorf("html output lacks %q", want)
		}
	}
	if strings.Contains(out, "<script") {
		t.Error("html output has a script")
	}
	out, _, _ = run(t, nil, "analyze", "--format", "html", "--redact", session)
	if strings.Contains(out, "10.20.0.6") || !strings.Contains(out, "vip-nodeport-local-race") {
		t.Error("--redact --format html leaks an address or loses the finding")
	}
	if _, _, code := run(t, nil, "analyze", "--format", "pdf", session); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}

// startServe runs `nettriage serve` on a free loopback port and returns its
// base URL; the process is stopped when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v", err)
	}
	m := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if m == "" {
		t.Fatalf("no URL in %q", line)
	}
	return m
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestServeDirectory serves a site directory laid out as `make site` leaves
// it and checks the headers the playground relies on.
func TestServeDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":               "<!doctype html><title>x</title>",
		"engine.0123456789ab.wasm": "\x00asm\x01\x00\x00\x00",
		"ui.0123456789ab.wasm":     "\x00asm\x01\x00\x00\x00",
		"assets.js":                "self.nettriageAssets = {};",
		"samples/index.json":       "[]",
	}
	for name, data := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := startServe(t, "--dir", dir)

	resp, body := get(t, base+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<title>x</title>") {
		t.Fatalf("index: %d %q", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %q", csp, d)
		}
	}
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("index cache: %q", resp.Header.Get("Cache-Control"))
	}
	resp, _ = get(t, base+"/engine.0123456789ab.wasm")
	if resp.Header.Get("Content-Type") != "application/wasm" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("hashed module: %q, %q", resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, base+"/samples/"); resp.StatusCode != 404 {
		t.Errorf("directory listing: %d", resp.StatusCode)
	}
	resp, err := http.Post(base+"/", "text/plain", strings.NewReader("data"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}

// TestServeEmbedded checks the binary's own copy: after `make site` it is
// the playground; in a fresh clone it is a page saying how to build it.
// Either way the page shell and the CSP are served.
func TestServeEmbedded(t *testing.T) {
	base := startServe(t)
	resp, body := get(t, base+"/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("index: %d", resp.StatusCode)
	}
	if strings.Contains(body, "make site") && strings.Contains(body, "not built") {
		return // a binary built before make site
	}
	if !strings.Contains(body, `type="file"`) {
		t.Fatalf("neither the playground nor the build hint:\n%s", body)
	}
	if resp, _ := get(t, base+"/site.go"); resp.StatusCode != 404 {
		t.Errorf("the Go source of package site is served: %d", resp.StatusCode)
	}
	_, assets := get(t, base+"/assets.js")
	engine := regexp.MustCompile(`engine\.[0-9a-f]{12}\.wasm`).FindString(assets)
	if engine == "" {
		t.Fatalf("assets.js names no engine module: %q", assets)
	}
	if resp, _ := get(t, base+"/"+engine); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("engine module: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
