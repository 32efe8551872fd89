package redact

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

var testKey = []byte("forms test key, not secret")

func TestKeys(t *testing.T) {
	if k := NewKey(); len(k) != 32 || bytes.Equal(k, NewKey()) {
		t.Fatalf("NewKey: %x", k)
	}
	raw := []byte("0123456789abcdef0123456789abcdef")
	for in, want := range map[string][]byte{
		hex.EncodeToString(raw) + "\n":                                     raw,
		"  MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n":                 raw,
		"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY":                      raw,
		"a passphrase, long enough\n":                                      []byte("a passphrase, long enough"),
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff": []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff"),
	} {
		got, err := ParseKey([]byte(in))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ParseKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "   \n", "short", "0123456789abcde", "00112233445566778899aabbccddee"} {
		if _, err := ParseKey([]byte(in)); err == nil || !strings.Contains(err.Error(), "16") {
			t.Errorf("ParseKey(%q): %v, want an error naming the 16-byte minimum", in, err)
		}
	}
}

func TestTableAndMap(t *testing.T) {
	r := New(testKey)
	out := r.Text("[alice@web-1 ~]# ping 10.1.2.3 from 127.0.0.1 via 52:54:00:12:34:56 and 2001:470::1")
	tab := r.Table()
	kinds := map[string]Mapping{}
	for i, m := range tab {
		kinds[m.Kind] = m
		if i > 0 && (tab[i-1].Kind > m.Kind || tab[i-1].Kind == m.Kind && tab[i-1].Original >= m.Original) {
			t.Errorf("not sorted at %d: %v %v", i, tab[i-1], m)
		}
		if m.Original == "127.0.0.1" {
			t.Errorf("kept address in the table: %v", m)
		}
		if !strings.Contains(out, m.Pseudonym) {
			t.Errorf("table pseudonym %q not in output %q", m.Pseudonym, out)
		}
	}
	for k, orig := range map[string]string{"ipv4": "10.1.2.3", "ipv6": "2001:470::1", "mac": "52:54:00:12:34:56", "host": "web-1", "user": "alice"} {
		if kinds[k].Original != orig {
			t.Errorf("table lacks %s %s: %v", k, orig, tab)
		}
	}
	var b bytes.Buffer
	if err := WriteMap(&b, tab); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if lines[0] != "kind,original,pseudonym" || len(lines) != len(tab)+1 || !strings.Contains(b.String(), "host,web-1,"+r.Text("web-1")) {
		t.Errorf("map:\n%s", b.String())
	}
}

func TestUserForms(t *testing.T) {
	r := New(testKey)
	in := strings.Join([]string{
		"[alice@web-1 ~]# ps aux",
		"bob@db-2:~$ lsof -i",
		"USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
		"carol     4242  0.0  0.1  12345  6789 pts/0    Ss   10:00   0:00 -bash",
		"nginx     1234  0.0  0.1  12345  6789 ?        S    10:00   0:00 nginx: worker process",
		"systemd+   777  0.0  0.1  12345  6789 ?        Ss   10:00   0:00 /lib/systemd/systemd-resolved",
		"COMMAND   PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME",
		"python3  5151     dave    3u  IPv4  12345      0t0  TCP *:8080 (LISTEN)",
		"haproxy  6161  haproxy    5u  IPv4  12346      0t0  TCP *:443 (LISTEN)",
		"UID        PID  PPID  C STIME TTY          TIME CMD",
		"erin      7000     1  0 10:00 ?        00:00:00 /usr/bin/sleep 100",
		`tcp ESTAB 0 0 10.1.2.3:22 10.1.2.4:5000 users:(("sshd",pid=99,fd=3)) uid:1000 ino:1234 sk:1`,
		"cat /home/frank/.bashrc",
	}, "\n")
	out := r.Text(in)
	for _, u := range []string{"alice", "bob", "carol", "dave", "erin", "frank", "web-1", "db-2"} {
		if strings.Contains(strings.ToLower(out), u) {
			t.Errorf("%s survived:\n%s", u, out)
		}
	}
	for _, keep := range []string{"nginx     1234", "nginx: worker process", "systemd+   777", "haproxy  6161  haproxy", `users:(("sshd",pid=99,fd=3)) uid:1000`, "python3  5151", "-bash", "/usr/bin/sleep"} {
		if !strings.Contains(out, keep) {
			t.Errorf("%q lost:\n%s", keep, out)
		}
	}
}

// le decodes /proc/net/tcp's 8-digit form.
func le(t *testing.T, h string) netip.Addr {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 4 {
		t.Fatalf("not hex: %q", h)
	}
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], binary.LittleEndian.Uint32(b))
	return netip.AddrFrom4(a)
}

func TestHexForms(t *testing.T) {
	r := New(testKey)
	m := func(a string) string { return r.Text(a) }
	p := func(a string) netip.Addr { return netip.MustParseAddr(m(a)) }

	// /proc/net/tcp: little-endian words; 127.0.0.1 and 0.0.0.0 are kept.
	row := "   1: 0300140A:0050 0600140A:BDE2 01 00000000:00000000 00:00000000 00000000  1000        0 20786 1 0000000000000000 20 4 30 10 -1"
	out := r.Text(row)
	f := strings.Fields(out)
	if le(t, f[1][:8]) != p("10.20.0.3") || le(t, f[2][:8]) != p("10.20.0.6") || f[1][8:] != ":0050" || f[2][8:] != ":BDE2" {
		t.Errorf("procnet row: %s", out)
	}
	if strings.Join(f[3:], " ") != strings.Join(strings.Fields(row)[3:], " ") {
		t.Errorf("other columns changed: %s", out)
	}
	if got := r.Text("   0: 0100007F:0CEA 00000000:0000 0A"); got != "   0: 0100007F:0CEA 00000000:0000 0A" {
		t.Errorf("loopback/any changed: %s", got)
	}
	// /proc/net/tcp6: four little-endian words; a v4-mapped address maps its IPv4 part.
	row6 := "   2: 0000000000000000FFFF00000600140A:7FA0 000080FE00000000FF005450563412FE:0016 01"
	out6 := r.Text(row6)
	f6 := strings.Fields(out6)
	dec6 := func(h string) netip.Addr {
		b, _ := hex.DecodeString(h)
		var a [16]byte
		for i := 0; i < 16; i += 4 {
			binary.BigEndian.PutUint32(a[i:], binary.LittleEndian.Uint32(b[i:]))
		}
		return netip.AddrFrom16(a)
	}
	if got := dec6(f6[1][:32]); got.Unmap() != p("10.20.0.6") {
		t.Errorf("tcp6 v4-mapped: %s → %s", f6[1], got)
	}
	if got, want := dec6(f6[2][:32]), p("fe80::5054:ff:fe12:3456"); got != want {
		t.Errorf("tcp6: %s → %s, want %s", f6[2], got, want)
	}
	// /proc/net/ip_vs: big-endian; ip_vs_conn too.
	ipvs := r.Text("TCP  0A000001:0050 rr\n  -> 0A000002:0050      Masq    1      0          0")
	want := func(a string) string {
		b := p(a).As4()
		return strings.ToUpper(hex.EncodeToString(b[:]))
	}
	if ipvs != "TCP  "+want("10.0.0.1")+":0050 rr\n  -> "+want("10.0.0.2")+":0050      Masq    1      0          0" {
		t.Errorf("ip_vs: %s", ipvs)
	}
	conn := r.Text("TCP C0A80001 D5F6 0A000001 01BB C0A80002 192B ESTABLISHED     899")
	if conn != "TCP "+want("192.168.0.1")+" D5F6 "+want("10.0.0.1")+" 01BB "+want("192.168.0.2")+" 192B ESTABLISHED     899" {
		t.Errorf("ip_vs_conn: %s", conn)
	}
	// ip_vs and conntrack's full IPv6 form stays full.
	full := r.Text("[2001:0470:0000:0000:0000:0000:0000:0010]:0050")
	if !regexp.MustCompile(`^\[([0-9a-f]{4}:){7}[0-9a-f]{4}\]:0050$`).MatchString(full) || netip.MustParseAddr(full[1:40]) != p("2001:470::10") {
		t.Errorf("full IPv6: %s", full)
	}
	// Counters in hex are not addresses.
	stat := "entries  searched found new invalid\n0000001c  00000000 00000000 00000000 0000002a"
	if got := r.Text(stat); got != stat {
		t.Errorf("conntrack stats changed: %s", got)
	}
}

func TestMACForms(t *testing.T) {
	r := New(testKey)
	base := r.Text("52:54:00:12:34:57")
	dash := r.Text("52-54-00-12-34-57")
	if dash != strings.ReplaceAll(base, ":", "-") {
		t.Errorf("dashed MAC %s, colon form %s", dash, base)
	}
	c := r.Text("5254.0012.3458")
	want := strings.ReplaceAll(r.Text("52:54:00:12:34:58"), ":", "")
	if c != want[0:4]+"."+want[4:8]+"."+want[8:12] {
		t.Errorf("Cisco MAC %s, want from %s", c, want)
	}
	u := r.Text("52:54:0:12:34:5a")
	padded := r.Text("52:54:00:12:34:5a")
	if !strings.HasPrefix(u, "2:") {
		t.Errorf("unpadded %s", u)
	}
	pad := func(s string) string {
		g := strings.Split(s, ":")
		for k := range g {
			if len(g[k]) == 1 {
				g[k] = "0" + g[k]
			}
		}
		return strings.Join(g, ":")
	}
	if pad(u) != padded {
		t.Errorf("unpadded %s does not match padded %s", u, padded)
	}
	ib := "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bb:cc"
	got := r.Text("link/infiniband " + ib + " brd 00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff")
	gid := p6(t, r, "fe80::2:c903:a:bbcc")
	g := gid.As16()
	wantIB := "80:00:02:08:" + colonHex(g[:])
	if got != "link/infiniband "+wantIB+" brd 00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff" {
		t.Errorf("InfiniBand: %s\nwant GID %s", got, wantIB)
	}
	if strings.Contains(got, "02:c9:03:00:0a:bb:cc") {
		t.Errorf("InfiniBand GUID survived: %s", got)
	}
	for _, orig := range []string{"52-54-00-12-34-57", "5254.0012.3458", "52:54:0:12:34:5a"} {
		if strings.Contains(r.Text("x "+orig+" y"), orig) {
			t.Errorf("%s survived", orig)
		}
	}
	// Not MACs.
	for _, keep := range []string{"2024-01-01-12-30-45", "12:30:45", "v1.2.3", "abcd.ef01", "a-b-c-d-e-f"} {
		if got := r.Text(keep); got != keep {
			t.Errorf("%q became %q", keep, got)
		}
	}
}

func p6(t *testing.T, r *Redactor, a string) netip.Addr {
	t.Helper()
	return one(t, r, a)
}

func TestTcpdumpAndNamedAddresses(t *testing.T) {
	r := New(testKey)
	v6 := r.Text("2a00:1450::1")
	v4 := r.Text("10.1.2.3")
	pub := r.Text("198.51.100.77")
	cases := map[string]string{
		"IP6 2a00:1450::1.443 > fe80::1.5000:": "IP6 " + v6 + ".443 > " + r.Text("fe80::1") + ".5000:",
		"IP 10.1.2.3.443 > 10.1.2.3.80":        "IP " + v4 + ".443 > " + v4 + ".80",
		"ip-10-1-2-3.ec2.internal":             "ip-" + strings.ReplaceAll(v4, ".", "-") + ".ec2.internal",
		"host ip-10-1-2-3 up":                  "host ip-" + strings.ReplaceAll(v4, ".", "-") + " up",
		"peer-198.51.100.77 down":              "peer-" + pub + " down",
		"keepalived-2.0.20.1":                  "keepalived-2.0.20.1",
	}
	for in, want := range cases {
		if got := r.Text(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestLearntHosts(t *testing.T) {
	r := New(testKey)
	in := strings.Join([]string{
		"Nov 20 22:36:36 lb-7.corp.acme.com keepalived[123]: VRRP_Instance(VI_1) Entering MASTER STATE",
		"2024-01-01T10:00:00+00:00 db-3 kernel: nf_conntrack: table full, dropping packet",
		"sosreport-web-1-2024-01-01-abcdef.tar.xz!sosreport-web-1-2024-01-01-abcdef/sos_commands/networking/ss_-tanp",
		"WEB-1 talks to app-4.internal and cache-2.prod.acme.com; mail ops@acme.com",
		"unit getty@tty1.service started; tcp_v4_rcv+0x1a/0x30; file nf_conntrack.conf",
	}, "\n")
	out := r.Text(in)
	low := strings.ToLower(out)
	for _, o := range []string{"lb-7", "acme", "db-3", "web-1", "app-4", "cache-2", "ops@"} {
		if strings.Contains(low, o) {
			t.Errorf("%s survived:\n%s", o, out)
		}
	}
	for _, keep := range []string{"keepalived[123]:", "VRRP_Instance(VI_1)", "kernel: nf_conntrack: table full", "sos_commands/networking/ss_-tanp",
		"getty@tty1.service", "tcp_v4_rcv+0x1a/0x30", "nf_conntrack.conf", ".tar.xz!sosreport-"} {
		if !strings.Contains(out, keep) {
			t.Errorf("%q lost:\n%s", keep, out)
		}
	}
	// the two sosreport names carry one host pseudonym
	h := r.Text("web-1")
	if strings.Count(out, "sosreport-"+h+"-2024-01-01-abcdef") != 2 {
		t.Errorf("sosreport names: %s", out)
	}
}
