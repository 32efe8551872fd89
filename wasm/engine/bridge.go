//go:build js && wasm

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"syscall/js"
	"time"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/triage"
	"github.com/nettriage/nettriage/wasm/engine/session"
)

// chunkSize is how much of a capture one Blob.slice reads.
const chunkSize = 4 << 20

// progressEvery is the least time between two progress messages.
const progressEvery = 100 * time.Millisecond

// bridge turns the page's messages into session calls and posts the
// answers. Requests are handled one at a time, in order, by one goroutine:
// the JavaScript callback that receives them only queues them, because a
// callback must return before any promise (a Blob read) can settle.
//
// Requests (page → engine), each with a numeric id echoed in the answers:
//
//	{type: "analyze", inputs: [{name, blob} | {name, text}], tz?, year?}
//	{type: "rules"}
//	{type: "rule", file, yaml}      compile a playground edit, re-evaluate
//	{type: "reset-rules"}
//	{type: "export", format: "markdown"|"json"|"html", redact, key?, preview?}
//	                                key: a redaction key file's text; without
//	                                it the case's own secret is used
//	{type: "artifact", name, line, end}
//
// Answers (engine → page): ready, progress {artifact, done, total},
// report {json, ms, sys}, cancelled, rules {json}, rule-ok {file},
// rule-error {file, line, message}, export {format, name, text, legend,
// preview} (legend: the redaction's [{kind, original, pseudonym}], for the
// page, never in text; preview echoed),
// artifact {json}, error {message}, rules-ready {rules} (the rule set's
// version, once the rules are compiled: "ready" is posted before, so the
// page is usable while they compile; requests wait for them).
type bridge struct {
	s     *session.Session
	post  func(map[string]any)
	chunk int64
	// load makes the session (compiling the rules) before the first
	// request is handled, when s is nil.
	load func() (*session.Session, error)
	// analysed is set by the first analyze request; no warm-up after it.
	analysed bool
	warmed   bool // the warm-up ran (for the tests)

	mu     sync.Mutex
	queue  []request
	wake   chan struct{}
	cancel context.CancelFunc // cancels the latest analyze request's context
	latest context.Context    // that context
}

// request is a queued message with the context of the latest analyze
// request received up to and including it: a newer analyze cancels it, so
// an older analysis stops reading and its result is dropped.
type request struct {
	msg js.Value
	ctx context.Context
}

func newBridge(s *session.Session, post func(map[string]any)) *bridge {
	b := &bridge{s: s, post: post, chunk: chunkSize, wake: make(chan struct{}, 1)}
	go b.loop()
	return b
}

// receive queues a message. It runs in a JavaScript callback, so it must
// not block.
func (b *bridge) receive(msg js.Value) {
	b.mu.Lock()
	if msg.Get("type").String() == "analyze" {
		if b.cancel != nil {
			b.cancel()
		}
		b.latest, b.cancel = context.WithCancel(context.Background())
	}
	if b.latest == nil {
		b.latest = context.Background()
	}
	b.queue = append(b.queue, request{msg, b.latest})
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// newLazyBridge answers requests once load has made the session; it starts
// loading at once, and requests received meanwhile wait in the queue.
func newLazyBridge(load func() (*session.Session, error), post func(map[string]any)) *bridge {
	b := &bridge{load: load, post: post, chunk: chunkSize, wake: make(chan struct{}, 1)}
	go b.loop()
	return b
}

func (b *bridge) loop() {
	// warm fires once the page has been left alone for warmDelay after
	// the rules loaded: the user is reading the page, so the engine warms
	// up (see session.Warm) rather than make their first case pay for
	// WebAssembly's first calls. It does not when a case came sooner (the
	// case warms the engine itself), and not while the page starts: run
	// at once, the warm-up slowed the page's own first work (measured:
	// longer tasks on the page's thread, on two cores).
	var warm <-chan time.Time
	if b.s == nil && b.load != nil {
		s, err := b.load()
		if err != nil {
			b.post(map[string]any{"type": "fatal", "message": err.Error()})
			return
		}
		b.s = s
		b.post(map[string]any{"type": "rules-ready", "rules": s.RuleSet().Version()})
		warm = time.After(warmDelay)
	}
	for {
		select {
		case <-b.wake:
			b.drain()
		case <-warm:
			warm = nil
			if !b.analysed {
				b.s.Warm()
				b.warmed = true
			}
		}
	}
}

// warmDelay is how long the page must stay idle before the engine warms up.
const warmDelay = time.Second

// drain handles the queued requests in order.
func (b *bridge) drain() {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.mu.Unlock()
			return
		}
		req := b.queue[0]
		b.queue = b.queue[1:]
		b.mu.Unlock()
		if req.msg.Get("type").String() == "analyze" {
			b.analysed = true
		}
		b.handle(req.msg, req.ctx)
	}
}

func (b *bridge) handle(msg js.Value, ctx context.Context) {
	id := msg.Get("id").Int()
	reply := func(typ string, kv ...any) {
		m := map[string]any{"type": typ, "id": id}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		b.post(m)
	}
	defer func() {
		// A bug in one request must not kill the engine for the next.
		if p := recover(); p != nil {
			reply("error", "message", fmt.Sprintf("internal error: %v", p))
		}
	}()
	switch typ := msg.Get("type").String(); typ {
	case "analyze":
		b.analyze(msg, ctx, reply)
	case "rules":
		reply("rules", "json", session.JSON(b.s.RuleList()))
	case "rule":
		file := msg.Get("file").String()
		rep, err := b.s.SetRule(file, []byte(msg.Get("yaml").String()))
		var le *engine.LoadError
		switch {
		case errors.As(err, &le):
			reply("rule-error", "file", file, "line", le.Line, "message", le.Msg)
			return
		case err != nil:
			reply("rule-error", "file", file, "line", 0, "message", err.Error())
			return
		}
		reply("rule-ok", "file", file, "json", session.JSON(b.s.RuleList()))
		if rep != nil {
			reply("report", "json", session.ReportJSON(rep))
		}
	case "reset-rules":
		rep, err := b.s.ResetRules()
		if err != nil {
			reply("error", "message", err.Error())
			return
		}
		reply("rules", "json", session.JSON(b.s.RuleList()))
		if rep != nil {
			reply("report", "json", session.ReportJSON(rep))
		}
	case "export":
		var key []byte
		if k := msg.Get("key"); k.Type() == js.TypeString && k.String() != "" {
			var err error
			if key, err = redact.ParseKey([]byte(k.String())); err != nil {
				reply("error", "message", "redaction key: "+err.Error())
				return
			}
		}
		redacted := msg.Get("redact").Truthy() || key != nil
		text, name, legend, err := b.s.ExportLegend(msg.Get("format").String(), redacted, key)
		if err != nil {
			reply("error", "message", err.Error())
			return
		}
		// The legend (pseudonym = original) is for the page only: it is
		// never part of the text that is downloaded.
		reply("export", "format", msg.Get("format").String(), "name", name, "text", text, "legend", session.JSON(legend),
			"preview", msg.Get("preview").Truthy())
	case "artifact":
		v, err := b.s.Artifact(msg.Get("name").String(), msg.Get("line").Int(), msg.Get("end").Int())
		if err != nil {
			reply("error", "message", err.Error())
			return
		}
		reply("artifact", "json", session.JSON(v))
	default:
		reply("error", "message", fmt.Sprintf("unknown request %q", typ))
	}
}

// analyze hands the inputs to the session (triage reads them: text whole,
// captures as streams of Blob slices) and runs the analysis. When a newer
// analyze request arrives meanwhile, ctx is cancelled: reading stops and
// the result is dropped.
func (b *bridge) analyze(msg js.Value, ctx context.Context, reply func(string, ...any)) {
	start := time.Now()
	id := msg.Get("id").Int()

	opt := triage.Options{Progress: b.progress(id, ctx)}
	if tz := msg.Get("tz"); tz.Type() == js.TypeString && tz.String() != "" {
		loc, err := loadZone(tz.String())
		if err != nil {
			reply("error", "message", "time zone: "+err.Error())
			return
		}
		opt.Location = loc
	}
	if y := msg.Get("year"); y.Type() == js.TypeNumber {
		opt.Year = y.Int()
	}
	if h := msg.Get("host"); h.Type() == js.TypeString {
		opt.Host = h.String()
	}

	var inputs []triage.Input
	list := msg.Get("inputs")
	for i := 0; i < list.Length(); i++ {
		in := list.Index(i)
		name := in.Get("name").String()
		if text := in.Get("text"); text.Type() == js.TypeString {
			inputs = append(inputs, triage.Input{Name: name, Data: []byte(text.String())})
			continue
		}
		blob := in.Get("blob")
		size := int64(blob.Get("size").Float())
		inputs = append(inputs, triage.Input{Name: name, Size: size,
			Open: func() (io.ReadCloser, error) {
				// Reading a tarball shows progress too (captures also
				// report their parsing).
				return &progressReader{r: newBlobReader(blob, b.chunk, nil), name: name, total: size, report: opt.Progress}, nil
			}})
	}
	rep := b.s.Analyze(ctx, inputs, opt)
	if ctx.Err() != nil {
		reply("cancelled")
		return
	}
	// sys is the memory the Go runtime took from the module's linear
	// memory, which never shrinks: the peak so far, a check that captures
	// are streamed rather than held.
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	reply("report", "json", session.ReportJSON(rep), "ms", float64(time.Since(start).Microseconds())/1000, "sys", float64(mem.Sys))
}

// progressReader reports how much of an input has been read.
type progressReader struct {
	r      io.ReadCloser
	name   string
	done   int64
	total  int64
	report func(string, int64, int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.report != nil && n > 0 {
		p.report(p.name, p.done, p.total)
	}
	return n, err
}

func (p *progressReader) Close() error { return p.r.Close() }

// progress returns a progress callback that posts at most one message per
// progressEvery for request id, and none once ctx is cancelled.
func (b *bridge) progress(id int, ctx context.Context) func(string, int64, int64) {
	var last time.Time
	return func(name string, done, total int64) {
		if time.Since(last) < progressEvery || ctx.Err() != nil {
			return
		}
		last = time.Now()
		b.post(map[string]any{"type": "progress", "id": id, "artifact": name, "done": float64(done), "total": float64(total)})
	}
}

// zoneinfo is the time-zone database, fetched once from the site when a
// zone is first asked for: embedding it (time/tzdata) would add 450 kB to a
// module that must stay small, and most analyses use UTC.
var zoneinfo []byte

// loadZone finds a time zone: from the system where there is one (Node),
// else from the site's zoneinfo.zip, the same file Go's own loader reads.
func loadZone(name string) (*time.Location, error) {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	if zoneinfo == nil {
		resp, err := await(js.Global().Call("fetch", "zoneinfo.zip"))
		if err != nil {
			return nil, fmt.Errorf("the time-zone database could not be loaded: %v", err)
		}
		if !resp.Get("ok").Bool() {
			return nil, fmt.Errorf("the time-zone database could not be loaded: HTTP %d", resp.Get("status").Int())
		}
		ab, err := await(resp.Call("arrayBuffer"))
		if err != nil {
			return nil, err
		}
		u8 := uint8Array.New(ab)
		zoneinfo = make([]byte, u8.Length())
		js.CopyBytesToGo(zoneinfo, u8)
	}
	zr, err := zip.NewReader(bytes.NewReader(zoneinfo), int64(len(zoneinfo)))
	if err != nil {
		return nil, fmt.Errorf("the time-zone database is damaged: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		return time.LoadLocationFromTZData(name, data)
	}
	return nil, fmt.Errorf("unknown time zone %s", name)
}
