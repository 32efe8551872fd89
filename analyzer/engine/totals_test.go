package engine_test

import (
	"os"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// A real sosreport's counters (jds2001's OpenShift node: /proc/net/netstat,
// /proc/net/snmp and netstat -s, read at one instant, with large drop and
// failure totals since boot) are one snapshot: no rule may reach likely or
// confirmed from them, and their totals are reported as totals.
func TestRealSosreportTotalsAreNotSymptoms(t *testing.T) {
	root := "sosreport-ocp-node-2020-01-01-abcdef/"
	files := map[string]string{
		"proc-net-stats/jds2001-ocp-sosreport__proc_net_netstat":      "proc/net/netstat",
		"proc-net-stats/jds2001-ocp-sosreport__proc_net_snmp":         "proc/net/snmp",
		"proc-net-stats/jds2001-ocp-sosreport__netstat_-s":            "sos_commands/networking/netstat_-s",
		"conntrack/jds2001-ocp-sosreport__proc_net_stat_nf_conntrack": "proc/net/stat/nf_conntrack",
		"ss/jds2001-ocp-sosreport__ss_-peaonmi":                       "sos_commands/networking/ss_-peaonmi",
		"iptables-save/jds2001-ocp-sosreport__nft_list_ruleset":       "sos_commands/nftables/nft_list_ruleset",
	}
	var in []artifact.Input
	for src, dst := range files {
		data, err := os.ReadFile("../../testdata/corpus/" + src)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, artifact.Input{Name: root + dst, Data: data})
	}
	in = append(in, artifact.Input{Name: root + "hostname", Data: []byte("ocp-node\n")})
	rep := analyze(t, in)
	for _, f := range rep.Findings {
		if rank[f.Confidence] >= rank["likely"] {
			t.Errorf("%s at %s from totals since boot", f.Rule, f.Confidence)
		}
	}
	if len(rep.Totals) == 0 {
		t.Fatal("no totals reported")
	}
	found := false
	for _, tot := range rep.Totals {
		if tot.Name == "Tcp.AttemptFails" && tot.Value == 53223 && len(tot.Rules) > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("Tcp.AttemptFails total missing: %+v", rep.Totals)
	}
}

// The nft ruleset sos's nftables plugin stores is read.
func TestSosNftablesRead(t *testing.T) {
	data, err := os.ReadFile("../../testdata/corpus/iptables-save/jds2001-ocp-sosreport__nft_list_ruleset")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, []artifact.Input{{Name: "sosreport-x-2020-01-01-abc/sos_commands/nftables/nft_list_ruleset", Data: data}})
	if len(rep.Artifacts) != 1 || rep.Artifacts[0].Kind != "nftables" {
		t.Fatalf("artifacts %+v", rep.Artifacts)
	}
}
