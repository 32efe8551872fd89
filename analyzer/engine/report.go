package engine

import "github.com/nettriage/nettriage/analyzer/schema"

// Schema is the JSON report's version tag. Fields are only ever added.
const Schema = schema.Version

// The report types are declared once, in analyzer/schema; these aliases keep
// the engine's names.
type (
	// Report is the result of one analysis, as serialised to JSON.
	Report = schema.Report
	// NotAnalysed is a bundle directory's files that were not analysed.
	NotAnalysed = schema.NotAnalysed
	// CounterTotal is a counter's total since boot.
	CounterTotal = schema.CounterTotal
	// CounterMove is one kernel counter that changed between snapshots.
	CounterMove = schema.CounterMove
	// Tool identifies the program and rule set that produced a report.
	Tool = schema.Tool
	// ArtifactInfo describes one input artifact and what parsing it produced.
	ArtifactInfo = schema.ArtifactInfo
	// Capture summarises one packet capture (pcap.Capture.Summary).
	Capture = schema.Capture
	// Error is an input that could not be used, or a rule that failed.
	Error = schema.Error
	// Check is the outcome of one rule on one host.
	Check = schema.Check
	// TimelineEvent is one dated event of the inputs.
	TimelineEvent = schema.TimelineEvent
)
