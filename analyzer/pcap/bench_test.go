package pcap_test

import (
	"bytes"
	"testing"

	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

// BenchmarkAnalyze runs the whole capture analysis (reading, decoding,
// TCP tracking, measurements) on a synthetic capture of 200k packets held
// in memory, and reports the cost per packet.
func BenchmarkAnalyze(b *testing.B) {
	var buf bytes.Buffer
	if err := pcaptest.Synthetic(&buf, 200_000, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	var packets int
	for i := 0; i < b.N; i++ {
		c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{})
		if err != nil {
			b.Fatal(err)
		}
		packets = c.Packets
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*packets), "ns/packet")
}
