# nettriage — build, test, benchmark and release.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
PKGS     := ./...
FUZZTIME ?= 20s

.PHONY: all build test vet bench fuzz release demo clean

all: build

## build: the native binary ./nettriage
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o nettriage ./cmd/nettriage

## test: vet, gofmt check, every Go test (samples, corpus, CLI)
test: vet
	@unformatted=$$(gofmt -l analyzer cmd rules); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -count=1 $(PKGS)

vet:
	$(GO) vet $(PKGS)

## bench: analysis benchmarks (50 MB sosreport-like bundle as .tar.gz and .tar.xz)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./analyzer/engine/ ./analyzer/artifact/

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
release:
	@mkdir -p dist
	@for t in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "dist/nettriage-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/nettriage-$$os-$$arch$$ext ./cmd/nettriage || exit 1; \
	done

clean:
	rm -rf nettriage dist
