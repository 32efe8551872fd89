package engine

import (
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/source"
)

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
	// Counters lists the kernel counters that moved between snapshots, per
	// host, largest change first (added in v1; zero moves are left out).
	Counters []CounterMove `json:"counters"`
}

// CounterMove is one kernel counter that changed between snapshots.
type CounterMove struct {
	Host      string   `json:"host"`
	Name      string   `json:"name"`
	First     int64    `json:"first"`
	Last      int64    `json:"last"`
	Delta     int64    `json:"delta"`
	Snapshots int      `json:"snapshots"`
	Meaning   string   `json:"meaning,omitempty"`
	Rules     []string `json:"rules,omitempty"` // rules whose conditions read this counter
	Artifact  string   `json:"artifact"`
	Line      int      `json:"line"`
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

// Capture summarises one packet capture: packets, flows, capture quality
// (truncation, drops, timestamps out of order) and the NAT mappings learnt
// from copies.
type Capture = pcap.Capture

// Error is an input that could not be used, or a rule that failed.
type Error struct {
	Artifact string `json:"artifact"`
	Message  string `json:"message"`
}
