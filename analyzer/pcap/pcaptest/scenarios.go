package pcaptest

import (
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// The scenarios below are the capture side of the documented failure modes
// (seeds 000 to 003) and their near misses. Each returns a capture ready to
// write; the sample generator stores them under samples/.

func at(s float64) time.Time { return Epoch.Add(time.Duration(s * float64(time.Second))) }

func host(addr string, tsBase uint32) *Host {
	return &Host{Addr: AddrPort(addr), TSBase: tsBase, WScale: 7, Win: 502}
}

// TwRecycle: clients masqueraded behind 192.168.20.3 connect to a
// PostgreSQL server. One client's timestamp clock is far behind the
// other's; with tcp_tw_recycle its SYNs fall to the per-peer PAWS check
// while the other client keeps connecting. In the near miss (regressed
// false) the second client's clock is ahead, and the unanswered SYNs have
// another cause.
func TwRecycle(regressed bool) *Capture {
	c := New()
	srv := host("10.10.0.5:5432", 90_000_000)
	fast := host("192.168.20.3:40100", 900_000_000) // up for ten days
	slowBase := uint32(3_000_000)                   // rebooted recently
	if !regressed {
		slowBase = 950_000_000
	}
	query := []byte("Q\x00\x00\x00\x0dSELECT 1;\x00")
	t := 0.0
	for i := 0; i < 6; i++ {
		// The fast client opens, queries and closes; the server closes
		// first and holds TIME-WAIT.
		fast.Addr = AddrPort("192.168.20.3:" + itoa(40100+i))
		k := c.Conn(fast, srv, 1000+uint32(i)*7919, 500000+uint32(i)*104729)
		end := k.Handshake(at(t))
		k.Send(end.Add(time.Millisecond), true, query)
		k.Send(end.Add(3*time.Millisecond), false, []byte("T\x00\x00\x00\x06\x00\x00"))
		k.Close(end.Add(5*time.Millisecond), false)

		// The slow client's attempt, from the same NAT address.
		slow := host("192.168.20.3:"+itoa(51000+i), slowBase)
		s := c.Conn(slow, srv, 77000+uint32(i)*31, 0)
		for j, back := range []float64{0, 1, 3, 7} {
			_ = j
			s.SYN(at(t + 0.5 + back))
		}
		t += 9
	}
	return c
}

// Seed 003, client side (inside the Envoy pod): a long-lived gRPC stream to
// a Service VIP. A segment 5.79 MB behind the window arrives from the
// backend pod's own address with the flow's ports (it skipped reverse NAT),
// the client resets that unknown connection, and the real connection dies.
// With ahead, the stray segment lies beyond the window's right edge
// instead (what still skips NAT on kernels 6.1 and later). The near miss
// (twin false) receives the same stale segment from the VIP's address: a
// spurious retransmission, and nothing is reset.
func UnnatedTwin(twin, ahead bool) *Capture {
	c := New()
	cli := host("10.148.74.37:48640", 40_000_000)
	vip := host("192.168.107.214:15010", 800_000_000)
	k := c.Conn(cli, vip, 3_000_000_000, 1_200_000_000)
	t := 0.0
	k.Handshake(at(t))
	k.Send(at(0.01), true, []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))
	k.Ack(at(0.011), false)
	chunk := make([]byte, 1400)
	var oldSeq, oldAck uint32
	for i := 0; i < 4200; i++ { // 5.9 MB of configuration pushed to the client
		tt := 0.02 + float64(i)*0.002
		if i == 60 {
			oldSeq, oldAck = k.SSeq, k.CSeq
		}
		k.Send(at(tt), false, chunk)
		if i%2 == 1 {
			k.Ack(at(tt+0.0005), true)
		}
	}
	k.Ack(at(8.5), true)
	tt := 9.0
	stray := k.Segment(at(tt), false)
	stray.Payload, stray.PSH = chunk, true
	stray.Seq, stray.Ack = oldSeq, oldAck
	if ahead {
		stray.Seq = k.SSeq + 502<<7 + 200_000
		stray.Ack = k.CSeq
	}
	if twin {
		stray.Src = AddrPort("10.148.74.34:15010") // the Pilot pod, untranslated
	}
	c.Add(stray)
	if !twin {
		k.Ack(at(tt+0.0002), true) // a duplicate ACK answers a spurious retransmission
		k.Send(at(tt+1), false, chunk[:200])
		k.Ack(at(tt+1.0002), true)
		k.Close(at(tt+2), true)
		return c
	}
	// The client knows no such connection and answers with a RST whose
	// sequence number is the stray segment's ACK.
	c.Add(Segment{At: at(tt + 0.0001), Src: cli.Addr, Dst: stray.Src, Seq: stray.Ack, RST: true, WScale: -1})
	// That RST reached the pod and killed the real connection; the pod's
	// next segments draw RSTs, and the VIP resets the client's stream.
	k.Send(at(tt+0.5), true, []byte("\x00\x00\x08\x06\x00\x00\x00\x00\x00ping1234"))
	k.RST(at(tt+0.5005), false)
	return c
}

// IdleTimeout: a client keeps a connection to an LVS VIP open with no
// keep-alives, is silent for 1000 s (over IPVS's 900 s TCP timeout), then
// sends a request; the director no longer knows the connection and the
// VIP answers with a RST. The near miss idles 20 minutes too, but TCP
// keep-alives every 300 s keep the entry alive and the request is answered.
func IdleTimeout(keepalive bool) *Capture {
	c := New()
	cli := host("10.20.0.15:52344", 10_000_000)
	vip := host("10.20.0.100:3306", 70_000_000)
	k := c.Conn(cli, vip, 4_000_000, 9_000_000)
	end := k.Handshake(at(0))
	k.Send(end.Add(time.Millisecond), false, []byte("\x4a\x00\x00\x00\x0a8.0.36\x00"))
	k.Ack(end.Add(2*time.Millisecond), true)
	k.Send(at(1), true, []byte("\x0b\x00\x00\x00\x03SELECT 1"))
	k.Send(at(1.002), false, []byte("\x01\x00\x00\x01\x01"))
	k.Ack(at(1.003), true)
	t := 1.003
	if keepalive {
		for i := 1; i <= 4; i++ {
			k.KeepAlive(at(t+float64(i)*300), true)
			k.Ack(at(t+float64(i)*300+0.001), false)
		}
		t += 1200
		k.Send(at(t+1), true, []byte("\x0b\x00\x00\x00\x03SELECT 2"))
		k.Send(at(t+1.002), false, []byte("\x01\x00\x00\x01\x01"))
		k.Ack(at(t+1.003), true)
		return c
	}
	t += 1000
	k.Send(at(t), true, []byte("\x0b\x00\x00\x00\x03SELECT 2"))
	k.RST(at(t+0.0004), false)
	return c
}

// AMQPHang (seed 000): celery connects to RabbitMQ through VIP:port and
// sends the 8-byte AMQP protocol header. The kernel of whatever accepted the
// connection ACKs it and no Connection.Start ever comes back; the client
// has no timeout and is still waiting 10 minutes later, as the keep-alive
// probes of another connection show. With answered, the broker replies.
func AMQPHang(server string, answered bool) *Capture {
	c := New()
	cli := host("192.168.20.3:59558", 5_000_000)
	srv := host(server, 6_000_000)
	k := c.Conn(cli, srv, 100_000, 200_000)
	end := k.Handshake(at(0))
	k.Send(end.Add(time.Millisecond), true, []byte("AMQP\x00\x00\x09\x01"))
	k.Ack(end.Add(2*time.Millisecond), false)
	if answered {
		k.Send(end.Add(3*time.Millisecond), false, append([]byte("\x01\x00\x00\x00\x00\x01\xf4\x00\x0a\x00\x0a"), make([]byte, 489)...))
		k.Ack(end.Add(4*time.Millisecond), true)
	}
	// Other traffic goes on for ten minutes.
	other := c.Conn(host("192.168.20.3:40001", 5_000_000), host("10.233.0.1:443", 1_000), 7, 9)
	o := other.Handshake(at(1))
	for i := 1; i <= 10; i++ {
		other.Send(o.Add(time.Duration(i)*time.Minute), true, []byte("\x17\x03\x03\x00\x10ping-pong-ping-1"))
		other.Ack(o.Add(time.Duration(i)*time.Minute+time.Millisecond), false)
	}
	return c
}

// Churn (seed 002): a controller deletes and re-adds the IPVS virtual
// service. For ten seconds nothing sent to the VIP is forwarded: existing
// connections retransmit unanswered and new SYNs go unanswered, across
// many clients at once. The near miss has a few connections retransmitting
// minutes apart, each recovering.
func Churn(burst bool) *Capture {
	c := New()
	vip := host("10.30.0.50:8080", 50_000_000)
	for i := 0; i < 16; i++ {
		cli := host("10.30.1."+itoa(10+i)+":"+itoa(45000+i), uint32(1_000_000*(i+1)))
		k := c.Conn(cli, vip, uint32(10_000*(i+1)), uint32(70_000*(i+1)))
		start := float64(i) * 0.5
		k.Handshake(at(start))
		req := []byte("GET /healthz HTTP/1.1\r\nHost: svc\r\n\r\n")
		k.Send(at(start+0.01), true, req)
		k.Send(at(start+0.012), false, []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
		k.Ack(at(start+0.013), true)
		stallAt := 30.0 + float64(i)*0.1
		if !burst {
			if i >= 3 {
				continue
			}
			stallAt = 30 + float64(i)*240
		}
		seq := k.CSeq
		k.Send(at(stallAt), true, req)
		for j, back := range []float64{0.2, 0.6, 1.4, 3.0} {
			if !burst && j == 2 {
				break
			}
			k.Resend(at(stallAt+back), true, seq, req)
		}
		answer := stallAt + 6.2
		if !burst {
			answer = stallAt + 0.9
		}
		k.Send(at(answer), false, []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
		k.Ack(at(answer+0.001), true)
	}
	if burst {
		// New connections during the window get no SYN-ACK.
		for i := 0; i < 6; i++ {
			cli := host("10.30.2."+itoa(10+i)+":"+itoa(50000+i), uint32(3_000_000*(i+1)))
			k := c.Conn(cli, vip, uint32(90_000*(i+1)), 0)
			for _, back := range []float64{0, 1, 3} {
				k.SYN(at(31 + float64(i)*0.3 + back))
			}
		}
	}
	return c
}

// AnyCopies is `tcpdump -i any` on a node where a pod (10.244.1.7) talks to
// a Service VIP (10.96.0.10:80) DNATed to a pod on another node
// (10.244.2.9:8080). Every packet is seen twice, before and after NAT, on
// the pod's veth (ifindex 5) and on eth0 (ifindex 2). With stray, one late
// reply keeps the backend's address on the veth (it skipped reverse NAT)
// and the pod answers it with a RST.
func AnyCopies(stray bool) *Capture {
	view := New() // the connection as the pod sees it, built once
	cli := host("10.244.1.7:41000", 12_000_000)
	vip := host("10.96.0.10:80", 34_000_000)
	k := view.Conn(cli, vip, 55_000_000, 66_000_000)
	end := k.Handshake(at(0))
	req := []byte("GET /api HTTP/1.1\r\nHost: api\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	var oldSeq, oldAck uint32
	for i := 0; i < 20; i++ {
		t := end.Add(time.Duration(i+1) * 100 * time.Millisecond)
		if i == 2 {
			oldSeq, oldAck = k.SSeq, k.CSeq
		}
		k.Send(t, true, req)
		k.Send(t.Add(time.Millisecond), false, resp)
		k.Ack(t.Add(2*time.Millisecond), true)
	}
	if stray {
		s := k.Segment(at(3), false)
		s.Seq, s.Ack, s.Payload, s.PSH = oldSeq, oldAck, resp, true
		view.Add(s)
	}

	c := New()
	c.Link = layers.LinkTypeLinuxSLL2
	backend := AddrPort("10.244.2.9:8080")
	const veth, eth0 = 5, 2
	for _, s := range view.Segments() {
		nat := s
		nat.At = s.At.Add(20 * time.Microsecond)
		if s.Src == cli.Addr { // request: veth first, then DNATed on eth0
			s.Ifindex, s.PacketType = veth, layers.LinuxSLL2PacketTypeHost
			nat.Dst, nat.Ifindex, nat.PacketType = backend, eth0, layers.LinuxSLL2PacketTypeOutgoing
			c.Add(s)
			c.Add(nat)
			continue
		}
		// reply: eth0 first with the backend's address, then reverse-NATed
		// on the veth; a stray one keeps the backend's address there too.
		orig := s
		orig.Src, orig.Ifindex, orig.PacketType = backend, eth0, layers.LinuxSLL2PacketTypeHost
		nat.Ifindex, nat.PacketType = veth, layers.LinuxSLL2PacketTypeOutgoing
		if stray && s.At.Equal(at(3)) {
			nat.Src = backend
		}
		c.Add(orig)
		c.Add(nat)
	}
	if stray {
		// The pod does not know 10.244.2.9:8080 and resets it; the RST is
		// seen on the veth and then on eth0, untranslated both times.
		rst := Segment{At: at(3.001), Src: cli.Addr, Dst: backend, Seq: oldAck, RST: true, WScale: -1,
			Ifindex: veth, PacketType: layers.LinuxSLL2PacketTypeHost}
		c.Add(rst)
		rst2 := c.segs[len(c.segs)-1]
		rst2.At, rst2.Ifindex, rst2.PacketType = rst.At.Add(20*time.Microsecond), eth0, layers.LinuxSLL2PacketTypeOutgoing
		c.Add(rst2)
	}
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }

// ZeroWindow: a client stops reading a download; its receive buffer fills,
// it advertises a zero window, and the server probes with backoff for the
// rest of the capture. In the near miss the window is zero for 300 ms and
// opens again, as flow control is meant to work.
func ZeroWindow(stuck bool) *Capture {
	c := New()
	cli := host("10.40.0.21:38760", 22_000_000)
	srv := host("10.40.0.80:80", 1_000_000)
	k := c.Conn(cli, srv, 1, 1_000_000)
	k.Handshake(at(0))
	k.Send(at(0.01), true, []byte("GET /export.csv HTTP/1.1\r\nHost: reports\r\n\r\n"))
	chunk := make([]byte, 1400)
	t := 0.02
	for i := 0; i < 40; i++ {
		k.Send(at(t), false, chunk)
		if i%2 == 1 {
			k.Ack(at(t+0.0005), true)
		}
		t += 0.001
	}
	zero := k.Segment(at(t), true)
	zero.Win = 0
	c.Add(zero)
	if !stuck {
		upd := k.Segment(at(t+0.3), true)
		c.Add(upd)
		k.Send(at(t+0.301), false, chunk)
		k.Ack(at(t+0.302), true)
		k.Close(at(t+0.4), false)
		return c
	}
	for _, back := range []float64{0.2, 0.6, 1.4, 3, 6.2, 12.6, 25.4, 51} {
		probe := k.Segment(at(t+back), false)
		probe.Payload = chunk[:1]
		c.Add(probe)
		ack := k.Segment(at(t+back+0.0003), true)
		ack.Win = 0
		c.Add(ack)
	}
	return c
}

// SYNBackoff is the "63 second delay" of a VXLAN node whose outer UDP
// checksums are wrong: a pod's SYN to a Service is lost and retransmitted
// 1, 2, 4, 8, 16 and 32 s apart, and only the sixth retry, sent once the
// source port changes hands in the masquerade, gets its SYN-ACK. Other
// connections meanwhile succeed at once. Without slow, every handshake is
// answered at once (the near miss).
func SYNBackoff(slow bool) *Capture {
	c := New()
	svc := host("10.96.12.40:8080", 70_000_000)
	for i := 0; i < 4; i++ {
		cli := host("10.244.2.7:"+itoa(41000+i), 20_000_000)
		k := c.Conn(cli, svc, uint32(5_000*(i+1)), uint32(60_000*(i+1)))
		start := float64(i) * 10
		if slow && i == 1 {
			t := start
			for _, gap := range []float64{0, 1, 2, 4, 8, 16, 32} {
				t += gap
				k.SYN(at(t))
			}
			k.SYNACK(at(t + 0.001))
			k.CSeq++
			k.SSeq++
			k.Ack(at(t+0.002), true)
			start = t
		} else {
			k.Handshake(at(start))
		}
		k.Send(at(start+0.01), true, []byte("GET / HTTP/1.1\r\nHost: svc\r\n\r\n"))
		k.Send(at(start+0.02), false, []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
		k.Close(at(start+0.03), true)
	}
	return c
}

// PAWSAfterClose writes a connection from 192.168.20.3:40100 to
// 10.10.0.5:5432 that closes normally (the server first, so the server
// keeps the client's last timestamp), and returns the capture with a
// second connection from the same address, port 51000, whose timestamps
// start far below: the caller sends its SYNs (unanswered: PAWS) or
// completes its handshake (answered).
func PAWSAfterClose() (*Capture, *Conn) {
	c := New()
	srv := &Host{Addr: AddrPort("10.10.0.5:5432"), TSBase: 90_000_000, WScale: 7}
	early := &Host{Addr: AddrPort("192.168.20.3:40100"), TSBase: 900_000_000, WScale: 7}
	k := c.Conn(early, srv, 1000, 5000)
	end := k.Handshake(Epoch)
	k.Send(end.Add(time.Millisecond), true, []byte("Q\x00\x00\x00\x05x"))
	k.Close(end.Add(3*time.Millisecond), false)
	late := &Host{Addr: AddrPort("192.168.20.3:51000"), TSBase: 3_000_000, WScale: 7}
	return c, c.Conn(late, srv, 77000, 9000)
}
