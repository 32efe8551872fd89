package keepalived

import (
	"github.com/nettriage/nettriage/analyzer/source"
)

// Durations: keepalived reads connect_timeout, delay_before_retry,
// delay_loop, warmup, advert_int and script intervals as seconds with an
// optional fraction ("connect_timeout 0.5"), so every duration here is a
// float64 number of seconds.
//
// Defaults: where keepalived.conf(5) documents a default, the typed field
// holds it when the keyword is absent; the Lines map of the struct records
// only keywords that were actually written (possibly on an enclosing
// block, see Check), so "explicit or default" is always answerable.

// Config is everything read from one keepalived.conf.
type Config struct {
	// Root is the statement tree, top-level statements first.
	Root         []*Node               `json:"root"`
	Global       *GlobalDefs           `json:"global,omitempty"`
	Instances    []*VRRPInstance       `json:"instances,omitempty"`
	Scripts      []*VRRPScript         `json:"scripts,omitempty"`
	SyncGroups   []*SyncGroup          `json:"sync_groups,omitempty"`
	Servers      []*VirtualServer      `json:"servers,omitempty"`
	ServerGroups []*VirtualServerGroup `json:"server_groups,omitempty"`
	// Includes are include statements; the files they name are not part of
	// this artifact, so what they define is missing from this Config.
	Includes []source.Ref `json:"includes,omitempty"`
	// Problems are settings keepalived rejects, ignores or deprecates.
	Problems []Problem `json:"problems,omitempty"`
}

// GlobalDefs holds the global_defs settings the analysis uses.
type GlobalDefs struct {
	RouterID string `json:"router_id,omitempty"`
	// LVSTimeouts is "lvs_timeouts tcp 7200 tcpfin 120 udp 300": keepalived
	// sets the IPVS connection timeouts (what `ipvsadm --set` does) at start;
	// nil when absent, and a value left out keeps the kernel's setting.
	LVSTimeouts *LVSTimeouts `json:"lvs_timeouts,omitempty"`
	Node        *Node        `json:"-"`
	Src         source.Ref   `json:"src"`
}

// LVSTimeouts are seconds; 0 means not set.
type LVSTimeouts struct {
	TCP    int        `json:"tcp,omitempty"`
	TCPFin int        `json:"tcpfin,omitempty"`
	UDP    int        `json:"udp,omitempty"`
	Src    source.Ref `json:"src"`
}

// Problem is a configuration mistake with the line that shows it.
type Problem struct {
	Msg string     `json:"msg"`
	Src source.Ref `json:"src"`
}

// VRRPInstance is a vrrp_instance block. Numeric fields are 0 when not set.
type VRRPInstance struct {
	Name      string  `json:"name"`
	State     string  `json:"state,omitempty"`
	Interface string  `json:"interface,omitempty"`
	VRID      int     `json:"vrid,omitempty"`
	Priority  int     `json:"priority,omitempty"`
	AdvertInt float64 `json:"advert_int,omitempty"` // seconds
	Nopreempt bool    `json:"nopreempt,omitempty"`
	VIPs      []VIP   `json:"vips,omitempty"`
	// ExcludedVIPs come from virtual_ipaddress_excluded.
	ExcludedVIPs    []VIP      `json:"excluded_vips,omitempty"`
	TrackScripts    []string   `json:"track_scripts,omitempty"`
	TrackInterfaces []string   `json:"track_interfaces,omitempty"`
	UnicastSrcIP    string     `json:"unicast_src_ip,omitempty"`
	UnicastPeers    []string   `json:"unicast_peers,omitempty"`
	Node            *Node      `json:"-"`
	Src             source.Ref `json:"src"`
}

// VIP is one virtual_ipaddress entry, e.g. "10.0.0.10/24 dev eth0 label eth0:1".
type VIP struct {
	Addr string `json:"addr"` // without /prefix
	// Prefix is the written prefix length, or 32 (128 for IPv6) when none
	// is written: keepalived then adds the address as a host address.
	Prefix int    `json:"prefix"`
	Dev    string `json:"dev,omitempty"`
	Label  string `json:"label,omitempty"`
	// Extra keeps the remaining options (brd, scope, ...).
	Extra []string   `json:"extra,omitempty"`
	Src   source.Ref `json:"src"`
}

// VRRPScript is a vrrp_script block. Defaults per keepalived.conf(5):
// interval 1 s, rise 1, fall 1, weight 0.
type VRRPScript struct {
	Name     string  `json:"name"`
	Script   string  `json:"script"`
	Interval float64 `json:"interval"` // seconds
	Timeout  float64 `json:"timeout,omitempty"`
	Fall     int     `json:"fall"`
	Rise     int     `json:"rise"`
	Weight   int     `json:"weight"`
	// WeightReverse is "weight N reverse".
	WeightReverse bool                  `json:"weight_reverse,omitempty"`
	Lines         map[string]source.Ref `json:"lines,omitempty"`
	Node          *Node                 `json:"-"`
	Src           source.Ref            `json:"src"`
}

// SyncGroup is a vrrp_sync_group: its instances fail over together. Both the
// current "group { VI_1 VI_2 }" form and the old bare list are read.
type SyncGroup struct {
	Name      string     `json:"name"`
	Instances []string   `json:"instances"`
	Node      *Node      `json:"-"`
	Src       source.Ref `json:"src"`
}

// VirtualServerGroup is a virtual_server_group; Members are its entries as
// written ("10.0.0.1 80", "192.168.200.1-10 80", "fwmark 1").
type VirtualServerGroup struct {
	Name    string     `json:"name"`
	Members []string   `json:"members"`
	Node    *Node      `json:"-"`
	Src     source.Ref `json:"src"`
}

// VirtualServer is a virtual_server block ("IP PORT", "IP", "fwmark N" or
// "group NAME"). Defaults per keepalived.conf(5): delay_loop 60 s, quorum 1,
// hysteresis 0, lvs_method NAT, protocol TCP; "persistence_timeout" with no
// value means 360 s.
type VirtualServer struct {
	Addr   string `json:"addr,omitempty"`
	Port   int    `json:"port,omitempty"`
	FWMark uint32 `json:"fwmark,omitempty"`
	Group  string `json:"group,omitempty"`
	// DelayLoop is the health check interval in seconds.
	DelayLoop float64 `json:"delay_loop"`
	// LbAlgo is lb_algo or its newer name lvs_sched, as written.
	LbAlgo string `json:"lb_algo,omitempty"`
	// ValidScheduler is false when LbAlgo is set but is not an IPVS
	// scheduler; keepalived then cannot create the service.
	ValidScheduler bool `json:"valid_scheduler"`
	// LbKind is lb_kind or its newer name lvs_method (NAT, DR, TUN).
	LbKind                 string                `json:"lb_kind"`
	Protocol               string                `json:"protocol"`
	PersistenceTimeout     int                   `json:"persistence_timeout,omitempty"` // seconds
	PersistenceGranularity string                `json:"persistence_granularity,omitempty"`
	Quorum                 int                   `json:"quorum"`
	Hysteresis             int                   `json:"hysteresis"`
	Alpha                  bool                  `json:"alpha,omitempty"`
	Omega                  bool                  `json:"omega,omitempty"`
	SorryServer            string                `json:"sorry_server,omitempty"`
	Reals                  []*RealServer         `json:"reals"`
	Lines                  map[string]source.Ref `json:"lines,omitempty"`
	Node                   *Node                 `json:"-"`
	Src                    source.Ref            `json:"src"`
}

// RealServer is a real_server block. Weight defaults to 1.
type RealServer struct {
	Addr             string                `json:"addr"`
	Port             int                   `json:"port,omitempty"`
	Weight           int                   `json:"weight"`
	HasWeight        bool                  `json:"has_weight"`
	InhibitOnFailure bool                  `json:"inhibit_on_failure,omitempty"`
	Checks           []*Check              `json:"checks"`
	Lines            map[string]source.Ref `json:"lines,omitempty"`
	Node             *Node                 `json:"-"`
	Src              source.Ref            `json:"src"`
}

// Check is a health checker of a real server.
//
// ConnectTimeout, Retry and DelayBeforeRetry are the values keepalived uses:
// written in the checker, else inherited from the real server, else from the
// virtual server (keepalived >= 2.0), else the documented default —
// connect_timeout 5 s; retry 1 (DNS_CHECK 3, MISC_CHECK 0);
// delay_before_retry 3 s for HTTP_GET/SSL_GET, delay_loop for DNS_CHECK,
// 1 s otherwise. Lines records where each inherited or written value came
// from. ConnectPort defaults to the real server's port.
//
// Retry history: TCP_CHECK gained "retry" (default 1 retry after 1 s) during
// the 1.2 series (acassen/keepalived pull request 181); builds predating it,
// such as 1.2.13 of RHEL 7.0-7.3, take a real server down on the first
// failed connect whatever is written. "nb_get_retry" is the old HTTP_GET/SSL_GET spelling, still
// accepted there as deprecated; every other checker, TCP_CHECK included,
// logs "Unknown keyword 'nb_get_retry'" and keeps the default retry.
type Check struct {
	// Type is TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK,
	// DNS_CHECK, BFD_CHECK, UDP_CHECK, PING_CHECK or FILE_CHECK.
	Type             string  `json:"type"`
	ConnectTimeout   float64 `json:"connect_timeout"` // seconds
	ConnectPort      int     `json:"connect_port,omitempty"`
	ConnectIP        string  `json:"connect_ip,omitempty"`
	Retry            int     `json:"retry"`
	DelayBeforeRetry float64 `json:"delay_before_retry"` // seconds
	// HasRetry is set when a retry keyword keepalived accepts was written
	// (in the checker or an enclosing block).
	HasRetry bool `json:"has_retry"`
	// RetryKey is the retry keyword written in the checker: "retry",
	// "nb_get_retry", or "" — recorded even when keepalived ignores it.
	RetryKey string `json:"retry_key,omitempty"`
	// URLs are the url blocks of HTTP_GET/SSL_GET, each as key -> value
	// ("path", "status_code", "digest", ...).
	URLs []map[string]string `json:"urls,omitempty"`
	// Params holds every leaf parameter of the checker as written.
	Params map[string]string     `json:"params,omitempty"`
	Lines  map[string]source.Ref `json:"lines,omitempty"`
	Node   *Node                 `json:"-"`
	Src    source.Ref            `json:"src"`
}

// checkTypes are the checker block keywords of keepalived 2.x.
var checkTypes = map[string]bool{
	"TCP_CHECK": true, "HTTP_GET": true, "SSL_GET": true, "MISC_CHECK": true,
	"SMTP_CHECK": true, "DNS_CHECK": true, "BFD_CHECK": true, "UDP_CHECK": true,
	"PING_CHECK": true, "FILE_CHECK": true,
}

// schedulers are the IPVS schedulers of current kernels.
var schedulers = map[string]bool{
	"rr": true, "wrr": true, "lc": true, "wlc": true, "lblc": true, "lblcr": true,
	"dh": true, "sh": true, "sed": true, "nq": true, "fo": true, "ovf": true,
	"mh": true, "twos": true,
}

// ValidScheduler reports whether name is an IPVS scheduler.
func ValidScheduler(name string) bool { return schedulers[name] }
