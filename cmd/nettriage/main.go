// Command nettriage explains intermittent network failures from the artifacts
// support engineers collect: sosreports, tarballs, pasted terminal sessions,
// loose command outputs.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitError carries a process exit code through cobra.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() {
	// A soft heap limit makes the collector work harder before the heap
	// doubles, which keeps a big capture's analysis near its live memory
	// (flows, not packets). GOMEMLIMIT still overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}
	root := &cobra.Command{
		Use:           "nettriage",
		Short:         "Explain intermittent network failures on Linux, Kubernetes and LVS hosts",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(analyzeCmd(), rulesCmd(), explainCmd(), versionCmd(), collectCmd(), watchCmd(), serveCmd())
	if err := root.Execute(); err != nil {
		code := 2
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if err.Error() != "" {
			fmt.Fprintln(os.Stderr, "nettriage:", err)
		}
		os.Exit(code)
	}
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "nettriage %s (rules %s)\n", version, rulesVersion())
			return nil
		},
	}
}
