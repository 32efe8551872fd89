package engine

import (
	"fmt"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Evidence is one line (or packet) that a matching condition read.
type Evidence struct {
	Artifact string `json:"artifact"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Frame    int    `json:"frame"`
	Time     string `json:"time"`
	Text     string `json:"text"`
	Note     string `json:"note"`
}

// Missing names an artifact kind that would confirm or rule out a finding.
type Missing struct {
	Kind    string `json:"kind"`
	Why     string `json:"why"`
	Collect string `json:"collect"`
}

// Finding is a rule that matched on one host.
type Finding struct {
	Rule        string     `json:"rule"`
	Host        string     `json:"host"`
	Title       string     `json:"title"`
	Severity    string     `json:"severity"`
	Confidence  string     `json:"confidence"`
	Summary     string     `json:"summary"`
	Explanation string     `json:"explanation"`
	Remediation string     `json:"remediation"`
	References  []string   `json:"references"`
	ExplainedBy string     `json:"explained_by"`
	Evidence    []Evidence `json:"evidence"`
	Missing     []Missing  `json:"missing"`
	// Flows are the capture flows the evidence comes from, with their
	// packets, for a ladder diagram (added in v1; only on capture findings).
	Flows []FlowEvidence `json:"flows,omitempty"`
}

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
