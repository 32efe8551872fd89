package source

import (
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	ls := Lines([]byte("a\r\nb\n\nc"))
	if len(ls) != 4 || ls[0].Text != "a" || ls[1].No != 2 || ls[2].Text != "" || ls[3].Text != "c" {
		t.Fatalf("got %+v", ls)
	}
	long := strings.Repeat("x", MaxLineLen+10)
	ls = Lines([]byte(long + "\nz\n"))
	if len(ls) != 2 || !ls[0].Cut || len(ls[0].Text) != MaxLineLen || ls[1].Text != "z" {
		t.Fatalf("long line not cut: %d lines, cut=%v", len(ls), ls[0].Cut)
	}
}

func TestRefString(t *testing.T) {
	if got := (Ref{Artifact: "a", Line: 3, EndLine: 5}).String(); got != "a:3-5" {
		t.Fatal(got)
	}
	if got := At("b", 7, "x").String(); got != "b:7" {
		t.Fatal(got)
	}
}

func TestParseScaledCount(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "6351": 6351, "6351K": 6351000, "563M": 563e6, "2G": 2e9, "1T": 1e12} {
		if got, ok := ParseScaledCount(in); !ok || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "K", "12k", "-1", "99999999999T"} {
		if _, ok := ParseScaledCount(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCutWarnings(t *testing.T) {
	long := strings.Repeat("x", MaxLineLen+10)
	ws := CutWarnings(Lines([]byte("a\n" + long + "\nb\n" + long)))
	if len(ws) != 2 || ws[0].Line != 2 || ws[1].Line != 4 || !strings.Contains(ws[0].Message, "truncated") {
		t.Errorf("warnings %+v, want lines 2 and 4", ws)
	}
}
