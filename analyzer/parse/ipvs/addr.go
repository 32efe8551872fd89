package ipvs

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// wellKnownPorts maps the service names `ipvsadm -L` (without -n) prints
// for common ports, so that such listings still compare with numeric ones.
var wellKnownPorts = map[string]int{
	"ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "http": 80,
	"pop3": 110, "ntp": 123, "imap": 143, "snmp": 161, "ldap": 389,
	"https": 443, "smtps": 465, "submission": 587, "ldaps": 636, "imaps": 993,
	"pop3s": 995, "ms-sql-s": 1433, "mysql": 3306, "postgresql": 5432,
	"postgres": 5432, "redis": 6379, "http-alt": 8080, "webcache": 8080,
	"sip": 5060, "radius": 1812, "memcache": 11211,
}

// joinHostPort renders an endpoint the way `ipvsadm -Ln` does.
func joinHostPort(addr string, port int, portName string) string {
	p := strconv.Itoa(port)
	if portName != "" && port == 0 {
		p = portName
	}
	if strings.Contains(addr, ":") {
		return "[" + addr + "]:" + p
	}
	return addr + ":" + p
}

// endpoint is a parsed "address:port".
type endpoint struct {
	addr     string
	port     int
	portName string
	ipv6     bool
	named    bool // a host or service name rather than numbers
}

func (e endpoint) String() string { return joinHostPort(e.addr, e.port, e.portName) }

// isHexV4Endpoint reports whether s looks like /proc/net/ip_vs's
// "C0A80016:0CEA".
func isHexV4Endpoint(s string) bool {
	return len(s) == 13 && s[8] == ':' && isHex(s[:8]) && isHex(s[9:])
}

// isProcV6Endpoint reports whether s looks like /proc/net/ip_vs's IPv6
// form: eight full four-digit groups in brackets, then a 4-digit hex port.
// ipvsadm compresses IPv6 addresses and prints decimal ports.
func isProcV6Endpoint(s string) bool {
	if !strings.HasPrefix(s, "[") {
		return false
	}
	end := strings.LastIndex(s, "]:")
	if end < 0 || len(s)-end-2 != 4 || !isHex(s[end+2:]) {
		return false
	}
	groups := strings.Split(s[1:end], ":")
	if len(groups) != 8 {
		return false
	}
	for _, g := range groups {
		if len(g) != 4 || !isHex(g) {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// splitHostPort splits "host:port" and "[v6]:port" without judging either part.
func splitHostPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.LastIndex(s, "]:")
		if end < 0 {
			return "", "", false
		}
		return s[1:end], s[end+2:], true
	}
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// parseEndpoint reads an endpoint in ipvsadm's form (hexForm false) or in
// the hex form of /proc/net/ip_vs* (hexForm true).
func parseEndpoint(s string, hexForm bool) (endpoint, error) {
	host, port, ok := splitHostPort(s)
	if !ok || host == "" || port == "" {
		return endpoint{}, fmt.Errorf("%q is not address:port", s)
	}
	var e endpoint
	if hexForm {
		a, err := parseHexAddr(host)
		if err != nil {
			return endpoint{}, err
		}
		p, err := strconv.ParseUint(port, 16, 16)
		if err != nil {
			return endpoint{}, fmt.Errorf("bad hex port %q", port)
		}
		e.addr, e.port, e.ipv6 = a.String(), int(p), a.Is6()
		return e, nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		e.addr, e.ipv6 = a.Unmap().String(), a.Is6() && !a.Is4In6()
	} else {
		// A host name from `ipvsadm -L` without -n: kept as printed.
		e.addr, e.named = host, true
	}
	if p, err := strconv.ParseUint(port, 10, 16); err == nil {
		e.port = int(p)
	} else if validName(port) && !isDigits(port) {
		e.portName, e.named = port, true
		e.port = wellKnownPorts[port]
	} else {
		return endpoint{}, fmt.Errorf("bad port %q", port)
	}
	return e, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// parseHexAddr decodes "0A141E64" (IPv4, network order printed as a number)
// and the colon-separated IPv6 form the kernel prints with %pI6.
func parseHexAddr(s string) (netip.Addr, error) {
	if len(s) == 8 && isHex(s) {
		var b [4]byte
		if _, err := hex.Decode(b[:], []byte(s)); err != nil {
			return netip.Addr{}, fmt.Errorf("bad hex address %q", s)
		}
		return netip.AddrFrom4(b), nil
	}
	if strings.Contains(s, ":") {
		if a, err := netip.ParseAddr(s); err == nil {
			return a, nil
		}
	}
	if len(s) == 32 && isHex(s) {
		var b [16]byte
		if _, err := hex.Decode(b[:], []byte(s)); err == nil {
			return netip.AddrFrom16(b), nil
		}
	}
	return netip.Addr{}, fmt.Errorf("bad hex address %q", s)
}

// parseLargeNum reads a counter as ipvsadm prints it: plain, or divided by
// 1000^n and suffixed K, M, G or T when it does not fit its column.
func parseLargeNum(s string) (uint64, error) {
	n, ok := source.ParseScaledCount(s)
	if !ok {
		return 0, fmt.Errorf("bad counter %q", s)
	}
	return n, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
