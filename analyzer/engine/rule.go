package engine

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/derive"
)

// Confidence levels, strongest first. The order of this slice is the order
// in which a rule's conditions are tried.
var Confidences = []string{"confirmed", "likely", "possible"}

// Severities, most severe first.
var Severities = []string{"critical", "warning", "info"}

// Rule is one failure mode, as written in rules/<id>.yaml.
type Rule struct {
	ID          string           `yaml:"id" json:"id"`
	Title       string           `yaml:"title" json:"title"`
	Severity    string           `yaml:"severity" json:"severity"`
	Tags        []string         `yaml:"tags" json:"tags,omitempty"`
	Summary     string           `yaml:"summary" json:"summary"`
	Explanation string           `yaml:"explanation" json:"explanation"`
	Remediation string           `yaml:"remediation" json:"remediation"`
	References  []string         `yaml:"references" json:"references"`
	Inputs      []Input          `yaml:"inputs" json:"inputs"`
	Params      map[string]Param `yaml:"params" json:"params,omitempty"`
	ExplainedBy []string         `yaml:"explained_by" json:"explained_by,omitempty"`
	// Scope is "host" (default: evaluated once per host) or "cluster"
	// (evaluated once over all hosts, for problems between nodes).
	Scope      string            `yaml:"scope" json:"scope,omitempty"`
	Conditions map[string]string `yaml:"conditions" json:"conditions"`
	// Decisive names the vocabulary functions whose evidence proves the
	// point; their items come first in a finding and are marked decisive.
	Decisive []string `yaml:"decisive" json:"decisive,omitempty"`

	File string `yaml:"-" json:"file"`
	// Warnings are problems that do not stop the rule from working (a
	// parameter no condition uses), for `rules lint` and the playground.
	Warnings     []*LoadError   `yaml:"-" json:"-"`
	condLines    map[string]int // YAML line of each condition, for error positions
	condKeyLines map[string]int // YAML line of each condition's level key
	keyLines     map[string]int // YAML line of each top-level key
	calls        map[string]bool
	counters     map[string]bool // counter names its conditions read
	programs     *programs
}

// Input is an artifact kind a rule reads. When it is missing on a host, a
// finding lists it under "missing" with the command that collects it.
//
// Collect may refer to measured values as {{name}} ({{nodeport}}); a value
// that was not measured renders as "not collected". A required input is one
// without which the rule cannot run: its check says "not-run" when it is
// missing and nothing matched.
type Input struct {
	Kind     string `yaml:"kind" json:"kind"`
	Why      string `yaml:"why" json:"why"`
	Collect  string `yaml:"collect" json:"collect"`
	Required bool   `yaml:"required" json:"required,omitempty"`
}

// Param is a named threshold with its default and a sentence saying what it
// means. In YAML it may be written as a bare number or as {default, doc}.
type Param struct {
	Default float64 `yaml:"default" json:"default"`
	Doc     string  `yaml:"doc" json:"doc,omitempty"`
}

// UnmarshalYAML accepts the short form "name: 10" as well as the long form.
func (p *Param) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&p.Default)
	}
	type plain Param
	return n.Decode((*plain)(p))
}

// LoadError names the rule file and line a problem was found at. A
// warning does not stop the rule from loading.
type LoadError struct {
	File    string
	Line    int
	Msg     string
	Warning bool
}

func (e *LoadError) Error() string {
	w := ""
	if e.Warning {
		w = "warning: "
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s%s", e.File, e.Line, w, e.Msg)
	}
	return fmt.Sprintf("%s: %s%s", e.File, w, e.Msg)
}

// ParseRule reads and compiles one rule file. Every problem is a *LoadError.
func ParseRule(file string, data []byte) (*Rule, error) {
	r, err := readRule(file, data)
	if err != nil {
		return nil, err
	}
	return r, r.check()
}

// readRule reads a rule file's YAML into a Rule with the lines of its
// keys, without checking or compiling it.
func readRule(file string, data []byte) (*Rule, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, yamlSyntaxError(file, data, err)
	}
	// Unknown keys are typos (explaind_by) that would silently do nothing.
	// They are looked for in the node tree already parsed, rather than by
	// decoding the file a second time with KnownFields.
	if err := unknownKeys(file, &root, reflect.TypeFor[Rule]()); err != nil {
		return nil, err
	}
	var r Rule
	if err := root.Decode(&r); err != nil {
		return nil, &LoadError{File: file, Line: yamlErrLine(err), Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	r.File = file
	r.condLines, r.condKeyLines = conditionLines(&root)
	r.keyLines = keyLines(&root)
	return &r, nil
}

// check validates and compiles a rule that has been read.
func (r *Rule) check() error {
	if err := r.validate(); err != nil {
		return err
	}
	return r.compile()
}

func (r *Rule) validate() error {
	fail := func(format string, a ...any) error {
		return &LoadError{File: r.File, Line: r.keyLines["id"], Msg: fmt.Sprintf(format, a...)}
	}
	failAt := func(key, format string, a ...any) error {
		return &LoadError{File: r.File, Line: r.keyLines[key], Msg: fmt.Sprintf(format, a...)}
	}
	if r.ID == "" {
		return fail("rule has no id")
	}
	if !ruleID.MatchString(r.ID) {
		return fail("rule id %q is not lower-case words joined by hyphens", r.ID)
	}
	if r.Title == "" {
		return fail("rule %s has no title", r.ID)
	}
	if !contains(Severities, r.Severity) {
		return failAt("severity", "rule %s: severity %q is not one of %s%s", r.ID, r.Severity, strings.Join(Severities, ", "), derive.Suggest(r.Severity, Severities))
	}
	if r.Scope != "" && r.Scope != "host" && r.Scope != "cluster" {
		return failAt("scope", "rule %s: scope %q is not host or cluster", r.ID, r.Scope)
	}
	if len(r.Conditions) == 0 {
		return failAt("conditions", "rule %s has no conditions", r.ID)
	}
	for level := range r.Conditions {
		if !contains(Confidences, level) {
			return &LoadError{File: r.File, Line: r.condKeyLines[level],
				Msg: fmt.Sprintf("condition level %q is not one of %s", level, strings.Join(Confidences, ", "))}
		}
	}
	kinds := make([]string, len(artifact.Kinds))
	for i, k := range artifact.Kinds {
		kinds[i] = string(k)
	}
	for _, in := range r.Inputs {
		if in.Kind == "" {
			return failAt("inputs", "rule %s: an input has no kind", r.ID)
		}
		if !contains(kinds, in.Kind) {
			return failAt("inputs", "rule %s: input kind %q is not an artifact kind%s", r.ID, in.Kind, derive.Suggest(in.Kind, kinds))
		}
	}
	for _, id := range r.ExplainedBy {
		if !ruleID.MatchString(id) {
			return failAt("explained_by", "rule %s: explained_by %q is not a rule id", r.ID, id)
		}
	}
	return nil
}

var ruleID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// keyLines finds the line of each top-level key.
func keyLines(root *yaml.Node) map[string]int {
	lines := map[string]int{}
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return lines
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		lines[doc.Content[i].Value] = doc.Content[i].Line
	}
	return lines
}

// ParamValues returns the defaults, overridden by any values given.
func (r *Rule) ParamValues(override map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(r.Params))
	for k, p := range r.Params {
		out[k] = p.Default
	}
	for k, v := range override {
		out[k] = v
	}
	return out
}

// conditionLines finds the line of each value under the "conditions" key.
func conditionLines(root *yaml.Node) (lines, keys map[string]int) {
	lines, keys = map[string]int{}, map[string]int{}
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return lines, keys
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "conditions" || doc.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		c := doc.Content[i+1]
		for j := 0; j+1 < len(c.Content); j += 2 {
			v := c.Content[j+1]
			line := v.Line
			// A block scalar (| or >) starts on the line after its indicator.
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				line++
			}
			lines[c.Content[j].Value] = line
			keys[c.Content[j].Value] = c.Content[j].Line
		}
	}
	return lines, keys
}

// unknownKeys reports the first mapping key of n that type t has no field
// for, at its line, with the closest known key.
func unknownKeys(file string, n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := unknownKeys(file, c, t); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice {
			for _, c := range n.Content {
				if err := unknownKeys(file, c, t.Elem()); err != nil {
					return err
				}
			}
		}
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Map:
			for i := 1; i < len(n.Content); i += 2 {
				if err := unknownKeys(file, n.Content[i], t.Elem()); err != nil {
					return err
				}
			}
		case reflect.Struct:
			fields := map[string]reflect.Type{}
			var names []string
			for i := 0; i < t.NumField(); i++ {
				tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
				if tag == "" || tag == "-" {
					continue
				}
				fields[tag] = t.Field(i).Type
				names = append(names, tag)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				ft, ok := fields[k.Value]
				if !ok {
					return &LoadError{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %s%s", k.Value, derive.Suggest(k.Value, names))}
				}
				if err := unknownKeys(file, n.Content[i+1], ft); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// yamlSyntaxError locates a YAML syntax error. yaml.v3 counts lines from
// 0 in most of its syntax messages (not in its scanner's) and leaves the
// line out on the first one, so the line it prints cannot be trusted: the
// error's line is found instead by parsing ever longer prefixes of the
// file until one fails with the same problem. Rule files are small, and
// this runs only on an error.
func yamlSyntaxError(file string, data []byte, err error) *LoadError {
	problem := yamlProblem(err)
	if bytes.Count(data, []byte("\n")) <= maxLocateLines {
		var prefix []byte
		for i, l := range bytes.SplitAfter(data, []byte("\n")) {
			prefix = append(prefix, l...)
			var n yaml.Node
			if e := yaml.NewDecoder(bytes.NewReader(prefix)).Decode(&n); e != nil && e != io.EOF && yamlProblem(e) == problem {
				return &LoadError{File: file, Line: i + 1, Msg: problem}
			}
		}
	}
	return &LoadError{File: file, Line: yamlErrLine(err), Msg: problem}
}

// maxLocateLines bounds yamlSyntaxError's quadratic search.
const maxLocateLines = 2000

// yamlProblem is a yaml.v3 error's message without its "yaml: " and
// "line N: " prefixes.
func yamlProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 && strings.Trim(rest[:i], "0123456789") == "" {
			msg = rest[i+2:]
		}
	}
	return msg
}

func yamlErrLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &line)
	}
	return line
}

// RuleSet is an ordered collection of rules, looked up by id.
type RuleSet struct {
	Rules []*Rule
	byID  map[string]*Rule
}

// NewRuleSet indexes rules by id; a duplicate id replaces the earlier rule,
// so a --rules directory can override a built-in rule.
func NewRuleSet(rules []*Rule) *RuleSet {
	rs := &RuleSet{byID: map[string]*Rule{}}
	for _, r := range rules {
		if old, ok := rs.byID[r.ID]; ok {
			for i, x := range rs.Rules {
				if x == old {
					rs.Rules[i] = r
				}
			}
		} else {
			rs.Rules = append(rs.Rules, r)
		}
		rs.byID[r.ID] = r
	}
	sort.SliceStable(rs.Rules, func(i, j int) bool { return rs.Rules[i].ID < rs.Rules[j].ID })
	return rs
}

// Get returns the rule with the given id.
func (rs *RuleSet) Get(id string) (*Rule, bool) {
	r, ok := rs.byID[id]
	return r, ok
}

// IDs lists the rule ids in order.
func (rs *RuleSet) IDs() []string {
	ids := make([]string, len(rs.Rules))
	for i, r := range rs.Rules {
		ids[i] = r.ID
	}
	return ids
}

// LoadFS reads every *.yaml / *.yml file at the top of fsys. A broken file
// is reported and skipped; the others still load.
func LoadFS(fsys fs.FS) ([]*Rule, []error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, []error{err}
	}
	var rules []*Rule
	var errs []error
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, &LoadError{File: e.Name(), Msg: err.Error()})
			continue
		}
		r, err := ParseRule(e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rules = append(rules, r)
	}
	return rules, errs
}

// CheckExplainedBy drops the rules whose explained_by names a rule that is
// not in the set, and returns one error for each, at its line: a typo there
// would silently never link two findings.
func CheckExplainedBy(rules []*Rule) ([]*Rule, []error) {
	ids := map[string]bool{}
	var all []string
	for _, r := range rules {
		if !ids[r.ID] {
			all = append(all, r.ID)
		}
		ids[r.ID] = true
	}
	var kept []*Rule
	var errs []error
	for _, r := range rules {
		ok := true
		for _, id := range r.ExplainedBy {
			if !ids[id] {
				errs = append(errs, r.errAt(r.keyLines["explained_by"], "rule %s: explained_by names %q, which is not a rule%s", r.ID, id, derive.Suggest(id, all)))
				ok = false
			}
		}
		if ok {
			kept = append(kept, r)
		}
	}
	return kept, errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
