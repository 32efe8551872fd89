// Package triage is the one entry point of an analysis for every front end
// (the CLI, the page's engine, the Worker): it reads the inputs within the
// limits, keeps packet captures as streams, expands archives, runs the
// rules and returns a complete, normalized nettriage.report/v1 report.
//
// Front ends only turn their inputs (files, Blobs, request parts) into
// Inputs and decide their exit code or status from Usable.
package triage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/schema"
)

// Input is one input of an analysis: its whole content, or a stream.
type Input struct {
	Name string
	Data []byte // whole content, or
	// Open streams the content (a file, a Blob, stdin). Run opens it once
	// to tell a packet capture from anything else; a capture stays a
	// stream, analysed in one pass, and anything else is read into memory.
	// A later analysis of the same Inputs (Inputs.Analyze again) opens a
	// capture again.
	Open func() (io.ReadCloser, error)
	Size int64 // when known, for progress
}

// Options configure an analysis.
type Options struct {
	Rules  *engine.RuleSet
	Params map[string]map[string]float64 // per rule id: parameter overrides
	// Limits bound reading and expansion; MaxTotalBytes is one cap across
	// all inputs. The zero value means artifact.DefaultLimits.
	Limits   artifact.Limits
	Year     int            // year of syslog timestamps without one; 0 = infer
	Location *time.Location // time zone of syslog timestamps; nil = UTC
	// Host labels the artifacts of inputs that name no host (instead of
	// artifact.DefaultHost).
	Host     string
	Version  string
	Progress func(artifact string, done, total int64)
	// RuleErrors are rule load problems, reported in errors[] as "rules".
	RuleErrors []error
}

// sniffLen is how many bytes tell a capture apart: a gzip stream's first
// block header (its Huffman tables) can take a few hundred bytes before
// the first decompressed byte.
const sniffLen = 4096

// Run reads the inputs and analyses them. The report is never nil and
// always normalized; inputs that could not be used are in its errors[].
// When ctx is cancelled, reading stops between inputs and inside streamed
// captures, and the (partial) report is returned: callers check ctx.Err().
func Run(ctx context.Context, inputs []Input, opt Options) *schema.Report {
	in := Read(ctx, inputs, opt)
	defer in.Close()
	return in.Analyze(ctx, opt).Report
}

// Inputs are inputs read within the limits, ready to be analysed, again
// when the rules change.
type Inputs struct {
	inputs []artifact.Input
	errs   []artifact.Error
	held   map[int]*heldStream // captures opened while sniffing, not yet handed on
}

// heldStream is a capture opened while sniffing: the first analysis reads
// it from there, later ones open it again.
type heldStream struct {
	r    io.ReadCloser
	open func() (io.ReadCloser, error)
}

// Result is a report with the artifacts it was made from, for front ends
// that show the artifacts' text (the page's viewer).
type Result struct {
	Report    *schema.Report
	Artifacts []*artifact.Artifact
}

// Read reads the inputs: captures are recognised and kept as streams,
// anything else is read into memory within opt.Limits (one cap on bytes
// across all inputs, a cap per file, a cap on files).
func Read(ctx context.Context, inputs []Input, opt Options) *Inputs {
	lim := limits(opt.Limits)
	out := &Inputs{held: map[int]*heldStream{}}
	var total int64
	files := 0
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: "not read: " + err.Error()})
			continue
		}
		var r io.Reader
		var closer io.Closer
		if in.Open == nil {
			if isCapture(in.Data) {
				out.inputs = append(out.inputs, artifact.Input{Name: in.Name, Data: in.Data})
				continue
			}
			r = bytes.NewReader(in.Data)
		} else {
			rc, err := in.Open()
			if err != nil {
				out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: err.Error()})
				continue
			}
			br := bufio.NewReaderSize(ctxReader{ctx, rc}, 64<<10)
			head, _ := br.Peek(sniffLen)
			if isCapture(head) {
				i := len(out.inputs)
				out.held[i] = &heldStream{r: readCloser{br, rc}, open: in.Open}
				out.inputs = append(out.inputs, artifact.Input{Name: in.Name, Size: in.Size})
				continue
			}
			r, closer = br, rc
		}
		files++
		if files > lim.MaxFiles {
			if files == lim.MaxFiles+1 {
				out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: fmt.Sprintf("more than %d files; the rest are skipped", lim.MaxFiles)})
			}
			closeIf(closer)
			continue
		}
		left := lim.MaxTotalBytes - total
		if left <= 0 {
			out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: fmt.Sprintf("skipped: the inputs already reach the %d-byte limit", lim.MaxTotalBytes)})
			closeIf(closer)
			continue
		}
		max := min(lim.MaxFileBytes, left)
		var data []byte
		var err error
		if in.Open == nil {
			data = in.Data
			if int64(len(data)) > max {
				data = data[:max+1]
			}
		} else {
			data, err = readAll(r, max+1, in.Size)
		}
		closeIf(closer)
		if err != nil {
			out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: err.Error()})
			if ctx.Err() != nil {
				continue
			}
		}
		if int64(len(data)) > max {
			out.errs = append(out.errs, artifact.Error{Artifact: in.Name, Message: fmt.Sprintf("larger than the %d-byte limit; only the first %d bytes are analysed", max, max)})
			data = data[:max]
		}
		total += int64(len(data))
		out.inputs = append(out.inputs, artifact.Input{Name: in.Name, Data: data})
	}
	return out
}

// Analyze expands the read inputs and runs the rules. Captures are read
// while they are analysed; ctx stops them.
func (in *Inputs) Analyze(ctx context.Context, opt Options) *Result {
	return in.Prepare(ctx, opt).Evaluate(opt.Rules, opt.Params)
}

// Case is a case read and parsed: its artifacts and their facts, the
// captures' measurements included. Evaluate runs rules on it without
// reading anything again, which is what a rule edit needs.
type Case struct {
	arts []*artifact.Artifact
	prep *engine.Prepared
}

// Prepare expands the read inputs and builds their facts; opt.Rules and
// opt.Params are not used. Captures are read (once) here; ctx stops them.
func (in *Inputs) Prepare(ctx context.Context, opt Options) *Case {
	inputs := make([]artifact.Input, len(in.inputs))
	copy(inputs, in.inputs)
	for i, h := range in.held {
		h := h
		inputs[i].Open = func() (io.ReadCloser, error) {
			if h.r != nil {
				r := h.r
				h.r = nil
				return readCloser{ctxReader{ctx, r}, r}, nil
			}
			rc, err := h.open()
			if err != nil {
				return nil, err
			}
			return readCloser{ctxReader{ctx, rc}, rc}, nil
		}
	}
	ex := artifact.ExpandAll(inputs, limits(opt.Limits))
	arts := ex.Artifacts
	errs := append(append([]artifact.Error(nil), in.errs...), ex.Errors...)
	for _, e := range opt.RuleErrors {
		errs = append(errs, artifact.Error{Artifact: "rules", Message: e.Error()})
	}
	assignHosts(arts, opt.Host)
	return &Case{arts: arts, prep: engine.Prepare(arts, errs, engine.Options{
		Facts:       facts.Options{Year: opt.Year, Location: opt.Location, Progress: opt.Progress},
		Version:     opt.Version,
		NotAnalysed: ex.NotAnalysed,
	})}
}

// Evaluate runs the rules on the case and builds the report.
func (c *Case) Evaluate(rules *engine.RuleSet, params map[string]map[string]float64) *Result {
	rep := c.prep.Evaluate(rules, params)
	for _, cp := range rep.Captures {
		if cp.Packets == 0 {
			rep.Errors = append(rep.Errors, schema.Error{Artifact: cp.Artifact, Message: "no packets could be read: the capture is unusable"})
		}
	}
	rep.Normalize()
	return &Result{Report: rep, Artifacts: c.arts}
}

// Close closes captures opened while sniffing that no analysis read.
func (in *Inputs) Close() {
	for _, h := range in.held {
		if h.r != nil {
			h.r.Close()
			h.r = nil
		}
	}
}

// Usable reports whether the analysis had anything to work with: at least
// one artifact of a recognised kind, a capture counting only when at least
// one of its packets could be read. Front ends exit 2 (or answer so) when
// it is false; the report is still complete and says why in errors[].
func Usable(rep *schema.Report) bool {
	if rep == nil {
		return false
	}
	packets := map[string]int{}
	for _, c := range rep.Captures {
		packets[c.Artifact] += c.Packets
	}
	for _, a := range rep.Artifacts {
		switch {
		case a.Kind == string(artifact.KindUnknown):
		case a.Kind == string(artifact.KindPcap) && packets[a.Name] == 0:
		default:
			return true
		}
	}
	return false
}

func limits(l artifact.Limits) artifact.Limits {
	def := artifact.DefaultLimits()
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = def.MaxTotalBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = def.MaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = def.MaxFileBytes
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = def.MaxNesting
	}
	return l
}

// isCapture tells a pcap or pcapng file, also gzip-compressed, from its
// first bytes.
func isCapture(head []byte) bool {
	head = head[:min(len(head), sniffLen)]
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

// readAll reads up to limit bytes, sizing the buffer from size when known.
func readAll(r io.Reader, limit, size int64) ([]byte, error) {
	n := int64(512)
	if size > 0 {
		n = min(size+1, limit)
	}
	buf := make([]byte, 0, n)
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
			if int64(cap(buf)) > limit {
				buf = buf[:len(buf):limit]
			}
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// ctxReader fails reads with ctx.Err() once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type readCloser struct {
	io.Reader
	io.Closer
}

func closeIf(c io.Closer) {
	if c != nil {
		c.Close()
	}
}

// assignHosts labels the artifacts that name no host: with --host NAME,
// that host; else, when the other inputs name exactly one host, that one
// (loose files beside a pasted session of the same machine); else they
// keep the default label.
func assignHosts(arts []*artifact.Artifact, host string) {
	named := map[string]bool{}
	for _, a := range arts {
		if a.Host != "" && a.Host != artifact.DefaultHost {
			named[a.Host] = true
		}
	}
	only := ""
	if len(named) == 1 {
		for h := range named {
			only = h
		}
	}
	for _, a := range arts {
		if a.Host != "" && a.Host != artifact.DefaultHost {
			continue
		}
		switch {
		case host != "":
			a.Host, a.HostReason = host, "--host"
		case only != "":
			a.Host, a.HostReason = only, "it names no host, and "+only+" is the only host the other inputs name"
		}
	}
}
