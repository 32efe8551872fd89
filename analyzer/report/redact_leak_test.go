package report_test

import (
	"archive/tar"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
	"github.com/nettriage/nettriage/internal/leaktest"
)

// sosTar builds a small uncompressed sosreport of host web-1.
func sosTar(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	root := "sosreport-web-1-2024-01-01-abcdef/"
	for name, body := range map[string]string{
		"hostname":                              "web-1.corp.acme.com\n",
		"sos_commands/networking/ss_-tanp":      "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nESTAB 0 0 10.1.2.3:22 10.1.2.5:50000 users:((\"sshd\",pid=99,fd=3))\n",
		"var/log/messages":                      "Nov 20 22:40:03 web-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n",
		"sos_commands/kernel/sysctl_-a":         "net.netfilter.nf_conntrack_max = 65536\n",
		"proc/net/nf_conntrack":                 "ipv4     2 tcp      6 431999 ESTABLISHED src=10.1.2.3 dst=10.1.2.5 sport=22 dport=50000 src=10.1.2.5 dst=10.1.2.3 sport=50000 dport=22 [ASSURED] mark=0 zone=0 use=2\n",
		"sos_commands/networking/ip_-d_address": "2: eth0: <UP> mtu 1500\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n    inet 10.1.2.3/24 brd 10.1.2.255 scope global eth0\n",
	} {
		if err := tw.WriteHeader(&tar.Header{Name: root + name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	return buf.Bytes()
}

func render(t *testing.T, rep *engine.Report) map[string]string {
	t.Helper()
	var js, txt, md, html bytes.Buffer
	for name, err := range map[string]error{
		"json":     report.JSON(&js, rep),
		"text":     report.Text(&txt, rep, report.TextOptions{Verbose: true}),
		"markdown": report.Markdown(&md, rep),
		"html":     report.HTML(&html, rep),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return map[string]string{"json": js.String(), "text": txt.String(), "markdown": md.String(), "html": html.String()}
}

// TestRedactLeavesNoIdentifier runs the real pipeline on a bundle holding
// every form of identifier, redacts the report and checks that no renderer
// lets any original through, in any case or hexadecimal encoding.
func TestRedactLeavesNoIdentifier(t *testing.T) {
	sample, err := os.ReadFile("../../samples/vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	paste := string(sample) + leaktest.Session
	rs, errs := engine.Builtin()
	for _, e := range errs {
		t.Logf("built-in rule not loaded: %v", e)
	}
	arts, aerrs := artifact.Expand([]artifact.Input{
		{Name: "web-1-session.txt", Data: []byte(paste)},
		{Name: "sosreport-web-1-2024-01-01-abcdef.tar", Data: sosTar(t)},
	}, artifact.DefaultLimits())
	rep := engine.Analyze(arts, aerrs, engine.Options{Rules: rs, Version: "1.2.1"})
	if len(rep.Findings) == 0 {
		t.Fatal("no findings: the leak check would prove little")
	}
	// Rules quote only the lines they read. So that every form reaches
	// every renderer, the first finding also quotes every line of the
	// leak session (with its artifact) and an error and a capture note
	// name the sosreport member, as a rule or a parser could.
	f := &rep.Findings[0]
	for i, line := range strings.Split(leaktest.Session, "\n") {
		f.Evidence = append(f.Evidence, engine.Evidence{Artifact: "web-1-session.txt", Line: i + 1, Text: line, Note: line, Label: line})
	}
	rep.Errors = append(rep.Errors, engine.Error{Artifact: arts[len(arts)-1].Name, Message: "seen on lb-7.corp.acme.com: " + arts[len(arts)-1].Name})
	before := render(t, rep)

	r := redact.New(nil)
	red := r.Report(rep)
	after := render(t, red)

	var needles []string
	for _, o := range leaktest.Originals {
		in := false
		for _, form := range append([]string{o}, leaktest.HexForms(o)...) {
			in = in || strings.Contains(strings.ToLower(before["json"]), strings.ToLower(form))
		}
		if !in {
			t.Errorf("%s does not appear in the unredacted report: the seed no longer exercises the redactor", o)
		}
		needles = append(needles, o)
		needles = append(needles, leaktest.HexForms(o)...)
	}
	surfaced := 0
	for _, n := range needles {
		if strings.Contains(strings.ToLower(before["json"]), strings.ToLower(n)) {
			surfaced++
		}
		for format, out := range after {
			if strings.Contains(strings.ToLower(out), strings.ToLower(n)) {
				k := strings.Index(strings.ToLower(out), strings.ToLower(n))
				lo, hi := max(0, k-80), min(len(out), k+len(n)+80)
				t.Errorf("%s output holds %q: ...%s...", format, n, out[lo:hi])
			}
		}
	}
	t.Logf("%d of %d identifiers and encodings were in the unredacted report; none in the redacted one", surfaced, len(needles))

	// Readable still: rule ids, process names, the kept addresses.
	for _, keep := range []string{"vip-nodeport-local-race", "conntrack-table-full", "celery", "hyperkube", "nginx: worker process", "uid", "-bash", "0100007F", "sos_commands/networking/ss_-tanp"} {
		if !strings.Contains(after["json"], keep) {
			t.Errorf("redacted JSON lost %q", keep)
		}
	}

	// The paste itself, redacted as text, leaks nothing either.
	pr := redact.New(nil)
	text := pr.Text(paste)
	for _, n := range needles {
		if strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
			t.Errorf("redacted paste holds %q", n)
		}
	}
	// and the map lists what was replaced
	var m bytes.Buffer
	if err := redact.WriteMap(&m, r.Table()); err != nil || !strings.Contains(m.String(), "host,web-1,") {
		t.Errorf("map: %v\n%.500s", err, m.String())
	}
}
