package derive

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

// pawsEvidence runs pcap_paws_syns on a capture and returns what it
// recorded and the capture it read.
func pawsEvidence(t *testing.T, c *pcaptest.Capture) (int, *Recorder, *pcap.Capture) {
	t.Helper()
	h := host(t, map[string]string{"syn-drops.pcap": string(c.Bytes())})
	if len(h.Captures) != 1 {
		t.Fatalf("%d captures", len(h.Captures))
	}
	rec := &Recorder{}
	n := pawsSYNs(Call{ctx: &Ctx{Host: h, Rec: rec}, name: "pcap_paws_syns"}, 60, 2)
	return n, rec, h.Captures[0]
}

// The evidence of a regressed SYN includes the earlier connection's packet
// it was compared with, and that connection's flow for its ladder.
func TestPAWSEvidenceIncludesTheEarlierPacket(t *testing.T) {
	n, rec, c := pawsEvidence(t, pcaptest.TwRecycle(true))
	if n != 6 {
		t.Fatalf("%d PAWS SYNs, want 6", n)
	}
	items := map[int]Item{}
	for _, it := range rec.Items() {
		items[it.Frame] = it
	}
	flows := map[int]bool{}
	for _, f := range rec.Flows() {
		flows[f.Flow.ID] = true
	}
	for _, u := range c.UnansweredSYNs[:min(len(c.UnansweredSYNs), MaxEvidencePerCall)] {
		if _, ok := items[u.Frame]; !ok {
			t.Errorf("no evidence for the SYN, frame %d", u.Frame)
		}
		it, ok := items[u.Prev.Frame]
		if !ok {
			t.Errorf("no evidence for the earlier packet, frame %d", u.Prev.Frame)
			continue
		}
		if want := "earlier connection from the same address: TSval "; !strings.HasPrefix(it.Note, want) || !strings.Contains(it.Note, strconv.FormatUint(uint64(u.Prev.TSval), 10)) {
			t.Errorf("earlier packet's note %q", it.Note)
		}
		if !strings.HasPrefix(it.Ref.Text, "192.168.20.3:") || !strings.Contains(it.Ref.Text, "[FIN,ACK]") || it.Time == "" {
			t.Errorf("earlier packet's evidence %+v, want its summary and time", it)
		}
		if !flows[u.Flow] || !flows[u.Prev.Flow] {
			t.Errorf("flows %v, want the SYN's %d and the earlier %d", flows, u.Flow, u.Prev.Flow)
		}
	}
}

// An earlier connection that was not retained still names its packet, by
// what the comparison kept, and draws no flow.
func TestPAWSEvidenceWithoutTheEarlierFlow(t *testing.T) {
	sc, s := pcaptest.PAWSAfterClose()
	for _, at := range []time.Duration{5, 6, 8, 12} {
		s.SYN(pcaptest.Epoch.Add(at * time.Second))
	}
	n, rec, c := pawsEvidence(t, sc)
	if n != 1 {
		t.Fatalf("%d PAWS SYNs, want 1", n)
	}
	u := c.UnansweredSYNs[0]
	if c.Flow(u.Prev.Flow) != nil {
		t.Fatalf("earlier flow %d retained", u.Prev.Flow)
	}
	var got *Item
	for _, it := range rec.Items() {
		if it.Frame == u.Prev.Frame {
			got = &it
		}
	}
	if got == nil || got.Ref.Text != "192.168.20.3:40100 → 10.10.0.5:5432" || got.Time != "2026-03-14T09:26:53.006Z" {
		t.Errorf("earlier packet's evidence %+v", got)
	}
	if len(rec.Flows()) != 1 || rec.Flows()[0].Flow.ID != u.Flow {
		t.Errorf("flows %+v, want only the SYN's", rec.Flows())
	}
}
