package sockets

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// lsofStates maps lsof's TCP state names to the names ss prints, so rules
// need to know one vocabulary.
var lsofStates = map[string]string{
	"LISTEN":      "LISTEN",
	"ESTABLISHED": "ESTAB",
	"SYN_SENT":    "SYN-SENT",
	"SYN_RECV":    "SYN-RECV",
	"FIN_WAIT1":   "FIN-WAIT-1",
	"FIN_WAIT2":   "FIN-WAIT-2",
	"FIN_WAIT_1":  "FIN-WAIT-1",
	"FIN_WAIT_2":  "FIN-WAIT-2",
	"TIME_WAIT":   "TIME-WAIT",
	"CLOSE_WAIT":  "CLOSE-WAIT",
	"LAST_ACK":    "LAST-ACK",
	"CLOSING":     "CLOSING",
	"CLOSED":      "CLOSED",
	"CLOSE":       "CLOSED",
	"IDLE":        "UNCONN",
	"BOUND":       "UNCONN",
	"UNKNOWN":     "UNKNOWN",
}

// parseLsof reads `lsof -i` output:
//
//	COMMAND     PID USER   FD   TYPE    DEVICE SIZE/OFF NODE NAME
//	hyperkube 26876 root    8u  IPv6 217745983      0t0  TCP *:32672 (LISTEN)
//
// Newer lsof adds TID and TASKCMD columns that are blank on process rows,
// so columns are found from the NODE value (TCP, UDP, ...) rather than by
// position alone.
func parseLsof(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{Form: "lsof"}
	var warns []source.Warning
	hasTID := false
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if f[0] == "COMMAND" && containsWord(f, "NAME") {
			hasTID = containsWord(f, "TID")
			continue
		}
		s, err := parseLsofRow(f, hasTID)
		if err != "" {
			warns = append(warns, source.Warnf(l.No, "%s: %.80q", err, l.Text))
			continue
		}
		s.Src = source.At(artifact, l.No, l.Text)
		t.Sockets = append(t.Sockets, s)
	}
	return t, warns
}

func parseLsofRow(f []string, hasTID bool) (*Socket, string) {
	// NODE is the protocol; NAME follows it.
	node := -1
	for i := 4; i < len(f)-1; i++ {
		switch f[i] {
		case "TCP", "UDP", "UDPLITE", "SCTP", "RAW", "RAW6", "ICMP", "ICMPV6", "DCCP":
			node = i
		}
		if node >= 0 {
			break
		}
	}
	if node < 0 {
		return nil, "no protocol column (TCP/UDP) in lsof row"
	}
	s := newSocket()
	s.Netid = strings.ToLower(f[node])
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		return nil, "bad PID"
	}
	// Columns between PID and NODE: [TID] [TASKCMD] USER FD TYPE DEVICE [SIZE/OFF].
	mid := f[2:node]
	if hasTID && len(mid) > 0 && isInt(mid[0]) && len(mid) > 5 {
		mid = mid[1:]
		if len(mid) > 5 {
			mid = mid[1:] // TASKCMD
		}
	}
	if len(mid) < 3 {
		return nil, "too few lsof columns"
	}
	user, fdText, typ := mid[0], mid[1], mid[2]
	s.Users = []Proc{{Name: unescapeLsof(f[0]), PID: pid, FD: lsofFD(fdText)}}
	s.setExt("user", user)
	s.setExt("type", typ)
	if len(mid) > 3 {
		s.setExt("device", mid[3])
	}
	name := f[node+1]
	rest := f[node+2:]
	local, peer, found := strings.Cut(name, "->")
	s.Local = parseEndpoint(local)
	if found {
		s.Peer = parseEndpoint(peer)
	} else {
		s.Peer = Endpoint{Addr: "*", Port: -1, Raw: ""}
	}
	for _, r := range rest {
		if strings.HasPrefix(r, "(") && strings.HasSuffix(r, ")") {
			st := strings.Trim(r, "()")
			if mapped, ok := lsofStates[st]; ok {
				s.State = mapped
			} else {
				s.State = st
			}
			continue
		}
		s.setExt(r, "")
	}
	if s.State == "" && s.Netid != "tcp" {
		s.State = "UNCONN"
	}
	return s, ""
}

// lsofFD turns "8u", "12r", "3w" into the descriptor number; -1 for
// non-numeric descriptors (cwd, mem, ...).
func lsofFD(v string) int {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 || i > 10 {
		return -1
	}
	n, _ := strconv.Atoi(v[:i])
	return n
}

// unescapeLsof undoes lsof's \x20 escaping of spaces in command names.
func unescapeLsof(v string) string {
	return strings.ReplaceAll(v, `\x20`, " ")
}
