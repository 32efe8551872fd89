# nettriage — build, test, benchmark and release.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
PKGS     := ./...
FUZZTIME ?= 20s

WORKER_DIR   := wasm/worker
WORKER_BUILD := $(WORKER_DIR)/build
# Everything the Worker's wasm is built from (tests excluded).
WORKER_SRC    = $(shell find analyzer rules $(WORKER_DIR) -path $(WORKER_BUILD) -prune -o -name '*.go' ! -name '*_test.go' -print -o -name '*.yaml' -print) go.mod go.sum
WRANGLER     := node_modules/.bin/wrangler
# The environment that keeps wrangler offline: no metrics, no error reports,
# no banner (and its update check), no fetch of the request.cf object.
WRANGLER_ENV := WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false

# The engine module must stay within 3 MiB at brotli 11 (DESIGN.md). Inlining
# is what costs most: off for the analysis packages, expr and yaml (-200 kB
# brotli), on for the standard library and the packet path (pcap, gopacket,
# xz), whose throughput it carries.
ENGINE_GCFLAGS := -gcflags=all=-l -gcflags=std= -gcflags=github.com/nettriage/nettriage/analyzer/pcap= \
	-gcflags=github.com/gopacket/gopacket/...= -gcflags=github.com/ulikunitz/xz/...=

SITE_DIR     := site
# The built modules before sitegen names them after their hash.
SITE_TMP     := tmp/site-build
# Everything the site's modules and sample gallery are built from (tests excluded).
SITE_SRC      = $(shell find analyzer rules wasm/engine wasm/browser wasm/sitegen -name '*.go' ! -name '*_test.go' -print -o -name '*.yaml' -print) $(shell find samples -type f) go.mod go.sum
SERVE_ADDR   ?= 127.0.0.1:8080
SERVE_FLAGS  ?=
WASM_EXEC     = $(shell $(GO) env GOROOT)/lib/wasm

.PHONY: size-guard all build test vet bench fuzz release demo clean worker worker-dev test-worker worker-measure site serve test-engine test-site site-measure chromium

all: build

## build: the native binary ./nettriage, with the web playground (make site) embedded for `nettriage serve`
build: site
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o nettriage ./cmd/nettriage

## test: vet, gofmt check, every Go test (samples, corpus, CLI), the Worker in wrangler, the playground in Chromium
test: vet test-worker test-engine test-site size-guard
	@unformatted=$$(gofmt -l analyzer cmd rules wasm live site tools internal); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -count=1 $(PKGS)

vet:
	$(GO) vet $(PKGS)

## bench: analysis benchmarks (50 MB bundle as .tar.gz/.tar.xz; capture analysis; nettriage vs tshark on a 500k-packet capture)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./analyzer/engine/ ./analyzer/artifact/
	$(GO) test -run '^$$' -bench . -benchmem ./analyzer/pcap/
	@command -v tshark >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq tshark >/dev/null 2>&1; } || echo "tshark missing: apt-get install tshark for the ratio"
	$(GO) run ./tools/benchpcap -packets 500000 -nettriage ./nettriage
	$(GO) run ./tools/benchpcap -dns -packets 500000 -nettriage ./nettriage

## fuzz: run every parser's fuzz target for FUZZTIME each
fuzz:
	@for p in $$(grep -rl 'func Fuzz' --include='*_test.go' analyzer | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -ho 'func Fuzz[A-Za-z0-9_]*' $$p/*_test.go | cut -d' ' -f2); do \
			echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$p || exit 1; \
		done; \
	done

## demo: analyze the built-in samples
demo: build
	./nettriage analyze samples/vip-nodeport-local-race/positive/node-1-session.txt
	./nettriage analyze samples/bundles/seed001-sosreport

## release: static binaries for the supported platforms in dist/
release: site
	@mkdir -p dist
	@for t in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist/nettriage-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/nettriage-$$os-$$arch$$ext ./cmd/nettriage || exit 1; \
	done

## worker: the Cloudflare Worker in wasm/worker/build (app.wasm + the JS glue of workers-assets-gen)
worker: $(WORKER_BUILD)/app.wasm

# workers-assets-gen runs at the version go.mod pins (v0.32.0); `go run
# ...@v0.32.0` would ask the module proxy for the version list, which it
# refuses. It empties the build directory, so one recipe makes both.
$(WORKER_BUILD)/app.wasm: $(WORKER_SRC)
	$(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o $(WORKER_BUILD)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./$(WORKER_DIR)

# npm ci when node_modules is missing or older than the lock file.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## worker-dev: run the Worker on http://127.0.0.1:8787, offline, no telemetry
worker-dev: worker node_modules/.package-lock.json
	$(WRANGLER_ENV) $(WRANGLER) dev --local --ip 127.0.0.1 --port 8787

## test-worker: start the Worker in wrangler and test the HTTP API end to end
test-worker: worker node_modules/.package-lock.json
	$(WRANGLER_ENV) node --test wasm/worker/test/api.test.mjs

## worker-measure: bundle size (gzip), cold start and warm latency of the Worker
worker-measure: worker node_modules/.package-lock.json
	$(WRANGLER_ENV) node wasm/worker/test/measure.mjs

## site: the web playground in site/ (hashed engine*.wasm and ui*.wasm, assets.js, wasm_exec.js, samples/)
site: $(SITE_DIR)/assets.js

$(SITE_DIR)/assets.js: $(SITE_SRC)
	@mkdir -p $(SITE_TMP)
	$(GO) run ./tools/prereadrules
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags '$(LDFLAGS)' $(ENGINE_GCFLAGS) -o $(SITE_TMP)/engine.wasm ./wasm/engine
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags '-s -w' -o $(SITE_TMP)/ui.wasm ./wasm/browser
	$(GO) run ./wasm/sitegen -site $(SITE_DIR) -engine $(SITE_TMP)/engine.wasm -ui $(SITE_TMP)/ui.wasm -wasm-exec $(WASM_EXEC)/wasm_exec.js

## serve: build the site and the binary that embeds it, and serve it on http://$(SERVE_ADDR)/ (SERVE_FLAGS="--tls-cert C --tls-key K" for https)
serve: site build
	./nettriage serve --addr $(SERVE_ADDR) $(SERVE_FLAGS)

## test-engine: the engine's Web Worker bridge under GOOS=js GOARCH=wasm in Node
test-engine:
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/engine/ ./wasm/browser/
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(WASM_EXEC)/go_js_wasm_exec ./wasm/engine/

# Debian's Chromium for the browser test; installed when missing and root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else echo "the browser test needs /usr/bin/chromium: sudo apt-get install chromium"; exit 1; fi; \
	fi

## test-site: the playground end to end in headless Chromium, served by `nettriage serve`
test-site: site build chromium node_modules/.package-lock.json
	node --test wasm/browser/test/site.test.mjs

## size-guard: fail when the engine module exceeds its budget (3 MiB at brotli 11, DESIGN.md); prints its size
size-guard: site
	node wasm/browser/test/size.mjs

## site-measure: module sizes (raw and as served), cold and warm page-ready time, first finding, engine throughput in Chromium vs native (default and GOMAXPROCS=1)
site-measure: site build chromium node_modules/.package-lock.json
	node wasm/browser/test/measure.mjs

clean:
	rm -rf nettriage dist $(WORKER_BUILD) .wrangler $(SITE_TMP) $(SITE_DIR)/*.wasm $(SITE_DIR)/*.br $(SITE_DIR)/*.gz $(SITE_DIR)/assets.js $(SITE_DIR)/_headers $(SITE_DIR)/wasm_exec.js $(SITE_DIR)/zoneinfo.zip $(SITE_DIR)/samples
