package addresses

import (
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// isIfconfigHeader recognises the first line of an ifconfig block: the
// net-tools 2.x form "eth0: flags=4163<UP,...>  mtu 1500" or the older
// (RHEL6) "eth0      Link encap:Ethernet  HWaddr ...".
func isIfconfigHeader(text string) bool {
	if text == "" || text[0] == ' ' || text[0] == '\t' {
		return false
	}
	return strings.Contains(text, ": flags=") || strings.Contains(text, "Link encap:")
}

// parseIfconfig reads ifconfig output. Alias interfaces (eth0:1) become
// their own Interface, as ifconfig shows them; their addresses carry the
// alias as Label, like `ip addr` does.
func parseIfconfig(artifact string, lines []source.Line) (*Table, []source.Warning) {
	t := &Table{}
	var warns []source.Warning
	var cur *Interface
	// Each interface's lines, joined once at the end (appending to
	// Src.Text line by line is quadratic).
	texts := map[*Interface][]string{}
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		f := strings.Fields(l.Text)
		if len(f) == 0 {
			continue
		}
		if isIfconfigHeader(l.Text) {
			cur = &Interface{Index: len(t.Interfaces) + 1, MTU: -1, Src: source.At(artifact, l.No, l.Text)}
			t.Interfaces = append(t.Interfaces, cur)
			texts[cur] = []string{l.Text}
			cur.Name = strings.TrimSuffix(f[0], ":")
			ifconfigHeader(cur, f[1:])
			continue
		}
		if cur == nil || (l.Text[0] != ' ' && l.Text[0] != '\t') {
			warns = append(warns, source.Warnf(l.No, "unrecognised line: %.80q", l.Text))
			cur = nil
			continue
		}
		cur.Src.EndLine = l.No
		texts[cur] = append(texts[cur], l.Text)
		switch {
		case f[0] == "inet" || f[0] == "inet6":
			a := ifconfigAddr(cur.Name, f)
			a.Src = source.At(artifact, l.No, l.Text)
			cur.Addrs = append(cur.Addrs, a)
		case f[0] == "ether" || f[0] == "loop" || f[0] == "unspec" || f[0] == "infiniband":
			cur.LinkType = f[0]
			if len(f) > 1 && strings.Count(f[1], ":") >= 5 {
				cur.MAC = f[1]
			}
		case containsFlagLine(f):
			// Old form: "UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1".
			for _, w := range f {
				if v, ok := strings.CutPrefix(w, "MTU:"); ok {
					cur.MTU, _ = strconv.Atoi(v)
				} else if !strings.Contains(w, ":") {
					cur.Flags = append(cur.Flags, w)
				}
			}
		default:
			cur.Details = append(cur.Details, strings.Join(f, " "))
		}
	}
	for ifc, lines := range texts {
		ifc.Src.Text = strings.Join(lines, "\n")
		// ifconfig has no operational state; derive it from the UP flag
		// (the old format prints the flags on a later line).
		if hasFlag(ifc.Flags, "UP") {
			ifc.State = "UP"
		} else if len(ifc.Flags) > 0 {
			ifc.State = "DOWN"
		}
	}
	return t, warns
}

func containsFlagLine(f []string) bool {
	for _, w := range f {
		if strings.HasPrefix(w, "MTU:") {
			return true
		}
	}
	return false
}

func ifconfigHeader(ifc *Interface, f []string) {
	for i := 0; i < len(f); i++ {
		switch {
		case strings.HasPrefix(f[i], "flags="):
			if lt := strings.IndexByte(f[i], '<'); lt >= 0 {
				ifc.Flags = strings.FieldsFunc(strings.Trim(f[i][lt:], "<>"), func(r rune) bool { return r == ',' })
			}
		case f[i] == "mtu" && i+1 < len(f):
			ifc.MTU, _ = strconv.Atoi(f[i+1])
			i++
		case f[i] == "HWaddr" && i+1 < len(f):
			ifc.MAC = f[i+1]
			i++
		case strings.HasPrefix(f[i], "encap:"):
			ifc.LinkType = strings.ToLower(strings.TrimPrefix(f[i], "encap:"))
		}
	}
}

func hasFlag(flags []string, want string) bool {
	for _, f := range flags {
		if f == want {
			return true
		}
	}
	return false
}

// ifconfigAddr parses both "inet 10.0.0.5  netmask 255.255.255.0  broadcast
// 10.0.0.255" / "inet6 fe80::1  prefixlen 64  scopeid 0x20<link>" and the
// old "inet addr:10.0.0.5  Bcast:10.0.0.255  Mask:255.255.255.0" /
// "inet6 addr: fe80::1/64 Scope:Link".
func ifconfigAddr(name string, f []string) *Addr {
	a := &Addr{Family: f[0], Prefix: -1}
	if a.Family == "inet" {
		a.Label = name
	}
	for i := 1; i < len(f); i++ {
		w := f[i]
		next := ""
		if i+1 < len(f) {
			next = f[i+1]
		}
		switch {
		case w == "addr:" && next != "":
			a.IP, a.Prefix = splitPrefix(next)
			i++
		case strings.HasPrefix(w, "addr:"):
			a.IP, a.Prefix = splitPrefix(strings.TrimPrefix(w, "addr:"))
		case a.IP == "" && i == 1:
			a.IP, a.Prefix = splitPrefix(w)
		case w == "netmask" || strings.HasPrefix(w, "Mask:"):
			mask := strings.TrimPrefix(w, "Mask:")
			if w == "netmask" {
				mask = next
				i++
			}
			a.Prefix = maskBits(mask)
		case w == "broadcast" || w == "destination" || w == "prefixlen":
			switch w {
			case "broadcast":
				a.Broadcast = next
			case "destination":
				a.Peer = next
			case "prefixlen":
				a.Prefix, _ = strconv.Atoi(next)
			}
			i++
		case strings.HasPrefix(w, "Bcast:"):
			a.Broadcast = strings.TrimPrefix(w, "Bcast:")
		case strings.HasPrefix(w, "P-t-P:"):
			a.Peer = strings.TrimPrefix(w, "P-t-P:")
		case w == "scopeid":
			// "0x20<link>" -> "link"
			if lt := strings.IndexByte(next, '<'); lt >= 0 {
				a.Scope = strings.Trim(next[lt:], "<>")
			}
			i++
		case strings.HasPrefix(w, "Scope:"):
			a.Scope = strings.ToLower(strings.TrimPrefix(w, "Scope:"))
		default:
			a.Flags = append(a.Flags, w)
		}
	}
	if a.Family == "inet" && a.Scope == "" {
		if ip, err := netip.ParseAddr(a.IP); err == nil && ip.IsLoopback() {
			a.Scope = "host"
		} else {
			a.Scope = "global"
		}
	}
	return a
}

// maskBits turns a dotted netmask into a prefix length (-1 if not a mask).
func maskBits(mask string) int {
	ip, err := netip.ParseAddr(mask)
	if err != nil || !ip.Is4() {
		return -1
	}
	b := ip.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := bits.LeadingZeros32(^v)
	if v<<ones != 0 {
		return -1
	}
	return ones
}
