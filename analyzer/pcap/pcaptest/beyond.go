package pcaptest

import (
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Scenarios beyond TCP's own state: DNS over UDP, ICMP errors, path MTU,
// Nagle and delayed ACK, receive windows and refusals.

// DNS writes one DNS message over UDP.
func (c *Capture) DNS(at time.Time, src, dst netip.AddrPort, id uint16, response bool, name string, qtype layers.DNSType, rcode layers.DNSResponseCode, answers int) {
	d := &layers.DNS{ID: id, QR: response, RD: true, RA: response, ResponseCode: rcode,
		Questions: []layers.DNSQuestion{{Name: []byte(name), Type: qtype, Class: layers.DNSClassIN}}}
	for i := 0; i < answers; i++ {
		rr := layers.DNSResourceRecord{Name: []byte(name), Type: qtype, Class: layers.DNSClassIN, TTL: 30}
		if qtype == layers.DNSTypeAAAA {
			rr.IP = netip.MustParseAddr("2001:db8::10").AsSlice()
		} else {
			rr.Type, rr.IP = layers.DNSTypeA, netip.MustParseAddr("203.0.113.10").AsSlice()
		}
		d.Answers = append(d.Answers, rr)
	}
	udp := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	c.Add(Segment{At: at, Src: src, Dst: dst, L4: []gopacket.SerializableLayer{udp, d}, Proto: layers.IPProtocolUDP})
}

// ICMPError writes an ICMPv4 error from `from` quoting the segment q (its
// IP header and first bytes, as Linux does).
func (c *Capture) ICMPError(at time.Time, from netip.Addr, typ, code uint8, mtu uint16, q Segment, ttl uint8) {
	raw := &Capture{Link: layers.LinkTypeRaw, ipid: map[netip.Addr]uint16{}}
	if q.IPID == 0 {
		q.IPID = 1
	}
	quoted := raw.serialize(q)
	if len(quoted) > 548 {
		quoted = quoted[:548]
	}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Seq: mtu}
	c.Add(Segment{At: at, Src: netip.AddrPortFrom(from, 0), Dst: q.Src, L4: []gopacket.SerializableLayer{icmp, gopacket.Payload(quoted)},
		Proto: layers.IPProtocolICMPv4, TTL: ttl})
}

var (
	podAddr  = AddrPort("10.244.1.5:0")
	kubeDNS  = AddrPort("10.96.0.10:53")
	nameA    = layers.DNSTypeA
	nameAAAA = layers.DNSTypeAAAA
)

// DNSTimeout is glibc's parallel A and AAAA lookup from one socket in a
// pod. lost: the AAAA query of each lookup goes unanswered, the resolver
// waits its 5 s timeout and sends it again, and the retry is answered.
// Otherwise (the near miss) one answer is merely slow, 900 ms, with no
// retry.
func DNSTimeout(lost bool) *Capture {
	c := New()
	for i := 0; i < 3; i++ {
		t0 := at(float64(i * 12))
		cli := netip.AddrPortFrom(podAddr.Addr(), uint16(41000+i*17))
		idA, idAAAA := uint16(0x1a00+i), uint16(0x2b00+i)
		c.DNS(t0, cli, kubeDNS, idA, false, "api.example.com", nameA, 0, 0)
		c.DNS(t0.Add(90*time.Microsecond), cli, kubeDNS, idAAAA, false, "api.example.com", nameAAAA, 0, 0)
		c.DNS(t0.Add(2*time.Millisecond), kubeDNS, cli, idA, true, "api.example.com", nameA, 0, 1)
		switch {
		case lost:
			c.DNS(t0.Add(5*time.Second), cli, kubeDNS, idAAAA, false, "api.example.com", nameAAAA, 0, 0)
			c.DNS(t0.Add(5*time.Second+2*time.Millisecond), kubeDNS, cli, idAAAA, true, "api.example.com", nameAAAA, 0, 1)
		case i == 0:
			c.DNS(t0.Add(900*time.Millisecond), kubeDNS, cli, idAAAA, true, "api.example.com", nameAAAA, 0, 1)
		default:
			c.DNS(t0.Add(2*time.Millisecond), kubeDNS, cli, idAAAA, true, "api.example.com", nameAAAA, 0, 1)
		}
	}
	return c
}

// SearchFanout is a pod with ndots:5 looking up api.example.com (two
// dots): every search domain is tried first and answered NXDOMAIN, for A
// and AAAA, before the name itself. trailingDot is the fix: the name is
// asked as given, once per family.
func SearchFanout(fanout bool) *Capture {
	c := New()
	suffixes := []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"}
	id := uint16(0x3000)
	for i := 0; i < 3; i++ {
		t := at(float64(i * 5))
		cli := netip.AddrPortFrom(podAddr.Addr(), uint16(52000+i))
		ask := func(name string, rc layers.DNSResponseCode, n int) {
			for _, ty := range []layers.DNSType{nameA, nameAAAA} {
				id++
				c.DNS(t, cli, kubeDNS, id, false, name, ty, 0, 0)
				c.DNS(t.Add(1500*time.Microsecond), kubeDNS, cli, id, true, name, ty, rc, n)
				t = t.Add(2 * time.Millisecond)
			}
		}
		if fanout {
			for _, s := range suffixes {
				ask("api.example.com."+s, layers.DNSResponseCodeNXDomain, 0)
			}
		}
		ask("api.example.com", 0, 1)
	}
	return c
}

// PMTUBlackhole is a download over a tunnel narrower than the endpoints:
// both SYNs announce MSS 1460, the client's small request gets through,
// and the server's full-size segments (DF set) vanish; no ICMP comes back.
// The near miss is a VPN that clamps the MSS to 1360: the same download
// works.
func PMTUBlackhole(blackhole bool) *Capture {
	c := New()
	cli, srv := host("10.0.0.5:45120", 1000), host("10.1.0.8:443", 9000)
	mss := uint16(1460)
	if !blackhole {
		mss = 1360
	}
	k := c.Conn(cli, srv, 100, 5000)
	k.SYN(at(0))
	sa := k.seg(at(0.030), false)
	sa.SYN, sa.Ack, sa.Win, sa.MSS, sa.WScale = true, k.CSeq+1, 65160, mss, srv.WScale
	c.Add(sa)
	k.CSeq++
	k.SSeq++
	k.Ack(at(0.031), true)
	req := make([]byte, 300)
	k.Send(at(0.032), true, req)
	k.Ack(at(0.062), false)
	seg := make([]byte, int(mss)-12) // the timestamp option takes 12 bytes
	if !blackhole {
		for i := 0; i < 20; i++ {
			k.Send(at(0.063+float64(i)*0.0001), false, seg)
			if i%2 == 1 {
				k.Ack(at(0.093+float64(i)*0.0001), true)
			}
		}
		k.Close(at(0.2), false)
		return c
	}
	first := k.SSeq
	for i := 0; i < 4; i++ {
		k.Send(at(0.063+float64(i)*0.0001), false, seg)
	}
	rto := 0.22
	t := 0.063
	for i := 0; i < 6; i++ {
		t += rto
		k.Resend(at(t), false, first, seg)
		rto *= 2
	}
	return c
}

// FirewallReject is a client whose connection attempts to 10.1.0.9:8080
// are answered by a firewall on the path with ICMP "communication
// administratively prohibited" (iptables REJECT --reject-with
// icmp-admin-prohibited). The near miss: the same attempts answered.
func FirewallReject(reject bool) *Capture {
	c := New()
	for i := 0; i < 3; i++ {
		cli, srv := host("10.0.0.5:"+itoa(40100+i), 1000), host("10.1.0.9:8080", 7000)
		k := c.Conn(cli, srv, uint32(1000*i+1), 9000)
		t := float64(i) * 2
		k.SYN(at(t))
		if reject {
			c.ICMPError(at(t+0.0004), netip.MustParseAddr("10.0.0.1"), 3, 13, 0, c.segs[len(c.segs)-1], 64)
			continue
		}
		k.SYNACK(at(t + 0.0008))
		k.CSeq++
		k.SSeq++
		k.Ack(at(t+0.0009), true)
		k.Close(at(t+0.01), true)
	}
	return c
}

// NagleStall is a client that writes each request in two parts (header,
// then body) on a connection with Nagle on: the body waits for the
// server's ACK of the header, which the server delays 40 ms. The near miss
// writes each request at once.
func NagleStall(split bool) *Capture {
	c := New()
	cli, srv := host("10.0.0.5:47000", 1000), host("10.1.0.20:6379", 9000)
	k := c.Conn(cli, srv, 100, 5000)
	k.Handshake(at(0))
	t := 0.01
	for i := 0; i < 6; i++ {
		if split {
			k.Send(at(t), true, make([]byte, 120))
			k.Ack(at(t+0.0402), false) // the delayed ACK
			k.Send(at(t+0.04025), true, make([]byte, 40))
			k.Send(at(t+0.0410), false, make([]byte, 200))
			k.Ack(at(t+0.0411), true)
		} else {
			k.Send(at(t), true, make([]byte, 160))
			k.Send(at(t+0.0008), false, make([]byte, 200))
			k.Ack(at(t+0.0009), true)
		}
		t += 0.5
	}
	k.Close(at(t), true)
	return c
}

// WindowLimited is a download over a 40 ms path to a client whose SYN
// offers window scaling while the server's SYN-ACK does not: scaling is
// off, the client's 64 kB window is all the server may have in flight,
// and it waits for each window's ACK. The near miss is the same
// handshake with a short exchange: negotiating no scaling is not a fault.
func WindowLimited(transfer bool) *Capture {
	c := New()
	cli, srv := host("10.0.0.5:51000", 1000), host("10.1.0.30:8443", 9000)
	cli.Win, srv.WScale = 65535, -1
	k := c.Conn(cli, srv, 100, 5000)
	k.SYN(at(0))
	k.SYNACK(at(0.040))
	k.CSeq++
	k.SSeq++
	k.Ack(at(0.0401), true)
	k.Send(at(0.0402), true, make([]byte, 200))
	seg := make([]byte, 1448)
	t := 0.0802
	rounds := 8
	if !transfer {
		rounds = 0
		k.Send(at(t), false, make([]byte, 900))
		k.Ack(at(t+0.040), true)
	}
	for r := 0; r < rounds; r++ {
		for i := 0; i < 45; i++ {
			k.Send(at(t+float64(i)*0.00002), false, seg)
		}
		k.Ack(at(t+0.040), true)
		t += 0.0401
	}
	k.Close(at(t+0.1), true)
	return c
}

// Refused is a client whose attempts to 10.1.0.40:5432 are answered by the
// server's own stack with RST,ACK: nothing listens. many: ten attempts;
// otherwise one, the near miss.
func Refused(many bool) *Capture {
	c := New()
	n := 1
	if many {
		n = 10
	}
	for i := 0; i < n; i++ {
		cli, srv := host("10.0.0.5:"+itoa(43000+i), 1000), host("10.1.0.40:5432", 7000)
		k := c.Conn(cli, srv, uint32(1000*i+1), 0)
		t := float64(i) * 1.5
		k.SYN(at(t))
		s := k.seg(at(t+0.0003), false)
		s.RST, s.ACK, s.Seq, s.Ack, s.Win, s.TS, s.IPID = true, true, 0, k.CSeq+1, 0, false, 0
		s.TTL = 62
		c.Add(s)
	}
	// Another connection the same client makes to a server that answers.
	cli, srv := host("10.0.0.5:44999", 1000), host("10.1.0.41:80", 7000)
	k := c.Conn(cli, srv, 77, 88)
	k.Handshake(at(0.2))
	k.Close(at(0.3), true)
	return c
}
