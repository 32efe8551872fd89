package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nettriage/nettriage/analyzer/counterdict"
	"github.com/nettriage/nettriage/analyzer/engine"
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
