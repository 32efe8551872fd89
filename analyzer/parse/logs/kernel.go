package logs

import (
	"strings"
)

// classify recognises one message. Cheap substring tests come first so that
// the common, uninteresting line costs a handful of scans.
func classify(msg string, p *parser, line int) (string, map[string]string) {
	if len(msg) < 8 {
		return "", nil
	}
	if i := strings.Index(msg, " OUT="); i >= 0 {
		if f := parseNetfilterLog(msg, i); f != nil {
			return KindIptablesLog, f
		}
	}
	if rest, ok := strings.CutPrefix(msg, "IPVS: "); ok {
		return parseIPVS(rest)
	}
	if i := strings.Index(msg, "table full, dropping packet"); i >= 0 {
		return KindConntrackFull, p.fields1("module", conntrackModule(msg[:i]))
	}
	if i := strings.Index(msg, "SYN flooding on port "); i >= 0 {
		return KindSynFlood, parseSynFlood(msg, i, p, line)
	}
	if strings.Contains(msg, "time wait bucket table overflow") {
		return KindTimeWaitOverflow, map[string]string{}
	}
	if strings.Contains(msg, "eighbor table overflow") || strings.Contains(msg, "eighbour table overflow") {
		return KindNeighbourOverflow, parseNeighbourOverflow(msg)
	}
	if rest, ok := strings.CutPrefix(msg, "NETDEV WATCHDOG: "); ok {
		return KindNetdevWatchdog, parseWatchdog(rest)
	}
	if strings.Contains(msg, "out of memory -- consider tuning tcp_mem") {
		return KindTCPOutOfMemory, map[string]string{}
	}
	if strings.Contains(msg, "too many orphaned sockets") || strings.Contains(msg, "too many of orphaned sockets") {
		return KindTCPOrphans, map[string]string{}
	}
	if i := strings.Index(msg, " callbacks suppressed"); i > 0 {
		return parseRatelimit(msg[:i])
	}
	if kind, f, ok := classifyLink(msg); ok {
		return kind, f
	}
	return classifyKeepalived(msg)
}

// parseNetfilterLog reads the LOG target's output (also nftables "log" and
// ulogd LOGEMU, which print the same keys). out is the index of " OUT=".
// The prefix is whatever precedes "IN=", which the kernel prints with no
// separator ("OUTPUT_LOG_10.20.0.6IN= OUT=lo ...").
//
// Fields: prefix and every KEY=value as printed (IN, OUT, MAC, SRC, DST,
// LEN, TOS, PREC, TTL, ID, PROTO, SPT, DPT, WINDOW, RES, URGP, ...); flags
// holds the TCP flag words after PROTO ("SYN ACK"), ip_flags those before it
// ("DF"); a key repeated after PROTO gets the protocol as prefix (ICMP_ID);
// OPT holds the option bytes; inner holds the quoted packet of an ICMP error.
func parseNetfilterLog(msg string, out int) map[string]string {
	in := strings.LastIndex(msg[:out], "IN=")
	if in < 0 || strings.IndexByte(msg[in:out], ' ') >= 0 {
		return nil
	}
	fields := map[string]string{"prefix": strings.TrimRight(msg[:in], " ")}
	var flags, ipFlags []string
	proto := ""
	s := msg[in:]
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		if s[i] == '[' {
			// ICMP errors quote the offending packet in brackets.
			end := i + matchingBracket(s[i:])
			fields["inner"] = strings.TrimSpace(strings.TrimSuffix(s[i+1:end], "]"))
			i = end
			continue
		}
		tokEnd := strings.IndexByte(s[i:], ' ')
		if tokEnd < 0 {
			tokEnd = len(s)
		} else {
			tokEnd += i
		}
		tok := s[i:tokEnd]
		i = tokEnd
		if tok == "OPT" && strings.HasPrefix(s[i:], " (") {
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				end = len(s) - i
			}
			fields["OPT"] = s[i+2 : i+end]
			i = min(i+end+1, len(s))
			continue
		}
		if frag, ok := strings.CutPrefix(tok, "FRAG:"); ok {
			fields["FRAG"] = frag
			continue
		}
		if eq := strings.IndexByte(tok, '='); eq > 0 {
			k, v := tok[:eq], tok[eq+1:]
			if _, dup := fields[k]; dup && proto != "" {
				k = proto + "_" + k
			}
			fields[k] = v
			if k == "PROTO" {
				proto = v
			}
			continue
		}
		if proto == "" {
			ipFlags = append(ipFlags, tok)
		} else {
			flags = append(flags, tok)
		}
	}
	if len(flags) > 0 {
		fields["flags"] = strings.Join(flags, " ")
	}
	if len(ipFlags) > 0 {
		fields["ip_flags"] = strings.Join(ipFlags, " ")
	}
	return fields
}

// matchingBracket returns the index after the ']' that closes the '[' at
// s[0], or len(s) when it is missing.
func matchingBracket(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// parseIPVS reads the kernel's IPVS debug messages (ip_vs debug_level >= 2):
// "__ip_vs_del_service: enter" and "Enter: ip_vs_add_service, <file> line N".
// Fields: func, detail, and op for real-server (dest) changes.
func parseIPVS(rest string) (string, map[string]string) {
	var fn, detail string
	if r, ok := strings.CutPrefix(rest, "Enter: "); ok {
		fn, detail, _ = strings.Cut(r, ", ")
	} else if i := strings.IndexAny(rest, ": ("); i > 0 && (rest[i] == ':' || rest[i] == '(') {
		fn, detail = rest[:i], strings.TrimLeft(rest[i:], "():")
		detail = strings.TrimPrefix(detail, " ")
	} else {
		return "", nil
	}
	if !strings.Contains(fn, "ip_vs") {
		return "", nil
	}
	fields := map[string]string{"func": fn, "detail": detail}
	switch {
	case strings.Contains(fn, "del_service"):
		return KindIPVSDelService, fields
	case strings.Contains(fn, "add_service"):
		return KindIPVSAddService, fields
	case strings.Contains(fn, "edit_service"):
		return KindIPVSEditService, fields
	case strings.Contains(fn, "_dest"):
		for _, op := range []string{"add", "new", "update", "edit", "del", "unlink"} {
			if strings.Contains(fn, op) {
				fields["op"] = op
				return KindIPVSDest, fields
			}
		}
	}
	return "", nil
}

// conntrackModule names the table from "nf_conntrack: " or
// "nf_conntrack: nf_conntrack: " (4.x+ prints the name twice) or the
// pre-2.6.15 "ip_conntrack: ".
func conntrackModule(before string) string {
	before = strings.TrimRight(before, ": ")
	if i := strings.LastIndex(before, ": "); i >= 0 {
		before = before[i+2:]
	}
	return before
}

// parseSynFlood reads "TCP: request_sock_TCP: Possible SYN flooding on port
// 8080. Sending cookies.  Check SNMP counters." and its variants: "TCP:
// Possible ... Dropping request." (3.x), "TCPv6: ...", and since 6.2 the
// listener address, "port 10.0.0.1:80." or "port [::]:80.".
// Fields: port, action (cookies|drop), listen (address, when printed), sock.
func parseSynFlood(msg string, at int, p *parser, line int) map[string]string {
	fields := map[string]string{}
	head := strings.TrimSuffix(strings.TrimRight(msg[:at], " "), " Possible")
	head = strings.TrimSuffix(head, " possible")
	if i := strings.LastIndex(head, ": "); i >= 0 {
		head = head[i+2:]
	}
	fields["sock"] = strings.TrimSuffix(head, ":")
	after := msg[at+len("SYN flooding on port "):]
	target, reason, _ := strings.Cut(after, ". ")
	target = strings.TrimSuffix(target, ".")
	port := target
	if i := strings.LastIndexByte(target, ':'); i >= 0 {
		port = target[i+1:]
		fields["listen"] = strings.Trim(target[:i], "[]")
	}
	if port == "" || leadingDigits(port) != len(port) {
		p.warn(line, "SYN flood message without a port number: %q", target)
	}
	fields["port"] = port
	switch {
	case strings.Contains(reason, "Sending cookies"):
		fields["action"] = "cookies"
	case strings.Contains(reason, "Dropping request"):
		fields["action"] = "drop"
	}
	return fields
}

// parseNeighbourOverflow reads "neighbour: arp_cache: neighbor table
// overflow!" (4.x+, also ndisc_cache) and "Neighbour table overflow." (3.x).
func parseNeighbourOverflow(msg string) map[string]string {
	fields := map[string]string{}
	if rest, ok := strings.CutPrefix(msg, "neighbour: "); ok {
		if table, _, found := strings.Cut(rest, ": "); found {
			fields["table"] = table
		}
	}
	return fields
}

// parseWatchdog reads "eth0 (ixgbe): transmit queue 3 timed out[ 5120 ms]".
func parseWatchdog(rest string) map[string]string {
	fields := map[string]string{}
	dev, rest, _ := strings.Cut(rest, " ")
	fields["dev"] = dev
	if strings.HasPrefix(rest, "(") {
		if end := strings.Index(rest, "):"); end > 0 {
			fields["driver"] = rest[1:end]
			rest = rest[end+2:]
		}
	}
	if r, ok := strings.CutPrefix(strings.TrimLeft(rest, " "), "transmit queue "); ok {
		q, _, _ := strings.Cut(r, " ")
		fields["queue"] = q
	}
	return fields
}

// parseRatelimit reads "net_ratelimit: 123" (before " callbacks
// suppressed"): that many kernel messages were not printed.
// Fields: source (the rate limiter), count.
func parseRatelimit(before string) (string, map[string]string) {
	src, count, ok := strings.Cut(before, ": ")
	if !ok || count == "" || leadingDigits(count) != len(count) {
		return "", nil
	}
	return KindNetRatelimit, map[string]string{"source": src, "count": count}
}
