package pcap

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// ICMP and ICMPv6 errors: destination unreachable (with its code and, for
// "fragmentation needed", the next-hop MTU), packet too big, and time
// exceeded. The packet an error quotes is linked to the TCP flow it
// belongs to, and the error's TTL is compared with the TTL of the quoted
// destination's own packets in that flow: a router or firewall on the path
// answers with a different TTL than the host itself.

type icmpMsg struct {
	typ, code  uint8
	mtu        int
	inner      bool // a quoted IP header was decoded
	innerProto uint8
	isrc, idst [16]byte
	iv6        bool
	isport     uint16
	idport     uint16
	iseq       uint32
}

// ICMPMessage is one ICMP or ICMPv6 error.
type ICMPMessage struct {
	Frame    int
	Time     time.Time
	From, To netip.Addr // who sent the error, and to whom
	V6       bool
	Type     uint8
	Code     uint8
	Kind     string // port-unreachable, admin-prohibited, host-prohibited, net-prohibited, frag-needed, packet-too-big, host-unreachable, net-unreachable, time-exceeded, ...
	MTU      int    // next-hop MTU of frag-needed, MTU of packet-too-big; 0 otherwise
	TTL      uint8
	IPID     uint16
	Proto    string         // protocol of the quoted packet: tcp, udp, icmp
	Src, Dst netip.AddrPort // the quoted packet: sent by Src (the error's recipient) to Dst
	Flow     int            // the TCP flow the quoted packet belongs to; 0 when none is tracked
	// DstTTL is the TTL of packets the quoted destination itself sent in
	// that flow, -1 when none was seen.
	DstTTL int
	// FromDst: the error came from the quoted packet's destination address.
	FromDst bool
}

func (d *decoder) decodeICMP(p *packet) {
	var m icmpMsg
	var inner []byte
	if p.proto == protoICMP {
		tc := d.icmp4.TypeCode
		m.typ, m.code = tc.Type(), tc.Code()
		switch m.typ {
		case 3, 11, 12:
		default:
			return // echo, redirect, ...: counted, not kept
		}
		if m.typ == 3 && m.code == 4 {
			m.mtu = int(d.icmp4.Seq) // bytes 6-7 of the header: next-hop MTU (RFC 1191)
		}
		inner = d.icmp4.Payload
	} else {
		tc := d.icmp6.TypeCode
		m.typ, m.code = tc.Type(), tc.Code()
		if m.typ < 1 || m.typ > 4 {
			return // echo, neighbour discovery, ...
		}
		pl := d.icmp6.Payload // the 4 bytes after type, code, checksum, then the quoted packet
		if len(pl) < 4 {
			return
		}
		if m.typ == 2 {
			m.mtu = int(binary.BigEndian.Uint32(pl[:4]))
		}
		inner = pl[4:]
	}
	quoted(inner, &m)
	p.ext = &extra{isICMP: true, icmp: m}
}

// quoted decodes the IP header and first transport bytes an ICMP error
// carries.
func quoted(b []byte, m *icmpMsg) {
	var l4 []byte
	switch {
	case len(b) >= 20 && b[0]>>4 == 4:
		ihl := int(b[0]&0xf) * 4
		if ihl < 20 || len(b) < ihl {
			return
		}
		m.innerProto = b[9]
		copy(m.isrc[:4], b[12:16])
		copy(m.idst[:4], b[16:20])
		l4 = b[ihl:]
	case len(b) >= 40 && b[0]>>4 == 6:
		m.iv6 = true
		m.innerProto = b[6]
		copy(m.isrc[:], b[8:24])
		copy(m.idst[:], b[24:40])
		l4 = b[40:]
	default:
		return
	}
	m.inner = true
	if (m.innerProto == protoTCP || m.innerProto == protoUDP) && len(l4) >= 4 {
		m.isport, m.idport = binary.BigEndian.Uint16(l4), binary.BigEndian.Uint16(l4[2:])
		if m.innerProto == protoTCP && len(l4) >= 8 {
			m.iseq = binary.BigEndian.Uint32(l4[4:])
		}
	}
}

func icmpKind(v6 bool, typ, code uint8) string {
	if !v6 {
		switch typ {
		case 11:
			return "time-exceeded"
		case 12:
			return "parameter-problem"
		}
		switch code {
		case 0:
			return "net-unreachable"
		case 1:
			return "host-unreachable"
		case 2:
			return "protocol-unreachable"
		case 3:
			return "port-unreachable"
		case 4:
			return "frag-needed"
		case 9:
			return "net-prohibited"
		case 10:
			return "host-prohibited"
		case 13:
			return "admin-prohibited"
		}
		return "unreachable"
	}
	switch typ {
	case 2:
		return "packet-too-big"
	case 3:
		return "time-exceeded"
	case 4:
		return "parameter-problem"
	}
	switch code {
	case 0:
		return "net-unreachable" // no route
	case 1:
		return "admin-prohibited"
	case 3:
		return "host-unreachable" // address unreachable
	case 4:
		return "port-unreachable"
	case 5, 6:
		return "admin-prohibited" // source address failed policy, reject route
	}
	return "unreachable"
}

func protoName(p uint8) string {
	switch p {
	case protoTCP:
		return "tcp"
	case protoUDP:
		return "udp"
	case protoICMP, protoICMPv6:
		return "icmp"
	}
	return "ip" + itoa(int64(p))
}

// icmpPacket records an ICMP error and links it to its flow.
func (t *tracker) icmpPacket(p *packet) {
	m := &p.ext.icmp
	c := t.c
	if len(c.ICMP) >= maxEvents {
		return
	}
	e := ICMPMessage{Frame: p.frame, Time: time.Unix(0, p.t).UTC(), From: toAddr(p.src, p.v6), To: toAddr(p.dst, p.v6),
		V6: p.v6, Type: m.typ, Code: m.code, Kind: icmpKind(p.v6, m.typ, m.code), MTU: m.mtu, TTL: p.ttl, IPID: p.ipid, DstTTL: -1}
	if m.inner {
		e.Proto = protoName(m.innerProto)
		e.Src, e.Dst = addrPort(m.isrc, m.isport, m.iv6), addrPort(m.idst, m.idport, m.iv6)
		e.FromDst = e.From == e.Dst.Addr()
		if m.innerProto == protoTCP {
			q := packet{src: m.isrc, dst: m.idst, sport: m.isport, dport: m.idport, v6: m.iv6}
			key, _ := keyOf(&q)
			if idx, ok := t.lookup(key); ok {
				f := t.fl(idx)
				f.notable = true
				f.icmp++
				if m.mtu > 0 && (f.icmpMTU == 0 || m.mtu < f.icmpMTU) {
					f.icmpMTU = m.mtu
				}
				e.Flow = f.id
				ds := 1
				if f.key.a == m.idst && f.key.pa == m.idport {
					ds = 0
				}
				if f.side[ds].ttl != 0 {
					e.DstTTL = int(f.side[ds].ttl)
				}
			}
		}
		if m.innerProto == protoUDP && m.idport == 53 && t.dns.pending != nil {
			// An error answering a DNS query: mark the newest query from
			// that socket to that server.
			for i := len(c.DNS) - 1; i >= 0 && i >= len(c.DNS)-64; i-- {
				q := &c.DNS[i]
				if q.Client == e.Src && q.Server == e.Dst && !q.Answered {
					q.ICMP = e.Kind
					break
				}
			}
		}
		if e.DstTTL < 0 {
			if ttl, ok := t.hostTTL[e.Dst.Addr()]; ok {
				e.DstTTL = int(ttl)
			}
		}
	}
	c.ICMP = append(c.ICMP, e)
}
