// Package interfaces reads per-interface statistics and NIC settings:
// /proc/net/dev, `ip -s [-s] [-d] link`, `netstat -i`, ethtool (settings,
// -S, -g, -k, -i, -l), /proc/net/bonding/* and `tc -s qdisc show`, into one
// model keyed by interface name, so rules can tell a NIC that drops from
// one that merely counts frames it was never meant to deliver.
package interfaces

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Forms of a result.
const (
	FormProcNetDev = "proc-net-dev"
	FormIPLink     = "ip-link"
	FormNetstatI   = "netstat-i"
	FormEthtool    = "ethtool"   // settings: speed, duplex, link
	FormEthtoolS   = "ethtool-S" // driver statistics
	FormEthtoolG   = "ethtool-g" // rings
	FormEthtoolK   = "ethtool-k" // offload features
	FormEthtoolI   = "ethtool-i" // driver
	FormEthtoolL   = "ethtool-l" // channels
	FormBonding    = "bonding"   // /proc/net/bonding/BOND
	FormTC         = "tc-qdisc"  // tc -s qdisc show
)

// Value is one number with the line that shows it.
type Value struct {
	Value int64
	Src   source.Ref
}

// Iface is what one artifact says about one interface.
type Iface struct {
	Name string
	// Stats are the generic counters, named as the kernel's struct
	// rtnl_link_stats64 fields: rx_packets, rx_dropped, rx_missed_errors,
	// rx_fifo_errors, rx_crc_errors, tx_carrier_errors, collisions ...
	// /proc/net/dev folds some together; see procnetdev.go.
	Stats map[string]Value
	// Driver are ethtool -S counters as the driver names them.
	Driver map[string]Value
	// DriverName is ethtool -i's driver ("ena", "ixgbe").
	DriverName string
	// Settings are ethtool's "Key: value" lines (Speed, Duplex, Link detected),
	// ethtool -i's fields, and ip -d link details (kind, master, mtu, state).
	Settings map[string]Setting
	// RingMax and Ring are ethtool -g's pre-set maximums and current
	// settings (RX, TX, ...); ChannelsMax and Channels are ethtool -l's.
	RingMax, Ring         map[string]Value
	ChannelsMax, Channels map[string]Value
	// Features are ethtool -k's offloads: name -> "on", "off", "on [fixed]".
	Features map[string]Setting
	Src      source.Ref
}

// Setting is one textual setting with its line.
type Setting struct {
	Value string
	Src   source.Ref
}

// Bond is one /proc/net/bonding/BOND file.
type Bond struct {
	Name           string
	Mode           string // "fault-tolerance (active-backup)", "IEEE 802.3ad Dynamic link aggregation", ...
	ActiveSlave    string
	MIIStatus      string
	Slaves         []*Slave
	Src            source.Ref
	ModeSrc        source.Ref
	ActiveSlaveSrc source.Ref
}

// ActiveBackup reports whether the bond keeps one member active.
func (b *Bond) ActiveBackup() bool { return strings.Contains(b.Mode, "active-backup") }

// Slave is one member of a bond.
type Slave struct {
	Name         string
	MIIStatus    string
	LinkFailures Value
	Src          source.Ref // the "Slave Interface:" line
	StatusSrc    source.Ref
}

// Qdisc is one queueing discipline of `tc -s qdisc show`.
type Qdisc struct {
	Kind, Handle, Dev, Parent string
	Root                      bool
	Sent, Packets             int64
	Dropped, Overlimits       int64
	Requeues                  int64
	// Extra are the kind's own statistics (fq_codel drop_overlimit,
	// ecn_mark, new_flow_count; fq flows_plimit ...).
	Extra map[string]int64
	Src   source.Ref // the qdisc line
	Stats source.Ref // the "Sent ... (dropped N, overlimits M ...)" line
}

// Result is one artifact's interfaces, bonds and qdiscs.
type Result struct {
	Form       string
	Interfaces []*Iface
	Bonds      []*Bond
	Qdiscs     []*Qdisc
	// Label is the timestamp line before the listing, when there is one.
	Label string
}

// Iface returns the named interface, creating it in order.
func (r *Result) iface(name string, src source.Ref) *Iface {
	for _, i := range r.Interfaces {
		if i.Name == name {
			return i
		}
	}
	i := &Iface{Name: name, Stats: map[string]Value{}, Driver: map[string]Value{}, Settings: map[string]Setting{},
		RingMax: map[string]Value{}, Ring: map[string]Value{}, ChannelsMax: map[string]Value{}, Channels: map[string]Value{},
		Features: map[string]Setting{}, Src: src}
	r.Interfaces = append(r.Interfaces, i)
	return i
}

// Find returns the named interface or nil.
func (r *Result) Find(name string) *Iface {
	for _, i := range r.Interfaces {
		if i.Name == name {
			return i
		}
	}
	return nil
}

// Parse reads any of the supported forms. The interface name of ethtool
// outputs that do not print it (-S, -i) comes from the artifact name: a
// sosreport's ethtool_-S_ens3, or a transcript piece "... ethtool -S ens3".
func Parse(artifact string, data []byte) (*Result, []source.Warning) {
	return ParseCommand(artifact, data, "")
}

// ParseCommand is Parse with the command that printed the artifact, which
// names the interface for ethtool and the bond for a bonding file.
func ParseCommand(artifact string, data []byte, command string) (*Result, []source.Warning) {
	lines := source.Lines(data)
	warns := source.CutWarnings(lines)
	name := nameHint(artifact, command)
	var r *Result
	var w []source.Warning
	switch detect(lines) {
	case FormProcNetDev:
		r, w = parseProcNetDev(artifact, lines)
	case FormNetstatI:
		r, w = parseNetstatI(artifact, lines)
	case FormIPLink:
		r, w = parseIPLink(artifact, lines)
	case FormBonding:
		r, w = parseBonding(artifact, lines, name)
	case FormTC:
		r, w = parseTC(artifact, lines)
	case FormEthtoolS:
		r, w = parseEthtoolS(artifact, lines, name)
	case FormEthtoolG:
		r, w = parseMaxCurrent(artifact, lines, name, FormEthtoolG)
	case FormEthtoolL:
		r, w = parseMaxCurrent(artifact, lines, name, FormEthtoolL)
	case FormEthtoolK:
		r, w = parseEthtoolK(artifact, lines, name)
	case FormEthtoolI:
		r, w = parseEthtoolI(artifact, lines, name)
	case FormEthtool:
		r, w = parseEthtoolSettings(artifact, lines, name)
	default:
		r = &Result{}
		if len(lines) > 0 {
			w = append(w, source.Warnf(1, "not a recognised interfaces listing"))
		}
	}
	return r, append(warns, w...)
}

// detect picks the form from the first recognisable line.
func detect(lines []source.Line) string {
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		switch {
		case t == "" || strings.HasPrefix(t, "$") || strings.HasPrefix(t, "#"):
			continue
		case strings.HasPrefix(t, "Inter-|"), strings.HasPrefix(t, "face |"):
			return FormProcNetDev
		case t == "Kernel Interface table", strings.HasPrefix(t, "Iface") && strings.Contains(t, "RX-OK"):
			return FormNetstatI
		case strings.HasPrefix(t, "Ethernet Channel Bonding Driver"):
			return FormBonding
		case strings.HasPrefix(t, "qdisc "):
			return FormTC
		case t == "NIC statistics:":
			return FormEthtoolS
		case strings.HasPrefix(t, "Ring parameters for "):
			return FormEthtoolG
		case strings.HasPrefix(t, "Channel parameters for "):
			return FormEthtoolL
		case strings.HasPrefix(t, "Features for "):
			return FormEthtoolK
		case strings.HasPrefix(t, "driver: "):
			return FormEthtoolI
		case strings.HasPrefix(t, "Settings for "):
			return FormEthtool
		case ipLinkHeader.MatchString(l.Text):
			return FormIPLink
		}
	}
	return ""
}

var ifaceInName = regexp.MustCompile(`(?:^|_)ethtool_(?:-[A-Za-z]_|--[a-z-]+_)?(.+)$`)

// nameHint finds the interface (or bond) an artifact is about from the
// command (`ethtool -S eth0`) or the file name (ethtool_-S_eth0,
// proc/net/bonding/bond0).
func nameHint(artifact, command string) string {
	if command != "" {
		f := strings.Fields(command)
		for i, w := range f {
			if w == "|" || w == ";" || w == "&&" {
				f = f[:i]
				break
			}
		}
		for i, w := range f {
			if path.Base(w) == "ethtool" || w == "cat" {
				for j := len(f) - 1; j > i; j-- {
					if !strings.HasPrefix(f[j], "-") {
						if strings.Contains(f[j], "/net/bonding/") || path.Base(w) == "ethtool" {
							return path.Base(f[j])
						}
						break
					}
				}
				break
			}
		}
	}
	n := strings.ReplaceAll(artifact, "\\", "/")
	if i := strings.LastIndexAny(n, "#!"); i >= 0 && i > strings.LastIndexByte(n, '/') {
		n = n[:i]
	}
	if strings.Contains(n, "/net/bonding/") {
		return path.Base(n)
	}
	base := path.Base(n)
	for _, ext := range []string{".txt", ".out"} {
		base = strings.TrimSuffix(base, ext)
	}
	if m := ifaceInName.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	return ""
}

func parseInt(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		u, err2 := strconv.ParseUint(s, 10, 64)
		if err2 != nil {
			return 0, false
		}
		return int64(u >> 1), true // beyond int64: keep the order of magnitude
	}
	return v, true
}

func at(artifact string, l source.Line) source.Ref { return source.At(artifact, l.No, l.Text) }
