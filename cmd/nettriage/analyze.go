package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
	"github.com/nettriage/nettriage/analyzer/triage"
)

type analyzeFlags struct {
	format    string
	rulesDir  string
	failOn    string
	tz        string
	year      int
	verbose   bool
	timeline  bool
	redact    bool
	host      string
	redactKey string
	redactMap string
	limits    artifact.Limits
}

func analyzeCmd() *cobra.Command {
	fl := analyzeFlags{limits: artifact.DefaultLimits()}
	cmd := &cobra.Command{
		Use:   "analyze [flags] PATH...",
		Short: "Analyze files, directories, archives or stdin (-) and report failure modes",
		Long: `Analyze reads every PATH (a file, a directory, a tar/tgz/txz/zip archive or a
sosreport, or - for standard input, e.g. a pasted terminal session), recognises
each artifact's kind from its content, and reports the failure modes it finds
with the lines that prove them.

Exit codes: 0 the analysis ran; 1 --fail-on was met; 2 nothing usable or bad flags.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd, args, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "text", "output format: text, json, markdown or html")
	f.BoolVar(&fl.redact, "redact", false, "replace IP and MAC addresses, host and user names with consistent pseudonyms in the report")
	f.StringVar(&fl.redactKey, "redact-key", "", "file holding the redaction secret, for pseudonyms that stay the same across reports (implies --redact)")
	f.StringVar(&fl.redactMap, "redact-map", "", "write the original → pseudonym table to this file, mode 0600 (implies --redact)")
	f.StringVar(&fl.host, "host", "", "host name of inputs that name none")
	f.StringVar(&fl.rulesDir, "rules", "", "directory of extra rule files (*.yaml); a rule with a built-in id replaces it")
	f.StringVar(&fl.failOn, "fail-on", "", "exit 1 when a finding of this severity or worse is reported (critical, warning, info)")
	f.StringVar(&fl.tz, "tz", "UTC", "time zone of syslog timestamps, which carry none (e.g. Asia/Shanghai)")
	f.IntVar(&fl.year, "year", 0, "year of syslog timestamps, which carry none (default: inferred from the bundle)")
	f.BoolVarP(&fl.verbose, "verbose", "v", false, "text format: print explanations, references and every artifact")
	f.BoolVar(&fl.timeline, "timeline", false, "text format: print the whole timeline (by default each finding shows the events around it)")
	f.Int64Var(&fl.limits.MaxTotalBytes, "max-bytes", fl.limits.MaxTotalBytes, "limit on bytes read and expanded from all inputs")
	f.IntVar(&fl.limits.MaxFiles, "max-files", fl.limits.MaxFiles, "limit on files read from directories and archives")
	f.Int64Var(&fl.limits.MaxFileBytes, "max-file-bytes", fl.limits.MaxFileBytes, "limit on the size of one file or archive member")
	return cmd
}

func runAnalyze(cmd *cobra.Command, args []string, fl analyzeFlags) error {
	if fl.format != "text" && fl.format != "json" && fl.format != "markdown" && fl.format != "html" {
		return &exitError{2, fmt.Sprintf("unknown --format %q (want text, json, markdown or html)", fl.format)}
	}
	if fl.failOn != "" && severityRank(fl.failOn) < 0 {
		return &exitError{2, fmt.Sprintf("unknown --fail-on %q (want critical, warning or info)", fl.failOn)}
	}
	for _, l := range []struct {
		name string
		v    int64
	}{{"--max-bytes", fl.limits.MaxTotalBytes}, {"--max-files", int64(fl.limits.MaxFiles)}, {"--max-file-bytes", fl.limits.MaxFileBytes}} {
		if l.v < 0 {
			return &exitError{2, fmt.Sprintf("%s %d: a limit cannot be negative", l.name, l.v)}
		}
	}
	loc, err := time.LoadLocation(fl.tz)
	if err != nil {
		return &exitError{2, fmt.Sprintf("--tz: %v", err)}
	}
	red, err := newRedactor(fl)
	if err != nil {
		return err
	}
	rs, ruleErrs := loadRules(fl.rulesDir)
	if rs == nil {
		return &exitError{2, "no rules could be loaded"}
	}

	opt := triage.Options{
		Rules:      rs,
		Limits:     fl.limits,
		Year:       fl.year,
		Location:   loc,
		Host:       fl.host,
		Version:    version,
		RuleErrors: ruleErrs,
	}
	if bar := newProgress(cmd.ErrOrStderr()); bar != nil {
		opt.Progress = bar.update
		defer bar.done()
	}
	rep := triage.Run(cmd.Context(), cliInputs(args, cmd.InOrStdin()), opt)
	usable := triage.Usable(rep)

	if red != nil {
		rep = red.Report(rep)
	}
	// The report is always written, also when nothing was usable: its
	// errors[] says why.
	out := cmd.OutOrStdout()
	switch fl.format {
	case "json":
		err = report.JSON(out, rep)
	case "markdown":
		err = report.Markdown(out, rep)
	case "html":
		err = report.HTML(out, rep)
	default:
		err = report.Text(out, rep, report.TextOptions{Color: useColor(out), Verbose: fl.verbose, Timeline: fl.timeline})
	}
	if err != nil {
		return err
	}
	if err := writeRedactMap(red, fl); err != nil {
		return err
	}
	if !usable {
		if fl.format != "text" {
			for _, e := range rep.Errors {
				fmt.Fprintf(cmd.ErrOrStderr(), "nettriage: %s: %s\n", e.Artifact, e.Message)
			}
		}
		return &exitError{2, "no usable input"}
	}
	if fl.failOn != "" {
		for _, f := range rep.Findings {
			if severityRank(f.Severity) <= severityRank(fl.failOn) {
				return &exitError{1, ""}
			}
		}
	}
	return nil
}

func severityRank(s string) int {
	for i, x := range engine.Severities {
		if x == s {
			return i
		}
	}
	return -1
}

func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func loadRules(dir string) (*engine.RuleSet, []error) {
	if dir == "" {
		return engine.Builtin()
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		rs, errs := engine.Builtin()
		return rs, append(errs, fmt.Errorf("--rules %s: not a readable directory", dir))
	}
	return engine.WithDir(os.DirFS(dir))
}

// cliInputs turns the paths into inputs: files, the regular files of
// directories (recursively) and stdin (-). Names keep the path the user
// gave, so a directory's layout (a sosreport) stays visible to the artifact
// layer. triage reads them within the limits and streams captures.
func cliInputs(args []string, stdin io.Reader) []triage.Input {
	var inputs []triage.Input
	failed := func(name string, err error) {
		inputs = append(inputs, triage.Input{Name: name, Open: func() (io.ReadCloser, error) { return nil, err }})
	}
	file := func(path, name string, size int64) {
		inputs = append(inputs, triage.Input{Name: strings.TrimPrefix(name, "./"), Size: size,
			Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	for _, arg := range args {
		if arg == "-" {
			used := false
			inputs = append(inputs, triage.Input{Name: "stdin", Open: func() (io.ReadCloser, error) {
				if used {
					return nil, fmt.Errorf("stdin can be read only once")
				}
				used = true
				return io.NopCloser(stdin), nil
			}})
			continue
		}
		st, err := os.Stat(arg)
		if err != nil {
			failed(arg, err)
			continue
		}
		if !st.IsDir() {
			file(arg, filepath.Base(arg), st.Size())
			continue
		}
		base := filepath.Base(filepath.Clean(arg))
		filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				failed(p, err)
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, _ := filepath.Rel(arg, p)
			var size int64
			if info, err := d.Info(); err == nil {
				size = info.Size()
			}
			file(p, filepath.ToSlash(filepath.Join(base, rel)), size)
			return nil
		})
	}
	return inputs
}

// progress draws a one-line progress bar on stderr while captures are
// read; only on a terminal, so logs and pipes stay clean.
type progress struct {
	w    io.Writer
	last time.Time
	drew bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progress{w: w}
}

func (p *progress) update(name string, done, total int64) {
	if time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.drew = time.Now(), true
	if total > 0 {
		pct := min(100, int(done*100/total))
		bar := strings.Repeat("#", pct/4) + strings.Repeat(".", 25-pct/4)
		fmt.Fprintf(p.w, "\r%s [%s] %3d%% %d/%d MB ", filepath.Base(name), bar, pct, done>>20, total>>20)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d MB read ", filepath.Base(name), done>>20)
}

func (p *progress) done() {
	if p.drew {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// newRedactor returns the redactor the flags ask for, or nil. --redact-key
// and --redact-map imply --redact. Without a key file the secret is fresh
// and random, so pseudonyms differ from one report to the next.
func newRedactor(fl analyzeFlags) (*redact.Redactor, error) {
	if !fl.redact && fl.redactKey == "" && fl.redactMap == "" {
		return nil, nil
	}
	var key []byte
	if fl.redactKey != "" {
		data, err := os.ReadFile(fl.redactKey)
		if err != nil {
			return nil, &exitError{2, fmt.Sprintf("--redact-key: %v", err)}
		}
		key, err = redact.ParseKey(data)
		if err != nil {
			return nil, &exitError{2, fmt.Sprintf("--redact-key %s: %v", fl.redactKey, err)}
		}
	}
	return redact.New(key), nil
}

// writeRedactMap writes the original → pseudonym table to --redact-map,
// readable by the user only.
func writeRedactMap(r *redact.Redactor, fl analyzeFlags) error {
	if r == nil || fl.redactMap == "" {
		return nil
	}
	f, err := os.OpenFile(fl.redactMap, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return &exitError{2, fmt.Sprintf("--redact-map: %v", err)}
	}
	// An existing file keeps its mode on O_TRUNC: make it private first.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return &exitError{2, fmt.Sprintf("--redact-map: %v", err)}
	}
	if err := redact.WriteMap(f, r.Table()); err != nil {
		f.Close()
		return &exitError{2, fmt.Sprintf("--redact-map: %v", err)}
	}
	if err := f.Close(); err != nil {
		return &exitError{2, fmt.Sprintf("--redact-map: %v", err)}
	}
	return nil
}
