package derive

import (
	"fmt"
	"time"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Item is one thing a vocabulary function read while a condition ran: lines
// of an artifact, or a frame of a capture. Only the items of a condition
// that matched become a finding's evidence.
type Item struct {
	Ref   source.Ref
	Frame int    // capture frame, 0 for artifact lines
	Time  string // RFC 3339 (UTC) when the event's time is known
	Note  string
	Func  string // the vocabulary function that read it
}

// FlowRef is a capture flow a function read, drawn as a ladder diagram.
type FlowRef struct {
	Artifact string
	Flow     *pcap.Flow
}

// Recorder collects what the vocabulary functions read during one
// evaluation of a condition, and the named values they measured (a
// NodePort, a VIP, a namespace) that rule text may refer to.
type Recorder struct {
	items  []Item
	seen   map[string]bool
	flows  []FlowRef
	values map[string]string
}

// Items returns what was recorded, in reading order.
func (r *Recorder) Items() []Item { return r.items }

// Flows returns the capture flows that were recorded.
func (r *Recorder) Flows() []FlowRef { return r.flows }

// Values returns the named values measured, by name.
func (r *Recorder) Values() map[string]string { return r.values }

func (r *Recorder) add(it Item) {
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%s", it.Ref.Artifact, it.Ref.Line, it.Frame, it.Note)
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	r.items = append(r.items, it)
}

// Call is what a vocabulary function sees of the evaluation it runs in:
// the host (or the merged view of all hosts, for cluster rules), every host,
// and a recorder that tags each item with the function's name.
type Call struct {
	ctx  *Ctx
	name string
}

// Ctx is one host's evaluation context. The engine swaps Rec before each
// condition it runs, so bound functions can be reused across conditions.
type Ctx struct {
	Host *facts.Host
	All  []*facts.Host
	Rec  *Recorder
}

// Host is the host under evaluation.
func (c Call) Host() *facts.Host { return c.ctx.Host }

// All is every host of the analysis.
func (c Call) All() []*facts.Host { return c.ctx.All }

// Ref records lines of an artifact with a note.
func (c Call) Ref(ref source.Ref, note string) { c.RefAt(ref, note, time.Time{}) }

// RefAt records lines of an artifact for an event that happened at t (zero
// when unknown).
func (c Call) RefAt(ref source.Ref, note string, t time.Time) {
	if c.ctx.Rec == nil || ref.Artifact == "" {
		return
	}
	it := Item{Ref: ref, Note: note, Func: c.name}
	if it.Ref.EndLine < it.Ref.Line {
		it.Ref.EndLine = it.Ref.Line
	}
	if !t.IsZero() {
		it.Time = t.UTC().Format(time.RFC3339)
	}
	c.ctx.Rec.add(it)
}

// Frame records one packet of a capture.
func (c Call) Frame(artifact string, frame int, text string, t time.Time, note string) {
	if c.ctx.Rec == nil {
		return
	}
	it := Item{Ref: source.Ref{Artifact: artifact, Text: text}, Frame: frame, Note: note, Func: c.name}
	if !t.IsZero() {
		it.Time = t.UTC().Format(time.RFC3339Nano)
	}
	c.ctx.Rec.add(it)
}

// Flow records a capture flow once, for the ladder diagram.
func (c Call) Flow(artifact string, f *pcap.Flow) {
	r := c.ctx.Rec
	if r == nil || f == nil {
		return
	}
	for _, g := range r.flows {
		if g.Artifact == artifact && g.Flow.ID == f.ID {
			return
		}
	}
	r.flows = append(r.flows, FlowRef{Artifact: artifact, Flow: f})
}

// Value records a named measured value; the first one recorded wins, so
// it matches the first evidence item.
func (c Call) Value(name, v string) {
	r := c.ctx.Rec
	if r == nil || v == "" {
		return
	}
	if r.values == nil {
		r.values = map[string]string{}
	}
	if _, ok := r.values[name]; !ok {
		r.values[name] = v
	}
}

// Observations records up to maxEvidencePerCall observations and returns
// how many there were: the count stays exact while the evidence stays
// short.
func (c Call) Observations(list []Observation) int {
	for i, o := range list {
		if i >= MaxEvidencePerCall {
			break
		}
		for _, r := range o.Refs {
			c.RefAt(r, o.Note, o.Time)
		}
		for k, v := range o.Values {
			c.Value(k, v)
		}
	}
	return len(list)
}

// MaxEvidencePerCall keeps one function from flooding a finding with
// hundreds of similar lines; the count it returns is still exact.
const MaxEvidencePerCall = 8
