package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/site"
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
	m := regexp.MustCompile(`https?://127\.0\.0\.1:\d+`).FindString(line)
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

// TestServeDirStaysInside serves a real directory through the handler
// `serve --dir` uses and tries to leave it: symbolic links to a file and
// to a directory outside, dotfiles and dot-directories (also reached
// through "..", or percent-encoded), and directories without an
// index.html, which must not be listed.
func TestServeDirStaysInside(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("OUTSIDE-SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string]string{
		"index.html":               "<!doctype html><title>x</title>",
		"engine.0123456789ab.wasm": "\x00asm\x01\x00\x00\x00",
		".secret":                  "DOT-SECRET",
		".git/config":              "[core] DOT-GIT",
		"sub/data.json":            "[]",
		"docs/index.html":          "<title>docs</title>",
		"real.txt":                 "inside",
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"leak.txt":      filepath.Join(outside, "secret.txt"),
		"leakdir":       outside,
		"rel-leak.txt":  "../" + filepath.Base(outside) + "/secret.txt",
		"sub/up":        "../..",
		"inside.txt":    "real.txt", // links are refused even inside
		"sub/.hidden":   "../real.txt",
		"sub/index.htm": "../.secret",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	files, built, err := dirSite(dir)
	if err != nil || !built {
		t.Fatalf("dirSite: %v, built %v", err, built)
	}
	srv := httptest.NewServer(siteHandler(files, built))
	defer srv.Close()

	fetch := func(path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("GET", srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for _, p := range []string{
		"/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir", "/rel-leak.txt", "/sub/up/", "/sub/up/" + filepath.Base(outside) + "/secret.txt",
		"/.secret", "/.git/config", "/.git/", "/.git", "/sub/../.secret", "/%2esecret", "/sub/.hidden", "/sub/index.htm",
		"/sub/", "/sub", "/sub/data.json/", "/inside.txt",
	} {
		code, body := fetch(p)
		if code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, code)
		}
		for _, leak := range []string{"OUTSIDE-SECRET", "DOT-SECRET", "DOT-GIT", "data.json", "secret.txt"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: body leaks %q: %q", p, leak, body)
			}
		}
	}
	for p, want := range map[string]string{"/": "<title>x</title>", "/docs/": "<title>docs</title>", "/sub/data.json": "[]", "/real.txt": "inside"} {
		if code, body := fetch(p); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q, want 200 with %q", p, code, body, want)
		}
	}
	if code, _ := fetch("/docs"); code != http.StatusMovedPermanently {
		t.Errorf("/docs: %d, want a redirect to /docs/", code)
	}

	// A directory without index.html is not listed, the root included.
	os.Remove(filepath.Join(dir, "index.html"))
	if code, body := fetch("/"); code != http.StatusNotFound || strings.Contains(body, "real.txt") {
		t.Errorf("/ without index.html: %d %q", code, body)
	}
}

// TestServeEmbeddedHandler checks the embedded site through the same
// handler: the page (or the build hint) is served, hidden and Go files
// are not.
func TestServeEmbeddedHandler(t *testing.T) {
	srv := httptest.NewServer(siteHandler(site.FS(), site.Built()))
	defer srv.Close()
	resp, body := get(t, srv.URL+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<html") {
		t.Fatalf("/: %d %.200q", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/style.css"); resp.StatusCode != 200 {
		t.Errorf("/style.css: %d", resp.StatusCode)
	}
	for _, p := range []string{"/site.go", "/_headers", "/.git/config", "/nothing/"} {
		if resp, _ := get(t, srv.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// TestServePrecompressed serves the .br and .gz files `make site` writes
// next to a module to the browsers that accept them, and the module itself
// to the others, always with Vary: Accept-Encoding.
func TestServePrecompressed(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"index.html":                  "<!doctype html><title>x</title>",
		"engine.0123456789ab.wasm":    "RAW",
		"engine.0123456789ab.wasm.br": "BROTLI",
		"engine.0123456789ab.wasm.gz": "GZIP",
		"wasm_exec.js":                "// go",
		"wasm_exec.js.gz":             "GZ-JS",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := startServe(t, "--dir", dir)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	for _, tc := range []struct{ path, accept, body, encoding, ctype string }{
		{"/engine.0123456789ab.wasm", "gzip, deflate, br, zstd", "BROTLI", "br", "application/wasm"},
		{"/engine.0123456789ab.wasm", "gzip, deflate", "GZIP", "gzip", "application/wasm"},
		{"/engine.0123456789ab.wasm", "br;q=0, gzip", "GZIP", "gzip", "application/wasm"},
		{"/engine.0123456789ab.wasm", "", "RAW", "", "application/wasm"},
		{"/engine.0123456789ab.wasm", "identity", "RAW", "", "application/wasm"},
		{"/wasm_exec.js", "br, gzip", "GZ-JS", "gzip", "text/javascript; charset=utf-8"},
	} {
		req, _ := http.NewRequest("GET", base+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != tc.body || resp.Header.Get("Content-Encoding") != tc.encoding || resp.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s with %q: %q, encoding %q, type %q; want %q, %q, %q", tc.path, tc.accept, body,
				resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"), tc.body, tc.encoding, tc.ctype)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", tc.path, resp.Header.Get("Vary"))
		}
		if tc.path == "/engine.0123456789ab.wasm" && !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("hashed module cache: %q", resp.Header.Get("Cache-Control"))
		}
	}
	// The page itself has no compressed copy: no Content-Encoding, no Vary.
	req, _ := http.NewRequest("GET", base+"/", nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" {
		t.Errorf("index: encoding %q, vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
}

// TestServeTLS serves https with a certificate made for the test.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>tls</title>"), 0o644)
	os.WriteFile(filepath.Join(dir, "engine.0123456789ab.wasm"), []byte("\x00asm"), 0o644)

	base := startServe(t, "--dir", dir, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serve printed %q, want an https URL", base)
	}
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(der)
	pool.AddCert(cert)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<title>tls</title>") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("https index: %d %q", resp.StatusCode, body)
	}
	if _, stderr, code := run(t, nil, "serve", "--tls-cert", certFile); code != 2 || !strings.Contains(stderr, "--tls-key") {
		t.Errorf("--tls-cert alone: exit %d, %q", code, stderr)
	}
}
