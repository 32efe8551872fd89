package derive

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/analyzer/parse/iptables"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/parse/sockets"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Measurements of socket memory, netlink sockets, over-MTU drops, VXLAN
// checksum offload and mixed iptables backends.

const sectionSockMem = "Socket memory"

// Sockstat returns the latest value of a /proc/net/sockstat field (read
// there or from ss -s, which prints some of them): a level at the instant
// it was read, not a counter.
func Sockstat(h *facts.Host, name string) (int64, source.Ref, bool) {
	for i := len(h.Counters) - 1; i >= 0; i-- {
		s := h.Counters[i]
		if s.Form != counters.FormSockstat && s.Form != counters.FormSockstat6 && s.Form != counters.FormSsSummary {
			continue
		}
		if c, ok := s.Values[name]; ok {
			return c.Value, c.Src, true
		}
	}
	return 0, source.Ref{}, false
}

// pageNote renders a page count; the page size is 4 KiB on x86 (arm64 may
// use 64 KiB), so bytes are shown only as an estimate.
func pageNote(pages int64) string {
	return fmt.Sprintf("%d pages (%.0f MiB at 4 KiB pages)", pages, float64(pages)*4096/(1<<20))
}

var _ = declare(Func{
	Name: "sockstat", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when /proc/net/sockstat was not collected or has no such field",
	Doc:     "a /proc/net/sockstat field now (`Sockstat.TCPMem` and `Sockstat.UDPMem` in pages, as tcp_mem and udp_mem are; `Sockstat.FRAGMemory` in bytes): a level at the instant it was read, not a total since boot",
	Bind: func(c Call) any {
		return func(name string) any {
			v, ref, ok := Sockstat(c.Host(), name)
			if !ok {
				return nil
			}
			note := fmt.Sprintf("%s is %d", name, v)
			if strings.HasSuffix(name, "Mem") {
				note = name + " is " + pageNote(v)
			}
			c.Ref(ref, note)
			return float64(v)
		}
	},
})

// Netlink.

// netlinkOwners maps socket inodes to the processes that hold them, from
// any listing that shows both (ss -p, lsof).
func netlinkOwners(h *facts.Host) map[uint64]string {
	out := map[uint64]string{}
	for _, t := range h.Sockets {
		if t.Form == "netlink" {
			continue
		}
		for _, s := range t.Sockets {
			if s.Inode == 0 || len(s.Users) == 0 {
				continue
			}
			var names []string
			for _, u := range s.Users {
				names = append(names, fmt.Sprintf("%s/%d", u.Name, u.PID))
			}
			out[s.Inode] = strings.Join(names, ", ")
		}
	}
	return out
}

type netlinkSeen struct {
	s    *sockets.Socket
	snap int
}

// NetlinkDrops lists netlink sockets with drops in the latest listing,
// and, when several listings exist, how much each rose.
func NetlinkDrops(h *facts.Host) (all []Observation, rising []Observation, compared bool) {
	var tables []*sockets.Table
	for _, t := range h.Sockets {
		if t.Form == "netlink" {
			tables = append(tables, t)
		}
	}
	if len(tables) == 0 {
		return nil, nil, false
	}
	owners := netlinkOwners(h)
	first := map[uint64]*sockets.Socket{}
	for _, s := range tables[0].Sockets {
		first[s.Inode] = s
	}
	compared = len(tables) >= 2
	for _, s := range tables[len(tables)-1].Sockets {
		d := s.NetlinkDrops()
		if d <= 0 {
			continue
		}
		owner := owners[s.Inode]
		who := "owner not shown (find it with: lsof | grep " + strconv.FormatUint(s.Inode, 10) + ")"
		if owner != "" {
			who = "held by " + owner
		}
		o := Observation{Refs: []source.Ref{s.Src}, Values: map[string]string{"inode": strconv.FormatUint(s.Inode, 10)},
			Note: fmt.Sprintf("netlink socket inode %d (protocol %s, port id %d) dropped %d messages since it was opened; %s", s.Inode, s.Local.Addr, s.Local.Port, d, who)}
		if owner != "" {
			o.Values["process"] = owner
		}
		all = append(all, o)
		if a, ok := first[s.Inode]; ok && compared && d > a.NetlinkDrops() {
			rising = append(rising, Observation{Refs: []source.Ref{a.Src, s.Src}, Values: o.Values,
				Note: fmt.Sprintf("netlink socket inode %d dropped %d more messages between listings; %s", s.Inode, d-a.NetlinkDrops(), who)})
		}
	}
	return all, rising, compared
}

var _ = declare(Func{
	Name: "netlink_drops", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "netlink sockets (/proc/net/netlink) whose Drops counter is positive: drops since each socket was opened, named by their owning process when a listing with inodes (ss -p, lsof) shows it",
	Values:  []string{"inode", "process"},
	Bind: func(c Call) any {
		return func() int {
			all, _, _ := NetlinkDrops(c.Host())
			return c.Observations(all)
		}
	},
})

var _ = declare(Func{
	Name: "netlink_drops_rising", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindSockets},
	Returns: "count, or nil when /proc/net/netlink was not read twice",
	Doc:     "netlink sockets whose Drops rose between two listings",
	Values:  []string{"inode", "process"},
	Bind: func(c Call) any {
		return func() any {
			_, rising, compared := NetlinkDrops(c.Host())
			if !compared {
				return nil
			}
			return c.Observations(rising)
		}
	},
})

var _ = declare(Func{
	Name: "netlink_owned_drops", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "netlink sockets with drops whose owning process the bundle shows",
	Values:  []string{"inode", "process"},
	Bind: func(c Call) any {
		return func() int {
			all, _, _ := NetlinkDrops(c.Host())
			var owned []Observation
			for _, o := range all {
				if o.Values["process"] != "" {
					owned = append(owned, o)
				}
			}
			return c.Observations(owned)
		}
	},
})

// Interface MTUs.

// interfaceMTUs maps interface names to their MTU with the line that shows
// it (ip link, ip addr, netstat -i).
func interfaceMTUs(h *facts.Host) map[string]source.Ref {
	out := map[string]source.Ref{}
	mtus := map[string]int{}
	for _, t := range h.Addresses {
		for _, i := range t.Interfaces {
			if i.MTU > 0 {
				out[i.Name], mtus[i.Name] = i.Src, i.MTU
			}
		}
	}
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			if m, ok := i.Settings["mtu"]; ok {
				if n, err := strconv.Atoi(m.Value); err == nil {
					out[i.Name], mtus[i.Name] = m.Src, n
				}
			}
		}
	}
	for name, r := range out {
		r.Text = fmt.Sprintf("%s (mtu %d)", r.Text, mtus[name])
		out[name] = r
	}
	return out
}

var _ = declare(Func{
	Name: "over_mtu_interfaces_shown", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindLog, artifact.KindAddresses, artifact.KindInterfaces},
	Returns: "count",
	Doc:     "interfaces named in \"dropped over-mtu packet\" kernel lines whose MTU the bundle shows (ip link, ip addr)",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() int {
			mtus := interfaceMTUs(c.Host())
			seen := map[string]bool{}
			var out []Observation
			for _, e := range events(c.Host(), logs.KindOverMTU) {
				name := e.Fields["interface"]
				if r, ok := mtus[name]; ok && !seen[name] {
					seen[name] = true
					out = append(out, Observation{Refs: []source.Ref{r}, Values: map[string]string{"interface": name},
						Note: fmt.Sprintf("%s: packets of %s bytes were dropped against an MTU of %s", name, e.Fields["size"], e.Fields["mtu"])})
				}
			}
			return c.Observations(out)
		}
	},
})

// VXLAN checksum offload.

// vxlanInterfaces lists VXLAN devices: ip -d link "vxlan" kind, or the
// names flannel and Calico give them.
func vxlanInterfaces(h *facts.Host) map[string]source.Ref {
	out := map[string]source.Ref{}
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			if k, ok := i.Settings["kind"]; ok && k.Value == "vxlan" {
				out[i.Name] = k.Src
			} else if isVXLANName(i.Name) {
				if _, ok := out[i.Name]; !ok {
					out[i.Name] = i.Src
				}
			}
		}
	}
	for _, t := range h.Addresses {
		for _, i := range t.Interfaces {
			if _, ok := out[i.Name]; !ok && isVXLANName(i.Name) {
				out[i.Name] = i.Src
			}
		}
	}
	return out
}

func isVXLANName(n string) bool {
	return n == "flannel.1" || strings.HasPrefix(n, "vxlan.calico") || strings.HasPrefix(n, "vxlan-v6.calico") ||
		strings.HasPrefix(n, "vxlan_sys_") || n == "cilium_vxlan"
}

var _ = declare(Func{
	Name: "vxlan_tx_csum_offload", Section: sectionSockMem, Reads: []artifact.Kind{artifact.KindInterfaces, artifact.KindAddresses},
	Returns: "count",
	Doc:     "VXLAN devices (flannel.1, vxlan.calico, ip -d link kind vxlan) whose TX checksum offload (ethtool -k tx-checksum-ip-generic) is on; with no ethtool -k, the default, which is on",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() int {
			vx := vxlanInterfaces(c.Host())
			names := make([]string, 0, len(vx))
			for n := range vx {
				names = append(names, n)
			}
			sort.Strings(names)
			var out []Observation
			for _, n := range names {
				state, ref, known := "", vx[n], false
				for _, s := range c.Host().Interfaces {
					if i := s.Find(n); i != nil {
						if f, ok := i.Features["tx-checksum-ip-generic"]; ok {
							state, ref, known = f.Value, f.Src, true
						}
					}
				}
				switch {
				case known && strings.HasPrefix(state, "on"):
					out = append(out, Observation{Refs: []source.Ref{ref}, Note: n + ": TX checksum offload is on", Values: map[string]string{"interface": n}})
				case !known:
					out = append(out, Observation{Refs: []source.Ref{ref}, Note: n + ": VXLAN device; TX checksum offload is on by default (ethtool -k not collected)", Values: map[string]string{"interface": n}})
				}
			}
			return c.Observations(out)
		}
	},
})

var _ = declare(Func{
	Name: "random_fully_masquerade", Section: "Packet filter and NAT", Reads: []artifact.Kind{artifact.KindIptables},
	Returns: "count",
	Doc:     "MASQUERADE rules with `--random-fully` (kube-proxy since Kubernetes 1.16, flannel, Calico)",
	Bind: func(c Call) any {
		return func() int {
			var out []Observation
			for _, rs := range c.Host().Rulesets {
				for _, r := range rulesOf(rs) {
					if r.Target == "MASQUERADE" {
						if _, ok := r.TargetArg("random-fully"); ok {
							out = append(out, obs("MASQUERADE with --random-fully in "+r.Chain, r.Src))
						}
					}
				}
			}
			return c.Observations(out)
		}
	},
})

func rulesOf(rs *iptables.Ruleset) []*iptables.Rule {
	var out []*iptables.Rule
	for _, k := range rs.Order {
		t := rs.Tables[k]
		for _, cn := range t.Order {
			out = append(out, t.Chains[cn].Rules...)
		}
	}
	return out
}

// vxlanCsumFixed are the stable releases that carry the fix that stops
// updating a zero UDP checksum in the masquerade path (Kubernetes issue
// 88986): 5.7 and later, 5.6.13, 5.4.41, 4.19.123, 4.14.181.
var vxlanCsumFixed = map[[2]int]int{{5, 6}: 13, {5, 4}: 41, {4, 19}: 123, {4, 14}: 181}

var _ = declare(Func{
	Name: "vxlan_csum_fix_missing", Section: "Settings and system", Reads: []artifact.Kind{artifact.KindSystem, artifact.KindSysctl},
	Returns: "bool, or nil when the kernel is unknown or a distribution build (which may carry the fix as a backport)",
	Doc:     "the kernel predates the stable release that stops updating a zero UDP checksum on masquerade with --random-fully (5.7, 5.6.13, 5.4.41, 4.19.123, 4.14.181)",
	Values:  []string{"kernel"},
	Bind: func(c Call) any {
		return func() any {
			v, ref, ok := KernelVersion(c.Host())
			if !ok || v.Distro != "" {
				return nil
			}
			rel := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
			c.Value("kernel", rel)
			missing := false
			switch fixed, stable := vxlanCsumFixed[[2]int{v.Major, v.Minor}]; {
			case v.AtLeast(5, 7):
			case stable:
				missing = v.Patch < fixed
			default:
				// Between the stable lines (4.15 to 4.18, 4.20, 5.0 to 5.3, 5.5) no fix was released.
				missing = true
			}
			if missing {
				c.Ref(ref, "kernel "+rel+" lacks the fix for the zero UDP checksum of masqueraded VXLAN packets")
			}
			return missing
		}
	},
})

// Mixed iptables backends.

func kubeChainBackends(h *facts.Host) map[string][]source.Ref {
	out := map[string][]source.Ref{}
	for _, rs := range h.Rulesets {
		if rs.Backend == "" {
			continue
		}
		for _, k := range rs.Order {
			t := rs.Tables[k]
			for _, cn := range t.Order {
				if ch := t.Chains[cn]; strings.HasPrefix(cn, "KUBE-") && len(ch.Rules) > 0 {
					out[rs.Backend] = append(out[rs.Backend], ch.Rules[0].Src)
					break
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "kube_chain_backends", Section: "Packet filter and NAT", Reads: []artifact.Kind{artifact.KindIptables},
	Returns: "count",
	Doc:     "iptables backends (legacy, nf_tables) holding KUBE-* rules: 2 means kube-proxy's rules were installed through both",
	Bind: func(c Call) any {
		return func() int {
			b := kubeChainBackends(c.Host())
			if len(b) >= 2 {
				for _, name := range slices.Sorted(maps.Keys(b)) {
					c.Ref(b[name][0], "KUBE- rules in the "+name+" backend")
				}
			}
			return len(b)
		}
	},
})

var _ = declare(Func{
	Name: "iptables_legacy_warnings", Section: "Packet filter and NAT", Reads: []artifact.Kind{artifact.KindIptables},
	Returns: "count",
	Doc:     "iptables-nft outputs warning that iptables-legacy tables are present too",
	Bind: func(c Call) any {
		return func() int {
			n := 0
			for _, rs := range c.Host().Rulesets {
				if rs.LegacyWarning != nil {
					c.Ref(*rs.LegacyWarning, "iptables-nft says legacy (x_tables) rules exist too")
					n++
				}
			}
			return n
		}
	},
})

var _ = declare(Func{
	Name: "legacy_rules_beside_nft", Section: "Packet filter and NAT", Reads: []artifact.Kind{artifact.KindIptables},
	Returns: "count",
	Doc:     "rules in legacy rule sets of a host whose iptables-nft warned about legacy tables (empty legacy tables give 0)",
	Bind: func(c Call) any {
		return func() int {
			warned := false
			for _, rs := range c.Host().Rulesets {
				warned = warned || rs.LegacyWarning != nil
			}
			if !warned {
				return 0
			}
			n := 0
			for _, rs := range c.Host().Rulesets {
				if rs.Backend != iptables.BackendLegacy {
					continue
				}
				for _, r := range rulesOf(rs) {
					if n < MaxEvidencePerCall {
						c.Ref(r.Src, "a legacy (x_tables) rule beside the nf_tables ones")
					}
					n++
				}
			}
			return n
		}
	},
})

var _ = declare(Func{
	Name: "pcap_syn_backoff", Section: "Captures", Reads: []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_retrans", ArgCount}},
	Returns: "count; 0 when no capture was read",
	Doc:     "connection attempts whose SYN was retransmitted at least `min_retrans` times on the doubling schedule (1, 2, 4 ... s apart), unanswered or answered only at the end: SYNs lost one after the other, the shape of VXLAN packets dropped for a bad checksum",
	Bind: func(c Call) any {
		return func(minRetrans float64) int {
			var out []Observation
			for _, cp := range c.Host().Captures {
				for _, u := range cp.UnansweredSYNs {
					if float64(u.Retrans) < minRetrans || float64(len(u.RTO)) < minRetrans || !doubling(u.RTO) {
						continue
					}
					c.Frame(cp.Artifact, u.Frame, fmt.Sprintf("SYN %s -> %s", u.Client, u.Server), u.Time,
						fmt.Sprintf("SYN retransmitted %d times, %s s apart, never answered", u.Retrans, rtoText(u.RTO)))
					out = append(out, Observation{})
				}
				// Answered in the end, after the whole back-off: the
				// "63 second delay" when the last of six retries got through.
				for _, u := range cp.SlowHandshakes {
					if float64(u.Retrans) < minRetrans || float64(len(u.RTO)) < minRetrans || !doubling(u.RTO) {
						continue
					}
					c.Frame(cp.Artifact, u.Frame, fmt.Sprintf("SYN %s -> %s", u.Client, u.Server), u.Time,
						fmt.Sprintf("SYN retransmitted %d times, %s s apart, before a SYN-ACK came", u.Retrans, rtoText(u.RTO)))
					c.Flow(cp.Artifact, cp.Flow(u.Flow))
					out = append(out, Observation{})
				}
			}
			return len(out)
		}
	},
})

// doubling reports whether retransmission intervals follow the kernel's
// exponential backoff: each about twice the one before.
func doubling(rto []float64) bool {
	for i := 1; i < len(rto); i++ {
		if r := rto[i] / rto[i-1]; rto[i-1] <= 0 || r < 1.6 || r > 2.5 {
			return false
		}
	}
	return true
}

func rtoText(rto []float64) string {
	parts := make([]string, len(rto))
	for i, v := range rto {
		parts[i] = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strings.Join(parts, ", ")
}
