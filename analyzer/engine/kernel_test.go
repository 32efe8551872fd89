package engine_test

import (
	"os"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// The captures a real Linux 6.18 kernel made of seed 003's mechanism
// (testdata/kernel): the rules must find the un-NATed twin when the stray
// segment was beyond the window, in both views, and nothing when it was
// behind the window, which 6.1+ kernels NAT normally.
func TestKernelCaptures(t *testing.T) {
	for _, c := range []struct {
		file string
		want string // confidence of conntrack-invalid-unnated-rst
	}{
		{"ahead-cli.pcap", "likely"},
		{"ahead-nat-any.pcap", "likely"},
		{"ahead-nat-any-sll.pcap", "likely"}, // tcpdump -y LINUX_SLL: no ifindex, packet types tell copies apart
		{"behind-cli.pcap", "none"},
		{"behind-nat-any.pcap", "none"},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile("../../testdata/kernel/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			rep := analyze(t, []artifact.Input{{Name: c.file, Data: data}})
			check(t, rep, []expectation{{Rule: "conntrack-invalid-unnated-rst", Confidence: c.want}})
		})
	}
}

// Seed 000's hang on a real kernel: both capture rules find it, and the
// client's hang is explained by the NodePort race.
func TestKernelHang(t *testing.T) {
	data, err := os.ReadFile("../../testdata/kernel/hang-nodeport.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, []artifact.Input{{Name: "hang-nodeport.pcapng", Data: data}})
	check(t, rep, []expectation{{Rule: "vip-nodeport-local-race", Confidence: "likely", Frames: []string{"hang-nodeport.pcapng:5"}},
		{Rule: "client-no-timeout-hang", Confidence: "likely", ExplainedBy: "vip-nodeport-local-race"}})
}

// The idle timeout on a real kernel, through conntrack: a silence past the
// 5 s established timeout, then retransmissions nobody answers. With the
// NAT namespace's sysctls it is confirmed.
func TestKernelIdleTimeout(t *testing.T) {
	var in []artifact.Input
	for _, f := range []string{"idle-conntrack.pcapng", "idle-sysctl.txt"} {
		data, err := os.ReadFile("../../testdata/kernel/" + f)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, artifact.Input{Name: f, Data: data})
	}
	check(t, analyze(t, in), []expectation{{Rule: "ipvs-idle-timeout", Confidence: "confirmed", Frames: []string{"idle-conntrack.pcapng:8"}}})
	// The capture alone cannot know the 5 s timeout: 8 s is far below the
	// 900 s default, so nothing is claimed.
	check(t, analyze(t, in[:1]), []expectation{{Rule: "ipvs-idle-timeout", Confidence: "none"}})
}

// The VIP disappearing for 4 s under five live connections, on a real
// kernel: all five stall together, which is the churn's capture symptom.
func TestKernelChurn(t *testing.T) {
	data, err := os.ReadFile("../../testdata/kernel/churn-vip.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	check(t, analyze(t, []artifact.Input{{Name: "churn-vip.pcapng", Data: data}}), []expectation{{Rule: "ipvs-service-churn", Confidence: "likely"}})
}
