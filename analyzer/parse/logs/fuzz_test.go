package logs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, pattern := range []string{filepath.Join(corpusDir, "*"), "testdata/*.*"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, 0)
			f.Add(data, 2018)
		}
	}
	f.Add([]byte("<4>1 - - - - - [a b=\"]\"] x"), 0)
	f.Add([]byte("Dec 31 23:59:59 h k: x\nJan  1 00:00:00 h k: y\n"), 2019)
	f.Fuzz(func(t *testing.T, data []byte, year int) {
		opt := Options{Year: year % 10000, Boot: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
		log, warns := Parse("fuzz", data, opt)
		if log == nil {
			t.Fatal("nil log")
		}
		if len(warns) > maxWarnings+2 {
			t.Errorf("%d warnings", len(warns))
		}
		if log.LastTime.Before(log.FirstTime) {
			t.Errorf("last %v before first %v", log.LastTime, log.FirstTime)
		}
		for _, e := range log.Events {
			if e.Kind == "" || e.Fields == nil {
				t.Errorf("event without kind or fields: %+v", e)
			}
			if e.Src.Line < 1 || e.Src.EndLine < e.Src.Line || e.Src.Line > log.Lines {
				t.Errorf("bad ref %+v (lines %d)", e.Src, log.Lines)
			}
			if e.HasYear && !e.HasTime {
				t.Errorf("HasYear without HasTime: %+v", e)
			}
		}
	})
}
