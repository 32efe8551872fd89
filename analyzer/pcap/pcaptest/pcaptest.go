// Package pcaptest writes packet captures with gopacket's serializer and
// pcap writer, for tests, samples and benchmarks. A Capture collects
// packets in any order and writes them sorted by time; a Conn keeps the
// sequence numbers, timestamps and IP IDs of one TCP connection so a
// scenario reads like the ladder diagram it produces.
package pcaptest

import (
	"bytes"
	"io"
	"net"
	"net/netip"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Epoch is the start time of generated scenarios.
var Epoch = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// Capture is a capture under construction.
type Capture struct {
	Link    layers.LinkType // Ethernet or LinuxSLL2
	Snaplen int             // bytes kept per packet; 0 keeps everything
	segs    []Segment
	ipid    map[netip.Addr]uint16
}

// New starts an Ethernet capture.
func New() *Capture { return &Capture{Link: layers.LinkTypeEthernet, ipid: map[netip.Addr]uint16{}} }

// Segment is one TCP segment to write.
type Segment struct {
	At         time.Time
	Src, Dst   netip.AddrPort
	Seq, Ack   uint32
	SYN, ACK   bool
	FIN, RST   bool
	PSH        bool
	Win        uint16
	Payload    []byte
	TSval      uint32 // written as a timestamp option when TS is set
	TSecr      uint32
	TS         bool
	WScale     int // written as a window scale option when >= 0 on SYNs
	MSS        uint16
	IPID       uint16 // 0: the sender's next IP ID
	Ifindex    uint32 // SLL2 interface index
	PacketType layers.LinuxSLL2PacketType
	// L4, when set, replaces the TCP header and payload: UDP with DNS, an
	// ICMP error, ... Proto names its IP protocol.
	L4    []gopacket.SerializableLayer
	Proto layers.IPProtocol
	TTL   uint8 // 0 writes 64
	NoDF  bool  // clear the IPv4 don't-fragment bit
}

// Add records a segment; it is serialised when the capture is written.
func (c *Capture) Add(s Segment) {
	if s.IPID == 0 {
		c.ipid[s.Src.Addr()]++
		s.IPID = c.ipid[s.Src.Addr()]
	}
	c.segs = append(c.segs, s)
}

// Segments returns the segments added so far, in the order added.
func (c *Capture) Segments() []Segment { return c.segs }

// serialize turns a segment into a frame of the capture's link type.
func (c *Capture) serialize(s Segment) []byte {
	tcp := &layers.TCP{SrcPort: layers.TCPPort(s.Src.Port()), DstPort: layers.TCPPort(s.Dst.Port()),
		Seq: s.Seq, Ack: s.Ack, SYN: s.SYN, ACK: s.ACK, FIN: s.FIN, RST: s.RST, PSH: s.PSH, Window: s.Win}
	if s.SYN && s.MSS != 0 {
		tcp.Options = append(tcp.Options, layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4,
			OptionData: []byte{byte(s.MSS >> 8), byte(s.MSS)}})
	}
	if s.TS {
		d := make([]byte, 8)
		be32(d, s.TSval)
		be32(d[4:], s.TSecr)
		tcp.Options = append(tcp.Options, layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: d})
	}
	if s.SYN && s.WScale >= 0 {
		tcp.Options = append(tcp.Options, layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{byte(s.WScale)}})
	}
	var ls []gopacket.SerializableLayer
	src, dst := s.Src.Addr(), s.Dst.Addr()
	var netLayer gopacket.NetworkLayer
	etype := layers.EthernetTypeIPv4
	proto, ttl := layers.IPProtocolTCP, s.TTL
	if s.L4 != nil {
		proto = s.Proto
	}
	if ttl == 0 {
		ttl = 64
	}
	if src.Is4() {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Protocol: proto, Id: s.IPID,
			Flags: layers.IPv4DontFragment, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		if s.NoDF {
			ip.Flags = 0
		}
		netLayer = ip
		ls = append(ls, ip)
	} else {
		etype = layers.EthernetTypeIPv6
		ip := &layers.IPv6{Version: 6, HopLimit: ttl, NextHeader: proto,
			SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		netLayer = ip
		ls = append(ls, ip)
	}
	if s.L4 != nil {
		for _, l := range s.L4 {
			if u, ok := l.(*layers.UDP); ok {
				_ = u.SetNetworkLayerForChecksum(netLayer)
			}
		}
		ls = append(ls, s.L4...)
	} else {
		_ = tcp.SetNetworkLayerForChecksum(netLayer)
		ls = append(ls, tcp, gopacket.Payload(s.Payload))
	}
	if c.Link == layers.LinkTypeEthernet {
		ls = append([]gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: mac(src), DstMAC: mac(dst), EthernetType: etype}}, ls...)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		panic(err)
	}
	data := buf.Bytes()
	if c.Link == layers.LinkTypeLinuxSLL2 {
		// gopacket cannot serialise SLL2; its 20-byte header is simple.
		h := make([]byte, 20, 20+len(data))
		h[0], h[1] = byte(etype>>8), byte(etype)
		be32(h[4:], s.Ifindex)
		h[8], h[9] = 0, 1 // ARPHRD_ETHER
		h[10] = byte(s.PacketType)
		h[11] = 6
		data = append(h, data...)
	}
	return data
}

func be32(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }

func mac(a netip.Addr) net.HardwareAddr {
	b := a.As16()
	return net.HardwareAddr{0x02, 0x42, b[12], b[13], b[14], b[15]}
}

// Len is the number of packets added.
func (c *Capture) Len() int { return len(c.segs) }

// Write writes the capture as a classic pcap file, packets in time order
// (ties keep the order they were added in).
func (c *Capture) Write(w io.Writer) error {
	segs := append([]Segment(nil), c.segs...)
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].At.Before(segs[j].At) })
	pw := pcapgo.NewWriterNanos(w)
	snap := uint32(262144)
	if c.Snaplen > 0 {
		snap = uint32(c.Snaplen)
	}
	if err := pw.WriteFileHeader(snap, c.Link); err != nil {
		return err
	}
	for _, s := range segs {
		data := c.serialize(s)
		wire := len(data)
		if c.Snaplen > 0 && len(data) > c.Snaplen {
			data = data[:c.Snaplen]
		}
		ci := gopacket.CaptureInfo{Timestamp: s.At, CaptureLength: len(data), Length: wire}
		if err := pw.WritePacket(ci, data); err != nil {
			return err
		}
	}
	return nil
}

// Bytes returns the capture file.
func (c *Capture) Bytes() []byte {
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Host is a TCP endpoint with its own timestamp clock.
type Host struct {
	Addr   netip.AddrPort
	TSBase uint32 // TSval at Epoch; clocks tick once per millisecond
	NoTS   bool
	WScale int // window scale offered on SYN; -1 for none
	Win    uint16
}

func (h *Host) ts(at time.Time) uint32 { return h.TSBase + uint32(at.Sub(Epoch)/time.Millisecond) }

// Conn is a TCP connection between a client and a server host.
type Conn struct {
	c        *Capture
	Cli, Srv *Host
	CSeq     uint32 // next sequence number of the client
	SSeq     uint32
	lastCTS  uint32
	lastSTS  uint32
}

// Conn starts a connection with the given initial sequence numbers.
func (c *Capture) Conn(cli, srv *Host, cisn, sisn uint32) *Conn {
	return &Conn{c: c, Cli: cli, Srv: srv, CSeq: cisn, SSeq: sisn}
}

func (k *Conn) seg(at time.Time, fromClient bool) Segment {
	from, to := k.Cli, k.Srv
	seq, ack := k.CSeq, k.SSeq
	if !fromClient {
		from, to = k.Srv, k.Cli
		seq, ack = k.SSeq, k.CSeq
	}
	s := Segment{At: at, Src: from.Addr, Dst: to.Addr, Seq: seq, Ack: ack, ACK: true, Win: from.Win, WScale: -1}
	if s.Win == 0 {
		s.Win = 502
	}
	if !from.NoTS && !to.NoTS {
		s.TS = true
		s.TSval = from.ts(at)
		if fromClient {
			s.TSecr = k.lastSTS
			k.lastCTS = s.TSval
		} else {
			s.TSecr = k.lastCTS
			k.lastSTS = s.TSval
		}
	}
	return s
}

// SYN writes the client's SYN (again, for a retransmission).
func (k *Conn) SYN(at time.Time) {
	s := k.seg(at, true)
	s.SYN, s.ACK, s.Ack, s.Win, s.MSS, s.WScale = true, false, 0, 64240, 1460, k.Cli.WScale
	if k.Cli.NoTS || k.Srv.NoTS {
		s.TS = !k.Cli.NoTS
		s.TSval = k.Cli.ts(at)
	}
	k.c.Add(s)
}

// SYNACK writes the server's SYN-ACK.
func (k *Conn) SYNACK(at time.Time) {
	s := k.seg(at, false)
	s.SYN, s.Ack, s.Win, s.MSS, s.WScale = true, k.CSeq+1, 65160, 1460, k.Srv.WScale
	k.c.Add(s)
}

// Handshake writes SYN, SYN-ACK and ACK, 1 ms apart, starting at at.
func (k *Conn) Handshake(at time.Time) time.Time {
	k.SYN(at)
	k.SYNACK(at.Add(time.Millisecond))
	k.CSeq++
	k.SSeq++
	k.Ack(at.Add(2*time.Millisecond), true)
	return at.Add(2 * time.Millisecond)
}

// Send writes a data segment and advances the sender's sequence number.
func (k *Conn) Send(at time.Time, fromClient bool, payload []byte) {
	s := k.seg(at, fromClient)
	s.PSH, s.Payload = true, payload
	k.c.Add(s)
	if fromClient {
		k.CSeq += uint32(len(payload))
	} else {
		k.SSeq += uint32(len(payload))
	}
}

// Resend writes a segment again at an earlier sequence number without
// advancing anything: a retransmission when seq is the segment's original
// sequence number.
func (k *Conn) Resend(at time.Time, fromClient bool, seq uint32, payload []byte) {
	s := k.seg(at, fromClient)
	s.Seq, s.PSH, s.Payload = seq, true, payload
	k.c.Add(s)
}

// Ack writes a pure ACK.
func (k *Conn) Ack(at time.Time, fromClient bool) { k.c.Add(k.seg(at, fromClient)) }

// KeepAlive writes a TCP keep-alive probe (sequence number one below the
// next) from one side.
func (k *Conn) KeepAlive(at time.Time, fromClient bool) {
	s := k.seg(at, fromClient)
	s.Seq--
	k.c.Add(s)
}

// FIN closes the connection from one side, answered by the other side's
// FIN and a final ACK.
func (k *Conn) Close(at time.Time, fromClient bool) {
	s := k.seg(at, fromClient)
	s.FIN = true
	k.c.Add(s)
	if fromClient {
		k.CSeq++
	} else {
		k.SSeq++
	}
	r := k.seg(at.Add(time.Millisecond), !fromClient)
	r.FIN = true
	k.c.Add(r)
	if fromClient {
		k.SSeq++
	} else {
		k.CSeq++
	}
	k.Ack(at.Add(2*time.Millisecond), fromClient)
}

// RST writes a reset from one side.
func (k *Conn) RST(at time.Time, fromClient bool) {
	s := k.seg(at, fromClient)
	s.RST, s.ACK, s.Ack, s.Win, s.TS = true, false, 0, 0, false
	k.c.Add(s)
}

// Segment returns a segment of this connection from one side, for a
// scenario to alter before adding it.
func (k *Conn) Segment(at time.Time, fromClient bool) Segment { return k.seg(at, fromClient) }

// AddrPort parses "ip:port" and panics on error (scenarios are constants).
func AddrPort(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
