package derive

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/source"
)

// CounterChange is how much a kernel counter moved, and how that is known.
type CounterChange struct {
	Value float64
	// SinceBoot is set when no two snapshots of one form can be compared,
	// so Value is the total since boot rather than an increase now.
	SinceBoot bool
	// Seconds is the time between the compared snapshots, when both times
	// are known; 0 otherwise.
	Seconds float64
	Refs    []source.Ref
	Note    string
}

// Moved measures a counter ("TcpExt.PAWSPassive").
//
// Totals since boot are not symptoms of now, so only these count as a
// change:
//   - nstat increments (a second nstat run, see facts);
//   - the increase between two snapshots of the same form taken at
//     different instants: their times are known and differ, or, untimed,
//     they are separate collections of one form (two files, two runs in one
//     transcript).
//
// Snapshots of different forms are never subtracted: a sosreport's
// /proc/net/netstat, /proc/net/snmp, netstat -s and nstat -zas are one
// instant. A counter that went down was reset (reboot, driver reload) and
// gives no change; 32-bit counters (softnet_stat) that wrapped are allowed
// for. With no comparable pair, the latest total is returned with
// SinceBoot set.
func Moved(h *facts.Host, name string) (CounterChange, bool) {
	byForm := map[string][]*facts.CounterSnapshot{}
	var forms []string
	var deltaSum float64
	var deltaRefs []source.Ref
	for _, s := range h.Counters {
		c, ok := s.Values[name]
		if !ok {
			continue
		}
		if s.Delta {
			deltaSum += float64(c.Value)
			deltaRefs = append(deltaRefs, c.Src)
			continue
		}
		if _, ok := byForm[s.Form]; !ok {
			forms = append(forms, s.Form)
		}
		byForm[s.Form] = append(byForm[s.Form], s)
	}
	if len(deltaRefs) > 0 {
		return CounterChange{Value: deltaSum, Refs: deltaRefs,
			Note: fmt.Sprintf("%s rose by %.0f (nstat increments since its previous run)", name, deltaSum)}, true
	}
	var best []*facts.CounterSnapshot
	for _, f := range forms {
		if snaps := instants(byForm[f]); len(snaps) > len(best) {
			best = snaps
		}
	}
	if len(best) == 0 {
		return CounterChange{}, false
	}
	last := best[len(best)-1]
	lc := last.Values[name]
	if len(best) == 1 {
		return CounterChange{Value: float64(lc.Value), SinceBoot: true, Refs: []source.Ref{lc.Src},
			Note: fmt.Sprintf("%s is %d since boot (one snapshot: a total, not a rate)", name, lc.Value)}, true
	}
	first := best[0]
	fc := first.Values[name]
	d, ok := increase(name, fc.Value, lc.Value)
	if ok && !sameBoot(first, last) {
		return CounterChange{Value: float64(lc.Value), SinceBoot: true, Refs: []source.Ref{fc.Src, lc.Src},
			Note: fmt.Sprintf("%s is %d since boot; other counters went down between the snapshots (a reboot, or snapshots of different hosts), so no increase is measured", name, lc.Value)}, true
	}
	if !ok {
		return CounterChange{Value: float64(lc.Value), SinceBoot: true, Refs: []source.Ref{fc.Src, lc.Src},
			Note: fmt.Sprintf("%s went down from %d to %d: it was reset (reboot or driver reload), so there is no increase to measure", name, fc.Value, lc.Value)}, true
	}
	ch := CounterChange{Value: d, Refs: []source.Ref{fc.Src, lc.Src}}
	if !first.Time.IsZero() && !last.Time.IsZero() {
		ch.Seconds = last.Time.Sub(first.Time).Seconds()
		ch.Note = fmt.Sprintf("%s rose by %.0f in %s (%d snapshots)", name, d, durationText(ch.Seconds), len(best))
	} else {
		ch.Note = fmt.Sprintf("%s rose by %.0f between %d snapshots", name, d, len(best))
	}
	return ch, true
}

// snapshotKey groups snapshots that read the same thing the same way: the
// form and the counter groups it holds, so /proc/net/netstat and
// /proc/net/snmp (both "proc", different groups) are told apart.
func snapshotKey(s *facts.CounterSnapshot) string {
	groups := map[string]bool{}
	for name := range s.Values {
		g, _, _ := strings.Cut(name, ".")
		groups[g] = true
	}
	list := make([]string, 0, len(groups))
	for g := range groups {
		list = append(list, g)
	}
	sort.Strings(list)
	return s.Form + ":" + strings.Join(list, ",")
}

// instants keeps the snapshots of one form that were taken at distinct
// instants, in time order: a snapshot whose time equals the previous one's
// is the same reading twice.
func instants(snaps []*facts.CounterSnapshot) []*facts.CounterSnapshot {
	out := make([]*facts.CounterSnapshot, 0, len(snaps))
	timed := true
	for _, s := range snaps {
		timed = timed && !s.Time.IsZero()
	}
	if timed {
		snaps = append([]*facts.CounterSnapshot(nil), snaps...)
		sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].Time.Before(snaps[j].Time) })
	}
	for _, s := range snaps {
		if n := len(out); n > 0 && !s.Time.IsZero() && s.Time.Equal(out[n-1].Time) {
			out[n-1] = s
			continue
		}
		out = append(out, s)
	}
	return out
}

// sameBoot reports whether two snapshots can be one machine's counters
// during one boot: no counter went down between them. A reboot resets them
// all, and snapshots of two machines mixed under one host label (loose
// files with no host) disagree the same way. Gauges, which may go down,
// are left out.
func sameBoot(a, b *facts.CounterSnapshot) bool {
	for name, ca := range a.Values {
		cb, ok := b.Values[name]
		if !ok || cb.Value >= ca.Value || gauge(name) {
			continue
		}
		if _, wrapped := increase(name, ca.Value, cb.Value); wrapped {
			continue
		}
		return false
	}
	return true
}

// gauge tells the SNMP objects that are levels, not counters.
func gauge(name string) bool {
	switch name {
	case "Tcp.CurrEstab", "Tcp.RtoAlgorithm", "Tcp.RtoMin", "Tcp.RtoMax", "Tcp.MaxConn",
		"Ip.Forwarding", "Ip.DefaultTTL", "Ip6.Forwarding", "Ip6.DefaultTTL":
		return true
	}
	return strings.HasPrefix(name, "Sockstat.") || strings.HasPrefix(name, "Softnet.BacklogLen")
}

// increase is last-first for a counter, allowing for a 32-bit counter
// that wrapped once; ok is false when the counter went down (reset).
func increase(name string, first, last int64) (float64, bool) {
	if last >= first {
		return float64(last - first), true
	}
	if strings.HasPrefix(name, "Softnet.") && first < 1<<32 && last < 1<<32 && first >= 1<<31 {
		return float64(last + 1<<32 - first), true
	}
	return 0, false
}

// durationText renders seconds as "10 s", "5 min", "3.0 h".
func durationText(s float64) string {
	switch {
	case s < 120:
		return fmt.Sprintf("%.0f s", s)
	case s < 7200:
		return fmt.Sprintf("%.0f min", s/60)
	}
	return fmt.Sprintf("%.1f h", s/3600)
}

// Snapshots counts the distinct instants at which counters were read: the
// most of any one form, and two when nstat increments show a second run.
func Snapshots(h *facts.Host) int {
	byForm := map[string][]*facts.CounterSnapshot{}
	n := 0
	for _, s := range h.Counters {
		if s.Delta {
			n = max(n, 2)
			continue
		}
		byForm[snapshotKey(s)] = append(byForm[snapshotKey(s)], s)
	}
	for _, snaps := range byForm {
		n = max(n, len(instants(snaps)))
	}
	return n
}

// Counter returns the latest absolute value of a counter.
func Counter(h *facts.Host, name string) (int64, source.Ref, bool) {
	for i := len(h.Counters) - 1; i >= 0; i-- {
		s := h.Counters[i]
		if s.Delta {
			continue
		}
		if c, ok := s.Values[name]; ok {
			return int64(c.Value), c.Src, true
		}
	}
	return 0, source.Ref{}, false
}

// CounterMove is one counter that changed between snapshots of the same
// form, for the report's counter view.
type CounterMove struct {
	Name        string
	First, Last int64
	Delta       int64
	Snapshots   int
	Refs        []source.Ref
}

// CounterMoves lists every counter that changed between the first and the
// last snapshot of the form with most snapshots, largest change first.
// Counters that did not move are left out, as xsos does.
func CounterMoves(h *facts.Host) []CounterMove {
	byForm := map[string][]*facts.CounterSnapshot{}
	var snaps []*facts.CounterSnapshot
	snapsKey := ""
	for _, s := range h.Counters {
		if s.Delta {
			continue
		}
		byForm[snapshotKey(s)] = append(byForm[snapshotKey(s)], s)
	}
	for key, list := range byForm {
		if in := instants(list); len(in) > len(snaps) || (len(in) == len(snaps) && len(in) > 0 && key < snapsKey) {
			snaps, snapsKey = in, key
		}
	}
	if len(snaps) < 2 {
		return nil
	}
	first, last := snaps[0], snaps[len(snaps)-1]
	var out []CounterMove
	for name, l := range last.Values {
		f, ok := first.Values[name]
		if !ok || f.Value == l.Value {
			continue
		}
		d, ok := increase(name, f.Value, l.Value)
		if !ok || !sameBoot(first, last) {
			continue // reset: no honest change to show
		}
		out = append(out, CounterMove{Name: name, First: f.Value, Last: l.Value, Delta: int64(d),
			Snapshots: len(snaps), Refs: []source.Ref{f.Src, l.Src}})
	}
	sort.Slice(out, func(i, j int) bool {
		ai, aj := abs64(out[i].Delta), abs64(out[j].Delta)
		if ai != aj {
			return ai > aj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
