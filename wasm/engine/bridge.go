//go:build js && wasm

package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/pcap"
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
//	{type: "export", format: "markdown"|"json"|"html", redact}
//	{type: "artifact", name, line, end}
//
// Answers (engine → page): ready, progress {artifact, done, total},
// report {json, ms, sys}, cancelled, rules {json}, rule-ok {file},
// rule-error {file, line, message}, export {format, name, text},
// artifact {json}, error {message}.
type bridge struct {
	s     *session.Session
	post  func(map[string]any)
	chunk int64

	mu      sync.Mutex
	queue   []request
	wake    chan struct{}
	started atomic.Int64 // analyze requests received; an older one's capture reads stop
}

// request is a queued message with the number of analyze requests
// received up to and including it.
type request struct {
	msg js.Value
	gen int64
}

func newBridge(s *session.Session, post func(map[string]any)) *bridge {
	b := &bridge{s: s, post: post, chunk: chunkSize, wake: make(chan struct{}, 1)}
	go b.loop()
	return b
}

// receive queues a message. It runs in a JavaScript callback, so it must
// not block.
func (b *bridge) receive(msg js.Value) {
	gen := b.started.Load()
	if msg.Get("type").String() == "analyze" {
		gen = b.started.Add(1)
	}
	b.mu.Lock()
	b.queue = append(b.queue, request{msg, gen})
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *bridge) loop() {
	for range b.wake {
		for {
			b.mu.Lock()
			if len(b.queue) == 0 {
				b.mu.Unlock()
				break
			}
			req := b.queue[0]
			b.queue = b.queue[1:]
			b.mu.Unlock()
			b.handle(req.msg, req.gen)
		}
	}
}

func (b *bridge) handle(msg js.Value, gen int64) {
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
		b.analyze(msg, gen, reply)
	case "rules":
		reply("rules", "json", session.JSON(b.s.Rules()))
	case "rule":
		file := msg.Get("file").String()
		b.s.SetProgress(b.progress(id, gen))
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
		reply("rule-ok", "file", file, "json", session.JSON(b.s.Rules()))
		if rep != nil {
			reply("report", "json", session.ReportJSON(rep))
		}
	case "reset-rules":
		rep, err := b.s.ResetRules()
		if err != nil {
			reply("error", "message", err.Error())
			return
		}
		reply("rules", "json", session.JSON(b.s.Rules()))
		if rep != nil {
			reply("report", "json", session.ReportJSON(rep))
		}
	case "export":
		text, name, err := b.s.Export(msg.Get("format").String(), msg.Get("redact").Truthy())
		if err != nil {
			reply("error", "message", err.Error())
			return
		}
		reply("export", "format", msg.Get("format").String(), "name", name, "text", text)
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

// analyze reads the inputs (text whole, captures as streams) and runs the
// analysis. When a newer analyze request arrives meanwhile, capture reads
// stop and the result is dropped.
func (b *bridge) analyze(msg js.Value, gen int64, reply func(string, ...any)) {
	start := time.Now()
	stale := func() bool { return b.started.Load() != gen }
	id := msg.Get("id").Int()

	opts := facts.Options{Progress: b.progress(id, gen)}
	if tz := msg.Get("tz"); tz.Type() == js.TypeString && tz.String() != "" {
		loc, err := time.LoadLocation(tz.String())
		if err != nil {
			reply("error", "message", "time zone: "+err.Error())
			return
		}
		opts.Location = loc
	}
	if y := msg.Get("year"); y.Type() == js.TypeNumber {
		opts.Year = y.Int()
	}

	lim := session.Limits()
	var inputs []artifact.Input
	var errs []artifact.Error
	var total int64
	list := msg.Get("inputs")
	for i := 0; i < list.Length(); i++ {
		in := list.Index(i)
		name := in.Get("name").String()
		if text := in.Get("text"); text.Type() == js.TypeString {
			data := []byte(text.String())
			if int64(len(data)) > lim.MaxFileBytes {
				errs = append(errs, artifact.Error{Artifact: name, Message: fmt.Sprintf("larger than the %d-byte limit; only the first %d bytes are analysed", lim.MaxFileBytes, lim.MaxFileBytes)})
				data = data[:lim.MaxFileBytes]
			}
			total += int64(len(data))
			inputs = append(inputs, artifact.Input{Name: name, Data: data})
			continue
		}
		input, err := b.readInput(name, in.Get("blob"), min(lim.MaxFileBytes, lim.MaxTotalBytes-total), stale)
		if err != nil {
			errs = append(errs, artifact.Error{Artifact: name, Message: err.Error()})
		}
		if input.Name != "" {
			total += int64(len(input.Data))
			inputs = append(inputs, input)
		}
		if stale() {
			reply("cancelled")
			return
		}
	}
	rep := b.s.Analyze(inputs, errs, opts)
	if stale() {
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

// readInput makes an input of a Blob: a packet capture (plain or gzip) is
// streamed while it is analysed; anything else is read whole, up to max
// bytes. A non-empty Name with an error means the input was cut.
func (b *bridge) readInput(name string, blob js.Value, max int64, stale func() bool) (artifact.Input, error) {
	size := int64(blob.Get("size").Float())
	head, err := readRange(blob, 0, min(size, 64))
	if err != nil {
		return artifact.Input{}, err
	}
	if isCapture(head) {
		return artifact.Input{Name: name, Size: size, Open: func() (io.ReadCloser, error) {
			return newBlobReader(blob, b.chunk, stale), nil
		}}, nil
	}
	if max <= 0 {
		return artifact.Input{}, fmt.Errorf("skipped: the inputs already reach the %d-byte limit", session.Limits().MaxTotalBytes)
	}
	data, err := readRange(blob, 0, min(size, max))
	if err != nil {
		return artifact.Input{}, err
	}
	if size > max {
		err = fmt.Errorf("larger than the %d-byte limit; only the first %d bytes are analysed", max, max)
	}
	return artifact.Input{Name: name, Data: data}, err
}

// isCapture tells a pcap or pcapng file, also gzip-compressed, from its
// first bytes.
func isCapture(head []byte) bool {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false
		}
		inner := make([]byte, 4)
		n, _ := io.ReadFull(zr, inner)
		head = inner[:n]
	}
	return pcap.IsCapture(head)
}

// progress returns a facts progress callback that posts at most one message
// per progressEvery for request id, and none once the request is stale.
func (b *bridge) progress(id int, gen int64) func(string, int64, int64) {
	var last time.Time
	return func(name string, done, total int64) {
		if time.Since(last) < progressEvery || b.started.Load() != gen {
			return
		}
		last = time.Now()
		b.post(map[string]any{"type": "progress", "id": id, "artifact": name, "done": float64(done), "total": float64(total)})
	}
}
