package artifact

import (
	"regexp"
	"strings"
)

// Link-layer files of a sosreport: per-interface statistics and NIC
// settings (the interfaces kind), and the /proc/net files that join the
// counters and sockets kinds.

// sosEthtoolRE matches the ethtool outputs the interfaces parser reads:
// the settings (ethtool_IFACE) and -S, -g, -k, -i, -l. Others (-T, -P, -e,
// -d, -a, -c, --show-eee, --phy-statistics ...) stay skipped: there is one
// of each per interface.
var sosEthtoolRE = regexp.MustCompile(`^ethtool_(-[Sgkil]_)?[^-_][^/]*$`)

// sosLinkCommand reports whether a sos_commands file holds link-layer data
// the interfaces kind reads, so that it is kept although its prefix is in
// sosSkipCommands.
func sosLinkCommand(base string) bool {
	switch {
	case sosEthtoolRE.MatchString(base):
		return true
	case strings.HasPrefix(base, "tc_") && strings.Contains(base, "qdisc"):
		return strings.Contains(base, "-s")
	}
	return false
}

// sosLinkFiles are copied /proc files of the link layer and socket memory.
var sosLinkFiles = map[string]bool{
	"proc/net/dev": true, "proc/net/softnet_stat": true, "proc/net/sockstat": true, "proc/net/sockstat6": true,
	"proc/net/netlink": true,
}

// sosLinkPath reports whether a path relative to a sosreport root is a
// link-layer file worth reading.
func sosLinkPath(rel string) bool {
	if sosLinkFiles[rel] || strings.HasPrefix(rel, "proc/net/bonding/") {
		return true
	}
	if strings.HasPrefix(rel, "proc/") {
		// /proc/self copied as /proc/PID.
		rest := strings.TrimPrefix(rel, "proc/")
		if i := strings.IndexByte(rest, '/'); i > 0 && allDigits(rest[:i]) {
			return sosLinkFiles["proc/"+rest[i+1:]]
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// linkPathKind maps the link-layer /proc files to their kinds.
func linkPathKind(p string) Kind {
	switch {
	case !strings.Contains(p, "/proc/") && !strings.HasPrefix(p, "/net/"):
		return KindUnknown
	case strings.HasSuffix(p, "/net/softnet_stat"), strings.HasSuffix(p, "/net/sockstat"), strings.HasSuffix(p, "/net/sockstat6"):
		return KindCounters
	case strings.HasSuffix(p, "/net/netlink"):
		return KindSockets
	case strings.HasSuffix(p, "/net/dev"), strings.Contains(p, "/net/bonding/"):
		return KindInterfaces
	}
	return KindUnknown
}

// linkCommandKind maps the commands whose output is of the interfaces kind.
func linkCommandKind(name string, args []string) Kind {
	switch name {
	case "ethtool":
		return KindInterfaces
	case "tc":
		for _, a := range args {
			if strings.HasPrefix("qdisc", a) && len(a) >= 2 {
				return KindInterfaces
			}
		}
	case "ip":
		// ip [-s] [-d] link [show]: statistics, details.
		k := 0
		for k < len(args) && strings.HasPrefix(args[k], "-") {
			k++
		}
		if k < len(args) && len(args[k]) >= 1 && strings.HasPrefix("link", args[k]) {
			return KindInterfaces
		}
	case "netstat":
		for _, a := range args {
			if a == "--interfaces" || shortFlag(a, 'i') {
				return KindInterfaces
			}
		}
	}
	return KindUnknown
}
