//go:build js && wasm

// These tests run under GOOS=js GOARCH=wasm in Node (`make test-engine`,
// with go_js_wasm_exec from GOROOT/lib/wasm): the Blob reads, the message
// protocol and the streaming of captures go through the real JavaScript
// APIs that the Web Worker uses.
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
	"github.com/nettriage/nettriage/wasm/engine/session"
)

// newBlob makes a JavaScript Blob holding data.
func newBlob(data []byte) js.Value {
	u8 := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(u8, data)
	return js.Global().Get("Blob").New([]any{u8})
}

func TestBlobReaderStreamsEveryByte(t *testing.T) {
	data := make([]byte, 3<<20+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, chunk := range []int64{1, 4096, 1 << 20, 8 << 20} {
		if chunk == 1 {
			// One-byte chunks over a short prefix: every boundary is a slice edge.
			r := newBlobReader(newBlob(data[:300]), 1, nil)
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, data[:300]) {
				t.Fatalf("chunk 1: %v, %d bytes", err, len(got))
			}
			continue
		}
		r := newBlobReader(newBlob(data), chunk, nil)
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("chunk %d: %v, got %d of %d bytes", chunk, err, len(got), len(data))
		}
		if r.Close() != nil {
			t.Fatal("close")
		}
	}
	empty, err := io.ReadAll(newBlobReader(newBlob(nil), 4096, nil))
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty blob: %v %d", err, len(empty))
	}
	stop := false
	r := newBlobReader(newBlob(data), 4096, func() bool { return stop })
	if _, err := r.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	stop = true
	if _, err := io.ReadAll(r); err != errCancelled {
		t.Fatalf("after cancel: %v, want errCancelled", err)
	}
}

// harness runs a bridge and collects what it posts.
type harness struct {
	b   *bridge
	out chan map[string]any
}

func newHarness(t *testing.T, chunk int64) *harness {
	t.Helper()
	s, err := session.New("test")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{out: make(chan map[string]any, 1000)}
	h.b = newBridge(s, func(m map[string]any) { h.out <- m })
	h.b.chunk = chunk
	return h
}

func (h *harness) send(msg map[string]any) { h.b.receive(js.ValueOf(msg)) }

// wait returns the next message of one of the types for request id,
// skipping progress messages (which it counts).
func (h *harness) wait(t *testing.T, id int, types ...string) (map[string]any, int) {
	t.Helper()
	progress := 0
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m := <-h.out:
			if m["id"] != id {
				continue
			}
			if m["type"] == "progress" {
				progress++
				continue
			}
			for _, typ := range types {
				if m["type"] == typ {
					return m, progress
				}
			}
			t.Fatalf("request %d: got %v, want %v", id, m, types)
		case <-timeout:
			t.Fatalf("request %d: no %v within 60 s", id, types)
		}
	}
}

type report struct {
	Findings []struct {
		Rule, Confidence string
		Evidence         []struct {
			Artifact string
			Line     int
			Frame    int
		}
	}
	Artifacts []struct{ Name, Kind string }
	Captures  []struct {
		Artifact string
		Packets  int
	}
	Errors []struct{ Artifact, Message string }
}

func decodeReport(t *testing.T, m map[string]any) report {
	t.Helper()
	var r report
	if err := json.Unmarshal([]byte(m["json"].(string)), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r report) confidence(rule string) string {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return f.Confidence
		}
	}
	return "none"
}

func readSample(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../samples/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestAnalyzeFilesAndPaste sends a capture and a sysctl file as Blobs and
// a pasted session as text, as the page does, and checks the findings,
// then exercises the playground, export and artifact requests.
func TestAnalyzeFilesAndPaste(t *testing.T) {
	h := newHarness(t, 4096)
	h.send(map[string]any{"type": "analyze", "id": 1, "inputs": []any{
		map[string]any{"name": "syn-drops.pcap", "blob": newBlob(readSample(t, "tw-recycle-nat/capture-sysctl/syn-drops.pcap"))},
		map[string]any{"name": "sysctl_-a", "blob": newBlob(readSample(t, "tw-recycle-nat/capture-sysctl/sysctl_-a"))},
	}})
	m, _ := h.wait(t, 1, "report")
	r := decodeReport(t, m)
	if c := r.confidence("tw-recycle-nat"); c != "confirmed" {
		t.Fatalf("capture + sysctl: tw-recycle-nat %s, want confirmed; %+v", c, r)
	}
	if len(r.Captures) != 1 || r.Captures[0].Packets == 0 {
		t.Errorf("capture not streamed: %+v", r.Captures)
	}
	if ms, ok := m["ms"].(float64); !ok || ms <= 0 {
		t.Errorf("no analysis time: %v", m["ms"])
	}

	paste := string(readSample(t, "vip-nodeport-local-race/positive/node-1-session.txt"))
	h.send(map[string]any{"type": "analyze", "id": 2, "tz": "Asia/Shanghai", "inputs": []any{
		map[string]any{"name": "paste.txt", "text": paste},
	}})
	r = decodeReport(t, must(h.wait(t, 2, "report")))
	if c := r.confidence("vip-nodeport-local-race"); c != "confirmed" {
		t.Fatalf("paste: vip-nodeport-local-race %s", c)
	}

	// The evidence line, fetched back for the viewer, is the line quoted.
	var art string
	var line int
	for _, f := range r.Findings {
		if f.Rule == "vip-nodeport-local-race" {
			art, line = f.Evidence[0].Artifact, f.Evidence[0].Line
		}
	}
	h.send(map[string]any{"type": "artifact", "id": 3, "name": art, "line": line, "end": line})
	var view session.ArtifactView
	if err := json.Unmarshal([]byte(must(h.wait(t, 3, "artifact"))["json"].(string)), &view); err != nil {
		t.Fatal(err)
	}
	if view.Name != art || line < view.First || line >= view.First+len(view.Lines) {
		t.Fatalf("artifact view %+v does not hold line %d", view, line)
	}

	h.send(map[string]any{"type": "export", "id": 4, "format": "html", "redact": true})
	ex := must(h.wait(t, 4, "export"))
	if text := ex["text"].(string); !strings.Contains(text, `data-rule="vip-nodeport-local-race"`) || strings.Contains(text, "10.20.0.6") {
		t.Error("redacted HTML export lacks the finding or leaks an address")
	}
	if legend := ex["legend"].(string); !strings.Contains(legend, `"original":"10.20.0.6"`) || strings.Contains(ex["text"].(string), legend) {
		t.Errorf("the export's legend does not name 10.20.0.6, or is in the text: %s", legend)
	}

	h.send(map[string]any{"type": "rules", "id": 5})
	var rules []session.RuleInfo
	if err := json.Unmarshal([]byte(must(h.wait(t, 5, "rules"))["json"].(string)), &rules); err != nil || len(rules) < 20 {
		t.Fatalf("rules: %v, %d", err, len(rules))
	}

	h.send(map[string]any{"type": "rule", "id": 6, "file": "x.yaml", "yaml": "id: x\ntitle: X\nseverity: info\nconditions:\n  likely: nope(\n"})
	e := must(h.wait(t, 6, "rule-error"))
	if e["line"].(int) != 5 || e["message"].(string) == "" {
		t.Errorf("rule error %v, want line 5", e)
	}
	h.send(map[string]any{"type": "rule", "id": 7, "file": "x.yaml", "yaml": "id: x\ntitle: X\nseverity: info\nconditions:\n  likely: has(\"iptables\")\n"})
	h.wait(t, 7, "rule-ok")
	r = decodeReport(t, must(h.wait(t, 7, "report")))
	if r.confidence("x") != "likely" || r.confidence("vip-nodeport-local-race") != "confirmed" {
		t.Errorf("new rule not evaluated with the others: %+v", r.Findings)
	}

	h.send(map[string]any{"type": "bogus", "id": 8})
	h.wait(t, 8, "error")
}

// TestNewerAnalysisCancelsCaptureRead starts the analysis of a large
// synthetic capture, read in small chunks, and a second analysis right
// after: the first stops at its next chunk and only the second reports.
func TestNewerAnalysisCancelsCaptureRead(t *testing.T) {
	var capture bytes.Buffer
	if err := pcaptest.Synthetic(&capture, 60000, 1); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 64<<10)
	h.send(map[string]any{"type": "analyze", "id": 1, "inputs": []any{
		map[string]any{"name": "big.pcap", "blob": newBlob(capture.Bytes())},
	}})
	h.send(map[string]any{"type": "analyze", "id": 2, "inputs": []any{
		map[string]any{"name": "sysctl", "text": "net.ipv4.ip_forward = 0\n"},
	}})
	h.wait(t, 1, "cancelled")
	r := decodeReport(t, must(h.wait(t, 2, "report")))
	if len(r.Artifacts) != 1 || r.Artifacts[0].Kind != "sysctl" {
		t.Errorf("second analysis: %+v", r.Artifacts)
	}

	// Alone, the same capture is read to the end with progress reports.
	h.send(map[string]any{"type": "analyze", "id": 3, "inputs": []any{
		map[string]any{"name": "big.pcap", "blob": newBlob(capture.Bytes())},
	}})
	m, progress := h.wait(t, 3, "report")
	r = decodeReport(t, m)
	if len(r.Captures) != 1 || r.Captures[0].Packets < 60000 {
		t.Errorf("capture: %+v, errors %+v", r.Captures, r.Errors)
	}
	t.Logf("%d progress messages", progress)
}

func must(m map[string]any, _ int) map[string]any { return m }

// TestLazyBridge: a request sent while the rules compile is answered once
// they are, after rules-ready.
func TestLazyBridge(t *testing.T) {
	out := make(chan map[string]any, 100)
	b := newLazyBridge(func() (*session.Session, error) { return session.New("test") }, func(m map[string]any) { out <- m })
	b.receive(js.ValueOf(map[string]any{"type": "rules", "id": 1}))
	var types []string
	timeout := time.After(60 * time.Second)
	for len(types) < 2 {
		select {
		case m := <-out:
			types = append(types, m["type"].(string))
			if m["type"] == "rules-ready" && m["rules"].(string) == "" {
				t.Error("rules-ready without the rule set's version")
			}
		case <-timeout:
			t.Fatalf("got %v within 60 s", types)
		}
	}
	if types[0] != "rules-ready" || types[1] != "rules" {
		t.Errorf("messages %v, want rules-ready then rules", types)
	}
}

// TestWarmUp: the engine warms up once the page has been idle for
// warmDelay after the rules loaded, without posting anything, and then
// answers a case with a report of the case's own inputs; a case sent
// sooner means no warm-up.
func TestWarmUp(t *testing.T) {
	for _, wait := range []time.Duration{0, warmDelay + 500*time.Millisecond} {
		out := make(chan map[string]any, 100)
		b := newLazyBridge(func() (*session.Session, error) { return session.New("test") }, func(m map[string]any) { out <- m })
		if m := <-out; m["type"] != "rules-ready" {
			t.Fatalf("first message %v", m["type"])
		}
		time.Sleep(wait)
		b.receive(js.ValueOf(map[string]any{"type": "analyze", "id": 7, "inputs": []any{
			map[string]any{"name": "sysctl.txt", "text": "net.ipv4.tcp_tw_recycle = 1\n"},
		}}))
		select {
		case m := <-out:
			if m["type"] != "report" {
				t.Fatalf("got %v, want the report", m)
			}
			var rep struct{ Artifacts []struct{ Name string } }
			if err := json.Unmarshal([]byte(m["json"].(string)), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Artifacts) != 1 || rep.Artifacts[0].Name != "sysctl.txt" {
				t.Errorf("artifacts %+v: the warm-up leaked into the report", rep.Artifacts)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("no answer within 60 s")
		}
		if want := wait > 0; b.warmed != want {
			t.Errorf("case sent after %v: warmed %v, want %v", wait, b.warmed, want)
		}
	}
}
