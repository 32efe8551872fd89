package logs

import (
	"strings"
	"time"
)

// The line head (timestamp, host, program) is parsed by hand: regexps on
// every line of a 50 MB log would dominate the run time.

type tsKind int

const (
	tsNone     tsKind = iota
	tsFull            // t is complete (possibly read in Options.Location)
	tsYearless        // clock holds month..nsec; the year is resolved later
)

// clock is a calendar time without a year.
type clock struct {
	month                     time.Month
	day, hour, min, sec, nsec int
}

type head struct {
	ts        tsKind
	t         time.Time
	clock     clock
	zoneless  bool // the time was read in Options.Location
	host      string
	program   string
	pid       int
	msg       string
	uptime    time.Duration
	hasUptime bool
	repeated  string // rsyslog's "message repeated N times" count
}

func (p *parser) parseHead(lineNo int, s string) head {
	var h head
	stripped := stripPriority(s)
	hadPriority := len(stripped) < len(s)
	s = stripped
	switch {
	case s == "":
	case hadPriority && strings.HasPrefix(s, "1 ") && len(s) > 2 && (isDigit(s[2]) || s[2] == '-'):
		p.parseRFC5424(&h, s[2:])
	case s[0] == '{':
		p.parseJournalJSON(&h, s)
	case s[0] == '[':
		p.parseBracket(&h, s)
	case isDigit(s[0]):
		p.parseNumeric(&h, s)
	case isLetter(s[0]):
		p.parseWordy(&h, s)
	default:
		h.msg = s
	}
	p.finishHead(&h)
	return h
}

// finishHead unwraps rsyslog repeat reduction and the kernel's own uptime
// stamp that imklog copies into syslog ("kernel: [ 123.456] ...").
func (p *parser) finishHead(h *head) {
	if rest, ok := strings.CutPrefix(h.msg, "message repeated "); ok {
		n := leadingDigits(rest)
		if n > 0 && strings.HasPrefix(rest[n:], " times: [") {
			h.repeated = rest[:n]
			inner := strings.TrimPrefix(rest[n+len(" times: ["):], " ")
			h.msg = strings.TrimSuffix(inner, "]")
		}
	}
	if len(h.msg) > 0 && h.msg[0] == '[' && (h.program == "kernel" || h.program == "") {
		if end := strings.IndexByte(h.msg, ']'); end > 0 {
			if d, ok := parseUptime(h.msg[1:end]); ok {
				h.uptime, h.hasUptime = d, true
				h.msg = strings.TrimPrefix(h.msg[end+1:], " ")
			}
		}
	}
	if h.hasUptime && h.ts == tsNone && !p.boot.IsZero() {
		h.ts, h.t = tsFull, p.boot.Add(h.uptime)
	}
}

func stripPriority(s string) string {
	if len(s) < 3 || s[0] != '<' {
		return s
	}
	n := leadingDigits(s[1:])
	if n == 0 || n > 3 || 1+n >= len(s) || s[1+n] != '>' {
		return s
	}
	return s[2+n:]
}

// parseBracket handles "[uptime] msg", "[ctime] msg" (dmesg, dmesg -T) and
// journalctl -o short-monotonic "[uptime] host prog[pid]: msg".
func (p *parser) parseBracket(h *head, s string) {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		h.msg = s
		return
	}
	inner, rest := s[1:end], strings.TrimPrefix(s[end+1:], " ")
	if d, ok := parseUptime(inner); ok {
		h.uptime, h.hasUptime = d, true
		if looksLikeHostTag(rest) {
			h.host, h.program, h.pid, h.msg = splitHostTag(rest)
		} else {
			h.program, h.msg = "kernel", rest
		}
		return
	}
	if c, year, n, ok := parseCtime(inner); ok && n == len(inner) {
		h.ts, h.zoneless = tsFull, true
		h.t = time.Date(year, c.month, c.day, c.hour, c.min, c.sec, c.nsec, p.loc)
		h.program, h.msg = "kernel", rest
		return
	}
	h.msg = s
}

// looksLikeHostTag tells "host kernel: msg" from a kernel message such as
// "IPVS: ..." or "NETDEV WATCHDOG: ...": the second word must be a syslog
// tag "kernel:" or "prog[pid]:".
func looksLikeHostTag(s string) bool {
	sp := strings.IndexByte(s, ' ')
	if sp <= 0 || s[sp-1] == ':' {
		return false
	}
	t := s[sp+1:]
	if i := strings.IndexByte(t, ' '); i >= 0 {
		t = t[:i]
	}
	return t == "kernel:" || (strings.HasSuffix(t, "]:") && strings.IndexByte(t, '[') > 0)
}

// parseNumeric handles ISO timestamps (rsyslog, journalctl short-iso,
// dmesg --time-format iso) and journalctl short-unix.
func (p *parser) parseNumeric(h *head, s string) {
	if t, zoneless, n, ok := parseISO(s, p.loc); ok {
		h.ts, h.t, h.zoneless = tsFull, t, zoneless
		rest := strings.TrimPrefix(s[n:], " ")
		// dmesg writes a comma before the fraction and no host.
		if n > 19 && s[19] == ',' {
			h.program, h.msg = "kernel", rest
			return
		}
		h.host, h.program, h.pid, h.msg = splitHostTag(rest)
		return
	}
	// short-unix: "1542724596.123456 host prog: msg"
	n := leadingDigits(s)
	if n >= 9 && n <= 11 && n < len(s) && s[n] == '.' {
		f := leadingDigits(s[n+1:])
		end := n + 1 + f
		if f > 0 && f <= 9 && end < len(s) && s[end] == ' ' {
			sec := atoi(s[:n])
			nsec := atoi(s[n+1 : end])
			for i := f; i < 9; i++ {
				nsec *= 10
			}
			h.ts, h.t = tsFull, time.Unix(int64(sec), int64(nsec)).UTC()
			h.host, h.program, h.pid, h.msg = splitHostTag(s[end+1:])
			return
		}
	}
	h.msg = s
}

// parseWordy handles lines that start with a letter: syslog "Nov 20 ...",
// keepalived console "Tue Nov 20 22:36:36 2018: msg", journalctl
// short-full "Tue 2018-11-20 22:36:36 CST ...", dmesg -x "kern  :info  : ...".
func (p *parser) parseWordy(h *head, s string) {
	if c, n, ok := parseSyslogStamp(s); ok {
		h.ts, h.clock, h.zoneless = tsYearless, c, true
		h.host, h.program, h.pid, h.msg = splitHostTag(strings.TrimPrefix(s[n:], " "))
		return
	}
	if c, year, n, ok := parseCtime(s); ok && strings.HasPrefix(s[n:], ": ") {
		h.ts, h.zoneless = tsFull, true
		h.t = time.Date(year, c.month, c.day, c.hour, c.min, c.sec, c.nsec, p.loc)
		h.msg = s[n+2:]
		return
	}
	// OpenWrt logread: "Thu Dec  4 10:02:03 2026 kern.warn kernel: ...",
	// a ctime stamp and the facility.level, with no host field.
	if c, year, n, ok := parseCtime(s); ok && strings.HasPrefix(s[n:], " ") {
		rest := s[n+1:]
		if sp := strings.IndexByte(rest, ' '); sp > 0 && isFacilityLevel(rest[:sp]) {
			h.ts, h.zoneless = tsFull, true
			h.t = time.Date(year, c.month, c.day, c.hour, c.min, c.sec, c.nsec, p.loc)
			_, h.program, h.pid, h.msg = splitHostTag(rest[sp+1:])
			return
		}
	}
	if len(s) > 4 && isWeekday(s[:3]) && s[3] == ' ' {
		if t, n, zoneless, ok := p.parseShortFull(s[4:]); ok {
			h.ts, h.t, h.zoneless = tsFull, t, zoneless
			h.host, h.program, h.pid, h.msg = splitHostTag(strings.TrimPrefix(s[4+n:], " "))
			return
		}
	}
	if facility, n, ok := parseDmesgLevel(s); ok {
		rest := s[n:]
		if rest != "" && rest[0] == '[' {
			p.parseBracket(h, rest)
		} else {
			h.msg = rest
		}
		if facility == "kern" {
			h.program = "kernel"
		} else if h.program == "kernel" {
			h.program = ""
		}
		return
	}
	h.msg = s
}

// parseRFC5424 handles "1 TIMESTAMP HOST APP PROCID MSGID SD MSG" (the
// "<PRI>" is already gone).
func (p *parser) parseRFC5424(h *head, s string) {
	fields := make([]string, 0, 5)
	rest := s
	for len(fields) < 5 {
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			fields = append(fields, rest)
			rest = ""
			break
		}
		fields = append(fields, rest[:i])
		rest = rest[i+1:]
	}
	if len(fields) < 5 {
		h.msg = s
		return
	}
	if fields[0] != "-" {
		t, zoneless, n, ok := parseISO(fields[0], p.loc)
		if !ok || n != len(fields[0]) {
			h.msg = s
			return
		}
		h.ts, h.t, h.zoneless = tsFull, t, zoneless
	}
	nilValue := func(v string) string {
		if v == "-" {
			return ""
		}
		return v
	}
	h.host, h.program = nilValue(fields[1]), nilValue(fields[2])
	h.pid = atoi(nilValue(fields[3]))
	// Structured data: "-" or one or more "[id k="v" ...]" elements.
	if strings.HasPrefix(rest, "-") {
		rest = strings.TrimPrefix(rest[1:], " ")
	} else {
		for strings.HasPrefix(rest, "[") {
			end := sdEnd(rest)
			rest = rest[end:]
		}
		rest = strings.TrimPrefix(rest, " ")
	}
	h.msg = strings.TrimPrefix(rest, "\ufeff")
}

// sdEnd returns the index after the structured-data element at the start of
// s, honouring backslash escapes inside quoted values.
func sdEnd(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case ']':
			if !quoted {
				return i + 1
			}
		}
	}
	return len(s)
}

// splitHostTag splits "host prog[pid]: msg". A missing tag leaves the
// program empty; a first word ending in ':' is taken as the tag (no host).
func splitHostTag(s string) (host, program string, pid int, msg string) {
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		return s, "", 0, ""
	}
	if sp > 0 && s[sp-1] != ':' {
		host, s = s[:sp], s[sp+1:]
	}
	sp = strings.IndexByte(s, ' ')
	tag := s
	if sp >= 0 {
		tag = s[:sp]
	}
	if !strings.HasSuffix(tag, ":") || len(tag) < 2 {
		return host, "", 0, s
	}
	tag = tag[:len(tag)-1]
	msg = ""
	if sp >= 0 {
		msg = s[sp+1:]
	}
	if i := strings.IndexByte(tag, '['); i > 0 && strings.HasSuffix(tag, "]") {
		return host, tag[:i], atoi(tag[i+1 : len(tag)-1]), msg
	}
	return host, tag, 0, msg
}

// parseSyslogStamp reads "Mmm dd hh:mm:ss[.frac]" (day may be space-padded).
func parseSyslogStamp(s string) (clock, int, bool) {
	var c clock
	if len(s) < 15 || s[3] != ' ' || s[6] != ' ' {
		return c, 0, false
	}
	m := monthOf(s[:3])
	if m == 0 {
		return c, 0, false
	}
	day, ok := paddedDay(s[4:6])
	if !ok {
		return c, 0, false
	}
	hh, mm, ss, ns, n, ok := parseClock(s[7:])
	if !ok || (7+n < len(s) && s[7+n] != ' ') {
		return c, 0, false
	}
	return clock{m, day, hh, mm, ss, ns}, 7 + n, true
}

// parseCtime reads "Www Mmm dd hh:mm:ss yyyy" as ctime(3) and dmesg -T print it.
func parseCtime(s string) (clock, int, int, bool) {
	var c clock
	if len(s) < 24 || !isWeekday(s[:3]) || s[3] != ' ' {
		return c, 0, 0, false
	}
	c2, n, ok := parseSyslogStamp(s[4:])
	if !ok || 4+n+5 > len(s) || s[4+n] != ' ' {
		return c, 0, 0, false
	}
	y := s[4+n+1 : 4+n+5]
	if leadingDigits(y) != 4 {
		return c, 0, 0, false
	}
	return c2, atoi(y), 4 + n + 5, true
}

// parseShortFull reads journalctl short-full after the weekday:
// "2018-11-20 22:36:36 CST". Zone names other than UTC/GMT are ambiguous
// (CST is three zones), so such times are read in Options.Location.
func (p *parser) parseShortFull(s string) (time.Time, int, bool, bool) {
	if len(s) < 20 || s[10] != ' ' {
		return time.Time{}, 0, false, false
	}
	y, mo, d, ok := parseDate(s)
	if !ok {
		return time.Time{}, 0, false, false
	}
	hh, mm, ss, ns, n, ok := parseClock(s[11:])
	if !ok {
		return time.Time{}, 0, false, false
	}
	end := 11 + n
	loc, zoneless := p.loc, true
	if end < len(s) && s[end] == ' ' {
		z := s[end+1:]
		if i := strings.IndexByte(z, ' '); i >= 0 {
			z = z[:i]
		}
		if z == "UTC" || z == "GMT" {
			loc, zoneless = time.UTC, false
		}
		end += 1 + len(z)
	}
	return time.Date(y, mo, d, hh, mm, ss, ns, loc), end, zoneless, true
}

// parseISO reads "YYYY-MM-DDTHH:MM:SS[.,frac][Z|±hh:mm|±hhmm|±hh]".
func parseISO(s string, loc *time.Location) (t time.Time, zoneless bool, n int, ok bool) {
	if len(s) < 19 || s[10] != 'T' {
		return
	}
	y, mo, d, ok := parseDate(s)
	if !ok {
		return
	}
	hh, mm, ss, ns, cn, ok := parseClock(s[11:])
	if !ok || cn < 8 {
		return t, false, 0, false
	}
	n = 11 + cn
	zone := loc
	zoneless = true
	if n < len(s) {
		switch s[n] {
		case 'Z':
			zone, zoneless, n = time.UTC, false, n+1
		case '+', '-':
			sign := 1
			if s[n] == '-' {
				sign = -1
			}
			z := s[n+1:]
			var oh, om, zl int
			switch {
			case len(z) >= 5 && leadingDigits(z) == 2 && z[2] == ':' && leadingDigits(z[3:]) >= 2:
				oh, om, zl = atoi(z[:2]), atoi(z[3:5]), 5
			case leadingDigits(z) >= 4:
				oh, om, zl = atoi(z[:2]), atoi(z[2:4]), 4
			case leadingDigits(z) == 2:
				oh, zl = atoi(z[:2]), 2
			default:
				return t, false, 0, false
			}
			if oh > 23 || om > 59 {
				return t, false, 0, false
			}
			off := sign * (oh*3600 + om*60)
			zone, zoneless, n = time.FixedZone("", off), false, n+1+zl
		}
	}
	if n < len(s) && s[n] != ' ' {
		return t, false, 0, false
	}
	return time.Date(y, mo, d, hh, mm, ss, ns, zone), zoneless, n, true
}

// parseDate reads "YYYY-MM-DD".
func parseDate(s string) (int, time.Month, int, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' ||
		leadingDigits(s[:4]) != 4 || leadingDigits(s[5:7]) != 2 || leadingDigits(s[8:10]) != 2 {
		return 0, 0, 0, false
	}
	mo, d := atoi(s[5:7]), atoi(s[8:10])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	return atoi(s[:4]), time.Month(mo), d, true
}

// parseClock reads "hh:mm:ss" with an optional ".frac" or ",frac" and
// returns the number of bytes used.
func parseClock(s string) (hh, mm, ss, ns, n int, ok bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' ||
		leadingDigits(s[:2]) != 2 || leadingDigits(s[3:5]) != 2 || leadingDigits(s[6:8]) != 2 {
		return
	}
	hh, mm, ss = atoi(s[:2]), atoi(s[3:5]), atoi(s[6:8])
	if hh > 23 || mm > 59 || ss > 60 {
		return 0, 0, 0, 0, 0, false
	}
	n = 8
	if n < len(s) && (s[n] == '.' || s[n] == ',') {
		f := leadingDigits(s[n+1:])
		if f > 0 {
			digits := s[n+1 : n+1+min(f, 9)]
			ns = atoi(digits)
			for i := len(digits); i < 9; i++ {
				ns *= 10
			}
			n += 1 + f
		}
	}
	return hh, mm, ss, ns, n, true
}

// parseUptime reads dmesg's "   12345.678901" (seconds since boot).
func parseUptime(s string) (time.Duration, bool) {
	s = strings.TrimLeft(s, " ")
	n := leadingDigits(s)
	if n == 0 || n > 10 || n == len(s) || s[n] != '.' {
		return 0, false
	}
	f := leadingDigits(s[n+1:])
	if f == 0 || n+1+f != len(s) {
		return 0, false
	}
	frac := s[n+1 : n+1+min(f, 9)]
	ns := atoi(frac)
	for i := len(frac); i < 9; i++ {
		ns *= 10
	}
	return time.Duration(atoi(s[:n]))*time.Second + time.Duration(ns), true
}

// parseDmesgLevel reads the "kern  :info  : " prefix of dmesg -x.
func parseDmesgLevel(s string) (facility string, n int, ok bool) {
	i := 0
	for i < len(s) && isLower(s[i]) {
		i++
	}
	facility = s[:i]
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if facility == "" || i >= len(s) || s[i] != ':' {
		return "", 0, false
	}
	i++
	j := i
	for j < len(s) && isLower(s[j]) {
		j++
	}
	if j == i {
		return "", 0, false
	}
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j+1 >= len(s) || s[j] != ':' || s[j+1] != ' ' {
		return "", 0, false
	}
	return facility, j + 2, true
}

func paddedDay(s string) (int, bool) {
	var d int
	switch {
	case s[0] == ' ' && isDigit(s[1]):
		d = int(s[1] - '0')
	case isDigit(s[0]) && isDigit(s[1]):
		d = atoi(s)
	default:
		return 0, false
	}
	return d, d >= 1 && d <= 31
}

func monthOf(s string) time.Month {
	switch s {
	case "Jan":
		return time.January
	case "Feb":
		return time.February
	case "Mar":
		return time.March
	case "Apr":
		return time.April
	case "May":
		return time.May
	case "Jun":
		return time.June
	case "Jul":
		return time.July
	case "Aug":
		return time.August
	case "Sep":
		return time.September
	case "Oct":
		return time.October
	case "Nov":
		return time.November
	case "Dec":
		return time.December
	}
	return 0
}

func isWeekday(s string) bool {
	switch s {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLower(b byte) bool  { return b >= 'a' && b <= 'z' }
func isLetter(b byte) bool { return isLower(b) || (b >= 'A' && b <= 'Z') }

func leadingDigits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// atoi converts a short run of digits, ignoring anything after them; it
// saturates instead of overflowing.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		if n > 1<<40 {
			return n
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
