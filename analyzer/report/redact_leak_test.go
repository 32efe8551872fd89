package report_test

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/redact"
	"github.com/nettriage/nettriage/analyzer/report"
)

// leakSession is a pasted terminal session holding every form of
// identifier the redactor must hide, appended to a real sample that makes
// rules fire (so evidence, checks and the timeline carry input lines).
const leakSession = `
[alice@web-1 ~]# ping -c1 peer-198.51.100.77
PING peer-198.51.100.77 (198.51.100.77) 56(84) bytes of data.
bob@web-1:~$ ssh carol@lb-7.corp.acme.com uptime
[alice@WEB-1 ~]# ps aux
USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
carol     4242  0.0  0.1  12345  6789 pts/0    Ss   10:00   0:00 -bash
nginx     1234  0.0  0.1  12345  6789 ?        S    10:00   0:00 nginx: worker process
[alice@web-1 ~]# lsof -i
COMMAND   PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
python3  5151     dave    3u  IPv4  12345      0t0  TCP 10.1.2.3:8080->10.1.2.4:5000 (ESTABLISHED)
[alice@web-1 ~]# cat /proc/net/tcp
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0302010A:1F90 0402010A:1388 01 00000000:00000000 00:00000000 00000000  1000        0 20785 1 0000000000000000 20 4 30 10 -1
   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 20786 1 0000000000000000 20 4 30 10 -1
[alice@web-1 ~]# cat /proc/net/tcp6
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000302010A:1F90 0000000000000000FFFF00000502010A:A000 01 00000000:00000000 00:00000000 00000000  1000        0 20787 1 0000000000000000 20 4 30 10 -1
[alice@web-1 ~]# cat /proc/net/ip_vs
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  0A010206:0050 rr
  -> 0A010207:0050      Masq    1      0          0
[alice@web-1 ~]# ip link
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
3: ib0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 2044 qdisc mq state UP mode DEFAULT group default qlen 256
    link/infiniband 80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bb:cc brd 00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff
[alice@web-1 ~]# arp -a ; getmac ; show mac address-table
? (10.1.2.9) at 52:54:0:12:34:5a [ether] on eth0
52-54-00-12-34-57   \Device\Tcpip_{X}
 10    5254.0012.3458    DYNAMIC     Gi0/1
[alice@web-1 ~]# tcpdump -nn -c2 -i any
10:00:00.000001 IP 10.1.2.3.443 > 10.1.2.4.5000: Flags [S], seq 1, win 64240, length 0
10:00:00.000002 IP6 2a00:1450::1.443 > 2a00:1450::2.5000: Flags [S], seq 1, win 64240, length 0
[alice@web-1 ~]# grep -i conntrack /var/log/messages
Nov 20 22:40:01 lb-7.corp.acme.com kernel: nf_conntrack: nf_conntrack: table full, dropping packet
2024-01-01T10:00:00+00:00 db-3 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Nov 20 22:40:02 WEB-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
[alice@web-1 ~]# getent hosts ip-10-1-2-8.ec2.internal ip-10-1-2-8 app-4.internal
10.1.2.8 ip-10-1-2-8.ec2.internal ip-10-1-2-8
[alice@web-1 ~]# ls /home/frank
`

// originals are the identifiers of leakSession and the sosreport that
// must not survive, matched case-insensitively.
var originals = []string{
	"alice", "bob", "carol", "dave", "frank",
	"web-1", "lb-7", "corp.acme.com", "acme", "db-3", "app-4",
	"198.51.100.77", "10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6", "10.1.2.7", "10.1.2.8", "10.1.2.9",
	"10-1-2-8", "2a00:1450::1", "2a00:1450::2",
	"52:54:00:12:34:56", "52:54:0:12:34:5a", "52-54-00-12-34-57", "5254.0012.3458", "02:c9:03:00:0a:bb:cc",
	"10.20.0.3", "10.20.0.6", "node-1", "domain.tld",
}

// hexForms returns an IPv4 address's kernel encodings: little-endian
// (/proc/net/tcp) and big-endian (ip_vs).
func hexForms(a string) []string {
	ip, err := netip.ParseAddr(a)
	if err != nil || !ip.Is4() {
		return nil
	}
	b := ip.As4()
	be := strings.ToUpper(hex.EncodeToString(b[:]))
	var l [4]byte
	binary.LittleEndian.PutUint32(l[:], binary.BigEndian.Uint32(b[:]))
	return []string{be, strings.ToUpper(hex.EncodeToString(l[:]))}
}

// sosTar builds a small uncompressed sosreport of host web-1.
func sosTar(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	root := "sosreport-web-1-2024-01-01-abcdef/"
	for name, body := range map[string]string{
		"hostname":                              "web-1.corp.acme.com\n",
		"sos_commands/networking/ss_-tanp":      "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nESTAB 0 0 10.1.2.3:22 10.1.2.5:50000 users:((\"sshd\",pid=99,fd=3))\n",
		"var/log/messages":                      "Nov 20 22:40:03 web-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n",
		"sos_commands/kernel/sysctl_-a":         "net.netfilter.nf_conntrack_max = 65536\n",
		"proc/net/nf_conntrack":                 "ipv4     2 tcp      6 431999 ESTABLISHED src=10.1.2.3 dst=10.1.2.5 sport=22 dport=50000 src=10.1.2.5 dst=10.1.2.3 sport=50000 dport=22 [ASSURED] mark=0 zone=0 use=2\n",
		"sos_commands/networking/ip_-d_address": "2: eth0: <UP> mtu 1500\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n    inet 10.1.2.3/24 brd 10.1.2.255 scope global eth0\n",
	} {
		if err := tw.WriteHeader(&tar.Header{Name: root + name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	return buf.Bytes()
}

func render(t *testing.T, rep *engine.Report) map[string]string {
	t.Helper()
	var js, txt, md, html bytes.Buffer
	for name, err := range map[string]error{
		"json":     report.JSON(&js, rep),
		"text":     report.Text(&txt, rep, report.TextOptions{Verbose: true}),
		"markdown": report.Markdown(&md, rep),
		"html":     report.HTML(&html, rep),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return map[string]string{"json": js.String(), "text": txt.String(), "markdown": md.String(), "html": html.String()}
}

// TestRedactLeavesNoIdentifier runs the real pipeline on a bundle holding
// every form of identifier, redacts the report and checks that no renderer
// lets any original through, in any case or hexadecimal encoding.
func TestRedactLeavesNoIdentifier(t *testing.T) {
	sample, err := os.ReadFile("../../samples/vip-nodeport-local-race/positive/node-1-session.txt")
	if err != nil {
		t.Fatal(err)
	}
	paste := string(sample) + leakSession
	rs, errs := engine.Builtin()
	for _, e := range errs {
		t.Logf("built-in rule not loaded: %v", e)
	}
	arts, aerrs := artifact.Expand([]artifact.Input{
		{Name: "web-1-session.txt", Data: []byte(paste)},
		{Name: "sosreport-web-1-2024-01-01-abcdef.tar", Data: sosTar(t)},
	}, artifact.DefaultLimits())
	rep := engine.Analyze(arts, aerrs, engine.Options{Rules: rs, Version: "1.2.1"})
	if len(rep.Findings) == 0 {
		t.Fatal("no findings: the leak check would prove little")
	}
	// Rules quote only the lines they read. So that every form reaches
	// every renderer, the first finding also quotes every line of the
	// leak session (with its artifact) and an error and a capture note
	// name the sosreport member, as a rule or a parser could.
	f := &rep.Findings[0]
	for i, line := range strings.Split(leakSession, "\n") {
		f.Evidence = append(f.Evidence, engine.Evidence{Artifact: "web-1-session.txt", Line: i + 1, Text: line, Note: line, Label: line})
	}
	rep.Errors = append(rep.Errors, engine.Error{Artifact: arts[len(arts)-1].Name, Message: "seen on lb-7.corp.acme.com: " + arts[len(arts)-1].Name})
	before := render(t, rep)

	r := redact.New(nil)
	red := r.Report(rep)
	after := render(t, red)

	var needles []string
	for _, o := range originals {
		in := false
		for _, form := range append([]string{o}, hexForms(o)...) {
			in = in || strings.Contains(strings.ToLower(before["json"]), strings.ToLower(form))
		}
		if !in {
			t.Errorf("%s does not appear in the unredacted report: the seed no longer exercises the redactor", o)
		}
		needles = append(needles, o)
		needles = append(needles, hexForms(o)...)
	}
	surfaced := 0
	for _, n := range needles {
		if strings.Contains(strings.ToLower(before["json"]), strings.ToLower(n)) {
			surfaced++
		}
		for format, out := range after {
			if strings.Contains(strings.ToLower(out), strings.ToLower(n)) {
				k := strings.Index(strings.ToLower(out), strings.ToLower(n))
				lo, hi := max(0, k-80), min(len(out), k+len(n)+80)
				t.Errorf("%s output holds %q: ...%s...", format, n, out[lo:hi])
			}
		}
	}
	t.Logf("%d of %d identifiers and encodings were in the unredacted report; none in the redacted one", surfaced, len(needles))

	// Readable still: rule ids, process names, the kept addresses.
	for _, keep := range []string{"vip-nodeport-local-race", "conntrack-table-full", "celery", "hyperkube", "nginx: worker process", "uid", "-bash", "0100007F", "sos_commands/networking/ss_-tanp"} {
		if !strings.Contains(after["json"], keep) {
			t.Errorf("redacted JSON lost %q", keep)
		}
	}

	// The paste itself, redacted as text, leaks nothing either.
	pr := redact.New(nil)
	text := pr.Text(paste)
	for _, n := range needles {
		if strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
			t.Errorf("redacted paste holds %q", n)
		}
	}
	// and the map lists what was replaced
	var m bytes.Buffer
	if err := redact.WriteMap(&m, r.Table()); err != nil || !strings.Contains(m.String(), "host,web-1,") {
		t.Errorf("map: %v\n%.500s", err, m.String())
	}
}
