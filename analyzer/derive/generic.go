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
