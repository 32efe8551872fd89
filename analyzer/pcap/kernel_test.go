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
