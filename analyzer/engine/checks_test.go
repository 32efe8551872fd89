package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/internal/ruletest"
)

// Every rule gets a status on every host, with a reason; the decisive line
// comes first; rule text is filled with the measured NodePort.
func TestChecksDecisiveAndValues(t *testing.T) {
	in, err := ruletest.LoadDir("../../samples/vip-nodeport-local-race/positive")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, in)
	rs, _ := engine.Builtin()
	if want := len(rs.Rules) * len(rep.Hosts); len(rep.Checks) != want {
		t.Fatalf("%d checks, want %d (every rule on every host)", len(rep.Checks), want)
	}
	statuses := map[string]int{}
	for _, c := range rep.Checks {
		statuses[c.Status]++
		if c.Reason == "" {
			t.Errorf("check %s on %s has no reason", c.Rule, c.Host)
		}
		if c.Status == "not-run" && len(c.Missing) == 0 && c.Rule != "vip-split-brain" {
			t.Errorf("check %s is not-run without saying what is missing", c.Rule)
		}
	}
	if statuses["matched"] != len(rep.Findings) || statuses["ruled-out"] == 0 || statuses["not-run"] == 0 {
		t.Errorf("statuses %v with %d findings", statuses, len(rep.Findings))
	}
	for _, c := range rep.Checks {
		if c.Rule == "tw-recycle-nat" && (c.Status != "not-run" || c.Reason != "needs one of sysctl, counters, pcap; none was collected") {
			t.Errorf("tw-recycle-nat check: %+v, want not-run for want of sysctl, counters or a capture", c)
		}
		if c.Rule == "ipvs-service-churn" && (c.Status != "ruled-out" || !strings.Contains(c.Reason, "found nothing")) {
			t.Errorf("ipvs-service-churn check: %+v, want ruled out", c)
		}
	}
	for _, fd := range rep.Findings {
		if fd.Rule != "vip-nodeport-local-race" {
			continue
		}
		if len(fd.Evidence) == 0 || !fd.Evidence[0].Decisive || !strings.Contains(fd.Evidence[0].Note, "byte(s) unread") {
			t.Errorf("first evidence %+v, want the decisive ss line", fd.Evidence[0])
		}
		if !strings.Contains(fd.Summary, "NodePort seen here: 32672") {
			t.Errorf("summary not filled with the measured NodePort: %s", fd.Summary)
		}
		seen := map[string]bool{}
		for _, e := range fd.Evidence {
			key := fmt.Sprintf("%s:%d:%d", e.Artifact, e.Line, e.Frame)
			if seen[key] {
				t.Errorf("evidence %s:%d listed twice", e.Artifact, e.Line)
			}
			seen[key] = true
		}
		for _, m := range fd.Missing {
			if m.Kind == "conntrack" && !strings.Contains(m.Collect, "--dport 32672") {
				t.Errorf("collect command not filled: %s", m.Collect)
			}
		}
		return
	}
	t.Fatal("vip-nodeport-local-race did not match")
}

// A rule ruled out says what its weakest condition read.
func TestRuledOutReason(t *testing.T) {
	in, err := ruletest.LoadDir("../../samples/tw-recycle-nat/negative")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range analyze(t, in).Checks {
		if c.Rule == "tw-recycle-nat" {
			if c.Status != "ruled-out" || !strings.Contains(c.Reason, "possible condition is false; it read: net.ipv4.tcp_tw_recycle = 0") {
				t.Errorf("check %+v", c)
			}
			return
		}
	}
	t.Fatal("no check for tw-recycle-nat")
}

// Evidence labels are short: the command or file name and the line, with
// the host only when the report has several.
func TestEvidenceLabels(t *testing.T) {
	for _, c := range []struct {
		a           engine.ArtifactInfo
		name        string
		line, frame int
		withHost    bool
		want        string
	}{
		{engine.ArtifactInfo{Host: "node-1", Command: "iptables -t nat -S"}, "paste.txt#4 iptables -t nat -S", 26, 0, false, "iptables -t nat -S:26"},
		{engine.ArtifactInfo{Host: "node-1"}, "b.tar.xz!sosreport-node-1/sos_commands/kernel/sysctl_-a", 30, 0, true, "node-1 › sysctl_-a:30"},
		{engine.ArtifactInfo{Host: "net-1", Namespace: "qrouter-8c1d", Command: "iptables-save"}, "os.tar.gz!x/sos_commands/networking/ip_netns_exec_qrouter-8c1d_iptables-save", 69, 0, true, "net-1 › netns qrouter-8c1d › iptables-save:69"},
		{engine.ArtifactInfo{}, "captures/syn-drops.pcap", 0, 9, false, "syn-drops.pcap #9"},
	} {
		if got := engine.EvidenceLabel(c.a, c.name, c.line, c.frame, c.withHost); got != c.want {
			t.Errorf("label %q, want %q", got, c.want)
		}
	}
}

// Collect commands for a namespace host run inside that namespace.
func TestInNamespace(t *testing.T) {
	for _, c := range []struct{ cmd, host, want string }{
		{"sysctl -a", "net-1", "sysctl -a"},
		{"cat /proc/net/netstat; sleep 10; cat /proc/net/netstat", "net-1/qrouter-8c1d",
			"ip netns exec qrouter-8c1d cat /proc/net/netstat; sleep 10; ip netns exec qrouter-8c1d cat /proc/net/netstat"},
		{"conntrack -S", "node-1/pid:4242", "nsenter -t 4242 -n conntrack -S"},
	} {
		if got := engine.InNamespace(c.cmd, c.host); got != c.want {
			t.Errorf("%q on %s: %q, want %q", c.cmd, c.host, got, c.want)
		}
	}
}
