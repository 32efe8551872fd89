//go:build js && wasm

package main

import (
	"github.com/nettriage/nettriage/analyzer/report/ladder"
	"github.com/nettriage/nettriage/wasm/gallery"
)

// The report as the engine sends it (nettriage.report/v1). The UI decodes
// its own copy of the types: importing the engine's would link the rule
// engine (expr) with dom/v2, which DESIGN.md rules out for size.

type Report struct {
	Tool struct {
		Version string `json:"version"`
		Rules   string `json:"rules"`
	} `json:"tool"`
	Hosts     []string   `json:"hosts"`
	Artifacts []Artifact `json:"artifacts"`
	Findings  []Finding  `json:"findings"`
	Captures  []Capture  `json:"captures"`
	Counters  []Counter  `json:"counters"`
	Errors    []struct {
		Artifact string `json:"artifact"`
		Message  string `json:"message"`
	} `json:"errors"`
}

type Artifact struct {
	Name      string `json:"name"`
	Host      string `json:"host"`
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Command   string `json:"command"`
	Size      int64  `json:"size"`
	Warnings  []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"warnings"`
}

type Finding struct {
	Rule        string        `json:"rule"`
	Host        string        `json:"host"`
	Title       string        `json:"title"`
	Severity    string        `json:"severity"`
	Confidence  string        `json:"confidence"`
	Summary     string        `json:"summary"`
	Explanation string        `json:"explanation"`
	Remediation string        `json:"remediation"`
	References  []string      `json:"references"`
	ExplainedBy string        `json:"explained_by"`
	Evidence    []Evidence    `json:"evidence"`
	Missing     []Missing     `json:"missing"`
	Flows       []ladder.Flow `json:"flows"`
}

type Evidence struct {
	Artifact string `json:"artifact"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Frame    int    `json:"frame"`
	Time     string `json:"time"`
	Text     string `json:"text"`
	Note     string `json:"note"`
}

type Missing struct {
	Kind    string `json:"kind"`
	Why     string `json:"why"`
	Collect string `json:"collect"`
}

type Capture struct {
	Artifact  string   `json:"artifact"`
	Packets   int      `json:"packets"`
	Flows     int      `json:"flows"`
	Truncated bool     `json:"truncated"`
	Notes     []string `json:"notes"`
	NAT       []struct {
		Before  string `json:"before"`
		After   string `json:"after"`
		Packets int    `json:"packets"`
	} `json:"nat"`
}

type Counter struct {
	Host    string   `json:"host"`
	Name    string   `json:"name"`
	First   int64    `json:"first"`
	Last    int64    `json:"last"`
	Delta   int64    `json:"delta"`
	Meaning string   `json:"meaning"`
	Rules   []string `json:"rules"`
}

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
