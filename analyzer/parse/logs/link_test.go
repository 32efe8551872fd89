package logs

import "testing"

func TestLinkEvents(t *testing.T) {
	in := "May  6 10:49:21 compute4 kernel: [13502680.515977] tap0e778df8-ca: dropped over-mtu packet: 8950 > 1450\n" +
		"Mar  4 10:00:01 node1 kernel: [ 8812.112] unregister_netdevice: waiting for lo to become free. Usage count = 1\n" +
		"Mar  4 10:00:02 node1 kernel: [ 8813.001] ixgbe 0000:01:00.1 eno2: NIC Link is Down\n" +
		"Mar  4 10:00:03 node1 kernel: [ 8814.001] bond0: (slave eno2): link status definitely down, disabling slave\n" +
		"Mar  4 10:00:09 node1 kernel: [ 8820.001] ixgbe 0000:01:00.1 eno2: NIC Link is Up 10 Gbps, Flow Control: RX/TX\n" +
		"Mar  4 10:00:10 node1 kernel: [ 8821.001] mlx5_core 0000:3b:00.0 ens1f0: Link down\n"
	l, _ := Parse("kern.log", []byte(in), Options{Year: 2025})
	want := []struct{ kind, iface string }{{KindOverMTU, "tap0e778df8-ca"}, {KindUnregisterWait, "lo"},
		{KindLinkDown, "eno2"}, {KindLinkDown, "eno2"}, {KindLinkUp, "eno2"}, {KindLinkDown, "ens1f0"}}
	if len(l.Events) != len(want) {
		t.Fatalf("%d events: %+v", len(l.Events), l.Events)
	}
	for i, w := range want {
		if e := l.Events[i]; e.Kind != w.kind || e.Fields["interface"] != w.iface {
			t.Errorf("%d: %s %v, want %s %s", i, e.Kind, e.Fields, w.kind, w.iface)
		}
	}
	if l.Events[0].Fields["mtu"] != "1450" || l.Events[3].Fields["bond"] != "bond0" {
		t.Errorf("%v %v", l.Events[0].Fields, l.Events[3].Fields)
	}
}
