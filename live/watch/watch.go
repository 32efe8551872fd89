// Package watch shows, live, which kernel network counters move: every
// tick it reads /proc/net/netstat, snmp and snmp6 (parsed by nettriage's
// own counters parser, so names are the rules' "TcpExt.PAWSPassive"), plus
// the conntrack and IPVS statistics (through procfs), and prints the
// counters that changed since the previous tick with their rate, their
// meaning from the counter dictionary, and the rules that read them.
package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"github.com/nettriage/nettriage/analyzer/counterdict"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/live/procinfo"
)

// Sample is one reading of every counter.
type Sample struct {
	At     time.Time
	Values map[string]int64 // "TcpExt.ListenDrops", "conntrack.insert_failed", "IPVS.Conns"
}

// Source reads the counters of one network namespace.
type Source struct {
	netDir string    // "/proc/net", or "/proc/PID/net" for a process's namespace
	pfs    procfs.FS // rooted where net/stat/nf_conntrack is that namespace's
}

// NewSource reads the host's counters (pid 0) or those of the network
// namespace of process pid, under procRoot (normally /proc).
func NewSource(procRoot string, pid int) (*Source, error) {
	root := procRoot
	if pid != 0 {
		root = filepath.Join(procRoot, strconv.Itoa(pid))
	}
	if _, err := os.Stat(filepath.Join(root, "net", "snmp")); err != nil {
		return nil, err
	}
	pfs, err := procfs.NewFS(root)
	if err != nil {
		return nil, err
	}
	return &Source{netDir: filepath.Join(root, "net"), pfs: pfs}, nil
}

// counterFiles are parsed together as one snapshot; snmp6 is absent when
// IPv6 is disabled.
var counterFiles = []string{"netstat", "snmp", "snmp6"}

// Read takes a sample. Conntrack and IPVS statistics are added when their
// modules are loaded.
func (s *Source) Read() (Sample, error) {
	var data []byte
	for _, f := range counterFiles {
		b, err := os.ReadFile(filepath.Join(s.netDir, f))
		if err != nil {
			if f == "snmp6" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return Sample{}, err
		}
		data = append(append(data, b...), '\n')
	}
	sample := Sample{At: time.Now(), Values: map[string]int64{}}
	set, _ := counters.Parse(s.netDir, data)
	for _, snap := range set.Snapshots {
		for name, c := range snap.Values {
			sample.Values[name] = c.Value
		}
	}
	if ct, err := procinfo.Conntrack(s.pfs); err == nil {
		for k, v := range ct {
			sample.Values["conntrack."+k] = int64(v)
		}
	}
	if vs, err := procinfo.IPVS(s.pfs); err == nil {
		for k, v := range vs {
			sample.Values["IPVS."+k] = int64(v)
		}
	}
	return sample, nil
}

// Move is a counter that changed between two samples.
type Move struct {
	Name    string
	Delta   int64
	Rate    float64 // per second; 0 for gauges
	Value   int64   // now
	Gauge   bool    // a level (connections now), not an event count
	Meaning string
	Rules   []string // rules whose conditions read the counter
}

// RulesFunc names the rules that read a counter.
type RulesFunc func(name string) []string

// RulesOf reads the rule set: counters by their dotted name, conntrack
// statistics by the field the rules pass to conntrack_delta and
// conntrack_total ("insert_failed").
func RulesOf(rs *engine.RuleSet) RulesFunc {
	return func(name string) []string {
		if field, ok := strings.CutPrefix(name, "conntrack."); ok {
			return rs.RulesReading(field)
		}
		return rs.RulesReading(name)
	}
}

// gauges are values that go up and down; a rate means nothing for them.
var gauges = map[string]bool{"Tcp.CurrEstab": true, "conntrack.entries": true}

// statMeanings explain the values that are not SNMP counters.
var statMeanings = map[string]string{
	"conntrack.entries":        "Connections tracked now (a gauge); compare with net.netfilter.nf_conntrack_max.",
	"conntrack.found":          "Lookups that found an existing conntrack entry.",
	"conntrack.new":            "Conntrack entries created for packets with no entry yet.",
	"conntrack.invalid":        "Packets conntrack could not track (out of window, malformed); they skip NAT.",
	"conntrack.ignore":         "Packets that already had an entry attached or are not tracked.",
	"conntrack.delete":         "Conntrack entries deleted.",
	"conntrack.insert":         "Conntrack entries inserted into the table.",
	"conntrack.insert_failed":  "Entries not inserted because an identical one won a race (NAT clashes: the 5 s DNS delay).",
	"conntrack.drop":           "Packets dropped because no conntrack entry could be made (table full, insert clash).",
	"conntrack.early_drop":     "Entries evicted to make room: the table is full.",
	"conntrack.search_restart": "Lookups restarted because the table was being resized or changed.",
	"IPVS.Conns":               "Connections IPVS scheduled to a real server.",
	"IPVS.InPackets":           "Packets IPVS received for its virtual services.",
	"IPVS.OutPackets":          "Packets IPVS sent back from real servers (NAT mode).",
	"IPVS.InBytes":             "Bytes IPVS received for its virtual services.",
	"IPVS.OutBytes":            "Bytes IPVS sent back from real servers (NAT mode).",
}

// meaning is the one-line meaning of a counter.
func meaning(name string) string {
	if m, ok := statMeanings[name]; ok {
		return m
	}
	if e, ok := counterdict.Lookup(name); ok {
		return e.Meaning
	}
	return ""
}

// Diff lists the counters that changed from prev to cur: those a rule
// reads first, then by size of the change.
func Diff(prev, cur Sample, rules RulesFunc) []Move {
	secs := cur.At.Sub(prev.At).Seconds()
	var out []Move
	for name, v := range cur.Values {
		old, ok := prev.Values[name]
		if !ok || old == v {
			continue
		}
		m := Move{Name: name, Delta: v - old, Value: v, Gauge: gauges[name], Meaning: meaning(name)}
		if !m.Gauge && secs > 0 {
			m.Rate = float64(m.Delta) / secs
		}
		if rules != nil {
			m.Rules = rules(name)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (len(a.Rules) > 0) != (len(b.Rules) > 0) {
			return len(a.Rules) > 0
		}
		if abs(a.Delta) != abs(b.Delta) {
			return abs(a.Delta) > abs(b.Delta)
		}
		return a.Name < b.Name
	})
	return out
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// Pointer is a rule whose counters moved in the same tick.
type Pointer struct {
	Rule     string
	Counters []string
}

// Pointers groups the moved counters by the rules that read them, most
// counters first: PAWSPassive rising with ListenDrops points at
// tw-recycle-nat. It says where to look, not what is wrong; the rule
// decides that over a collected bundle.
func Pointers(moves []Move) []Pointer {
	by := map[string][]string{}
	for _, m := range moves {
		if m.Gauge {
			continue
		}
		for _, r := range m.Rules {
			by[r] = append(by[r], m.Name)
		}
	}
	out := make([]Pointer, 0, len(by))
	for r, cs := range by {
		slices.Sort(cs)
		out = append(out, Pointer{Rule: r, Counters: cs})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Counters) != len(out[j].Counters) {
			return len(out[i].Counters) > len(out[j].Counters)
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// Options tune Run.
type Options struct {
	Interval time.Duration
	Count    int // ticks before returning; 0 runs until ctx ends
}

// Run samples src every interval and prints each tick. It returns nil when
// Count ticks were printed or ctx ended.
func Run(ctx context.Context, src *Source, p *Printer, opt Options, rules RulesFunc) error {
	if opt.Interval <= 0 {
		return fmt.Errorf("interval must be positive")
	}
	prev, err := src.Read()
	if err != nil {
		return err
	}
	tick := time.NewTicker(opt.Interval)
	defer tick.Stop()
	for n := 1; opt.Count == 0 || n <= opt.Count; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		cur, err := src.Read()
		if err != nil {
			return err
		}
		if err := p.Tick(n, opt.Count, cur.At, cur.At.Sub(prev.At), Diff(prev, cur, rules)); err != nil {
			return err
		}
		prev = cur
	}
	return nil
}
