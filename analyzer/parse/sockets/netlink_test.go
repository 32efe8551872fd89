package sockets

import (
	"os"
	"testing"
)

func TestNetlinkHotsos(t *testing.T) {
	data, err := os.ReadFile("testdata/hotsos-kubernetes__proc_net_netlink")
	if err != nil {
		t.Fatal(err)
	}
	tab, warns := Parse("proc/net/netlink", data)
	if len(warns) != 0 || tab.Form != "netlink" || len(tab.Sockets) < 10 {
		t.Fatalf("%v %s %d", warns, tab.Form, len(tab.Sockets))
	}
	s := tab.Sockets[1]
	if s.Netid != "nl" || s.Local.Addr != "0" || s.Local.Port != 1 || s.Inode != 13928 || s.NetlinkDrops() != 0 || s.Src.Line != 3 {
		t.Errorf("%+v", s)
	}
}

func TestNetlinkDrops(t *testing.T) {
	in := "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n" +
		"0000000000000000 0   186014     00000113 0        0        0     2        1        112233  \n" +
		"0000000000000000 0   2199       000405d1 212992   0        0     2        5311     334455  \n"
	tab, warns := Parse("netlink", []byte(in))
	if len(warns) != 0 || len(tab.Sockets) != 2 {
		t.Fatal(warns, tab)
	}
	if tab.Sockets[0].NetlinkDrops() != 1 || tab.Sockets[1].NetlinkDrops() != 5311 || tab.Sockets[1].RecvQ != 212992 || tab.Sockets[1].Inode != 334455 {
		t.Errorf("%+v %+v", tab.Sockets[0], tab.Sockets[1])
	}
}
