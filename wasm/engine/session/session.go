// Package session is the state behind the browser engine: the inputs of
// the last analysis, the rule set with the playground's edits, and the
// report. It is plain Go with no syscall/js, so it is tested natively; the
// Web Worker bridge in wasm/engine only moves messages and bytes.
package session

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
	"github.com/nettriage/nettriage/analyzer/triage"
	"github.com/nettriage/nettriage/rules"
)

// Limits bound what text inputs and archives may expand to in the page.
// A tab's WebAssembly memory is at most 4 GiB and the analysis holds text
// in memory at five to seven times its size (measured for the Worker), so
// 256 MiB of text is the most that is safe. Captures are streamed and have
// no limit.
func Limits() artifact.Limits {
	return artifact.Limits{MaxTotalBytes: 256 << 20, MaxFiles: 100000, MaxFileBytes: 256 << 20, MaxNesting: 1}
}

// Session holds one page's analysis state. It is not safe for concurrent
// use; the bridge handles one request at a time.
type Session struct {
	version string
	// files are the rule sources by file name: the built-in ones and the
	// playground's edits and new rules, in effect as long as they compile.
	files  map[string][]byte
	rules  map[string]*engine.Rule // compiled rule per file
	edited map[string]bool

	// The case: the inputs of the last analysis, read and parsed once (its
	// facts and capture measurements kept, so a rule change only evaluates
	// the rules again), and the redaction secret of its exports.
	inputs *triage.Inputs
	parsed *triage.Case
	opts   triage.Options
	key    []byte
	arts   []*artifact.Artifact
	report *engine.Report
}

// New loads the built-in rules.
func New(version string) (*Session, error) {
	s := &Session{version: version, files: map[string][]byte{}, rules: map[string]*engine.Rule{}, edited: map[string]bool{}}
	list, err := engine.ParsePreread(prereadRules)
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		data, err := rules.FS.ReadFile(r.File)
		if err != nil {
			return nil, err
		}
		s.files[r.File], s.rules[r.File] = data, r
	}
	return s, nil
}

// prereadRules are the built-in rules (rules/*.yaml) read ahead of time;
// see engine.PrereadFS.
//
//go:generate go run ../../../tools/prereadrules -o builtin-rules.json
//go:embed builtin-rules.json
var prereadRules []byte

// RuleSet is the rule set in effect: every file's last version that
// compiled.
func (s *Session) RuleSet() *engine.RuleSet {
	names := make([]string, 0, len(s.rules))
	for n := range s.rules {
		names = append(names, n)
	}
	// Edited files come last so that a new file reusing a built-in id
	// replaces the built-in rule, as --rules DIR does in the CLI.
	sort.Slice(names, func(i, j int) bool {
		if s.edited[names[i]] != s.edited[names[j]] {
			return !s.edited[names[i]]
		}
		return names[i] < names[j]
	})
	list := make([]*engine.Rule, len(names))
	for i, n := range names {
		list[i] = s.rules[n]
	}
	return engine.NewRuleSet(list)
}

// Analyze starts a new case: it reads and parses the inputs (a capture
// is streamed through once) and analyses them with the session's rules and
// Limits; opt.Rules, opt.Limits and opt.Version are set by the session.
// ctx stops the reading.
func (s *Session) Analyze(ctx context.Context, inputs []triage.Input, opt triage.Options) *engine.Report {
	if s.inputs != nil {
		s.inputs.Close()
	}
	opt.Limits, opt.Version = Limits(), s.version
	s.opts, s.key = opt, redact.NewKey()
	s.inputs = triage.Read(ctx, inputs, opt)
	s.parsed = s.inputs.Prepare(ctx, opt)
	s.inputs.Close() // every capture was read; nothing reads them again
	return s.run()
}

// warmup is a short pasted session from a quiet host, in the commands
// tickets carry most.
//
//go:embed warmup.txt
var warmup []byte

// Warm analyses warmup and drops the result; the session is unchanged.
// WebAssembly functions are compiled on their first call, which makes the
// first analysis in a page about a second slower than the next (measured
// in Chromium); the bridge warms the engine while the page waits for the
// user, so that it is the warm-up that pays.
func (s *Session) Warm() *engine.Report {
	ctx := context.Background()
	opt := triage.Options{Limits: Limits(), Version: s.version}
	in := triage.Read(ctx, []triage.Input{{Name: "warm-up.txt", Data: warmup}}, opt)
	defer in.Close()
	res := in.Prepare(ctx, opt).Evaluate(s.RuleSet(), nil)
	ReportJSON(res.Report)
	return res.Report
}

// HasInputs reports whether an analysis has been run.
func (s *Session) HasInputs() bool { return s.parsed != nil }

// run evaluates the session's rules on the parsed case.
func (s *Session) run() *engine.Report {
	res := s.parsed.Evaluate(s.RuleSet(), s.opts.Params)
	s.arts, s.report = res.Artifacts, res.Report
	return s.report
}

// Report is the last report, or nil.
func (s *Session) Report() *engine.Report { return s.report }

// SetRule compiles a rule file from the playground. When it compiles it
// takes effect (replacing the file's earlier version) and, if inputs are
// loaded, the analysis is run again; the new report is returned. When it
// does not, the earlier version stays in effect and the error, an
// *engine.LoadError with the line, is returned.
func (s *Session) SetRule(file string, data []byte) (*engine.Report, error) {
	file = strings.TrimSpace(file)
	if file == "" || strings.ContainsAny(file, "/\\") || !(strings.HasSuffix(file, ".yaml") || strings.HasSuffix(file, ".yml")) {
		return nil, &engine.LoadError{File: file, Msg: "a rule file name is a plain name ending in .yaml"}
	}
	r, err := engine.ParseRule(file, data)
	if err != nil {
		return nil, err
	}
	// explained_by must name a rule of the set, as when rules load.
	set := []*engine.Rule{r}
	for name, other := range s.rules {
		if name != file {
			set = append(set, other)
		}
	}
	if _, errs := engine.CheckExplainedBy(set); len(errs) > 0 {
		for _, e := range errs {
			var le *engine.LoadError
			if errors.As(e, &le) && le.File == file {
				return nil, e
			}
		}
	}
	for name, other := range s.rules {
		if name != file && other.ID == r.ID && s.edited[name] {
			return nil, &engine.LoadError{File: file, Line: 1, Msg: fmt.Sprintf("rule id %s is already used by %s", r.ID, name)}
		}
	}
	s.files[file], s.rules[file], s.edited[file] = append([]byte(nil), data...), r, true
	if !s.HasInputs() {
		return nil, nil
	}
	return s.run(), nil
}

// ResetRules drops every playground edit and returns the new report (nil
// without inputs).
func (s *Session) ResetRules() (*engine.Report, error) {
	fresh, err := New(s.version)
	if err != nil {
		return nil, err
	}
	s.files, s.rules, s.edited = fresh.files, fresh.rules, fresh.edited
	if !s.HasInputs() {
		return nil, nil
	}
	return s.run(), nil
}

// RuleInfo describes a rule file for the playground's list.
type RuleInfo struct {
	File     string `json:"file"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Edited   bool   `json:"edited"`
	// Source is the file's YAML; RuleList leaves it out of unedited
	// built-in files, which the page has (rules.FS).
	Source string `json:"source,omitempty"`
}

// RuleList is Rules for the page: the source only of the files edited in
// the playground. The built-in sources are embedded in the page's module
// too, and sending all of them (200 KB) with every list cost the page a
// long task to decode.
func (s *Session) RuleList() []RuleInfo {
	list := s.Rules()
	for i := range list {
		if !list[i].Edited {
			list[i].Source = ""
		}
	}
	return list
}

// Rules lists the rule files, by rule id.
func (s *Session) Rules() []RuleInfo {
	out := make([]RuleInfo, 0, len(s.files))
	for file, data := range s.files {
		info := RuleInfo{File: file, Edited: s.edited[file], Source: string(data)}
		if r := s.rules[file]; r != nil {
			info.ID, info.Title, info.Severity = r.ID, r.Title, r.Severity
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Export renders the last report as markdown, json or html, optionally
// redacted, and names the file to save it as. Redacted exports of one case
// share its secret, so their pseudonyms agree; key, when set (a user's key
// file, see redact.ParseKey), is used instead.
func (s *Session) Export(format string, redacted bool, key []byte) (string, string, error) {
	text, name, _, err := s.ExportLegend(format, redacted, key)
	return text, name, err
}

// ExportLegend is Export that also returns the redaction's table: every
// pseudonym in the text with what it stands for, for the page's legend.
// The table is never part of the text (nil when not redacted).
func (s *Session) ExportLegend(format string, redacted bool, key []byte) (string, string, []redact.Mapping, error) {
	if s.report == nil {
		return "", "", nil, fmt.Errorf("nothing analysed yet")
	}
	rep := s.report
	var legend []redact.Mapping
	if redacted {
		if key == nil {
			key = s.key
		}
		r := redact.New(key)
		rep = r.Report(rep)
		legend = r.Table()
	}
	var b bytes.Buffer
	var err error
	ext := format
	switch format {
	case "markdown":
		err, ext = report.Markdown(&b, rep), "md"
	case "json":
		err = report.JSON(&b, rep)
	case "html":
		err = report.HTML(&b, rep)
	default:
		return "", "", nil, fmt.Errorf("unknown export format %q", format)
	}
	name := "nettriage-report-" + time.Now().UTC().Format("20060102-150405")
	if redacted {
		name += "-redacted"
	}
	return b.String(), name + "." + ext, legend, err
}

// ArtifactView is a window of an artifact's text around an evidence line,
// for the page's viewer. Line numbers are those evidence uses.
type ArtifactView struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Host  string   `json:"host"`
	First int      `json:"first"` // number of Lines[0]
	Total int      `json:"total"` // lines in the artifact
	Lines []string `json:"lines"`
	Note  string   `json:"note,omitempty"`
}

// viewLines is how many lines a view holds at most, so a 100 MB log never
// reaches the page's DOM whole.
const viewLines = 600

// Artifact returns up to viewLines lines of the named artifact centred on
// lines line..end (1-based; 0 shows the beginning).
func (s *Session) Artifact(name string, line, end int) (*ArtifactView, error) {
	for _, a := range s.arts {
		if a.Name != name {
			continue
		}
		v := &ArtifactView{Name: a.Name, Kind: string(a.Kind), Host: a.Host}
		if a.Kind == artifact.KindPcap {
			v.Note = "a packet capture has no text; its evidence is drawn as a ladder diagram"
			return v, nil
		}
		lines := strings.Split(strings.TrimSuffix(string(a.Data), "\n"), "\n")
		v.Total = len(lines)
		end = max(end, line)
		from := 1
		if v.Total > viewLines && line > 0 {
			// Centre the evidence, keeping the window inside the artifact.
			from = max(1, min(line-(viewLines-(end-line))/2, v.Total-viewLines+1))
		}
		to := min(v.Total, from+viewLines-1)
		v.First, v.Lines = from, lines[from-1:to]
		return v, nil
	}
	return nil, fmt.Errorf("no artifact %q in the last analysis", name)
}

// JSON encodes a value for a message to the page.
func JSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return b.String()
}

// ReportJSON encodes a report for the page as `nettriage analyze --format
// json` does, without the indentation.
func ReportJSON(r *engine.Report) string {
	var b bytes.Buffer
	if err := report.CompactJSON(&b, r); err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return b.String()
}
