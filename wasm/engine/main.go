//go:build js && wasm

// Command engine is the whole nettriage analyzer for the web playground. It
// runs in a Web Worker (site/engine-worker.js starts it), has no DOM, and
// talks to the page only by postMessage (see bridge for the protocol). Big
// captures are streamed from the page's File objects with Blob.slice, so
// the page never holds them and never freezes.
//
// Build: GOOS=js GOARCH=wasm go build -o site/engine.wasm ./wasm/engine
// (`make site` does it and names the file after its hash).
package main

import (
	"syscall/js"

	"github.com/nettriage/nettriage/wasm/engine/session"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	post := func(m map[string]any) { js.Global().Call("postMessage", m) }
	// Listen and say ready first, then compile the rules: the page is
	// usable while they compile, and its first request waits for them.
	b := newLazyBridge(func() (*session.Session, error) { return session.New(version) }, post)
	js.Global().Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		b.receive(args[0].Get("data"))
		return nil
	}))
	post(map[string]any{"type": "ready", "version": version})
	select {} // serve messages until the worker is terminated
}
