package interfaces

import (
	"os"
	"path/filepath"
	"testing"
)

func load(t *testing.T, name string) *Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, warns := Parse(name, data)
	if len(warns) != 0 {
		t.Errorf("%s: warnings %v", name, warns)
	}
	return r
}

func stat(t *testing.T, r *Result, iface, key string, want int64) {
	t.Helper()
	i := r.Find(iface)
	if i == nil {
		t.Fatalf("%s missing", iface)
	}
	v, ok := i.Stats[key]
	if !ok {
		v, ok = i.Driver[key]
	}
	if !ok || v.Value != want {
		t.Errorf("%s %s = %v (%v), want %d", iface, key, v.Value, ok, want)
	}
	if ok && v.Src.Line < 1 {
		t.Errorf("%s %s: no line", iface, key)
	}
}

func TestProcNetDev(t *testing.T) {
	r := load(t, "hotsos-kubernetes__proc_net_dev")
	if r.Form != FormProcNetDev || len(r.Interfaces) != 3 {
		t.Fatalf("form %s, %d interfaces", r.Form, len(r.Interfaces))
	}
	stat(t, r, "flannel.1", "tx_dropped", 13)
	stat(t, r, "ens3", "rx_dropped", 0)
}

func TestIPLinkDetails(t *testing.T) {
	r := load(t, "hotsos-kubernetes__ip_-s_-d_link")
	if r.Form != FormIPLink {
		t.Fatalf("form %s", r.Form)
	}
	stat(t, r, "ens3", "rx_bytes", 778213169)
	stat(t, r, "flannel.1", "tx_dropped", 13)
	stat(t, r, "lo", "rx_over_errors", 0)
	f := r.Find("flannel.1")
	if f.Settings["kind"].Value != "vxlan" || f.Settings["vxlan.dstport"].Value != "8472" || f.Settings["mtu"].Value != "8908" {
		t.Errorf("flannel.1 settings %v", f.Settings)
	}
}

func TestIPLinkTwoLevels(t *testing.T) {
	in := "2: eno2: <BROADCAST,MULTICAST,SLAVE,UP,LOWER_UP> mtu 1500 qdisc mq master bond0 state UP mode DEFAULT group default qlen 1000\n" +
		"    link/ether 3c:ec:ef:10:22:a0 brd ff:ff:ff:ff:ff:ff permaddr 3c:ec:ef:10:22:a1\n" +
		"    bond_slave state BACKUP mii_status UP link_failure_count 4 perm_hwaddr 3c:ec:ef:10:22:a1 queue_id 0\n" +
		"    RX:  bytes packets errors dropped  missed   mcast\n" +
		"    9128311  120455      0   88122       0   30211\n" +
		"    RX errors:  length    crc   frame    fifo overrun\n" +
		"                     0      0       0       0       0\n" +
		"    TX:  bytes packets errors dropped carrier collsns\n" +
		"       5120      40      0       0       0       0\n" +
		"    TX errors: aborted   fifo  window heartbt transns\n" +
		"                     0      0       0       0       3\n"
	r, w := Parse("ip_-s_-s_-d_link", []byte(in))
	if len(w) != 0 {
		t.Fatal(w)
	}
	stat(t, r, "eno2", "rx_dropped", 88122)
	stat(t, r, "eno2", "rx_crc_errors", 0)
	stat(t, r, "eno2", "tx_carrier_changes", 3)
	stat(t, r, "eno2", "multicast", 30211)
	i := r.Find("eno2")
	if i.Settings["master"].Value != "bond0" || i.Settings["bond_slave.state"].Value != "BACKUP" {
		t.Errorf("settings %v", i.Settings)
	}
}

func TestNetstatI(t *testing.T) {
	r := load(t, "netstat_-i")
	stat(t, r, "eth0", "rx_packets", 184823315)
	stat(t, r, "eth0", "rx_fifo_errors", 0)
	if r.Find("eth0").Settings["mtu"].Value != "9001" {
		t.Error("mtu")
	}
}

func TestEthtool(t *testing.T) {
	r := load(t, "hotsos-kubernetes__ethtool_-g_ens3")
	i := r.Find("ens3")
	if i == nil || i.RingMax["RX"].Value != 256 || i.Ring["RX"].Value != 256 {
		t.Fatalf("ring %+v", i)
	}
	r = load(t, "hotsos-kubernetes__ethtool_-i_ens3")
	if i := r.Find("ens3"); i == nil || i.DriverName != "virtio_net" {
		t.Fatalf("driver %+v", r.Interfaces)
	}
	r = load(t, "hotsos-kubernetes__ethtool_-S_ens3")
	stat(t, r, "ens3", "rx_queue_0_packets", 232850)
	r = load(t, "ethtool_-S_eth0")
	stat(t, r, "eth0", "pps_allowance_exceeded", 31800)
	r = load(t, "hotsos-kubernetes__ethtool_-k_flannel.1")
	if v := r.Find("flannel.1").Features["tx-checksum-ip-generic"].Value; v != "on" {
		t.Errorf("tx-checksum-ip-generic = %q", v)
	}
	r = load(t, "hotsos-kubernetes__ethtool_-l_ens3")
	if i := r.Find("ens3"); i == nil || len(i.ChannelsMax) == 0 {
		t.Errorf("channels %+v", r.Interfaces)
	}
	r = load(t, "hotsos-kubernetes__ethtool_ens3")
	if i := r.Find("ens3"); i == nil || i.Settings["Link detected"].Value != "yes" {
		t.Errorf("settings %+v", r.Interfaces)
	}
}

func TestNameFromCommand(t *testing.T) {
	r, _ := ParseCommand("paste.txt#3", []byte("NIC statistics:\n     rx_missed_errors: 7\n"), "sudo ethtool -S ens5 | grep -v ': 0'")
	stat(t, r, "ens5", "rx_missed_errors", 7)
}

func TestBonding(t *testing.T) {
	data, _ := os.ReadFile("testdata/bonding_active-backup_bond0")
	r, _ := Parse("sosreport-n1/proc/net/bonding/bond0", data)
	if len(r.Bonds) != 1 {
		t.Fatal(r.Bonds)
	}
	b := r.Bonds[0]
	if b.Name != "bond0" || !b.ActiveBackup() || b.ActiveSlave != "eno1" || len(b.Slaves) != 2 {
		t.Fatalf("%+v", b)
	}
	if s := b.Slaves[1]; s.Name != "eno2" || s.MIIStatus != "down" || s.LinkFailures.Value != 4 || s.LinkFailures.Src.Line != 24 {
		t.Errorf("%+v", s)
	}
}

func TestTC(t *testing.T) {
	r := load(t, "hotsos-kubernetes__tc_-s_qdisc_show")
	var fq *Qdisc
	for _, q := range r.Qdiscs {
		if q.Kind == "fq_codel" {
			fq = q
		}
	}
	if fq == nil || fq.Dev != "ens3" || !fq.Root || fq.Packets != 171821 || fq.Extra["new_flow_count"] != 355 || !fq.IsAQM() {
		t.Fatalf("%+v", fq)
	}
	in := "qdisc pfifo_fast 0: dev eth1 root refcnt 2 bands 3 priomap  1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1\n" +
		" Sent 9924117 bytes 88123 pkt (dropped 312, overlimits 0 requeues 4) \n backlog 0b 0p requeues 4\n" +
		"qdisc tbf 8001: dev eth2 root refcnt 2 rate 10Mbit burst 5Kb lat 50ms\n" +
		" Sent 1000 bytes 10 pkt (dropped 0, overlimits 220 requeues 0)\n backlog 0b 0p requeues 0\n"
	r, w := Parse("tc", []byte(in))
	if len(w) != 0 || len(r.Qdiscs) != 2 || r.Qdiscs[0].TailDrops() != 312 || r.Qdiscs[1].TailDrops() != 0 || r.Qdiscs[1].Overlimits != 220 {
		t.Fatalf("%v %+v", w, r.Qdiscs)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _ := Parse("ethtool_-S_x", data)
		for _, i := range r.Interfaces {
			for k, v := range i.Stats {
				if v.Src.Line < 1 || v.Src.EndLine < v.Src.Line {
					t.Fatalf("%s %s: %+v", i.Name, k, v.Src)
				}
			}
			for k, v := range i.Driver {
				if v.Src.Line < 1 {
					t.Fatalf("%s %s: %+v", i.Name, k, v.Src)
				}
			}
		}
		for _, q := range r.Qdiscs {
			if q.Src.Line < 1 {
				t.Fatalf("%+v", q)
			}
		}
	})
}
