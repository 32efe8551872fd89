// Package parseall runs the parser of an artifact's kind, as analyzer/facts does,
// for tests and benchmarks that measure expansion and parsing together.
package parseall

import (
	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/addresses"
	"github.com/nettriage/nettriage/analyzer/parse/conntrack"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/analyzer/parse/iptables"
	"github.com/nettriage/nettriage/analyzer/parse/ipvs"
	"github.com/nettriage/nettriage/analyzer/parse/keepalived"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/parse/processes"
	"github.com/nettriage/nettriage/analyzer/parse/routes"
	"github.com/nettriage/nettriage/analyzer/parse/sockets"
	"github.com/nettriage/nettriage/analyzer/parse/sysctl"
	"github.com/nettriage/nettriage/analyzer/parse/system"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Parse runs the parser of a's kind on it, as analyzer/facts does, and
// returns what it produced (to be kept alive by the caller) and its
// warnings. Kinds without a text parser (pcap, unknown) return nil.
func Parse(a *artifact.Artifact) (any, []source.Warning) {
	switch a.Kind {
	case artifact.KindSysctl:
		return sysctl.Parse(a.Name, a.Data)
	case artifact.KindCounters:
		return counters.Parse(a.Name, a.Data)
	case artifact.KindIptables, artifact.KindNftables:
		if a.Table != "" {
			return iptables.ParseWithTable(a.Name, a.Data, a.Table)
		}
		return iptables.Parse(a.Name, a.Data)
	case artifact.KindIPVS:
		return ipvs.Parse(a.Name, a.Data)
	case artifact.KindSockets:
		return sockets.Parse(a.Name, a.Data)
	case artifact.KindAddresses:
		return addresses.Parse(a.Name, a.Data)
	case artifact.KindRoutes:
		return routes.Parse(a.Name, a.Data)
	case artifact.KindConntrack:
		return conntrack.Parse(a.Name, a.Data)
	case artifact.KindLog:
		return logs.Parse(a.Name, a.Data, logs.Options{})
	case artifact.KindKeepalived:
		return keepalived.Parse(a.Name, a.Data)
	case artifact.KindSystem:
		return system.Parse(a.Name, a.Data)
	case artifact.KindProcesses:
		return processes.Parse(a.Name, a.Data)
	}
	return nil, nil
}
