//go:build js && wasm

// Command worker is the nettriage HTTP API as a Cloudflare Worker. It only
// wires the handler of package api to syumai/workers; build it with
// `make worker` (GOOS=js GOARCH=wasm plus workers-assets-gen -mode=go).
package main

import (
	"runtime/debug"
	"strconv"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"github.com/nettriage/nettriage/wasm/worker/api"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// An isolate has 128 MB. A soft limit below it makes the collector
	// run before the heap doubles past it (see api.DefaultMaxBodyBytes).
	debug.SetMemoryLimit(api.MemoryLimit)
	cfg := api.Config{
		Version: version,
		// ALLOWED_ORIGINS is a wrangler var; empty (the default) keeps CORS off.
		AllowedOrigins: api.ParseOrigins(cloudflare.Getenv("ALLOWED_ORIGINS")),
	}
	// MAX_BODY_BYTES overrides the body limit, for measuring memory against
	// body size (wasm/worker/test/measure.mjs); deployments leave it unset.
	if n, err := strconv.ParseInt(cloudflare.Getenv("MAX_BODY_BYTES"), 10, 64); err == nil && n > 0 {
		cfg.MaxBodyBytes = n
		cfg.Limits = api.DefaultLimits()
		cfg.Limits.MaxTotalBytes, cfg.Limits.MaxFileBytes = n, n
	}
	workers.Serve(api.New(cfg))
}
