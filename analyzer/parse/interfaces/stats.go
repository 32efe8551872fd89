package interfaces

import (
	"regexp"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// /proc/net/dev (dev_seq_printf_stats) prints 16 columns per interface.
// Its "drop" is rx_dropped + rx_missed_errors, its "frame" is the length,
// overrun, CRC and frame errors together, and its "fifo" is the FIFO
// errors; the names below say so.
var procNetDevColumns = []string{
	"rx_bytes", "rx_packets", "rx_errors", "rx_dropped", "rx_fifo_errors", "rx_frame_errors", "rx_compressed", "multicast",
	"tx_bytes", "tx_packets", "tx_errors", "tx_dropped", "tx_fifo_errors", "collisions", "tx_carrier_errors", "tx_compressed",
}

func parseProcNetDev(artifact string, lines []source.Line) (*Result, []source.Warning) {
	r := &Result{Form: FormProcNetDev}
	var warns []source.Warning
	for _, l := range lines {
		name, rest, ok := strings.Cut(l.Text, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " |") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < len(procNetDevColumns) {
			warns = append(warns, source.Warnf(l.No, "%s: %d columns, want %d", name, len(f), len(procNetDevColumns)))
		}
		ref := at(artifact, l)
		i := r.iface(name, ref)
		for k := 0; k < len(f) && k < len(procNetDevColumns); k++ {
			v, ok := parseInt(f[k])
			if !ok {
				warns = append(warns, source.Warnf(l.No, "%s: %q is not a number", name, f[k]))
				continue
			}
			i.Stats[procNetDevColumns[k]] = Value{v, ref}
		}
	}
	return r, warns
}

// netstat -i columns (net-tools), by header name.
var netstatIColumns = map[string]string{
	"RX-OK": "rx_packets", "RX-ERR": "rx_errors", "RX-DRP": "rx_dropped", "RX-OVR": "rx_fifo_errors",
	"TX-OK": "tx_packets", "TX-ERR": "tx_errors", "TX-DRP": "tx_dropped", "TX-OVR": "tx_fifo_errors",
}

func parseNetstatI(artifact string, lines []source.Line) (*Result, []source.Warning) {
	r := &Result{Form: FormNetstatI}
	var warns []source.Warning
	var header []string
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if f[0] == "Iface" {
			header = f
			continue
		}
		if header == nil || len(f) < len(header)-1 {
			continue
		}
		ref := at(artifact, l)
		i := r.iface(f[0], ref)
		for k := 1; k < len(header) && k < len(f); k++ {
			h := header[k]
			if h == "Flg" {
				i.Settings["flags"] = Setting{f[k], ref}
				continue
			}
			v, ok := parseInt(f[k])
			if !ok {
				warns = append(warns, source.Warnf(l.No, "%s: %s %q is not a number", f[0], h, f[k]))
				continue
			}
			switch {
			case h == "MTU":
				i.Settings["mtu"] = Setting{f[k], ref}
			case netstatIColumns[h] != "":
				i.Stats[netstatIColumns[h]] = Value{v, ref}
			}
		}
	}
	return r, warns
}

var (
	ipLinkHeader = regexp.MustCompile(`^\d+: ([^:@\s]+)(@\S+)?: <([A-Z0-9_,-]*)>(.*)$`)
	ipLinkKinds  = map[string]bool{"vxlan": true, "veth": true, "bridge": true, "bond": true, "vlan": true, "tun": true,
		"geneve": true, "gre": true, "gretap": true, "ipip": true, "macvlan": true, "ipvlan": true, "dummy": true,
		"openvswitch": true, "team": true, "wireguard": true, "vrf": true, "ip6tnl": true, "sit": true, "nlmon": true,
		"bridge_slave": true, "bond_slave": true, "openvswitch_slave": true, "team_slave": true, "vrf_slave": true}
)

// ip -s link names its columns; each maps to a rtnl_link_stats64 field.
var ipStatNames = map[string]string{
	"bytes": "bytes", "packets": "packets", "errors": "errors", "dropped": "dropped", "missed": "missed_errors",
	"overrun": "over_errors", "mcast": "multicast", "carrier": "carrier_errors", "collsns": "collisions",
	"length": "length_errors", "crc": "crc_errors", "frame": "frame_errors", "fifo": "fifo_errors",
	"aborted": "aborted_errors", "window": "window_errors", "heartbeat": "heartbeat_errors", "heartbt": "heartbeat_errors",
	"transns": "carrier_changes", "nohandler": "nohandler", "otherhost": "otherhost_dropped", "compressed": "compressed",
}

func parseIPLink(artifact string, lines []source.Line) (*Result, []source.Warning) {
	r := &Result{Form: FormIPLink}
	var warns []source.Warning
	var cur *Iface
	for n := 0; n < len(lines); n++ {
		l := lines[n]
		if m := ipLinkHeader.FindStringSubmatch(l.Text); m != nil {
			ref := at(artifact, l)
			cur = r.iface(m[1], ref)
			cur.Settings["flags"] = Setting{m[3], ref}
			f := strings.Fields(m[4])
			for k := 0; k+1 < len(f); k++ {
				switch f[k] {
				case "mtu", "qdisc", "master", "state", "qlen":
					cur.Settings[f[k]] = Setting{f[k+1], ref}
					k++
				}
			}
			continue
		}
		if cur == nil {
			continue
		}
		t := strings.TrimSpace(l.Text)
		f := strings.Fields(t)
		if len(f) == 0 {
			continue
		}
		if (f[0] == "RX:" || f[0] == "TX:" || (len(f) > 1 && (f[0] == "RX" || f[0] == "TX") && f[1] == "errors:")) && n+1 < len(lines) {
			dir := strings.ToLower(f[0][:2])
			names := f[1:]
			if f[1] == "errors:" {
				names = f[2:]
			}
			vl := lines[n+1]
			vals := strings.Fields(vl.Text)
			ref := source.Ref{Artifact: artifact, Line: l.No, EndLine: vl.No, Text: l.Text + "\n" + vl.Text}
			for k := 0; k < len(names) && k < len(vals); k++ {
				v, ok := parseInt(vals[k])
				if !ok {
					warns = append(warns, source.Warnf(vl.No, "%s: %s %q is not a number", cur.Name, names[k], vals[k]))
					continue
				}
				key := ipStatNames[names[k]]
				if key == "" {
					key = names[k]
				}
				if key != "multicast" && key != "collisions" {
					key = dir + "_" + key
				}
				cur.Stats[key] = Value{v, ref}
			}
			n++
			continue
		}
		// ip -d link: the link type's own line ("vxlan id 1 ... dstport
		// 8472", "bond_slave state BACKUP mii_status UP ...").
		if ipLinkKinds[f[0]] {
			ref := at(artifact, l)
			key := "kind"
			if strings.HasSuffix(f[0], "_slave") {
				key = "slave_kind"
			}
			cur.Settings[key] = Setting{f[0], ref}
			for k := 1; k+1 < len(f); k++ {
				switch f[k] {
				case "state", "mii_status", "link_failure_count", "dstport", "mode", "id", "dev":
					cur.Settings[f[0]+"."+f[k]] = Setting{f[k+1], ref}
					k++
				}
			}
		}
	}
	return r, warns
}
