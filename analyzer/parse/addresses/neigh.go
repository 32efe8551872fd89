package addresses

import (
	"regexp"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Neighbour is one entry of the neighbour (ARP/NDP) table, from `ip neigh`
// (also `ip -s -s neigh` and `ip neigh show nud noarp`).
type Neighbour struct {
	IP     string
	Dev    string
	LLAddr string // "" for an entry without a link-layer address (FAILED, INCOMPLETE)
	State  string // REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, NOARP, PERMANENT, NONE
	Router bool
	Proxy  bool
	// Used is the -s "used A/B/C" triple, seconds since last use,
	// confirmation and update; Probes is "probes N".
	Used   string
	Probes string
	Src    source.Ref
}

// FDBEntry is one forwarding entry of a bridge or VXLAN device, from
// `bridge fdb show`.
type FDBEntry struct {
	MAC    string
	Dev    string
	Master string
	Dst    string // the remote VTEP of a VXLAN entry
	VLAN   string
	Flags  []string // self, master, permanent, static, extern_learn, ...
	Src    source.Ref
}

var (
	neighLine = regexp.MustCompile(`^(\S+) (?:dev (\S+) )?(?:lladdr (\S+) )?(.*?)\b(REACHABLE|STALE|DELAY|PROBE|FAILED|INCOMPLETE|NOARP|PERMANENT|NONE)(?:\s.*)?$`)
	macRE     = regexp.MustCompile(`^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$`)
)

// isNeighLine tells an `ip neigh` line.
func isNeighLine(text string) bool {
	return neighLine.MatchString(text) && !macRE.MatchString(firstField(text))
}

// isFDBLine tells a `bridge fdb` line: a MAC first, then dev.
func isFDBLine(text string) bool {
	f := strings.Fields(text)
	return len(f) >= 2 && macRE.MatchString(f[0]) && (f[1] == "dev" || f[1] == "vlan" || f[1] == "dst" || f[1] == "self" || f[1] == "master")
}

func firstField(s string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return f
}

// parseNeighOrFDB reads ip neigh and bridge fdb lines into t.
func (t *Table) parseNeighOrFDB(artifact string, l source.Line) bool {
	text := strings.TrimSpace(l.Text)
	ref := source.At(artifact, l.No, l.Text)
	if isFDBLine(text) {
		f := strings.Fields(text)
		e := &FDBEntry{MAC: f[0], Src: ref}
		for i := 1; i < len(f); i++ {
			switch f[i] {
			case "dev", "master", "dst", "vlan":
				if i+1 < len(f) {
					switch f[i] {
					case "dev":
						e.Dev = f[i+1]
					case "master":
						e.Master = f[i+1]
					case "dst":
						e.Dst = f[i+1]
					case "vlan":
						e.VLAN = f[i+1]
					}
					i++
				}
			default:
				e.Flags = append(e.Flags, f[i])
			}
		}
		t.FDB = append(t.FDB, e)
		return true
	}
	m := neighLine.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	n := &Neighbour{IP: m[1], Dev: m[2], LLAddr: m[3], State: m[5], Src: ref}
	f := strings.Fields(text)
	for i, w := range f {
		switch w {
		case "router":
			n.Router = true
		case "proxy":
			n.Proxy = true
		case "used", "probes":
			if i+1 < len(f) {
				if w == "used" {
					n.Used = f[i+1]
				} else {
					n.Probes = f[i+1]
				}
			}
		}
	}
	t.Neighbours = append(t.Neighbours, n)
	return true
}
