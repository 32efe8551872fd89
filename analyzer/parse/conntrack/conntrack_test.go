package conntrack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

const corpus = "../../../testdata/corpus/conntrack/"

func parseFile(t *testing.T, path string) (*Result, int) {
	t.Helper()
	r, warns := parsetest.Parse(t, path, Parse)
	return r, len(warns)
}

func wantTotal(t *testing.T, r *Result, field string, want uint64) {
	t.Helper()
	got, ok := r.Total(field)
	if !ok || got != want {
		t.Errorf("Total(%s) = %d, %v; want %d", field, got, ok, want)
	}
}

func TestCorpusJDS(t *testing.T) {
	r, nwarn := parseFile(t, corpus+"jds2001-ocp-sosreport__proc_net_stat_nf_conntrack")
	if nwarn != 0 || len(r.Stats) != 2 || len(r.Entries) != 0 {
		t.Fatalf("warns %d, stats %d, entries %d", nwarn, len(r.Stats), len(r.Entries))
	}
	wantTotal(t, r, "entries", 858) // 0x35a on both rows, not summed
	if r.Stats[0].Fields["invalid"] != 4 || r.Stats[1].Fields["invalid"] != 3 {
		t.Errorf("invalid per CPU = %d, %d", r.Stats[0].Fields["invalid"], r.Stats[1].Fields["invalid"])
	}
	wantTotal(t, r, "invalid", 7)
	wantTotal(t, r, "ignore", 0x13a2b+0x1430b)
	wantTotal(t, r, "search_restart", 0x18e+0x1c8)
	if r.Stats[1].CPU != 1 || r.Stats[1].Src.Line != 3 || len(r.Stats[1].Fields) != 17 {
		t.Errorf("row 2 = %+v", r.Stats[1])
	}
}

func TestCorpusNodeExporter(t *testing.T) {
	r, nwarn := parseFile(t, corpus+"node_exporter__proc_net_stat_nf_conntrack")
	if nwarn != 0 || len(r.Stats) != 4 {
		t.Fatalf("warns %d, stats %d", nwarn, len(r.Stats))
	}
	if r.Stats[3].CPU != 3 || r.Stats[3].Fields["invalid"] != 0x2f {
		t.Errorf("cpu3 = %+v", r.Stats[3])
	}
	wantTotal(t, r, "entries", 33)
	wantTotal(t, r, "invalid", 3+2+1+0x2f)
	wantTotal(t, r, "search_restart", 7)
}

func TestConntrackS(t *testing.T) {
	r, nwarn := parseFile(t, "testdata/conntrack_S_1.4.6.txt")
	if nwarn != 0 || len(r.Stats) != 2 {
		t.Fatalf("warns %d, stats %d", nwarn, len(r.Stats))
	}
	wantTotal(t, r, "invalid", 50)
	wantTotal(t, r, "insert_failed", 12)
	wantTotal(t, r, "clash_resolve", 2)
	if _, ok := r.Total("searched"); ok {
		t.Error("newer conntrack -S has no searched field")
	}
	r, _ = parseFile(t, "testdata/conntrack_S_rhel7.txt")
	wantTotal(t, r, "searched", 88213+90122)
	wantTotal(t, r, "drop", 14)
	if r.Stats[1].CPU != 1 {
		t.Errorf("cpu = %d", r.Stats[1].CPU)
	}
	r, _ = parseFile(t, "testdata/conntrack_S_old.txt")
	if len(r.Stats) != 1 || r.Stats[0].CPU != -1 || r.Stats[0].Src.EndLine != 17 {
		t.Fatalf("old summed stats = %+v", r.Stats)
	}
	wantTotal(t, r, "entries", 858)
	wantTotal(t, r, "invalid", 7)
}

func TestProcStatNewKernel(t *testing.T) {
	r, nwarn := parseFile(t, "testdata/proc_stat_5.15.txt")
	if nwarn != 0 {
		t.Fatal(nwarn)
	}
	wantTotal(t, r, "entries", 1000)
	wantTotal(t, r, "clashres", 1)
	wantTotal(t, r, "drop", 5)
	wantTotal(t, r, "invalid", 0x30)
}

func TestProcEntries(t *testing.T) {
	r, nwarn := parseFile(t, "testdata/proc_nf_conntrack.txt")
	if nwarn != 0 || len(r.Entries) != 5 {
		t.Fatalf("warns %d, entries %d", nwarn, len(r.Entries))
	}
	e := r.Entries[0]
	if e.Family != "ipv4" || e.Proto != "tcp" || e.Timeout != 431999 || e.State != "ESTABLISHED" {
		t.Errorf("entry 0 = %+v", e)
	}
	if e.Orig != (Tuple{"10.244.1.250", "192.168.128.5", 51234, 5432}) || e.Reply != (Tuple{"10.244.3.27", "10.244.1.1", 5432, 51234}) {
		t.Errorf("tuples %+v %+v", e.Orig, e.Reply)
	}
	if !e.DNATed() || !e.SNATed() || !e.HasFlag("ASSURED") || e.Mark != "0" || e.Extra["use"] != "2" || e.Extra["zone"] != "0" {
		t.Errorf("entry 0 flags/extra %+v", e)
	}
	syn := r.Entries[1]
	if syn.State != "SYN_SENT" || !syn.HasFlag("UNREPLIED") || !syn.DNATed() || syn.SNATed() {
		t.Errorf("entry 1 = %+v", syn)
	}
	udp := r.Entries[2]
	if udp.Proto != "udp" || udp.State != "" || udp.Timeout != 28 || !udp.DNATed() || udp.Reply.Src != "10.244.2.5" {
		t.Errorf("udp = %+v", udp)
	}
	icmp := r.Entries[3]
	if icmp.DNATed() || icmp.SNATed() || icmp.Extra["type"] != "8" || icmp.Extra["reply.type"] != "0" || icmp.Extra["reply.id"] != "4242" {
		t.Errorf("icmp = %+v", icmp)
	}
	v6 := r.Entries[4]
	if v6.Family != "ipv6" || v6.State != "TIME_WAIT" || v6.Orig.Src != "fd00::1" || v6.DNATed() {
		t.Errorf("v6 = %+v", v6)
	}
}

func TestConntrackL(t *testing.T) {
	r, nwarn := parseFile(t, "testdata/conntrack_L.txt")
	if nwarn != 0 || len(r.Entries) != 2 {
		t.Fatalf("warns %d, entries %d", nwarn, len(r.Entries))
	}
	e := r.Entries[0]
	if e.Family != "" || e.Timeout != 86395 || e.Extra["packets"] != "6" || e.Extra["reply.bytes"] != "2960" ||
		e.Extra["secctx"] != "system_u:object_r:unlabeled_t:s0" || !e.SNATed() || e.DNATed() {
		t.Errorf("entry = %+v", e)
	}
	if !r.Entries[1].HasFlag("UNREPLIED") || r.Entries[1].Reply.SPort != 53 {
		t.Errorf("udp = %+v", r.Entries[1])
	}
	if r.Count == nil || r.Count.Value != 2 || r.Count.Src.Line != 3 {
		t.Errorf("count = %+v", r.Count)
	}
}

func TestCount(t *testing.T) {
	r, nwarn := parseFile(t, "testdata/conntrack_C.txt")
	if nwarn != 0 || r.Count == nil || r.Count.Value != 858 {
		t.Errorf("count = %+v, warns %d", r.Count, nwarn)
	}
}

func TestMalformed(t *testing.T) {
	in := "entries  searched found\n0000035a 00000001\nzzzz not conntrack\ncpu=0 found=x invalid=2\ntcp 6 abc ESTABLISHED src=1.1.1.1\n"
	r, warns := Parse("bad", []byte(in))
	if len(warns) != 4 {
		t.Errorf("warnings = %v", warns)
	}
	if len(r.Stats) != 2 || r.Stats[0].Fields["searched"] != 1 || r.Stats[1].Fields["invalid"] != 2 {
		t.Errorf("partial stats = %+v %+v", r.Stats[0], r.Stats[1])
	}
	for _, w := range warns {
		if w.Line < 1 || strings.TrimSpace(w.Message) == "" {
			t.Errorf("bad warning %+v", w)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{corpus, "testdata/"} {
		files, _ := filepath.Glob(dir + "*")
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _ := Parse("fuzz", data)
		for _, s := range r.Stats {
			if s.Src.Line < 1 || s.Src.EndLine < s.Src.Line || s.Fields == nil {
				t.Fatalf("bad stats %+v", s)
			}
		}
		for _, e := range r.Entries {
			if e.Src.Line < 1 || e.Src.EndLine < e.Src.Line || e.Proto == "" {
				t.Fatalf("bad entry %+v", e)
			}
		}
		r.Total("entries")
		r.Total("invalid")
	})
}
