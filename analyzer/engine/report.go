package engine

import "github.com/nettriage/nettriage/analyzer/source"

// Schema is the JSON report's version tag. Fields are only ever added.
const Schema = "nettriage.report/v1"

// Report is the result of one analysis, as serialised to JSON.
type Report struct {
	Schema    string         `json:"schema"`
	Tool      Tool           `json:"tool"`
	Hosts     []string       `json:"hosts"`
	Artifacts []ArtifactInfo `json:"artifacts"`
	Findings  []Finding      `json:"findings"`
	Captures  []Capture      `json:"captures"`
	Errors    []Error        `json:"errors"`
}

// Tool identifies the program and rule set that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Rules   string `json:"rules"`
}

// ArtifactInfo describes one input artifact and what parsing it produced.
type ArtifactInfo struct {
	Name      string           `json:"name"`
	Host      string           `json:"host"`
	Namespace string           `json:"namespace,omitempty"`
	Kind      string           `json:"kind"`
	Command   string           `json:"command,omitempty"`
	Size      int64            `json:"size"`
	Warnings  []source.Warning `json:"warnings"`
}

// Capture summarises one packet capture. Filled by the capture analysis.
type Capture struct {
	Artifact  string   `json:"artifact"`
	Packets   int      `json:"packets"`
	Flows     int      `json:"flows"`
	Truncated bool     `json:"truncated"`
	Notes     []string `json:"notes"`
}

// Error is an input that could not be used, or a rule that failed.
type Error struct {
	Artifact string `json:"artifact"`
	Message  string `json:"message"`
}
