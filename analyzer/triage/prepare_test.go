package triage

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// Evaluating the rules again on a prepared case gives exactly the report
// a fresh analysis gives, with the full rule set and with a part of it:
// rules only read the facts, so a rule edit can skip reading and parsing.
// Every sample of the project (texts, captures and whole bundles) is
// checked.
func TestEvaluateAgainIsAFreshAnalysis(t *testing.T) {
	dirs := map[string][]string{}
	err := filepath.WalkDir("../../samples", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "expect" && filepath.Ext(p) != ".json" {
			if filepath.Dir(p) != "../../samples" {
				dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
			}
		}
		return err
	})
	if err != nil || len(dirs) < 50 {
		t.Fatalf("samples: %v (%d directories)", err, len(dirs))
	}
	full := options(t).Rules
	half := engine.NewRuleSet(full.Rules[:len(full.Rules)/2])
	for dir, files := range dirs {
		var inputs []Input
		for _, f := range files {
			inputs = append(inputs, Input{Name: f, Open: func() (io.ReadCloser, error) { return os.Open(f) }})
		}
		fresh := func(rs *engine.RuleSet) []byte {
			opt := options(t)
			opt.Rules = rs
			return reportJSON(t, Run(context.Background(), inputs, opt))
		}
		opt := options(t)
		in := Read(context.Background(), inputs, opt)
		c := in.Prepare(context.Background(), opt)
		in.Close()
		for i, rs := range []*engine.RuleSet{full, half, full} {
			if got, want := reportJSON(t, c.Evaluate(rs, nil).Report), fresh(rs); !bytes.Equal(got, want) {
				t.Errorf("%s: evaluation %d differs from a fresh analysis", dir, i+1)
			}
		}
	}
}

func reportJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A prepared case never reads its inputs again.
func TestEvaluateReadsNothing(t *testing.T) {
	in, opens := countedCapture(t)
	read := Read(context.Background(), []Input{in}, options(t))
	c := read.Prepare(context.Background(), options(t))
	read.Close()
	for i := 0; i < 3; i++ {
		rep := c.Evaluate(options(t).Rules, nil).Report
		if len(rep.Captures) != 1 || rep.Captures[0].TCPPackets != 89 {
			t.Fatalf("evaluation %d: %+v\n%s", i, rep.Captures, messages(rep))
		}
	}
	if *opens != 1 {
		t.Errorf("opened %d times, want 1 (the sniffing stream, read once)", *opens)
	}
}
