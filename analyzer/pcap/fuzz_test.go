package pcap_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

// FuzzAnalyze feeds arbitrary bytes to the reader and the TCP analysis:
// no input may panic, a capture that cannot be read must say so, and the
// result must stay within its caps.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob(corpus + "*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	for _, sc := range []*pcaptest.Capture{pcaptest.TwRecycle(true), pcaptest.AnyCopies(true), pcaptest.IdleTimeout(false)} {
		data := sc.Bytes()
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := pcap.Analyze(bytes.NewReader(data), pcap.Options{MaxFlows: 8})
		if c == nil {
			if err == nil {
				t.Fatal("no capture and no error")
			}
			return
		}
		if c.TCPPackets > c.Packets || c.Copies > c.TCPPackets {
			t.Fatalf("counts: %d TCP of %d packets, %d copies", c.TCPPackets, c.Packets, c.Copies)
		}
		if c.Truncated && err == nil {
			t.Fatal("truncated without an error")
		}
		for _, fl := range c.Flows {
			if len(fl.PacketList()) > fl.Total {
				t.Fatalf("flow %d lists %d of %d packets", fl.ID, len(fl.Packets), fl.Total)
			}
		}
	})
}
