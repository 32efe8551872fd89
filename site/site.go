// Package site embeds the web playground (this directory) into the native
// binary, for `nettriage serve` on air-gapped machines.
//
// The committed files (index.html, style.css, main.js, engine-worker.js,
// favicon.svg) are always there; `make site` adds the built WebAssembly
// modules (engine.HASH.wasm, ui.HASH.wasm), assets.js, wasm_exec.js and
// the sample gallery, which are git-ignored. So a fresh clone builds with
// plain `go build ./cmd/nettriage`, and Built reports whether the binary
// was built after `make site`.
package site

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *
var files embed.FS

// FS returns the site's files; this Go source and Netlify's _headers are
// left out.
func FS() fs.FS { return filtered{files} }

// Built reports whether the WebAssembly modules were embedded.
func Built() bool {
	engine, _ := fs.Glob(files, "engine.*.wasm")
	ui, _ := fs.Glob(files, "ui.*.wasm")
	_, err := fs.Stat(files, "assets.js")
	return len(engine) > 0 && len(ui) > 0 && err == nil
}

// filtered hides the package's Go files and _headers from the served tree.
type filtered struct{ fs.FS }

func (f filtered) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".go") || name == "_headers" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f.FS.Open(name)
}
