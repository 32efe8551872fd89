package counters

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// FormSsSummary is iproute2's `ss -s`. ss prints what it read from
// /proc/net/sockstat (and sockstat6), so its numbers are the same levels
// under other names: "Total" is sockets used, "orphaned" and "timewait"
// are TCP's orphan and tw, and the Transport table's IP and IPv6 columns
// are the protocols' inuse. They are stored under the Sockstat names; the
// rest ("estab" comes from Tcp.CurrEstab, "closed" is a difference, the
// first TCP number adds TIME-WAIT to alloc) is not.
const FormSsSummary = "ss-summary"

// ssTransportRows maps the Transport table's rows to their sockstat
// groups (IPv4, IPv6); INET is a sum and "*" (older ss) the kernel total.
var ssTransportRows = map[string][2]string{"RAW": {"RAW", "RAW6"}, "UDP": {"UDP", "UDP6"},
	"TCP": {"TCP", "TCP6"}, "FRAG": {"FRAG", "FRAG6"}}

// ssSummaryLine reads a line of ss -s:
//
//	Total: 1180 (kernel 1425)
//	TCP:   1001 (estab 974, closed 13, orphaned 0, synrecv 0, timewait 5/0), ports 0
//	Transport Total     IP        IPv6
//	TCP       988       9         979
//
// (the kernel total, synrecv, the second timewait number and ports are
// from older versions).
func (p *parser) ssSummaryLine(text string, ln source.Line) bool {
	f := strings.Fields(text)
	switch {
	case len(f) >= 2 && f[0] == "Total:" && isInteger(f[1]) && (len(f) == 2 || len(f) == 4 && f[2] == "(kernel" && strings.HasSuffix(f[3], ")")):
		p.ssBegin(ln)
		p.setValue("Sockstat.SocketsUsed", f[1], ln)
	case len(f) >= 4 && f[0] == "TCP:" && isInteger(f[1]) && f[2] == "(estab":
		fields := map[string]string{}
		body, _, _ := strings.Cut(text[strings.Index(text, "(")+1:], ")")
		for _, kv := range strings.Split(body, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(kv), " ")
			v, _, _ = strings.Cut(v, "/")
			fields[k] = v
		}
		if !isInteger(fields["orphaned"]) || !isInteger(fields["timewait"]) {
			return false
		}
		p.ssBegin(ln)
		p.setValue("Sockstat.TCPOrphan", fields["orphaned"], ln)
		p.setValue("Sockstat.TCPTw", fields["timewait"], ln)
	case len(f) == 4 && f[0] == "Transport" && f[1] == "Total" && f[2] == "IP" && f[3] == "IPv6":
		p.ssBegin(ln)
		p.ssTable = true
	case p.ssTable && p.cur.Form == FormSsSummary && len(f) == 4 && (f[0] == "INET" || f[0] == "*"):
		p.extend(ln.No)
	case p.ssTable && p.cur.Form == FormSsSummary && len(f) == 4 && ssTransportRows[f[0]][0] != "" && isInteger(f[1]) && isInteger(f[2]) && isInteger(f[3]):
		p.extend(ln.No)
		g := ssTransportRows[f[0]]
		p.setValue("Sockstat."+g[0]+"Inuse", f[2], ln)
		p.setValue("Sockstat."+g[1]+"Inuse", f[3], ln)
	default:
		p.ssTable = false
		return false
	}
	return true
}

// ssBegin starts a new reading at a Total or TCP line seen before in the
// current one, as for any other form, and continues it otherwise.
func (p *parser) ssBegin(ln source.Line) {
	p.section, p.ssTable = "", false
	p.ensure(FormSsSummary, "ss:"+strings.Fields(ln.Text)[0], ln)
}
