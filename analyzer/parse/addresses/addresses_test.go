package addresses

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

func parseFile(t *testing.T, name string) *Table {
	t.Helper()
	return parsetest.ParseClean(t, filepath.Join("testdata", name), Parse)
}

func TestIPAddrVIP(t *testing.T) {
	tb := parseFile(t, "ip_addr_rhel7_vip.txt")
	if len(tb.Interfaces) != 8 {
		t.Fatalf("%d interfaces", len(tb.Interfaces))
	}
	vip, ok := tb.HasIP("10.20.0.6")
	if !ok || !vip.Secondary || vip.Prefix != 32 || vip.Label != "br-roller" || vip.Scope != "global" {
		t.Fatalf("VIP = %+v %v", vip, ok)
	}
	if vip.Src.Line != 13 || vip.Src.EndLine != 14 || vip.ValidLft != "forever" {
		t.Errorf("VIP ref %+v lft %q", vip.Src, vip.ValidLft)
	}
	if _, ok := tb.HasIP("::ffff:10.20.0.6"); !ok {
		t.Error("mapped form of the VIP not found")
	}
	if _, ok := tb.HasIP("10.20.0.7"); ok {
		t.Error("10.20.0.7 is not local")
	}
	br := tb.Interface("br-roller")
	if br.Index != 3 || br.MTU != 1500 || br.State != "UP" || br.MAC != "52:54:00:6b:2c:01" || len(br.Addrs) != 3 {
		t.Errorf("br-roller = %+v", br)
	}
	if br.Src.Line != 9 || br.Src.EndLine != 16 || strings.Count(br.Src.Text, "\n") != 7 {
		t.Errorf("br-roller ref = %+v", br.Src)
	}
	eth0 := tb.Interface("eth0")
	if eth0.Attrs["master"] != "br-roller" || eth0.Attrs["qdisc"] != "pfifo_fast" || len(eth0.Addrs) != 0 {
		t.Errorf("eth0 = %+v", eth0)
	}
	ipvs := tb.Interface("kube-ipvs0")
	if ipvs.State != "DOWN" || len(ipvs.Addrs) != 3 || ipvs.Addrs[2].IP != "10.233.38.164" || ipvs.Addrs[2].Broadcast != "10.233.38.164" {
		t.Errorf("kube-ipvs0 = %+v", ipvs)
	}
	if strings.Join(ipvs.Flags, ",") != "BROADCAST,NOARP" {
		t.Errorf("kube-ipvs0 flags = %v", ipvs.Flags)
	}
	cali := tb.Interface("cali3f1a2b4c5d6")
	if cali.Link != "if4" || cali.Attrs["link-netnsid"] != "0" || cali.MTU != 1440 {
		t.Errorf("cali = %+v", cali)
	}
	tunl := tb.Interface("tunl0")
	if tunl.Link != "NONE" || tunl.LinkType != "ipip" || tunl.MAC != "" {
		t.Errorf("tunl0 = %+v", tunl)
	}
	eth1 := tb.Interface("eth1")
	if !eth1.Addrs[0].Dynamic || eth1.Addrs[0].ValidLft != "85912sec" || eth1.Addrs[1].Label != "eth1:vip" || !eth1.Addrs[1].Secondary {
		t.Errorf("eth1 addrs = %+v %+v", eth1.Addrs[0], eth1.Addrs[1])
	}
	if v6 := eth1.Addrs[2]; v6.Family != "inet6" || v6.Label != "" || strings.Join(v6.Flags, ",") != "tentative,dadfailed" {
		t.Errorf("eth1 v6 = %+v", v6)
	}
	if lo := tb.Interface("lo"); lo.Addrs[0].Scope != "host" || lo.MAC != "00:00:00:00:00:00" || lo.LinkType != "loopback" {
		t.Errorf("lo = %+v", lo)
	}
}

func TestIPOneLine(t *testing.T) {
	tb := parseFile(t, "ip_o_addr.txt")
	if len(tb.Interfaces) != 3 {
		t.Fatalf("%d interfaces", len(tb.Interfaces))
	}
	eth0 := tb.Interface("eth0")
	if len(eth0.Addrs) != 3 || eth0.Index != 2 {
		t.Fatalf("eth0 = %+v", eth0)
	}
	a := eth0.Addrs[0]
	if a.IP != "172.16.1.10" || a.Prefix != 24 || !a.Dynamic || a.Label != "eth0" || a.ValidLft != "3301sec" || a.Src.Line != 3 {
		t.Errorf("eth0 primary = %+v", a)
	}
	if eth0.Src.Line != 3 || eth0.Src.EndLine != 5 {
		t.Errorf("eth0 ref = %+v", eth0.Src)
	}
	wg := tb.Interface("wg0")
	if wg.Addrs[0].IP != "10.9.0.1" || wg.Addrs[0].Peer != "10.9.0.2" || wg.Addrs[0].Prefix != 32 {
		t.Errorf("wg0 = %+v", wg.Addrs[0])
	}
	if _, ok := tb.HasIP("172.16.1.2"); !ok {
		t.Error("172.16.1.2 missing")
	}
}

func TestIPDetails(t *testing.T) {
	tb := parseFile(t, "ip_d_addr_rhel8.txt")
	vlan := tb.Interface("ens3.100")
	if vlan == nil || vlan.Link != "ens3" || len(vlan.Details) != 2 || !strings.HasPrefix(vlan.Details[1], "vlan protocol 802.1Q id 100") {
		t.Fatalf("vlan = %+v", vlan)
	}
	if ens3 := tb.Interface("ens3"); ens3.Details[1] != "altname enp0s3" || ens3.Attrs["qdisc"] != "fq_codel" {
		t.Errorf("ens3 = %+v", ens3)
	}
	if ipvs := tb.Interface("kube-ipvs0"); !strings.HasPrefix(ipvs.Details[1], "dummy ") || len(ipvs.Addrs) != 2 {
		t.Errorf("kube-ipvs0 = %+v", ipvs)
	}
	veth := tb.Interface("veth8a1b2c3")
	if veth.Index != 12 || veth.Link != "if11" || veth.Attrs["master"] != "cni0" || veth.Details[0] != "veth" ||
		!strings.HasPrefix(veth.Details[1], "bridge_slave state forwarding") {
		t.Errorf("veth = %+v", veth)
	}
	if a, ok := tb.HasIP("10.96.0.10"); !ok || a.Label != "kube-ipvs0" {
		t.Errorf("service IP = %+v", a)
	}
}

func TestIfconfig(t *testing.T) {
	tb := parseFile(t, "ifconfig_nettools2.txt")
	if len(tb.Interfaces) != 3 {
		t.Fatalf("%d interfaces", len(tb.Interfaces))
	}
	eth0 := tb.Interface("eth0")
	if eth0.MTU != 1500 || eth0.MAC != "52:54:00:6b:2c:01" || eth0.State != "UP" || eth0.Addrs[0].Prefix != 24 || eth0.Addrs[0].Broadcast != "10.20.0.255" {
		t.Errorf("eth0 = %+v %+v", eth0, eth0.Addrs[0])
	}
	if v6 := eth0.Addrs[1]; v6.Scope != "link" || v6.Prefix != 64 {
		t.Errorf("eth0 v6 = %+v", v6)
	}
	vip, ok := tb.HasIP("10.20.0.6")
	if !ok || vip.Label != "eth0:1" || vip.Prefix != 32 || vip.Src.Line != 11 {
		t.Errorf("alias VIP = %+v", vip)
	}
	if lo := tb.Interface("lo"); lo.Addrs[0].Scope != "host" || lo.Addrs[1].Scope != "host" || lo.Addrs[0].Prefix != 8 {
		t.Errorf("lo = %+v", lo.Addrs)
	}

	tb = parseFile(t, "ifconfig_rhel6.txt")
	eth0 = tb.Interface("eth0")
	if eth0 == nil || eth0.MAC != "52:54:00:12:34:56" || eth0.MTU != 1500 || eth0.State != "UP" {
		t.Fatalf("rhel6 eth0 = %+v", eth0)
	}
	if a := eth0.Addrs[0]; a.IP != "192.168.1.10" || a.Prefix != 24 || a.Broadcast != "192.168.1.255" {
		t.Errorf("rhel6 inet = %+v", a)
	}
	if a := eth0.Addrs[1]; a.IP != "fe80::5054:ff:fe12:3456" || a.Prefix != 64 || a.Scope != "link" {
		t.Errorf("rhel6 inet6 = %+v", a)
	}
}

func TestMalformed(t *testing.T) {
	in := "    inet 1.2.3.4/8 scope host lo\n" +
		"x: eth0: <UP>\n" +
		"2: eth0: <UP> mtu abc\n" +
		"    inet 10.0.0.1/99\n" +
		"    inet\n"
	tb, warns := Parse("m", []byte(in))
	if len(warns) != 2 || warns[0].Line != 1 || warns[1].Line != 2 {
		t.Errorf("warnings = %v", warns)
	}
	if len(tb.Interfaces) != 1 || tb.Interfaces[0].MTU != -1 || len(tb.Interfaces[0].Addrs) != 2 || tb.Interfaces[0].Addrs[0].Prefix != -1 {
		t.Errorf("interfaces = %+v %+v", tb.Interfaces[0], tb.Interfaces[0].Addrs)
	}
}

func TestMaskBits(t *testing.T) {
	for in, want := range map[string]int{"255.255.255.0": 24, "255.255.255.255": 32, "0.0.0.0": 0, "255.0.255.0": -1, "junk": -1} {
		if got := maskBits(in); got != want {
			t.Errorf("maskBits(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.txt")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, _ := Parse("fuzz", data)
		for _, ifc := range tb.Interfaces {
			if ifc.Src.Line < 1 || ifc.Src.EndLine < ifc.Src.Line {
				t.Fatalf("bad interface ref %+v", ifc.Src)
			}
			for _, a := range ifc.Addrs {
				if a.Src.Line < 1 || a.Src.EndLine < a.Src.Line {
					t.Fatalf("bad addr ref %+v", a.Src)
				}
				tb.HasIP(a.IP)
			}
		}
	})
}
