package pcap

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TCP flag bits as they appear in the header's 13th byte.
const (
	flagFIN uint8 = 1 << iota
	flagSYN
	flagRST
	flagPSH
	flagACK
	flagURG
	flagECE
	flagCWR
)

// packet is one decoded TCP segment. It is reused for every frame, so the
// hot path allocates nothing; payload aliases the reader's buffer and is
// valid only while the frame is processed.
type packet struct {
	frame   int
	t       int64 // Unix nanoseconds
	iface   int64 // capture interface (pcapng id, SLL2 ifindex, SLL packet type); copies differ here
	v6      bool
	src     [16]byte
	dst     [16]byte
	sport   uint16
	dport   uint16
	seq     uint32
	ack     uint32
	flags   uint8
	win     uint16
	plen    int // payload length from the IP header, not from the captured bytes
	ipid    uint16
	hasTS   bool
	tsval   uint32
	tsecr   uint32
	wscale  int8 // -1 when the option is absent
	mss     uint16
	payload []byte
	head    [32]byte // payload's first bytes, kept when the frame buffer is reused
	proto   uint8    // IP protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6
	ttl     uint8    // IPv4 TTL or IPv6 hop limit
	df      bool     // IPv4 don't-fragment bit (always true for IPv6, which routers never fragment)
	ext     *extra   // DNS or ICMP content; nil for plain TCP and UDP, so the TCP path allocates nothing
}

// IP protocol numbers decoded.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// decoder turns link-layer frames into packets with DecodingLayerParsers,
// one per first layer, sharing one set of layer structs.
type decoder struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q
	sll   layers.LinuxSLL
	sll2  layers.LinuxSLL2
	loop  layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	tcp   layers.TCP
	udp   layers.UDP
	icmp4 layers.ICMPv4
	icmp6 layers.ICMPv6
	dns   layers.DNS // decoded by hand, only for port 53

	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

func newDecoder() *decoder {
	d := &decoder{parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}, decoded: make([]gopacket.LayerType, 0, 8)}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL, layers.LayerTypeLinuxSLL2,
		layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first)
		// A sparse container indexes decoders by layer type; the default
		// map costs a hash lookup per layer of every packet.
		dlc := gopacket.DecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
		// No payload layer: decoding stops after TCP, UDP or ICMP, whose
		// Payload field is all that is needed. DNS is decoded by hand on
		// port 53 only, so other UDP costs nothing more.
		for _, l := range []gopacket.DecodingLayer{&d.eth, &d.dot1q, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6, &d.tcp,
			&d.udp, &d.icmp4, &d.icmp6} {
			dlc = dlc.Put(l)
		}
		p.SetDecodingLayerContainer(dlc)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return d
}

// firstLayer maps a link type to the layer that starts its frames; ok is
// false for link types nettriage does not decode.
func firstLayer(lt layers.LinkType, data []byte) (gopacket.LayerType, bool) {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet, true
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, true
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, true
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback, true
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4, true
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6, true
	case layers.LinkTypeRaw, 12, 14: // DLT_RAW has three numbers across platforms
		if len(data) > 0 && data[0]>>4 == 6 {
			return layers.LayerTypeIPv6, true
		}
		return layers.LayerTypeIPv4, true
	}
	return 0, false
}

// decode fills p from one frame. It reports false for frames that are not
// TCP, UDP, ICMP or ICMPv6 over IP (ARP, fragments), or too short to hold
// the headers.
func (d *decoder) decode(lt layers.LinkType, data []byte, p *packet) bool {
	first, ok := firstLayer(lt, data)
	if !ok {
		return false
	}
	parser := d.parsers[first]
	d.decoded = d.decoded[:0]
	// Errors are expected on truncated or foreign frames; what matters is
	// whether the IP and transport headers were decoded.
	_ = parser.DecodeLayers(data, &d.decoded)
	var haveIP bool
	var ipPayloadLen int
	p.iface &^= 0xffffffff
	p.proto, p.ext = 0, nil
	for _, lt := range d.decoded {
		switch lt {
		case layers.LayerTypeLinuxSLL:
			p.iface |= int64(d.sll.AddrType)<<8 | int64(d.sll.PacketType) // no ifindex in SLL v1
		case layers.LayerTypeLinuxSLL2:
			p.iface |= int64(d.sll2.InterfaceIndex)
		case layers.LayerTypeIPv4:
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				return false
			}
			haveIP, p.v6 = true, false
			p.src = [16]byte{}
			p.dst = [16]byte{}
			copy(p.src[:4], d.ip4.SrcIP.To4())
			copy(p.dst[:4], d.ip4.DstIP.To4())
			p.ipid, p.ttl, p.df = d.ip4.Id, d.ip4.TTL, d.ip4.Flags&layers.IPv4DontFragment != 0
			ipPayloadLen = int(d.ip4.Length) - int(d.ip4.IHL)*4
		case layers.LayerTypeIPv6:
			haveIP, p.v6 = true, true
			copy(p.src[:], d.ip6.SrcIP.To16())
			copy(p.dst[:], d.ip6.DstIP.To16())
			p.ipid, p.ttl, p.df = 0, d.ip6.HopLimit, true
			ipPayloadLen = int(d.ip6.Length)
		case layers.LayerTypeTCP:
			p.proto = protoTCP
		case layers.LayerTypeUDP:
			p.proto = protoUDP
		case layers.LayerTypeICMPv4:
			p.proto = protoICMP
		case layers.LayerTypeICMPv6:
			p.proto = protoICMPv6
		}
	}
	if !haveIP {
		return false
	}
	switch p.proto {
	case protoTCP:
	case protoUDP:
		u := &d.udp
		p.sport, p.dport = uint16(u.SrcPort), uint16(u.DstPort)
		p.plen = max(ipPayloadLen-8, 0)
		p.payload = nil
		p.seq, p.ack, p.win, p.flags, p.hasTS, p.wscale, p.mss = 0, 0, 0, 0, false, -1, 0
		if p.sport == 53 || p.dport == 53 {
			d.decodeDNS(u.Payload, p, false)
		}
		return true
	case protoICMP, protoICMPv6:
		p.sport, p.dport, p.plen, p.payload = 0, 0, 0, nil
		p.seq, p.ack, p.win, p.flags, p.hasTS, p.wscale, p.mss = 0, 0, 0, 0, false, -1, 0
		d.decodeICMP(p)
		return true
	default:
		return false
	}
	t := &d.tcp
	p.sport, p.dport = uint16(t.SrcPort), uint16(t.DstPort)
	p.seq, p.ack, p.win = t.Seq, t.Ack, t.Window
	p.flags = tcpFlags(t)
	p.plen = max(ipPayloadLen-int(t.DataOffset)*4, 0)
	p.payload = t.Payload
	if len(p.payload) > p.plen {
		p.payload = p.payload[:p.plen] // Ethernet padding
	}
	p.hasTS, p.wscale, p.mss = false, -1, 0
	for i := range t.Options {
		o := &t.Options[i]
		switch o.OptionType {
		case layers.TCPOptionKindTimestamps:
			if len(o.OptionData) == 8 {
				p.hasTS = true
				p.tsval = binary.BigEndian.Uint32(o.OptionData[:4])
				p.tsecr = binary.BigEndian.Uint32(o.OptionData[4:])
			}
		case layers.TCPOptionKindWindowScale:
			if len(o.OptionData) == 1 {
				p.wscale = int8(min(o.OptionData[0], 14))
			}
		case layers.TCPOptionKindMSS:
			if len(o.OptionData) == 2 {
				p.mss = binary.BigEndian.Uint16(o.OptionData)
			}
		}
	}
	// DNS over TCP: a segment that starts with a message's two-byte length.
	if (p.sport == 53 || p.dport == 53) && len(p.payload) > 14 {
		d.decodeDNS(p.payload[2:], p, true)
		// Some stacks write the length in a segment of its own (or one
		// byte of it): the message then starts at once.
		for off := 1; off >= 0 && p.ext == nil; off-- {
			if m, ok := dnsHead(p.payload[off:]); ok && binary.BigEndian.Uint16(p.payload[off+4:]) == 1 && p.payload[off+2]&0x78 == 0 {
				p.ext = &extra{isDNS: true, dns: m}
			}
		}
	}
	return true
}

func tcpFlags(t *layers.TCP) uint8 {
	var f uint8
	for _, b := range [...]struct {
		on  bool
		bit uint8
	}{{t.FIN, flagFIN}, {t.SYN, flagSYN}, {t.RST, flagRST}, {t.PSH, flagPSH}, {t.ACK, flagACK}, {t.URG, flagURG}, {t.ECE, flagECE}, {t.CWR, flagCWR}} {
		if b.on {
			f |= b.bit
		}
	}
	return f
}
