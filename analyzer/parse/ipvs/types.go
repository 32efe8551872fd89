// Package ipvs parses IPVS (LVS) state as support engineers collect it:
// `ipvsadm -Ln` and its --stats, --rate, --thresholds, --persistent-conn,
// --timeout and -c variants, `ipvsadm-save -n`, and the raw /proc/net/ip_vs,
// /proc/net/ip_vs_conn and /proc/net/ip_vs_stats files. Repeated listings in
// one artifact become separate snapshots, so a service that vanished and came
// back is visible.
package ipvs

import (
	"fmt"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Result is everything found in one artifact.
type Result struct {
	// Snapshots holds one entry per virtual-server listing, in artifact order.
	Snapshots []*Snapshot `json:"snapshots,omitempty"`
	// Timeouts is the last "Timeout (tcp tcpfin udp)" line of the artifact.
	Timeouts *Timeouts `json:"timeouts,omitempty"`
	// Conns are the entries of `ipvsadm -Lnc` or /proc/net/ip_vs_conn.
	Conns []*Conn `json:"conns,omitempty"`
	// Stats are the global counters of /proc/net/ip_vs_stats.
	Stats *Totals `json:"stats,omitempty"`
}

// Snapshot is one listing of the virtual server table.
type Snapshot struct {
	// Label is the separator or timestamp line that preceded the listing
	// ("Thu Jul 12 21:14:57 CST 2018", "=== node-1 ==="), without the
	// decoration; empty when there was none.
	Label string `json:"label,omitempty"`
	// Time is Label read as a timestamp; zero when it is not one. A zone
	// abbreviation such as CST cannot be resolved offline, so such times
	// carry the abbreviation with a zero offset.
	Time time.Time `json:"time,omitzero"`
	// Format is "ipvsadm" (human output), "procfs" (hex /proc/net/ip_vs)
	// or "save" (ipvsadm-save rules).
	Format string `json:"format"`
	// Kind says which columns the listing had: "list" (scheduler and
	// connection counts), "stats", "rate", "thresholds", "persistent-conn".
	Kind string `json:"kind"`
	// Version and TableSize come from "IP Virtual Server version 1.2.1 (size=4096)".
	Version   string     `json:"version,omitempty"`
	TableSize int        `json:"table_size,omitempty"`
	Services  []*Service `json:"services"`
	// Src spans the listing from its first line to its last.
	Src source.Ref `json:"src"`
}

// Service is one virtual service.
type Service struct {
	Proto string `json:"proto"` // TCP, UDP, SCTP or FWM
	// Addr is the virtual IP without brackets, IPv6 in canonical form, or
	// the host name printed by `ipvsadm -L` without -n; "" for FWM.
	Addr string `json:"addr,omitempty"`
	Port int    `json:"port,omitempty"`
	// PortName is the service name printed instead of a port number
	// (`ipvsadm -L` without -n); Port is filled for well-known names.
	PortName string `json:"port_name,omitempty"`
	FWMark   uint32 `json:"fwmark,omitempty"`
	// IPv6 is set for IPv6 services, including "FWM 1 IPv6".
	IPv6      bool   `json:"ipv6,omitempty"`
	Scheduler string `json:"scheduler,omitempty"`
	// Persistent is the persistence timeout in seconds, 0 when none.
	Persistent int `json:"persistent,omitempty"`
	// Mask is the persistence granularity ("255.255.255.0", or the hex
	// netmask of /proc/net/ip_vs).
	Mask string `json:"mask,omitempty"`
	// PE is the persistence engine ("sip").
	PE string `json:"pe,omitempty"`
	// Flags are "ops" and scheduler flags such as "sh-port".
	Flags []string `json:"flags,omitempty"`
	// Extra keeps tokens this parser does not know.
	Extra []string   `json:"extra,omitempty"`
	Reals []*Real    `json:"reals"`
	Stats *Stats     `json:"stats,omitempty"`
	Rates *Rates     `json:"rates,omitempty"`
	Src   source.Ref `json:"src"`
}

// Key identifies a service across snapshots and formats:
// "TCP 10.20.0.100:80", "UDP [fd00::1]:53", "FWM 1" (or "FWM 1 IPv6").
func (s *Service) Key() string {
	if s.Proto == "FWM" {
		if s.IPv6 {
			return fmt.Sprintf("FWM %d IPv6", s.FWMark)
		}
		return fmt.Sprintf("FWM %d", s.FWMark)
	}
	return s.Proto + " " + joinHostPort(s.Addr, s.Port, s.PortName)
}

// Real is one real server (destination) of a service.
type Real struct {
	Addr     string `json:"addr"`
	Port     int    `json:"port"`
	PortName string `json:"port_name,omitempty"`
	// Forward is the forwarding method as printed: Masq, Route, Tunnel,
	// Local; ipvsadm-save's -m/-g/-i map to the same names.
	Forward    string `json:"forward,omitempty"`
	Weight     int    `json:"weight"`
	ActiveConn int    `json:"active_conn"`
	InActConn  int    `json:"inact_conn"`
	// UThreshold and LThreshold come from --thresholds, PersistConn from
	// --persistent-conn.
	UThreshold  int        `json:"uthreshold,omitempty"`
	LThreshold  int        `json:"lthreshold,omitempty"`
	PersistConn int        `json:"persist_conn,omitempty"`
	Stats       *Stats     `json:"stats,omitempty"`
	Rates       *Rates     `json:"rates,omitempty"`
	Extra       []string   `json:"extra,omitempty"`
	Src         source.Ref `json:"src"`
}

// Key renders the real server as "10.244.1.5:8080" or "[fd00::5]:8080".
func (r *Real) Key() string { return joinHostPort(r.Addr, r.Port, r.PortName) }

// Stats are cumulative counters (`ipvsadm -Ln --stats`). ipvsadm abbreviates
// large values with K, M, G, T suffixes (powers of 1000); those are expanded,
// so they are exact only to the printed precision.
type Stats struct {
	Conns    uint64 `json:"conns"`
	InPkts   uint64 `json:"in_pkts"`
	OutPkts  uint64 `json:"out_pkts"`
	InBytes  uint64 `json:"in_bytes"`
	OutBytes uint64 `json:"out_bytes"`
}

// Rates are per-second estimates (`ipvsadm -Ln --rate`).
type Rates struct {
	CPS    uint64 `json:"cps"`
	InPPS  uint64 `json:"in_pps"`
	OutPPS uint64 `json:"out_pps"`
	InBPS  uint64 `json:"in_bps"`
	OutBPS uint64 `json:"out_bps"`
}

// Totals are the global counters of /proc/net/ip_vs_stats (or the "~" total
// row of /proc/net/ip_vs_stats_percpu).
type Totals struct {
	Stats    Stats      `json:"stats"`
	Rates    Rates      `json:"rates"`
	HasRates bool       `json:"has_rates"`
	Src      source.Ref `json:"src"`
}

// Timeouts are the IPVS connection timeouts in seconds
// (`ipvsadm -L --timeout`).
type Timeouts struct {
	TCP    int        `json:"tcp"`
	TCPFin int        `json:"tcpfin"`
	UDP    int        `json:"udp"`
	Src    source.Ref `json:"src"`
}

// Conn is one entry of the IPVS connection table.
type Conn struct {
	Proto string `json:"proto"`
	// Expire is the time left before the entry expires.
	Expire time.Duration `json:"expire"`
	State  string        `json:"state"`
	// Client, Virtual and Dest are "ip:port" ("[v6]:port" for IPv6), or
	// host:service names when ipvsadm ran without -n.
	Client  string `json:"client"`
	Virtual string `json:"virtual"`
	Dest    string `json:"dest"`
	// Template marks a persistence template (state NONE, client port 0):
	// it pins a client to a real server, it is not a connection.
	Template bool `json:"template,omitempty"`
	// Extra keeps trailing columns (persistence engine name and data,
	// sync origin).
	Extra []string   `json:"extra,omitempty"`
	Src   source.Ref `json:"src"`
}
