package pcap_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

const corpus = "../../testdata/corpus/pcap/"

func analyzeFile(t *testing.T, path string) *pcap.Capture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return analyzeBytes(t, data)
}

func analyzeBytes(t *testing.T, data []byte) *pcap.Capture {
	t.Helper()
	c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{Name: "test"})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return c
}

func onlyFlow(t *testing.T, c *pcap.Capture) *pcap.Flow {
	t.Helper()
	if len(c.Flows) != 1 {
		t.Fatalf("want one retained flow, got %d", len(c.Flows))
	}
	return c.Flows[0]
}

// The corpus captures are real third-party files; each assertion here is
// checked against what tshark reports for the same file.

func TestCorpusZeroWindowDead(t *testing.T) {
	c := analyzeFile(t, corpus+"chrissanders__tcp_zerowindowdead.pcapng")
	f := onlyFlow(t, c)
	// 172.31.136.85 advertises a zero window in frames 2, 4, 6 and 8 and
	// never opens it; the server probes with three keep-alives.
	if f.ClientSide.ZeroWindows != 4 || !f.ClientSide.ZeroWinUntil {
		t.Errorf("zero windows %d (until end %v), want 4 until the end", f.ClientSide.ZeroWindows, f.ClientSide.ZeroWinUntil)
	}
	if f.ClientSide.MaxZeroWin < 23 || f.ClientSide.MaxZeroWin > 24 {
		t.Errorf("zero window lasted %.1f s, want 23.7", f.ClientSide.MaxZeroWin)
	}
	if f.ServerSide.KeepAlives != 3 {
		t.Errorf("keep-alives %d, want 3 (frames 3, 5, 7)", f.ServerSide.KeepAlives)
	}
	if f.Handshake != "none" || f.ClientKnown {
		t.Errorf("handshake %q, client known %v: the capture starts mid-flow", f.Handshake, f.ClientKnown)
	}
}

func TestCorpusUnansweredSYN(t *testing.T) {
	c := analyzeFile(t, corpus+"zeek__syn.pcap")
	if len(c.UnansweredSYNs) != 1 {
		t.Fatalf("unanswered SYNs %d, want 1", len(c.UnansweredSYNs))
	}
	u := c.UnansweredSYNs[0]
	if u.Client.String() != "141.142.228.5:59856" || u.Server.String() != "192.150.187.43:80" || u.Frame != 1 || u.Retrans != 0 {
		t.Errorf("unanswered SYN %+v", u)
	}
	if !u.HasTS || u.TSval != 374005024 {
		t.Errorf("TSval %d (has %v), want 374005024", u.TSval, u.HasTS)
	}
	if f := onlyFlow(t, c); f.Handshake != "syn" {
		t.Errorf("handshake %q, want syn", f.Handshake)
	}
}

func TestCorpusInjectedRST(t *testing.T) {
	c := analyzeFile(t, corpus+"zeek__rst-inject-rae.pcap")
	f := onlyFlow(t, c)
	// Frame 2 is a RST "from" 1.2.0.3 that arrives before its real SYN-ACK
	// (frame 3); the same endpoint goes on talking, so its stack did not
	// send it.
	if f.ServerSide.FirstRST != 2 || f.ServerSide.RSTs != 3 || f.ServerSide.AfterRST != 2 {
		t.Errorf("server RSTs: first %d, count %d, packets after its own RST %d; want 2, 3, 2",
			f.ServerSide.FirstRST, f.ServerSide.RSTs, f.ServerSide.AfterRST)
	}
	if f.ClientSide.RSTs != 0 || f.Closed != "rst" {
		t.Errorf("client RSTs %d, closed %q", f.ClientSide.RSTs, f.Closed)
	}
}

func TestCorpusExponentialRTO(t *testing.T) {
	c := analyzeFile(t, corpus+"chrissanders__ppa1e_tcp-con-lost.pcap")
	f := onlyFlow(t, c)
	rto := f.ClientSide.RTO
	if len(rto) != 5 {
		t.Fatalf("RTO run %v, want 5 timeouts", rto)
	}
	for i := 1; i < len(rto); i++ {
		if r := rto[i] / rto[i-1]; i > 1 && (r < 1.9 || r > 2.1) {
			t.Errorf("RTO %d/%d = %.2f, want doubling (%v)", i, i-1, r, rto)
		}
	}
	if f.ClientSide.Retrans != 5 || f.ServerSide.Bytes != 0 {
		t.Errorf("retransmissions %d, server bytes %d", f.ClientSide.Retrans, f.ServerSide.Bytes)
	}
	if len(c.Stalls) != 1 || c.Stalls[0].Kind != "data" || c.Stalls[0].Recovered {
		t.Errorf("stalls %+v, want one unrecovered data stall", c.Stalls)
	}
}

func TestCorpusFastRetransmissionAndSnaplen(t *testing.T) {
	c := analyzeFile(t, corpus+"zeek__retransmit-fast009.pcap")
	f := onlyFlow(t, c)
	if f.ServerSide.FastRetrans != 3 || f.ClientSide.DupAcks != 5 {
		t.Errorf("fast retransmissions %d, duplicate ACKs %d; want 3 and 5", f.ServerSide.FastRetrans, f.ClientSide.DupAcks)
	}
	// 21 frames were cut by the snap length; their segment lengths still
	// come from the IP header, so the byte count is the full 28073.
	if c.SnapTrimmed != 21 || f.ServerSide.Bytes != 28073 {
		t.Errorf("snaplen-cut frames %d, server bytes %d", c.SnapTrimmed, f.ServerSide.Bytes)
	}
}

func TestCorpusRefusedAndClean(t *testing.T) {
	c := analyzeFile(t, corpus+"chrissanders__tcp_refuseconnection.pcapng")
	f := onlyFlow(t, c)
	if f.Handshake != "syn" || f.ServerSide.FirstRST != 2 {
		t.Errorf("refused connection: handshake %q, RST frame %d", f.Handshake, f.ServerSide.FirstRST)
	}
	c = analyzeFile(t, corpus+"zeek__timestamp.pcap")
	if c.Packets != 878 || c.FlowCount != 1 || len(c.Flows) != 0 {
		t.Errorf("a clean bulk transfer: %d packets, %d flows, %d unusual", c.Packets, c.FlowCount, len(c.Flows))
	}
}

func TestScenarioMeasurements(t *testing.T) {
	t.Run("tw-recycle", func(t *testing.T) {
		c := analyzeBytes(t, pcaptest.TwRecycle(true).Bytes())
		if len(c.UnansweredSYNs) != 6 {
			t.Fatalf("unanswered SYNs %d, want 6", len(c.UnansweredSYNs))
		}
		for _, u := range c.UnansweredSYNs {
			if !u.Regressed || u.Retrans != 3 || u.TSAge > 1 || u.TSBehind < 800_000_000 {
				t.Errorf("SYN %+v: want a regressed TSval, 3 retransmissions, an earlier connection under a second before", u)
			}
			if want := []float64{1, 2, 4}; len(u.RTO) != 3 || u.RTO[0] != want[0] || u.RTO[2] != want[2] {
				t.Errorf("SYN RTO %v, want %v", u.RTO, want)
			}
		}
		c = analyzeBytes(t, pcaptest.TwRecycle(false).Bytes())
		for _, u := range c.UnansweredSYNs {
			if u.Regressed {
				t.Errorf("near miss: SYN %+v regressed", u)
			}
		}
	})
	t.Run("twin", func(t *testing.T) {
		c := analyzeBytes(t, pcaptest.UnnatedTwin(true, false).Bytes())
		if len(c.Twins) != 1 {
			t.Fatalf("twins %+v, want 1", c.Twins)
		}
		tw := c.Twins[0]
		if tw.From.String() != "10.148.74.34:15010" || tw.Peer.String() != "192.168.107.214:15010" || !tw.PortsMatch {
			t.Errorf("twin %+v", tw)
		}
		if tw.Behind < 5_700_000 || tw.Behind > 5_900_000 || tw.Ahead != 0 {
			t.Errorf("twin behind %d ahead %d, want about 5.79 MB behind", tw.Behind, tw.Ahead)
		}
		if len(tw.RSTFrames) != 2 {
			t.Errorf("RSTs after the twin %v, want the client's and the VIP's", tw.RSTFrames)
		}
		c = analyzeBytes(t, pcaptest.UnnatedTwin(true, true).Bytes())
		if len(c.Twins) != 1 || c.Twins[0].Ahead < 200_000 || c.Twins[0].Behind != 0 {
			t.Errorf("ahead twin %+v", c.Twins)
		}
		c = analyzeBytes(t, pcaptest.UnnatedTwin(false, false).Bytes())
		if len(c.Twins) != 0 {
			t.Errorf("near miss has twins %+v", c.Twins)
		}
		f := onlyFlow(t, c)
		if f.ServerSide.Spurious != 1 || f.ServerSide.OutOfWindow != 1 || f.ServerSide.MaxBehind < 5_700_000 {
			t.Errorf("stale segment from the right address: spurious %d, out of window %d, behind %d",
				f.ServerSide.Spurious, f.ServerSide.OutOfWindow, f.ServerSide.MaxBehind)
		}
	})
	t.Run("idle", func(t *testing.T) {
		c := analyzeBytes(t, pcaptest.IdleTimeout(false).Bytes())
		if len(c.Gaps) != 1 || c.Gaps[0].Seconds < 999 || c.Gaps[0].Outcome != "reset" || !c.Gaps[0].FromClient {
			t.Errorf("gaps %+v, want one of 1000 s ended by a RST after the client spoke", c.Gaps)
		}
		c = analyzeBytes(t, pcaptest.IdleTimeout(true).Bytes())
		if len(c.Gaps) != 1 || c.Gaps[0].Seconds > 301 || c.Gaps[0].Outcome != "answered" {
			t.Errorf("keep-alive flow gaps %+v, want at most 300 s and answered", c.Gaps)
		}
		if f := c.Flows; len(f) > 0 && f[0].ClientSide.KeepAlives != 4 {
			t.Errorf("keep-alives %d, want 4", f[0].ClientSide.KeepAlives)
		}
	})
	t.Run("hang", func(t *testing.T) {
		c := analyzeBytes(t, pcaptest.AMQPHang("10.233.65.134:5672", false).Bytes())
		var amqp *pcap.Hang
		for i := range c.Hangs {
			if c.Hangs[i].Protocol == "AMQP" {
				amqp = &c.Hangs[i]
			}
		}
		if amqp == nil || amqp.Request != 8 || amqp.Wait < 600 || amqp.AckFrame != 5 {
			t.Fatalf("AMQP hang %+v in %+v", amqp, c.Hangs)
		}
		c = analyzeBytes(t, pcaptest.AMQPHang("10.233.65.134:5672", true).Bytes())
		for _, h := range c.Hangs {
			if h.Protocol == "AMQP" {
				t.Errorf("answered AMQP counted as a hang: %+v", h)
			}
		}
	})
	t.Run("churn", func(t *testing.T) {
		c := analyzeBytes(t, pcaptest.Churn(true).Bytes())
		if len(c.Stalls) != 22 {
			t.Errorf("stalls %d, want 16 data and 6 SYN stalls", len(c.Stalls))
		}
		first, last := c.Stalls[0].Time, c.Stalls[len(c.Stalls)-1].Time
		if last.Sub(first) > 10*time.Second {
			t.Errorf("stalls span %v", last.Sub(first))
		}
	})
}

// tcpdump -i any: copies are paired, the NAT mapping is learnt, and they
// are not counted as retransmissions.
func TestAnyCopies(t *testing.T) {
	c := analyzeBytes(t, pcaptest.AnyCopies(false).Bytes())
	if c.Copies != c.Packets/2 || c.Interfaces != 2 || c.FlowCount != 1 {
		t.Errorf("copies %d of %d packets, %d interfaces, %d flows", c.Copies, c.Packets, c.Interfaces, c.FlowCount)
	}
	var nat []string
	for _, m := range c.NAT {
		nat = append(nat, m.Before+" => "+m.After)
	}
	want := []string{"10.244.1.7:41000 > 10.96.0.10:80 => 10.244.1.7:41000 > 10.244.2.9:8080",
		"10.244.2.9:8080 > 10.244.1.7:41000 => 10.96.0.10:80 > 10.244.1.7:41000"}
	if strings.Join(nat, "\n") != strings.Join(want, "\n") {
		t.Errorf("NAT mappings:\n%s\nwant:\n%s", strings.Join(nat, "\n"), strings.Join(want, "\n"))
	}
	if len(c.Flows) != 0 || len(c.Twins) != 0 {
		t.Errorf("clean copies produced unusual flows %d or twins %+v", len(c.Flows), c.Twins)
	}
	c = analyzeBytes(t, pcaptest.AnyCopies(true).Bytes())
	if len(c.Twins) == 0 || !c.Twins[0].Untranslated || c.Twins[0].From.String() != "10.244.2.9:8080" {
		t.Fatalf("untranslated reply not found: %+v", c.Twins)
	}
}

func TestTruncatedAndGarbage(t *testing.T) {
	full := pcaptest.IdleTimeout(false).Bytes()
	c, err := pcap.Analyze(bytes.NewReader(full[:len(full)-30]), pcap.Options{})
	if err == nil || c == nil || !c.Truncated || c.Packets != 9 {
		t.Fatalf("truncated: err %v, capture %+v", err, c)
	}
	if !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "packet 10") {
		t.Errorf("error %q should say where the capture ends", err)
	}
	for _, junk := range [][]byte{nil, []byte("hello world, not a capture"), bytes.Repeat([]byte{0xff}, 100), {0x1f, 0x8b, 1, 2}} {
		if c, err := pcap.Analyze(bytes.NewReader(junk), pcap.Options{}); err == nil || c != nil {
			t.Errorf("%q: want an error and no capture, got %v, %v", junk, c, err)
		}
	}
	// A pcap header followed by a packet record claiming 2 GB.
	bad := append([]byte(nil), full[:24]...)
	bad = append(bad, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f)
	if _, err := pcap.Analyze(bytes.NewReader(bad), pcap.Options{}); err == nil {
		t.Error("a 2 GB packet record was accepted")
	}
}

func TestGzipAndPcapng(t *testing.T) {
	raw := pcaptest.IdleTimeout(false).Bytes()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	a, b := analyzeBytes(t, raw), analyzeBytes(t, gz.Bytes())
	if a.Packets != b.Packets || len(a.Gaps) != len(b.Gaps) {
		t.Errorf("gzip changed the result: %d/%d packets", a.Packets, b.Packets)
	}

	// pcapng with two interfaces of different link types: Ethernet and raw
	// IP. The second interface carries the same connection's replies.
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&ng, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65535},
		pcapgo.NgWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw1, err := w.AddInterface(pcapgo.NgInterface{Name: "tun0", LinkType: layers.LinkTypeRaw, SnapLength: 65535})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		n++
		if n%2 == 0 {
			ci.InterfaceIndex = raw1
			data = data[14:] // strip Ethernet
			ci.CaptureLength, ci.Length = len(data), ci.Length-14
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	c := analyzeBytes(t, ng.Bytes())
	if c.Packets != n || c.TCPPackets != n || len(c.LinkTypes) != 2 || len(c.Gaps) != 1 || c.Gaps[0].Outcome != "reset" {
		t.Errorf("pcapng mixed link types: %d/%d TCP packets, link types %v, gaps %+v", c.TCPPackets, n, c.LinkTypes, c.Gaps)
	}
}

// A capture taken with a 64-byte snap length keeps only headers; segment
// lengths from the IP header keep the sequence analysis right.
func TestSnaplenTruncated(t *testing.T) {
	sc := pcaptest.UnnatedTwin(true, false)
	sc.Snaplen = 80
	c := analyzeBytes(t, sc.Bytes())
	if c.SnapTrimmed == 0 || len(c.Twins) != 1 || c.Twins[0].Behind < 5_700_000 {
		t.Errorf("snaplen 80: %d cut, twins %+v", c.SnapTrimmed, c.Twins)
	}
	for _, f := range c.Flows {
		if f.ServerSide.Retrans > 1 {
			t.Errorf("snaplen cut produced retransmissions: %+v", f.ServerSide)
		}
	}
}

// With a flow cap of 4, idle flows are evicted and counted, and the
// analysis still finds the unanswered SYNs.
func TestFlowCap(t *testing.T) {
	c, err := pcap.Analyze(bytes.NewReader(pcaptest.Churn(true).Bytes()), pcap.Options{MaxFlows: 4})
	if err != nil {
		t.Fatal(err)
	}
	if c.EvictedFlows == 0 || c.FlowCount < 22 {
		t.Errorf("evicted %d, flows %d", c.EvictedFlows, c.FlowCount)
	}
	found := false
	for _, n := range c.Notes {
		found = found || strings.Contains(n, "dropped from tracking")
	}
	if !found {
		t.Errorf("no note about evictions: %v", c.Notes)
	}
}

func TestIPv6AndProgress(t *testing.T) {
	sc := pcaptest.New()
	cli := &pcaptest.Host{Addr: pcaptest.AddrPort("[2001:db8::5]:40000"), TSBase: 5, WScale: 7}
	srv := &pcaptest.Host{Addr: pcaptest.AddrPort("[2001:db8::80]:443"), TSBase: 9, WScale: 7}
	k := sc.Conn(cli, srv, 1, 2)
	for _, d := range []float64{0, 1, 3} {
		k.SYN(pcaptest.Epoch.Add(time.Duration(d * float64(time.Second))))
	}
	var calls int
	var last int64
	data := sc.Bytes()
	c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{Progress: func(n int64) { calls++; last = n }})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.UnansweredSYNs) != 1 || c.UnansweredSYNs[0].Retrans != 2 || c.UnansweredSYNs[0].Server.String() != "[2001:db8::80]:443" {
		t.Errorf("IPv6 SYNs %+v", c.UnansweredSYNs)
	}
	if calls == 0 || last != int64(len(data)) {
		t.Errorf("progress called %d times, last %d of %d bytes", calls, last, len(data))
	}
}

// The committed capture samples are exactly what the scenarios write.
func TestSamplesUpToDate(t *testing.T) {
	for name, gen := range pcaptest.Samples {
		have, err := os.ReadFile("../../samples/" + name)
		if err != nil {
			t.Errorf("%s: %v (run go run ./tools/gensamples)", name, err)
			continue
		}
		if !bytes.Equal(have, gen().Bytes()) {
			t.Errorf("%s differs from its scenario; run go run ./tools/gensamples", name)
		}
	}
}

// The timestamp a new SYN is compared with also comes from an answered
// connection that is still open: a capture need not show the close.
func TestPAWSFromOpenConnection(t *testing.T) {
	sc := pcaptest.New()
	srv := &pcaptest.Host{Addr: pcaptest.AddrPort("10.10.0.5:5432"), TSBase: 7, WScale: 7}
	fast := &pcaptest.Host{Addr: pcaptest.AddrPort("192.168.20.3:40000"), TSBase: 900_000_000, WScale: 7}
	slow := &pcaptest.Host{Addr: pcaptest.AddrPort("192.168.20.3:50000"), TSBase: 3_000, WScale: 7}
	k := sc.Conn(fast, srv, 10, 20)
	end := k.Handshake(pcaptest.Epoch)
	k.Send(end.Add(time.Millisecond), true, []byte("Q\x00\x00\x00\x05x"))
	s := sc.Conn(slow, srv, 30, 0)
	for _, d := range []time.Duration{1, 2, 4} {
		s.SYN(pcaptest.Epoch.Add(d * time.Second))
	}
	c := analyzeBytes(t, sc.Bytes())
	if len(c.UnansweredSYNs) != 1 || !c.UnansweredSYNs[0].Regressed || c.UnansweredSYNs[0].TSAge > 1 {
		t.Errorf("unanswered SYNs %+v: want one whose TSval regressed against the open connection", c.UnansweredSYNs)
	}
}

// A hung client whose TCP keep-alives the server's kernel keeps ACKing is
// still waiting: the wait runs from the ACK of its request, not from the
// last keep-alive's.
func TestHangWithKeepAlives(t *testing.T) {
	sc := pcaptest.New()
	cli := &pcaptest.Host{Addr: pcaptest.AddrPort("192.168.20.3:59558"), TSBase: 5, WScale: 7}
	srv := &pcaptest.Host{Addr: pcaptest.AddrPort("10.233.65.134:5672"), TSBase: 9, WScale: 7}
	k := sc.Conn(cli, srv, 100, 200)
	end := k.Handshake(pcaptest.Epoch)
	k.Send(end.Add(time.Millisecond), true, []byte("AMQP\x00\x00\x09\x01"))
	k.Ack(end.Add(2*time.Millisecond), false)
	for i := 1; i <= 5; i++ {
		at := end.Add(time.Duration(i) * time.Minute)
		ka := k.Segment(at, true)
		ka.Seq--
		ka.Payload = []byte{0} // Linux sends no byte; others send one garbage byte
		sc.Add(ka)
		k.Ack(at.Add(time.Millisecond), false)
	}
	c := analyzeBytes(t, sc.Bytes())
	if len(c.Hangs) != 1 || c.Hangs[0].Wait < 299 || c.Hangs[0].KeepAlives != 5 || c.Hangs[0].Request != 8 {
		t.Errorf("hangs %+v: want one 300 s wait with 5 keep-alives", c.Hangs)
	}
}

// TestPAWSComparedPacket checks that a SYN whose TSval regressed carries
// the earlier connection's packet it was compared with, and that kept
// packets carry their TSval and their position in the flow.
func TestPAWSComparedPacket(t *testing.T) {
	c := analyzeBytes(t, pcaptest.TwRecycle(true).Bytes())
	if len(c.UnansweredSYNs) != 6 {
		t.Fatalf("unanswered SYNs %d, want 6", len(c.UnansweredSYNs))
	}
	for _, u := range c.UnansweredSYNs {
		f := c.Flow(u.Flow)
		if f == nil {
			t.Fatalf("flow %d of SYN %d not retained", u.Flow, u.Frame)
		}
		if len(f.Compared) != 1 || f.Compared[0] != u.Prev {
			t.Errorf("flow %d compared %+v, want the SYN's %+v", f.ID, f.Compared, u.Prev)
		}
		if u.Prev.With != u.Frame || u.Prev.Flow == 0 || u.Prev.Flow == u.Flow {
			t.Errorf("SYN %d compared %+v", u.Frame, u.Prev)
		}
		pkts := f.PacketList()
		syn := pkts[0]
		if syn.Frame != u.Frame || syn.TSval == 0 || int32(u.Prev.TSval-syn.TSval) <= 0 || u.Prev.TSval-syn.TSval != u.TSBehind {
			t.Errorf("SYN %+v, compared TSval %d: want it below, by %d", syn, u.Prev.TSval, u.TSBehind)
		}
		for i, p := range pkts {
			if p.N != i+1 || p.TSval == 0 {
				t.Errorf("flow %d packet %d: N %d, TSval %d; want N %d and a TSval", f.ID, p.Frame, p.N, p.TSval, i+1)
			}
		}

		// The earlier connection was still tracked when the SYN came (it
		// closed 0.5 s before): it is retained, and its packet is the
		// client's, with that TSval.
		prev := c.Flow(u.Prev.Flow)
		if prev == nil {
			t.Fatalf("earlier flow %d not retained", u.Prev.Flow)
		}
		if prev.Client.Port() != u.Prev.ClientPort || prev.Client.Addr() != u.Client.Addr() {
			t.Errorf("earlier flow's client %s, compared port %d", prev.Client, u.Prev.ClientPort)
		}
		found := false
		for _, p := range prev.PacketList() {
			if p.Frame == u.Prev.Frame {
				found = true
				if p.Dir != ">" || p.TSval != u.Prev.TSval || !p.Time.Equal(u.Prev.Time) {
					t.Errorf("earlier packet %+v, compared %+v", p, u.Prev)
				}
			}
		}
		if !found {
			t.Errorf("frame %d not in the earlier flow's packets", u.Prev.Frame)
		}
	}
	for _, f := range analyzeBytes(t, pcaptest.TwRecycle(false).Bytes()).Flows {
		if len(f.Compared) > 0 {
			t.Errorf("near miss: flow %d compared %+v", f.ID, f.Compared)
		}
	}
}

// pawsLate is an earlier connection that closes normally, then, once it is
// no longer tracked, a SYN from the same address with a TSval far below.
func pawsLate() *pcaptest.Capture {
	c, s := pcaptest.PAWSAfterClose()
	for _, back := range []int{5, 6, 8, 12} {
		s.SYN(pcaptest.Epoch.Add(time.Duration(back) * time.Second))
	}
	return c
}

// An earlier connection finalized before the SYN is not retained, and the
// comparison still names its packet.
func TestPAWSComparedFlowGone(t *testing.T) {
	c := analyzeBytes(t, pawsLate().Bytes())
	if len(c.UnansweredSYNs) != 1 || !c.UnansweredSYNs[0].Regressed {
		t.Fatalf("unanswered SYNs %+v, want one regressed", c.UnansweredSYNs)
	}
	u := c.UnansweredSYNs[0]
	if c.Flow(u.Prev.Flow) != nil {
		t.Errorf("earlier flow %d retained, though nothing in it was unusual", u.Prev.Flow)
	}
	// The server closed first; the client's FIN (frame 6) is the last
	// timestamp it received before its socket entered TIME-WAIT.
	if u.Prev.Frame != 6 || u.Prev.ClientPort != 40100 || u.Prev.TSval != 900_000_006 || u.Prev.With != u.Frame {
		t.Errorf("compared %+v, want the client's FIN, frame 6, from port 40100", u.Prev)
	}
}

// A long flow keeps its first, notable and last packets; their positions
// account for the ones left out, and a flow without timestamps has none.
func TestPacketPositions(t *testing.T) {
	c := pcaptest.New()
	cli := &pcaptest.Host{Addr: pcaptest.AddrPort("10.0.0.1:40000"), NoTS: true, WScale: 7}
	srv := &pcaptest.Host{Addr: pcaptest.AddrPort("10.0.0.2:80"), WScale: 7}
	k := c.Conn(cli, srv, 1000, 5000)
	at := k.Handshake(pcaptest.Epoch)
	for i := 0; i < 40; i++ {
		at = at.Add(time.Millisecond)
		k.Send(at, i%2 == 0, []byte("data"))
	}
	k.RST(at.Add(time.Millisecond), true)
	f := onlyFlow(t, analyzeBytes(t, c.Bytes()))
	pkts := f.PacketList()
	if f.Total != 44 || f.Omitted == 0 || pkts[0].N != 1 || pkts[len(pkts)-1].N != f.Total {
		t.Fatalf("total %d, omitted %d, first N %d, last N %d", f.Total, f.Omitted, pkts[0].N, pkts[len(pkts)-1].N)
	}
	skipped := 0
	for i := 1; i < len(pkts); i++ {
		if pkts[i].N <= pkts[i-1].N {
			t.Fatalf("positions not increasing: %d then %d", pkts[i-1].N, pkts[i].N)
		}
		skipped += pkts[i].N - pkts[i-1].N - 1
	}
	if skipped != f.Omitted {
		t.Errorf("positions jump over %d packets, %d omitted", skipped, f.Omitted)
	}
	for _, p := range pkts {
		if p.TSval != 0 {
			t.Errorf("frame %d has TSval %d without a timestamp option", p.Frame, p.TSval)
		}
	}
}

// A regressed SYN that is answered at once (no PAWS: common behind NAT)
// keeps no comparison and does not keep the earlier connection.
func TestPAWSAnsweredSYNComparesNothing(t *testing.T) {
	sc, s := pcaptest.PAWSAfterClose()
	end := s.Handshake(pcaptest.Epoch.Add(500 * time.Millisecond))
	s.RST(end.Add(time.Millisecond), true) // retained for its RST
	c := analyzeBytes(t, sc.Bytes())
	f := onlyFlow(t, c)
	if f.Client.Port() != 51000 || len(f.Compared) != 0 {
		t.Errorf("retained flow %s compared %+v: want the reset one, comparing nothing", f.Client, f.Compared)
	}
}
