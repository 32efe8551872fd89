package derive

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/system"
	"github.com/nettriage/nettriage/analyzer/source"
)

// HasKind reports whether an artifact of a kind was collected for the
// host; "iptables" is also satisfied by nftables, which the same model
// reads.
func HasKind(h *facts.Host, kind string) bool {
	if kind == string(artifact.KindIptables) {
		return h.Has(artifact.KindIptables) || h.Has(artifact.KindNftables)
	}
	return h.Has(artifact.Kind(kind))
}

var _ = declare(Func{
	Name: "has", Section: "Collection",
	Args:    []Arg{{"kind", ArgArtifactKind}},
	Returns: "bool",
	Doc:     "an artifact of that kind was collected for the host (`iptables` also accepts nftables)",
	Bind: func(c Call) any {
		return func(kind string) bool { return HasKind(c.Host(), kind) }
	},
})

// SysctlNumber is a sysctl's first field as a number. A value that is not
// a number (a string, empty, "0x1") is unknown: ok is false, and the
// reference is still returned so the line can be shown.
func SysctlNumber(h *facts.Host, key string) (v float64, ref source.Ref, found, ok bool) {
	if h.Sysctl == nil {
		return 0, source.Ref{}, false, false
	}
	e, found := h.Sysctl.Get(key)
	if !found {
		return 0, source.Ref{}, false, false
	}
	f := strings.Fields(e.Value)
	if len(f) == 0 {
		return 0, e.Src, true, false
	}
	n, err := strconv.ParseFloat(f[0], 64)
	if err != nil || strings.ContainsAny(f[0], "xXeE") {
		return 0, e.Src, true, false
	}
	return n, e.Src, true, true
}

var _ = declare(Func{
	Name: "sysctl", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindSysctl},
	Args:    []Arg{{"key", ArgSysctlKey}},
	Returns: "number, or nil when sysctl was not collected, the key is absent or its value is not a number",
	Doc:     "the first field of a sysctl's value, as a number; rule text may show the value read as `{{sysctl:KEY}}`",
	Bind: func(c Call) any {
		return func(key string) any {
			v, ref, found, ok := SysctlNumber(c.Host(), key)
			if found {
				c.Ref(ref, "")
				if _, val, cut := strings.Cut(ref.Text, "="); cut {
					c.Value("sysctl:"+key, strings.TrimSpace(val))
				}
			}
			if !ok {
				return nil
			}
			return v
		}
	},
})

var _ = declare(Func{
	Name: "sysctl_absent", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindSysctl},
	Args:    []Arg{{"key", ArgSysctlKey}},
	Returns: "bool; false when sysctl was not collected",
	Doc:     "sysctl was collected and the key is not in it (e.g. `tcp_tw_recycle` after 4.12)",
	Bind: func(c Call) any {
		return func(key string) bool {
			h := c.Host()
			if h.Sysctl == nil {
				return false
			}
			_, ok := h.Sysctl.Get(key)
			return !ok
		}
	},
})

// KernelVersion finds the running kernel from uname or /proc/version
// facts, or the kernel.osrelease sysctl.
func KernelVersion(h *facts.Host) (system.KernelVersion, source.Ref, bool) {
	for _, i := range h.System {
		if i.KernelRelease != "" {
			if v, ok := system.ParseKernelVersion(i.KernelRelease); ok {
				return v, i.KernelSrc, true
			}
		}
	}
	if h.Sysctl != nil {
		if e, ok := h.Sysctl.Get("kernel.osrelease"); ok {
			if v, ok := system.ParseKernelVersion(e.Value); ok {
				return v, e.Src, true
			}
		}
	}
	return system.KernelVersion{}, source.Ref{}, false
}

var _ = declare(Func{
	Name: "kernel_before", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindSystem, artifact.KindSysctl},
	Args:    []Arg{{"major", ArgNumber}, {"minor", ArgNumber}},
	Returns: "bool, or nil when the kernel version is unknown",
	Doc:     "the kernel (uname, /proc/version or kernel.osrelease) is older than major.minor",
	Values:  []string{"kernel"},
	Bind: func(c Call) any {
		return func(major, minor int) any {
			v, ref, ok := KernelVersion(c.Host())
			if !ok {
				return nil
			}
			c.Ref(ref, "kernel "+ref.Text)
			c.Value("kernel", ref.Text)
			return !v.AtLeast(major, minor)
		}
	},
})

var _ = declare(Func{
	Name: "counter", Section: "Counters",
	Reads:   []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when no snapshot has the counter",
	Doc:     "the latest absolute value of a counter: a total since boot, never a symptom of now on its own",
	Bind: func(c Call) any {
		return func(name string) any {
			v, ref, ok := Counter(c.Host(), name)
			if !ok {
				return nil
			}
			c.Ref(ref, fmt.Sprintf("%s is %d since boot", name, v))
			return float64(v)
		}
	},
})

var _ = declare(Func{
	Name: "moved", Section: "Counters",
	Reads:   []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when no snapshot has the counter",
	Doc:     "the increase between snapshots taken at different instants or the nstat increments; with no such pair, the total since boot. Use it for `possible` only, or pair it with `rising`",
	Bind: func(c Call) any {
		return func(name string) any {
			ch, ok := Moved(c.Host(), name)
			if !ok {
				return nil
			}
			for _, r := range ch.Refs {
				c.Ref(r, ch.Note)
			}
			return ch.Value
		}
	},
})

var _ = declare(Func{
	Name: "rising", Section: "Counters",
	Reads:   []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when no two snapshots at different instants (or nstat increments) exist",
	Doc:     "the increase between snapshots taken at different instants, or the nstat increments: a current symptom. A total since boot is never returned",
	Bind: func(c Call) any {
		return func(name string) any {
			ch, ok := Moved(c.Host(), name)
			if !ok || ch.SinceBoot {
				return nil
			}
			for _, r := range ch.Refs {
				c.Ref(r, ch.Note)
			}
			return ch.Value
		}
	},
})

var _ = declare(Func{
	Name: "snapshots", Section: "Counters",
	Reads:   []artifact.Kind{artifact.KindCounters},
	Returns: "count",
	Doc:     "distinct instants at which counters were read (forms of one bundle read at once count as one; nstat increments as two)",
	Bind: func(c Call) any {
		return func() int { return Snapshots(c.Host()) }
	},
})

var _ = declare(Func{
	Name: "running", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindProcesses},
	Args:    []Arg{{"name", ArgText}},
	Returns: "count; 0 when no process list was collected",
	Doc:     "processes whose name contains `name` (ps)",
	Bind: func(c Call) any {
		return func(name string) int {
			n := 0
			for _, t := range c.Host().Processes {
				for _, p := range t.Processes {
					if strings.Contains(p.Name(), name) {
						c.Ref(p.Src, name+" is running")
						n++
					}
				}
			}
			return n
		}
	},
})

// Uptime is the host's uptime in seconds when the bundle shows it (uptime,
// /proc/uptime); ok is false otherwise.
func Uptime(h *facts.Host) (float64, bool) {
	for _, i := range h.System {
		if i.Uptime > 0 {
			return i.Uptime.Seconds(), true
		}
	}
	return 0, false
}
