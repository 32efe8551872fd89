package derive

import (
	"os"
	"strconv"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
)

// host builds one host's facts from named texts, as the engine does.
func host(t *testing.T, files map[string]string) *facts.Host {
	t.Helper()
	var in []artifact.Input
	for name, text := range files {
		in = append(in, artifact.Input{Name: name, Data: []byte(text)})
	}
	arts, errs := artifact.Expand(in, artifact.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	hosts, _ := facts.Build(arts, facts.Options{})
	if len(hosts) != 1 {
		t.Fatalf("%d hosts", len(hosts))
	}
	return hosts[0]
}

func TestMovedSameFormOnly(t *testing.T) {
	netstat := func(paws, drops int) string {
		return "TcpExt: PAWSPassive ListenDrops\nTcpExt: " + strconv.Itoa(paws) + " " + strconv.Itoa(drops) + "\n"
	}
	// Two /proc snapshots: a delta.
	h := host(t, map[string]string{"proc_net_netstat.1": netstat(10, 20), "proc_net_netstat.2": netstat(15, 40)})
	c, ok := Moved(h, "TcpExt.ListenDrops")
	if !ok || c.Value != 20 || c.SinceBoot || len(c.Refs) != 2 {
		t.Fatalf("delta: %+v %v", c, ok)
	}
	// One /proc snapshot and one netstat -s: never subtracted. Both are one
	// instant, so the total of the first form in name order is returned.
	h = host(t, map[string]string{"netstat": netstat(10, 20),
		"netstat_-s": "TcpExt:\n    25 SYNs to LISTEN sockets dropped\n"})
	c, ok = Moved(h, "TcpExt.ListenDrops")
	if !ok || !c.SinceBoot || c.Value != 20 {
		t.Fatalf("mixed forms: %+v %v", c, ok)
	}
	if _, ok := Moved(h, "TcpExt.NoSuchCounter"); ok {
		t.Fatal("unknown counter reported as known")
	}
}

// The kube-proxy fixture DNATs its NodePorts from OUTPUT only through the
// `--dst-type LOCAL` jump: every NodePort is local-only.
func TestLocalOnlyNodePortsOnKubeProxyFixture(t *testing.T) {
	data, err := os.ReadFile("../../testdata/corpus/iptables-save/k8s-cleanup_test.go__TestCleanupLeftovers_initial.iptables-save")
	if err != nil {
		t.Fatal(err)
	}
	h := host(t, map[string]string{"iptables-save": string(data)})
	ports := NodePorts(h)
	if len(ports) == 0 {
		t.Fatal("no NodePorts found")
	}
	got := LocalOnlyNodePorts(h)
	if len(got) != len(ports) {
		t.Fatalf("%d local-only of %d NodePorts: %+v", len(got), len(ports), got)
	}
	if len(InvalidDropRules(h)) != 1 || !ForwardFilterCollected(h) {
		t.Fatalf("INVALID drop rule: %+v", InvalidDropRules(h))
	}
}

// A NodePort DNATed for every destination (no addrtype condition) is not
// local-only.
func TestLocalOnlyNodePortsNearMiss(t *testing.T) {
	h := host(t, map[string]string{"iptables-save": `*nat
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-SVC-X - [0:0]
-A OUTPUT -j KUBE-SERVICES
-A KUBE-SERVICES -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -p tcp -m tcp --dport 31000 -j KUBE-SVC-X
-A KUBE-SVC-X -p tcp -j DNAT --to-destination 10.244.1.2:80
COMMIT
`})
	if len(NodePorts(h)) != 1 || len(LocalOnlyNodePorts(h)) != 0 {
		t.Fatalf("nodeports %v local-only %v", NodePorts(h), LocalOnlyNodePorts(h))
	}
}

func TestIPVSReaddedNeedsAReturn(t *testing.T) {
	listing := func(svcs ...string) string {
		s := "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		for _, v := range svcs {
			s += "TCP  " + v + " rr\n  -> 10.0.0.9:80                  Masq    1      0          0\n"
		}
		return s
	}
	back := listing("10.0.0.1:80", "10.0.0.2:80") + listing("10.0.0.1:80") + listing("10.0.0.1:80", "10.0.0.2:80")
	if got := IPVSReadded(host(t, map[string]string{"ipvsadm": back})); len(got) != 1 {
		t.Fatalf("re-added: %+v", got)
	}
	gone := listing("10.0.0.1:80", "10.0.0.2:80") + listing("10.0.0.1:80") + listing("10.0.0.1:80")
	if got := IPVSReadded(host(t, map[string]string{"ipvsadm": gone})); len(got) != 0 {
		t.Fatalf("removed for good counted as re-added: %+v", got)
	}
}

func TestCounterMovesHidesUnchanged(t *testing.T) {
	h := host(t, map[string]string{
		"proc_net_netstat.1": "TcpExt: PAWSPassive ListenDrops TW\nTcpExt: 10 20 5\n",
		"proc_net_netstat.2": "TcpExt: PAWSPassive ListenDrops TW\nTcpExt: 10 60 7\n",
	})
	got := CounterMoves(h)
	if len(got) != 2 || got[0].Name != "TcpExt.ListenDrops" || got[0].Delta != 40 || got[1].Name != "TcpExt.TW" {
		t.Fatalf("%+v", got)
	}
}
