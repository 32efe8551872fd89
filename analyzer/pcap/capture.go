// Package pcap reads packet captures (pcap, pcapng, gzip-compressed either)
// in one streaming pass and measures what the rules need about TCP: per
// flow and per endpoint handshakes, retransmissions and their timeouts,
// windows, idle gaps, resets, un-NATed twins of a flow, copies of one
// packet seen on several interfaces by `tcpdump -i any`, and requests
// that were acknowledged but never answered.
//
// Memory is bounded by the number of flows tracked at once (Options.MaxFlows)
// and by the caps on retained flows and events, never by the number of
// packets. Like the rest of analyzer/, the package does no I/O: it reads
// from the io.Reader it is given.
//
// It returns measurements, never verdicts: which of them amount to a
// failure mode is decided by the rules.
package pcap

import (
	"net/netip"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/schema"
)

// Capture is the result of analysing one capture file. Its JSON-visible
// fields are the report's captures[] entry; Summary returns them as a
// schema.Capture.
type Capture struct {
	Artifact string `json:"artifact"`

	Packets      int       `json:"packets"`     // frames read
	TCPPackets   int       `json:"tcp_packets"` // frames decoded as TCP over IPv4/IPv6
	UDPPackets   int       `json:"udp_packets"`
	ICMPPackets  int       `json:"icmp_packets"` // ICMP and ICMPv6
	DNSMessages  int       `json:"dns_messages"` // DNS queries and responses over UDP or TCP port 53
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
	// Expert counts, over every connection, what stands out (retransmissions,
	// resets, zero windows, failed handshakes) and the busiest conversations.
	Expert schema.CaptureSummary `json:"-"`

	// Flows are the retained flows: those with anything unusual, up to a
	// cap. Measurements refer to them by ID.
	Flows     []*Flow `json:"-"`
	FlowsLeft int     `json:"-"` // unusual flows not retained because of the cap

	UnansweredSYNs []UnansweredSYN `json:"-"`
	// SlowHandshakes are connections whose SYN was retransmitted before a
	// SYN-ACK finally came (the "63 second delay" when it took six).
	SlowHandshakes []UnansweredSYN    `json:"-"`
	Twins          []Twin             `json:"-"`
	Stalls         []Stall            `json:"-"`
	Hangs          []Hang             `json:"-"`
	Gaps           []Gap              `json:"-"`
	Answered       map[SourcePair]int `json:"-"` // answered SYNs per client and server address

	DNS           []DNSQuery        `json:"-"` // queries in the order sent, up to a cap
	DNSLeft       int               `json:"-"` // queries beyond the cap (counted per server, not kept)
	DNSUnmatched  int               `json:"-"` // responses to no query seen
	DNSServers    []DNSServer       `json:"-"`
	SearchFanouts []SearchFanout    `json:"-"`
	ICMP          []ICMPMessage     `json:"-"` // ICMP and ICMPv6 errors (echo and neighbour discovery are only counted)
	Refusals      []Refusal         `json:"-"`
	ForeignRSTs   []ForeignRST      `json:"-"`
	PMTU          []PMTUStall       `json:"-"`
	DelayedAcks   []DelayedAckStall `json:"-"`
	WindowLimits  []WindowLimit     `json:"-"`

	byID map[int]*Flow
}

// Flow returns a retained flow by ID, or nil.
func (c *Capture) Flow(id int) *Flow {
	if c.byID == nil {
		c.byID = make(map[int]*Flow, len(c.Flows))
		for _, f := range c.Flows {
			c.byID[f.ID] = f
		}
	}
	return c.byID[id]
}

// NATMapping is one translation seen by pairing copies of a packet.
type NATMapping = schema.NATMapping

// Side is the statistics of one endpoint of a flow.
type Side = schema.Side

// Flow is one TCP connection: its endpoints, what happened in it, and a
// bounded list of its packets (the first ones, the notable ones and the
// last ones) for a ladder diagram.
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
	Packets      []Packet       `json:"packets"` // filled by PacketList
	Omitted      int            `json:"omitted_packets"`
	Total        int            `json:"total_packets"`
	// Compared are packets of other connections a measurement of this one
	// was compared with: for a SYN whose TSval regressed, the earlier
	// connection's packet that set the timestamp the server remembers.
	Compared []ComparedPacket `json:"compared,omitempty"`

	recs    []rec
	client  int
	synSeen [2]bool
	isn     [2]uint32
}

// Packet is one packet of a flow, as drawn in a ladder diagram.
type Packet = schema.Packet

// ComparedPacket is a packet of another connection that a measurement of a
// flow was compared with.
type ComparedPacket = schema.ComparedPacket

// Summary is a one-line description of a packet in the flow's context.
func (f *Flow) Summary(p Packet) string {
	src, dst := f.Client, f.Server
	if p.Dir == "<" {
		src, dst = dst, src
	}
	s := src.String() + " → " + dst.String() + " [" + p.Flags + "] seq=" + itoa(int64(p.Seq))
	if strings.Contains(p.Flags, "ACK") {
		s += " ack=" + itoa(int64(p.Ack))
	}
	s += " win=" + itoa(int64(p.Win)) + " len=" + itoa(int64(p.Len))
	for _, n := range p.Notes {
		s += " (" + n + ")"
	}
	return s
}

// Label names the flow as "client → server".
func (f *Flow) Label() string { return f.Client.String() + " → " + f.Server.String() }

// SourcePair is a client address and the server address it connects to.
type SourcePair struct{ Client, Server netip.Addr }

// UnansweredSYN is a connection attempt that never got a SYN-ACK.
type UnansweredSYN struct {
	Flow      int
	Client    netip.AddrPort
	Server    netip.AddrPort
	Frame     int // first SYN
	LastFrame int // last retransmission
	Time      time.Time
	Retrans   int // SYN retransmissions
	RTO       []float64
	HasTS     bool
	TSval     uint32
	TSBehind  uint32  // how far the TSval is below the same client's earlier connection to this server
	TSAge     float64 // seconds since that earlier connection's timestamp was seen; 0 when no regression
	Regressed bool
	// Prev is the earlier connection's packet whose TSval this SYN's is
	// below (zero when not Regressed). Its flow is retained when it was
	// still tracked at the SYN, and may not be otherwise.
	Prev ComparedPacket
}

// Twin is a segment from an address that is not the flow's peer but that
// carries the flow's ports and continues its sequence space: the shape of a
// reply that skipped reverse NAT. Seen either in a single-interface capture
// (a second flow with the backend's real address) or in `tcpdump -i any`,
// where one copy kept its untranslated address while the flow's other
// packets were translated.
type Twin struct {
	Flow         int // the flow the segment belongs to
	TwinFlow     int // the flow its address puts it in (0 when seen as an untranslated copy)
	Frame        int
	Time         time.Time
	From, To     netip.AddrPort
	Peer         netip.AddrPort // the flow's real peer, which the segment should have come from
	PortsMatch   bool
	Behind       int64 // bytes behind what the receiver had acknowledged; 0 if not behind
	Ahead        int64 // bytes beyond the receiver's window; 0 if not ahead
	Window       int64 // the receiver's largest advertised window
	RSTFrames    []int // RSTs on the flow or its twin after the segment
	Untranslated bool  // seen as a copy that kept its address (tcpdump -i any)
}

// Stall is a flow whose SYN or data went unanswered through retransmissions.
type Stall struct {
	Flow      int
	Server    netip.AddrPort
	Client    netip.AddrPort
	Time      time.Time
	Frame     int
	Kind      string // "syn" or "data"
	Retrans   int
	Recovered bool // the peer answered in the end
	PAWS      bool // an unanswered SYN whose TSval regressed (explained by PAWS, not by the path)
}

// Hang is a request the server acknowledged and never answered, with the
// client still waiting when the capture ends.
type Hang struct {
	Flow       int
	Client     netip.AddrPort
	Server     netip.AddrPort
	Protocol   string
	Request    int // bytes the client sent
	AckFrame   int // the server's ACK of the request
	AckTime    time.Time
	Wait       float64 // seconds from that ACK to the end of the capture
	KeepAlives int     // client keep-alives during the wait
}

// Gap is the longest silence in a flow and what happened after it.
type Gap struct {
	Flow         int
	Client       netip.AddrPort
	Server       netip.AddrPort
	Seconds      float64
	Start        time.Time
	FrameBefore  int
	FrameAfter   int
	KeepAlives   int    // keep-alives seen in the flow before the gap
	Outcome      string // "reset", "unanswered", "answered", "end"
	OutcomeFrame int
	FromClient   bool // the client spoke first after the gap
}

func addrPort(a [16]byte, port uint16, v6 bool) netip.AddrPort {
	return netip.AddrPortFrom(toAddr(a, v6), port)
}
