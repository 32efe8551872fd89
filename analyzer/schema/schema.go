// Package schema declares the nettriage.report/v1 JSON report: the types
// every front end (CLI, page, Worker) writes and reads. It imports only the
// standard library, so the page's UI can decode reports without linking the
// rule engine.
//
// The report is a stable contract: fields are only ever added, and every
// list is encoded as [] (never null) once Normalize has run.
package schema

import (
	"fmt"
	"net/netip"
	"time"
)

// Version is the report's schema tag. Fields are only ever added.
const Version = "nettriage.report/v1"

// Report is the result of one analysis, as serialised to JSON.
type Report struct {
	Schema    string         `json:"schema"`
	Tool      Tool           `json:"tool"`
	Hosts     []string       `json:"hosts"`
	Artifacts []ArtifactInfo `json:"artifacts"`
	Findings  []Finding      `json:"findings"`
	Captures  []Capture      `json:"captures"`
	// Checks lists, per host, every rule that was considered and what came
	// of it: matched, ruled-out or not-run (added in v1).
	Checks []Check `json:"checks"`
	// Timeline is the notable events of all inputs in time order (added in
	// v1).
	Timeline []TimelineEvent `json:"timeline"`
	// TimelineInfo says how the timeline was bounded and what its clocks
	// assumed (added in v1).
	TimelineInfo TimelineInfo `json:"timeline_info"`
	// ClockOffsets are the differences seen between two hosts' clocks, or
	// between a host's clock and its own artifacts (added in v1). Events
	// keep the time their host printed; these say how far apart they may be.
	ClockOffsets []ClockOffset `json:"clock_offsets"`
	Errors       []Error       `json:"errors"`
	// Counters lists the kernel counters that moved between snapshots, per
	// host, largest change first (added in v1; zero moves are left out).
	Counters []CounterMove `json:"counters"`
	// Totals lists, per host, the non-zero totals since boot of the
	// counters rules read, with their average rate when the uptime is
	// known (added in v1): what there is to see when nothing moved.
	Totals []CounterTotal `json:"totals"`
	// NotAnalysed accounts, one entry per directory and reason, for the
	// files of a bundle's network-related directories that were not
	// analysed (added in v1).
	NotAnalysed []NotAnalysed `json:"not_analysed"`
}

// NotAnalysed is a bundle directory's files that were not analysed.
type NotAnalysed struct {
	Path   string `json:"path"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// CounterTotal is a kernel counter's total since boot.
type CounterTotal struct {
	Host  string `json:"host"`
	Name  string `json:"name"`
	Value int64  `json:"value"`
	// PerSecond is Value over the uptime, when the uptime is known; 0
	// otherwise.
	PerSecond float64  `json:"per_second,omitempty"`
	Meaning   string   `json:"meaning,omitempty"`
	Rules     []string `json:"rules,omitempty"`
	Artifact  string   `json:"artifact"`
	Line      int      `json:"line"`
}

// Tool identifies the program and rule set that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Rules   string `json:"rules"`
}

// ArtifactInfo describes one input artifact and what parsing it produced.
type ArtifactInfo struct {
	Name      string    `json:"name"`
	Host      string    `json:"host"`
	Namespace string    `json:"namespace,omitempty"`
	Kind      string    `json:"kind"`
	Command   string    `json:"command,omitempty"`
	Size      int64     `json:"size"`
	Warnings  []Warning `json:"warnings"`
	// WarningsTotal is len(Warnings), so a summary can say how many there
	// are when an export leaves the list out (added in v1).
	WarningsTotal int `json:"warnings_total"`
	// HostReason says why the artifact went to its host (added in v1).
	HostReason string `json:"host_reason"`
}

// Warning is a non-fatal problem a parser met at a line (0 when the problem
// concerns the whole artifact).
type Warning struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("line %d: %s", w.Line, w.Message)
	}
	return w.Message
}

// Error is an input that could not be used, or a rule that failed.
type Error struct {
	Artifact string `json:"artifact"`
	Message  string `json:"message"`
}

// CounterMove is one kernel counter that changed between snapshots.
type CounterMove struct {
	Host      string   `json:"host"`
	Name      string   `json:"name"`
	First     int64    `json:"first"`
	Last      int64    `json:"last"`
	Delta     int64    `json:"delta"`
	Snapshots int      `json:"snapshots"`
	Meaning   string   `json:"meaning,omitempty"`
	Rules     []string `json:"rules,omitempty"` // rules whose conditions read this counter
	Artifact  string   `json:"artifact"`
	Line      int      `json:"line"`
}

// Check is the outcome of one rule on one host.
type Check struct {
	Rule   string `json:"rule"`
	Host   string `json:"host"`
	Status string `json:"status"` // CheckMatched, CheckRuledOut or CheckNotRun
	Reason string `json:"reason"`
	// Missing names the artifact kinds whose absence kept the rule from
	// running or from being decided.
	Missing []string `json:"missing,omitempty"`
}

// Check statuses.
const (
	CheckMatched  = "matched"
	CheckRuledOut = "ruled-out"
	CheckNotRun   = "not-run"
)

// TimelineEvent is one dated event of the inputs, with the findings it
// is evidence for.
type TimelineEvent struct {
	Time     string   `json:"time"` // RFC 3339, UTC
	Host     string   `json:"host"`
	Source   Source   `json:"source"`
	Kind     string   `json:"kind"`
	Text     string   `json:"text"`
	Findings []string `json:"findings"` // rule ids
	// Note says what placing the event in time assumed (a boot time, a
	// year, a time zone); empty when its artifact printed the time in full
	// (added in v1).
	Note string `json:"note,omitempty"`
	// Count is how many like events this one stands for when repeats were
	// collapsed (1 or absent: itself only), the last of them at Until
	// (added in v1).
	Count int    `json:"count,omitempty"`
	Until string `json:"until,omitempty"`
}

// TimelineInfo says how the timeline was bounded: how many events the
// inputs held, how many are listed, and why the others are not.
type TimelineInfo struct {
	Events    int `json:"events"`    // dated events found in the inputs
	Listed    int `json:"listed"`    // entries in timeline[]
	Collapsed int `json:"collapsed"` // repeats folded into an entry's count
	Sampled   int `json:"sampled"`   // left out, far from every finding, beyond the cap
	// Unplaced counts events that could not be put on the wall clock
	// (dmesg lines of a host whose boot time is unknown).
	Unplaced int `json:"unplaced"`
	// Notes say what the clocks assumed, per host.
	Notes []string `json:"notes"`
}

// ClockOffset is how far one clock is from another, measured on something
// both recorded: the same packet in two hosts' captures, or a host's log
// running past the time its bundle was collected.
type ClockOffset struct {
	Host      string `json:"host"`
	Reference string `json:"reference"` // a host, or "collection time"
	// Seconds is Host's clock minus Reference's: positive when Host's
	// clock is ahead.
	Seconds float64 `json:"seconds"`
	Samples int     `json:"samples"` // packets or lines it was measured on
	Method  string  `json:"method"`
	Text    string  `json:"text"`
	Source  Source  `json:"source"`
}

// CaptureSummary counts what stands out in a capture, as an expert-info
// pane would, and names its busiest conversations.
type CaptureSummary struct {
	Retransmissions  int `json:"retransmissions"`   // TCP segments sent again (SYNs included)
	Resets           int `json:"resets"`            // TCP RSTs
	ZeroWindows      int `json:"zero_windows"`      // zero-window advertisements
	FailedHandshakes int `json:"failed_handshakes"` // SYNs never answered by a SYN-ACK
	// TopConversations are the TCP connections with the most bytes, most
	// first (at most five).
	TopConversations []Conversation `json:"top_conversations"`
}

// Conversation is one TCP connection's size.
type Conversation struct {
	Client  string `json:"client"`
	Server  string `json:"server"`
	Packets int    `json:"packets"`
	Bytes   int64  `json:"bytes"`
}

// Span is the first and last time of a finding's dated evidence.
type Span struct {
	First string `json:"first"`
	Last  string `json:"last"`
}

// Source locates an event: a line of an artifact or a frame of a capture.
type Source struct {
	Artifact string `json:"artifact"`
	Line     int    `json:"line"`
	Frame    int    `json:"frame"`
}

// Finding is a rule that matched on one host.
type Finding struct {
	Rule        string     `json:"rule"`
	Host        string     `json:"host"`
	Title       string     `json:"title"`
	Severity    string     `json:"severity"`
	Confidence  string     `json:"confidence"`
	Summary     string     `json:"summary"`
	Explanation string     `json:"explanation"`
	Remediation string     `json:"remediation"`
	References  []string   `json:"references"`
	ExplainedBy string     `json:"explained_by"`
	Evidence    []Evidence `json:"evidence"`
	Missing     []Missing  `json:"missing"`
	// Flows are the capture flows the evidence comes from, with their
	// packets, for a ladder diagram (added in v1; only on capture findings).
	Flows []FlowEvidence `json:"flows,omitempty"`
	// Span is the first and last time of the finding's dated evidence, each
	// of which is a timeline event marked with the rule (added in v1; nil
	// when no evidence is dated).
	Span *Span `json:"span,omitempty"`
}

// Evidence is one line (or packet) that a matching condition read.
type Evidence struct {
	Artifact string `json:"artifact"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Frame    int    `json:"frame"`
	Time     string `json:"time"`
	Text     string `json:"text"`
	Note     string `json:"note"`
	// Label names the condition the evidence satisfied (added in v1).
	Label string `json:"label,omitempty"`
	// Decisive marks the evidence that decided the finding, as opposed to
	// context (added in v1).
	Decisive bool `json:"decisive,omitempty"`
}

// Missing names an artifact kind that would confirm or rule out a finding.
type Missing struct {
	Kind    string `json:"kind"`
	Why     string `json:"why"`
	Collect string `json:"collect"`
}

// Capture summarises one packet capture: packets, flows, capture quality
// (truncation, drops, timestamps out of order) and the NAT mappings learnt
// from copies.
type Capture struct {
	Artifact string `json:"artifact"`

	Packets      int       `json:"packets"`     // frames read
	TCPPackets   int       `json:"tcp_packets"` // frames decoded as TCP over IPv4/IPv6
	UDPPackets   int       `json:"udp_packets"`
	ICMPPackets  int       `json:"icmp_packets"` // ICMP and ICMPv6
	DNSMessages  int       `json:"dns_messages"` // DNS queries and responses (UDP or TCP port 53)
	UDPFlows     int       `json:"udp_flows"`
	Bytes        int64     `json:"bytes"` // original frame lengths
	FlowCount    int       `json:"flows"` // TCP connections seen
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	LinkTypes    []string  `json:"link_types"`
	Interfaces   int       `json:"interfaces"` // pcapng interfaces or SLL2 interface indexes seen
	Truncated    bool      `json:"truncated"`  // the file ends inside a packet or block
	SnapTrimmed  int       `json:"snaplen_truncated"`
	OutOfOrder   int       `json:"out_of_order_timestamps"`
	Drops        int64     `json:"drops"` // from pcapng interface statistics; -1 when unknown
	Copies       int       `json:"copies"`
	EvictedFlows int       `json:"evicted_flows"` // open flows dropped from tracking because of the flow cap
	Notes        []string  `json:"notes"`
	Error        string    `json:"error,omitempty"` // why reading stopped early, if it did

	// NAT lists the address translations learnt from pairs of copies of
	// one packet (same IP ID, sequence numbers and payload) seen before
	// and after NAT.
	NAT []NATMapping `json:"nat"`
	// Summary is the expert-info view of the whole capture: counts over
	// every connection, not only the retained ones (added in v1).
	Summary CaptureSummary `json:"summary"`
}

// NATMapping is one translation seen by pairing copies of a packet.
type NATMapping struct {
	Before  string `json:"before"` // "10.0.0.5:41000 > 10.96.0.10:80" as first seen
	After   string `json:"after"`  // the same packet on the other interface
	Packets int    `json:"packets"`
	Frame   int    `json:"frame"` // first frame of the pair
}

// FlowEvidence is a flow a finding rests on, with its packet list, for the
// ladder diagram (findings[].flows). The flow's fields are inlined next to
// the artifact name.
type FlowEvidence struct {
	Artifact string `json:"artifact"`
	*Flow
}

// Flow is one TCP connection: its endpoints, what happened in it, and a
// bounded list of its packets (the first ones, the notable ones and the
// last ones).
type Flow struct {
	ID           int            `json:"id"`
	Client       netip.AddrPort `json:"client"`
	Server       netip.AddrPort `json:"server"`
	ClientKnown  bool           `json:"client_known"` // a SYN showed who opened the connection
	Protocol     string         `json:"protocol,omitempty"`
	Start        time.Time      `json:"start"`
	End          time.Time      `json:"end"`
	FirstFrame   int            `json:"first_frame"`
	LastFrame    int            `json:"last_frame"`
	Handshake    string         `json:"handshake"` // complete, syn, syn-synack, none (started before the capture)
	HandshakeRTT float64        `json:"handshake_rtt_seconds"`
	Closed       string         `json:"closed"` // fin, rst, or "" while open
	PortReused   bool           `json:"port_reused"`
	TwinOf       int            `json:"twin_of,omitempty"`
	MaxGap       float64        `json:"max_idle_seconds"`
	ClientSide   Side           `json:"client_stats"`
	ServerSide   Side           `json:"server_stats"`
	Packets      []Packet       `json:"packets"`
	Omitted      int            `json:"omitted_packets"`
	Total        int            `json:"total_packets"`
	// Compared are packets of other connections that a measurement of
	// this one was compared with (added in v1): for a SYN whose TSval
	// regressed (PAWS), the earlier connection's packet that set the
	// timestamp the server remembers.
	Compared []ComparedPacket `json:"compared,omitempty"`
}

// ComparedPacket is a packet of another connection that a measurement of a
// flow was compared with. There is one kind so far: a SYN's TSval below the
// one the server's kernel kept for the client's address (PAWS), compared
// with the earlier connection's packet that set it.
type ComparedPacket struct {
	Flow int `json:"flow"` // the other connection's flow id
	// ClientPort is the other connection's client port; its address is
	// this flow's client's (the comparison is per address).
	ClientPort uint16    `json:"client_port"`
	Frame      int       `json:"frame"`
	Time       time.Time `json:"time"`
	TSval      uint32    `json:"tsval"`
	With       int       `json:"with_frame"` // this flow's packet compared with it
}

// Label names the flow as "client → server".
func (f *Flow) Label() string { return f.Client.String() + " → " + f.Server.String() }

// Side is the statistics of one endpoint of a flow.
type Side struct {
	Packets      int       `json:"packets"`
	Bytes        int64     `json:"bytes"` // TCP payload
	Retrans      int       `json:"retransmissions"`
	Spurious     int       `json:"spurious_retransmissions"`
	FastRetrans  int       `json:"fast_retransmissions"`
	OutOfOrder   int       `json:"out_of_order"`
	DupAcks      int       `json:"duplicate_acks"`
	ZeroWindows  int       `json:"zero_windows"`
	ZeroWinUntil bool      `json:"zero_window_at_end"` // still advertising zero when the capture ends
	MaxZeroWin   float64   `json:"max_zero_window_seconds"`
	ZeroWinFrame int       `json:"zero_window_frame"` // first frame of the longest zero-window episode
	KeepAlives   int       `json:"keepalives"`
	RSTs         int       `json:"rsts"`
	AfterRST     int       `json:"packets_after_own_rst"` // sent after this endpoint's own RST: that RST was forged or injected
	FirstRST     int       `json:"first_rst_frame"`
	FINs         int       `json:"fins"`
	SYNs         int       `json:"syns"`
	RTO          []float64 `json:"rto_seconds"` // intervals of the longest run of timeouts for one segment
	RTTMin       float64   `json:"rtt_min_seconds"`
	RTTAvg       float64   `json:"rtt_avg_seconds"`
	RTTSamples   int       `json:"rtt_samples"`
	OutOfWindow  int       `json:"out_of_window"`
	MaxBehind    int64     `json:"max_behind_bytes"` // how far behind what the peer had acknowledged
	MaxAhead     int64     `json:"max_ahead_bytes"`  // how far beyond the peer's advertised window
	MaxWindow    int64     `json:"max_window"`       // largest advertised window, scaled when the scale is known
	TSRegress    int       `json:"tsval_regressions"`
}

// Packet is one packet of a flow, as drawn in a ladder diagram.
type Packet struct {
	Frame int       `json:"frame"`
	Time  time.Time `json:"time"`
	Dir   string    `json:"dir"` // ">" client to server, "<" server to client
	Flags string    `json:"flags"`
	Seq   uint32    `json:"seq"` // relative to the sender's ISN when the handshake was seen
	Ack   uint32    `json:"ack"`
	Len   int       `json:"len"`
	Win   int       `json:"win"`
	Notes []string  `json:"notes,omitempty"`
	// TSval is the TCP timestamp value; 0 when the packet carried no
	// timestamp option (added in v1).
	TSval uint32 `json:"tsval,omitempty"`
	// N is the packet's position in its flow, 1-based: a jump between two
	// listed packets is the packets left out (added in v1; 0 when unknown).
	N int `json:"n,omitempty"`
}
