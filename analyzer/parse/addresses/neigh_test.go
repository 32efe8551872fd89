package addresses

import "testing"

// ip -s -s neigh, ip neigh show nud noarp and bridge fdb show, as sos
// collects them.
func TestNeighboursAndFDB(t *testing.T) {
	neigh := `10.0.2.2 dev ens3 lladdr 52:54:00:12:35:02 used 12/7/7 probes 1 REACHABLE
10.0.2.3 dev ens3 lladdr 52:54:00:12:35:03 router used 300/300/280 probes 4 STALE
10.0.2.9 dev ens3 used 5/1500/2 probes 6 FAILED
fe80::1 dev ens3 lladdr 52:54:00:12:35:02 router STALE
`
	tb, warns := Parse("ip_-s_-s_neigh_show", []byte(neigh))
	if len(warns) != 0 || len(tb.Neighbours) != 4 || len(tb.Interfaces) != 0 {
		t.Fatalf("%+v %v", tb, warns)
	}
	n := tb.Neighbours[1]
	if n.IP != "10.0.2.3" || n.Dev != "ens3" || n.LLAddr != "52:54:00:12:35:03" || !n.Router || n.State != "STALE" || n.Used != "300/300/280" || n.Probes != "4" || n.Src.Line != 2 {
		t.Errorf("neighbour %+v", n)
	}
	if f := tb.Neighbours[2]; f.LLAddr != "" || f.State != "FAILED" {
		t.Errorf("failed entry %+v", f)
	}
	noarp := "127.0.0.1 dev lo lladdr 00:00:00:00:00:00 NOARP\n::1 dev lo lladdr 00:00:00:00:00:00 NOARP\n"
	if tb, warns := Parse("ip_neigh_show_nud_noarp", []byte(noarp)); len(warns) != 0 || len(tb.Neighbours) != 2 || tb.Neighbours[0].State != "NOARP" {
		t.Fatalf("noarp: %+v %v", tb, warns)
	}
	fdb := `33:33:00:00:00:01 dev ens3 self permanent
01:00:5e:00:00:01 dev ens3 self permanent
aa:bb:cc:dd:ee:01 dev flannel.1 dst 192.168.1.12 self permanent
00:00:00:00:00:00 dev vxlan.calico dst 10.0.0.5 self permanent
de:ad:be:ef:00:01 dev veth12 master cni0
`
	tb, warns = Parse("bridge_fdb_show", []byte(fdb))
	if len(warns) != 0 || len(tb.FDB) != 5 {
		t.Fatalf("fdb: %+v %v", tb, warns)
	}
	if e := tb.FDB[2]; e.Dev != "flannel.1" || e.Dst != "192.168.1.12" || len(e.Flags) != 2 {
		t.Errorf("vxlan entry %+v", e)
	}
	if e := tb.FDB[4]; e.Master != "cni0" || e.Dev != "veth12" {
		t.Errorf("bridge entry %+v", e)
	}
}
