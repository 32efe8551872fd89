package engine

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
)

// A rule file read and checked ahead of time: the web engine embeds the
// built-in rules in this form, because they cannot change at run time and
// its start is slow in WebAssembly. Measured in Chromium, yaml.v3 took
// half of the rule set's load, and compiling the conditions the other
// half. encoding/json reads the same content several times faster, and
// the conditions are compiled on a rule's first evaluation, which a rule
// none of whose inputs was collected never has. What the checks derive
// from the conditions (the vocabulary calls, the counters read, the
// warnings) and the lines of the keys come along, so a pre-read rule
// reports and links exactly as its YAML does.
type prereadRule struct {
	Rule         *Rule          `json:"rule"`
	CondLines    map[string]int `json:"cond_lines"`
	CondKeyLines map[string]int `json:"cond_key_lines"`
	KeyLines     map[string]int `json:"key_lines"`
	Calls        []string       `json:"calls"`
	Counters     []string       `json:"counters,omitempty"`
	Warnings     []*LoadError   `json:"warnings,omitempty"`
}

// PrereadFS reads and checks every rule file at the top of fsys, as
// LoadFS does, and returns them in the form ParsePreread takes. Any
// problem is an error: the form is made at build time, from rules that
// load.
func PrereadFS(fsys fs.FS) ([]byte, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []prereadRule
	for _, e := range entries {
		if ext := path.Ext(e.Name()); e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		r, err := ParseRule(e.Name(), data)
		if err != nil {
			return nil, err
		}
		out = append(out, prereadRule{Rule: r, CondLines: r.condLines, CondKeyLines: r.condKeyLines, KeyLines: r.keyLines,
			Calls: slices.Sorted(maps.Keys(r.calls)), Counters: slices.Sorted(maps.Keys(r.counters)), Warnings: r.Warnings})
	}
	return json.MarshalIndent(out, "", " ")
}

// ParsePreread loads rules written by PrereadFS, in file order. Their
// conditions are compiled on first use.
func ParsePreread(data []byte) ([]*Rule, error) {
	var in []prereadRule
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("pre-read rules: %v", err)
	}
	rules := make([]*Rule, 0, len(in))
	for _, p := range in {
		if p.Rule == nil {
			return nil, fmt.Errorf("pre-read rules: an entry has no rule")
		}
		r := p.Rule
		r.condLines, r.condKeyLines, r.keyLines = p.CondLines, p.CondKeyLines, p.KeyLines
		r.calls, r.counters, r.Warnings = listSet(p.Calls), listSet(p.Counters), p.Warnings
		if err := r.validate(); err != nil {
			return nil, err
		}
		if err := r.checkReferences(); err != nil {
			return nil, err
		}
		r.programs = &programs{}
		rules = append(rules, r)
	}
	return rules, nil
}

func listSet(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, k := range l {
		m[k] = true
	}
	return m
}
