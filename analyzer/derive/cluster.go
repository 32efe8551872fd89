package derive

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/source"
)

// SharedVIPs lists virtual addresses that are configured (ip addr) on two
// or more hosts of the same bundle at once: both think they are MASTER.
// Only addresses that some host's keepalived manages, or that are
// secondary /32s, count, so that ordinary shared addresses (127.0.0.1, a
// Service IP on every kube-ipvs0) are not reported.
func SharedVIPs(all []*facts.Host) []Observation {
	managed := map[string]bool{}
	for _, h := range all {
		for _, c := range h.Keepalived {
			for _, in := range c.Instances {
				for _, v := range in.VIPs {
					managed[bareIP(v.Addr)] = true
				}
			}
		}
		for _, v := range VIPs(h) {
			managed[v.Addr] = true
		}
	}
	holders := map[string][]source.Ref{}
	hostsOf := map[string][]string{}
	for _, h := range all {
		seen := map[string]bool{}
		for _, t := range h.Addresses {
			for _, ifc := range t.Interfaces {
				if ifc.Name == "kube-ipvs0" || ifc.LinkType == "dummy" || strings.HasPrefix(ifc.Name, "lo") {
					continue
				}
				for _, a := range ifc.Addrs {
					ip := bareIP(a.IP)
					if !managed[ip] || seen[ip] {
						continue
					}
					seen[ip] = true
					holders[ip] = append(holders[ip], a.Src)
					hostsOf[ip] = append(hostsOf[ip], h.Name)
				}
			}
		}
	}
	var ips []string
	for ip, hs := range hostsOf {
		if len(hs) >= 2 {
			ips = append(ips, ip)
		}
	}
	sort.Strings(ips)
	var out []Observation
	for _, ip := range ips {
		out = append(out, obs(fmt.Sprintf("VIP %s is configured on %s at the same time", ip, strings.Join(hostsOf[ip], " and ")), holders[ip]...))
	}
	return out
}

var _ = declare(Func{
	Name: "shared_vips", Section: "Across hosts",
	Reads:   []artifact.Kind{artifact.KindAddresses, artifact.KindKeepalived},
	Returns: "count",
	Doc:     "keepalived VIPs configured (`ip addr`) on two or more hosts at once (use in `scope: cluster` rules)",
	Values:  []string{"vip"},
	Bind: func(c Call) any {
		return func() int { return c.Observations(SharedVIPs(c.All())) }
	},
})

// ConcurrentMasters lists VRRP instances whose last logged state is MASTER
// on two or more hosts: neither saw the other's advertisements.
func ConcurrentMasters(all []*facts.Host) []Observation {
	type last struct {
		state string
		ref   source.Ref
	}
	perInstance := map[string]map[string]last{}
	for _, h := range all {
		for _, e := range events(h, logs.KindVRRPState) {
			st := e.Fields["state"]
			inst := e.Fields["instance"]
			if st == "" || inst == "" {
				continue
			}
			if perInstance[inst] == nil {
				perInstance[inst] = map[string]last{}
			}
			perInstance[inst][h.Name] = last{st, e.Src}
		}
	}
	var names []string
	for n := range perInstance {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Observation
	for _, inst := range names {
		var hosts []string
		var refs []source.Ref
		for host, l := range perInstance[inst] {
			if l.state == "MASTER" {
				hosts = append(hosts, host)
			}
		}
		if len(hosts) >= 2 {
			sort.Strings(hosts)
			for _, host := range hosts {
				refs = append(refs, perInstance[inst][host].ref)
			}
			out = append(out, obs(fmt.Sprintf("VRRP instance %s last entered MASTER on %s", inst, strings.Join(hosts, " and ")), refs...))
		}
	}
	return out
}

var _ = declare(Func{
	Name: "concurrent_masters", Section: "Across hosts",
	Reads:   []artifact.Kind{artifact.KindLog},
	Returns: "count",
	Doc:     "VRRP instances whose last logged state is MASTER on two or more hosts",
	Bind: func(c Call) any {
		return func() int { return c.Observations(ConcurrentMasters(c.All())) }
	},
})
