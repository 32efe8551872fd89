package counterdict

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/parse/counters"
)

const corpus = "../../testdata/corpus/proc-net-stats/"

func TestLookupForms(t *testing.T) {
	for _, name := range []string{
		"TcpExt.PAWSPassive", "TcpExtPAWSPassive", "PAWSPassive",
		"tcpext.pawspassive", "TCPEXTPAWSPASSIVE", "pawspassive", "  TcpExt.PAWSPassive \n",
	} {
		e, ok := Lookup(name)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", name)
			continue
		}
		if e.Name != "TcpExt.PAWSPassive" || e.Group != "TcpExt" || e.Counter != "PAWSPassive" {
			t.Errorf("Lookup(%q) = %s (%s/%s)", name, e.Name, e.Group, e.Counter)
		}
		if e.MIB != "LINUX_MIB_PAWSPASSIVEREJECTED" {
			t.Errorf("Lookup(%q).MIB = %s", name, e.MIB)
		}
	}
	// The nstat form splits at the right group: IpExt, not Ip + "ExtInOctets".
	if e, ok := Lookup("IpExtInOctets"); !ok || e.Name != "IpExt.InOctets" {
		t.Errorf("IpExtInOctets -> %v %v", e, ok)
	}
	if e, ok := Lookup("UdpLite6InDatagrams"); !ok || e.Name != "UdpLite6.InDatagrams" {
		t.Errorf("UdpLite6InDatagrams -> %v %v", e, ok)
	}
	// The two counters proc.c spells with "Tcp" inside TcpExt.
	if e, ok := Lookup("TcpExtTcpTimeoutRehash"); !ok || e.Name != "TcpExt.TcpTimeoutRehash" {
		t.Errorf("TcpExtTcpTimeoutRehash -> %v %v", e, ok)
	}
	if e, ok := Lookup("TcpTimeoutRehash"); !ok || e.Name != "TcpExt.TcpTimeoutRehash" {
		t.Errorf("bare TcpTimeoutRehash -> %v %v", e, ok)
	}
}

func TestLookupRejects(t *testing.T) {
	for _, name := range []string{
		"", "   ", "NoSuchCounter", "TcpExt.NoSuch", "Tcp.PAWSPassive", // wrong group
		"InCsumErrors", "InReceives", "InDatagrams", // bare names several groups share
		"IcmpMsg.InType256", "IcmpMsgInType", "IcmpMsg.InTypeX", "IcmpMsgInType03", "Icmp6.SideType1",
	} {
		if e, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s, want not found", name, e.Name)
		}
	}
}

func TestLookupICMPTypes(t *testing.T) {
	cases := map[string]string{
		"IcmpMsg.InType3":  "IcmpMsg.InType3",
		"IcmpMsgOutType8":  "IcmpMsg.OutType8",
		"icmpmsgintype0":   "IcmpMsg.InType0",
		"Icmp6InType135":   "Icmp6.InType135",
		"Icmp6.OutType255": "Icmp6.OutType255",
	}
	for in, want := range cases {
		e, ok := Lookup(in)
		if !ok || e.Name != want || e.Meaning == "" {
			t.Errorf("Lookup(%q) = %+v, %v; want %s", in, e, ok, want)
		}
	}
	e, ok := Lookup("IcmpMsg.InType3")
	if !ok {
		t.Fatal("IcmpMsg.InType3 missing")
	}
	if !strings.Contains(e.Meaning, "Destination Unreachable") || !strings.Contains(e.Meaning, "received") {
		t.Errorf("InType3 meaning: %s", e.Meaning)
	}
	if e, ok := Lookup("Icmp6.OutType135"); !ok || !strings.Contains(e.Meaning, "Neighbor Solicitation") || !strings.Contains(e.Meaning, "sent") {
		t.Errorf("Icmp6 OutType135 meaning: %s", e.Meaning)
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	e, ok := Lookup("TcpExt.ListenOverflows")
	if !ok || len(e.Sentences) == 0 {
		t.Fatalf("ListenOverflows missing or without sentences: %+v", e)
	}
	e.Meaning = "changed"
	e.Sentences[0] = "changed"
	again, _ := Lookup("TcpExt.ListenOverflows")
	if again.Meaning == "changed" || again.Sentences[0] == "changed" {
		t.Error("Lookup shares its entries with the caller")
	}
}

// The counters the brief names as gone from current kernels, and some that
// are still exported although their names suggest otherwise.
func TestRemovedFlags(t *testing.T) {
	removed := []string{
		"TcpExt.PAWSPassive", "TcpExt.TCPPrequeued", "TcpExt.TCPDirectCopyFromBacklog",
		"TcpExt.TCPDirectCopyFromPrequeue", "TcpExt.TCPPrequeueDropped", "TcpExt.TCPHPHitsToUser",
		"TcpExt.TCPFACKReorder", "TcpExt.TCPForwardRetrans", "TcpExt.TCPSchedulerFailed",
		"TcpExt.TCPAbortOnSyn", "TcpExt.TCPLoss", "TcpExt.SockMallocOOM",
	}
	for _, n := range removed {
		e, ok := Lookup(n)
		if !ok {
			t.Errorf("%s missing", n)
			continue
		}
		if !e.Removed || e.Kernels == "" {
			t.Errorf("%s: Removed=%v Kernels=%q", n, e.Removed, e.Kernels)
		}
	}
	// Still printed by current kernels (net/ipv4/proc.c snmp4_net_list).
	for _, n := range []string{"TcpExt.TWRecycled", "TcpExt.TCPSACKDiscard", "TcpExt.TCPHPHits", "TcpExt.ListenDrops"} {
		if e, ok := Lookup(n); !ok || e.Removed {
			t.Errorf("%s should exist and not be removed", n)
		}
	}
	got := 0
	for _, e := range All() {
		if e.Removed {
			got++
		}
	}
	if got != len(removed) {
		t.Errorf("%d entries flagged removed, want %d", got, len(removed))
	}
}

func TestEntriesWellFormed(t *testing.T) {
	all := All()
	if len(all) < 300 {
		t.Fatalf("only %d entries", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Name < all[j].Name }) {
		t.Error("All() is not sorted by Name")
	}
	joint := map[string]string{}
	for _, e := range all {
		if e.Name != e.Group+"."+e.Counter {
			t.Errorf("%s: Name does not match Group %q and Counter %q", e.Name, e.Group, e.Counter)
		}
		if strings.TrimSpace(e.Meaning) == "" {
			t.Errorf("%s: empty Meaning", e.Name)
		}
		if strings.Contains(e.Meaning, "%!") || strings.Contains(e.Meaning, "%s") {
			t.Errorf("%s: unformatted Meaning %q", e.Name, e.Meaning)
		}
		if strings.Contains(e.Meaning, "\n") {
			t.Errorf("%s: Meaning is more than one line", e.Name)
		}
		if e.MIB == "" {
			t.Errorf("%s: empty MIB", e.Name)
		}
		if e.DocRef != "" && !strings.HasPrefix(e.DocRef, DocBase+"#") {
			t.Errorf("%s: DocRef %q", e.Name, e.DocRef)
		}
		// The nstat form must name exactly one entry.
		k := strings.ToLower(e.Group + e.Counter)
		if other, dup := joint[k]; dup {
			t.Errorf("nstat name %s is both %s and %s", k, other, e.Name)
		}
		joint[k] = e.Name
		if got, ok := Lookup(e.Group + e.Counter); !ok || got.Name != e.Name {
			t.Errorf("nstat form of %s does not find it", e.Name)
		}
	}
}

func TestDocRefs(t *testing.T) {
	cases := map[string]string{
		"TcpExt.PAWSEstab":       "#tcp-paws",
		"TcpExt.ListenOverflows": "#general-tcp-counters",
		"TcpExt.TCPLossProbes":   "#tail-loss-probe-tlp",
		"Icmp.InEchos":           "#icmp-counters",
		"Ip.InReceives":          "#general-ipv4-counters",
		"TcpExt.PAWSPassive":     "",
		"TcpExt.TW":              "",
	}
	for n, anchor := range cases {
		e, ok := Lookup(n)
		if !ok {
			t.Errorf("%s missing", n)
			continue
		}
		want := ""
		if anchor != "" {
			want = DocBase + anchor
		}
		if e.DocRef != want {
			t.Errorf("%s DocRef = %q, want %q", n, e.DocRef, want)
		}
	}
}

// Every sentence of the netstat -s parser names a counter the dictionary
// knows, and each one is attached to that counter.
func TestNetstatSentencesCovered(t *testing.T) {
	var missing []string
	for _, s := range counters.NetstatSentences {
		e, ok := Lookup(s.Group + "." + s.Counter)
		if !ok {
			missing = append(missing, s.Group+"."+s.Counter+" ("+s.Template+")")
			continue
		}
		found := false
		for _, tpl := range e.Sentences {
			found = found || tpl == s.Template
		}
		if !found {
			t.Errorf("%s: sentence %q not attached", e.Name, s.Template)
		}
	}
	if len(missing) > 0 {
		t.Errorf("netstat -s sentences naming counters the dictionary lacks:\n  %s", strings.Join(missing, "\n  "))
	}
	if e, ok := Lookup("TcpExt.ListenDrops"); !ok || len(e.Sentences) != 2 {
		t.Errorf("ListenDrops (%v) should have the upstream and RHEL wordings: %+v", ok, e)
	}
	if e, ok := Lookup("TcpExt.TCPLossProbes"); !ok || len(e.Sentences) != 0 {
		t.Errorf("TCPLossProbes (%v) has no net-tools sentence, got %+v", ok, e)
	}
}

// Every counter in the real captures of the corpus is in the dictionary.
func TestCorpusCountersKnown(t *testing.T) {
	files, err := filepath.Glob(corpus + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files under %s (%v)", corpus, err)
	}
	missing := map[string][]string{}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set, _ := counters.Parse(filepath.Base(f), data)
		for _, snap := range set.Snapshots {
			for name := range snap.Values {
				seen++
				if _, ok := Lookup(name); !ok {
					missing[name] = append(missing[name], filepath.Base(f))
				}
			}
		}
	}
	if seen < 500 {
		t.Errorf("only %d counter readings parsed from the corpus", seen)
	}
	if len(missing) > 0 {
		var lines []string
		for n, fs := range missing {
			lines = append(lines, n+" in "+strings.Join(fs, ", "))
		}
		sort.Strings(lines)
		t.Errorf("%d counters missing from the dictionary:\n  %s", len(missing), strings.Join(lines, "\n  "))
	}
}

// The parser's own fixtures include snmp6 and nstat forms. MPTCP's
// counters (MPTcpExt) are outside the dictionary.
func TestParserFixturesKnown(t *testing.T) {
	files, _ := filepath.Glob("../parse/counters/testdata/*")
	if len(files) == 0 {
		t.Fatal("no parser fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		set, _ := counters.Parse(filepath.Base(f), data)
		for _, snap := range set.Snapshots {
			for name := range snap.Values {
				if strings.HasPrefix(name, "MPTcpExt.") {
					continue
				}
				if _, ok := Lookup(name); !ok {
					t.Errorf("%s: %s not in the dictionary", filepath.Base(f), name)
				}
			}
		}
	}
}
