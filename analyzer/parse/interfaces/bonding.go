package interfaces

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// parseBonding reads /proc/net/bonding/BOND: the bond's mode, its active
// member and MII status, then one block per member with its MII status and
// link failure count.
func parseBonding(artifact string, lines []source.Line, name string) (*Result, []source.Warning) {
	b := &Bond{Name: unnamed(name)}
	var warns []source.Warning
	var cur *Slave
	inAD := false
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "Ethernet Channel Bonding Driver") {
			b.Src = at(artifact, l)
			continue
		}
		key, val, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		ref := at(artifact, l)
		switch key {
		case "Slave Interface":
			cur = &Slave{Name: val, Src: ref}
			b.Slaves = append(b.Slaves, cur)
			inAD = false
			continue
		case "details actor lacp pdu", "details partner lacp pdu", "802.3ad info":
			inAD = true
			continue
		}
		if cur == nil {
			switch key {
			case "Bonding Mode":
				b.Mode, b.ModeSrc = val, ref
			case "Currently Active Slave":
				b.ActiveSlave, b.ActiveSlaveSrc = val, ref
			case "MII Status":
				b.MIIStatus = val
			}
			continue
		}
		if inAD {
			continue
		}
		switch key {
		case "MII Status":
			cur.MIIStatus, cur.StatusSrc = val, ref
		case "Link Failure Count":
			v, ok := parseInt(val)
			if !ok {
				warns = append(warns, source.Warnf(l.No, "%s: link failure count %q is not a number", cur.Name, val))
				continue
			}
			cur.LinkFailures = Value{v, ref}
		}
	}
	if b.Src.Artifact == "" && len(lines) > 0 {
		b.Src = at(artifact, lines[0])
	}
	return &Result{Form: FormBonding, Bonds: []*Bond{b}}, warns
}
