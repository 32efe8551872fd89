package logs

import (
	"regexp"
	"strings"
)

// Link-layer kernel messages.
const (
	KindOverMTU        = "over-mtu"             // Open vSwitch: "IFACE: dropped over-mtu packet: 8950 > 1450"
	KindUnregisterWait = "unregister-netdevice" // unregister_netdevice: waiting for DEV to become free. Usage count = N
	KindLinkDown       = "link-down"            // a NIC or bond member lost its link
	KindLinkUp         = "link-up"              // a NIC or bond member got its link back
)

var (
	overMTURE    = regexp.MustCompile(`(\S+): dropped over-mtu packet: (\d+) > (\d+)`)
	unregisterRE = regexp.MustCompile(`unregister_netdevice: waiting for (\S+) to become free\. Usage count = (-?\d+)`)
	// "ixgbe 0000:01:00.0 eth2: NIC Link is Down", "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex",
	// "mlx5_core 0000:3b:00.0 ens1f0: Link down", "bond0: (slave eno2): link status definitely down, disabling slave"
	nicLinkRE  = regexp.MustCompile(`(?:^|\s)([A-Za-z0-9_.@-]+):? (?:NIC )?Link is (Down|Up)\b`)
	mlxLinkRE  = regexp.MustCompile(`(?:^|\s)([A-Za-z0-9_.@-]+): Link (down|up)$`)
	bondLinkRE = regexp.MustCompile(`^(\S+): (?:\(slave (\S+)\)|link status \S+ \S+ for interface (\S+?),?)(?:: link status definitely (down|up))?`)
)

// classifyLink recognises over-MTU drops, stuck device unregistration and
// link changes; ok is false for other messages.
func classifyLink(msg string) (string, map[string]string, bool) {
	switch {
	case strings.Contains(msg, "dropped over-mtu packet"):
		if m := overMTURE.FindStringSubmatch(msg); m != nil {
			return KindOverMTU, map[string]string{"interface": m[1], "size": m[2], "mtu": m[3]}, true
		}
	case strings.Contains(msg, "unregister_netdevice: waiting for"):
		if m := unregisterRE.FindStringSubmatch(msg); m != nil {
			return KindUnregisterWait, map[string]string{"interface": m[1], "usage": m[2]}, true
		}
	case strings.Contains(msg, "link status definitely"):
		dir := "down"
		if strings.Contains(msg, "definitely up") {
			dir = "up"
		}
		iface, bond := "", ""
		if m := bondLinkRE.FindStringSubmatch(msg); m != nil {
			bond, iface = m[1], m[2]+m[3]
		}
		return linkKind(dir), map[string]string{"interface": iface, "bond": bond}, true
	case strings.Contains(msg, "Link is Down") || strings.Contains(msg, "Link is Up"):
		if m := nicLinkRE.FindStringSubmatch(msg); m != nil {
			return linkKind(strings.ToLower(m[2])), map[string]string{"interface": m[1]}, true
		}
	case strings.HasSuffix(msg, ": Link down") || strings.HasSuffix(msg, ": Link up"):
		if m := mlxLinkRE.FindStringSubmatch(msg); m != nil {
			return linkKind(m[2]), map[string]string{"interface": m[1]}, true
		}
	}
	return "", nil, false
}

func linkKind(dir string) string {
	if dir == "up" {
		return KindLinkUp
	}
	return KindLinkDown
}
