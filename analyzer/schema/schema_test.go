package schema

import (
	"encoding/json"
	"net/netip"
	"sort"
	"strings"
	"testing"
	"time"
)

// designPaths are the fields of DESIGN.md's "JSON report" example. A report
// must keep every one of them.
var designPaths = []string{
	"schema",
	"tool.name", "tool.version", "tool.rules",
	"hosts[]",
	"artifacts[].name", "artifacts[].host", "artifacts[].kind", "artifacts[].size", "artifacts[].warnings[]",
	"findings[].rule", "findings[].host", "findings[].title", "findings[].severity",
	"findings[].confidence", "findings[].summary", "findings[].explanation",
	"findings[].remediation", "findings[].references[]", "findings[].explained_by",
	"findings[].evidence[].artifact", "findings[].evidence[].line", "findings[].evidence[].end_line",
	"findings[].evidence[].frame", "findings[].evidence[].time", "findings[].evidence[].text",
	"findings[].evidence[].note",
	"findings[].missing[].kind", "findings[].missing[].why", "findings[].missing[].collect",
	"captures[].artifact", "captures[].packets", "captures[].flows", "captures[].truncated", "captures[].notes[]",
	"checks[].rule", "checks[].host", "checks[].status", "checks[].reason",
	"timeline[].time", "timeline[].host", "timeline[].source.artifact", "timeline[].source.line",
	"timeline[].source.frame", "timeline[].kind", "timeline[].text", "timeline[].findings[]",
	"errors[].artifact", "errors[].message",
}

// addedPaths are the fields added to v1 since DESIGN.md's example, which
// front ends and users now read. Removing one is a breaking change.
var addedPaths = []string{
	"artifacts[].namespace", "artifacts[].command",
	"artifacts[].warnings[].line", "artifacts[].warnings[].message",
	"findings[].evidence[].label", "findings[].evidence[].decisive",
	"findings[].flows[].artifact", "findings[].flows[].id", "findings[].flows[].client",
	"findings[].flows[].server", "findings[].flows[].client_known", "findings[].flows[].protocol",
	"findings[].flows[].start", "findings[].flows[].end", "findings[].flows[].first_frame",
	"findings[].flows[].last_frame", "findings[].flows[].handshake", "findings[].flows[].handshake_rtt_seconds",
	"findings[].flows[].closed", "findings[].flows[].port_reused", "findings[].flows[].twin_of",
	"findings[].flows[].max_idle_seconds",
	"findings[].flows[].client_stats.retransmissions", "findings[].flows[].client_stats.rto_seconds[]",
	"findings[].flows[].server_stats.zero_windows", "findings[].flows[].server_stats.max_window",
	"findings[].flows[].packets[].frame", "findings[].flows[].packets[].time", "findings[].flows[].packets[].dir",
	"findings[].flows[].packets[].flags", "findings[].flows[].packets[].seq", "findings[].flows[].packets[].ack",
	"findings[].flows[].packets[].len", "findings[].flows[].packets[].win", "findings[].flows[].packets[].notes[]",
	"findings[].flows[].omitted_packets", "findings[].flows[].total_packets",
	"captures[].tcp_packets", "captures[].bytes", "captures[].start", "captures[].end", "captures[].link_types[]",
	"captures[].interfaces", "captures[].snaplen_truncated", "captures[].out_of_order_timestamps",
	"captures[].drops", "captures[].copies", "captures[].evicted_flows", "captures[].error",
	"captures[].nat[].before", "captures[].nat[].after", "captures[].nat[].packets", "captures[].nat[].frame",
	"checks[].missing[]",
	"counters[].host", "counters[].name", "counters[].first", "counters[].last", "counters[].delta",
	"counters[].snapshots", "counters[].meaning", "counters[].rules[]", "counters[].artifact", "counters[].line",
	"artifacts[].warnings_total", "artifacts[].host_reason",
	"captures[].summary.retransmissions", "captures[].summary.resets", "captures[].summary.zero_windows",
	"captures[].summary.failed_handshakes", "captures[].summary.top_conversations[].client",
	"captures[].summary.top_conversations[].server", "captures[].summary.top_conversations[].packets",
	"captures[].summary.top_conversations[].bytes",
	"not_analysed[].path", "not_analysed[].count", "not_analysed[].reason",
	"totals[].host", "totals[].name", "totals[].value", "totals[].per_second", "totals[].meaning", "totals[].rules[]",
	"totals[].artifact", "totals[].line",
}

func full() *Report {
	t0 := time.Date(2026, 1, 2, 10, 2, 3, 0, time.UTC)
	ap := netip.MustParseAddrPort("10.0.0.5:41000")
	side := Side{Retrans: 3, RTO: []float64{0.2, 0.4}, ZeroWindows: 1, MaxWindow: 65535}
	return &Report{
		Schema: Version,
		Tool:   Tool{Name: "nettriage", Version: "v1", Rules: "27 rules"},
		Hosts:  []string{"s2"},
		Artifacts: []ArtifactInfo{{Name: "sysctl_-a", Host: "s2", Namespace: "ns", Kind: "sysctl", Command: "sysctl -a", WarningsTotal: 1, HostReason: "the shell prompt",
			Size: 1234, Warnings: []Warning{{Line: 3, Message: "bad"}}}},
		Findings: []Finding{{Rule: "tw-recycle-nat", Host: "s2", Title: "t", Severity: "critical", Confidence: "confirmed",
			Summary: "s", Explanation: "e", Remediation: "r", References: []string{"https://x"}, ExplainedBy: "y",
			Evidence: []Evidence{{Artifact: "a", Line: 38, EndLine: 38, Frame: 1, Time: "t", Text: "x", Note: "n",
				Label: "recycle on", Decisive: true}},
			Missing: []Missing{{Kind: "counters", Why: "w", Collect: "c"}},
			Flows: []FlowEvidence{{Artifact: "c.pcap", Flow: &Flow{ID: 1, Client: ap, Server: ap, ClientKnown: true,
				Protocol: "http", Start: t0, End: t0, FirstFrame: 1, LastFrame: 9, Handshake: "complete",
				HandshakeRTT: 0.1, Closed: "rst", PortReused: true, TwinOf: 2, MaxGap: 3,
				ClientSide: side, ServerSide: side,
				Packets: []Packet{{Frame: 1, Time: t0, Dir: ">", Flags: "SYN", Seq: 1, Ack: 1, Len: 1, Win: 1,
					Notes: []string{"retransmission"}}},
				Omitted: 1, Total: 2}}},
		}},
		Captures: []Capture{{Summary: CaptureSummary{Retransmissions: 1, TopConversations: []Conversation{{Client: "a", Server: "b", Packets: 2, Bytes: 3}}}, Artifact: "c.pcap", Packets: 2, TCPPackets: 2, Bytes: 3, FlowCount: 1, Start: t0, End: t0,
			LinkTypes: []string{"ethernet"}, Interfaces: 1, Truncated: true, SnapTrimmed: 1, OutOfOrder: 1, Drops: 1,
			Copies: 1, EvictedFlows: 1, Notes: []string{"n"}, Error: "e",
			NAT: []NATMapping{{Before: "b", After: "a", Packets: 1, Frame: 1}}}},
		Checks: []Check{{Rule: "tw-recycle-nat", Host: "s2", Status: CheckNotRun, Reason: "r",
			Missing: []string{"sysctl"}}},
		Timeline: []TimelineEvent{{Time: "2026-01-02T10:02:03Z", Host: "s2", Source: Source{Artifact: "a", Line: 12},
			Kind: "vrrp-state", Text: "x", Findings: []string{"vip-nodeport-local-race"}}},
		Errors:      []Error{{Artifact: "a", Message: "m"}},
		NotAnalysed: []NotAnalysed{{Path: "sosreport-s2/sos_commands/networking", Count: 3, Reason: "r"}},
		Totals: []CounterTotal{{Host: "s2", Name: "TcpExt.ListenDrops", Value: 7, PerSecond: 0.5, Meaning: "m", Rules: []string{"r"},
			Artifact: "netstat", Line: 2}},
		Counters: []CounterMove{{Host: "s2", Name: "TcpExt.PAWSPassive", First: 1, Last: 3, Delta: 2, Snapshots: 2,
			Meaning: "m", Rules: []string{"r"}, Artifact: "a", Line: 1}},
	}
}

// paths lists every field path of a decoded JSON value, "[]" marking lists.
func paths(prefix string, v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			paths(p, x, out)
		}
	case []any:
		out[prefix+"[]"] = true
		for _, x := range v {
			paths(prefix+"[]", x, out)
		}
	}
}

func TestDesignFieldsAreEmitted(t *testing.T) {
	b, err := json.Marshal(full())
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	paths("", v, got)
	for _, p := range append(append([]string{}, designPaths...), addedPaths...) {
		if !got[p] {
			t.Errorf("the report no longer emits %s", p)
		}
	}
	if t.Failed() {
		var all []string
		for p := range got {
			all = append(all, p)
		}
		sort.Strings(all)
		t.Logf("emitted: %s", strings.Join(all, " "))
	}
}

func TestEmptyReportListsAreEmpty(t *testing.T) {
	r := &Report{
		Artifacts: []ArtifactInfo{{Name: "a"}},
		Findings:  []Finding{{Rule: "r", Flows: []FlowEvidence{{Artifact: "c", Flow: &Flow{}}}}},
		Captures:  []Capture{{Artifact: "c"}},
		Timeline:  []TimelineEvent{{Kind: "k"}},
	}
	r.Normalize()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("a normalized report encodes null: %s", b)
	}
	b, _ = json.Marshal(New())
	want := `{"schema":"nettriage.report/v1","tool":{"name":"","version":"","rules":""},"hosts":[],"artifacts":[],"findings":[],"captures":[],"checks":[],"timeline":[],"timeline_info":{"events":0,"listed":0,"collapsed":0,"sampled":0,"unplaced":0,"notes":[]},"clock_offsets":[],"errors":[],"counters":[],"totals":[],"not_analysed":[]}`
	if string(b) != want {
		t.Errorf("empty report:\n got %s\nwant %s", b, want)
	}
}
