package redact

import (
	"bytes"
	"math/rand"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/report"
)

// one maps a single address through Text and parses the result.
func one(t *testing.T, r *Redactor, a string) netip.Addr {
	t.Helper()
	out := r.Text(a)
	m, err := netip.ParseAddr(out)
	if err != nil {
		t.Fatalf("%q became %q, not an address: %v", a, out, err)
	}
	return m
}

func commonBits(a, b netip.Addr) int {
	x, y := a.AsSlice(), b.AsSlice()
	for i := 0; i < len(x)*8; i++ {
		if (x[i/8]^y[i/8])&(0x80>>(i%8)) != 0 {
			return i
		}
	}
	return len(x) * 8
}

func TestConsistentAndKeyed(t *testing.T) {
	in := "10.20.0.3:48598 -> 10.20.0.6:32672, again 10.20.0.3 and 52:54:00:12:34:56"
	key := []byte("a test key of some length")
	a, b := New(key), New(key)
	x := a.Text(in)
	if x == in {
		t.Fatal("nothing replaced")
	}
	if y := a.Text(in); y != x {
		t.Errorf("same redactor, second call differs:\n%s\n%s", x, y)
	}
	if y := b.Text(in); y != x {
		t.Errorf("same key not reproducible:\n%s\n%s", x, y)
	}
	if y := New(nil).Text(in); y == x {
		t.Errorf("New(nil) gave the pseudonyms of a fixed key: %s", y)
	}
	if y, z := New(nil).Text(in), New(nil).Text(in); y == z {
		t.Errorf("two New(nil) gave the same pseudonyms: %s", y)
	}
	if y := New([]byte("another key")).Text(in); y == x {
		t.Errorf("a different key gave the same pseudonyms: %s", y)
	}
	// The same address gives the same token wherever it appears.
	f := strings.Fields(x)
	if strings.TrimSuffix(f[0], ":48598") != f[4] {
		t.Errorf("10.20.0.3 mapped two ways: %q vs %q", f[0], f[4])
	}
	if strings.Contains(x, "10.20.0.3") || strings.Contains(x, "10.20.0.6") || strings.Contains(x, "52:54:00:12:34:56") {
		t.Errorf("original left: %s", x)
	}
}

func TestSubnetPreserved(t *testing.T) {
	r := New(nil)
	a, b, c := one(t, r, "10.20.0.3"), one(t, r, "10.20.0.6"), one(t, r, "192.168.1.1")
	if netip.PrefixFrom(a, 24).Masked() != netip.PrefixFrom(b, 24).Masked() {
		t.Errorf("10.20.0.3 → %s and 10.20.0.6 → %s are no longer in one /24", a, b)
	}
	if a == b || b == c || a == c {
		t.Errorf("collision: %s %s %s", a, b, c)
	}
	if a == netip.MustParseAddr("10.20.0.3") {
		t.Errorf("10.20.0.3 unchanged")
	}
	// private ranges stay private, and the exact shared prefix is kept
	if !netip.MustParsePrefix("10.0.0.0/8").Contains(a) || !netip.MustParsePrefix("192.168.0.0/16").Contains(c) {
		t.Errorf("private range lost: %s %s", a, c)
	}
	if got, want := commonBits(a, b), commonBits(netip.MustParseAddr("10.20.0.3"), netip.MustParseAddr("10.20.0.6")); got != want {
		t.Errorf("shared prefix %d bits, want %d", got, want)
	}

	// Random pairs, v4 and v6: the shared prefix length is exactly kept, and
	// no ordinary address lands in a range that is left alone.
	rng := rand.New(rand.NewSource(1))
	kept := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("224.0.0.0/3")}
	for n := 0; n < 300; n++ {
		var x, y [4]byte
		rng.Read(x[:])
		y = x
		k := rng.Intn(33)
		if k < 32 { // differ first at bit k, random after
			y[k/8] ^= 0x80 >> (k % 8)
			for i := k + 1; i < 32; i++ {
				if rng.Intn(2) == 1 {
					y[i/8] ^= 0x80 >> (i % 8)
				}
			}
		}
		ax, ay := netip.AddrFrom4(x), netip.AddrFrom4(y)
		skip := false
		for _, p := range kept {
			skip = skip || p.Contains(ax) || p.Contains(ay)
		}
		if skip {
			continue
		}
		mx, my := one(t, r, ax.String()), one(t, r, ay.String())
		if got, want := commonBits(mx, my), commonBits(ax, ay); got != want {
			t.Fatalf("%s,%s share %d bits; mapped %s,%s share %d", ax, ay, want, mx, my, got)
		}
		for _, p := range kept {
			if p.Contains(mx) {
				t.Fatalf("%s mapped into the kept range %s: %s", ax, p, mx)
			}
		}
	}
	v6a, v6b := one(t, r, "2001:470:1:2::10"), one(t, r, "2001:470:1:2::20")
	if !v6a.Is6() || netip.PrefixFrom(v6a, 64).Masked() != netip.PrefixFrom(v6b, 64).Masked() || v6a == v6b {
		t.Errorf("IPv6 /64 not preserved: %s %s", v6a, v6b)
	}
	if ll := one(t, r, "fe80::5054:ff:fe12:3456"); !netip.MustParsePrefix("fe80::/64").Contains(ll) || ll.String() == "fe80::5054:ff:fe12:3456" {
		t.Errorf("link-local: %s", ll)
	}
}

func TestFormsPortsAndKeptValues(t *testing.T) {
	r := New(nil)
	m3, m6 := r.Text("10.20.0.3"), r.Text("10.20.0.6")
	v6 := r.Text("2001:470::1")
	cases := []struct{ in, want string }{
		{"10.20.0.3:48598", m3 + ":48598"},
		{"SRC=10.20.0.3 DST=10.20.0.6 SPT=48598", "SRC=" + m3 + " DST=" + m6 + " SPT=48598"},
		{"OUTPUT_LOG_10.20.0.6IN= OUT=lo", "OUTPUT_LOG_" + m6 + "IN= OUT=lo"},
		{"::ffff:10.20.0.6:32672", "::ffff:" + m6 + ":32672"},
		{"[::ffff:10.20.0.3]:48598", "[::ffff:" + m3 + "]:48598"},
		{"[2001:470::1]:443", "[" + v6 + "]:443"},
		{"IP 10.20.0.3.48598 > 10.20.0.6.ssh:", "IP " + m3 + ".48598 > " + m6 + ".ssh:"},
		{"inet addr:10.20.0.3  Mask:255.255.255.0", "inet addr:" + m3 + "  Mask:255.255.255.0"},
		{"reached 10.20.0.3.", "reached " + m3 + "."},
		{"-s 10.20.0.3/32 -j X", "-s " + m3 + "/32 -j X"},
		// kept as they are
		{"0.0.0.0:22 127.0.0.1:8978 255.255.255.255 224.0.0.18 255.255.254.0", "0.0.0.0:22 127.0.0.1:8978 255.255.255.255 224.0.0.18 255.255.254.0"},
		{":::22 [::]:80 ::1 ff02::12", ":::22 [::]:80 ::1 ff02::12"},
		// versions and times, not addresses
		{"nettriage 1.2.1", "nettriage 1.2.1"},
		{"Linux 3.10.0-693.el7.x86_64 #1 SMP", "Linux 3.10.0-693.el7.x86_64 #1 SMP"},
		{"v1.2.3.4 keepalived-2.0.20.1 10.20.0.300 1.3.6.1.2.1.4.20", "v1.2.3.4 keepalived-2.0.20.1 10.20.0.300 1.3.6.1.2.1.4.20"},
		{"Nov 20 22:36:38 12:30:45.123456 0x8000/0x8000", "Nov 20 22:36:38 12:30:45.123456 0x8000/0x8000"},
	}
	for _, c := range cases {
		if got := r.Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	// Documented decision: a bare dotted quad with four numbers is an
	// address, even if it was meant as a version.
	if got := r.Text("4.18.0.80"); got == "4.18.0.80" {
		t.Errorf("bare 4.18.0.80 kept; the package documents it as an address")
	}
	// A network in CIDR form keeps zero host bits and matches its members.
	net := r.Text("10.20.0.0/24")
	if want := netip.PrefixFrom(netip.MustParseAddr(m3), 24).Masked().String(); net != want {
		t.Errorf("10.20.0.0/24 → %s, want %s (the /24 of 10.20.0.3's pseudonym)", net, want)
	}
}

func TestMACs(t *testing.T) {
	r := New(nil)
	got := r.Text("link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff")
	mac := regexp.MustCompile(`^link/ether 02(:[0-9a-f]{2}){5} brd ff:ff:ff:ff:ff:ff$`)
	if !mac.MatchString(got) || strings.Contains(got, "52:54:00:12:34:56") {
		t.Fatalf("MAC: %q", got)
	}
	m := strings.Fields(got)[1]
	if up := r.Text("52:54:00:12:34:56"); up != m {
		t.Errorf("not consistent: %s vs %s", up, m)
	}
	if up := r.Text("52:54:00:12:34:AB"); up != strings.ToUpper(up) || !strings.HasPrefix(up, "02:") {
		t.Errorf("upper-case MAC not kept upper-case with 02 prefix: %s", up)
	}
	if got := r.Text("01:00:5e:00:00:12 00:00:00:00:00:00"); got != "01:00:5e:00:00:12 00:00:00:00:00:00" {
		t.Errorf("multicast/zero MAC changed: %s", got)
	}
	log := r.Text("IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=")
	want := "IN=eth0 OUT= MAC=" + m + ":" + r.Text("52:54:00:ab:cd:ef") + ":08:00 SRC="
	if log != want {
		t.Errorf("LOG MAC field:\n got %s\nwant %s", log, want)
	}
}

func TestNames(t *testing.T) {
	r := New(nil)
	r.AddHost("node-1")
	r.AddHost("node-2.corp.example.org")
	r.AddHost("localhost")
	r.AddHost("default")
	r.AddUser("alice")
	r.AddUser("root")
	h1, h2, u1 := r.Text("node-1"), r.Text("node-2"), r.Text("alice")
	d1 := r.Text("corp.example.org")
	for _, p := range []string{h1, h2, u1, d1} {
		if !regexp.MustCompile(`^(host|user)-[0-9a-f]{6}$|^domain-[0-9a-f]{6}\.example$`).MatchString(p) {
			t.Fatalf("pseudonym %q", p)
		}
	}
	d2 := ""
	cases := []struct{ in, want string }{
		{"[root@node-1 ~]# ssh alice@node-2", "[root@" + h1 + " ~]# ssh " + u1 + "@" + h2},
		{"node-2.corp.example.org and corp.example.org", h2 + "." + d1 + " and " + d1},
		{"node-1-session.txt#2 /home/alice/x", h1 + "-session.txt#2 /home/" + u1 + "/x"},
		{"node-10 xnode-1 node-1x alice2 localhost default", "node-10 xnode-1 node-1x alice2 localhost default"},
		{"NODE-1 Node-1 node-1.log ALICE", h1 + " " + h1 + " " + h1 + ".log " + u1},
	}
	for _, c := range cases {
		if got := r.Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	// An FQDN form of a known host teaches its domain.
	got := r.Text("Nov 20 22:36:36 node-1.domain.tld kernel:")
	d2 = r.Text("domain.tld")
	if d2 == "domain.tld" || got != "Nov 20 22:36:36 "+h1+"."+d2+" kernel:" {
		t.Errorf("FQDN: %q (domain %q)", got, d2)
	}
	// Registering again, or the FQDN of a known host, keeps the pseudonym.
	r.AddHost("node-1.domain.tld")
	r.AddHost("NODE-2")
	if got := r.Text("node-1 node-2"); got != h1+" "+h2 {
		t.Errorf("re-registration changed pseudonyms: %s", got)
	}
	// Name pseudonyms are keyed: stable under one key, not across keys.
	key := []byte("0123456789abcdef")
	a, b, c := New(key), New(key), New(nil)
	for _, x := range []*Redactor{a, b, c} {
		x.AddHost("zzz-9")
		x.AddHost("node-1")
	}
	if a.Text("node-1") != b.Text("node-1") || a.Text("node-1") == c.Text("node-1") {
		t.Errorf("host pseudonyms not keyed: %s %s %s", a.Text("node-1"), b.Text("node-1"), c.Text("node-1"))
	}
}

// ipv4 finds dotted quads for the leak check; the pattern is independent of
// the package's own scanner.
var ipv4 = regexp.MustCompile(`(?:^|[^0-9.])((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})(?:[^0-9]|$)`)

func TestReportOfRealSampleLeaksNothing(t *testing.T) {
	const path = "../../samples/vip-nodeport-local-race/positive/node-1-session.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A broken rule file elsewhere must not hide a leak here: the rule set
	// still holds the rules that loaded, and the check below needs only
	// vip-nodeport-local-race.
	rs, errs := engine.Builtin()
	for _, e := range errs {
		t.Logf("built-in rule not loaded: %v", e)
	}
	arts, aerrs := artifact.Expand([]artifact.Input{{Name: "node-1-session.txt", Data: data}}, artifact.DefaultLimits())
	rep := engine.Analyze(arts, aerrs, engine.Options{Rules: rs, Version: "1.2.1"})
	found := false
	for _, f := range rep.Findings {
		found = found || f.Rule == "vip-nodeport-local-race" && len(f.Evidence) > 0
	}
	if !found {
		t.Fatal("the sample did not produce vip-nodeport-local-race with evidence; the leak check would prove little")
	}
	var orig bytes.Buffer
	if err := report.JSON(&orig, rep); err != nil {
		t.Fatal(err)
	}
	before := orig.String()

	key := []byte("fixed key for this test only")
	red := New(key).Report(rep)

	// The input report is not modified.
	var again bytes.Buffer
	report.JSON(&again, rep)
	if again.String() != before {
		t.Fatal("Report modified its input")
	}

	// The addresses to hide, taken from the original rendering and the raw
	// paste; addresses the package keeps on purpose are left out.
	secret := map[string]bool{}
	for _, src := range []string{before, string(data)} {
		for _, m := range ipv4.FindAllStringSubmatch(src, -1) {
			a := netip.MustParseAddr(m[1])
			if a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() || a.As4()[0] >= 224 {
				continue
			}
			secret[m[1]] = true
		}
	}
	for _, must := range []string{"10.20.0.3", "10.20.0.6", "10.233.65.134"} {
		if !secret[must] {
			t.Fatalf("leak check does not cover %s (found %v)", must, secret)
		}
	}

	// The whole paste, redacted with the same redactor, leaks nothing
	// either, and keeps its ports and the kept addresses.
	paste := New(key)
	paste.AddHost("node-1")
	pasted := paste.Text(string(data))
	for _, m := range ipv4.FindAllStringSubmatch(pasted, -1) {
		if secret[m[1]] {
			t.Errorf("redacted paste still holds %s", m[1])
		}
	}
	for _, keep := range []string{":5672", "127.0.0.1:8978", "/32 dev br-roller", "users:((\"celery\",pid=29085,fd=3))"} {
		if !strings.Contains(pasted, keep) {
			t.Errorf("redacted paste lost %q", keep)
		}
	}

	var js, txt, md bytes.Buffer
	if err := report.JSON(&js, red); err != nil {
		t.Fatal(err)
	}
	if err := report.Text(&txt, red, report.TextOptions{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	if err := report.Markdown(&md, red); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"json": js.String(), "text": txt.String(), "markdown": md.String()} {
		for _, m := range ipv4.FindAllStringSubmatch(out, -1) {
			if secret[m[1]] {
				t.Errorf("%s rendering still holds %s", name, m[1])
			}
		}
		for _, name2 := range []string{"node-1", "domain.tld"} {
			if strings.Contains(out, name2) {
				t.Errorf("%s rendering still holds %q", name, name2)
			}
		}
		if !strings.Contains(out, "host-") {
			t.Errorf("%s rendering lacks the host pseudonym", name)
		}
	}

	// Same shape, still useful: ports, rule ids, version, counts.
	if len(red.Findings) != len(rep.Findings) || len(red.Artifacts) != len(rep.Artifacts) {
		t.Fatalf("shape changed: %d/%d findings, %d/%d artifacts", len(red.Findings), len(rep.Findings), len(red.Artifacts), len(rep.Artifacts))
	}
	hr := New(key)
	hr.AddHost("node-1")
	h1 := hr.Text("node-1")
	if red.Tool != rep.Tool || red.Hosts[0] != h1 {
		t.Errorf("tool %+v hosts %v", red.Tool, red.Hosts)
	}
	for i, f := range red.Findings {
		if f.Rule != rep.Findings[i].Rule || len(f.Evidence) != len(rep.Findings[i].Evidence) || f.Host != h1 {
			t.Errorf("finding %d: %s host %s, %d evidence", i, f.Rule, f.Host, len(f.Evidence))
		}
	}
	for _, port := range []string{":48598", ":32672", "--dport 32672"} {
		if !strings.Contains(js.String(), port) {
			t.Errorf("port %q lost", port)
		}
	}
	// The mapped client and VIP stay in one /24, as 10.20.0.3 and 10.20.0.6 were.
	r2 := New(key)
	c, v := one(t, r2, "10.20.0.3"), one(t, r2, "10.20.0.6")
	if !strings.Contains(js.String(), c.String()+":48598") || !strings.Contains(js.String(), v.String()+":32672") {
		t.Errorf("pseudonyms in the report differ from a fresh redactor's: %s %s", c, v)
	}
}
