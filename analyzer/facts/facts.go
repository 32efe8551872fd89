// Package facts parses each artifact with the parser of its kind and groups
// the results per host (and network namespace), so that rules never mix one
// node's settings with another node's sockets.
package facts

import (
	"bytes"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/addresses"
	"github.com/nettriage/nettriage/analyzer/parse/conntrack"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/analyzer/parse/interfaces"
	"github.com/nettriage/nettriage/analyzer/parse/iptables"
	"github.com/nettriage/nettriage/analyzer/parse/ipvs"
	"github.com/nettriage/nettriage/analyzer/parse/keepalived"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/parse/processes"
	"github.com/nettriage/nettriage/analyzer/parse/resolver"
	"github.com/nettriage/nettriage/analyzer/parse/routes"
	"github.com/nettriage/nettriage/analyzer/parse/sockets"
	"github.com/nettriage/nettriage/analyzer/parse/sysctl"
	"github.com/nettriage/nettriage/analyzer/parse/system"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Host is everything known about one host (or one network namespace of a
// host). Slices keep artifact order.
type Host struct {
	Name string // host label, with "/namespace" appended for a namespace

	kinds map[artifact.Kind]int

	Sysctl     *sysctl.Table // merged; a later artifact's value wins
	Counters   []*CounterSnapshot
	Rulesets   []*iptables.Ruleset
	IPVS       []*ipvs.Result
	Sockets    []*sockets.Table
	Addresses  []*addresses.Table
	Routes     []*routes.Table
	Conntrack  []*conntrack.Result
	Logs       []*logs.Log
	Keepalived []*keepalived.Config
	// Interfaces are per-interface statistics and NIC settings, one result
	// per artifact; Time is when it was read, when known.
	Interfaces []*InterfacesSnapshot
	System     []*system.Info
	Processes  []*processes.Table
	Captures   []*pcap.Capture
	Resolvers  []*resolver.Conf
	// Clock is when the host booted and when its bundle was collected.
	Clock Clock
}

// CounterSnapshot is one counters snapshot with the artifact it came from.
type CounterSnapshot struct {
	*counters.Snapshot
	Artifact string
	// Time is when the snapshot was taken, when something says so: a
	// timestamp line before it (`date` in a transcript); zero otherwise.
	Time time.Time
}

// Has reports whether an artifact of the kind was collected for this host.
func (h *Host) Has(k artifact.Kind) bool { return h.kinds[k] > 0 }

// Options carries what parsers cannot know from the bytes alone.
type Options struct {
	Year     int            // year for syslog timestamps without one; 0 = infer
	Location *time.Location // time zone of syslog timestamps; nil = UTC
	// Progress, when set, is told how far the analysis of a capture has
	// read: bytes done of total (0 when unknown).
	Progress func(artifact string, done, total int64)
	MaxFlows int // flows a capture analysis tracks at once; 0 = default
}

// Build parses every artifact and groups the facts per host. It returns the
// hosts in name order and each artifact's parse warnings, keyed by artifact
// name.
func Build(arts []*artifact.Artifact, opt Options) ([]*Host, map[string][]source.Warning) {
	hosts := map[string]*Host{}
	warns := map[string][]source.Warning{}
	// Captures first: their timestamps carry a year, which syslog lines
	// lack, when the bundle's name does not say it.
	captures := map[*artifact.Artifact]*pcap.Capture{}
	for _, a := range arts {
		if a.Kind == artifact.KindPcap {
			captures[a] = analyzeCapture(a, opt)
		}
	}
	if opt.Year == 0 {
		opt.Year = bundleYear(arts)
	}
	if opt.Year == 0 {
		opt.Year = captureYear(arts, captures)
	}
	dates := bundleDates(arts, opt)
	if opt.Year == 0 {
		// A sosreport's date file says when it was collected: its year
		// is the syslog lines' year (a line later in the year than the
		// collection belongs to the year before; logs.Parse steps back
		// at December to January).
		for _, t := range dates {
			opt.Year = max(opt.Year, t.Year())
		}
	}
	clocks := buildClocks(arts, opt, dates)
	get := func(a *artifact.Artifact) *Host {
		name := a.Host
		if name == "" {
			name = artifact.DefaultHost
		}
		if a.Namespace != "" {
			name += "/" + a.Namespace
		}
		h := hosts[name]
		if h == nil {
			h = &Host{Name: name, kinds: map[artifact.Kind]int{}}
			if c := clocks[hostKey(a)]; c != nil {
				h.Clock = *c
			}
			hosts[name] = h
		}
		return h
	}
	for _, a := range arts {
		h := get(a)
		h.kinds[a.Kind]++
		if c := captures[a]; c != nil {
			h.Captures = append(h.Captures, c)
			continue
		}
		w := h.add(a, opt, dates)
		if len(w) > 0 {
			warns[a.Name] = append(warns[a.Name], w...)
		}
	}
	out := make([]*Host, 0, len(hosts))
	for _, h := range hosts {
		// Snapshots spread over files (netstat.1, netstat.2, paste#3,
		// paste#10) are in time order by name, whatever order the
		// inputs came in; snapshots inside one file keep their order.
		sort.SliceStable(h.Counters, func(i, j int) bool {
			return naturalLess(h.Counters[i].Artifact, h.Counters[j].Artifact)
		})
		firstNstatRunIsTotal(h.Counters)
		h.alignFromSyslog()
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, warns
}

// add parses one artifact into the host's facts.
func (h *Host) add(a *artifact.Artifact, opt Options, bundleDates map[string]time.Time) []source.Warning {
	var w []source.Warning
	switch a.Kind {
	case artifact.KindSysctl:
		var t *sysctl.Table
		t, w = sysctl.Parse(a.Name, a.Data)
		h.mergeSysctl(t)
	case artifact.KindCounters:
		var set *counters.Set
		set, w = counters.Parse(a.Name, a.Data)
		delta := isDeltaNstat(a.Command)
		for _, s := range set.Snapshots {
			if delta && s.Form == "nstat" {
				s.Delta = true
			}
			t := labelTime(s.Label, opt)
			if t.IsZero() {
				t = a.Time
			}
			if t.IsZero() && len(set.Snapshots) == 1 {
				t = bundleDates[bundleRoot(a.Name)]
			}
			h.Counters = append(h.Counters, &CounterSnapshot{Snapshot: s, Artifact: a.Name, Time: t})
		}
	case artifact.KindIptables, artifact.KindNftables:
		var rs *iptables.Ruleset
		if a.Table != "" {
			rs, w = iptables.ParseWithTable(a.Name, a.Data, a.Table)
		} else {
			rs, w = iptables.Parse(a.Name, a.Data)
		}
		if rs != nil && rs.Backend == "" {
			rs.Backend = iptables.BackendOfCommand(a.Command)
		}
		h.Rulesets = append(h.Rulesets, rs)
	case artifact.KindIPVS:
		var r *ipvs.Result
		r, w = ipvs.Parse(a.Name, a.Data)
		h.IPVS = append(h.IPVS, r)
	case artifact.KindSockets:
		var t *sockets.Table
		t, w = sockets.Parse(a.Name, a.Data)
		h.Sockets = append(h.Sockets, t)
	case artifact.KindAddresses:
		var t *addresses.Table
		t, w = addresses.Parse(a.Name, a.Data)
		h.Addresses = append(h.Addresses, t)
	case artifact.KindRoutes:
		var t *routes.Table
		t, w = routes.Parse(a.Name, a.Data)
		h.Routes = append(h.Routes, t)
	case artifact.KindConntrack:
		var r *conntrack.Result
		r, w = conntrack.Parse(a.Name, a.Data)
		h.Conntrack = append(h.Conntrack, r)
	case artifact.KindLog:
		var l *logs.Log
		l, w = logs.Parse(a.Name, a.Data, logs.Options{Year: opt.Year, Location: opt.Location, Boot: h.Clock.Boot})
		h.Logs = append(h.Logs, l)
	case artifact.KindInterfaces:
		var r *interfaces.Result
		r, w = interfaces.ParseCommand(a.Name, a.Data, a.Command)
		t := a.Time
		if t.IsZero() {
			t = bundleDates[bundleRoot(a.Name)]
		}
		h.Interfaces = append(h.Interfaces, &InterfacesSnapshot{Result: r, Artifact: a.Name, Time: t})
	case artifact.KindKeepalived:
		var c *keepalived.Config
		c, w = keepalived.Parse(a.Name, a.Data)
		h.Keepalived = append(h.Keepalived, c)
	case artifact.KindResolver:
		var c *resolver.Conf
		c, w = resolver.Parse(a.Name, a.Data)
		h.Resolvers = append(h.Resolvers, c)
	case artifact.KindSystem:
		var i *system.Info
		i, w = system.Parse(a.Name, a.Data)
		h.System = append(h.System, i)
	case artifact.KindProcesses:
		var t *processes.Table
		t, w = processes.Parse(a.Name, a.Data)
		h.Processes = append(h.Processes, t)
	}
	return w
}

func (h *Host) mergeSysctl(t *sysctl.Table) {
	if t == nil {
		return
	}
	if h.Sysctl == nil {
		h.Sysctl = t
		return
	}
	for _, k := range t.Keys {
		if _, ok := h.Sysctl.Entries[k]; !ok {
			h.Sysctl.Keys = append(h.Sysctl.Keys, k)
		}
		h.Sysctl.Entries[k] = t.Entries[k]
	}
}

// bundleRoot is the top folder of a sosreport-like bundle an artifact
// belongs to: the part of its name before /sos_commands/, /proc/ or /etc/.
func bundleRoot(name string) string {
	for _, sep := range []string{"/sos_commands/", "/proc/", "/etc/", "/var/log/"} {
		if i := strings.Index(name, sep); i >= 0 {
			return name[:i]
		}
	}
	return ""
}

// bundleDates reads the `date` file of each sosreport (sos_commands/date/date,
// or the top-level date link), so that two sosreports of one host taken
// hours apart are two timed snapshots of the same counters.
func bundleDates(arts []*artifact.Artifact, opt Options) map[string]time.Time {
	out := map[string]time.Time{}
	for _, a := range arts {
		root := ""
		switch {
		case strings.HasSuffix(a.Name, "/sos_commands/date/date"):
			root = strings.TrimSuffix(a.Name, "/sos_commands/date/date")
		case strings.HasSuffix(a.Name, "/date") && !strings.Contains(a.Name, "/sos_commands/"):
			root = strings.TrimSuffix(a.Name, "/date")
		default:
			continue
		}
		for _, line := range strings.Split(string(a.Data), "\n") {
			if t := labelTime(line, opt); !t.IsZero() {
				out[root] = t
				break
			}
		}
	}
	return out
}

// firstNstatRunIsTotal undoes the increments reading of the first nstat
// run (without -a) of a host. nstat prints increments only relative to its
// history file; with none (a fresh shell, a sosreport) it prints totals
// since boot. A second run is evident only from a later one, so the first
// run counts as totals and the later ones as increments since the run
// before them.
func firstNstatRunIsTotal(snaps []*CounterSnapshot) {
	for _, s := range snaps {
		if s.Delta {
			s.Delta = false
			return
		}
	}
}

// labelTime reads the time of a snapshot from the timestamp line before it
// (`date`, `date -Is`, an epoch); zero when there is none or it does not
// parse. A label without a zone is read in the syslog zone.
func labelTime(label string, opt Options) time.Time {
	label = strings.TrimSpace(label)
	if label == "" || strings.HasPrefix(label, "#") {
		return time.Time{}
	}
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	if epochLabel.MatchString(label) {
		f, _ := strconv.ParseFloat(label, 64)
		return time.Unix(int64(f), int64((f-float64(int64(f)))*1e9)).UTC()
	}
	for _, layout := range labelLayouts {
		if t, err := time.ParseInLocation(layout, label, loc); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

var epochLabel = regexp.MustCompile(`^[0-9]{9,10}(\.[0-9]+)?$`)

// labelLayouts are the timestamp lines people put between snapshots: the
// output of date (C locale), date -R, date -Is, date -u +%FT%TZ and a plain
// "2006-01-02 15:04:05".
var labelLayouts = []string{
	"Mon Jan _2 15:04:05 MST 2006", "Mon Jan _2 15:04:05 2006", "Mon _2 Jan 2006 15:04:05 MST",
	time.RFC1123Z, time.RFC1123, time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05",
	"2006-01-02 15:04:05", "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700",
}

// isDeltaNstat tells whether a command printed nstat increments rather than
// absolute values: nstat without -a/--ignore-history prints what changed
// since its last run (when it has one: see firstNstatRunIsTotal).
func isDeltaNstat(cmd string) bool {
	fields := splitCommand(cmd)
	if len(fields) == 0 || fields[0] != "nstat" {
		return false
	}
	for _, f := range fields[1:] {
		if f == "--absolute" || (len(f) > 1 && f[0] == '-' && f[1] != '-' && containsByte(f, 'a')) {
			return false
		}
	}
	return true
}

// bundleNameDate finds the collection date in a sosreport or bundle name:
// sosreport-node1-2024-01-31-abcdefg, sosreport-node1-20240131103012.
var bundleNameDate = regexp.MustCompile(`(?:^|[-_/])(20[0-9]{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12][0-9]|3[01])`)

// bundleYear returns the year a bundle was collected, from its name, so
// that syslog lines (which carry no year) get one; 0 when unknown.
// captureYear is the year of the first capture (in input order) that holds
// packets, 0 when there is none.
func captureYear(arts []*artifact.Artifact, captures map[*artifact.Artifact]*pcap.Capture) int {
	for _, a := range arts {
		if c := captures[a]; c != nil && c.Packets > 0 {
			return c.Start.Year()
		}
	}
	return 0
}

func bundleYear(arts []*artifact.Artifact) int {
	for _, a := range arts {
		if !strings.Contains(a.Name, "sosreport") && !strings.Contains(a.Name, "bundle") {
			continue
		}
		if m := bundleNameDate.FindStringSubmatch(a.Name); m != nil {
			y, _ := strconv.Atoi(m[1])
			return y
		}
	}
	return 0
}

// Merge joins several hosts' facts into one view for rules that look
// across hosts (the same VIP on two nodes). Sysctls are not merged: a
// cluster-wide rule must not read one node's setting as everyone's.
func Merge(name string, hosts []*Host) *Host {
	m := &Host{Name: name, kinds: map[artifact.Kind]int{}}
	for _, h := range hosts {
		for k, n := range h.kinds {
			if k != artifact.KindSysctl {
				m.kinds[k] += n
			}
		}
		m.Counters = append(m.Counters, h.Counters...)
		m.Rulesets = append(m.Rulesets, h.Rulesets...)
		m.IPVS = append(m.IPVS, h.IPVS...)
		m.Sockets = append(m.Sockets, h.Sockets...)
		m.Addresses = append(m.Addresses, h.Addresses...)
		m.Routes = append(m.Routes, h.Routes...)
		m.Conntrack = append(m.Conntrack, h.Conntrack...)
		m.Logs = append(m.Logs, h.Logs...)
		m.Keepalived = append(m.Keepalived, h.Keepalived...)
		m.Interfaces = append(m.Interfaces, h.Interfaces...)
		m.Resolvers = append(m.Resolvers, h.Resolvers...)
		m.System = append(m.System, h.System...)
		m.Processes = append(m.Processes, h.Processes...)
		m.Captures = append(m.Captures, h.Captures...)
	}
	return m
}

// analyzeCapture streams a capture through the TCP analysis. Errors
// (truncation, garbage) stay with the capture: what was read before them
// is still measured.
func analyzeCapture(a *artifact.Artifact, opt Options) *pcap.Capture {
	po := pcap.Options{Name: a.Name, MaxFlows: opt.MaxFlows}
	if opt.Progress != nil {
		po.Progress = func(n int64) { opt.Progress(a.Name, n, a.Size) }
	}
	var r io.Reader = bytes.NewReader(a.Data)
	if a.Open != nil {
		rc, err := a.Open()
		if err != nil {
			return &pcap.Capture{Artifact: a.Name, Drops: -1, Notes: []string{}, Error: err.Error()}
		}
		defer rc.Close()
		r = rc
	}
	c, err := pcap.Analyze(r, po)
	if c == nil {
		c = &pcap.Capture{Artifact: a.Name, Drops: -1, Notes: []string{}}
	}
	if err != nil {
		c.Error = err.Error()
	}
	return c
}
