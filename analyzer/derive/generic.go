package derive

import (
	"fmt"
	"strings"

	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/keepalived"
)

// LogEvents lists the log events of one kind (see analyzer/parse/logs for
// the kinds: "conntrack-table-full", "syn-flood", ...).
func LogEvents(h *facts.Host, kind string) []Observation {
	return eventObservations(events(h, kind), strings.ReplaceAll(kind, "-", " "))
}

// ConntrackStat measures any conntrack statistic ("insert_failed", "drop",
// "early_drop", "invalid", ...): the increase between the first and the last
// statistics artifact when there are several, and the latest total.
func ConntrackStat(h *facts.Host, field string) (delta, total float64, obs []Observation, ok bool) {
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
		return 0, 0, nil, false
	}
	total = totals[len(totals)-1]
	if len(totals) >= 2 {
		delta = total - totals[0]
	}
	return delta, total, obs, true
}

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

// KeepalivedProblems lists settings keepalived rejects, ignores or
// deprecates whose message contains the given text ("" for all).
func KeepalivedProblems(h *facts.Host, contains string) []Observation {
	var out []Observation
	for _, c := range h.Keepalived {
		for _, p := range c.Problems {
			if contains == "" || strings.Contains(strings.ToLower(p.Msg), strings.ToLower(contains)) {
				out = append(out, obs(p.Msg, p.Src))
			}
		}
	}
	return out
}

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
