package stepjson

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/schema"
	"github.com/nettriage/nettriage/analyzer/triage"
)

type sample struct {
	Name  string            `json:"name"`
	Items []item            `json:"items"`
	Tags  []string          `json:"tags,omitempty"`
	Raw   []byte            `json:"raw"`
	Map   map[string]int    `json:"map"`
	Skip  string            `json:"-"`
	Plain int               // no tag: its Go name
	More  []json.RawMessage `json:"more"`
	hide  int
}

type item struct {
	A int    `json:"a"`
	B string `json:"b"`
}

func TestDecodeMatchesUnmarshal(t *testing.T) {
	in := `{"name":"x","items":[{"a":1,"b":"one"},{"a":2}],"tags":null,"raw":"aGk=","map":{"k":3},"Skip":"no","-":"no","Plain":7,"more":[1,{"z":2}],"unknown":[1,2,3]}`
	var want, got sample
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	steps := 0
	if err := Decode([]byte(in), &got, func() { steps++ }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %+v\nUnmarshal = %+v", got, want)
	}
	// One after the split, one per member decoded (name, items, tags, raw,
	// map, Plain, more) and one per element of items (2) and more (2).
	if steps != 1+7+4 {
		t.Errorf("step called %d times, want 12", steps)
	}
}

// A real report, the engine's own on every sample bundle (four
// sosreports and two load-balancer nodes), decodes to what json.Unmarshal
// gives.
func TestDecodeReport(t *testing.T) {
	var inputs []triage.Input
	err := filepath.WalkDir("../../../samples/bundles", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "expect" {
			return err
		}
		inputs = append(inputs, triage.Input{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }})
		return nil
	})
	if err != nil || len(inputs) == 0 {
		t.Fatalf("sample bundles: %v (%d files)", err, len(inputs))
	}
	rs, errs := engine.Builtin()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	data, err := json.Marshal(triage.Run(context.Background(), inputs, triage.Options{Rules: rs}))
	if err != nil {
		t.Fatal(err)
	}
	var want, got schema.Report
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	steps := 0
	if err := Decode(data, &got, func() { steps++ }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("Decode differs from json.Unmarshal")
	}
	if len(want.Findings) == 0 || len(want.Timeline) == 0 || steps < len(want.Findings)+len(want.Timeline)+len(want.Artifacts) {
		t.Errorf("%d steps for %d findings, %d timeline events and %d artifacts", steps, len(want.Findings), len(want.Timeline), len(want.Artifacts))
	}
}

func TestDecodeArray(t *testing.T) {
	in := `[{"a":1,"b":"x"},{"a":2}]`
	var want, got []item
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	steps := 0
	if err := DecodeArray([]byte(in), &got, func() { steps++ }); err != nil || !reflect.DeepEqual(got, want) || steps != 2 {
		t.Errorf("DecodeArray = %+v, %v, %d steps; want %+v in 2", got, err, steps, want)
	}
	var s sample
	if err := DecodeArray([]byte(in), &s, func() {}); err == nil {
		t.Error("DecodeArray into a struct gave no error")
	}
	if err := DecodeArray([]byte(`{"a":1}`), &got, func() {}); err == nil {
		t.Error("DecodeArray of an object gave no error")
	}
}

func TestDecodeErrors(t *testing.T) {
	var s sample
	for _, in := range []string{``, `[]`, `null`, `{"items":{"a":1}}`, `{"items":[{"a":"x"}]}`, `{"name":`} {
		if err := Decode([]byte(in), &s, func() {}); err == nil {
			t.Errorf("Decode(%q) gave no error", in)
		}
	}
	if err := Decode([]byte(`{}`), s, func() {}); err == nil {
		t.Error("Decode into a non-pointer gave no error")
	}
}

// The UI's warm-up report (wasm/browser/warmup.json) is a report of the
// current schema with what the rendering code draws: findings with
// evidence, flows with packets and their TSval, a timeline, counters and
// artifacts. A stale one would warm up less of the code.
func TestWarmupReport(t *testing.T) {
	data, err := os.ReadFile("../warmup.json")
	if err != nil {
		t.Fatal(err)
	}
	var r schema.Report
	if err := Decode(data, &r, func() {}); err != nil {
		t.Fatal(err)
	}
	flows, tsvals := 0, 0
	for _, f := range r.Findings {
		for _, fl := range f.Flows {
			flows++
			for _, p := range fl.Packets {
				if p.TSval != 0 && p.N > 0 {
					tsvals++
				}
			}
		}
	}
	if r.Schema != schema.Version || len(r.Findings) < 3 || flows == 0 || tsvals == 0 || len(r.Timeline) == 0 || len(r.Counters) == 0 || len(r.Artifacts) == 0 {
		t.Errorf("warm-up report: schema %q, %d findings, %d flows, %d packets with TSval, %d timeline events, %d counters, %d artifacts",
			r.Schema, len(r.Findings), flows, tsvals, len(r.Timeline), len(r.Counters), len(r.Artifacts))
	}
}
