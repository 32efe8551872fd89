package engine

import (
	"fmt"
	"time"

	"github.com/nettriage/nettriage/analyzer/schema"
	"github.com/nettriage/nettriage/analyzer/source"
)

// The finding types are declared in analyzer/schema.
type (
	// Evidence is one line (or packet) that a matching condition read.
	Evidence = schema.Evidence
	// Missing names an artifact kind that would confirm or rule out a finding.
	Missing = schema.Missing
	// Finding is a rule that matched on one host.
	Finding = schema.Finding
	// FlowEvidence is a flow a finding rests on, with its packet list, for
	// the ladder diagram (findings[].flows); built by pcap.Flow.Evidence.
	FlowEvidence = schema.FlowEvidence
)

// Recorder collects what fact accessors read while a condition runs. Only
// the record of a condition that matched becomes evidence.
type Recorder struct {
	items []Evidence
	seen  map[string]bool
	flows []FlowEvidence
}

// AddFlow records a capture flow once.
func (r *Recorder) AddFlow(f FlowEvidence) {
	if r == nil {
		return
	}
	for _, g := range r.flows {
		if g.Artifact == f.Artifact && g.ID == f.ID {
			return
		}
	}
	r.flows = append(r.flows, f)
}

// Ref records a line reference with a note.
func (r *Recorder) Ref(ref source.Ref, note string) { r.RefAt(ref, note, time.Time{}) }

// RefAt records a line reference for an event that happened at t (zero
// when unknown); times are written in RFC 3339, UTC.
func (r *Recorder) RefAt(ref source.Ref, note string, t time.Time) {
	if r == nil || ref.Artifact == "" {
		return
	}
	e := Evidence{Artifact: ref.Artifact, Line: ref.Line, EndLine: max(ref.EndLine, ref.Line), Text: ref.Text, Note: note}
	if !t.IsZero() {
		e.Time = t.UTC().Format(time.RFC3339)
	}
	r.Add(e)
}

// Add records one evidence item, once.
func (r *Recorder) Add(e Evidence) {
	if r == nil {
		return
	}
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%s", e.Artifact, e.Line, e.Frame, e.Note)
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[key] {
		return
	}
	r.seen[key] = true
	r.items = append(r.items, e)
}

// Items returns what was recorded, in reading order.
func (r *Recorder) Items() []Evidence { return r.items }
