package engine

import (
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Env is the vocabulary of rule conditions. Every function reads facts of the
// host under evaluation and records the lines it read, so that a matching
// condition carries its own evidence. Functions return nil (or 0 for counts)
// when the artifact they need was not collected; `has(kind)` tells the two
// apart and `??` supplies a default.
//
// The functions are documented in docs/RULES.md.
type Env struct {
	Params map[string]float64 `expr:"params"`

	// Collection.
	Has func(kind string) bool `expr:"has"`

	// Settings and system.
	Sysctl       func(key string) any       `expr:"sysctl"`
	SysctlAbsent func(key string) bool      `expr:"sysctl_absent"`
	KernelBefore func(major, minor int) any `expr:"kernel_before"`
	Counter      func(name string) any      `expr:"counter"`
	Moved        func(name string) any      `expr:"moved"`
	Rising       func(name string) any      `expr:"rising"`
	Snapshots    func() int                 `expr:"snapshots"`
	Running      func(name string) int      `expr:"running"`

	// Packet filter and NAT.
	NatRules           func() int `expr:"nat_rules"`
	ServiceNatRules    func() int `expr:"service_nat_rules"`
	InvalidDropRules   func() any `expr:"invalid_drop_rules"`
	LocalOnlyNodePorts func() int `expr:"local_only_nodeports"`

	// Conntrack.
	ConntrackWindowLogs      func() int `expr:"conntrack_window_logs"`
	UnnatedNodePortConntrack func() int `expr:"unnated_nodeport_conntrack"`

	// IPVS and keepalived.
	IPVSServices      func() int                    `expr:"ipvs_services"`
	IPVSEmptyServices func() int                    `expr:"ipvs_empty_services"`
	IPVSTCPTimeout    func() any                    `expr:"ipvs_tcp_timeout"`
	IPVSDeleteBursts  func(window, min float64) int `expr:"ipvs_delete_bursts"`
	IPVSReadded       func() int                    `expr:"ipvs_readded"`
	KeepalivedVIPs    func() int                    `expr:"keepalived_vips"`
	KeepalivedStrict  func(maxRetry float64) int    `expr:"keepalived_strict_checks"`
	KeepalivedFlaps   func(maxDown float64) int     `expr:"keepalived_flaps"`

	// Generic accessors for catalog rules.
	Events             func(kind string) int      `expr:"events"`
	ConntrackStatDelta func(field string) float64 `expr:"conntrack_delta"`
	ConntrackStatTotal func(field string) float64 `expr:"conntrack_total"`
	SocketsInState     func(state string) int     `expr:"sockets_in_state"`
	ListenQueueFull    func() int                 `expr:"listen_queue_full"`
	KeepalivedProblems func(contains string) int  `expr:"keepalived_problems"`
	InvalidSchedulers  func() int                 `expr:"invalid_schedulers"`
	WeightZeroBusy     func() int                 `expr:"weight0_busy_reals"`
	IPVSNoReals        func() int                 `expr:"ipvs_no_real_servers"`

	SysctlMatching func(pattern string) []float64      `expr:"sysctl_matching"`
	SysctlField    func(key string, n int) any         `expr:"sysctl_field"`
	LoopbackVIPs   func() int                          `expr:"loopback_vips"`
	QueuedSockets  func(netid string, min float64) int `expr:"queued_sockets"`
	SocketDrops    func() int                          `expr:"socket_drops"`

	// Packet captures (measurements of analyzer/pcap; see docs/RULES.md).
	PcapPAWSSyns      func(maxAge, minRetrans float64) int                        `expr:"pcap_paws_syns"`
	PcapUnnatedTwins  func() int                                                  `expr:"pcap_unnated_twins"`
	PcapTwinsBehind   func() int                                                  `expr:"pcap_unnated_twins_behind_only"`
	PcapIdleResets    func(minGap float64) int                                    `expr:"pcap_idle_resets"`
	PcapHungRequests  func(minWait float64, protocols string, lo, hi float64) int `expr:"pcap_hung_requests"`
	PcapStallBursts   func(window, minFlows float64) int                          `expr:"pcap_stall_bursts"`
	PcapStallsNearLog func(window, minFlows, near float64) int                    `expr:"pcap_stall_bursts_near_ipvs_changes"`
	PcapZeroWindows   func(minSeconds float64) int                                `expr:"pcap_zero_window_stalls"`

	// Across hosts (meaningful in rules with scope: cluster).
	SharedVIPs        func() int `expr:"shared_vips"`
	ConcurrentMasters func() int `expr:"concurrent_masters"`

	// Sockets and logs.
	IdleIPVSSockets      func(fraction, defaultTimeout float64) int `expr:"idle_ipvs_sockets"`
	ExpiredIPVSSockets   func(defaultTimeout float64) int           `expr:"expired_ipvs_sockets"`
	HungSockets          func(minIdle float64) int                  `expr:"hung_sockets"`
	UnreadLocalRequests  func() int                                 `expr:"unread_local_requests"`
	NodePortProxySockets func() int                                 `expr:"nodeport_proxy_sockets"`
	UnnatedNodePortLogs  func() int                                 `expr:"unnated_nodeport_logs"`
}

type program struct {
	level string
	prog  *vm.Program
}

// compile checks every condition against Env's vocabulary, so a typo in a
// rule is reported at load time with its file and line.
func (r *Rule) compile() error {
	r.compiled = map[string]*program{}
	for _, level := range Confidences {
		src, ok := r.Conditions[level]
		if !ok {
			continue
		}
		p, err := expr.Compile(src, expr.Env(Env{}), expr.AsBool())
		if err != nil {
			line := r.condLines[level]
			if fe, ok := err.(*file.Error); ok {
				line += fe.Line - 1
				return &LoadError{File: r.File, Line: line,
					Msg: fmt.Sprintf("rule %s, %s condition: %s", r.ID, level, fe.Message)}
			}
			return &LoadError{File: r.File, Line: line, Msg: fmt.Sprintf("rule %s, %s condition: %v", r.ID, level, err)}
		}
		r.compiled[level] = &program{level: level, prog: p}
	}
	return nil
}
