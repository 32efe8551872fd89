package engine

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/derive"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/system"
	"github.com/nettriage/nettriage/analyzer/source"
)

// bind builds the expression environment for one host. Every accessor
// records what it read into rec; the caller keeps the record only when the
// condition matched.
func bind(h *facts.Host, all []*facts.Host, params map[string]float64, rec *Recorder) Env {
	record := func(list []derive.Observation) int {
		for i, o := range list {
			if i >= maxEvidencePerCall {
				break
			}
			for _, r := range o.Refs {
				rec.RefAt(r, o.Note, o.Time)
			}
		}
		return len(list)
	}
	secs := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	return Env{
		Params: params,
		Has:    func(kind string) bool { return hasKind(h, kind) },
		Sysctl: func(key string) any {
			if h.Sysctl == nil {
				return nil
			}
			e, ok := h.Sysctl.Get(key)
			if !ok {
				return nil
			}
			rec.Ref(e.Src, "")
			f := strings.Fields(e.Value)
			if len(f) > 0 {
				if n, err := strconv.ParseFloat(f[0], 64); err == nil {
					return n
				}
			}
			return e.Value
		},
		SysctlAbsent: func(key string) bool {
			if h.Sysctl == nil {
				return false
			}
			_, ok := h.Sysctl.Get(key)
			return !ok
		},
		KernelBefore: func(major, minor int) any {
			v, ref, ok := kernelVersion(h)
			if !ok {
				return nil
			}
			rec.Ref(ref, "kernel "+ref.Text)
			return !v.AtLeast(major, minor)
		},
		Counter: func(name string) any {
			v, ref, ok := derive.Counter(h, name)
			if !ok {
				return nil
			}
			rec.Ref(ref, "")
			return float64(v)
		},
		Moved: func(name string) any {
			c, ok := derive.Moved(h, name)
			if !ok {
				return nil
			}
			for _, r := range c.Refs {
				rec.Ref(r, c.Note)
			}
			return c.Value
		},
		Rising: func(name string) any {
			c, ok := derive.Moved(h, name)
			if !ok || c.SinceBoot {
				return nil // one snapshot: a total since boot says nothing about now
			}
			for _, r := range c.Refs {
				rec.Ref(r, c.Note)
			}
			return c.Value
		},
		Snapshots: func() int { return len(h.Counters) },
		Running: func(name string) int {
			n := 0
			for _, t := range h.Processes {
				for _, p := range t.Processes {
					if strings.Contains(p.Name(), name) {
						rec.Ref(p.Src, name+" is running")
						n++
					}
				}
			}
			return n
		},
		NatRules:        func() int { return record(derive.NATRules(h)) },
		ServiceNatRules: func() int { return record(derive.ServiceNATRules(h)) },
		InvalidDropRules: func() any {
			if !derive.ForwardFilterCollected(h) {
				return nil // the filter rules were not collected: unknown, not zero
			}
			n := record(derive.InvalidDropRules(h))
			if n == 0 {
				for _, ref := range derive.ForwardChains(h) {
					rec.Ref(ref, "no rule in this chain drops ctstate INVALID")
				}
			}
			return float64(n)
		},
		LocalOnlyNodePorts:       func() int { return record(derive.LocalOnlyNodePorts(h)) },
		ConntrackWindowLogs:      func() int { return record(derive.ConntrackWindowLogs(h)) },
		UnnatedNodePortConntrack: func() int { return record(derive.UnnatedNodePortConntrack(h)) },
		IPVSServices: func() int {
			svcs := derive.IPVSServices(h)
			for i, s := range svcs {
				if i < maxEvidencePerCall {
					rec.Ref(s.Src, "IPVS virtual service")
				}
			}
			return len(svcs)
		},
		IPVSEmptyServices: func() int { return record(derive.IPVSEmptyServices(h)) },
		IPVSTCPTimeout: func() any {
			t, ref, ok := derive.IPVSTimeout(h)
			if !ok {
				return nil
			}
			rec.Ref(ref, fmt.Sprintf("IPVS TCP idle timeout %d s", t))
			return float64(t)
		},
		IPVSDeleteBursts: func(w, m float64) int { return record(derive.IPVSDeleteBursts(h, secs(w), int(m))) },
		IPVSReadded:      func() int { return record(derive.IPVSReadded(h)) },
		KeepalivedVIPs: func() int {
			vips := derive.VIPs(h)
			for i, v := range vips {
				if i < maxEvidencePerCall {
					rec.Ref(v.Src, "keepalived VIP "+v.Addr)
				}
			}
			return len(vips)
		},
		KeepalivedStrict: func(m float64) int { return record(derive.KeepalivedStrictChecks(h, int(m))) },
		KeepalivedFlaps:  func(d float64) int { return record(derive.KeepalivedFlaps(h, secs(d))) },
		Events:           func(kind string) int { return record(derive.LogEvents(h, kind)) },
		ConntrackStatDelta: func(field string) float64 {
			d, _, obs, ok := derive.ConntrackStat(h, field)
			if ok && d > 0 {
				record(obs)
			}
			return d
		},
		ConntrackStatTotal: func(field string) float64 {
			_, t, obs, ok := derive.ConntrackStat(h, field)
			if ok && t > 0 {
				record(obs)
			}
			return t
		},
		SocketsInState:     func(state string) int { return record(derive.SocketsInState(h, state)) },
		ListenQueueFull:    func() int { return record(derive.ListenQueueFull(h)) },
		KeepalivedProblems: func(c string) int { return record(derive.KeepalivedProblems(h, c)) },
		InvalidSchedulers:  func() int { return record(derive.InvalidSchedulers(h)) },
		WeightZeroBusy:     func() int { return record(derive.WeightZeroBusyReals(h)) },
		IPVSNoReals:        func() int { return record(derive.IPVSNoRealServers(h)) },
		SysctlMatching: func(pattern string) []float64 {
			vals, obs := derive.SysctlMatching(h, pattern)
			record(obs)
			if vals == nil {
				vals = []float64{}
			}
			return vals
		},
		SysctlField: func(key string, n int) any {
			v, o, ok := derive.SysctlField(h, key, n)
			if !ok {
				return nil
			}
			record([]derive.Observation{o})
			return v
		},
		LoopbackVIPs:     func() int { return record(derive.LoopbackVIPs(h)) },
		QueuedSockets:    func(netid string, min float64) int { return record(derive.QueuedSockets(h, netid, int64(min))) },
		SocketDrops:      func() int { return record(derive.SocketDrops(h)) },
		PcapPAWSSyns:     func(age, re float64) int { return pawsSYNs(h, rec, age, re) },
		PcapUnnatedTwins: func() int { return unnatedTwins(h, rec, false) },
		PcapTwinsBehind:  func() int { return unnatedTwins(h, rec, true) },
		PcapIdleResets:   func(gap float64) int { return idleResets(h, rec, gap) },
		PcapHungRequests: func(w float64, protos string, lo, hi float64) int {
			return hungRequests(h, rec, w, protos, lo, hi)
		},
		PcapStallBursts:   func(w, m float64) int { return stallBursts(h, rec, w, m, 0) },
		PcapStallsNearLog: func(w, m, near float64) int { return stallBursts(h, rec, w, m, near) },
		PcapZeroWindows:   func(min float64) int { return zeroWindowStalls(h, rec, min) },
		SharedVIPs:        func() int { return record(derive.SharedVIPs(all)) },
		ConcurrentMasters: func() int { return record(derive.ConcurrentMasters(all)) },
		IdleIPVSSockets: func(fraction, def float64) int {
			return record(derive.IdleIPVSSockets(h, fraction, secs(def)))
		},
		ExpiredIPVSSockets:   func(def float64) int { return record(derive.ExpiredIPVSSockets(h, secs(def))) },
		HungSockets:          func(minIdle float64) int { return record(derive.HungSockets(h, secs(minIdle))) },
		UnreadLocalRequests:  func() int { return record(derive.UnreadLocalRequests(h)) },
		NodePortProxySockets: func() int { return record(derive.NodePortProxySockets(h)) },
		UnnatedNodePortLogs:  func() int { return record(derive.UnnatedNodePortLogs(h)) },
	}
}

// maxEvidencePerCall keeps one accessor from flooding a finding with
// hundreds of similar lines; the count it returns is still exact.
const maxEvidencePerCall = 8

// kernelVersion finds the running kernel from uname/os facts or the
// kernel.osrelease sysctl.
func kernelVersion(h *facts.Host) (system.KernelVersion, source.Ref, bool) {
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
