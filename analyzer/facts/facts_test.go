package facts

import (
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

func TestIsDeltaNstat(t *testing.T) {
	for cmd, want := range map[string]bool{
		"nstat": true, "nstat -z": true, "sudo nstat TcpExtListenDrops": true,
		"nstat -az": false, "nstat -a": false, "nstat --absolute": false, "/usr/sbin/nstat -saz": false,
		"netstat -s": false, "": false,
	} {
		if got := isDeltaNstat(cmd); got != want {
			t.Errorf("%q: %v, want %v", cmd, got, want)
		}
	}
}

func TestHostsAndNamespacesAreKeptApart(t *testing.T) {
	arts := []*artifact.Artifact{
		{Name: "a", Host: "n1", Kind: artifact.KindSysctl, Data: []byte("net.ipv4.ip_forward = 1\n")},
		{Name: "b", Host: "n2", Kind: artifact.KindSysctl, Data: []byte("net.ipv4.ip_forward = 0\n")},
		{Name: "c", Host: "n1", Namespace: "pod:envoy", Kind: artifact.KindSysctl, Data: []byte("net.ipv4.ip_forward = 0\n")},
	}
	hosts, _ := Build(arts, Options{})
	if len(hosts) != 3 || hosts[0].Name != "n1" || hosts[1].Name != "n1/pod:envoy" || hosts[2].Name != "n2" {
		t.Fatalf("hosts %v %v %v", hosts[0].Name, hosts[1].Name, hosts[2].Name)
	}
	if v, _ := hosts[0].Sysctl.Int("net.ipv4.ip_forward"); v != 1 {
		t.Errorf("n1 ip_forward %d", v)
	}
	if !hosts[0].Has(artifact.KindSysctl) || hosts[0].Has(artifact.KindIptables) {
		t.Error("kinds")
	}
}

func TestBundleYear(t *testing.T) {
	for name, want := range map[string]int{
		"sosreport-node1-2024-01-31-abcdefg/var/log/messages": 2024,
		"sosreport-s2-20190110103012/var/log/messages":        2019,
		"node1/var/log/messages":                              0,
	} {
		if got := bundleYear([]*artifact.Artifact{{Name: name}}); got != want {
			t.Errorf("%s: %d, want %d", name, got, want)
		}
	}
}

func TestNaturalLess(t *testing.T) {
	ordered := []string{"netstat", "netstat.1", "netstat.2", "netstat.10", "paste#3 x", "paste#10 x"}
	for i := 0; i+1 < len(ordered); i++ {
		if !naturalLess(ordered[i], ordered[i+1]) || naturalLess(ordered[i+1], ordered[i]) {
			t.Errorf("%q < %q", ordered[i], ordered[i+1])
		}
	}
}
