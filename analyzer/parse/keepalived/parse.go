package keepalived

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Parse reads a keepalived.conf.
func Parse(artifact string, data []byte) (*Config, []source.Warning) {
	root, includes, warns := parseTree(artifact, data)
	v := &viewer{cfg: &Config{Root: root}, warns: warns}
	for _, n := range includes {
		v.cfg.Includes = append(v.cfg.Includes, n.Src)
		v.warn(n.Src.Line, "%s %s: the included files are not in this artifact", n.Key, strings.Join(n.Args, " "))
	}
	for _, n := range root {
		switch n.Key {
		case "global_defs":
			v.cfg.Global = v.globalDefs(n)
		case "vrrp_instance":
			v.cfg.Instances = append(v.cfg.Instances, v.instance(n))
		case "vrrp_script":
			v.cfg.Scripts = append(v.cfg.Scripts, v.script(n))
		case "vrrp_sync_group":
			v.cfg.SyncGroups = append(v.cfg.SyncGroups, syncGroup(n))
		case "virtual_server":
			v.cfg.Servers = append(v.cfg.Servers, v.virtualServer(n))
		case "virtual_server_group":
			v.cfg.ServerGroups = append(v.cfg.ServerGroups, serverGroup(n))
		}
	}
	sort.SliceStable(v.warns, func(i, j int) bool { return v.warns[i].Line < v.warns[j].Line })
	return v.cfg, v.warns
}

type viewer struct {
	cfg   *Config
	warns []source.Warning
}

func (v *viewer) warn(line int, format string, args ...any) {
	v.warns = append(v.warns, source.Warnf(line, format, args...))
}

func (v *viewer) problem(src source.Ref, format string, args ...any) {
	v.cfg.Problems = append(v.cfg.Problems, Problem{Msg: fmt.Sprintf(format, args...), Src: src})
}

// intArg reads the first argument of n as an integer.
func (v *viewer) intArg(n *Node) (int, bool) {
	s := n.Arg(0)
	i, err := strconv.Atoi(s)
	if err != nil {
		v.warn(n.Src.Line, "%s: %q is not an integer", n.Key, s)
		return 0, false
	}
	return i, true
}

// secondsArg reads the first argument of n as a timer: seconds with an
// optional fraction.
func (v *viewer) secondsArg(n *Node) (float64, bool) {
	s := n.Arg(0)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		v.warn(n.Src.Line, "%s: %q is not a number of seconds", n.Key, s)
		return 0, false
	}
	return f, true
}

// words lists the keys and arguments of a block's children, for blocks that
// are plain lists ("track_script { chk_a chk_b }").
func words(n *Node) []string {
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Key)
	}
	return out
}

func (v *viewer) globalDefs(n *Node) *GlobalDefs {
	g := &GlobalDefs{Node: n, Src: n.Src}
	if r := n.Child("router_id"); r != nil {
		g.RouterID = r.Arg(0)
	}
	if c := n.Child("lvs_timeouts"); c != nil {
		t := &LVSTimeouts{Src: c.Src}
		for i := 0; i+1 < len(c.Args); i += 2 {
			n, err := strconv.Atoi(c.Args[i+1])
			if err != nil || n < 0 {
				v.warn(c.Src.Line, "lvs_timeouts: %q is not a number of seconds", c.Args[i+1])
				continue
			}
			switch c.Args[i] {
			case "tcp":
				t.TCP = n
			case "tcpfin":
				t.TCPFin = n
			case "udp":
				t.UDP = n
			default:
				v.warn(c.Src.Line, "lvs_timeouts: unknown protocol %q", c.Args[i])
			}
		}
		g.LVSTimeouts = t
	}
	return g
}

func (v *viewer) instance(n *Node) *VRRPInstance {
	in := &VRRPInstance{Name: n.Arg(0), Node: n, Src: n.Src}
	for _, c := range n.Children {
		switch c.Key {
		case "state":
			in.State = c.Arg(0)
		case "interface":
			in.Interface = c.Arg(0)
		case "virtual_router_id":
			in.VRID, _ = v.intArg(c)
		case "priority":
			in.Priority, _ = v.intArg(c)
		case "advert_int":
			in.AdvertInt, _ = v.secondsArg(c)
		case "nopreempt":
			in.Nopreempt = true
		case "virtual_ipaddress":
			in.VIPs = append(in.VIPs, v.vips(c)...)
		case "virtual_ipaddress_excluded":
			in.ExcludedVIPs = append(in.ExcludedVIPs, v.vips(c)...)
		case "track_script":
			// entries may carry "weight N"; the name is the key
			in.TrackScripts = append(in.TrackScripts, words(c)...)
		case "track_interface":
			in.TrackInterfaces = append(in.TrackInterfaces, words(c)...)
		case "unicast_src_ip":
			in.UnicastSrcIP = c.Arg(0)
		case "unicast_peer":
			in.UnicastPeers = append(in.UnicastPeers, words(c)...)
		}
	}
	if in.Name == "" {
		v.warn(n.Src.Line, "vrrp_instance without a name")
	}
	return in
}

// vips reads the entries of a virtual_ipaddress block:
// "192.168.128.5", "10.0.0.10/24 dev eth0 label eth0:1".
func (v *viewer) vips(n *Node) []VIP {
	var out []VIP
	for _, c := range n.Children {
		vip := VIP{Src: c.Src}
		addr, prefix, hasPrefix := strings.Cut(c.Key, "/")
		vip.Addr = addr
		a, err := netip.ParseAddr(addr)
		if err != nil {
			v.warn(c.Src.Line, "virtual address %q is not an IP address", c.Key)
		}
		switch {
		case hasPrefix:
			p, err := strconv.Atoi(prefix)
			if err != nil || p < 0 || p > 128 {
				v.warn(c.Src.Line, "bad prefix length in %q", c.Key)
			}
			vip.Prefix = p
		case a.Is6() && !a.Is4In6():
			vip.Prefix = 128
		default:
			vip.Prefix = 32
		}
		for i := 0; i < len(c.Args); i++ {
			switch {
			case c.Args[i] == "dev" && i+1 < len(c.Args):
				vip.Dev = c.Args[i+1]
				i++
			case c.Args[i] == "label" && i+1 < len(c.Args):
				vip.Label = c.Args[i+1]
				i++
			default:
				vip.Extra = append(vip.Extra, c.Args[i])
			}
		}
		out = append(out, vip)
	}
	return out
}

func (v *viewer) script(n *Node) *VRRPScript {
	s := &VRRPScript{Name: n.Arg(0), Interval: 1, Fall: 1, Rise: 1, Lines: map[string]source.Ref{}, Node: n, Src: n.Src}
	for _, c := range n.Children {
		ok := true
		switch c.Key {
		case "script":
			// Unquoted, the script's arguments arrive as separate words.
			s.Script = strings.Join(c.Args, " ")
		case "interval":
			s.Interval, ok = v.secondsArg(c)
		case "timeout":
			s.Timeout, ok = v.secondsArg(c)
		case "fall":
			s.Fall, ok = v.intArg(c)
		case "rise":
			s.Rise, ok = v.intArg(c)
		case "weight":
			s.Weight, ok = v.intArg(c)
			s.WeightReverse = c.Arg(1) == "reverse"
		default:
			continue
		}
		if ok {
			s.Lines[c.Key] = c.Src
		}
	}
	return s
}

func syncGroup(n *Node) *SyncGroup {
	g := &SyncGroup{Name: n.Arg(0), Node: n, Src: n.Src}
	if grp := n.Child("group"); grp != nil {
		g.Instances = words(grp)
		return g
	}
	// keepalived 1.x: instance names listed directly in the block
	for _, c := range n.Children {
		if !c.Block && len(c.Args) == 0 && !strings.HasPrefix(c.Key, "notify") && c.Key != "smtp_alert" && c.Key != "global_tracking" {
			g.Instances = append(g.Instances, c.Key)
		}
	}
	return g
}

func serverGroup(n *Node) *VirtualServerGroup {
	g := &VirtualServerGroup{Name: n.Arg(0), Node: n, Src: n.Src}
	for _, c := range n.Children {
		g.Members = append(g.Members, strings.Join(append([]string{c.Key}, c.Args...), " "))
	}
	return g
}

// inheritable are the checker settings a virtual or real server block can
// set as the default for the checkers below it (keepalived >= 2.0).
var inheritable = []string{"connect_timeout", "retry", "delay_before_retry"}

func (v *viewer) virtualServer(n *Node) *VirtualServer {
	vs := &VirtualServer{
		DelayLoop: 60, Quorum: 1, LbKind: "NAT", Protocol: "TCP", ValidScheduler: true,
		Reals: []*RealServer{}, Lines: map[string]source.Ref{}, Node: n, Src: n.Src,
	}
	switch n.Arg(0) {
	case "fwmark":
		m, err := strconv.ParseUint(n.Arg(1), 10, 32)
		if err != nil {
			v.warn(n.Src.Line, "virtual_server fwmark %q is not a number", n.Arg(1))
		}
		vs.FWMark = uint32(m)
	case "group":
		vs.Group = n.Arg(1)
	default:
		vs.Addr = n.Arg(0)
		if _, err := netip.ParseAddr(vs.Addr); err != nil {
			v.warn(n.Src.Line, "virtual_server address %q is not an IP address", vs.Addr)
		}
		if len(n.Args) > 1 {
			vs.Port = v.port(n, n.Arg(1))
		}
	}
	for _, c := range n.Children {
		ok := true
		switch c.Key {
		case "delay_loop":
			vs.DelayLoop, ok = v.secondsArg(c)
		case "lb_algo", "lvs_sched":
			vs.LbAlgo = c.Arg(0)
			vs.ValidScheduler = ValidScheduler(vs.LbAlgo)
			if !vs.ValidScheduler {
				v.problem(c.Src, "%s %q is not an IPVS scheduler (rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos); keepalived cannot add this virtual server", c.Key, vs.LbAlgo)
			}
		case "lb_kind", "lvs_method":
			vs.LbKind = strings.ToUpper(c.Arg(0))
			if vs.LbKind != "NAT" && vs.LbKind != "DR" && vs.LbKind != "TUN" {
				v.problem(c.Src, "%s %q is not one of NAT, DR, TUN", c.Key, c.Arg(0))
			}
		case "protocol":
			vs.Protocol = strings.ToUpper(c.Arg(0))
		case "persistence_timeout":
			vs.PersistenceTimeout = 360
			if len(c.Args) > 0 {
				vs.PersistenceTimeout, ok = v.intArg(c)
			}
		case "persistence_granularity":
			vs.PersistenceGranularity = c.Arg(0)
		case "quorum":
			vs.Quorum, ok = v.intArg(c)
		case "hysteresis":
			vs.Hysteresis, ok = v.intArg(c)
		case "alpha":
			vs.Alpha = true
		case "omega":
			vs.Omega = true
		case "sorry_server":
			vs.SorryServer = strings.Join(c.Args, " ")
		case "real_server":
			vs.Reals = append(vs.Reals, v.realServer(c, vs))
			continue
		case "connect_timeout", "retry", "delay_before_retry":
		default:
			continue
		}
		if ok {
			vs.Lines[c.Key] = c.Src
		}
	}
	return vs
}

func (v *viewer) port(n *Node, s string) int {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		v.warn(n.Src.Line, "%s: port %q is not a number", n.Key, s)
	}
	return int(p)
}

func (v *viewer) realServer(n *Node, vs *VirtualServer) *RealServer {
	rs := &RealServer{Addr: n.Arg(0), Weight: 1, Checks: []*Check{}, Lines: map[string]source.Ref{}, Node: n, Src: n.Src}
	if _, err := netip.ParseAddr(rs.Addr); err != nil {
		v.warn(n.Src.Line, "real_server address %q is not an IP address", rs.Addr)
	}
	if len(n.Args) > 1 {
		rs.Port = v.port(n, n.Arg(1))
	}
	for _, c := range n.Children {
		switch {
		case c.Key == "weight":
			if w, ok := v.intArg(c); ok {
				rs.Weight, rs.HasWeight = w, true
				rs.Lines[c.Key] = c.Src
			}
		case c.Key == "inhibit_on_failure":
			rs.InhibitOnFailure = c.Arg(0) != "false" && c.Arg(0) != "off" && c.Arg(0) != "no"
			rs.Lines[c.Key] = c.Src
		case checkTypes[c.Key]:
			// checks are read after the loop: a real server's defaults may
			// follow its checker blocks
		case c.Key == "connect_timeout" || c.Key == "retry" || c.Key == "delay_before_retry":
			rs.Lines[c.Key] = c.Src
		case c.Block && (strings.HasSuffix(c.Key, "_CHECK") || strings.HasSuffix(c.Key, "_GET")):
			v.problem(c.Src, "unknown checker %s; keepalived ignores the block", c.Key)
		}
	}
	for _, c := range n.Children {
		if checkTypes[c.Key] {
			rs.Checks = append(rs.Checks, v.check(c, rs, vs))
		}
	}
	return rs
}

func (v *viewer) check(n *Node, rs *RealServer, vs *VirtualServer) *Check {
	ck := &Check{
		Type: n.Key, ConnectTimeout: 5, ConnectPort: rs.Port, Retry: 1, DelayBeforeRetry: 1,
		Params: map[string]string{}, Lines: map[string]source.Ref{}, Node: n, Src: n.Src,
	}
	switch ck.Type {
	case "HTTP_GET", "SSL_GET":
		ck.DelayBeforeRetry = 3
	case "DNS_CHECK":
		ck.Retry, ck.DelayBeforeRetry = 3, vs.DelayLoop
	case "MISC_CHECK":
		ck.Retry = 0
	}
	// Inherited defaults first, the checker's own settings override them.
	for _, key := range inheritable {
		for _, owner := range []struct {
			node  *Node
			lines map[string]source.Ref
		}{{vs.Node, vs.Lines}, {rs.Node, rs.Lines}} {
			if _, ok := owner.lines[key]; !ok {
				continue
			}
			if c := lastChild(owner.node, key); c != nil {
				v.checkSetting(ck, c)
			}
		}
	}
	for _, c := range n.Children {
		if c.Key == "url" && c.Block {
			u := map[string]string{}
			for _, p := range c.Children {
				u[p.Key] = strings.Join(p.Args, " ")
			}
			ck.URLs = append(ck.URLs, u)
			continue
		}
		if c.Block {
			continue
		}
		ck.Params[c.Key] = strings.Join(c.Args, " ")
		v.checkSetting(ck, c)
	}
	return ck
}

func lastChild(n *Node, key string) *Node {
	var found *Node
	for _, c := range n.Children {
		if c.Key == key {
			found = c
		}
	}
	return found
}

// checkSetting applies one connection or retry setting to a checker.
func (v *viewer) checkSetting(ck *Check, c *Node) {
	inChecker := c.Src.Line >= ck.Src.Line && c.Src.Line <= ck.Src.EndLine
	switch c.Key {
	case "connect_timeout":
		if t, ok := v.secondsArg(c); ok {
			ck.ConnectTimeout = t
			ck.Lines[c.Key] = c.Src
		}
	case "delay_before_retry":
		if t, ok := v.secondsArg(c); ok {
			ck.DelayBeforeRetry = t
			ck.Lines[c.Key] = c.Src
		}
	case "connect_port":
		if p, err := strconv.ParseUint(c.Arg(0), 10, 16); err == nil {
			ck.ConnectPort = int(p)
			ck.Lines[c.Key] = c.Src
		} else {
			v.warn(c.Src.Line, "connect_port %q is not a port", c.Arg(0))
		}
	case "connect_ip":
		ck.ConnectIP = c.Arg(0)
		ck.Lines[c.Key] = c.Src
	case "retry":
		if r, ok := v.intArg(c); ok {
			ck.Retry, ck.HasRetry = r, true
			ck.Lines["retry"] = c.Src
		}
		if inChecker {
			ck.RetryKey = "retry"
		}
	case "nb_get_retry":
		ck.RetryKey = "nb_get_retry"
		if ck.Type != "HTTP_GET" && ck.Type != "SSL_GET" {
			v.problem(c.Src, "nb_get_retry is not a %s keyword: keepalived logs \"Unknown keyword 'nb_get_retry'\" and keeps retry %d; use \"retry\"", ck.Type, ck.Retry)
			return
		}
		if r, ok := v.intArg(c); ok {
			ck.Retry, ck.HasRetry = r, true
			ck.Lines["retry"] = c.Src
		}
		v.problem(c.Src, "nb_get_retry is deprecated; keepalived 2.x reads it as \"retry\"")
	}
}
