// Package api is the HTTP API of the nettriage Cloudflare Worker:
//
//	POST /v1/analyze  multipart "file" fields, or a raw body with ?name=;
//	                  returns the nettriage.report/v1 JSON (or ?format=markdown|text)
//	GET  /v1/rules    the built-in rules: id, title, severity, tags, params
//	GET  /v1/health   liveness, version, the body limit and memory in use
//
// POST /v1/analyze takes ?redact=1 (pseudonyms from a fresh secret) and a
// multipart "redact_key" field (a key file's content, for pseudonyms that
// stay the same across requests; implies redact). Every response of
// /v1/analyze carries X-Nettriage-Memory-Bytes: the Go runtime's memory
// (runtime.MemStats.Sys), which under js/wasm is the linear memory's high
// water mark, for measuring the body limit (wasm/worker/test/measure.mjs).
//
// It is a plain http.Handler with no syscall/js, so it compiles and is tested
// natively; wasm/worker/main.go only hands it to workers.Serve. Uploaded
// content is never logged, and CORS is off unless origins are configured.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	// The Workers runtime has no zoneinfo files, so ?tz=Area/City needs the
	// embedded database.
	_ "time/tzdata"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
	"github.com/nettriage/nettriage/analyzer/triage"
)

// DefaultMaxBodyBytes is the documented limit on a request body (10 MiB).
//
// A Worker isolate has 128 MB of memory, and everything stays in memory.
// Measured with `node wasm/worker/test/measure.mjs memory` (wrangler dev
// --local, one fresh Worker per body, X-Nettriage-Memory-Bytes =
// runtime.MemStats.Sys, the linear memory's high-water mark, with the soft
// MemoryLimit set): a raw syslog body of 1 MiB peaks at 18 MiB, 8 MiB at
// 80 MiB, 10 MiB at 58 MiB, 12 MiB at 70 MiB and 16 MiB at 162 MiB (over the
// isolate); a sosreport-like .tar.gz of 9.5 MiB expanding to 16 MiB peaks
// at 68 MiB. 10 MiB keeps the worst case near 80 MiB, leaving the rest of
// the 128 MB for the JavaScript side (which holds the body too) and the
// compiled module. Local workerd does not enforce 128 MB, so the limit
// comes from the measurement, not from a passing run. Bigger bundles are
// for the CLI.
const DefaultMaxBodyBytes = 10 << 20

// MemoryLimit is the Go runtime's soft memory limit in the Worker
// (debug.SetMemoryLimit): under the isolate's 128 MB with room for the
// JavaScript side.
const MemoryLimit = 96 << 20

// DefaultLimits bounds what archives in one request may expand to: 16 MiB
// expanded peaked at 68 MiB (see DefaultMaxBodyBytes), and at most 20000
// files, multipart parts included.
func DefaultLimits() artifact.Limits {
	return artifact.Limits{
		MaxTotalBytes: 16 << 20,
		MaxFiles:      20000,
		MaxFileBytes:  16 << 20,
		MaxNesting:    1,
	}
}

// Config configures the handler. The zero value is usable.
type Config struct {
	// Version is reported in /v1/health and in every report's tool.version.
	Version string
	// AllowedOrigins enables CORS for these origins ("*" allows any). When
	// empty, no CORS headers are sent and OPTIONS is not a known method.
	AllowedOrigins []string
	// MaxBodyBytes limits a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Limits bound archive expansion; the zero value means DefaultLimits.
	Limits artifact.Limits
}

// ParseOrigins splits a deployer's ALLOWED_ORIGINS value (comma or space
// separated) into origins.
func ParseOrigins(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// maxDrain bounds how much of a request body left unread by the handler
// (an early 413 or 400) is read and discarded after the response. Reading
// it to the end keeps the connection usable for the next request: wrangler
// dev otherwise answers that one with a 503. Cloudflare caps request
// bodies at 100 MB on most plans.
const maxDrain = 100 << 20

type handler struct {
	cfg    Config
	routes map[string]route
	// rules is loaded on first use: /v1/health must stay cheap, and in the
	// Worker every request runs in a fresh Go instance.
	rules func() (*engine.RuleSet, []error)
}

type route struct {
	method string
	serve  func(http.ResponseWriter, *http.Request)
}

// New returns the API handler.
func New(cfg Config) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Limits == (artifact.Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	h := &handler{cfg: cfg, rules: sync.OnceValues(engine.Builtin)}
	h.routes = map[string]route{
		"/v1/analyze": {http.MethodPost, h.analyze},
		"/v1/rules":   {http.MethodGet, h.listRules},
		"/v1/health":  {http.MethodGet, h.health},
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A panic in a parser must not take the Worker instance down with
		// an opaque runtime error; the input is deliberately not logged.
		if v := recover(); v != nil {
			writeError(w, http.StatusInternalServerError, "internal error while handling the request")
		}
	}()
	// The arguments are evaluated here, so this drains the original body
	// even after analyze has wrapped it in a MaxBytesReader.
	defer io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		writeError(w, http.StatusNotFound, "no such route; see GET /v1/health, GET /v1/rules, POST /v1/analyze")
		return
	}
	cors := len(h.cfg.AllowedOrigins) > 0
	if cors {
		w.Header().Add("Vary", "Origin")
		if o := r.Header.Get("Origin"); o != "" && h.originAllowed(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
	}
	allow := rt.method
	if cors {
		allow += ", " + http.MethodOptions
	}
	switch {
	case cors && r.Method == http.MethodOptions:
		h.preflight(w, r, allow)
	case r.Method != rt.method:
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed; use %s", r.Method, rt.method))
	default:
		rt.serve(w, r)
	}
}

func (h *handler) originAllowed(origin string) bool {
	for _, o := range h.cfg.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// preflight answers a CORS preflight; only origins in the configuration
// are granted.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request, allow string) {
	if !h.originAllowed(r.Header.Get("Origin")) {
		writeError(w, http.StatusForbidden, "origin not allowed")
		return
	}
	w.Header().Set("Access-Control-Allow-Methods", allow)
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// Health is the body of GET /v1/health.
type Health struct {
	Status           string `json:"status"`
	Version          string `json:"version"`
	MaxBodyBytes     int64  `json:"max_body_bytes"`
	MaxExpandedBytes int64  `json:"max_expanded_bytes"`
	MaxFiles         int    `json:"max_files"` // multipart parts and archive members
	// MemoryBytes is the memory the Go runtime holds (MemStats.Sys): under
	// js/wasm, the instance's linear memory, which never shrinks.
	MemoryBytes uint64 `json:"memory_bytes"`
}

func (h *handler) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Health{Status: "ok", Version: h.cfg.Version,
		MaxBodyBytes: h.cfg.MaxBodyBytes, MaxExpandedBytes: h.cfg.Limits.MaxTotalBytes,
		MaxFiles: h.cfg.Limits.MaxFiles, MemoryBytes: memoryBytes()})
}

// memoryBytes is the memory the Go runtime took from the system.
func memoryBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

// RuleList is the body of GET /v1/rules.
type RuleList struct {
	RulesVersion string     `json:"rules_version"` // as in a report's tool.rules
	Rules        []RuleInfo `json:"rules"`
	Errors       []string   `json:"errors"` // rule files that failed to load
}

// RuleInfo is one entry of GET /v1/rules.
type RuleInfo struct {
	ID       string                  `json:"id"`
	Title    string                  `json:"title"`
	Severity string                  `json:"severity"`
	Scope    string                  `json:"scope"`
	Tags     []string                `json:"tags"`
	Summary  string                  `json:"summary"`
	Params   map[string]engine.Param `json:"params"`
}

func (h *handler) listRules(w http.ResponseWriter, _ *http.Request) {
	rs, errs := h.rules()
	if rs == nil {
		writeError(w, http.StatusInternalServerError, "no rules could be loaded")
		return
	}
	out := make([]RuleInfo, 0, len(rs.Rules))
	for _, r := range rs.Rules {
		ri := RuleInfo{ID: r.ID, Title: r.Title, Severity: r.Severity, Scope: r.Scope,
			Tags: r.Tags, Summary: strings.TrimSpace(r.Summary), Params: r.Params}
		if ri.Scope == "" {
			ri.Scope = "host"
		}
		if ri.Tags == nil {
			ri.Tags = []string{}
		}
		if ri.Params == nil {
			ri.Params = map[string]engine.Param{}
		}
		out = append(out, ri)
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	writeJSON(w, http.StatusOK, RuleList{RulesVersion: rs.Version(), Rules: out, Errors: msgs})
}

// analyzeOptions are the query parameters of /v1/analyze, the counterparts
// of the CLI's flags.
type analyzeOptions struct {
	format string
	loc    *time.Location
	year   int
	redact bool
	name   string // raw-body artifact name
}

func parseAnalyzeQuery(r *http.Request) (analyzeOptions, error) {
	q := r.URL.Query()
	opt := analyzeOptions{format: "json", loc: time.UTC, name: "stdin"}
	if f := q.Get("format"); f != "" {
		if f != "json" && f != "markdown" && f != "text" {
			return opt, fmt.Errorf("unknown format %q (want json, markdown or text)", f)
		}
		opt.format = f
	}
	if tz := q.Get("tz"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return opt, fmt.Errorf("tz: unknown time zone %q (want e.g. UTC or Asia/Shanghai)", tz)
		}
		opt.loc = loc
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 0 || n > 9999 {
			return opt, fmt.Errorf("year: %q is not a year", y)
		}
		opt.year = n
	}
	if v := q.Get("redact"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return opt, fmt.Errorf("redact: %q is not true or false", v)
		}
		opt.redact = b
	}
	if n := q.Get("name"); n != "" {
		opt.name = n
	}
	return opt, nil
}

func (h *handler) analyze(w http.ResponseWriter, r *http.Request) {
	opt, err := parseAnalyzeQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Refuse a declared oversize body before buffering any of it (ServeHTTP
	// then discards it); the MaxBytesReader below enforces the limit for
	// bodies that are chunked or lie about their length.
	if r.ContentLength > h.cfg.MaxBodyBytes {
		writeTooLarge(w, h.cfg.MaxBodyBytes)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	up, err := readInputs(r, opt.name, h.cfg.Limits.MaxFiles)
	var tooLarge *http.MaxBytesError
	var tooMany errTooManyParts
	switch {
	case errors.As(err, &tooLarge):
		writeTooLarge(w, h.cfg.MaxBodyBytes)
		return
	case errors.As(err, &tooMany):
		writeError(w, http.StatusRequestEntityTooLarge, tooMany.Error())
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "reading the request: "+err.Error())
		return
	case len(up.inputs) == 0:
		writeError(w, http.StatusBadRequest, "no files: send multipart/form-data with one or more \"file\" fields, or a non-empty raw body (with ?name=FILENAME)")
		return
	}
	var key []byte
	if up.key != nil {
		if key, err = redact.ParseKey(up.key); err != nil {
			writeError(w, http.StatusBadRequest, "redact_key: "+err.Error())
			return
		}
		opt.redact = true
	}

	rs, ruleErrs := h.rules()
	if rs == nil {
		writeError(w, http.StatusInternalServerError, "no rules could be loaded")
		return
	}
	// The same entry point as `nettriage analyze`.
	rep := triage.Run(r.Context(), up.inputs, triage.Options{
		Rules:      rs,
		Limits:     h.cfg.Limits,
		Year:       opt.year,
		Location:   opt.loc,
		Version:    h.cfg.Version,
		RuleErrors: ruleErrs,
	})
	up.inputs = nil // let the collector have the uploads while rendering
	usable := triage.Usable(rep)
	if opt.redact {
		rep = redact.New(key).Report(rep)
	}

	var buf bytes.Buffer
	ctype := "application/json; charset=utf-8"
	switch opt.format {
	case "markdown":
		ctype = "text/markdown; charset=utf-8"
		err = report.Markdown(&buf, rep)
	case "text":
		ctype = "text/plain; charset=utf-8"
		err = report.Text(&buf, rep, report.TextOptions{})
	default:
		err = report.JSON(&buf, rep)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "rendering the report: "+err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	// Like the CLI's exit code 2: the report is complete, but nothing in
	// the upload could be used (its errors[] says why).
	w.Header().Set("X-Nettriage-Usable", strconv.FormatBool(usable))
	w.Header().Set("X-Nettriage-Memory-Bytes", strconv.FormatUint(memoryBytes(), 10))
	writeBody(w, http.StatusOK, ctype, buf.Bytes())
}

// uploads are what a request carried: the files, and a redaction key.
type uploads struct {
	inputs []triage.Input
	key    []byte // the "redact_key" field, nil when absent
}

// errTooManyParts stops reading a multipart body with more parts than the
// file limit: a hundred thousand tiny parts must not become as many
// artifacts.
type errTooManyParts int

func (e errTooManyParts) Error() string {
	return fmt.Sprintf("too many parts: at most %d files per request", int(e))
}

// readInputs reads the uploaded files: every "file" part of a
// multipart/form-data body, or else the whole body as one file. Parts of
// any name count against maxParts.
func readInputs(r *http.Request, rawName string, maxParts int) (uploads, error) {
	var up uploads
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		data, err := io.ReadAll(r.Body)
		if err != nil || len(data) == 0 {
			return up, err
		}
		up.inputs = []triage.Input{{Name: cleanName(rawName, "stdin"), Data: data}}
		return up, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, err
	}
	for parts := 1; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return up, nil
		}
		if err != nil {
			return up, err
		}
		if parts > maxParts {
			return up, errTooManyParts(maxParts)
		}
		switch p.FormName() {
		case "file":
		case "redact_key":
			up.key, err = io.ReadAll(io.LimitReader(p, 4<<10))
			if err != nil {
				return up, err
			}
			continue
		default:
			continue // NextPart discards the unread rest of this part
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return up, err
		}
		fn := partFileName(p.Header.Get("Content-Disposition"))
		if fn == "" && len(data) == 0 {
			continue // a form's file input with nothing chosen
		}
		up.inputs = append(up.inputs, triage.Input{
			Name: cleanName(fn, fmt.Sprintf("file%d", len(up.inputs)+1)),
			Data: data,
		})
	}
}

// partFileName returns the filename parameter as sent. multipart.Part's
// FileName keeps only the last element, but a relative path
// ("sosreport-x/sos_commands/kernel/sysctl_-a") is what lets the artifact
// layer recognise a directory upload's layout, as the CLI does.
func partFileName(disposition string) string {
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return ""
	}
	return params["filename"]
}

// cleanName makes an uploaded name a clean relative path, or returns def.
func cleanName(name, def string) string {
	p := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	p = strings.TrimLeft(p, "/")
	for strings.HasPrefix(p, "../") {
		p = p[len("../"):]
	}
	if p == "" || p == "." || p == ".." {
		return def
	}
	return p
}

func writeTooLarge(w http.ResponseWriter, limit int64) {
	writeError(w, http.StatusRequestEntityTooLarge,
		fmt.Sprintf("request body too large: the limit is %d bytes (%d MiB)", limit, limit>>20))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error": "encoding the response"}`)
	}
	writeBody(w, status, "application/json; charset=utf-8", append(data, '\n'))
}

// writeBody sends a complete body with its length, which lets the Worker
// runtime use a fixed-length stream instead of chunking.
func writeBody(w http.ResponseWriter, status int, ctype string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
