// Command sitegen finishes `make site`: it copies the two WebAssembly
// modules into the site under names that carry their content hash (so they
// can be cached forever), writes assets.js naming them and _headers giving
// them long-cache headers on Netlify, copies Go's wasm_exec.js, and copies
// the positive samples with an index for the gallery.
//
//	go run ./wasm/sitegen -site site -engine engine.wasm -ui ui.wasm -wasm-exec "$(go env GOROOT)/lib/wasm/wasm_exec.js"
//
// The modules and wasm_exec.js are also written precompressed, as
// NAME.br (brotli, quality 11) and NAME.gz (gzip -9), which `nettriage
// serve` hands to browsers that accept them: the engine is a fifth of its
// size in brotli, which is what makes a first load over a slow link fast.
//
// Samples are served as static files next to the page rather than
// embedded in a module: the engine stays small, and the gallery costs
// nothing until a sample is opened.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"github.com/nettriage/nettriage/wasm/gallery"
)

// maxSampleBytes leaves out the few multi-megabyte captures; every rule
// still has a small positive case.
const maxSampleBytes = 1 << 20

func main() {
	site := flag.String("site", "site", "the site directory")
	engine := flag.String("engine", "", "the built engine module")
	ui := flag.String("ui", "", "the built UI module")
	wasmExec := flag.String("wasm-exec", "", "Go's lib/wasm/wasm_exec.js")
	samples := flag.String("samples", "samples", "the samples directory")
	flag.Parse()
	if *engine == "" || *ui == "" || *wasmExec == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*site, *engine, *ui, *wasmExec, *samples); err != nil {
		fmt.Fprintln(os.Stderr, "sitegen:", err)
		os.Exit(1)
	}
}

func run(site, engine, ui, wasmExec, samples string) error {
	old, _ := filepath.Glob(filepath.Join(site, "*.wasm"))
	for _, pat := range []string{"*.br", "*.gz"} {
		more, _ := filepath.Glob(filepath.Join(site, pat))
		old = append(old, more...)
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	assets := map[string]string{}
	for key, src := range map[string]string{"engine": engine, "ui": ui} {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := key + "." + hex.EncodeToString(sum[:])[:12] + ".wasm"
		if err := os.WriteFile(filepath.Join(site, name), data, 0o644); err != nil {
			return err
		}
		assets[key] = name
	}
	// Netlify reads _headers from the published directory: the exact names
	// of this build's modules get immutable caching (netlify.toml has the
	// rest, which does not change between builds).
	var headers strings.Builder
	headers.WriteString("# Written by `make site` for Netlify: this build's content-hashed modules.\n")
	for _, key := range []string{"engine", "ui"} {
		fmt.Fprintf(&headers, "/%s\n  Cache-Control: public, max-age=31536000, immutable\n  Content-Type: application/wasm\n", assets[key])
	}
	if err := os.WriteFile(filepath.Join(site, "_headers"), []byte(headers.String()), 0o644); err != nil {
		return err
	}
	js, _ := json.Marshal(assets)
	if err := os.WriteFile(filepath.Join(site, "assets.js"),
		[]byte("// Written by `make site`: the hashed WebAssembly modules.\nself.nettriageAssets = "+string(js)+";\n"), 0o644); err != nil {
		return err
	}
	data, err := os.ReadFile(wasmExec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(site, "wasm_exec.js"), data, 0o644); err != nil {
		return err
	}
	if err := precompress(site, assets["engine"], assets["ui"], "wasm_exec.js"); err != nil {
		return err
	}
	// The time-zone database is loaded by the engine only when a zone is
	// asked for, so the engine module does not carry it (GOROOT/lib/time,
	// next to GOROOT/lib/wasm).
	zones, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(wasmExec)), "time", "zoneinfo.zip"))
	if err != nil {
		// wasm_exec.js copied elsewhere: the toolchain's own database.
		zones, err = os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip"))
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(site, "zoneinfo.zip"), zones, 0o644); err != nil {
		return err
	}
	return copySamples(samples, filepath.Join(site, "samples"))
}

// precompress writes NAME.br and NAME.gz next to each named file of the
// site, in parallel (brotli at quality 11 takes most of the build).
func precompress(site string, names ...string) error {
	var wg sync.WaitGroup
	errs := make([]error, 2*len(names))
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join(site, name))
		if err != nil {
			return err
		}
		for j, ext := range []string{".br", ".gz"} {
			wg.Add(1)
			go func(k int, ext string) {
				defer wg.Done()
				var b bytes.Buffer
				var w interface {
					Write([]byte) (int, error)
					Close() error
				}
				if ext == ".br" {
					w = brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: 11, LGWin: 24})
				} else {
					w, _ = gzip.NewWriterLevel(&b, gzip.BestCompression)
				}
				if _, err := w.Write(data); err != nil {
					errs[k] = err
					return
				}
				if err := w.Close(); err != nil {
					errs[k] = err
					return
				}
				errs[k] = os.WriteFile(filepath.Join(site, name+ext), b.Bytes(), 0o644)
			}(2*i+j, ext)
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sample is one gallery entry.
type sample = gallery.Sample

// copySamples copies every positive case (one whose expect file gives a
// rule a confidence other than none) under maxSampleBytes.
func copySamples(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	expects, err := filepath.Glob(filepath.Join(src, "*", "*", "expect"))
	if err != nil {
		return err
	}
	sort.Strings(expects)
	var index []sample
	for _, exp := range expects {
		dir := filepath.Dir(exp)
		rel, _ := filepath.Rel(src, dir)
		s, err := readExpect(exp)
		if err != nil {
			return err
		}
		if s.Confidence == "" {
			continue
		}
		s.ID = filepath.ToSlash(rel)
		s.Rule, s.Case = filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		if s.Rule == "bundles" {
			s.Rule, s.Case = s.Case, "bundle"
		}
		err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "expect" {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			r, _ := filepath.Rel(dir, p)
			s.Files = append(s.Files, filepath.ToSlash(r))
			s.Bytes += info.Size()
			return nil
		})
		if err != nil {
			return err
		}
		if s.Bytes > maxSampleBytes || len(s.Files) == 0 || !embeddable(s.Files) {
			continue
		}
		for _, f := range s.Files {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				return err
			}
			out := filepath.Join(dst, rel, f)
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return err
			}
		}
		index = append(index, s)
	}
	// Rules' own cases first (positive before the others), bundles last.
	sort.SliceStable(index, func(i, j int) bool {
		a, b := index[i], index[j]
		if (a.Case == "bundle") != (b.Case == "bundle") {
			return b.Case == "bundle"
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Case == "positive" && b.Case != "positive"
	})
	data, err := json.MarshalIndent(index, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "index.json"), data, 0o644)
}

// embeddable reports whether every name can be embedded into the binary
// (go:embed refuses names with quotes, colons, spaces and the like) and
// used in a URL as is.
func embeddable(names []string) bool {
	for _, n := range names {
		for _, c := range n {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-+=,@/", c)) {
				fmt.Fprintf(os.Stderr, "sitegen: %q left out of the gallery: the name cannot be embedded\n", n)
				return false
			}
		}
	}
	return true
}

// readExpect reads the comment (the case's description) and the expected
// rules of an expect file; Confidence is the first expected confidence
// other than none, or "".
func readExpect(path string) (sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return sample{}, err
	}
	defer f.Close()
	var s sample
	var about []string
	sc := bufio.NewScanner(f)
	rule := ""
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if c, ok := strings.CutPrefix(line, "#"); ok {
			if len(s.Rules) == 0 {
				about = append(about, strings.TrimSpace(c))
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "rule":
			rule = v
		case "confidence":
			if v != "none" {
				s.Rules = append(s.Rules, rule)
				if s.Confidence == "" {
					s.Confidence = v
				}
			}
		}
	}
	s.About = strings.Join(about, " ")
	return s, sc.Err()
}
