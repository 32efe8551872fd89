//go:build js && wasm

// Command worker is the nettriage HTTP API as a Cloudflare Worker. It only
// wires the handler of package api to syumai/workers; build it with
// `make worker` (GOOS=js GOARCH=wasm plus workers-assets-gen -mode=go).
package main

import (
	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"github.com/nettriage/nettriage/wasm/worker/api"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// ALLOWED_ORIGINS is a wrangler var; empty (the default) keeps CORS off.
	workers.Serve(api.New(api.Config{
		Version:        version,
		AllowedOrigins: api.ParseOrigins(cloudflare.Getenv("ALLOWED_ORIGINS")),
	}))
}
