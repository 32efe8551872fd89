package sockets

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// /proc/net/netlink lists every netlink socket:
//
//	sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
//	ffff8d72b9953800 0   1          800405d5 0        0        0     2        0        13928
//
// Eth is the netlink protocol (0 = NETLINK_ROUTE), and Pid is the socket's
// port id, not a process id: the kernel hands out the opener's PID to the
// first socket and arbitrary numbers to others. The owner is found through
// the inode (lsof, ss -p, /proc/PID/fd). Drops counts messages the kernel
// could not queue because the socket's receive buffer was full, since the
// socket was created.
func isNetlinkHeader(f []string) bool {
	return len(f) >= 9 && f[0] == "sk" && f[1] == "Eth" && f[2] == "Pid" && containsWord(f, "Drops")
}

func parseNetlink(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{Form: "netlink"}
	var warns []source.Warning
	var header []string
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if isNetlinkHeader(f) {
			header = f
			continue
		}
		if header == nil || len(f) != len(header) {
			if header != nil {
				warns = append(warns, source.Warnf(l.No, "netlink row has %d columns, the header %d", len(f), len(header)))
			}
			continue
		}
		s := &Socket{Netid: "nl", State: "UNCONN", UID: -1, Ext: map[string]string{}, Mem: map[string]int64{},
			Src: source.At(artifact, l.No, l.Text)}
		ok := true
		for k, h := range header {
			v := f[k]
			switch h {
			case "sk":
				s.Ext["sk"] = v
			case "Eth":
				s.Local.Addr, s.Local.Raw = v, v
			case "Pid":
				port, err := strconv.ParseInt(v, 10, 64)
				ok = ok && err == nil
				s.Local.Port = int(port)
			case "Groups":
				s.Ext["groups"] = v
			case "Rmem", "Wmem", "Dump", "Locks", "Drops":
				n, err := strconv.ParseInt(v, 10, 64)
				ok = ok && err == nil
				s.Ext[strings.ToLower(h)] = v
				if h == "Rmem" {
					s.RecvQ = n
				}
			case "Inode":
				n, err := strconv.ParseUint(v, 10, 64)
				ok = ok && err == nil
				s.Inode = n
			}
		}
		if !ok {
			warns = append(warns, source.Warnf(l.No, "netlink row with a field that is not a number"))
			continue
		}
		s.Peer = Endpoint{Addr: "*", Port: -1, Raw: "*"}
		t.Sockets = append(t.Sockets, s)
	}
	return t, warns
}

// NetlinkDrops returns a netlink socket's drop counter (0 for other
// sockets).
func (s *Socket) NetlinkDrops() int64 {
	if s.Netid != "nl" || s.Ext == nil {
		return 0
	}
	n, _ := strconv.ParseInt(s.Ext["drops"], 10, 64)
	return n
}
