package triage

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
)

func options(t *testing.T) Options {
	t.Helper()
	rs, errs := engine.Builtin()
	if rs == nil {
		t.Fatal(errs)
	}
	return Options{Rules: rs, Version: "test"}
}

func messages(rep *schema.Report) string {
	var b strings.Builder
	for _, e := range rep.Errors {
		b.WriteString(e.Artifact + ": " + e.Message + "\n")
	}
	return b.String()
}

// stream opens data as a stream once, like stdin.
func stream(name string, data []byte) Input {
	used := false
	return Input{Name: name, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		if used {
			return nil, io.ErrClosedPipe
		}
		used = true
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

func TestCapturesStreamedAndText(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/kernel/ahead-cli.pcap")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	sysctl := []byte("net.ipv4.ip_forward = 1\n")
	opt := options(t)
	opt.Limits = artifact.Limits{MaxTotalBytes: 100} // captures do not count against it
	var progress int
	opt.Progress = func(string, int64, int64) { progress++ }
	rep := Run(context.Background(), []Input{stream("a.pcap", raw), stream("b.pcap.gz", gz.Bytes()), stream("sysctl_-a", sysctl)}, opt)
	if len(rep.Captures) != 2 || rep.Captures[0].TCPPackets != 89 || rep.Captures[1].TCPPackets != 89 {
		t.Fatalf("captures: %+v\n%s", rep.Captures, messages(rep))
	}
	if !Usable(rep) {
		t.Error("not usable")
	}
	b, _ := json.Marshal(rep)
	if bytes.Contains(b, []byte("null")) {
		t.Errorf("null in the report: %s", b)
	}
}

func TestOneByteCapAcrossInputs(t *testing.T) {
	opt := options(t)
	opt.Limits = artifact.Limits{MaxTotalBytes: 30, MaxFileBytes: 20, MaxFiles: 3}
	line := []byte("net.ipv4.ip_forward = 1\n") // 24 bytes
	in := []Input{
		{Name: "one", Data: line},       // cut to 20 by the file cap
		stream("two", line),             // cut to 10 by what is left
		{Name: "three", Data: line},     // nothing left
		stream("four", line),            // a fourth file
		stream("five", []byte("x = 1")), // past the file cap, not reported again
	}
	rep := Run(context.Background(), in, opt)
	got := messages(rep)
	for _, want := range []string{
		"one: larger than the 20-byte limit; only the first 20 bytes are analysed",
		"two: larger than the 10-byte limit; only the first 10 bytes are analysed",
		"three: skipped: the inputs already reach the 30-byte limit",
		"four: more than 3 files; the rest are skipped",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "five") {
		t.Errorf("the file cap is reported more than once:\n%s", got)
	}
}

func TestEmptyCaptureIsUnusable(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/kernel/ahead-cli.pcap")
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(context.Background(), []Input{stream("empty.pcap", raw[:24])}, options(t))
	if Usable(rep) || !strings.Contains(messages(rep), "empty.pcap: no packets could be read") {
		t.Errorf("a capture without packets: usable %v\n%s", Usable(rep), messages(rep))
	}
}

func TestNothingReadableIsACompleteReport(t *testing.T) {
	opened := Input{Name: "missing", Open: func() (io.ReadCloser, error) { return nil, os.ErrNotExist }}
	rep := Run(context.Background(), []Input{opened}, options(t))
	if Usable(rep) || rep.Schema != schema.Version || !strings.Contains(messages(rep), "missing: file does not exist") {
		t.Errorf("usable %v, schema %q\n%s", Usable(rep), rep.Schema, messages(rep))
	}
	b, _ := json.Marshal(rep)
	if bytes.Contains(b, []byte("null")) {
		t.Errorf("null in the report: %s", b)
	}
}

func TestCancelStopsReading(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/kernel/ahead-cli.pcap")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := Run(ctx, []Input{{Name: "sysctl", Data: []byte("net.ipv4.ip_forward = 1\n")}, stream("a.pcap", raw)}, options(t))
	if Usable(rep) || !strings.Contains(messages(rep), "a.pcap: not read: context canceled") {
		t.Errorf("after cancel:\n%s", messages(rep))
	}

	// Cancelled between reading and analysing: the capture's reads fail.
	ctx, cancel = context.WithCancel(context.Background())
	in := Read(ctx, []Input{stream("a.pcap", raw)}, options(t))
	cancel()
	rep = in.Analyze(ctx, options(t)).Report
	if len(rep.Captures) != 1 || rep.Captures[0].Packets != 0 {
		t.Errorf("a cancelled capture was read: %+v", rep.Captures)
	}
}

func TestHostLabelsInputsThatNameNone(t *testing.T) {
	opt := options(t)
	opt.Host = "node-7"
	rep := Run(context.Background(), []Input{{Name: "sysctl_-a", Data: []byte("net.ipv4.ip_forward = 1\n")}}, opt)
	if len(rep.Artifacts) != 1 || rep.Artifacts[0].Host != "node-7" {
		t.Errorf("artifacts: %+v", rep.Artifacts)
	}
}

// countedCapture is a real capture (89 TCP packets) as an input that
// counts how often it is opened.
func countedCapture(t *testing.T) (Input, *int) {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/kernel/ahead-cli.pcap")
	if err != nil {
		t.Fatal(err)
	}
	opens := 0
	return Input{Name: "a.pcap", Open: func() (io.ReadCloser, error) {
		opens++
		return io.NopCloser(bytes.NewReader(raw)), nil
	}}, &opens
}

func TestReanalysisOpensCapturesAgain(t *testing.T) {
	in, opens := countedCapture(t)
	read := Read(context.Background(), []Input{in}, options(t))
	defer read.Close()
	for i := 0; i < 2; i++ {
		rep := read.Analyze(context.Background(), options(t)).Report
		if len(rep.Captures) != 1 || rep.Captures[0].TCPPackets != 89 {
			t.Fatalf("analysis %d: %+v\n%s", i, rep.Captures, messages(rep))
		}
	}
	if *opens != 2 {
		t.Errorf("opened %d times, want 2 (sniffing's stream is reused once)", *opens)
	}
}

// Loose files that name no host join the one host the other inputs name,
// and every artifact says why it went to its host.
func TestLooseFilesJoinTheOnlyNamedHost(t *testing.T) {
	paste := "[root@k8s-2 ~]# sysctl net.ipv4.tcp_tw_recycle\nnet.ipv4.tcp_tw_recycle = 0\n"
	rep := Run(context.Background(), []Input{
		{Name: "session.txt", Data: []byte(paste)},
		{Name: "iptables-save", Data: []byte("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n")},
	}, options(t))
	if len(rep.Hosts) != 1 || rep.Hosts[0] != "k8s-2" {
		t.Fatalf("hosts %v, want only k8s-2", rep.Hosts)
	}
	for _, a := range rep.Artifacts {
		want := "the shell prompt"
		if a.Name == "iptables-save" {
			want = "it names no host, and k8s-2 is the only host the other inputs name"
		}
		if a.Host != "k8s-2" || a.HostReason != want {
			t.Errorf("%s: host %q because %q, want k8s-2 because %q", a.Name, a.Host, a.HostReason, want)
		}
	}
}

// A sosreport's network directories are accounted for: files no parser
// reads, and files read but of no kind, are counted per directory.
func TestNotAnalysedPerDirectory(t *testing.T) {
	root := "sosreport-n1-2026-01-01-abc/"
	rep := Run(context.Background(), []Input{
		{Name: root + "hostname", Data: []byte("n1\n")},
		{Name: root + "sos_commands/kernel/sysctl_-a", Data: []byte("net.ipv4.ip_forward = 1\n")},
		{Name: root + "sos_commands/networking/nmcli_dev_show", Data: []byte("GENERAL.DEVICE: ens3\n")},
		{Name: root + "sos_commands/networking/nmcli_con_show", Data: []byte("NAME UUID TYPE DEVICE\n")},
		{Name: root + "sos_commands/networking/some_new_tool", Data: []byte("hello world\n")},
		{Name: root + "sos_commands/yum/yum_history", Data: []byte("not networking\n")},
	}, options(t))
	got := map[string]int{}
	for _, n := range rep.NotAnalysed {
		got[n.Path+" | "+n.Reason] = n.Count
	}
	want := map[string]int{
		root + "sos_commands/networking | no parser reads these outputs":            2,
		root + "sos_commands/networking | read, but not of a kind nettriage parses": 1,
	}
	if len(got) != len(want) {
		t.Fatalf("not analysed %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	for _, a := range rep.Artifacts {
		if a.HostReason != "the sosreport's hostname file" {
			t.Errorf("%s: host reason %q", a.Name, a.HostReason)
		}
	}
}
