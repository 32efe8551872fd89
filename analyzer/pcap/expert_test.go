package pcap_test

import "testing"

// The capture summary agrees with tshark's expert info (`tshark -q -z
// expert`, 4.0) on the public corpus captures: retransmissions (fast ones
// included, as Wireshark flags both), resets and zero-window segments.
func TestExpertSummaryAgreesWithTshark(t *testing.T) {
	for _, c := range []struct {
		file                             string
		retrans, resets, zeroWin, failed int
		busiestBytes                     int64
	}{
		{"zeek__retransmit-fast009.pcap", 3, 1, 0, 0, 28547},
		{"chrissanders__tcp_refuseconnection.pcapng", 0, 1, 0, 1, 0},
		{"chrissanders__tcp_zerowindowdead.pcapng", 0, 0, 4, 0, 1344},
	} {
		t.Run(c.file, func(t *testing.T) {
			got := analyzeFile(t, "../../testdata/corpus/pcap/"+c.file).Expert
			if got.Retransmissions != c.retrans || got.Resets != c.resets || got.ZeroWindows != c.zeroWin || got.FailedHandshakes != c.failed {
				t.Errorf("summary %+v, want %d retransmissions, %d resets, %d zero windows, %d failed handshakes",
					got, c.retrans, c.resets, c.zeroWin, c.failed)
			}
			if len(got.TopConversations) != 1 || got.TopConversations[0].Bytes != c.busiestBytes {
				t.Errorf("busiest conversations %+v", got.TopConversations)
			}
		})
	}
}
