package engine

import "github.com/nettriage/nettriage/analyzer/schema"

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
