package iptables

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/source"
)

const corpusDir = "../../../testdata/corpus/iptables-save/"

func load(t *testing.T, path string) (*Ruleset, []source.Warning) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, warns := Parse(filepath.Base(path), data)
	checkInvariants(t, rs)
	return rs, warns
}

// rule returns rule n (1-based) of a chain, failing the test if absent.
func rule(t *testing.T, rs *Ruleset, table, chain string, n int) *Rule {
	t.Helper()
	c := rs.Chain(table, chain)
	if c == nil {
		t.Fatalf("no chain %s/%s", table, chain)
	}
	if n < 1 || n > len(c.Rules) {
		t.Fatalf("%s/%s has %d rules, want rule %d", table, chain, len(c.Rules), n)
	}
	return c.Rules[n-1]
}

func wantMatch(t *testing.T, r *Rule, option, module, value string, negated bool) {
	t.Helper()
	m, ok := r.Match(option)
	if !ok {
		t.Fatalf("rule %q has no %s match; matches %v", r.Raw, option, r.Matches)
	}
	if m.Module != module || m.Value != value || m.Negated != negated {
		t.Errorf("rule %q: %s = %+v, want module %q value %q negated %v", r.Raw, option, m, module, value, negated)
	}
}

func chainsOf(tr *Trace) []string {
	var out []string
	for _, s := range tr.Steps {
		out = append(out, s.Chain)
	}
	return out
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestCorpusKubeProxyCleanupSave(t *testing.T) {
	rs, warns := load(t, corpusDir+"k8s-cleanup_test.go__TestCleanupLeftovers_initial.iptables-save")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	if rs.Form != FormSave {
		t.Errorf("form %q", rs.Form)
	}
	if strings.Join(rs.Order, ",") != "filter,nat,mangle" {
		t.Errorf("tables %v", rs.Order)
	}
	if got := len(rs.Chain("nat", "KUBE-SERVICES").Rules); got != 10 {
		t.Errorf("nat KUBE-SERVICES has %d rules, want 10", got)
	}
	if got := len(rs.Table("mangle").Chains); got != 3 {
		t.Errorf("mangle has %d chains, want 3", got)
	}

	invalid := rule(t, rs, "filter", "KUBE-FORWARD", 1)
	wantMatch(t, invalid, "ctstate", "conntrack", "INVALID", false)
	if invalid.Target != "DROP" || invalid.Src.Line != 29 {
		t.Errorf("KUBE-FORWARD rule 1: target %q line %d", invalid.Target, invalid.Src.Line)
	}

	nodeports := rule(t, rs, "nat", "KUBE-SERVICES", 10)
	wantMatch(t, nodeports, "dst-type", "addrtype", "LOCAL", false)
	if nodeports.Target != "KUBE-NODEPORTS" || !strings.HasPrefix(nodeports.Comment, "kubernetes service nodeports; NOTE") {
		t.Errorf("nodeports jump: target %q comment %q", nodeports.Target, nodeports.Comment)
	}

	// quoted comment with an apostrophe, unquoted multi-word comment
	if c := rule(t, rs, "filter", "INPUT", 3).Comment; c != "someone else's input rule" {
		t.Errorf("comment %q", c)
	}
	if c := rule(t, rs, "filter", "INPUT", 2).Comment; c != "kubernetes health check service ports" {
		t.Errorf("comment %q", c)
	}
	localnet := rule(t, rs, "filter", "KUBE-FIREWALL", 1)
	wantMatch(t, localnet, "-s", "", "127.0.0.0/8", true)
	wantMatch(t, localnet, "ctstate", "conntrack", "RELATED,ESTABLISHED,DNAT", true)
	wantMatch(t, rule(t, rs, "nat", "KUBE-POSTROUTING", 1), "mark", "mark", "0x4000/0x4000", true)
	if v, _ := rule(t, rs, "nat", "KUBE-MARK-MASQ", 1).TargetArg("--or-mark"); v != "0x4000" {
		t.Errorf("or-mark %q", v)
	}
	sep := rule(t, rs, "nat", "KUBE-SEP-RS4RBKLTHTF2IUXJ", 2)
	if v, ok := sep.TargetArg("to-destination"); !ok || v != "10.180.0.2:80" {
		t.Errorf("to-destination %q", v)
	}
	wantMatch(t, rule(t, rs, "nat", "KUBE-SVC-4SW47YFZTEDKD3PK", 2), "probability", "statistic", "0.5000000000", false)
	if n := len(rs.References("nat", "KUBE-MARK-MASQ")); n != 15 {
		t.Errorf("KUBE-MARK-MASQ has %d references, want 15", n)
	}

	// A NodePort packet sent by the node itself: nat OUTPUT only reaches
	// KUBE-NODEPORTS when addrtype sees the destination as local.
	p := Packet{Proto: "tcp", Src: addr("192.168.99.1"), Dst: addr("192.168.99.1"), SPort: 40000, DPort: 3001,
		SrcLocal: true, DstLocal: true, CtState: "NEW"}
	tr := rs.Trace("nat", "OUTPUT", p)
	if tr.Verdict != "DNAT" || tr.DNAT != "10.180.0.2:80" || tr.Truncated {
		t.Fatalf("local NodePort: verdict %q dnat %q problems %v path %v", tr.Verdict, tr.DNAT, tr.Problems, chainsOf(tr))
	}
	want := "OUTPUT,KUBE-SERVICES,KUBE-NODEPORTS,KUBE-EXT-GNZBNJ2PO5MGZ6GT,KUBE-MARK-MASQ,KUBE-EXT-GNZBNJ2PO5MGZ6GT,KUBE-SVC-GNZBNJ2PO5MGZ6GT,KUBE-SEP-RS4RBKLTHTF2IUXJ"
	if got := strings.Join(chainsOf(tr), ","); got != want {
		t.Errorf("path %s\nwant %s", got, want)
	}
	if tr.Mark != 0x4000 || tr.Final != sep || len(tr.Uncertain) != 0 {
		t.Errorf("mark %#x final %v uncertain %v", tr.Mark, tr.Final, tr.Uncertain)
	}

	p.DstLocal = false
	tr = rs.Trace("nat", "OUTPUT", p)
	if tr.DNAT != "" || tr.Final != nil || tr.Verdict != "RETURN" {
		// this fixture declares OUTPUT with policy "-", so no policy verdict
		t.Errorf("non-local: verdict %q dnat %q final %v", tr.Verdict, tr.DNAT, tr.Final)
	}
	for _, c := range chainsOf(tr) {
		if c == "KUBE-NODEPORTS" {
			t.Errorf("non-local destination reached KUBE-NODEPORTS")
		}
	}

	// an INVALID forwarded packet is dropped by KUBE-FORWARD
	tr = rs.Trace("filter", "FORWARD", Packet{Proto: "tcp", Src: addr("10.1.1.1"), Dst: addr("10.2.2.2"), DPort: 80, SPort: 1234, CtState: "INVALID"})
	if tr.Verdict != "DROP" || tr.Final != invalid {
		t.Errorf("INVALID forward: verdict %q final %v", tr.Verdict, tr.Final)
	}
}

func TestSeed000NodePortRace(t *testing.T) {
	rs, warns := load(t, "testdata/seed000_k8s19.iptables-save")
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	nat := rs.Table("nat")
	if nat.Family != "ip" || rs.Chain("nat", "OUTPUT").Packets != 18873 || rs.Chain("nat", "OUTPUT").Bytes != 1132380 {
		t.Errorf("nat family %q OUTPUT counters %d/%d", nat.Family, rs.Chain("nat", "OUTPUT").Packets, rs.Chain("nat", "OUTPUT").Bytes)
	}
	logRule := rule(t, rs, "filter", "OUTPUT", 1)
	if v, _ := logRule.TargetArg("log-prefix"); v != "OUTPUT_LOG_10.20.0.6" || logRule.Target != "LOG" {
		t.Errorf("LOG rule: target %q prefix %q", logRule.Target, v)
	}
	wantMatch(t, rule(t, rs, "nat", "KUBE-NODEPORTS", 2), "dport", "tcp", "32672", false)

	// celery on node-1 (10.20.0.3) connecting to the VIP 10.20.0.6:32672
	p := Packet{Proto: "tcp", Src: addr("10.20.0.3"), Dst: addr("10.20.0.6"), SPort: 48598, DPort: 32672, CtState: "NEW", SrcLocal: true}

	p.DstLocal = true // the VIP is already on this node
	tr := rs.Trace("nat", "OUTPUT", p)
	if tr.Verdict != "DNAT" || tr.DNAT != "10.233.65.134:5672" {
		t.Fatalf("VIP local: verdict %q dnat %q path %v", tr.Verdict, tr.DNAT, chainsOf(tr))
	}
	if tr.Final == nil || tr.Final.Chain != "KUBE-SEP-2KS3ZJRZLV7OGYAZ" || tr.Mark != 0x4000 {
		t.Errorf("final %v mark %#x", tr.Final, tr.Mark)
	}
	if len(tr.Uncertain) != 1 || tr.Uncertain[0].Match.Module != "statistic" || !tr.Uncertain[0].Matched {
		t.Errorf("uncertain %v", tr.Uncertain)
	} else if s := tr.Uncertain[0].String(); !strings.Contains(s, "KUBE-SVC-3NR3PRWB562QV3AI rule 1") {
		t.Errorf("assumption text %q", s)
	}

	p.DstLocal = false // the VIP is not (yet) local when nat OUTPUT runs
	tr = rs.Trace("nat", "OUTPUT", p)
	if tr.Verdict != "ACCEPT" || tr.DNAT != "" || tr.Final != nil {
		t.Errorf("VIP not local: verdict %q dnat %q final %v", tr.Verdict, tr.DNAT, tr.Final)
	}
	if got := strings.Join(chainsOf(tr), ","); got != "OUTPUT" {
		t.Errorf("path %s, want only the OUTPUT jump", got)
	}

	// skipping random choices walks to the last endpoint
	p.DstLocal = true
	tr = rs.TraceWith("nat", "OUTPUT", p, TraceOptions{SkipProbabilistic: true})
	if tr.DNAT != "10.233.67.7:5672" || len(tr.Uncertain) != 2 {
		t.Errorf("skip probabilistic: dnat %q uncertain %v", tr.DNAT, tr.Uncertain)
	}

	// filter OUTPUT: LOG does not stop the walk
	tr = rs.Trace("filter", "OUTPUT", p)
	if tr.Verdict != "ACCEPT" || len(tr.Steps) < 1 || tr.Steps[0].Rule != logRule {
		t.Errorf("filter OUTPUT: verdict %q steps %v", tr.Verdict, chainsOf(tr))
	}
}

func TestListSeed001Postrouting(t *testing.T) {
	rs, warns := load(t, "testdata/seed001_postrouting.nvL")
	if rs.Form != FormL || len(warns) != 1 || !strings.Contains(warns[0].Message, `"nat"`) {
		t.Errorf("form %q warnings %v", rs.Form, warns)
	}
	c := rs.Chain("nat", "POSTROUTING")
	if c == nil || c.Policy != "ACCEPT" || c.Packets != 6 || c.Bytes != 360 || len(c.Rules) != 5 {
		t.Fatalf("POSTROUTING %+v", c)
	}
	r1 := c.Rules[0]
	if r1.Target != "KUBE-POSTROUTING" || r1.Packets != 6351000 || r1.Bytes != 563000000 || !r1.CountersRounded || r1.Comment != "kubernetes postrouting rules" {
		t.Errorf("rule 1 %+v", r1)
	}
	wantMatch(t, c.Rules[1], "out-interface", "", "docker0", true)
	wantMatch(t, c.Rules[1], "source", "", "172.17.0.0/16", false)
	if _, ok := c.Rules[1].Match("destination"); ok {
		t.Errorf("0.0.0.0/0 became a match")
	}
	wantMatch(t, c.Rules[3], "destination", "", "224.0.0.0/4", true)
	wantMatch(t, c.Rules[4], "source", "", "10.244.0.0/16", true)
	if c.Rules[3].Packets != 102000 || c.Rules[3].Bytes != 6466000 {
		t.Errorf("rule 4 counters %d/%d", c.Rules[3].Packets, c.Rules[3].Bytes)
	}

	// The LVS-DNATed packet from m1 to the master pod is masqueraded; the
	// KUBE-POSTROUTING chain is not in this listing and is reported.
	tr := rs.Trace("nat", "POSTROUTING", Packet{Proto: "tcp", Src: addr("192.168.128.158"), Dst: addr("10.244.3.27"), SPort: 50000, DPort: 5432, OutIface: "cni0"})
	if tr.Verdict != "MASQUERADE" || tr.Final != c.Rules[4] || len(tr.Uncertain) != 1 {
		t.Errorf("verdict %q final %v uncertain %v", tr.Verdict, tr.Final, tr.Uncertain)
	}
	// pod to pod traffic returns unNATed
	tr = rs.Trace("nat", "POSTROUTING", Packet{Proto: "tcp", Src: addr("10.244.1.250"), Dst: addr("10.244.3.27"), SPort: 50000, DPort: 5432, OutIface: "flannel.1"})
	if tr.Verdict != "ACCEPT" || len(tr.Steps) != 2 || tr.Steps[1].Rule.Target != "RETURN" {
		t.Errorf("pod to pod: verdict %q steps %v", tr.Verdict, chainsOf(tr))
	}
}

func TestListKubeNatLineNumbers(t *testing.T) {
	data, err := os.ReadFile("testdata/k8s_nat_line_numbers.nvL")
	if err != nil {
		t.Fatal(err)
	}
	rs, warns := ParseWithTable("iptables -t nat -nvL --line-numbers", data, "nat")
	checkInvariants(t, rs)
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	if c := rs.Chain("nat", "OUTPUT"); c.Bytes != 1132000 || c.Packets != 18873 {
		t.Errorf("OUTPUT policy counters %d/%d", c.Packets, c.Bytes)
	}
	if c := rs.Chain("nat", "KUBE-MARK-MASQ"); c.References != 6 || c.Policy != "" {
		t.Errorf("KUBE-MARK-MASQ refs %d policy %q", c.References, c.Policy)
	}
	noTarget := rule(t, rs, "nat", "KUBE-FW-NUKIZ6OKUXPJNT4C", 2)
	if noTarget.Target != "" || !strings.HasPrefix(noTarget.Comment, "other traffic to ns5/svc5:p80") {
		t.Errorf("rule without target: %q %q", noTarget.Target, noTarget.Comment)
	}
	if v, _ := rule(t, rs, "nat", "KUBE-MARK-MASQ", 1).TargetArg("or-mark"); v != "0x4000" {
		t.Errorf("MARK or %q", v)
	}
	wantMatch(t, rule(t, rs, "nat", "KUBE-POSTROUTING", 1), "mark", "mark", "0x4000/0x4000", true)
	if _, ok := rule(t, rs, "nat", "KUBE-POSTROUTING", 3).TargetArg("random-fully"); !ok {
		t.Errorf("random-fully missing")
	}
	dnat := rule(t, rs, "nat", "KUBE-SEP-2KS3ZJRZLV7OGYAZ", 2)
	if v, _ := dnat.TargetArg("to-destination"); v != "10.233.65.134:5672" || len(dnat.Unparsed) != 0 {
		t.Errorf("DNAT to %q unparsed %q", v, dnat.Unparsed)
	}
	reject := rule(t, rs, "nat", "KUBE-SERVICES", 3)
	wantMatch(t, reject, "dport", "tcp", "80", false)
	wantMatch(t, reject, "destination", "", "172.30.0.46", false)
	if v, _ := reject.TargetArg("reject-with"); v != "icmp-port-unreachable" {
		t.Errorf("reject-with %q", v)
	}
	wantMatch(t, rule(t, rs, "nat", "KUBE-SERVICES", 4), "match-set", "set", "KUBE-CLUSTER-IP dst,dst", false)
	wantMatch(t, rule(t, rs, "nat", "KUBE-SERVICES", 5), "dst-type", "addrtype", "LOCAL", false)
	wantMatch(t, rule(t, rs, "nat", "KUBE-SVC-3NR3PRWB562QV3AI", 1), "probability", "statistic", "0.50000000000", false)

	p := Packet{Proto: "tcp", Src: addr("10.20.0.3"), Dst: addr("10.20.0.6"), SPort: 48598, DPort: 32672, CtState: "NEW", DstLocal: true}
	tr := rs.Trace("nat", "OUTPUT", p)
	if tr.DNAT != "10.233.65.134:5672" {
		t.Fatalf("dnat %q path %v problems %v", tr.DNAT, chainsOf(tr), tr.Problems)
	}
	// the ipset match cannot be evaluated: assumed not to match, and said so
	if len(tr.Uncertain) != 2 || tr.Uncertain[0].Match.Module != "set" || tr.Uncertain[0].Matched ||
		tr.Uncertain[1].Match.Module != "statistic" || !tr.Uncertain[1].Matched {
		t.Errorf("uncertain %v", tr.Uncertain)
	}
	tr = rs.TraceWith("nat", "OUTPUT", p, TraceOptions{AssumeUnknownMatch: true})
	if tr.Steps[1].Rule != rule(t, rs, "nat", "KUBE-SERVICES", 4) || !tr.Steps[1].Assumed {
		t.Errorf("assume unknown match: steps %v", chainsOf(tr))
	}

	// without the table given, the nat table is inferred
	rs2, warns2 := Parse("x", data)
	if rs2.Table("nat") == nil || len(warns2) != 1 {
		t.Errorf("inferred tables %v warnings %v", rs2.Order, warns2)
	}
}

func TestListNamesWithoutCounters(t *testing.T) {
	rs, warns := load(t, "testdata/filter_names.L")
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	ssh := rule(t, rs, "filter", "INPUT", 2)
	if ssh.HasCounters || ssh.Target != "ACCEPT" {
		t.Errorf("ssh rule %+v", ssh)
	}
	wantMatch(t, ssh, "dport", "tcp", "ssh", false)
	if _, ok := rule(t, rs, "filter", "INPUT", 1).Match("source"); ok {
		t.Errorf("anywhere became a match")
	}
	wantMatch(t, rule(t, rs, "filter", "INPUT", 4), "state", "state", "RELATED,ESTABLISHED", false)
	wantMatch(t, rule(t, rs, "filter", "FORWARD", 2), "fragment", "", "", false)
	wantMatch(t, rule(t, rs, "filter", "KUBE-FIREWALL", 2), "ctstate", "conntrack", "RELATED,ESTABLISHED,DNAT", true)
	wantMatch(t, rule(t, rs, "filter", "KUBE-FIREWALL", 2), "source", "", "loopback/8", true)
	if rs.Chain("filter", "FORWARD").Policy != "DROP" {
		t.Errorf("FORWARD policy")
	}
	tr := rs.Trace("filter", "INPUT", Packet{Proto: "tcp", Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), SPort: 5555, DPort: 22, CtState: "NEW"})
	if tr.Final != ssh {
		t.Errorf("ssh by service name: final %v verdict %q", tr.Final, tr.Verdict)
	}
}

func TestListIPv6BlankOptColumn(t *testing.T) {
	rs, warns := load(t, "testdata/ip6_filter.nvL")
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	c := rs.Chain("filter", "INPUT")
	if c.Policy != "DROP" || c.Packets != 12 || len(c.Rules) != 4 {
		t.Fatalf("INPUT %+v", c)
	}
	wantMatch(t, c.Rules[0], "in-interface", "", "lo", false)
	wantMatch(t, c.Rules[1], "protocol", "", "ipv6-icmp", false)
	wantMatch(t, c.Rules[2], "source", "", "fd00::/8", false)
	wantMatch(t, c.Rules[3], "dport", "tcp", "30000:32767", false)
	if v, _ := c.Rules[3].TargetArg("reject-with"); v != "icmp6-port-unreachable" {
		t.Errorf("reject-with %q", v)
	}
	tr := rs.Trace("filter", "INPUT", Packet{Proto: "tcp", Src: addr("2001:db8::1"), Dst: addr("2001:db8::2"), SPort: 4000, DPort: 31000, InIface: "eth0"})
	if tr.Verdict != "REJECT" {
		t.Errorf("nodeport range: %q", tr.Verdict)
	}
}

func TestSForm(t *testing.T) {
	rs, warns := load(t, "testdata/filter.S")
	if rs.Form != FormS || len(warns) != 0 {
		t.Errorf("form %q warnings %v", rs.Form, warns)
	}
	tb := rs.Table("filter")
	if strings.Join(tb.Order, ",") != "INPUT,FORWARD,OUTPUT,DOCKER,KUBE-FIREWALL,KUBE-FORWARD" {
		t.Errorf("chain order %v", tb.Order)
	}
	if rs.Chain("filter", "FORWARD").Policy != "DROP" || rs.Chain("filter", "DOCKER").Policy != "" {
		t.Errorf("policies")
	}
	wantMatch(t, rule(t, rs, "filter", "INPUT", 2), "dports", "multiport", "80,443,8000:8080", false)
	wantMatch(t, rule(t, rs, "filter", "INPUT", 3), "hitcount", "recent", "4", false)
	wantMatch(t, rule(t, rs, "filter", "INPUT", 4), "-i", "", "lo", true)
	wantMatch(t, rule(t, rs, "filter", "FORWARD", 5), "physdev-is-bridged", "physdev", "", false)
	wantMatch(t, rule(t, rs, "filter", "FORWARD", 5), "in-interface", "", "veth+", false)

	// docker0 -> eth0 forwarded traffic is accepted by FORWARD rule 4
	fwd := Packet{Proto: "tcp", Src: addr("172.17.0.2"), Dst: addr("8.8.8.8"), SPort: 40000, DPort: 443, InIface: "docker0", OutIface: "eth0", CtState: "NEW"}
	tr := rs.Trace("filter", "FORWARD", fwd)
	if tr.Final != rule(t, rs, "filter", "FORWARD", 4) {
		t.Errorf("docker egress: final %v verdict %q", tr.Final, tr.Verdict)
	}
	// veth+ wildcard
	fwd.InIface = "veth1a2b"
	tr = rs.Trace("filter", "FORWARD", fwd)
	// physdev is not evaluable: by default assumed not to match, so policy DROP
	if tr.Final != nil || tr.Verdict != "DROP" || len(tr.Uncertain) != 1 || tr.Uncertain[0].Rule != rule(t, rs, "filter", "FORWARD", 5) {
		t.Errorf("veth+: verdict %q final %v uncertain %v", tr.Verdict, tr.Final, tr.Uncertain)
	}
	tr = rs.TraceWith("filter", "FORWARD", fwd, TraceOptions{AssumeUnknownMatch: true})
	if tr.Final != rule(t, rs, "filter", "FORWARD", 5) || !tr.Steps[len(tr.Steps)-1].Assumed {
		t.Errorf("veth+ assuming physdev: final %v", tr.Final)
	}
	// multiport range, source CIDR
	in := Packet{Proto: "tcp", Src: addr("10.3.4.5"), Dst: addr("10.0.0.1"), SPort: 40000, DPort: 8010, InIface: "eth0", CtState: "NEW"}
	if tr := rs.Trace("filter", "INPUT", in); tr.Final != rule(t, rs, "filter", "INPUT", 2) {
		t.Errorf("multiport: final %v", tr.Final)
	}
	// DNS from outside is rejected unless it arrives on lo
	dns := Packet{Proto: "udp", Src: addr("192.0.2.9"), Dst: addr("10.0.0.1"), SPort: 5353, DPort: 53, InIface: "eth0", CtState: "NEW"}
	if tr := rs.Trace("filter", "INPUT", dns); tr.Verdict != "REJECT" {
		t.Errorf("dns eth0: %q", tr.Verdict)
	}
	dns.InIface = "lo"
	if tr := rs.Trace("filter", "INPUT", dns); tr.Verdict != "ACCEPT" || tr.Final != nil {
		t.Errorf("dns lo: %q %v", tr.Verdict, tr.Final)
	}
}

func TestSFormCountersAndInference(t *testing.T) {
	rs, warns := load(t, "testdata/mangle_counters.S")
	if len(warns) != 1 || rs.Table("mangle") == nil {
		t.Fatalf("tables %v warnings %v", rs.Order, warns)
	}
	c := rs.Chain("mangle", "OUTPUT")
	if !c.HasCounters || c.Packets != 20417 || c.Bytes != 3314229 {
		t.Errorf("OUTPUT policy counters %+v", c)
	}
	r := rule(t, rs, "mangle", "PREROUTING", 1)
	if !r.HasCounters || r.Packets != 1520 || r.Bytes != 91200 || r.Target != "MARK" {
		t.Errorf("rule counters %+v", r)
	}
	wantMatch(t, rule(t, rs, "mangle", "POSTROUTING", 1), "tcp-flags", "tcp", "SYN,RST SYN", false)
	tr := rs.Trace("mangle", "PREROUTING", Packet{Proto: "tcp", Src: addr("192.0.2.1"), Dst: addr("192.0.2.2"), SPort: 1, DPort: 443, InIface: "eth0", Mark: 0x30})
	if tr.Mark != 0x1 || tr.Verdict != "ACCEPT" {
		t.Errorf("set-xmark 0x1/0xffffffff: mark %#x verdict %q", tr.Mark, tr.Verdict)
	}

	// with the table given by the command, nothing is inferred
	data, _ := os.ReadFile("testdata/mangle_counters.S")
	rs2, warns2 := ParseWithTable("iptables -t mangle -S -v", data, "mangle")
	if len(warns2) != 0 || rs2.Chain("mangle", "PREROUTING") == nil {
		t.Errorf("explicit table: %v %v", rs2.Order, warns2)
	}
}

func TestRuleArgumentVariants(t *testing.T) {
	text := `*filter
:INPUT ACCEPT [0:0]
[12:720] -A INPUT -s ! 10.0.0.0/8 -p tcp --dport 22 -j DROP
-A INPUT -m comment --comment "a \"quoted\" word" -p udp --sport 53 -j ACCEPT
-A INPUT -p tcp -m tcp --destination-port 30000:32767 -m statistic --mode nth --every 2 --packet 0 -j ACCEPT
-A INPUT -d 10.96.0.0/255.240.0.0 -j REJECT
COMMIT
`
	rs, warns := Parse("inline", []byte(text))
	checkInvariants(t, rs)
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	old := rule(t, rs, "filter", "INPUT", 1)
	wantMatch(t, old, "source", "", "10.0.0.0/8", true)
	wantMatch(t, old, "dport", "tcp", "22", false)
	if !old.HasCounters || old.Packets != 12 || old.Bytes != 720 {
		t.Errorf("counters %+v", old)
	}
	if c := rule(t, rs, "filter", "INPUT", 2).Comment; c != `a "quoted" word` {
		t.Errorf("comment %q", c)
	}
	wantMatch(t, rule(t, rs, "filter", "INPUT", 2), "sport", "udp", "53", false)
	wantMatch(t, rule(t, rs, "filter", "INPUT", 3), "dport", "tcp", "30000:32767", false)
	wantMatch(t, rule(t, rs, "filter", "INPUT", 3), "every", "statistic", "2", false)

	p := Packet{Proto: "tcp", Src: addr("192.0.2.1"), Dst: addr("10.100.0.1"), SPort: 1000, DPort: 22}
	if tr := rs.Trace("filter", "INPUT", p); tr.Verdict != "DROP" {
		t.Errorf("old-style negation: %q", tr.Verdict)
	}
	p.Src = addr("10.1.1.1")
	if tr := rs.Trace("filter", "INPUT", p); tr.Verdict != "REJECT" {
		t.Errorf("dotted netmask: %q", tr.Verdict)
	}
}

func TestSaveEdgeCases(t *testing.T) {
	text := `# Generated by iptables-save v1.8.4 on Mon Jan  1 00:00:00 2024
*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -j KUBE-SERVICES
COMMIT
# Generated by ip6tables-save v1.8.4 on Mon Jan  1 00:00:00 2024
*nat
:PREROUTING ACCEPT [0:0]
COMMIT
# Generated by iptables-save v1.8.4 on Mon Jan  1 00:00:05 2024
*nat
:PREROUTING ACCEPT [5:300]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -p tcp --dport 80 -j "unterminated
`
	rs, warns := Parse("two dumps", []byte(text))
	checkInvariants(t, rs)
	if strings.Join(rs.Order, ",") != "nat,ip6 nat" {
		t.Errorf("tables %v", rs.Order)
	}
	if c := rs.Chain("nat", "PREROUTING"); c.Packets != 5 || len(c.Rules) != 0 {
		t.Errorf("later dump should replace the first: %+v", c)
	}
	if rs.Table("ip6 nat").Family != "ip6" {
		t.Errorf("ip6 family")
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"appears again", "unterminated quote", "no COMMIT"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing warning %q in:\n%s", want, all)
		}
	}
	// The dangling jump KUBE-SERVICES is not in the table: traced as missing.
	tr := rs.Trace("nat", "OUTPUT", Packet{Proto: "tcp", DPort: 80})
	if tr.Verdict != "ACCEPT" {
		t.Errorf("unterminated target kept: %q", tr.Verdict)
	}
}

func TestTraceGuards(t *testing.T) {
	text := `*filter
:INPUT DROP [0:0]
:A - [0:0]
:B - [0:0]
:C - [0:0]
-A INPUT -p tcp --dport 1 -j A
-A INPUT -p tcp --dport 2 -j C
-A INPUT -j ACCEPT
-A A -j B
-A B -j A
-A C -g B2
-A C -j DROP
-A B2 -j RETURN
COMMIT
`
	rs, _ := Parse("guards", []byte(text))
	tr := rs.Trace("filter", "INPUT", Packet{Proto: "tcp", DPort: 1})
	if !tr.Truncated || len(tr.Problems) == 0 || !strings.Contains(tr.Problems[0], "loop") {
		t.Errorf("loop not caught: %+v", tr)
	}
	// goto: B2 returns to INPUT, skipping the DROP in C
	tr = rs.Trace("filter", "INPUT", Packet{Proto: "tcp", DPort: 2})
	if tr.Verdict != "ACCEPT" || tr.Final != rule(t, rs, "filter", "INPUT", 3) {
		t.Errorf("goto: verdict %q final %v path %v", tr.Verdict, tr.Final, chainsOf(tr))
	}
	if tr := rs.Trace("nope", "INPUT", Packet{}); !tr.Truncated {
		t.Errorf("missing table not reported")
	}
	// An unknown protocol makes rule 1 uncertain; rule 2 fails on its
	// port whatever the protocol, so it is not uncertain.
	tr = rs.Trace("filter", "INPUT", Packet{DPort: 1})
	if tr.Verdict != "ACCEPT" || len(tr.Uncertain) != 1 {
		t.Errorf("unknown protocol: %q %v", tr.Verdict, tr.Uncertain)
	}
}

func TestCorpusNftOpenShift(t *testing.T) {
	rs, warns := load(t, corpusDir+"jds2001-ocp-sosreport__nft_list_ruleset")
	if rs.Form != FormNft || len(warns) != 0 {
		t.Errorf("form %q warnings %v", rs.Form, warns)
	}
	if strings.Join(rs.Order, ",") != "nat,filter" || rs.Table("nat").Family != "ip" {
		t.Errorf("tables %v", rs.Order)
	}
	post := rs.Chain("nat", "POSTROUTING")
	if post.Hook != "postrouting" || post.Priority != "100" || post.Type != "nat" || post.Policy != "ACCEPT" {
		t.Errorf("POSTROUTING base chain %+v", post)
	}
	jump := post.Rules[0]
	if jump.Target != "KUBE-POSTROUTING" || jump.Packets != 107561 || jump.Bytes != 7523145 || jump.Src.Line != 12 {
		t.Errorf("POSTROUTING jump %+v", jump)
	}
	if v, _ := rule(t, rs, "nat", "KUBE-MARK-DROP", 1).TargetArg("or-mark"); v != "0x8000" {
		t.Errorf("KUBE-MARK-DROP %q", v)
	}
	masq := rule(t, rs, "nat", "KUBE-POSTROUTING", 1)
	wantMatch(t, masq, "mark", "mark", "0x4000/0x4000", false)
	if masq.Target != "MASQUERADE" {
		t.Errorf("target %q", masq.Target)
	}
	fw := rule(t, rs, "filter", "KUBE-FIREWALL", 1)
	if fw.Target != "DROP" {
		t.Errorf("KUBE-FIREWALL %q", fw.Target)
	}
	// the proxy never programmed services on this node
	if rs.Chain("nat", "KUBE-SERVICES") != nil || rs.Chain("nat", "KUBE-NODEPORTS") != nil {
		t.Errorf("unexpected service chains")
	}
	if got := rs.Table("filter").Hooks["INPUT"]; len(got) != 1 || got[0] != "INPUT" {
		t.Errorf("hooks %v", rs.Table("filter").Hooks)
	}
	p := Packet{Proto: "tcp", Src: addr("10.128.0.5"), Dst: addr("10.0.0.1"), SPort: 40000, DPort: 443, Mark: 0x4000}
	if tr := rs.Trace("nat", "POSTROUTING", p); tr.Verdict != "MASQUERADE" || tr.Final != masq {
		t.Errorf("marked packet: %q", tr.Verdict)
	}
	p.Mark = 0
	if tr := rs.Trace("nat", "POSTROUTING", p); tr.Verdict != "ACCEPT" || tr.Final != nil {
		t.Errorf("unmarked packet: %q", tr.Verdict)
	}
	p.Mark = 0x8000
	if tr := rs.Trace("filter", "OUTPUT", p); tr.Verdict != "DROP" || tr.Final != fw {
		t.Errorf("KUBE-MARK-DROP packet: %q", tr.Verdict)
	}
}

func TestNftIptablesTranslated(t *testing.T) {
	rs, warns := load(t, "testdata/iptables_nft.nft")
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	svc := rule(t, rs, "nat", "KUBE-SERVICES", 1)
	wantMatch(t, svc, "protocol", "", "tcp", false)
	wantMatch(t, svc, "destination", "", "10.43.23.129", false)
	wantMatch(t, svc, "dport", "tcp", "443", false)
	wantMatch(t, rule(t, rs, "nat", "KUBE-SERVICES", 2), "dst-type", "addrtype", "LOCAL", false)
	wantMatch(t, rule(t, rs, "nat", "KUBE-SVC-JOQCPDX2ATLAF3TL", 1), "source", "", "10.42.0.0/16", true)
	wantMatch(t, rule(t, rs, "nat", "POSTROUTING", 2), "out-interface", "", "docker0", true)
	wantMatch(t, rule(t, rs, "nat", "KUBE-POSTROUTING", 1), "mark", "mark", "0x00004000/0x00004000", true)
	if v, _ := rule(t, rs, "nat", "KUBE-POSTROUTING", 2).TargetArg("xor-mark"); v != "0x4000" {
		t.Errorf("xor-mark %q", v)
	}
	if _, ok := rule(t, rs, "nat", "KUBE-POSTROUTING", 3).TargetArg("random-fully"); !ok {
		t.Errorf("random-fully")
	}
	wantMatch(t, rule(t, rs, "filter", "KUBE-FORWARD", 1), "ctstate", "conntrack", "INVALID", false)
	wantMatch(t, rule(t, rs, "filter", "KUBE-FORWARD", 3), "ctstate", "conntrack", "RELATED,ESTABLISHED", false)
	if c := rule(t, rs, "filter", "KUBE-FORWARD", 2).Comment; c != "kubernetes forwarding rules" {
		t.Errorf("comment %q", c)
	}

	p := Packet{Proto: "tcp", Src: addr("10.20.0.3"), Dst: addr("10.20.0.6"), SPort: 48598, DPort: 32672, CtState: "NEW", DstLocal: true}
	tr := rs.Trace("nat", "OUTPUT", p)
	if tr.DNAT != "10.42.0.10:10250" || len(tr.Uncertain) != 0 {
		t.Errorf("nodeport via nft: dnat %q uncertain %v path %v", tr.DNAT, tr.Uncertain, chainsOf(tr))
	}
	p.DstLocal = false
	if tr := rs.Trace("nat", "OUTPUT", p); tr.DNAT != "" || tr.Verdict != "ACCEPT" {
		t.Errorf("non-local: %q %q", tr.Verdict, tr.DNAT)
	}
	tr = rs.Trace("filter", "FORWARD", Packet{Proto: "tcp", Src: addr("1.1.1.1"), Dst: addr("2.2.2.2"), CtState: "INVALID"})
	if tr.Verdict != "DROP" || tr.Final != rule(t, rs, "filter", "KUBE-FORWARD", 1) {
		t.Errorf("invalid: %q", tr.Verdict)
	}
}

func TestNftNative(t *testing.T) {
	rs, warns := load(t, "testdata/native.nft")
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	if strings.Join(rs.Order, ",") != "inet filter,kube-proxy" {
		t.Errorf("tables %v", rs.Order)
	}
	inet := rs.Table("filter") // the only table named filter
	if inet == nil || inet.Family != "inet" || len(inet.Chains) != 1 {
		t.Fatalf("inet filter %+v", inet)
	}
	input := rs.Chain("inet filter", "input")
	if input.Policy != "DROP" || input.Priority != "filter" || len(input.Rules) != 6 || input.Src.EndLine != 17 {
		t.Errorf("input chain %+v", input)
	}
	if r := input.Rules[0]; r.Handle != 4 || r.Packets != 3 || r.Target != "DROP" {
		t.Errorf("rule 1 %+v", r)
	}
	wantMatch(t, input.Rules[3], "source", "", "@blocked", false)
	wantMatch(t, input.Rules[4], "dport", "tcp", "22,80,443", false)
	if v, _ := input.Rules[4].TargetArg("log-prefix"); v != "input-drop " || input.Rules[4].Target != "DROP" {
		t.Errorf("log+drop: %q %q", input.Rules[4].Target, v)
	}
	if input.Rules[5].Comment != "node ports" {
		t.Errorf("comment %q", input.Rules[5].Comment)
	}

	tr := rs.Trace("filter", "input", Packet{Proto: "tcp", Src: addr("203.0.113.9"), Dst: addr("10.0.0.1"), SPort: 999, DPort: 22, InIface: "eth0", CtState: "NEW"})
	if tr.Final != input.Rules[4] || len(tr.Uncertain) != 1 || tr.Uncertain[0].Match.Value != "@blocked" {
		t.Errorf("ssh from outside: final %v uncertain %v", tr.Final, tr.Uncertain)
	}

	kp := rs.Table("kube-proxy")
	if got := kp.Hooks["OUTPUT"]; len(got) != 1 || got[0] != "nat-output" {
		t.Errorf("hooks %v", kp.Hooks)
	}
	// "OUTPUT" is found through the hook index
	p := Packet{Proto: "tcp", Src: addr("10.20.0.3"), Dst: addr("10.20.0.6"), SPort: 48598, DPort: 32672, DstLocal: true}
	tr = rs.Trace("kube-proxy", "OUTPUT", p)
	if tr.DNAT != "10.233.66.12:5672" || tr.Mark != 0x4000 || len(tr.Uncertain) != 1 {
		t.Errorf("native nodeport: dnat %q mark %#x uncertain %v path %v", tr.DNAT, tr.Mark, tr.Uncertain, chainsOf(tr))
	}
	tr = rs.Trace("kube-proxy", "POSTROUTING", Packet{Proto: "tcp", Mark: 0x4000})
	if tr.Verdict != "MASQUERADE" || tr.Mark != 0 {
		t.Errorf("masquerading: %q mark %#x", tr.Verdict, tr.Mark)
	}
}

func TestJunkInput(t *testing.T) {
	inputs := []string{
		"",
		"\x00\x01\x02\xff\xfe binary",
		"Chain INPUT (policy\n pkts bytes\n1 2 3\n",
		"table ip nat {\n chain X {\n jump\n meta mark set\n dnat to\n fib\n",
		"*filter\n:\n-A\n-A X -m\n-A X ! \n[1:2\nCOMMIT\nCOMMIT\n",
		"-A INPUT -c x y -j\n-P\n",
		strings.Repeat("x", source.MaxLineLen+10),
	}
	for _, in := range inputs {
		rs, _ := Parse("junk", []byte(in))
		checkInvariants(t, rs)
		rs.Trace("filter", "INPUT", Packet{Proto: "tcp", DPort: 1})
	}
	_, warns := Parse("binary", []byte("\x00\x01\x02\xff\xfe binary"))
	if len(warns) == 0 {
		t.Errorf("junk produced no warning")
	}
}

// checkInvariants holds for every parse: references are well formed,
// rules know their place.
func checkInvariants(t testing.TB, rs *Ruleset) {
	t.Helper()
	if rs == nil {
		t.Fatal("nil ruleset")
	}
	if len(rs.Order) != len(rs.Tables) {
		t.Errorf("order %v vs %d tables", rs.Order, len(rs.Tables))
	}
	for key, tb := range rs.Tables {
		if TableKey(tb.Family, tb.Name) != key && tb.Name != "" {
			t.Errorf("table key %q for %q/%q", key, tb.Family, tb.Name)
		}
		if len(tb.Order) != len(tb.Chains) {
			t.Errorf("table %s: order %d chains %d", key, len(tb.Order), len(tb.Chains))
		}
		for name, c := range tb.Chains {
			checkRef(t, c.Src)
			for i, r := range c.Rules {
				if r.Index != i+1 || r.Chain != name || r.Table != tb.Name {
					t.Errorf("rule %q: index %d chain %q table %q", r.Raw, r.Index, r.Chain, r.Table)
				}
				checkRef(t, r.Src)
			}
		}
	}
}

func checkRef(t testing.TB, r source.Ref) {
	t.Helper()
	if r.Line < 1 || r.EndLine < r.Line {
		t.Errorf("bad ref %+v", r)
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		corpusDir + "k8s-cleanup_test.go__TestCleanupLeftovers_initial.iptables-save",
		corpusDir + "jds2001-ocp-sosreport__nft_list_ruleset",
	}
	more, _ := filepath.Glob("testdata/*.*")
	for _, path := range append(seeds, more...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, _ := Parse("fuzz", data)
		checkInvariants(t, rs)
		for _, key := range rs.Order {
			for _, chain := range rs.Tables[key].Order {
				p := Packet{Proto: "tcp", Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"), SPort: 1, DPort: 2, DstLocal: true}
				tr := rs.TraceWith(key, chain, p, TraceOptions{MaxRules: 2000})
				if tr.Verdict == "" && !tr.Truncated {
					t.Errorf("trace of %s/%s has no verdict", key, chain)
				}
			}
		}
	})
}
