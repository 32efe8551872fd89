package counters

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// /proc/net/sockstat and sockstat6 are levels, not counters: sockets in
// use, orphans, TIME-WAIT sockets, and memory. TCP and UDP "mem" are in
// pages (compare them with tcp_mem and udp_mem, also in pages); FRAG
// "memory" is in bytes. sockstat6 has no memory fields.
var sockstatGroups = map[string]string{"sockets": "Sockets", "TCP": "TCP", "UDP": "UDP", "UDPLITE": "UDPLite",
	"RAW": "RAW", "FRAG": "FRAG", "TCP6": "TCP6", "UDP6": "UDP6", "UDPLITE6": "UDPLite6", "RAW6": "RAW6", "FRAG6": "FRAG6"}

var sockstatFields = map[string]string{"used": "Used", "inuse": "Inuse", "orphan": "Orphan", "tw": "Tw",
	"alloc": "Alloc", "mem": "Mem", "memory": "Memory"}

// sockstatLine reads "TCP: inuse 22 orphan 0 tw 2 alloc 58 mem 150987".
func (p *parser) sockstatLine(text string, ln source.Line) bool {
	g, rest, ok := strings.Cut(text, ": ")
	group, known := sockstatGroups[g]
	if !ok || !known {
		return false
	}
	f := strings.Fields(rest)
	if len(f) < 2 || len(f)%2 != 0 {
		return false
	}
	for i := 0; i < len(f); i += 2 {
		if sockstatFields[f[i]] == "" || !isInteger(f[i+1]) {
			return false
		}
	}
	form := FormSockstat
	if strings.HasSuffix(g, "6") {
		form = FormSockstat6
	}
	p.section = ""
	p.ensure(form, "sockstat:"+g, ln)
	for i := 0; i < len(f); i += 2 {
		p.setValue("Sockstat."+group+sockstatFields[f[i]], f[i+1], ln)
	}
	return true
}
