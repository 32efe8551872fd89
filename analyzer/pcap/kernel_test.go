package pcap_test

import (
	"testing"
)

const kernel = "../../testdata/kernel/"

// Seed 003 reproduced on Linux 6.18 (testdata/kernel/README.md): a segment
// beyond the client's window skips reverse NAT.
func TestKernelUnnatedTwinClientView(t *testing.T) {
	c := analyzeFile(t, kernel+"ahead-cli.pcap")
	if len(c.Twins) != 1 {
		t.Fatalf("twins %+v, want 1", c.Twins)
	}
	tw := c.Twins[0]
	if tw.From.String() != "10.0.2.2:8080" || tw.Peer.String() != "10.0.3.3:80" || tw.PortsMatch {
		t.Errorf("twin from %s, peer %s, ports match %v: want the backend's 10.0.2.2:8080 instead of the VIP's port 80",
			tw.From, tw.Peer, tw.PortsMatch)
	}
	if tw.Ahead < 4_900_000 || tw.Behind != 0 {
		t.Errorf("ahead %d behind %d, want about 4.9 MB beyond the window", tw.Ahead, tw.Behind)
	}
	if len(tw.RSTFrames) != 2 || tw.RSTFrames[0] != tw.Frame+1 {
		t.Errorf("RSTs %v after frame %d: want the client's at once and the VIP's later", tw.RSTFrames, tw.Frame)
	}
}

func TestKernelUnnatedTwinAnyView(t *testing.T) {
	c := analyzeFile(t, kernel+"ahead-nat-any.pcap")
	if c.Copies != c.Packets/2 || len(c.NAT) != 2 || c.FlowCount != 1 {
		t.Errorf("copies %d of %d, NAT mappings %d, flows %d", c.Copies, c.Packets, len(c.NAT), c.FlowCount)
	}
	if len(c.Twins) == 0 || !c.Twins[0].Untranslated || c.Twins[0].From.String() != "10.0.2.2:8080" || c.Twins[0].Ahead < 4_900_000 {
		t.Fatalf("untranslated twin %+v", c.Twins)
	}
	for _, f := range c.Flows {
		if f.ClientSide.Retrans+f.ServerSide.Retrans > 0 {
			t.Errorf("copies were counted as retransmissions: %+v / %+v", f.ClientSide, f.ServerSide)
		}
	}
}

// The near miss on the same kernel: a segment far behind is reverse NATed
// (Linux 6.1+ does not mark it INVALID) and arrives from the VIP.
func TestKernelBehindIsNATed(t *testing.T) {
	for _, name := range []string{"behind-cli.pcap", "behind-nat-any.pcap"} {
		c := analyzeFile(t, kernel+name)
		if len(c.Twins) != 0 {
			t.Errorf("%s: twins %+v", name, c.Twins)
		}
		if len(c.Flows) != 1 {
			t.Fatalf("%s: %d unusual flows, want the one with the stale segment", name, len(c.Flows))
		}
		s := c.Flows[0].ServerSide
		if s.Spurious != 1 || s.MaxBehind < 4_900_000 || c.Flows[0].Closed != "fin" {
			t.Errorf("%s: spurious %d, behind %d, closed %q", name, s.Spurious, s.MaxBehind, c.Flows[0].Closed)
		}
	}
}

// Seed 000 on a real kernel, captured by dumpcap: the request is ACKed by
// a socket nobody accepts, and the capture runs 12 s past its last packet,
// which only the pcapng statistics block says.
func TestKernelHangUntilCaptureEnd(t *testing.T) {
	c := analyzeFile(t, kernel+"hang-nodeport.pcapng")
	if d := c.End.Sub(c.Start).Seconds(); d < 11.9 || d > 12.2 {
		t.Errorf("capture lasted %.3f s, want the 12 s the statistics block records", d)
	}
	if len(c.Hangs) != 1 || c.Hangs[0].Protocol != "AMQP" || c.Hangs[0].Wait < 11.9 || c.Hangs[0].Server.Port() != 31672 {
		t.Errorf("hangs %+v", c.Hangs)
	}
	if c.Drops != 0 {
		t.Errorf("drops %d, want the 0 dumpcap recorded", c.Drops)
	}
}

// beyond.sh on Linux 6.18: a router REJECTs tcp/8080 with
// icmp-admin-prohibited; the client's capture holds the three ICMP errors,
// each linked to the SYN it quotes.
func TestKernelRejectAdminProhibited(t *testing.T) {
	c := analyzeFile(t, kernel+"reject-admin.pcap")
	n := 0
	for _, m := range c.ICMP {
		if m.Kind == "admin-prohibited" && m.Type == 3 && m.Code == 13 && m.Proto == "tcp" && m.Dst.String() == "10.9.2.2:8080" &&
			m.From.String() == "10.9.1.1" && !m.FromDst && m.Flow != 0 {
			n++
		}
	}
	if n != 3 {
		t.Errorf("admin-prohibited answers %d, want 3: %+v", n, c.ICMP)
	}
}

// beyond.sh: the router's link towards the client has MTU 1300 and the
// router drops its own frag-needed; the server's capture shows its
// full-size segments (DF) retransmitted and never acknowledged.
func TestKernelPMTUBlackhole(t *testing.T) {
	c := analyzeFile(t, kernel+"pmtu-srv.pcap")
	if len(c.PMTU) != 1 {
		t.Fatalf("PMTU stalls %+v", c.PMTU)
	}
	p := c.PMTU[0]
	if p.Sender.String() != "10.9.2.2:8443" || p.MSS != 1460 || !p.DF || p.Recovered || p.Retrans < 3 || p.ICMP != 0 || !p.HandshakeOK || p.SmallSegsRetrans != 0 {
		t.Errorf("%+v", p)
	}
}
