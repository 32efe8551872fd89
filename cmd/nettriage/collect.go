package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nettriage/nettriage/live/collect"
)

func collectCmd() *cobra.Command {
	var (
		output string
		opt    collect.Options
		quiet  bool
	)
	cmd := &cobra.Command{
		Use:   "collect [--output FILE.tar.gz] [--pid PID]... [--interval 10s]",
		Short: "Collect a bundle from this node for `nettriage analyze`",
		Long: `Collect gathers what the rules read into one .tar.gz: /proc/net counters taken
twice --interval apart, net.* sysctls, iptables/nft/ipvsadm/ss/ip/conntrack/dmesg/uname
outputs, keepalived's configuration, the process table with socket owners, and for each
--pid (an Envoy or application in a pod) the counters, sockets and sysctls of its network
namespace. manifest.json in the bundle lists every file with its source, exit code,
duration and error. A missing command or permission is recorded, never fatal; run as
root for a complete bundle.

Read it back with: nettriage analyze FILE.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.Interval <= 0 || opt.Timeout <= 0 {
				return &exitError{2, "--interval and --timeout must be positive"}
			}
			if output == "" {
				output = collect.DefaultOutput(collect.Hostname("/proc"), time.Now())
			}
			f, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return &exitError{2, err.Error()}
			}
			if !quiet {
				opt.Progress = cmd.ErrOrStderr()
			}
			opt.Tool = "nettriage " + version
			// Ctrl-C ends the wait for the second snapshot; the bundle is
			// still written.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			man, err := collect.Run(ctx, f, opt)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(output)
				return err
			}
			stored, failed := 0, 0
			for _, e := range man.Files {
				if e.Stored {
					stored++
				} else if e.Error != "" {
					failed++
				}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s: %d stored, %d not collected (see manifest.json)\n", output, stored, failed)
			for _, t := range man.Targets {
				var says []string
				if t.Namespace != "" {
					says = append(says, "collected as "+t.Namespace)
				}
				if t.Note != "" {
					says = append(says, t.Note)
				}
				fmt.Fprintf(w, "  pid %d (%s): %s\n", t.PID, t.Comm, strings.Join(says, "; "))
			}
			for _, n := range man.Notes {
				fmt.Fprintf(w, "  note: %s\n", n)
			}
			fmt.Fprintf(w, "analyze it with: nettriage analyze %s\n", shellQuote(output))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "bundle to write (default nettriage-HOST-DATE.tar.gz in the current directory)")
	f.IntSliceVar(&opt.PIDs, "pid", nil, "also collect the network namespace of this process (repeatable)")
	f.DurationVar(&opt.Interval, "interval", collect.DefaultInterval, "time between the two counter snapshots")
	f.DurationVar(&opt.Timeout, "timeout", collect.DefaultTimeout, "time bound of each command")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress lines on stderr")
	return cmd
}

// shellQuote quotes a path for the hint line when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
