package pcap

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

// steadyPackets decodes the corpus bulk transfer (one established flow,
// 878 packets) for replaying through the tracker.
func steadyPackets(tb testing.TB) []packet {
	data, err := os.ReadFile("../../testdata/corpus/pcap/zeek__timestamp.pcap")
	if err != nil {
		tb.Fatal(err)
	}
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	dec := newDecoder()
	var out []packet
	for {
		frame, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		var p packet
		p.frame, p.t = len(out)+1, ci.Timestamp.UnixNano()
		if dec.decode(r.LinkType(), frame, &p) {
			p.payload = p.head[:copy(p.head[:], p.payload)]
			out = append(out, p)
		}
	}
	return out
}

// Once a flow is tracked, analysing one more of its packets allocates
// nothing: no per-packet garbage, whatever the capture's length.
func TestSteadyStateAllocs(t *testing.T) {
	pkts := steadyPackets(t)
	tr := newTracker(&Capture{}, 0)
	for i := range pkts {
		tr.packet(&pkts[i])
	}
	i := 0
	allocs := testing.AllocsPerRun(5000, func() {
		p := pkts[i%len(pkts)]
		p.t += int64(i) // time moves on
		tr.packet(&p)
		i++
	})
	if allocs != 0 {
		t.Errorf("%.2f allocations per packet in steady state, want 0", allocs)
	}
}

// BenchmarkSteadyState is the per-packet cost of the TCP analysis alone on
// an established flow (decoding and reading excluded).
func BenchmarkSteadyState(b *testing.B) {
	pkts := steadyPackets(b)
	tr := newTracker(&Capture{}, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := pkts[i%len(pkts)]
		p.t += int64(i)
		tr.packet(&p)
	}
}
