package logs

import (
	"net/netip"
	"strings"
)

// endpoint is keepalived's way of printing an address: "[10.0.0.2]:80"
// (1.2+), "[10.0.0.2]:tcp:80" (2.x) or "[10.0.0.2:80]" (1.1).
type endpoint struct {
	addr, proto, port string
}

// String renders the endpoint as "10.0.0.2:80" or "[fd00::2]:80", the form
// ipvsadm -Ln prints, so events join with IPVS tables.
func (e endpoint) String() string {
	switch {
	case e.port == "":
		return e.addr
	case strings.IndexByte(e.addr, ':') >= 0:
		return "[" + e.addr + "]:" + e.port
	}
	return e.addr + ":" + e.port
}

// parseEndpoint reads an endpoint at the start of s and returns the bytes
// used. A doubled "[[" (2.x MISC_CHECK messages) is accepted.
func parseEndpoint(s string) (endpoint, int, bool) {
	var e endpoint
	skip := 0
	if strings.HasPrefix(s, "[[") {
		skip = 1
	}
	s2 := s[skip:]
	if !strings.HasPrefix(s2, "[") {
		return e, 0, false
	}
	end := strings.IndexByte(s2, ']')
	if end < 0 {
		return e, 0, false
	}
	inner := s2[1:end]
	if _, err := netip.ParseAddr(inner); err == nil {
		e.addr = inner
	} else if a, port, ok := strings.Cut(inner, ":"); ok && leadingDigits(port) == len(port) && port != "" {
		if _, err := netip.ParseAddr(a); err != nil {
			return e, 0, false
		}
		e.addr, e.port = a, port
	} else {
		return e, 0, false
	}
	n := skip + end + 1
	if e.port == "" && n < len(s) && s[n] == ':' {
		// ":80" or ":tcp:80"
		j := n + 1
		for j < len(s) && (isLower(s[j]) || isDigit(s[j]) || s[j] == ':') {
			j++
		}
		spec := s[n+1 : j]
		if proto, port, ok := strings.Cut(spec, ":"); ok {
			e.proto, e.port = proto, port
		} else {
			e.port = spec
		}
		n = j
	}
	return e, n, true
}

// putEndpoint stores the endpoint found at s[i:] under key (and its
// protocol under "proto"); when s is not an endpoint it keeps the raw text,
// e.g. "FWM 1" or a virtual server group name.
func putEndpoint(fields map[string]string, key, s string) {
	if e, _, ok := parseEndpoint(s); ok {
		fields[key] = e.String()
		if e.proto != "" {
			fields["proto"] = e.proto
		}
		return
	}
	fields[key] = strings.TrimSuffix(strings.TrimSpace(s), ".")
}

// classifyKeepalived recognises keepalived's checker and VRRP messages,
// old (1.2/1.3) and new (2.x) wordings.
func classifyKeepalived(msg string) (string, map[string]string) {
	if kw, ok := unknownKeyword(msg); ok {
		return KindKeepalivedConfig, map[string]string{"keyword": kw}
	}
	switch msg[0] {
	case 'R', 'A', 'D', 'E':
		if kind, f := parseRealChange(msg); kind != "" {
			return kind, f
		}
	case 'L', 'G':
		if kind, f := parseQuorum(msg); kind != "" {
			return kind, f
		}
	}
	if kind, f := parseVRRP(msg); kind != "" {
		return kind, f
	}
	return parseCheck(msg)
}

// unknownKeyword reads keepalived's complaint about its own configuration,
// "Unknown keyword 'nb_get_retry'" (also with a line number or file in
// front, as 2.x prints it): the setting is ignored.
func unknownKeyword(msg string) (string, bool) {
	i := strings.Index(msg, "Unknown keyword '")
	if i < 0 {
		return "", false
	}
	rest := msg[i+len("Unknown keyword '"):]
	end := strings.IndexByte(rest, '\'')
	if end <= 0 {
		return "", false
	}
	return rest[:end], true
}

var realChanges = []struct{ prefix, kind string }{
	{"Removing service ", KindKeepalivedRemove},
	{"Disabling service ", KindKeepalivedRemove}, // 2.x, inhibit_on_failure / at start-up
	{"Removing sorry server ", KindKeepalivedRemove},
	{"Adding service ", KindKeepalivedAdd},
	{"Enabling service ", KindKeepalivedAdd},
	{"Adding sorry server ", KindKeepalivedAdd},
}

// parseRealChange reads "Removing service [10.244.3.27]:5432 from VS
// [192.168.128.5]:5432" and its relatives. Fields: real, vs, proto, and
// sorry=true for a sorry server.
func parseRealChange(msg string) (string, map[string]string) {
	for _, rc := range realChanges {
		rest, ok := strings.CutPrefix(msg, rc.prefix)
		if !ok {
			continue
		}
		i := strings.Index(rest, " VS ")
		if i < 0 {
			return "", nil
		}
		fields := map[string]string{}
		putEndpoint(fields, "real", strings.TrimSuffix(strings.TrimSuffix(rest[:i], " from"), " to"))
		putEndpoint(fields, "vs", rest[i+len(" VS "):])
		if strings.Contains(rc.prefix, "sorry") {
			fields["sorry"] = "true"
		}
		return rc.kind, fields
	}
	return "", nil
}

// parseQuorum reads "Lost quorum 1-0=1 > 0 for VS [192.168.128.5]:5432" and
// "Gained quorum 1+0=1 <= 1 for VS ...". Fields: action (lost|gained), vs,
// proto, detail (the arithmetic).
func parseQuorum(msg string) (string, map[string]string) {
	var action, rest string
	if r, ok := strings.CutPrefix(msg, "Lost quorum "); ok {
		action, rest = "lost", r
	} else if r, ok := strings.CutPrefix(msg, "Gained quorum "); ok {
		action, rest = "gained", r
	} else {
		return "", nil
	}
	detail, vs, ok := strings.Cut(rest, " for VS ")
	if !ok {
		return "", nil
	}
	fields := map[string]string{"action": action, "detail": detail}
	putEndpoint(fields, "vs", vs)
	return KindKeepalivedQuorum, fields
}

// parseVRRP reads VRRP instance messages. 1.x prefixes them with
// "VRRP_Instance(VI_1) ", 2.x with "(VI_1) ".
//
// vrrp-state Fields: instance, state (MASTER|BACKUP|FAULT|...), action
// (transition|enter|set-vips|remove-vips). vrrp-vip Fields: vip, dev,
// instance, action (garp|na|added|removed). vrrp-script Fields: script,
// result (failed|succeeded|timed-out), status.
func parseVRRP(msg string) (string, map[string]string) {
	instance, rest := "", msg
	if r, ok := strings.CutPrefix(msg, "VRRP_Instance("); ok {
		if end := strings.IndexByte(r, ')'); end >= 0 {
			instance, rest = r[:end], strings.TrimLeft(r[end+1:], ": ")
		}
	} else if msg[0] == '(' {
		if end := strings.IndexByte(msg, ')'); end > 1 {
			instance, rest = msg[1:end], strings.TrimLeft(msg[end+1:], ": ")
		}
	}
	fields := func(kv ...string) map[string]string {
		f := map[string]string{}
		if instance != "" {
			f["instance"] = instance
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	if r, ok := strings.CutPrefix(rest, "Transition to "); ok && instance != "" {
		if state, _, found := strings.Cut(r, " STATE"); found {
			return KindVRRPState, fields("state", state, "action", "transition")
		}
	}
	if r, ok := strings.CutPrefix(rest, "Entering "); ok && (instance != "" || strings.Contains(r, " STATE")) {
		if state, _, found := strings.Cut(r, " STATE"); found {
			return KindVRRPState, fields("state", state, "action", "enter")
		}
	}
	if instance != "" {
		switch {
		case strings.HasPrefix(rest, "Now in FAULT state"):
			return KindVRRPState, fields("state", "FAULT", "action", "enter")
		case rest == "removing protocol VIPs." || rest == "removing VIPs." || rest == "removing protocol VIPs":
			return KindVRRPState, fields("action", "remove-vips")
		case rest == "setting protocol VIPs." || rest == "setting VIPs." || rest == "setting protocol VIPs":
			return KindVRRPState, fields("action", "set-vips")
		}
	}
	// "Sending gratuitous ARP on eth0 for 10.0.0.100", 1.x "Sending
	// gratuitous ARPs on ...", 2.x "Sending/queueing gratuitous ARPs on ...",
	// IPv6 "Sending unsolicited Neighbour Adverts on ...".
	for _, g := range []struct{ word, action string }{{"gratuitous ARP", "garp"}, {"Neighbour Advert", "na"}} {
		i := strings.Index(rest, g.word)
		if i < 0 || !strings.HasPrefix(rest, "Sending") {
			continue
		}
		on := strings.Index(rest[i:], " on ")
		if on < 0 {
			continue
		}
		dev, vip, found := strings.Cut(rest[i+on+len(" on "):], " for ")
		if !found {
			continue
		}
		return KindVRRPVIP, fields("vip", strings.TrimSpace(vip), "dev", dev, "action", g.action)
	}
	if r, ok := strings.CutPrefix(rest, "Netlink reflector reports IP "); ok {
		vip, what, _ := strings.Cut(r, " ")
		if what == "added" || what == "removed" {
			return KindVRRPVIP, fields("vip", vip, "action", what)
		}
	}
	if r, ok := strings.CutPrefix(rest, "VRRP_Script("); ok {
		if end := strings.IndexByte(r, ')'); end >= 0 {
			result := strings.TrimSpace(r[end+1:])
			f := fields("script", r[:end])
			if i := strings.Index(result, "exited with status "); i >= 0 {
				s := result[i+len("exited with status "):]
				f["status"] = s[:leadingDigits(s)]
			}
			switch {
			case strings.HasPrefix(result, "succeeded"):
				f["result"] = "succeeded"
			case strings.HasPrefix(result, "failed"):
				f["result"] = "failed"
			case strings.HasPrefix(result, "timed out"):
				f["result"] = "timed-out"
			default:
				return "", nil
			}
			return KindVRRPScript, f
		}
	}
	// 2.x: "Script `chk_vip` now returning 7"
	if r, ok := strings.CutPrefix(rest, "Script `"); ok {
		name, status, found := strings.Cut(r, "` now returning ")
		if found && status != "" && leadingDigits(status) == len(status) {
			result := "failed"
			if status == "0" {
				result = "succeeded"
			}
			return KindVRRPScript, fields("script", name, "status", status, "result", result)
		}
	}
	return "", nil
}

// checkPhrases open keepalived's health-check messages; check is the
// checker type ("" when the message does not say).
var checkPhrases = []struct{ prefix, check string }{
	{"TCP connection to ", "TCP"},
	{"TCP_CHECK on service ", "TCP"},
	{"HTTP_CHECK on service ", "HTTP"},
	{"SSL_CHECK on service ", "SSL"},
	{"SSL_GET on service ", "SSL"},
	{"SMTP_CHECK on service ", "SMTP"},
	{"DNS_CHECK on service ", "DNS"},
	{"MISC_CHECK on service ", "MISC"},
	{"Misc check to ", "MISC"},
	{"Misc check for ", "MISC"},
	{"Check on service ", ""},
	{"Timeout connecting server ", "HTTP"},
	{"Timeout connect, timeout server ", "HTTP"},
	{"Error connecting server ", "HTTP"},
	{"Timeout WEB read server ", "HTTP"},
	{"Timeout HTTP read server ", "HTTP"},
	{"HTTP status code error to ", "HTTP"},
	{"HTTP status code success to ", "HTTP"},
	{"MD5 digest error to ", "HTTP"},
	{"MD5 digest success to ", "HTTP"},
	{"Remote Web server ", "HTTP"},
	{"Timeout connecting SMTP server ", "SMTP"},
	{"Error connecting SMTP server ", "SMTP"},
}

// parseCheck reads health-check results, e.g. "TCP connection to
// [10.244.3.27]:tcp:5432 failed.", "Check on service [127.0.0.1]:8000
// failed after 3 retry.", "Misc check to [10.1.18.2] for [/bin/chk] success.".
// Fields: real, proto, check, retry, vs (2.x MISC), script (MISC).
func parseCheck(msg string) (string, map[string]string) {
	for _, cp := range checkPhrases {
		rest, ok := strings.CutPrefix(msg, cp.prefix)
		if !ok {
			continue
		}
		var kind string
		switch {
		case strings.Contains(rest, "success") || strings.Contains(rest, "succeed"):
			kind = KindKeepalivedOK
		case strings.Contains(rest, "failed") || strings.Contains(rest, "timed out") ||
			strings.Contains(cp.prefix, "Timeout") || strings.Contains(cp.prefix, "rror"):
			kind = KindKeepalivedFail
		default:
			return "", nil
		}
		e, n, ok := parseEndpoint(rest)
		if !ok {
			return "", nil
		}
		fields := map[string]string{"real": e.String(), "check": cp.check}
		if e.proto != "" {
			fields["proto"] = e.proto
		}
		after := rest[n:]
		if i := strings.Index(after, " after "); i >= 0 {
			r := after[i+len(" after "):]
			if d := leadingDigits(r); d > 0 {
				fields["retry"] = r[:d]
			}
		}
		if i := strings.Index(after, " VS "); i >= 0 {
			putEndpoint(fields, "vs", after[i+len(" VS "):])
		}
		if i := strings.Index(after, " for ["); i >= 0 && cp.check == "MISC" {
			s := after[i+len(" for ["):]
			if end := strings.LastIndex(s, "]"); end >= 0 {
				fields["script"] = s[:end]
			}
		} else if i := strings.Index(after, " by ["); i >= 0 {
			s := after[i+len(" by ["):]
			if end := strings.LastIndex(s, "]"); end >= 0 {
				fields["script"] = s[:end]
			}
		}
		return kind, fields
	}
	return "", nil
}
