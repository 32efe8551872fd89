package pcap_test

import (
	"testing"

	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

func TestDNSTimeoutScenario(t *testing.T) {
	c := analyzeBytes(t, pcaptest.DNSTimeout(true).Bytes())
	lost := 0
	for _, q := range c.DNS {
		if !q.Answered {
			lost++
			if q.Type != "AAAA" || q.Pair < 0 || !c.DNS[q.Pair].Answered || q.RetriedAfter < 4.9 || q.RetriedAfter > 5.1 {
				t.Errorf("lost query %+v", q)
			}
		}
		if q.Retry && (q.Attempt != 2 || q.LookupLatency < 5) {
			t.Errorf("retry %+v", q)
		}
	}
	if lost != 3 || len(c.DNS) != 9 || c.UDPFlows != 3 {
		t.Errorf("%d lost of %d queries, %d UDP flows", lost, len(c.DNS), c.UDPFlows)
	}
	c = analyzeBytes(t, pcaptest.DNSTimeout(false).Bytes())
	for _, q := range c.DNS {
		if !q.Answered || q.Retry || q.RetriedAfter != 0 {
			t.Errorf("near miss: %+v", q)
		}
	}
	if c.DNS[1].Latency < 0.89 {
		t.Errorf("slow answer latency %v", c.DNS[1].Latency)
	}
}

func TestSearchFanoutScenario(t *testing.T) {
	c := analyzeBytes(t, pcaptest.SearchFanout(true).Bytes())
	if len(c.SearchFanouts) != 3 {
		t.Fatalf("fan-outs %+v", c.SearchFanouts)
	}
	f := c.SearchFanouts[0]
	if f.Name != "api.example.com" || f.Queries != 10 || f.NXDomain != 8 || !f.Answered || len(f.Suffixes) != 4 {
		t.Errorf("fan-out %+v", f)
	}
	if c := analyzeBytes(t, pcaptest.SearchFanout(false).Bytes()); len(c.SearchFanouts) != 0 {
		t.Errorf("near miss fan-outs %+v", c.SearchFanouts)
	}
}

func TestPMTUScenario(t *testing.T) {
	c := analyzeBytes(t, pcaptest.PMTUBlackhole(true).Bytes())
	if len(c.PMTU) != 1 {
		t.Fatalf("PMTU %+v", c.PMTU)
	}
	p := c.PMTU[0]
	if p.MSS != 1460 || p.SegLen != 1448 || p.Retrans != 6 || !p.DF || p.Recovered || !p.HandshakeOK || p.SmallSegsRetrans != 0 || p.Sender.Port() != 443 {
		t.Errorf("%+v", p)
	}
	if c := analyzeBytes(t, pcaptest.PMTUBlackhole(false).Bytes()); len(c.PMTU) != 0 {
		t.Errorf("clamped MSS: %+v", c.PMTU)
	}
}

func TestRejectAndRefusedScenarios(t *testing.T) {
	c := analyzeBytes(t, pcaptest.FirewallReject(true).Bytes())
	if len(c.ICMP) != 3 || c.ICMP[0].Kind != "admin-prohibited" || c.ICMP[0].Proto != "tcp" || c.ICMP[0].Flow == 0 || c.ICMP[0].FromDst ||
		c.ICMP[0].Dst.String() != "10.1.0.9:8080" {
		t.Errorf("ICMP %+v", c.ICMP)
	}
	c = analyzeBytes(t, pcaptest.Refused(true).Bytes())
	if len(c.Refusals) != 10 || c.Refusals[0].TTL != 62 || c.Refusals[0].ServerTTL != -1 || c.Refusals[0].Server.String() != "10.1.0.40:5432" {
		t.Errorf("refusals %+v", c.Refusals)
	}
}

func TestNagleScenario(t *testing.T) {
	c := analyzeBytes(t, pcaptest.NagleStall(true).Bytes())
	if len(c.DelayedAcks) != 1 || c.DelayedAcks[0].Stalls != 6 || c.DelayedAcks[0].Median < 0.038 || c.DelayedAcks[0].Median > 0.041 {
		t.Errorf("%+v", c.DelayedAcks)
	}
	if c := analyzeBytes(t, pcaptest.NagleStall(false).Bytes()); len(c.DelayedAcks) != 0 {
		t.Errorf("near miss %+v", c.DelayedAcks)
	}
}

func TestWindowScenario(t *testing.T) {
	c := analyzeBytes(t, pcaptest.WindowLimited(true).Bytes())
	if len(c.WindowLimits) != 1 {
		t.Fatalf("%+v", c.WindowLimits)
	}
	w := c.WindowLimits[0]
	if w.Scaled || w.SenderScale != -1 || w.ReceiverScale != 7 || w.Window != 65535 || w.Events < 8 || w.RTT < 0.039 {
		t.Errorf("%+v", w)
	}
	if c := analyzeBytes(t, pcaptest.WindowLimited(false).Bytes()); len(c.WindowLimits) != 0 {
		t.Errorf("near miss %+v", c.WindowLimits)
	}
}
