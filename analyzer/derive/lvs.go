package derive

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/ipvs"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/source"
)

func lastSnapshotServices(r *ipvs.Result) []*ipvs.Service {
	for i := len(r.Snapshots) - 1; i >= 0; i-- {
		s := r.Snapshots[i]
		if s.Kind == "" || s.Kind == "list" || s.Kind == "stats" || s.Kind == "rate" {
			return s.Services
		}
	}
	return nil
}

// IPVSServices lists the virtual services of the latest IPVS listing.
func IPVSServices(h *facts.Host) []*ipvs.Service {
	var out []*ipvs.Service
	for _, r := range h.IPVS {
		out = append(out, lastSnapshotServices(r)...)
	}
	return out
}

var _ = declare(Func{
	Name: "ipvs_services", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS},
	Returns: "count",
	Doc:     "IPVS virtual services in the latest listing",
	Bind: func(c Call) any {
		return func() int {
			svcs := IPVSServices(c.Host())
			for i, s := range svcs {
				if i < MaxEvidencePerCall {
					c.Ref(s.Src, "IPVS virtual service")
				}
			}
			return len(svcs)
		}
	},
})

// IPVSEmptyServices lists virtual services that have no real server with a
// positive weight: new connections to them are refused. When keepalived's
// configuration is known, only the services it manages count, so that an
// unrelated empty service is not blamed on keepalived's checks.
func IPVSEmptyServices(h *facts.Host) []Observation {
	managed := map[string]bool{}
	for _, c := range h.Keepalived {
		for _, vs := range c.Servers {
			managed[vsKey(vs.Addr, vs.Port, vs.FWMark)] = true
		}
	}
	var out []Observation
	for _, s := range IPVSServices(h) {
		if len(managed) > 0 && !managed[vsKey(s.Addr, s.Port, s.FWMark)] {
			continue
		}
		live := 0
		for _, r := range s.Reals {
			if r.Weight > 0 {
				live++
			}
		}
		if live == 0 {
			out = append(out, obs(fmt.Sprintf("virtual service %s has no real server with weight > 0", s.Key()), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "ipvs_empty_services", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS, artifact.KindKeepalived},
	Returns: "count",
	Doc:     "virtual services without a real server of weight > 0 (only those keepalived manages, when its configuration is known)",
	Bind: func(c Call) any {
		return func() int { return c.Observations(IPVSEmptyServices(c.Host())) }
	},
})

// IPVSTimeout returns the IPVS TCP idle timeout in seconds from
// `ipvsadm -Ln --timeout`.
func IPVSTimeout(h *facts.Host) (int, source.Ref, bool) {
	for i := len(h.IPVS) - 1; i >= 0; i-- {
		if t := h.IPVS[i].Timeouts; t != nil {
			return t.TCP, t.Src, true
		}
	}
	return 0, source.Ref{}, false
}

var _ = declare(Func{
	Name: "ipvs_tcp_timeout", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS},
	Returns: "seconds, or nil when `ipvsadm -Ln --timeout` was not collected",
	Doc:     "the IPVS TCP idle timeout",
	Bind: func(c Call) any {
		return func() any {
			t, ref, ok := IPVSTimeout(c.Host())
			if !ok {
				return nil
			}
			c.Ref(ref, fmt.Sprintf("IPVS TCP idle timeout %d s", t))
			return float64(t)
		}
	},
})

// IPVSReadded lists virtual services that were missing from one snapshot and
// present again in a later one (an IPVS listing repeated over time).
func IPVSReadded(h *facts.Host) []Observation {
	var out []Observation
	for _, r := range h.IPVS {
		var snaps []*ipvs.Snapshot
		for _, s := range r.Snapshots {
			if s.Kind == "" || s.Kind == "list" {
				snaps = append(snaps, s)
			}
		}
		if len(snaps) < 3 {
			continue
		}
		// A service is re-added when it is present, then absent, then present.
		type state struct {
			seen, gone bool
			goneAt     *ipvs.Snapshot
			first      source.Ref
			done       bool
		}
		states := map[string]*state{}
		var order []string
		for _, sn := range snaps {
			// In listing order, so the report does not depend on map order.
			present := map[string]*ipvs.Service{}
			var listed []string
			for _, s := range sn.Services {
				if _, dup := present[s.Key()]; !dup {
					listed = append(listed, s.Key())
				}
				present[s.Key()] = s
			}
			for _, k := range listed {
				s := present[k]
				st := states[k]
				if st == nil {
					st = &state{}
					states[k] = st
					order = append(order, k)
				}
				if st.gone && !st.done {
					st.done = true
					out = append(out, obs(fmt.Sprintf("virtual service %s disappeared (listing %q) and came back", k, label(st.goneAt)),
						st.first, headerRef(st.goneAt), s.Src))
				}
				if !st.seen {
					st.seen, st.first = true, s.Src
				}
			}
			for _, k := range order {
				st := states[k]
				if _, ok := present[k]; !ok && st.seen && !st.gone {
					st.gone, st.goneAt = true, sn
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "ipvs_readded", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS},
	Returns: "count",
	Doc:     "services missing from one `ipvsadm -Ln` snapshot and back in a later one",
	Bind: func(c Call) any {
		return func() int { return c.Observations(IPVSReadded(c.Host())) }
	},
})

func label(s *ipvs.Snapshot) string {
	if s.Label != "" {
		return s.Label
	}
	return fmt.Sprintf("lines %d-%d", s.Src.Line, s.Src.EndLine)
}

func headerRef(s *ipvs.Snapshot) source.Ref {
	r := s.Src
	r.EndLine = r.Line
	if i := strings.IndexByte(r.Text, '\n'); i >= 0 {
		r.Text = r.Text[:i]
	}
	return r
}

func events(h *facts.Host, kinds ...string) []*logs.Event {
	var out []*logs.Event
	for _, l := range h.Logs {
		for _, e := range l.Events {
			for _, k := range kinds {
				if e.Kind == k {
					out = append(out, e)
					break
				}
			}
		}
	}
	return out
}

// maxEvidence bounds how many lines one measurement contributes as evidence.
const maxEvidence = 8

func eventObservations(evs []*logs.Event, note string) []Observation {
	out := make([]Observation, 0, len(evs))
	for _, e := range evs {
		o := obs(note, e.Src)
		if e.HasTime && e.HasYear {
			o.Time = e.Time
		}
		out = append(out, o)
	}
	return out
}

// IPVSDeleteBursts finds separate bursts of logged service deletions: runs
// of at least min deletions within window of each other's start. One burst
// is what deleting a namespace looks like; bursts that repeat are churn.
func IPVSDeleteBursts(h *facts.Host, window time.Duration, min int) []Observation {
	var timed []*logs.Event
	for _, e := range events(h, logs.KindIPVSDelService) {
		if e.HasTime || e.HasUptime {
			timed = append(timed, e)
		}
	}
	at := func(e *logs.Event) time.Time {
		if e.HasTime {
			return e.Time
		}
		return time.Unix(0, 0).Add(e.Uptime)
	}
	sort.SliceStable(timed, func(i, j int) bool { return at(timed[i]).Before(at(timed[j])) })
	var out []Observation
	for i := 0; i < len(timed); {
		j := i
		for j < len(timed) && at(timed[j]).Sub(at(timed[i])) <= window {
			j++
		}
		if j-i < min {
			i++
			continue
		}
		o := obs(fmt.Sprintf("burst of %d IPVS service deletions within %s", j-i, window), timed[i].Src, timed[j-1].Src)
		if timed[i].HasTime && timed[i].HasYear {
			o.Time = timed[i].Time
		}
		out = append(out, o)
		i = j
	}
	return out
}

var _ = declare(Func{
	Name: "ipvs_delete_bursts", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindLog},
	Args:    []Arg{{"seconds", ArgSeconds}, {"min", ArgCount}},
	Returns: "count",
	Doc:     "separate bursts of at least `min` IPVS service deletions within `seconds`",
	Bind: func(c Call) any {
		return func(w, m float64) int { return c.Observations(IPVSDeleteBursts(c.Host(), seconds(w), int(m))) }
	},
})

// KeepalivedVIP is a virtual address managed by keepalived.
type KeepalivedVIP struct {
	Addr string
	Src  source.Ref
}

// VIPs lists the addresses that move between nodes: keepalived's
// virtual_ipaddress entries, addresses keepalived logged announcing, and
// secondary /32 addresses on ordinary interfaces (kube-ipvs0 and dummy
// interfaces hold service addresses, not VIPs).
func VIPs(h *facts.Host) []KeepalivedVIP {
	var out []KeepalivedVIP
	seen := map[string]bool{}
	add := func(addr string, ref source.Ref) {
		a := bareIP(addr)
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, KeepalivedVIP{Addr: a, Src: ref})
		}
	}
	for _, c := range h.Keepalived {
		for _, in := range c.Instances {
			for _, v := range in.VIPs {
				add(v.Addr, v.Src)
			}
		}
	}
	for _, e := range events(h, logs.KindVRRPVIP) {
		add(e.Fields["vip"], e.Src)
	}
	for _, t := range h.Addresses {
		for _, ifc := range t.Interfaces {
			if ifc.Name == "kube-ipvs0" || ifc.LinkType == "dummy" || strings.HasPrefix(ifc.Name, "lo") {
				continue
			}
			for _, a := range ifc.Addrs {
				if a.Family == "inet" && a.Secondary && a.Prefix == 32 {
					add(a.IP, a.Src)
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "keepalived_vips", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindKeepalived},
	Returns: "count",
	Doc:     "keepalived `virtual_ipaddress` entries",
	Values:  []string{"vip"},
	Bind: func(c Call) any {
		return func() int {
			vips := VIPs(c.Host())
			for i, v := range vips {
				if i < MaxEvidencePerCall {
					c.Ref(v.Src, "keepalived VIP "+v.Addr)
					c.Value("vip", v.Addr)
				}
			}
			return len(vips)
		}
	},
})

// VirtualServerAddrs lists the addresses of IPVS services and keepalived
// virtual servers: the VIPs clients connect to.
func VirtualServerAddrs(h *facts.Host) map[string]source.Ref {
	out := map[string]source.Ref{}
	for _, s := range IPVSServices(h) {
		if s.Addr != "" {
			out[bareIP(s.Addr)+fmt.Sprintf(":%d", s.Port)] = s.Src
		}
	}
	for _, c := range h.Keepalived {
		for _, vs := range c.Servers {
			if vs.Addr != "" {
				k := bareIP(vs.Addr) + fmt.Sprintf(":%d", vs.Port)
				if _, ok := out[k]; !ok {
					out[k] = vs.Src
				}
			}
		}
	}
	return out
}

// KeepalivedStrictChecks lists health checks that give up after at most
// maxRetry retries of a failed check.
func KeepalivedStrictChecks(h *facts.Host, maxRetry int) []Observation {
	var out []Observation
	for _, c := range h.Keepalived {
		for _, vs := range c.Servers {
			for _, rs := range vs.Reals {
				for _, ck := range rs.Checks {
					// nb_get_retry inside TCP_CHECK is ignored by keepalived 2.x,
					// which then uses its default of one retry.
					if ck.Retry > maxRetry || (!ck.HasRetry && ck.RetryKey != "nb_get_retry") {
						continue
					}
					refs := []source.Ref{ck.Src}
					if r, ok := ck.Lines[ck.RetryKey]; ok {
						refs = []source.Ref{r}
					}
					if r, ok := ck.Lines["connect_timeout"]; ok {
						refs = append(refs, r)
					}
					out = append(out, obs(fmt.Sprintf("%s on %s gives up after %d retry(ies)", ck.Type, rs.Addr, ck.Retry), refs...))
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "keepalived_strict_checks", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindKeepalived},
	Args:    []Arg{{"max_retry", ArgCount}},
	Returns: "count",
	Doc:     "real-server checks that give up after at most `max_retry` attempts",
	Bind: func(c Call) any {
		return func(m float64) int { return c.Observations(KeepalivedStrictChecks(c.Host(), int(m))) }
	},
})

// KeepalivedFlaps finds real servers that keepalived removed from a
// virtual service and added back within maxDown: a check that failed
// transiently rather than a server that was really down. It returns one
// observation per cycle of the real server that flapped most.
func KeepalivedFlaps(h *facts.Host, maxDown time.Duration) []Observation {
	removed := map[string]*logs.Event{}
	cycles := map[string][]Observation{}
	worst := ""
	for _, e := range events(h, logs.KindKeepalivedRemove, logs.KindKeepalivedAdd) {
		key := e.Fields["real"] + " " + e.Fields["vs"]
		switch e.Kind {
		case logs.KindKeepalivedRemove:
			removed[key] = e
		case logs.KindKeepalivedAdd:
			r := removed[key]
			if r == nil {
				continue
			}
			delete(removed, key)
			down := time.Duration(0)
			if r.HasTime && e.HasTime {
				down = e.Time.Sub(r.Time)
			}
			if down > maxDown {
				continue // a real outage, handled as designed
			}
			o := obs(fmt.Sprintf("real server %s removed from VS %s and re-added %s later", e.Fields["real"], e.Fields["vs"], down), r.Src, e.Src)
			if r.HasTime && r.HasYear {
				o.Time = r.Time
			}
			cycles[key] = append(cycles[key], o)
			if len(cycles[key]) > len(cycles[worst]) {
				worst = key
			}
		}
	}
	return cycles[worst]
}

var _ = declare(Func{
	Name: "keepalived_flaps", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindLog},
	Args:    []Arg{{"max_down", ArgSeconds}},
	Returns: "count",
	Doc:     "the most remove-then-re-add cycles of one real server, each re-added within `max_down` seconds",
	Bind: func(c Call) any {
		return func(d float64) int { return c.Observations(KeepalivedFlaps(c.Host(), seconds(d))) }
	},
})

// vsKey names a virtual service the same way for ipvsadm and keepalived.
func vsKey(addr string, port int, fwmark uint32) string {
	if fwmark != 0 {
		return fmt.Sprintf("fwm %d", fwmark)
	}
	return fmt.Sprintf("%s:%d", bareIP(addr), port)
}
