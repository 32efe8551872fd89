package derive

import (
	"fmt"
	"sort"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/source"
)

// CounterChange is how much a kernel counter moved, and how that is known.
type CounterChange struct {
	Value float64
	// SinceBoot is set when only one absolute snapshot exists, so Value is
	// the total since boot rather than an increase between snapshots.
	SinceBoot bool
	Refs      []source.Ref
	Note      string
}

// Moved measures a counter ("TcpExt.PAWSPassive"). Snapshots of the same
// form (two `cat /proc/net/netstat`, several `nstat -a`) give the increase
// from the first to the last; increments printed by `nstat` without -a are
// summed. With only one absolute snapshot per form, the latest value since
// boot is returned with SinceBoot set. Snapshots of different forms (a
// sosreport's netstat -s and /proc/net/netstat) are never subtracted: they
// may count slightly different things and were taken moments apart.
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
			Note: fmt.Sprintf("%s rose by %.0f (nstat increments)", name, deltaSum)}, true
	}
	var best []*facts.CounterSnapshot
	for _, f := range forms {
		if len(byForm[f]) > len(best) {
			best = byForm[f]
		}
	}
	switch {
	case len(best) >= 2:
		first, last := best[0].Values[name], best[len(best)-1].Values[name]
		d := float64(last.Value) - float64(first.Value)
		return CounterChange{Value: d, Refs: []source.Ref{first.Src, last.Src},
			Note: fmt.Sprintf("%s rose by %.0f between %d snapshots", name, d, len(best))}, true
	case len(best) == 1:
		c := best[0].Values[name]
		return CounterChange{Value: float64(c.Value), SinceBoot: true, Refs: []source.Ref{c.Src},
			Note: fmt.Sprintf("%s is %d since boot (one snapshot)", name, c.Value)}, true
	}
	return CounterChange{}, false
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
	best := ""
	for _, s := range h.Counters {
		if s.Delta {
			continue
		}
		byForm[s.Form] = append(byForm[s.Form], s)
		if len(byForm[s.Form]) > len(byForm[best]) {
			best = s.Form
		}
	}
	snaps := byForm[best]
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
		out = append(out, CounterMove{Name: name, First: f.Value, Last: l.Value, Delta: l.Value - f.Value,
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
