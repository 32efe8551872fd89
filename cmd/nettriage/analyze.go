package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
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
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
)

type analyzeFlags struct {
	format   string
	rulesDir string
	failOn   string
	tz       string
	year     int
	verbose  bool
	redact   bool
	limits   artifact.Limits
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
	f.StringVar(&fl.rulesDir, "rules", "", "directory of extra rule files (*.yaml); a rule with a built-in id replaces it")
	f.StringVar(&fl.failOn, "fail-on", "", "exit 1 when a finding of this severity or worse is reported (critical, warning, info)")
	f.StringVar(&fl.tz, "tz", "UTC", "time zone of syslog timestamps, which carry none (e.g. Asia/Shanghai)")
	f.IntVar(&fl.year, "year", 0, "year of syslog timestamps, which carry none (default: inferred from the bundle)")
	f.BoolVarP(&fl.verbose, "verbose", "v", false, "text format: print explanations, references and every artifact")
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
	loc, err := time.LoadLocation(fl.tz)
	if err != nil {
		return &exitError{2, fmt.Sprintf("--tz: %v", err)}
	}
	rs, ruleErrs := loadRules(fl.rulesDir)
	if rs == nil {
		return &exitError{2, "no rules could be loaded"}
	}

	inputs, readErrs := readInputs(args, cmd.InOrStdin(), fl.limits)
	arts, expandErrs := artifact.Expand(inputs, fl.limits)
	errs := append(readErrs, expandErrs...)
	for _, e := range ruleErrs {
		errs = append(errs, artifact.Error{Artifact: "rules", Message: e.Error()})
	}

	fo := facts.Options{Year: fl.year, Location: loc}
	if bar := newProgress(cmd.ErrOrStderr()); bar != nil {
		fo.Progress = bar.update
		defer bar.done()
	}
	rep := engine.Analyze(arts, errs, engine.Options{
		Rules:   rs,
		Facts:   fo,
		Version: version,
	})

	if fl.redact {
		rep = redact.New(nil).Report(rep)
	}
	out := cmd.OutOrStdout()
	if len(arts) == 0 && len(inputs) == 0 {
		// Nothing was read at all: say why on stderr, no report.
		for _, e := range rep.Errors {
			fmt.Fprintf(cmd.ErrOrStderr(), "nettriage: %s: %s\n", e.Artifact, e.Message)
		}
		return &exitError{2, "no usable input"}
	}
	switch fl.format {
	case "json":
		err = report.JSON(out, rep)
	case "markdown":
		err = report.Markdown(out, rep)
	case "html":
		err = report.HTML(out, rep)
	default:
		err = report.Text(out, rep, report.TextOptions{Color: useColor(out), Verbose: fl.verbose})
	}
	if err != nil {
		return err
	}
	if len(arts) == 0 || allUnknown(arts) {
		return &exitError{2, ""}
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

func allUnknown(arts []*artifact.Artifact) bool {
	for _, a := range arts {
		if a.Kind != artifact.KindUnknown {
			return false
		}
	}
	return true
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

// readInputs reads files, directories (recursively) and stdin into memory,
// within the byte and file limits. Names keep the path the user gave, so a
// directory's layout (a sosreport) stays visible to the artifact layer.
func readInputs(args []string, stdin io.Reader, lim artifact.Limits) ([]artifact.Input, []artifact.Error) {
	var inputs []artifact.Input
	var errs []artifact.Error
	var total int64
	files := 0
	add := func(name string, r io.Reader) {
		if in, ok := streamCapture(name, r); ok {
			inputs = append(inputs, in)
			return
		}
		files++
		if files > lim.MaxFiles {
			if files == lim.MaxFiles+1 {
				errs = append(errs, artifact.Error{Artifact: name, Message: fmt.Sprintf("more than %d files; the rest are skipped", lim.MaxFiles)})
			}
			return
		}
		max := min(lim.MaxFileBytes, lim.MaxTotalBytes-total)
		data, err := io.ReadAll(io.LimitReader(r, max+1))
		if err != nil {
			errs = append(errs, artifact.Error{Artifact: name, Message: err.Error()})
			return
		}
		if int64(len(data)) > max {
			errs = append(errs, artifact.Error{Artifact: name, Message: fmt.Sprintf("larger than the %d-byte limit; only the first %d bytes are analysed", max, max)})
			data = data[:max]
		}
		total += int64(len(data))
		inputs = append(inputs, artifact.Input{Name: name, Data: data})
	}
	for _, arg := range args {
		if arg == "-" {
			add("stdin", bufio.NewReaderSize(stdin, 64<<10))
			continue
		}
		st, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, artifact.Error{Artifact: arg, Message: err.Error()})
			continue
		}
		if !st.IsDir() {
			readFile(arg, filepath.Base(arg), add, &errs)
			continue
		}
		base := filepath.Base(filepath.Clean(arg))
		filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, artifact.Error{Artifact: p, Message: err.Error()})
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, _ := filepath.Rel(arg, p)
			readFile(p, filepath.ToSlash(filepath.Join(base, rel)), add, &errs)
			return nil
		})
	}
	return inputs, errs
}

func readFile(path, name string, add func(string, io.Reader), errs *[]artifact.Error) {
	f, err := os.Open(path)
	if err != nil {
		*errs = append(*errs, artifact.Error{Artifact: name, Message: err.Error()})
		return
	}
	defer f.Close()
	add(strings.TrimPrefix(name, "./"), f)
}

// streamCapture turns a packet capture (plain or gzip-compressed) into an
// input that is read from its file, or from stdin, while it is analysed,
// instead of into memory: captures can be gigabytes, and the analysis
// needs only one pass. r must be an *os.File or a *bufio.Reader.
func streamCapture(name string, r io.Reader) (artifact.Input, bool) {
	var head []byte
	switch v := r.(type) {
	case *os.File:
		head = make([]byte, 64)
		n, _ := v.ReadAt(head, 0)
		head = head[:n]
	case *bufio.Reader:
		head, _ = v.Peek(64)
	default:
		return artifact.Input{}, false
	}
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return artifact.Input{}, false
		}
		inner := make([]byte, 4)
		n, _ := io.ReadFull(zr, inner)
		head = inner[:n]
	}
	if !pcap.IsCapture(head) {
		return artifact.Input{}, false
	}
	in := artifact.Input{Name: name}
	switch v := r.(type) {
	case *os.File:
		path := v.Name()
		if st, err := v.Stat(); err == nil {
			in.Size = st.Size()
		}
		in.Open = func() (io.ReadCloser, error) { return os.Open(path) }
	case *bufio.Reader:
		used := false
		in.Open = func() (io.ReadCloser, error) {
			if used {
				return nil, fmt.Errorf("%s can be read only once", name)
			}
			used = true
			return io.NopCloser(v), nil
		}
	}
	return in, true
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
