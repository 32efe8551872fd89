package derive

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/counterdict"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
)

// The vocabulary of rule conditions. Each function is declared once, next
// to the measurement it exposes, with the artifact kinds it reads, the
// kinds of its arguments, what it returns and a one-line doc. The engine
// builds the expression functions from this list; rule validation, the
// `missing` inputs of findings and the function table of docs/RULES.md are
// all derived from it.

// ArgKind says what an argument of a vocabulary function is, so that a
// literal written in a rule can be checked when the rule loads.
type ArgKind string

// Argument kinds.
const (
	ArgCounter       ArgKind = "counter"        // "TcpExt.PAWSPassive", "Softnet.Dropped", "ena:pps_allowance_exceeded"
	ArgEvent         ArgKind = "event"          // a log event kind
	ArgArtifactKind  ArgKind = "artifact kind"  // "sysctl", "counters", ...
	ArgSysctlKey     ArgKind = "sysctl key"     // "net.ipv4.tcp_tw_recycle"
	ArgSysctlPattern ArgKind = "sysctl pattern" // "net.ipv4.conf.*.rp_filter"
	ArgSocketState   ArgKind = "socket state"   // "TIME-WAIT"
	ArgNetid         ArgKind = "netid"          // "tcp", "udp"
	ArgConntrackStat ArgKind = "conntrack statistic"
	ArgProtocols     ArgKind = "protocols" // "any" or "AMQP,TLS"
	ArgText          ArgKind = "text"
	ArgSeconds       ArgKind = "seconds"
	ArgCount         ArgKind = "count"
	ArgFraction      ArgKind = "fraction"
	ArgNumber        ArgKind = "number"
	ArgPort          ArgKind = "port"
)

// Arg is one argument of a vocabulary function.
type Arg struct {
	Name string
	Kind ArgKind
}

// Func is one function of the rule vocabulary.
type Func struct {
	Name    string
	Section string          // heading in docs/RULES.md
	Reads   []artifact.Kind // artifact kinds it reads; empty for has()
	Args    []Arg
	Returns string // what it returns, including nil for "not collected"
	Doc     string
	// Values are the named values it measures (nodeport, vip, ...) that a
	// rule's summary and collect commands may refer to as {{name}}.
	Values []string
	// Bind returns the function, typed, for one evaluation context. Its
	// Go type is what conditions are type-checked against.
	Bind func(c Call) any
}

var vocabulary = map[string]*Func{}

// declare adds a function to the vocabulary; it is called from package
// variables next to each measurement.
func declare(f Func) *Func {
	if _, dup := vocabulary[f.Name]; dup {
		panic("derive: vocabulary function declared twice: " + f.Name)
	}
	vocabulary[f.Name] = &f
	return &f
}

// Funcs returns the vocabulary sorted by section, then name.
func Funcs() []*Func {
	out := make([]*Func, 0, len(vocabulary))
	for _, f := range vocabulary {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		si, sj := sectionRank(out[i].Section), sectionRank(out[j].Section)
		if si != sj {
			return si < sj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// LookupFunc finds a vocabulary function by name.
func LookupFunc(name string) (*Func, bool) {
	f, ok := vocabulary[name]
	return f, ok
}

// Sections orders the headings of the vocabulary in docs/RULES.md.
var Sections = []string{
	"Collection", "Settings and system", "Counters", "Packet filter and NAT", "Conntrack",
	"IPVS and keepalived", "Sockets", "Link layer", "Socket memory", "Logs", "Captures", "Across hosts",
}

func sectionRank(s string) int {
	for i, x := range Sections {
		if x == s {
			return i
		}
	}
	return len(Sections)
}

// Bind binds every function to one evaluation context, by name.
func Bind(ctx *Ctx) map[string]any {
	m := make(map[string]any, len(vocabulary))
	for name, f := range vocabulary {
		m[name] = f.Bind(Call{ctx: ctx, name: name})
	}
	return m
}

// Signature renders "name(arg, arg)".
func (f *Func) Signature() string {
	args := make([]string, len(f.Args))
	for i, a := range f.Args {
		args[i] = a.Name
	}
	return f.Name + "(" + strings.Join(args, ", ") + ")"
}

// CheckArg checks a literal argument of kind k written in a rule. It
// returns an error for a value that can never match, a warning for one
// that may be a typo in an open-ended namespace, and a suggestion when a
// close known value exists.
func CheckArg(k ArgKind, v string) (errMsg, warnMsg string) {
	switch k {
	case ArgCounter:
		return checkCounter(v)
	case ArgEvent:
		if !contains(logs.EventKinds, v) {
			return fmt.Sprintf("unknown log event kind %q%s", v, suggest(v, logs.EventKinds)), ""
		}
	case ArgArtifactKind:
		kinds := artifactKinds()
		if !contains(kinds, v) {
			return fmt.Sprintf("unknown artifact kind %q%s", v, suggest(v, kinds)), ""
		}
	case ArgSocketState:
		if !contains(socketStates, v) {
			return fmt.Sprintf("unknown socket state %q%s", v, suggest(v, socketStates)), ""
		}
	case ArgNetid:
		if !contains(netids, v) {
			return fmt.Sprintf("unknown socket netid %q%s", v, suggest(v, netids)), ""
		}
	case ArgConntrackStat:
		if !contains(conntrackStats, v) {
			return "", fmt.Sprintf("conntrack statistic %q is not one the kernel prints%s", v, suggest(v, conntrackStats))
		}
	case ArgSysctlKey, ArgSysctlPattern:
		if !sysctlKeyRE.MatchString(v) || (k == ArgSysctlKey && strings.Contains(v, "*")) {
			return fmt.Sprintf("%q is not a sysctl %s", v, strings.TrimPrefix(string(k), "sysctl ")), ""
		}
	}
	return "", ""
}

var sysctlKeyRE = regexp.MustCompile(`^[a-z0-9_]+(\.[A-Za-z0-9_*@:+-]+)+$`)

// Socket states as ss prints them (other tools' names are mapped to
// these by the sockets parser).
var socketStates = []string{"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
	"CLOSE", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "UNCONN"}

var netids = []string{"tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "nl", "p_raw", "p_dgr", "sctp", "mptcp"}

// conntrackStats are the fields of `conntrack -S` and
// /proc/net/stat/nf_conntrack across kernel versions.
var conntrackStats = []string{"entries", "clashres", "found", "new", "invalid", "ignore", "delete",
	"delete_list", "insert", "insert_failed", "drop", "early_drop", "error", "icmp_error",
	"expect_new", "expect_create", "expect_delete", "search_restart", "searched", "chaintoolong"}

// Counters outside the kernel's SNMP MIBs live in their own namespaces:
// the columns of /proc/net/softnet_stat and the fields of
// /proc/net/sockstat. Names there are checked against these lists.
var softnetCounters = []string{"Softnet.Processed", "Softnet.Dropped", "Softnet.TimeSqueeze",
	"Softnet.CPUCollision", "Softnet.ReceivedRPS", "Softnet.FlowLimitCount", "Softnet.BacklogLen"}

var sockstatCounters = []string{"Sockstat.SocketsUsed", "Sockstat.TCPInuse", "Sockstat.TCPOrphan",
	"Sockstat.TCPTw", "Sockstat.TCPAlloc", "Sockstat.TCPMem", "Sockstat.UDPInuse", "Sockstat.UDPMem",
	"Sockstat.UDPLiteInuse", "Sockstat.RAWInuse", "Sockstat.FRAGInuse", "Sockstat.FRAGMemory",
	"Sockstat.TCP6Inuse", "Sockstat.UDP6Inuse", "Sockstat.UDPLite6Inuse", "Sockstat.RAW6Inuse",
	"Sockstat.FRAG6Inuse", "Sockstat.FRAG6Memory"}

// driverCounterRE is a driver statistic as `<driver>:<counter>`, the
// counter as ethtool -S prints it.
var driverCounterRE = regexp.MustCompile(`^[a-z][a-z0-9_]*:[A-Za-z0-9_.\[\]-]+$`)

func checkCounter(name string) (errMsg, warnMsg string) {
	if strings.Contains(name, ":") {
		if !driverCounterRE.MatchString(name) {
			return "", fmt.Sprintf("driver counter %q is not of the form <driver>:<counter> (ena:pps_allowance_exceeded)", name)
		}
		return "", ""
	}
	group, _, ok := strings.Cut(name, ".")
	if !ok {
		all := counterNames()
		return fmt.Sprintf("counter %q has no namespace: write Group.Name (TcpExt.ListenDrops)%s", name, suggest(name, all)), ""
	}
	switch group {
	case "Softnet":
		if !contains(softnetCounters, name) {
			return fmt.Sprintf("unknown softnet counter %q%s", name, suggest(name, softnetCounters)), ""
		}
		return "", ""
	case "Sockstat":
		if !contains(sockstatCounters, name) {
			return fmt.Sprintf("unknown sockstat field %q%s", name, suggest(name, sockstatCounters)), ""
		}
		return "", ""
	}
	if e, ok := counterdict.Lookup(name); ok {
		if e.Name != name {
			return fmt.Sprintf("counter %q is spelled %q", name, e.Name), ""
		}
		return "", ""
	}
	return fmt.Sprintf("unknown counter %q%s", name, suggest(name, counterNames())), ""
}

var counterNameList []string

func counterNames() []string {
	if counterNameList == nil {
		for _, e := range counterdict.All() {
			counterNameList = append(counterNameList, e.Name)
		}
		counterNameList = append(counterNameList, softnetCounters...)
		counterNameList = append(counterNameList, sockstatCounters...)
	}
	return counterNameList
}

func artifactKinds() []string {
	out := make([]string, 0, len(artifact.Kinds))
	for _, k := range artifact.Kinds {
		out = append(out, string(k))
	}
	return out
}

// suggest returns `; did you mean "X"?` for the closest known value, or "".
func suggest(v string, known []string) string {
	best, bestD := "", 1<<30
	lv := strings.ToLower(v)
	for _, k := range known {
		lk := strings.ToLower(k)
		d := editDistance(lv, lk)
		if len(lv) >= 3 && (strings.HasPrefix(lk, lv) || strings.HasPrefix(lv, lk)) {
			d = min(d, 1) // a truncated or extended name ("warn", "warning")
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	limit := max(2, len(v)/4)
	if best == "" || bestD > limit {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// Suggest is suggest for other packages (parameter and rule names).
func Suggest(v string, known []string) string { return suggest(v, known) }

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
