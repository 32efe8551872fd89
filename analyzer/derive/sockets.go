package derive

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/parse/sockets"
	"github.com/nettriage/nettriage/analyzer/source"
)

func allSockets(h *facts.Host) []*sockets.Socket {
	var out []*sockets.Socket
	for _, t := range h.Sockets {
		out = append(out, t.Sockets...)
	}
	return out
}

func isTCP(s *sockets.Socket) bool { return s.Netid == "" || s.Netid == "tcp" }

func endpoint(e sockets.Endpoint) string { return fmt.Sprintf("%s:%d", bareIP(e.Addr), e.Port) }

// hasKeepalive reports whether ss -o showed a keepalive timer. ok is false
// when the listing has no timer column at all (no -o), so nothing is known.
func hasKeepalive(s *sockets.Socket) (keepalive, known bool) {
	if s.Timer != nil {
		return s.Timer.Name == "keepalive", true
	}
	return false, s.Info != nil // ss -o -i prints no timer for sockets without one
}

// idle is how long a socket has neither sent nor received (ss -i).
func idle(s *sockets.Socket) (time.Duration, bool) {
	rcv, ok1 := s.InfoDuration("lastrcv")
	snd, ok2 := s.InfoDuration("lastsnd")
	if !ok1 && !ok2 {
		return 0, false
	}
	if !ok1 {
		return snd, true
	}
	if !ok2 {
		return rcv, true
	}
	return min(rcv, snd), true
}

func infoInt(s *sockets.Socket, key string) (int64, bool) {
	v, ok := s.Info[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// HungSockets lists established TCP sockets that sent a request the peer
// acknowledged, received nothing at all, have no keepalive timer, and have
// waited at least minIdle since the connection last received anything.
func HungSockets(h *facts.Host, minIdle time.Duration) []Observation {
	listening := map[int]bool{}
	for _, s := range allSockets(h) {
		if s.State == "LISTEN" {
			listening[s.Local.Port] = true
		}
	}
	var out []Observation
	for _, s := range allSockets(h) {
		if !isTCP(s) || s.State != "ESTAB" || s.Info == nil {
			continue
		}
		acked, ok1 := infoInt(s, "bytes_acked")
		if _, ok := s.Info["bytes_sent"]; ok && !ok1 {
			acked, ok1 = infoInt(s, "bytes_sent")
		}
		recv, ok2 := infoInt(s, "bytes_received")
		if !ok2 {
			recv = 0 // ss omits bytes_received when it is zero
		}
		lastrcv, ok3 := s.InfoDuration("lastrcv")
		if !ok1 || acked <= 1 || recv > 0 || !ok3 || lastrcv < minIdle || s.SendQ > 0 {
			continue
		}
		if ka, _ := hasKeepalive(s); ka {
			continue
		}
		// The server side of a connection whose client never spoke is not
		// a hung client.
		if _, server := listening[s.Local.Port]; server {
			continue
		}
		out = append(out, obs(fmt.Sprintf("%s -> %s sent %d bytes that were acknowledged, received nothing for %s, no keepalive timer",
			endpoint(s.Local), endpoint(s.Peer), acked-1, lastrcv.Round(time.Second)), s.Src))
	}
	return out
}

var _ = declare(Func{
	Name: "hung_sockets", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Args:    []Arg{{"min_idle", ArgSeconds}},
	Returns: "count",
	Doc:     "established sockets whose request was acknowledged, that received nothing, have no keepalive, and waited at least that long",
	Bind: func(c Call) any {
		return func(m float64) int { return c.Observations(HungSockets(c.Host(), seconds(m))) }
	},
})

// UnreadLocalRequests pairs both ends of connections on this host: a client
// socket with an empty send queue whose peer socket (local port = client's
// peer port, peer = client's local endpoint, possibly seen without NAT) holds
// unread bytes and belongs to no process: it was never accept()ed, so nobody
// will ever read the request. Without process columns (ss -p) in any listing
// nothing is reported, since a slow reader would look the same.
func UnreadLocalRequests(h *facts.Host) []Observation {
	socks := allSockets(h)
	withUsers := false
	for _, s := range socks {
		withUsers = withUsers || len(s.Users) > 0
	}
	if !withUsers {
		return nil
	}
	byPeer := map[string][]*sockets.Socket{}
	for _, s := range socks {
		if isTCP(s) && s.State == "ESTAB" && s.RecvQ > 0 && len(s.Users) == 0 {
			byPeer[endpoint(s.Peer)] = append(byPeer[endpoint(s.Peer)], s)
		}
	}
	var out []Observation
	for _, c := range socks {
		if !isTCP(c) || c.State != "ESTAB" || c.SendQ != 0 || c.RecvQ != 0 {
			continue
		}
		for _, srv := range byPeer[endpoint(c.Local)] {
			if srv == c || srv.Local.Port != c.Peer.Port {
				continue
			}
			if ka, _ := hasKeepalive(c); ka {
				continue
			}
			out = append(out, obs(fmt.Sprintf("client %s waits on %s; the other end %s holds %d unread byte(s)",
				endpoint(c.Local), endpoint(c.Peer), endpoint(srv.Local), srv.RecvQ), c.Src, srv.Src))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "unread_local_requests", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "a local client whose request sits unread in a socket no process accepted",
	Bind: func(c Call) any {
		return func() int { return c.Observations(UnreadLocalRequests(c.Host())) }
	},
})

func isProxyName(n string) bool {
	return strings.Contains(n, "kube-proxy") || strings.Contains(n, "hyperkube")
}

// proxyPorts lists ports that kube-proxy or hyperkube listens on.
func proxyPorts(h *facts.Host) map[int]source.Ref {
	out := map[int]source.Ref{}
	for _, s := range allSockets(h) {
		if s.State != "LISTEN" {
			continue
		}
		for _, u := range s.Users {
			if isProxyName(u.Name) {
				out[s.Local.Port] = s.Src
			}
		}
	}
	return out
}

// nodePortSet is the set of NodePorts known from the nat rules, or, without
// them, the ports kube-proxy listens on.
func nodePortSet(h *facts.Host) map[int]source.Ref {
	set := map[int]source.Ref{}
	for _, np := range NodePorts(h) {
		set[np.Port] = np.Src
	}
	for p, ref := range proxyPorts(h) {
		if _, ok := set[p]; !ok {
			set[p] = ref
		}
	}
	return set
}

// defaultNodePortRange is kube-apiserver's default --service-node-port-range.
func inDefaultNodePortRange(p int) bool { return p >= 30000 && p <= 32767 }

// NodePortProxySockets lists established connections that terminate on a
// NodePort on this host instead of being DNATed to a pod: owned by
// kube-proxy/hyperkube, or not yet accepted by anyone (no owner) while
// holding unread bytes, on a port kube-proxy listens on.
func NodePortProxySockets(h *facts.Host) []Observation {
	nps := nodePortSet(h)
	listen := proxyPorts(h)
	// An unowned socket means "not accepted yet" only in a listing that
	// shows owners (ss -p); without them every socket looks unowned.
	withUsers := false
	for _, s := range allSockets(h) {
		withUsers = withUsers || len(s.Users) > 0
	}
	var out []Observation
	for _, s := range allSockets(h) {
		if !isTCP(s) || s.State != "ESTAB" {
			continue
		}
		npRef, isNP := nps[s.Local.Port]
		if !isNP {
			continue
		}
		owner := ""
		for _, u := range s.Users {
			owner = u.Name
		}
		switch {
		case isProxyName(owner):
			o := obs(fmt.Sprintf("connection from %s terminated on NodePort %d by %s instead of a pod", endpoint(s.Peer), s.Local.Port, owner), s.Src, npRef)
			o.Values = map[string]string{"nodeport": strconv.Itoa(s.Local.Port)}
			out = append(out, o)
		case owner == "" && s.RecvQ > 0:
			l, proxyListens := listen[s.Local.Port]
			if !proxyListens && !withUsers {
				continue
			}
			refs := []source.Ref{s.Src, npRef}
			if proxyListens {
				refs = append(refs, l)
			}
			o := obs(fmt.Sprintf("connection from %s to NodePort %d was accepted locally, not DNATed; %d byte(s) unread", endpoint(s.Peer), s.Local.Port, s.RecvQ), refs...)
			o.Values = map[string]string{"nodeport": strconv.Itoa(s.Local.Port)}
			out = append(out, o)
		}
	}
	return out
}

var _ = declare(Func{
	Name: "nodeport_proxy_sockets", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets},
	Returns: "count",
	Doc:     "connections that terminated on a NodePort locally (kube-proxy/hyperkube) instead of being DNATed",
	Values:  []string{"nodeport"},
	Bind: func(c Call) any {
		return func() int { return c.Observations(NodePortProxySockets(c.Host())) }
	},
})

// UnnatedNodePortLogs lists iptables LOG lines of TCP packets to a NodePort
// seen on their way in (IN set, OUT empty: INPUT) with the NodePort still
// as destination port. A DNATed connection would show the pod's port there.
// Lines of the same connection logged in OUTPUT are added as context.
func UnnatedNodePortLogs(h *facts.Host) []Observation {
	nps := nodePortSet(h)
	isNP := func(p int) bool {
		if len(nps) == 0 {
			return inDefaultNodePortRange(p)
		}
		_, ok := nps[p]
		return ok
	}
	evs := events(h, logs.KindIptablesLog)
	var out []Observation
	for _, e := range evs {
		f := e.Fields
		if !strings.EqualFold(f["PROTO"], "TCP") || f["IN"] == "" || f["OUT"] != "" {
			continue
		}
		dpt, err := strconv.Atoi(f["DPT"])
		if err != nil || !isNP(dpt) {
			continue
		}
		refs := []source.Ref{}
		for _, o := range evs {
			if o != e && o.Fields["IN"] == "" && o.Fields["SPT"] == f["SPT"] && o.Fields["DPT"] == f["DPT"] && o.Fields["SRC"] == f["SRC"] {
				refs = append(refs, o.Src)
			}
		}
		refs = append(refs, e.Src)
		o := obs(fmt.Sprintf("SYN from %s:%s reached INPUT still addressed to %s:%d: it was not DNATed", f["SRC"], f["SPT"], f["DST"], dpt), refs...)
		o.Values = map[string]string{"nodeport": strconv.Itoa(dpt), "vip": f["DST"]}
		out = append(out, o)
	}
	return out
}

var _ = declare(Func{
	Name: "unnated_nodeport_logs", Section: "Logs",
	Reads:   []artifact.Kind{artifact.KindLog, artifact.KindIptables},
	Returns: "count",
	Doc:     "iptables LOG lines of a NodePort SYN reaching INPUT un-DNATed",
	Values:  []string{"nodeport", "vip"},
	Bind: func(c Call) any {
		return func() int { return c.Observations(UnnatedNodePortLogs(c.Host())) }
	},
})

// UnnatedNodePortConntrack lists conntrack entries to a NodePort whose reply
// comes from the original destination: the connection was never DNATed.
func UnnatedNodePortConntrack(h *facts.Host) []Observation {
	nps := nodePortSet(h)
	var out []Observation
	for _, r := range h.Conntrack {
		for _, e := range r.Entries {
			if e.Proto != "tcp" || e.DNATed() {
				continue
			}
			if _, ok := nps[e.Orig.DPort]; !ok {
				continue
			}
			o := obs(fmt.Sprintf("connection %s:%d -> %s:%d to a NodePort was not DNATed", e.Orig.Src, e.Orig.SPort, e.Orig.Dst, e.Orig.DPort), e.Src)
			o.Values = map[string]string{"nodeport": strconv.Itoa(e.Orig.DPort), "vip": fmt.Sprint(e.Orig.Dst)}
			out = append(out, o)
		}
	}
	return out
}

var _ = declare(Func{
	Name: "unnated_nodeport_conntrack", Section: "Conntrack",
	Reads:   []artifact.Kind{artifact.KindConntrack, artifact.KindIptables},
	Returns: "count",
	Doc:     "conntrack entries to a NodePort that were never DNATed (reply source = original destination)",
	Values:  []string{"nodeport"},
	Bind: func(c Call) any {
		return func() int { return c.Observations(UnnatedNodePortConntrack(c.Host())) }
	},
})

// vipSockets returns established TCP sockets whose peer (a client's view) or
// local end (the director's view is not a socket, but a real server in
// LVS-DR/TUN owns the VIP) is a virtual service address.
func vipSockets(h *facts.Host) []*sockets.Socket {
	vips := VirtualServerAddrs(h)
	if len(vips) == 0 {
		return nil
	}
	var out []*sockets.Socket
	for _, s := range allSockets(h) {
		if !isTCP(s) || s.State != "ESTAB" {
			continue
		}
		if _, ok := vips[endpoint(s.Peer)]; ok {
			out = append(out, s)
		} else if _, ok := vips[endpoint(s.Local)]; ok {
			out = append(out, s)
		}
	}
	return out
}

func ipvsTimeoutOr(h *facts.Host, def time.Duration) (time.Duration, []source.Ref) {
	if t, ref, ok := IPVSTimeout(h); ok && t > 0 {
		return time.Duration(t) * time.Second, []source.Ref{ref}
	}
	return def, nil
}

// idleVIPSockets returns established sockets to or from a virtual service
// that have been idle for at least limit and have no keepalive timer that
// would fire before the IPVS timeout, with a note for each.
func idleVIPSockets(h *facts.Host, limit, timeout time.Duration) ([]*sockets.Socket, []string) {
	var socks []*sockets.Socket
	var notes []string
	for _, s := range vipSockets(h) {
		d, ok := idle(s)
		if !ok || d < limit {
			continue
		}
		// A keepalive timer due before the IPVS timeout keeps the entry
		// alive even though no data moves (probes are not counted in
		// lastsnd/lastrcv).
		if ka, _ := hasKeepalive(s); ka && s.Timer.Expire < timeout {
			continue
		}
		socks = append(socks, s)
		notes = append(notes, fmt.Sprintf("%s <-> %s idle for %s; IPVS forgets idle TCP entries after %s and no keepalive comes first",
			endpoint(s.Local), endpoint(s.Peer), d.Round(time.Second), timeout))
	}
	return socks, notes
}

// IdleIPVSSockets lists sockets to or from a virtual service idle for at
// least fraction x the IPVS TCP timeout without an earlier keepalive.
func IdleIPVSSockets(h *facts.Host, fraction float64, defTimeout time.Duration) []Observation {
	timeout, trefs := ipvsTimeoutOr(h, defTimeout)
	socks, notes := idleVIPSockets(h, time.Duration(fraction*float64(timeout)), timeout)
	out := make([]Observation, len(socks))
	for i, s := range socks {
		out[i] = obs(notes[i], append([]source.Ref{s.Src}, trefs...)...)
	}
	return out
}

var _ = declare(Func{
	Name: "idle_ipvs_sockets", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets, artifact.KindIPVS},
	Args:    []Arg{{"fraction", ArgFraction}, {"default_timeout", ArgSeconds}},
	Returns: "count",
	Doc:     "established sockets to a virtual service idle for `fraction` × the IPVS timeout without an earlier keepalive",
	Bind: func(c Call) any {
		return func(f, d float64) int { return c.Observations(IdleIPVSSockets(c.Host(), f, seconds(d))) }
	},
})

// ExpiredIPVSSockets lists idle sockets to a virtual service whose client
// endpoint has no entry in the IPVS connection table (ipvsadm -Lnc): IPVS
// has already forgotten the connection. Nil when -Lnc was not collected.
func ExpiredIPVSSockets(h *facts.Host, defTimeout time.Duration) []Observation {
	clients := map[string]bool{}
	var connRefs []source.Ref
	for _, r := range h.IPVS {
		for _, c := range r.Conns {
			clients[bareHostPort(c.Client)] = true
			if len(connRefs) == 0 {
				connRefs = append(connRefs, c.Src)
			}
		}
	}
	if len(connRefs) == 0 {
		return nil
	}
	timeout, trefs := ipvsTimeoutOr(h, defTimeout)
	vips := VirtualServerAddrs(h)
	socks, notes := idleVIPSockets(h, timeout, timeout)
	var out []Observation
	for i, s := range socks {
		client := endpoint(s.Local)
		if _, isVIP := vips[client]; isVIP {
			client = endpoint(s.Peer)
		}
		if clients[client] {
			continue
		}
		refs := append([]source.Ref{s.Src}, trefs...)
		out = append(out, obs(notes[i]+"; ipvsadm -Lnc has no entry for "+client, append(refs, connRefs...)...))
	}
	return out
}

var _ = declare(Func{
	Name: "expired_ipvs_sockets", Section: "Sockets",
	Reads:   []artifact.Kind{artifact.KindSockets, artifact.KindIPVS},
	Args:    []Arg{{"default_timeout", ArgSeconds}},
	Returns: "count",
	Doc:     "idle sockets to a virtual service missing from `ipvsadm -Lnc`",
	Bind: func(c Call) any {
		return func(d float64) int { return c.Observations(ExpiredIPVSSockets(c.Host(), seconds(d))) }
	},
})

func bareHostPort(s string) string {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s
	}
	return bareIP(s[:i]) + s[i:]
}
