package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nettriage/nettriage/analyzer/counterdict"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/internal/ruletest"
)

func rulesVersion() string {
	rs, _ := engine.Builtin()
	return rs.Version()
}

func rulesCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rs, errs := loadRules(dir)
			for _, e := range errs {
				fmt.Fprintln(cmd.ErrOrStderr(), "nettriage:", e)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
			for _, r := range rs.Rules {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&dir, "rules", "", "directory of extra rule files")
	cmd.AddCommand(rulesLintCmd(), rulesTestCmd())
	return cmd
}

// rulesLintCmd checks rule files the way they are checked when they load,
// in the manner of `promtool check rules`: one `file:line: message` per
// problem, exit 1 on any error (warnings alone exit 0).
func rulesLintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lint DIR...",
		Short: "Check rule files: unknown counters, event and artifact kinds, parameters, explained_by ids, types (exit 1 on any error)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			out := cmd.OutOrStdout()
			errors, warnings, files := 0, 0, 0
			var all []*engine.Rule
			base, _ := engine.Builtin()
			for _, dir := range dirs {
				st, err := os.Stat(dir)
				if err != nil || !st.IsDir() {
					fmt.Fprintf(out, "%s: not a readable directory\n", dir)
					errors++
					continue
				}
				names, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
				files += len(names)
				rules, errs := engine.LoadFS(os.DirFS(dir))
				for _, e := range errs {
					fmt.Fprintln(out, inDir(dir, e))
					errors++
				}
				for _, r := range rules {
					for _, w := range r.Warnings {
						fmt.Fprintln(out, inDir(dir, w))
						warnings++
					}
					r.File = filepath.Join(dir, r.File)
				}
				all = append(all, rules...)
			}
			// explained_by may name a built-in rule or one of the linted ones.
			_, errs := engine.CheckExplainedBy(engine.NewRuleSet(append(append([]*engine.Rule{}, base.Rules...), all...)).Rules)
			for _, e := range errs {
				fmt.Fprintln(out, e)
				errors++
			}
			if files == 0 && errors == 0 {
				fmt.Fprintf(out, "%s: no *.yaml rule files\n", strings.Join(dirs, ", "))
				errors++
			}
			fmt.Fprintf(out, "%d rule files, %d errors, %d warnings\n", files, errors, warnings)
			if errors > 0 {
				return &exitError{1, ""}
			}
			return nil
		},
	}
}

// inDir prefixes a load error's file with the directory it was read from.
func inDir(dir string, err error) string {
	var le *engine.LoadError
	if errors.As(err, &le) {
		c := *le
		c.File = filepath.Join(dir, le.File)
		return c.Error()
	}
	return err.Error()
}

// rulesTestCmd runs rules against their sample folders, in the spirit of
// `promtool test rules`: DIR/<rule-id>.yaml beside
// DIR/samples/<rule-id>/<case>/ with an expect file (see the README).
func rulesTestCmd() *cobra.Command {
	var samples string
	cmd := &cobra.Command{
		Use:   "test DIR...",
		Short: "Run the rules of DIR (with the built-in ones) against DIR/samples/<rule-id>/<case>/ and their expect files",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			out := cmd.OutOrStdout()
			passed, failed := 0, 0
			for _, dir := range dirs {
				rs, errs := engine.WithDir(os.DirFS(dir))
				for _, e := range errs {
					fmt.Fprintln(out, inDir(dir, e))
					failed++
				}
				own, _ := engine.LoadFS(os.DirFS(dir))
				var ids []string
				for _, r := range own {
					ids = append(ids, r.ID)
				}
				root := samples
				if root == "" {
					root = filepath.Join(dir, "samples")
				}
				if _, err := os.Stat(root); err != nil {
					fmt.Fprintf(out, "%s: no sample folders (%v)\n", dir, err)
					failed++
					continue
				}
				res, err := ruletest.Run(rs, root, ids)
				if err != nil {
					return err
				}
				for _, c := range res.Cases {
					if len(c.Failures) == 0 {
						fmt.Fprintf(out, "ok    %s\n", c.Dir)
						passed++
						continue
					}
					failed++
					fmt.Fprintf(out, "FAIL  %s\n", c.Dir)
					for _, f := range c.Failures {
						fmt.Fprintf(out, "      %s\n", strings.ReplaceAll(f, "\n", "\n      "))
					}
				}
				for _, u := range res.Uncovered {
					fmt.Fprintf(out, "FAIL  %s\n", u)
					failed++
				}
			}
			fmt.Fprintf(out, "rules test: %d passed, %d failed\n", passed, failed)
			if failed > 0 {
				return &exitError{1, ""}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&samples, "samples", "", "folder of sample cases (default DIR/samples)")
	return cmd
}

func explainCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "explain RULE-ID | COUNTER",
		Short: "Explain a rule (mechanism, fix, thresholds) or a kernel counter (TcpExt.PAWSPassive, TcpExtListenDrops, ListenDrops)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rs, _ := loadRules(dir)
			r, ok := rs.Get(args[0])
			if !ok {
				if e, ok := counterdict.Lookup(args[0]); ok {
					explainCounter(cmd.OutOrStdout(), e, rs)
					return nil
				}
				return &exitError{2, fmt.Sprintf("no rule or counter %q; see `nettriage rules`", args[0])}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s — %s\nseverity: %s\n\n%s\n\n", r.ID, r.Title, r.Severity, strings.TrimSpace(r.Summary))
			fmt.Fprintf(w, "HOW IT HAPPENS\n%s\n\nWHAT TO DO\n%s\n\n", strings.TrimSpace(r.Explanation), strings.TrimSpace(r.Remediation))
			fmt.Fprintln(w, "INPUTS")
			for _, in := range r.Inputs {
				fmt.Fprintf(w, "  %-10s %s\n             $ %s\n", in.Kind, in.Why, in.Collect)
			}
			if len(r.Params) > 0 {
				fmt.Fprintln(w, "\nTHRESHOLDS")
				for _, k := range slices.Sorted(maps.Keys(r.Params)) {
					fmt.Fprintf(w, "  %s = %g  %s\n", k, r.Params[k].Default, r.Params[k].Doc)
				}
			}
			fmt.Fprintln(w, "\nCONDITIONS")
			for _, lv := range engine.Confidences {
				if c, ok := r.Conditions[lv]; ok {
					fmt.Fprintf(w, "  %s: %s\n", lv, strings.Join(strings.Fields(c), " "))
				}
			}
			fmt.Fprintln(w, "\nREFERENCES")
			for _, ref := range r.References {
				fmt.Fprintf(w, "  %s\n", ref)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "rules", "", "directory of extra rule files")
	return cmd
}

func explainCounter(w io.Writer, e *counterdict.Entry, rs *engine.RuleSet) {
	fmt.Fprintf(w, "%s  (%s)\n\n%s\n", e.Name, e.MIB, e.Meaning)
	if e.Kernels != "" || e.Removed {
		fmt.Fprintf(w, "\nkernels: %s", e.Kernels)
		if e.Removed {
			fmt.Fprint(w, " (no longer exported by current kernels)")
		}
		fmt.Fprintln(w)
	}
	if len(e.Sentences) > 0 {
		fmt.Fprintln(w, "\nnetstat -s prints it as:")
		for _, s := range e.Sentences {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if e.DocRef != "" {
		fmt.Fprintf(w, "\ndocumentation: %s\n", e.DocRef)
	}
	if ids := rs.RulesReading(e.Name); len(ids) > 0 {
		fmt.Fprintf(w, "\nrules that read it: %s\n", strings.Join(ids, ", "))
	}
}
