package derive

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/iptables"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/source"
)

func allRules(h *facts.Host, keep func(*iptables.Rule) bool) []*iptables.Rule {
	var out []*iptables.Rule
	for _, rs := range h.Rulesets {
		out = append(out, rs.Rules(keep)...)
	}
	return out
}

func isNATTarget(t string) bool {
	switch strings.ToUpper(t) {
	case "MASQUERADE", "SNAT", "DNAT":
		return true
	}
	return false
}

// NATRules lists address translation on the host: iptables/nft
// MASQUERADE, SNAT and DNAT rules, and IPVS real servers reached by
// masquerading (LVS-NAT).
func NATRules(h *facts.Host) []Observation {
	var out []Observation
	for _, r := range allRules(h, func(r *iptables.Rule) bool { return isNATTarget(r.Target) }) {
		out = append(out, obs(strings.ToUpper(r.Target)+" rule: traffic is address-translated", r.Src))
	}
	for _, res := range h.IPVS {
		for _, s := range lastSnapshotServices(res) {
			for _, rl := range s.Reals {
				if strings.EqualFold(rl.Forward, "Masq") {
					out = append(out, obs("IPVS forwards by NAT (Masq)", rl.Src))
					break
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "nat_rules", Section: "Packet filter and NAT",
	Reads:   []artifact.Kind{artifact.KindIptables, artifact.KindIPVS},
	Returns: "count",
	Doc:     "MASQUERADE/SNAT/DNAT rules and IPVS real servers reached by NAT",
	Bind: func(c Call) any {
		return func() int { return c.Observations(NATRules(c.Host())) }
	},
})

// ServiceNATRules lists service load balancing that rewrites destinations:
// DNAT rules, kube-proxy service chains, and IPVS virtual services.
func ServiceNATRules(h *facts.Host) []Observation {
	var out []Observation
	for _, r := range allRules(h, func(r *iptables.Rule) bool {
		return strings.EqualFold(r.Target, "DNAT") || r.Target == "KUBE-SERVICES"
	}) {
		out = append(out, obs("service destination NAT", r.Src))
	}
	for _, res := range h.IPVS {
		for _, s := range lastSnapshotServices(res) {
			out = append(out, obs("IPVS virtual service (destination NAT)", s.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "service_nat_rules", Section: "Packet filter and NAT",
	Reads:   []artifact.Kind{artifact.KindIptables, artifact.KindIPVS},
	Returns: "count",
	Doc:     "DNAT rules, kube-proxy service chains, IPVS services",
	Bind: func(c Call) any {
		return func() int { return c.Observations(ServiceNATRules(c.Host())) }
	},
})

// ForwardChains returns where the filter FORWARD chains (or nft forward
// hooks) were declared, to show where an INVALID drop rule is missing.
func ForwardChains(h *facts.Host) []source.Ref {
	var out []source.Ref
	for _, rs := range h.Rulesets {
		for _, t := range rs.Tables {
			names := t.Hooks["FORWARD"]
			if t.Name == "filter" {
				names = append(names, "FORWARD", "KUBE-FORWARD")
			}
			for _, n := range names {
				if c := t.Chains[n]; c != nil && c.Src.Artifact != "" {
					out = append(out, c.Src)
				}
			}
		}
	}
	return out
}

// ForwardFilterCollected reports whether any rule set shows the filter
// table (iptables) or a forward/input hook (nft): only then does the absence
// of an INVALID drop rule mean something.
func ForwardFilterCollected(h *facts.Host) bool {
	for _, rs := range h.Rulesets {
		for _, t := range rs.Tables {
			if t.Name == "filter" || len(t.Hooks["FORWARD"]) > 0 || len(t.Hooks["INPUT"]) > 0 {
				return true
			}
		}
	}
	return false
}

// InvalidDropRules lists rules that drop packets conntrack marked INVALID.
func InvalidDropRules(h *facts.Host) []Observation {
	var out []Observation
	for _, r := range allRules(h, func(r *iptables.Rule) bool {
		t := strings.ToUpper(r.Target)
		if t != "DROP" && t != "REJECT" {
			return false
		}
		for _, m := range r.Matches {
			if (m.Option == "ctstate" || m.Option == "state") && !m.Negated &&
				strings.Contains(strings.ToUpper(m.Value), "INVALID") {
				return true
			}
		}
		return false
	}) {
		out = append(out, obs("packets conntrack marks INVALID are dropped", r.Src))
	}
	return out
}

var _ = declare(Func{
	Name: "invalid_drop_rules", Section: "Packet filter and NAT",
	Reads:   []artifact.Kind{artifact.KindIptables},
	Returns: "count, or nil when no filter table was collected",
	Doc:     "rules dropping `ctstate INVALID`",
	Bind: func(c Call) any {
		return func() any {
			h := c.Host()
			if !ForwardFilterCollected(h) {
				return nil // the filter rules were not collected: unknown, not zero
			}
			n := c.Observations(InvalidDropRules(h))
			if n == 0 {
				for _, ref := range ForwardChains(h) {
					c.Ref(ref, "no rule in this chain drops ctstate INVALID")
				}
			}
			return float64(n)
		}
	},
})

// NodePort is a port kube-proxy DNATs in KUBE-NODEPORTS.
type NodePort struct {
	Port int
	Src  source.Ref
}

// NodePorts lists the ports of KUBE-NODEPORTS rules in the nat table (the
// filter table has a chain of the same name for health-check ports).
func NodePorts(h *facts.Host) []NodePort {
	seen := map[int]bool{}
	var out []NodePort
	for _, r := range allRules(h, func(r *iptables.Rule) bool { return r.Chain == "KUBE-NODEPORTS" && r.Table == "nat" }) {
		for _, opt := range []string{"dport", "dports"} {
			m, ok := r.Match(opt)
			if !ok || m.Negated {
				continue
			}
			for _, p := range portsOf(m.Value) {
				if !seen[p] {
					seen[p] = true
					out = append(out, NodePort{Port: p, Src: r.Src})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	return out
}

// LocalOnlyNodePorts traces a locally generated connection to each NodePort
// through the nat OUTPUT chain twice: once with the destination already a
// local address and once with it not yet local (a VIP being added). A port
// that is DNATed only in the first case depends on the VIP being local at
// the instant the SYN passes OUTPUT.
func LocalOnlyNodePorts(h *facts.Host) []Observation {
	ports := NodePorts(h)
	if len(ports) == 0 {
		return nil
	}
	dst := netip.MustParseAddr("203.0.113.10") // any address: only addrtype decides
	if vips := VIPs(h); len(vips) > 0 {
		if ip, err := netip.ParseAddr(vips[0].Addr); err == nil {
			dst = ip
		}
	}
	var out []Observation
	seen := map[int]bool{}
	// Every collected nat table is traced: a host may hold several (a
	// sosreport's iptables-save and a pasted iptables -t nat -nvL).
	for _, rs := range h.Rulesets {
		if rs.Chain("nat", "OUTPUT") == nil {
			continue
		}
		for _, np := range ports {
			if seen[np.Port] {
				continue
			}
			pkt := iptables.Packet{Proto: "tcp", Src: netip.MustParseAddr("198.51.100.7"), Dst: dst,
				SPort: 40000, DPort: np.Port, OutIface: "lo", CtState: "NEW", DstLocal: true}
			local := rs.Trace("nat", "OUTPUT", pkt)
			pkt.DstLocal = false
			remote := rs.Trace("nat", "OUTPUT", pkt)
			if local == nil || remote == nil || !reachesNAT(local) || reachesNAT(remote) {
				continue
			}
			refs := []source.Ref{np.Src}
			for _, st := range local.Steps {
				if st.Rule == nil {
					continue
				}
				if m, ok := st.Rule.Match("dst-type"); ok && strings.EqualFold(m.Value, "LOCAL") {
					refs = append([]source.Ref{st.Rule.Src}, refs...)
				}
			}
			o := obs(fmt.Sprintf("NodePort %d is DNATed from OUTPUT only while the destination is a local address", np.Port), refs...)
			o.Values = map[string]string{"nodeport": strconv.Itoa(np.Port)}
			out = append(out, o)
			seen[np.Port] = true
		}
	}
	return out
}

var _ = declare(Func{
	Name: "local_only_nodeports", Section: "Packet filter and NAT",
	Reads:   []artifact.Kind{artifact.KindIptables},
	Returns: "count",
	Doc:     "NodePorts that the nat OUTPUT chain DNATs only while the destination is local (traced twice)",
	Values:  []string{"nodeport"},
	Bind: func(c Call) any {
		return func() int { return c.Observations(LocalOnlyNodePorts(c.Host())) }
	},
})

func reachesNAT(t *iptables.Trace) bool {
	if t.DNAT != "" {
		return true
	}
	for _, st := range t.Steps {
		if st.Rule != nil && (strings.EqualFold(st.Rule.Target, "DNAT") || strings.HasPrefix(st.Rule.Target, "KUBE-SVC-") ||
			strings.HasPrefix(st.Rule.Target, "KUBE-EXT-") || strings.HasPrefix(st.Rule.Target, "KUBE-SEP-")) {
			return true
		}
	}
	return false
}

// ConntrackWindowLogs lists kernel lines that conntrack writes when
// nf_conntrack_log_invalid is set and a TCP segment falls outside the
// tracked window ("nf_ct_proto_6: SEQ is over the upper bound ...").
func ConntrackWindowLogs(h *facts.Host) []Observation {
	var out []Observation
	for _, e := range events(h, logs.KindIptablesLog) {
		p := e.Fields["prefix"]
		if !strings.Contains(p, "nf_ct_") {
			continue
		}
		lp := strings.ToLower(p)
		if strings.Contains(lp, "bound") || strings.Contains(lp, "window") || strings.Contains(lp, "invalid") {
			out = append(out, obs("conntrack marked a segment outside the TCP window INVALID", e.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "conntrack_window_logs", Section: "Conntrack",
	Reads:   []artifact.Kind{artifact.KindLog},
	Returns: "count",
	Doc:     "kernel log lines of conntrack marking a TCP segment INVALID for being out of window (`nf_ct_tcp: ... out of window`, `ACK is over/under the upper bound`)",
	Bind: func(c Call) any {
		return func() int { return c.Observations(ConntrackWindowLogs(c.Host())) }
	},
})
