//go:build js && wasm

package main

import (
	"github.com/nettriage/nettriage/analyzer/schema"
	"github.com/nettriage/nettriage/wasm/gallery"
)

// The report as the engine sends it (nettriage.report/v1), decoded into
// analyzer/schema's types: that package imports only the standard library,
// so the UI does not link the rule engine (expr), which DESIGN.md rules out
// for size.
type (
	Report   = schema.Report
	Artifact = schema.ArtifactInfo
	Finding  = schema.Finding
	Evidence = schema.Evidence
	Missing  = schema.Missing
	Capture  = schema.Capture
	Counter  = schema.CounterMove
)

// RuleInfo is one rule file of the playground (session.RuleInfo).
type RuleInfo struct {
	File     string `json:"file"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Edited   bool   `json:"edited"`
	Source   string `json:"source"`
}

// ArtifactView is a window of an artifact's lines (session.ArtifactView).
type ArtifactView struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Host  string   `json:"host"`
	First int      `json:"first"`
	Total int      `json:"total"`
	Lines []string `json:"lines"`
	Note  string   `json:"note"`
}

// Sample is one entry of samples/index.json, written by `make site`.
type Sample = gallery.Sample

var (
	severities  = []string{"critical", "warning", "info"}
	confidences = []string{"confirmed", "likely", "possible"}
)

func rank(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return len(list)
}
