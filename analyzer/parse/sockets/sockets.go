// Package sockets parses socket listings (`ss` in any flag combination and
// `lsof -i`) into one socket model, so rules can ask who listens on a port,
// which connections have data stuck in their queues and how idle they are.
package sockets

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Endpoint is one side of a socket.
type Endpoint struct {
	// Addr is the address with IPv4-mapped IPv6 unwrapped (::ffff:a.b.c.d
	// becomes a.b.c.d), "*" for a wildcard; for unix sockets the path (or
	// "*"), for netlink the protocol number.
	Addr string
	// Port is the port (for unix sockets the inode, for netlink the
	// port id); -1 for "*".
	Port int
	// Iface is the interface scope ("eth0" in fe80::1%eth0:123 or
	// 0.0.0.0%virbr0:67).
	Iface string
	// Raw is the text as printed.
	Raw string
}

// IsAny reports whether the address is a wildcard (*, 0.0.0.0 or ::).
func (e Endpoint) IsAny() bool {
	switch e.Addr {
	case "", "*", "0.0.0.0", "::":
		return true
	}
	return false
}

// Proc is one process holding a socket.
type Proc struct {
	Name string
	PID  int
	FD   int // -1 when unknown
}

// Timer is the `-o` timer of a socket, e.g. timer:(keepalive,119min,0).
type Timer struct {
	Name    string // on, keepalive, timewait, persist, unknown
	Expire  time.Duration
	Retrans int
	Raw     string
}

// Socket is one row of the listing.
type Socket struct {
	Netid        string // tcp, udp, raw, u_str, u_dgr, u_seq, nl, ...; "" when not shown
	State        string // ss state names: ESTAB, LISTEN, TIME-WAIT, UNCONN, ...
	RecvQ, SendQ int64
	Local, Peer  Endpoint
	Users        []Proc
	Timer        *Timer
	UID          int    // -1 when not shown
	Inode        uint64 // 0 when not shown
	// Mem holds the -m counters by name (skmem: r, rb, t, tb, f, w, o, bl, d).
	Mem map[string]int64
	// Info holds the -i tcp-info fields ("rto" -> "201", "send" -> "352.1Mbps");
	// bare words such as "cubic" or "app_limited" map to "".
	Info map[string]string
	// Ext keeps the other fields of the row that have no field of their own
	// (-e "sk", "v6only", "cgroup", netlink "groups", the shutdown marker
	// "<->" under "shutdown", and lsof's DEVICE/USER columns).
	Ext map[string]string
	Src source.Ref // the row plus its continuation lines
}

// InfoDuration returns a tcp-info duration field (lastsnd, lastrcv,
// lastack, rto, ato, rtt, minrtt, busy, ...). ss prints these in
// milliseconds, either bare ("lastrcv:132"), with a unit ("busy:2ms") or as
// value/variance ("rtt:0.329/0.315", of which the value is returned).
func (s *Socket) InfoDuration(key string) (time.Duration, bool) {
	v, ok := s.Info[key]
	if !ok || v == "" {
		return 0, false
	}
	if i := strings.IndexAny(v, "/("); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSuffix(v, "ms")
	ms, err := strconv.ParseFloat(v, 64)
	if err != nil || ms < 0 || ms > float64(1<<62)/float64(time.Millisecond) {
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

// Table is a parsed listing.
type Table struct {
	Form    string // "ss", "netstat", "lsof", "procnet" or "netlink"
	Sockets []*Socket
}

// Parse reads `ss`, `netstat -tanp[o]`, `lsof -i` output or the kernel's
// /proc/net/{tcp,tcp6,udp,udp6} tables. The form is recognised from the
// first header (COMMAND ... NAME means lsof); without any header the rows
// are read as ss rows.
func Parse(artifact string, data []byte) (*Table, []source.Warning) {
	lines := source.Lines(data)
	// The first header decides; a shell prompt line may precede it.
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) > 0 && f[0] == "COMMAND" && containsWord(f, "PID") && containsWord(f, "NAME") {
			return parseLsof(artifact, lines)
		}
		if isNetstatHeader(f) {
			return parseNetstat(artifact, lines)
		}
		if isProcNetHeader(f) {
			return parseProcNet(artifact, lines)
		}
		if isNetlinkHeader(f) {
			return parseNetlink(artifact, lines)
		}
		if isSSHeader(f) {
			break
		}
	}
	return parseSS(artifact, lines)
}

func containsWord(fields []string, w string) bool {
	for _, f := range fields {
		if f == w {
			return true
		}
	}
	return false
}

// ssStates are the state names ss prints (sstate_name in iproute2).
var ssStates = map[string]bool{
	"UNKNOWN": true, "ESTAB": true, "SYN-SENT": true, "SYN-RECV": true,
	"FIN-WAIT-1": true, "FIN-WAIT-2": true, "TIME-WAIT": true, "UNCONN": true,
	"CLOSE-WAIT": true, "LAST-ACK": true, "LISTEN": true, "CLOSING": true,
	"CLOSED": true, "NEW-SYN-RECV": true, "BOUND": true,
}

func parseSS(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{Form: "ss"}
	var warns []source.Warning
	var last *Socket
	// The row's text and its continuation lines; joined once per socket
	// because appending to Src.Text line by line is quadratic.
	var block []string
	flush := func() {
		if last != nil && len(block) > 1 {
			last.Src.Text = strings.Join(block, "\n")
		}
		block = block[:0]
	}
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		text := l.Text
		if strings.TrimSpace(text) == "" {
			continue
		}
		if text[0] == ' ' || text[0] == '\t' {
			// -i, -m and -e details of the previous socket.
			if last == nil {
				warns = append(warns, source.Warnf(l.No, "continuation line without a socket"))
				continue
			}
			last.addDetails(tokenize(text))
			last.Src.EndLine = l.No
			block = append(block, text)
			continue
		}
		flush()
		toks := tokenize(text)
		if isSSHeader(toks) {
			last = nil
			continue
		}
		s, err := parseSSRow(toks)
		if err != "" {
			warns = append(warns, source.Warnf(l.No, "%s: %.80q", err, text))
			last = nil
			continue
		}
		s.Src = source.At(artifact, l.No, text)
		t.Sockets = append(t.Sockets, s)
		last = s
		block = append(block, text)
	}
	flush()
	return t, warns
}

func isSSHeader(toks []string) bool {
	return len(toks) > 2 && (toks[0] == "Netid" || toks[0] == "State" || toks[0] == "Recv-Q") &&
		containsWord(toks, "Send-Q")
}

func newSocket() *Socket {
	return &Socket{UID: -1}
}

// parseSSRow parses "[netid] [state] recvq sendq local peer extras...".
// The state column is missing when ss is run with a single state filter
// (`ss -t state established`), the netid column when only one socket type is
// listed.
func parseSSRow(toks []string) (*Socket, string) {
	s := newSocket()
	i := 0
	if len(toks) > 0 && !ssStates[toks[0]] && !isInt(toks[0]) {
		s.Netid = toks[0]
		i++
	}
	if i < len(toks) && ssStates[toks[i]] {
		s.State = toks[i]
		i++
	}
	if len(toks) < i+4 {
		return nil, "too few fields for a socket"
	}
	var err error
	if s.RecvQ, err = strconv.ParseInt(toks[i], 10, 64); err != nil {
		return nil, "bad Recv-Q"
	}
	if s.SendQ, err = strconv.ParseInt(toks[i+1], 10, 64); err != nil {
		return nil, "bad Send-Q"
	}
	i += 2
	rest := toks[i:]
	if isUnixRow(s.Netid, rest) {
		// Unix rows print "path inode peer peer-inode"; the path may contain
		// spaces, so count from the end of the address columns.
		n := 0
		for n < len(rest) && !isExtra(rest[n]) {
			n++
		}
		if n < 4 {
			return nil, "too few address fields for a unix socket"
		}
		local := strings.Join(rest[:n-3], " ")
		s.Local = unixEndpoint(local, rest[n-3])
		s.Peer = unixEndpoint(rest[n-2], rest[n-1])
		rest = rest[n:]
	} else {
		s.Local = parseEndpoint(rest[0])
		s.Peer = parseEndpoint(rest[1])
		rest = rest[2:]
	}
	s.addExtras(rest)
	return s, ""
}

func isUnixRow(netid string, rest []string) bool {
	if strings.HasPrefix(netid, "u_") {
		return true
	}
	if netid != "" || len(rest) < 4 {
		return false
	}
	// No netid column (`ss -x` with one type): a path or "*" followed by
	// an inode number.
	return (strings.HasPrefix(rest[0], "/") || strings.HasPrefix(rest[0], "@") || rest[0] == "*") && isInt(rest[1])
}

// isExtra reports whether a token is one of the fields ss prints after the
// addresses, which ends a unix socket's address columns.
func isExtra(tok string) bool {
	switch tok {
	case "<->", "-->", "<--", "---":
		return true
	}
	for _, p := range []string{"users:(", "timer:(", "skmem:(", "mem:(", "uid:", "ino:", "sk:", "cgroup:", "v6only:"} {
		if strings.HasPrefix(tok, p) {
			return true
		}
	}
	return false
}

func unixEndpoint(name, port string) Endpoint {
	e := Endpoint{Addr: name, Port: -1, Raw: name + " " + port}
	if n, err := strconv.Atoi(port); err == nil {
		e.Port = n
	}
	return e
}

// parseEndpoint parses ss address forms: "10.0.0.1:80", "*:2380", "*",
// "[::]:22", ":::22" (old ss), "::ffff:10.0.0.1:80", "[::ffff:10.0.0.1]:80",
// "fe80::1%eth0:123", "[fe80::1]%eth0:123", "0.0.0.0%virbr0:67", "0:967"
// (netlink), and service names without -n ("10.0.0.1:ssh").
func parseEndpoint(raw string) Endpoint {
	e := Endpoint{Raw: raw, Port: -1}
	host, port := raw, "*"
	if i := strings.LastIndexByte(raw, ':'); i >= 0 {
		host, port = raw[:i], raw[i+1:]
	} else if raw != "*" {
		host, port = raw, ""
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		e.Iface = strings.TrimSuffix(host[i+1:], "]")
		host = host[:i]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		if a.Zone() != "" && e.Iface == "" {
			e.Iface = a.Zone()
		}
		host = a.WithZone("").String()
	}
	e.Addr = host
	switch {
	case port == "*":
		e.Port = -1
	default:
		if n, err := strconv.Atoi(port); err == nil {
			// Netlink port ids may be negative.
			e.Port = n
			break
		}
		e.Port = wellKnownPorts[port] // 0 when unknown
	}
	return e
}

// wellKnownPorts resolves the service names ss and lsof print without -n/-P
// for the ports that matter on the hosts we look at.
var wellKnownPorts = map[string]int{
	"ssh": 22, "domain": 53, "http": 80, "https": 443, "sunrpc": 111,
	"ntp": 123, "bootps": 67, "bootpc": 68, "ipp": 631, "mysql": 3306,
	"postgres": 5432, "amqp": 5672, "smtp": 25, "ldap": 389, "ldaps": 636,
	"http-alt": 8080, "webcache": 8080, "etcd-client": 2379, "etcd-server": 2380,
	"mdns": 5353, "snmp": 161, "bgp": 179, "vrrp": 112, "rsync": 873,
}

func isInt(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) < 19
}

// tokenize splits on whitespace outside parentheses and double quotes, so
// users:(("Web Content",pid=1,fd=2)) stays one token.
func tokenize(line string) []string {
	var toks []string
	depth, inQuote, start := 0, false, -1
	for i := 0; i < len(line); i++ {
		c := line[i]
		if start < 0 {
			if c == ' ' || c == '\t' {
				continue
			}
			start = i
		}
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case (c == ' ' || c == '\t') && depth == 0:
			toks = append(toks, line[start:i])
			start = -1
		}
	}
	if start >= 0 {
		toks = append(toks, line[start:])
	}
	return toks
}

// addExtras handles the fields after the addresses on the row itself.
func (s *Socket) addExtras(toks []string) {
	for _, tok := range toks {
		if s.addCommon(tok) {
			continue
		}
		switch tok {
		case "<->", "-->", "<--", "---":
			s.setExt("shutdown", tok)
			continue
		}
		if k, v, ok := splitKV(tok); ok {
			switch k {
			case "uid":
				if n, err := strconv.Atoi(v); err == nil {
					s.UID = n
					continue
				}
			case "ino":
				if n, err := strconv.ParseUint(v, 10, 64); err == nil {
					s.Inode = n
					continue
				}
			}
			s.setExt(k, v)
			continue
		}
		s.setExt(tok, "")
	}
}

// addCommon handles the fields that may sit on the row or on a
// continuation line.
func (s *Socket) addCommon(tok string) bool {
	switch {
	case strings.HasPrefix(tok, "users:("):
		s.Users = append(s.Users, parseUsers(tok[len("users:"):])...)
	case strings.HasPrefix(tok, "timer:("):
		s.Timer = parseTimer(tok)
	case strings.HasPrefix(tok, "skmem:("):
		s.Mem = parseMem(tok[len("skmem:"):], s.Mem)
	case strings.HasPrefix(tok, "mem:("):
		s.Mem = parseMem(tok[len("mem:"):], s.Mem)
	default:
		return false
	}
	return true
}

// spacedInfoKeys are the tcp-info fields ss prints as "name value" rather
// than "name:value".
var spacedInfoKeys = map[string]bool{"send": true, "pacing_rate": true, "delivery_rate": true}

// addDetails handles a continuation line: skmem and tcp-info.
func (s *Socket) addDetails(toks []string) {
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if s.addCommon(tok) {
			continue
		}
		if s.Info == nil {
			s.Info = map[string]string{}
		}
		if spacedInfoKeys[tok] && i+1 < len(toks) {
			s.Info[tok] = toks[i+1]
			i++
			continue
		}
		if k, v, ok := splitKV(tok); ok {
			s.Info[k] = v
			continue
		}
		s.Info[tok] = ""
	}
}

// splitKV splits "key:value" and netlink's "key=value".
func splitKV(tok string) (string, string, bool) {
	i := strings.IndexAny(tok, ":=")
	if i <= 0 {
		return "", "", false
	}
	return tok[:i], tok[i+1:], true
}

func (s *Socket) setExt(k, v string) {
	if s.Ext == nil {
		s.Ext = map[string]string{}
	}
	s.Ext[k] = v
}

// parseUsers parses (("nginx",pid=1,fd=6),("nginx",pid=2,fd=6)) and the
// older iproute2 form (("sshd",1234,3)).
func parseUsers(v string) []Proc {
	var procs []Proc
	for {
		q := strings.IndexByte(v, '"')
		if q < 0 {
			return procs
		}
		v = v[q+1:]
		q = strings.IndexByte(v, '"')
		if q < 0 {
			return procs
		}
		p := Proc{Name: v[:q], PID: -1, FD: -1}
		v = v[q+1:]
		end := strings.IndexByte(v, ')')
		if end < 0 {
			end = len(v)
		}
		positional := 0
		for _, f := range strings.Split(v[:end], ",") {
			if f == "" {
				continue
			}
			k, val, ok := strings.Cut(f, "=")
			if !ok {
				// Old form: pid then fd by position.
				k, val = []string{"pid", "fd"}[min(positional, 1)], f
				positional++
			}
			n, err := strconv.Atoi(val)
			if err != nil {
				continue
			}
			switch k {
			case "pid":
				p.PID = n
			case "fd":
				p.FD = n
			}
		}
		procs = append(procs, p)
		v = v[end:]
	}
}

// parseTimer parses timer:(name,expire,retrans).
func parseTimer(tok string) *Timer {
	t := &Timer{Raw: tok}
	inner := strings.TrimSuffix(strings.TrimPrefix(tok, "timer:("), ")")
	parts := strings.Split(inner, ",")
	t.Name = parts[0]
	if len(parts) > 1 {
		t.Expire, _ = parseTimerDuration(parts[1])
	}
	if len(parts) > 2 {
		t.Retrans, _ = strconv.Atoi(parts[2])
	}
	return t
}

// parseTimerDuration reads ss's print_ms_timer format: "[Nmin][Nsec]",
// "N.MMMms" (N seconds and MMM milliseconds, not a fraction of a
// millisecond), "MMMms", "1min30sec" or "117min". Older ss also printed a
// negative remainder for expired timers ("-1sec").
func parseTimerDuration(s string) (time.Duration, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var d time.Duration
	ok := false
	num := func() (int64, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 12 {
			return 0, false
		}
		n, _ := strconv.ParseInt(s[:i], 10, 64)
		s = s[i:]
		return n, true
	}
	for s != "" {
		n, good := num()
		if !good {
			return 0, false
		}
		switch {
		case strings.HasPrefix(s, "min"):
			d += time.Duration(n) * time.Minute
			s = s[3:]
		case strings.HasPrefix(s, "sec"):
			d += time.Duration(n) * time.Second
			s = s[3:]
		case strings.HasPrefix(s, "ms"):
			d += time.Duration(n) * time.Millisecond
			s = s[2:]
		case strings.HasPrefix(s, "."):
			d += time.Duration(n) * time.Second
			s = s[1:]
		default:
			return 0, false
		}
		ok = true
	}
	if neg {
		d = -d
	}
	return d, ok
}

// parseMem parses skmem:(r0,rb369280,...) and the old mem:(r0,w0,f0,t0):
// a name of letters followed by a number.
func parseMem(v string, into map[string]int64) map[string]int64 {
	if into == nil {
		into = map[string]int64{}
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "("), ")")
	for _, f := range strings.Split(v, ",") {
		i := 0
		for i < len(f) && (f[i] < '0' || f[i] > '9') {
			i++
		}
		if i == 0 || i == len(f) {
			continue
		}
		if n, err := strconv.ParseInt(f[i:], 10, 64); err == nil {
			into[f[:i]] = n
		}
	}
	return into
}
