package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestRun builds a site from fake modules and the real samples.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "engine.000000000000.wasm"), []byte("stale"), 0o644)
	engine, ui, exec := filepath.Join(dir, "e.wasm"), filepath.Join(dir, "u.wasm"), filepath.Join(dir, "wasm_exec.js")
	os.WriteFile(engine, []byte("engine module"), 0o644)
	os.WriteFile(ui, []byte("ui module"), 0o644)
	os.WriteFile(exec, []byte("// go"), 0o644)
	if err := run(site, engine, ui, exec, "../../samples"); err != nil {
		t.Fatal(err)
	}

	mods, _ := filepath.Glob(filepath.Join(site, "*.wasm"))
	if len(mods) != 2 {
		t.Fatalf("modules %v: the stale one must go, two new ones come", mods)
	}
	assets, _ := os.ReadFile(filepath.Join(site, "assets.js"))
	headers, _ := os.ReadFile(filepath.Join(site, "_headers"))
	for _, m := range mods {
		name := filepath.Base(m)
		if !strings.Contains(string(assets), `"`+name+`"`) || !strings.Contains(string(headers), "/"+name+"\n  Cache-Control: public, max-age=31536000, immutable") {
			t.Errorf("%s not named in assets.js or _headers", name)
		}
	}

	// Each module has a brotli and a gzip copy that decompress to it.
	for _, m := range append(mods, filepath.Join(site, "wasm_exec.js")) {
		want, _ := os.ReadFile(m)
		br, err := os.Open(m + ".br")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(brotli.NewReader(br))
		br.Close()
		if err != nil || string(got) != string(want) {
			t.Errorf("%s.br: %q, %v", m, got, err)
		}
		gz, err := os.Open(m + ".gz")
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(gz)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(zr)
		gz.Close()
		if err != nil || string(got) != string(want) {
			t.Errorf("%s.gz: %q, %v", m, got, err)
		}
	}

	var index []sample
	data, err := os.ReadFile(filepath.Join(site, "samples", "index.json"))
	if err != nil || json.Unmarshal(data, &index) != nil {
		t.Fatalf("index: %v", err)
	}
	rules := map[string]bool{}
	bundles := false
	for _, s := range index {
		if s.Confidence == "" || s.Confidence == "none" || s.Bytes > maxSampleBytes {
			t.Errorf("%s should not be in the gallery (%s, %d bytes)", s.ID, s.Confidence, s.Bytes)
		}
		if s.Case == "bundle" {
			bundles = true
		} else if bundles {
			t.Errorf("%s after the bundles: they come last", s.ID)
		}
		if s.Case == "positive" {
			rules[s.Rule] = true
		}
		for _, f := range s.Files {
			if _, err := os.Stat(filepath.Join(site, "samples", s.ID, f)); err != nil {
				t.Errorf("%s/%s not copied", s.ID, f)
			}
		}
	}
	// Every rule directory with a positive case is in the gallery.
	positives, _ := filepath.Glob("../../samples/*/positive/expect")
	for _, p := range positives {
		if r := filepath.Base(filepath.Dir(filepath.Dir(p))); !rules[r] {
			t.Errorf("rule %s has a positive sample but no gallery entry", r)
		}
	}
	if len(positives) == 0 || !bundles {
		t.Errorf("%d positive samples, bundles %v", len(positives), bundles)
	}
}

func TestEmbeddable(t *testing.T) {
	if !embeddable([]string{"sos_commands/kernel/sysctl_-a", "proc_net_netstat.2", "a+b=c,d@e"}) {
		t.Error("ordinary names refused")
	}
	for _, bad := range []string{"ss -np '( dport = 1 )'", "a:b", `a"b`} {
		if embeddable([]string{bad}) {
			t.Errorf("%q accepted", bad)
		}
	}
}
