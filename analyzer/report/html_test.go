package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/source"
)

func renderHTML(t *testing.T, r *engine.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLStructureAndOrder(t *testing.T) {
	r := sample()
	r.Counters = []engine.CounterMove{{Host: "s2", Name: "TcpExt.PAWSPassive", First: 1, Last: 9, Delta: 8, Meaning: "SYNs rejected by PAWS", Rules: []string{"tw-recycle-nat"}}}
	r.Artifacts = []engine.ArtifactInfo{{Name: "sysctl_-a", Host: "s2", Kind: "sysctl", Warnings: []source.Warning{{Line: 3, Message: "odd line"}}}}
	r.Errors = []engine.Error{{Artifact: "x.tar", Message: "truncated"}}
	out := renderHTML(t, r)
	inOrder(t, out, `data-rule="c-crit" data-confidence="confirmed"`, "sysctl_-a:30", "net.ipv4.tcp_tw_recycle = 1",
		"cat /proc/net/netstat", `data-rule="b-warn"`, "Worth a look", `data-rule="a-crit-possible" data-confidence="possible"`, "Counters that moved", "TcpExt.PAWSPassive", "+8", "SYNs rejected by PAWS", "Artifacts", "line 3: odd line", "Errors", "truncated")
	if strings.Contains(out, "<script") {
		t.Error("the report must not contain a script")
	}
}

// TestHTMLEscapesEverything puts markup into every field a rule or an input
// controls and checks that none of it survives as markup.
func TestHTMLEscapesEverything(t *testing.T) {
	evil := `<img src=x onerror=alert(1)>"'&`
	r := &engine.Report{
		Schema: engine.Schema, Tool: engine.Tool{Name: "nettriage", Version: evil, Rules: evil}, Hosts: []string{evil},
		Findings: []engine.Finding{{Rule: evil, Host: evil, Title: evil, Severity: "critical", Confidence: evil,
			Summary: evil + " **" + evil + "**", Explanation: "- " + evil, Remediation: "[" + evil + "](javascript:alert(1))",
			References: []string{"javascript:alert(1)", "https://ok.example/" + evil}, ExplainedBy: evil,
			Evidence: []engine.Evidence{{Artifact: evil, Line: 1, Text: evil, Note: evil, Time: evil}},
			Missing:  []engine.Missing{{Kind: evil, Why: evil, Collect: evil}}}},
		Artifacts: []engine.ArtifactInfo{{Name: evil, Host: evil, Kind: evil, Warnings: []source.Warning{{Message: evil}}}},
		Counters:  []engine.CounterMove{{Host: evil, Name: evil, Meaning: evil, Rules: []string{evil}}},
		Errors:    []engine.Error{{Artifact: evil, Message: evil}},
	}
	out := renderHTML(t, r)
	if strings.Contains(out, "<img") || strings.Contains(out, "javascript:alert(1)\"") || strings.Contains(out, `href="javascript`) {
		t.Fatalf("markup or a script link survived:\n%s", out)
	}
	// Every attribute value is quoted and every tag is one we write.
	tags := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`).FindAllStringSubmatch(out, -1)
	known := map[string]bool{}
	for _, t := range strings.Fields("html head meta title style body header h1 h2 h3 h4 dl dt dd main section table thead tbody tr th td a span code strong p ol ul li pre details summary em br figure figcaption svg text line g polygon polyline") {
		known[t] = true
	}
	for _, m := range tags {
		if !known[strings.ToLower(m[1])] {
			t.Errorf("unexpected tag <%s>", m[1])
		}
	}
}

// TestHTMLCaptureLadder analyses a real capture sample and checks that the
// finding's flow is drawn with its evidence packets highlighted.
func TestHTMLCaptureLadder(t *testing.T) {
	data, err := os.ReadFile("../../samples/tw-recycle-nat/capture/syn-drops.pcap")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	arts, aerrs := artifact.Expand([]artifact.Input{{Name: "syn-drops.pcap", Data: data}}, artifact.DefaultLimits())
	rep := engine.Analyze(arts, aerrs, engine.Options{Rules: rs, Version: "test"})
	var f *engine.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Rule == "tw-recycle-nat" {
			f = &rep.Findings[i]
		}
	}
	if f == nil || len(f.Flows) == 0 {
		t.Fatalf("no tw-recycle-nat finding with flows: %+v", rep.Findings)
	}
	out := renderHTML(t, rep)
	svgs := regexp.MustCompile(`(?s)<svg class="ladder".*?</svg>`).FindAllString(out, -1)
	if len(svgs) == 0 {
		t.Fatal("no ladder diagram")
	}
	for _, s := range svgs {
		if err := xml.Unmarshal([]byte(s), new(struct{})); err != nil {
			t.Errorf("ladder is not well-formed XML: %v", err)
		}
	}
	frame := 0
	for _, e := range f.Evidence {
		if e.Frame > 0 {
			frame = e.Frame
			break
		}
	}
	if !regexp.MustCompile(`class="pkt hl[^"]*" data-frame="` + strconv.Itoa(frame) + `"`).MatchString(out) {
		t.Errorf("evidence frame %d is not highlighted in the ladder", frame)
	}

	// The proof: the SYN's TSval, the earlier connection's packet it was
	// compared with (evidence too, drawn above the SYN and in its own
	// flow's ladder), and the comparison on the SYN.
	earlier := 0
	for _, e := range f.Evidence {
		if strings.HasPrefix(e.Note, "earlier connection from the same address: TSval ") {
			earlier = e.Frame
			break
		}
	}
	if earlier == 0 {
		t.Fatalf("no evidence of the earlier connection: %+v", f.Evidence)
	}
	fe := f.Flows[0]
	if len(fe.Compared) != 1 || fe.Compared[0].Frame != earlier || fe.Compared[0].With != frame {
		t.Fatalf("first flow %d compared %+v, want frame %d with SYN %d", fe.ID, fe.Compared, earlier, frame)
	}
	drawn := false
	for _, g := range f.Flows {
		drawn = drawn || g.ID == fe.Compared[0].Flow
	}
	if !drawn {
		t.Errorf("the earlier connection's flow %d is not drawn", fe.Compared[0].Flow)
	}
	cmp := fmt.Sprintf(`<g class="cmp hl" data-frame="%d">`, earlier)
	syn := regexp.MustCompile(`<g class="pkt hl" data-frame="` + strconv.Itoa(frame) + `">.*?</g>`).FindString(svgs[0])
	tsval := fe.Packets[0].TSval
	if !strings.Contains(svgs[0], cmp) || !strings.Contains(svgs[0], fmt.Sprintf("TSval=%d", fe.Compared[0].TSval)) {
		t.Errorf("the first ladder lacks the compared packet %s", cmp)
	}
	if want := fmt.Sprintf("TSval=%d &lt; %d of frame #%d", tsval, fe.Compared[0].TSval, earlier); tsval == 0 || !strings.Contains(syn, want) {
		t.Errorf("the SYN's group lacks %q:\n%s", want, syn)
	}
	if !regexp.MustCompile(`class="pkt hl[^"]*" data-frame="` + strconv.Itoa(earlier) + `"`).MatchString(out) {
		t.Errorf("the earlier packet, frame %d, is not highlighted in its own ladder", earlier)
	}
}
