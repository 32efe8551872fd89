package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nettriage/nettriage/live/collect"
	"github.com/nettriage/nettriage/live/procinfo"
	"github.com/nettriage/nettriage/live/watch"
)

func watchCmd() *cobra.Command {
	var (
		pid int
		opt watch.Options
	)
	cmd := &cobra.Command{
		Use:   "watch [--interval 1s] [--pid PID] [--count N]",
		Short: "Show live which kernel network counters move, with their meaning and the rules that read them",
		Long: `Watch reads /proc/net/netstat, snmp and snmp6, and the conntrack and IPVS statistics,
every --interval and prints the counters that changed since the previous tick: the
change, the rate per second, the meaning, and the rules that read the counter (marked *).
With --pid it watches the network namespace of that process (a pod). On a terminal the
screen is redrawn each tick; otherwise each tick is a block of plain lines. --count N
stops after N ticks.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.Interval <= 0 || opt.Count < 0 {
				return &exitError{2, "--interval must be positive and --count not negative"}
			}
			src, err := watch.NewSource(procfs.DefaultMountPoint, pid)
			if err != nil {
				return &exitError{2, fmt.Sprintf("cannot read the counters: %v", err)}
			}
			out := cmd.OutOrStdout()
			p := &watch.Printer{W: out, Label: "host " + collect.Hostname(procfs.DefaultMountPoint)}
			if pid != 0 {
				p.Label = watchedProcess(pid)
			}
			if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				p.Redraw = true
				p.Color = os.Getenv("NO_COLOR") == ""
				p.Width, p.Height, _ = term.GetSize(int(f.Fd()))
			}
			rs, _ := loadRules("")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return watch.Run(ctx, src, p, opt, watch.RulesOf(rs))
		},
	}
	f := cmd.Flags()
	f.DurationVar(&opt.Interval, "interval", time.Second, "time between ticks")
	f.IntVar(&pid, "pid", 0, "watch the network namespace of this process")
	f.IntVar(&opt.Count, "count", 0, "stop after this many ticks (0: until interrupted)")
	return cmd
}

// watchedProcess labels a --pid: "pid 1234 (envoy) netns 4026532300".
func watchedProcess(pid int) string {
	label := fmt.Sprintf("pid %d", pid)
	pfs, err := procfs.NewDefaultFS()
	if err != nil {
		return label
	}
	if pr, err := pfs.Proc(pid); err == nil {
		if comm, err := pr.Comm(); err == nil {
			label += " (" + comm + ")"
		}
	}
	if ns, err := procinfo.NetNS(pfs, pid); err == nil {
		label += fmt.Sprintf(" netns %d", ns)
	}
	return label
}
