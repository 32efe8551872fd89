package derive

import (
	"fmt"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/keepalived"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
)

// LogEvents lists the log events of one kind (see analyzer/parse/logs for
// the kinds: "conntrack-table-full", "syn-flood", ...).
func LogEvents(h *facts.Host, kind string) []Observation {
	return eventObservations(events(h, kind), strings.ReplaceAll(kind, "-", " "))
}

var _ = declare(Func{
	Name: "events", Section: "Logs",
	Reads:   []artifact.Kind{artifact.KindLog},
	Args:    []Arg{{"kind", ArgEvent}},
	Returns: "count; 0 when no log was collected",
	Doc:     "log events of a kind (see the list of kinds below)",
	Bind: func(c Call) any {
		return func(kind string) int { return c.Observations(LogEvents(c.Host(), kind)) }
	},
})

// ConntrackStat measures any conntrack statistic ("insert_failed", "drop",
// "early_drop", "invalid", ...): the increase between the first and the last
// statistics artifact when there are several, and the latest total.
func ConntrackStat(h *facts.Host, field string) (delta, total float64, obs []Observation, n int, ok bool) {
	var totals []float64
	for _, r := range h.Conntrack {
		t, has := r.Total(field)
		if !has {
			continue
		}
		totals = append(totals, float64(t))
		for _, s := range r.Stats {
			if s.Fields[field] > 0 || len(r.Stats) == 1 {
				obs = append(obs, Observation{Refs: sliceOf(s.Src), Note: fmt.Sprintf("conntrack %s", field)})
				break
			}
		}
	}
	if len(totals) == 0 {
		return 0, 0, nil, 0, false
	}
	total = totals[len(totals)-1]
	if len(totals) >= 2 {
		delta = total - totals[0]
	}
	return delta, total, obs, len(totals), true
}

var _ = declare(Func{
	Name: "conntrack_delta", Section: "Conntrack",
	Reads:   []artifact.Kind{artifact.KindConntrack},
	Args:    []Arg{{"field", ArgConntrackStat}},
	Returns: "number, or nil when conntrack statistics were not collected at two instants",
	Doc:     "increase of a conntrack statistic (`insert_failed`, `drop`, `early_drop`, `invalid`, ...) between the first and the last statistics artifact",
	Bind: func(c Call) any {
		return func(field string) any {
			d, _, obs, n, ok := ConntrackStat(c.Host(), field)
			if !ok || n < 2 {
				return nil
			}
			if d > 0 {
				c.Observations(obs)
			}
			return d
		}
	},
})

var _ = declare(Func{
	Name: "conntrack_total", Section: "Conntrack",
	Reads:   []artifact.Kind{artifact.KindConntrack},
	Args:    []Arg{{"field", ArgConntrackStat}},
	Returns: "number, or nil when conntrack statistics were not collected",
	Doc:     "latest total of a conntrack statistic since the table was created (boot): not a symptom of now on its own",
	Bind: func(c Call) any {
		return func(field string) any {
			_, t, obs, _, ok := ConntrackStat(c.Host(), field)
			if !ok {
				return nil
			}
			if t > 0 {
				c.Observations(obs)
			}
			return t
		}
	},
})

// SocketsInState lists sockets in an ss state ("TIME-WAIT", "SYN-RECV",
// "CLOSE-WAIT", ...).
func SocketsInState(h *facts.Host, state string) []Observation {
	var out []Observation
	for _, s := range allSockets(h) {
		if s.State == state {
			out = append(out, obs(fmt.Sprintf("%s socket %s -> %s", state, endpoint(s.Local), endpoint(s.Peer)), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "sockets_in_state", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Args:    []Arg{{"state", ArgSocketState}},
	Returns: "count; 0 when no socket table was collected",
	Doc:     "sockets in an ss state (`TIME-WAIT`, `SYN-RECV`, `CLOSE-WAIT`, ...)",
	Bind: func(c Call) any {
		return func(state string) int { return c.Observations(SocketsInState(c.Host(), state)) }
	},
})

// ListenQueueFull lists listening sockets whose accept queue is full
// (ss shows the queue length as Recv-Q and the backlog as Send-Q).
func ListenQueueFull(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range allSockets(h) {
		if s.State == "LISTEN" && s.SendQ > 0 && s.RecvQ >= s.SendQ {
			out = append(out, obs(fmt.Sprintf("listener %s has %d connections waiting for accept() with a backlog of %d", endpoint(s.Local), s.RecvQ, s.SendQ), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "listen_queue_full", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "listeners whose accept queue (Recv-Q) has reached the backlog (Send-Q)",
	Bind: func(c Call) any {
		return func() int { return c.Observations(ListenQueueFull(c.Host())) }
	},
})

// KeepalivedProblems lists settings keepalived rejects, ignores or
// deprecates whose message contains the given text ("" for all).
func KeepalivedProblems(h *facts.Host, contains string) []Observation {
	var out []Observation
	match := func(msg string) bool {
		return contains == "" || strings.Contains(strings.ToLower(msg), strings.ToLower(contains))
	}
	for _, c := range h.Keepalived {
		for _, p := range c.Problems {
			if match(p.Msg) {
				out = append(out, obs(p.Msg, p.Src))
			}
		}
	}
	// keepalived's own word: it logs each keyword it does not know when it
	// reads its configuration, and ignores the setting.
	for _, e := range events(h, logs.KindKeepalivedConfig) {
		kw := e.Fields["keyword"]
		msg := fmt.Sprintf("%s is not a keyword keepalived knows: it logged \"Unknown keyword '%s'\" and ignores the setting", kw, kw)
		if match(msg) {
			o := obs(msg, e.Src)
			if e.HasTime && e.HasYear {
				o.Time = e.Time
			}
			out = append(out, o)
		}
	}
	return out
}

var _ = declare(Func{
	Name: "keepalived_problems", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindKeepalived, artifact.KindLog},
	Args:    []Arg{{"text", ArgText}},
	Returns: "count",
	Doc:     "keepalived settings it rejects, ignores or deprecates, whose message contains `text` (\"\" for all)",
	Bind: func(c Call) any {
		return func(text string) int { return c.Observations(KeepalivedProblems(c.Host(), text)) }
	},
})

// InvalidSchedulers lists keepalived virtual servers whose lb_algo is not
// an IPVS scheduler.
func InvalidSchedulers(h *facts.Host) []Observation {
	var out []Observation
	for _, c := range h.Keepalived {
		for _, vs := range c.Servers {
			if vs.LbAlgo != "" && !keepalived.ValidScheduler(vs.LbAlgo) {
				ref := vs.Src
				if r, ok := vs.Lines["lb_algo"]; ok {
					ref = r
				} else if r, ok := vs.Lines["lvs_sched"]; ok {
					ref = r
				}
				out = append(out, obs(fmt.Sprintf("%q is not an IPVS scheduler", vs.LbAlgo), ref))
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "invalid_schedulers", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindKeepalived},
	Returns: "count",
	Doc:     "keepalived `lb_algo`/`lvs_sched` values that are not IPVS schedulers",
	Bind: func(c Call) any {
		return func() int { return c.Observations(InvalidSchedulers(c.Host())) }
	},
})

// WeightZeroBusyReals lists IPVS real servers with weight 0 that still hold
// connections: drained but not gone, or wrongly set to 0.
func WeightZeroBusyReals(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range IPVSServices(h) {
		for _, r := range s.Reals {
			if r.Weight == 0 && r.ActiveConn+r.InActConn > 0 {
				out = append(out, obs(fmt.Sprintf("real server %s of %s has weight 0 but %d active and %d inactive connections", r.Key(), s.Key(), r.ActiveConn, r.InActConn), r.Src))
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "weight0_busy_reals", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS},
	Returns: "count",
	Doc:     "IPVS real servers with weight 0 that still hold connections",
	Bind: func(c Call) any {
		return func() int { return c.Observations(WeightZeroBusyReals(c.Host())) }
	},
})

// IPVSNoRealServers lists virtual services with no real server at all.
func IPVSNoRealServers(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range IPVSServices(h) {
		if len(s.Reals) == 0 {
			out = append(out, obs(fmt.Sprintf("virtual service %s has no real server", s.Key()), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "ipvs_no_real_servers", Section: "IPVS and keepalived",
	Reads:   []artifact.Kind{artifact.KindIPVS},
	Returns: "count",
	Doc:     "IPVS virtual services without any real server",
	Bind: func(c Call) any {
		return func() int { return c.Observations(IPVSNoRealServers(c.Host())) }
	},
})

func sliceOf[T any](v T) []T { return []T{v} }

// SysctlMatching lists the values of every sysctl key that matches a
// pattern where "*" stands for one dotted component
// ("net.ipv4.conf.*.rp_filter"), with their lines.
func SysctlMatching(h *facts.Host, pattern string) ([]float64, []Observation) {
	if h.Sysctl == nil {
		return nil, nil
	}
	want := strings.Split(pattern, ".")
	var vals []float64
	var out []Observation
	for _, k := range h.Sysctl.Keys {
		got := strings.Split(k, ".")
		if len(got) != len(want) {
			continue
		}
		match := true
		for i := range want {
			if want[i] != "*" && want[i] != got[i] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if v, ok := h.Sysctl.Int(k); ok {
			vals = append(vals, float64(v))
			out = append(out, obs("", h.Sysctl.Entries[k].Src))
		}
	}
	return vals, out
}

var _ = declare(Func{
	Name: "sysctl_matching", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindSysctl},
	Args:    []Arg{{"pattern", ArgSysctlPattern}},
	Returns: "list of numbers; empty when sysctl was not collected",
	Doc:     "values of every key matching a pattern with `*` for one component (`net.ipv4.conf.*.rp_filter`): use `any(list, # == 1)`",
	Bind: func(c Call) any {
		return func(pattern string) []float64 {
			vals, obs := SysctlMatching(c.Host(), pattern)
			c.Observations(obs)
			if vals == nil {
				vals = []float64{}
			}
			return vals
		}
	},
})

// SysctlField returns the n-th (0-based) whitespace-separated field of a
// sysctl value as a number: field 1 of ip_local_port_range is its upper end.
func SysctlField(h *facts.Host, key string, n int) (float64, Observation, bool) {
	if h.Sysctl == nil {
		return 0, Observation{}, false
	}
	e, ok := h.Sysctl.Get(key)
	if !ok {
		return 0, Observation{}, false
	}
	f := strings.Fields(e.Value)
	if n < 0 || n >= len(f) {
		return 0, Observation{}, false
	}
	var v float64
	if _, err := fmt.Sscanf(f[n], "%g", &v); err != nil {
		return 0, Observation{}, false
	}
	return v, obs("", e.Src), true
}

var _ = declare(Func{
	Name: "sysctl_field", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindSysctl},
	Args:    []Arg{{"key", ArgSysctlKey}, {"n", ArgNumber}},
	Returns: "number, or nil when absent or not a number",
	Doc:     "the n-th field (0-based) of a multi-value sysctl (`sysctl_field(\"net.ipv4.ip_local_port_range\", 1)`)",
	Bind: func(c Call) any {
		return func(key string, n int) any {
			v, o, ok := SysctlField(c.Host(), key, n)
			if !ok {
				return nil
			}
			c.Observations([]Observation{o})
			return v
		}
	},
})

// LoopbackVIPs lists non-loopback addresses configured on lo: how LVS-DR
// and LVS-TUN real servers accept traffic for the VIP.
func LoopbackVIPs(h *facts.Host) []Observation {
	var out []Observation
	for _, t := range h.Addresses {
		for _, ifc := range t.Interfaces {
			if ifc.Name != "lo" && !strings.HasPrefix(ifc.Name, "lo:") {
				continue
			}
			for _, a := range ifc.Addrs {
				if a.Family == "inet" && !strings.HasPrefix(a.IP, "127.") {
					out = append(out, obs(fmt.Sprintf("%s is configured on %s", a.IP, ifc.Name), a.Src))
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "loopback_vips", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindAddresses},
	Returns: "count",
	Doc:     "non-127 addresses on `lo` (LVS-DR/TUN real servers)",
	Bind: func(c Call) any {
		return func() int { return c.Observations(LoopbackVIPs(c.Host())) }
	},
})

// QueuedSockets lists sockets of a netid ("udp", "tcp") whose receive
// queue holds at least min bytes.
func QueuedSockets(h *facts.Host, netid string, min int64) []Observation {
	var out []Observation
	for _, s := range allSockets(h) {
		if (s.Netid == netid || (s.Netid == "" && netid == "tcp")) && s.State != "LISTEN" && s.RecvQ >= min {
			out = append(out, obs(fmt.Sprintf("%s socket %s has %d bytes waiting to be read", netid, endpoint(s.Local), s.RecvQ), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "queued_sockets", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Args:    []Arg{{"netid", ArgNetid}, {"min_bytes", ArgCount}},
	Returns: "count",
	Doc:     "non-listening sockets of `udp`/`tcp` with at least that many bytes unread",
	Bind: func(c Call) any {
		return func(netid string, min float64) int { return c.Observations(QueuedSockets(c.Host(), netid, int64(min))) }
	},
})

// SocketDrops lists sockets whose skmem "d" counter (packets dropped
// before reaching the socket, mostly a full receive buffer) is positive.
func SocketDrops(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range allSockets(h) {
		if d := s.Mem["d"]; d > 0 {
			out = append(out, obs(fmt.Sprintf("%s socket %s dropped %d packets (skmem d)", s.Netid, endpoint(s.Local), d), s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "socket_drops", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "sockets whose skmem `d` (drops) counter is positive",
	Bind: func(c Call) any {
		return func() int { return c.Observations(SocketDrops(c.Host())) }
	},
})
