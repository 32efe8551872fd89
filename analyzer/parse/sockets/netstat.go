package sockets

import (
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// netstatStates maps net-tools state names to the names ss prints, so rules
// see one vocabulary.
var netstatStates = map[string]string{
	"ESTABLISHED": "ESTAB", "SYN_SENT": "SYN-SENT", "SYN_RECV": "SYN-RECV",
	"FIN_WAIT1": "FIN-WAIT-1", "FIN_WAIT2": "FIN-WAIT-2", "TIME_WAIT": "TIME-WAIT",
	"CLOSE": "UNCONN", "CLOSE_WAIT": "CLOSE-WAIT", "LAST_ACK": "LAST-ACK",
	"LISTEN": "LISTEN", "CLOSING": "CLOSING", "UNKNOWN": "UNKNOWN",
}

// isNetstatHeader recognises the column header of `netstat -tanp[o]`.
func isNetstatHeader(f []string) bool {
	return len(f) >= 6 && f[0] == "Proto" && f[1] == "Recv-Q" && f[2] == "Send-Q" && containsWord(f, "Foreign")
}

// parseNetstat reads `netstat -tan[p][o][e]` and `-W -neopa` (net-tools):
// TCP, UDP and raw rows. The other sections that -a and -g add (unix and
// Bluetooth sockets, multicast group memberships) are skipped whole.
func parseNetstat(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{Form: "netstat"}
	var warns []source.Warning
	other := false // inside a section of no socket rows we read
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		text := strings.TrimSpace(l.Text)
		switch {
		case strings.HasPrefix(text, "Active Internet connections"):
			other = false
			continue
		case strings.HasPrefix(text, "Active "), strings.HasPrefix(text, "IPv6/IPv4 Group Memberships"):
			other = true
			continue
		}
		if other || isNetstatHeader(f) || f[0] == "unix" {
			continue
		}
		proto := strings.TrimRight(f[0], "6")
		if (proto != "tcp" && proto != "udp" && proto != "raw") || len(f) < 5 {
			warns = append(warns, source.Warnf(l.No, "not a netstat socket row: %.80q", l.Text))
			continue
		}
		s := newSocket()
		s.Netid = proto
		s.Src = source.At(artifact, l.No, l.Text)
		var err1, err2 error
		s.RecvQ, err1 = strconv.ParseInt(f[1], 10, 64)
		s.SendQ, err2 = strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil {
			warns = append(warns, source.Warnf(l.No, "bad queue sizes: %.80q", l.Text))
			continue
		}
		s.Local, s.Peer = parseEndpoint(f[3]), parseEndpoint(f[4])
		rest := f[5:]
		if len(rest) > 0 {
			if st, ok := netstatStates[rest[0]]; ok {
				s.State, rest = st, rest[1:]
			} else if proto == "udp" {
				s.State = "UNCONN"
			}
		}
		for i := 0; i < len(rest); i++ {
			tok := rest[i]
			switch {
			case tok == "-":
			case strings.Contains(tok, "/") && isInt(tok[:strings.IndexByte(tok, '/')]):
				pid, _ := strconv.Atoi(tok[:strings.IndexByte(tok, '/')])
				name := tok[strings.IndexByte(tok, '/')+1:]
				// A program name with spaces ("1234/java -jar") is cut by
				// Fields; the timer column starts with a known word.
				s.Users = append(s.Users, Proc{Name: name, PID: pid, FD: -1})
			case i+1 < len(rest) && strings.HasPrefix(rest[i+1], "("):
				s.Timer = netstatTimer(tok, rest[i+1])
				i++
			}
		}
		t.Sockets = append(t.Sockets, s)
	}
	return t, warns
}

// netstatTimer reads the -o column: "keepalive (7179.23/0/0)", "off
// (0.00/0/0)", "on (0.20/0/0)", "timewait (59.99/0/0)".
func netstatTimer(name, val string) *Timer {
	if name == "off" {
		return nil
	}
	raw := name + " " + val
	parts := strings.Split(strings.Trim(val, "()"), "/")
	tm := &Timer{Name: name, Raw: raw}
	if len(parts) >= 1 {
		if secs, err := strconv.ParseFloat(parts[0], 64); err == nil && secs >= 0 && secs < 1e9 {
			tm.Expire = time.Duration(secs * float64(time.Second))
		}
	}
	if len(parts) >= 2 {
		tm.Retrans, _ = strconv.Atoi(parts[1])
	}
	return tm
}
