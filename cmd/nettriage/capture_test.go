package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Captures are streamed from a file, a gzip-compressed file or stdin, and
// give the same findings, flows and capture summary every way.
func TestCaptureInputs(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/kernel/ahead-cli.pcap")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	gzPath := filepath.Join(dir, "cli.pcap.gz")
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"file", nil, []string{"analyze", "--format", "json", "../../testdata/kernel/ahead-cli.pcap"}},
		{"gzip file", nil, []string{"analyze", "--format", "json", gzPath}},
		{"stdin", raw, []string{"analyze", "--format", "json", "-"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, c.stdin, c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, `"rule": "conntrack-invalid-unnated-rst"`) || !strings.Contains(out, `"flows": [`) ||
				!strings.Contains(out, `"tcp_packets": 89`) || !strings.Contains(out, `"frame": 86`) {
				t.Errorf("report lacks the twin finding, its flows or the capture summary:\n%.2000s", out)
			}
			if strings.Contains(errOut, "MB") {
				t.Errorf("a progress bar was drawn on a non-terminal stderr: %q", errOut)
			}
		})
	}
	// A truncated capture: partial results and an error in the report.
	cut := filepath.Join(dir, "cut.pcap")
	os.WriteFile(cut, raw[:len(raw)-40], 0o644)
	out, _, code := run(t, nil, "analyze", "--format", "json", cut)
	if code != 0 || !strings.Contains(out, `"truncated": true`) || !strings.Contains(out, "truncated: it ends inside packet 89") {
		t.Errorf("truncated capture: exit %d\n%.1500s", code, out)
	}
}
