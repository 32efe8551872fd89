package sockets

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// The kernel's own socket tables, /proc/net/tcp, tcp6, udp and udp6 (also
// /proc/PID/net/... for another network namespace): what ss shows, in hex,
// and what a bundle has when ss is not installed (a container).
//
//	sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//	 0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20786 ...

// procStates maps the kernel's TCP state numbers (include/net/tcp_states.h)
// to ss's names.
var procStates = map[string]string{
	"01": "ESTAB", "02": "SYN-SENT", "03": "SYN-RECV", "04": "FIN-WAIT-1", "05": "FIN-WAIT-2",
	"06": "TIME-WAIT", "07": "UNCONN", "08": "CLOSE-WAIT", "09": "LAST-ACK", "0A": "LISTEN",
	"0B": "CLOSING", "0C": "SYN-RECV",
}

// procTimers names the "tr" column as ss names the timer.
var procTimers = map[string]string{"00": "", "01": "on", "02": "keepalive", "03": "timewait", "04": "persist"}

// userHZ is the tick of tm->when (jiffies_to_clock_t): 100 on Linux.
const userHZ = 100

func isProcNetHeader(f []string) bool {
	return len(f) >= 3 && f[0] == "sl" && f[1] == "local_address" && (f[2] == "rem_address" || f[2] == "remote_address")
}

func parseProcNet(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{Form: "procnet"}
	var warns []source.Warning
	netid := "tcp"
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if isProcNetHeader(f) {
			// udp tables end their header with "ref pointer drops".
			netid = "tcp"
			if f[len(f)-1] == "drops" {
				netid = "udp"
			}
			continue
		}
		if !strings.HasSuffix(f[0], ":") || len(f) < 10 {
			warns = append(warns, source.Warnf(l.No, "not a /proc/net socket row: %.80q", l.Text))
			continue
		}
		s := newSocket()
		s.Netid = netid
		s.Src = source.At(artifact, l.No, l.Text)
		var ok1, ok2 bool
		s.Local, ok1 = procEndpoint(f[1])
		s.Peer, ok2 = procEndpoint(f[2])
		state, ok3 := procStates[strings.ToUpper(f[3])]
		tx, rx, ok4 := strings.Cut(f[4], ":")
		tr, when, ok5 := strings.Cut(f[5], ":")
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			warns = append(warns, source.Warnf(l.No, "bad /proc/net socket row: %.80q", l.Text))
			continue
		}
		if netid == "tcp" && state == "UNCONN" {
			state = "CLOSE"
		}
		s.State = state
		s.SendQ, _ = strconv.ParseInt(tx, 16, 64)
		s.RecvQ, _ = strconv.ParseInt(rx, 16, 64)
		if name, known := procTimers[tr]; known && name != "" {
			ticks, _ := strconv.ParseInt(when, 16, 64)
			retrans, _ := strconv.ParseInt(f[6], 16, 64)
			s.Timer = &Timer{Name: name, Expire: time.Duration(ticks) * time.Second / userHZ, Retrans: int(retrans), Raw: f[5]}
		}
		if uid, err := strconv.Atoi(f[7]); err == nil {
			s.UID = uid
		}
		if ino, err := strconv.ParseUint(f[9], 10, 64); err == nil {
			s.Inode = ino
		}
		t.Sockets = append(t.Sockets, s)
	}
	return t, warns
}

// procEndpoint decodes "0100007F:0CEA": the address as the kernel stores
// it, in 32-bit words of host byte order (little-endian here), and the port.
func procEndpoint(s string) (Endpoint, bool) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return Endpoint{}, false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	raw, err2 := hex.DecodeString(a)
	if err != nil || err2 != nil || (len(raw) != 4 && len(raw) != 16) {
		return Endpoint{}, false
	}
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(raw[i:], binary.LittleEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(raw)
	addr = addr.Unmap()
	e := Endpoint{Addr: addr.String(), Port: int(port)}
	if addr.IsUnspecified() {
		e.Addr = "*"
	}
	if port == 0 && addr.IsUnspecified() {
		e.Port = -1
	}
	return e, true
}
