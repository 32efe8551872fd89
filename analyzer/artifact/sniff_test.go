package artifact

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusKind is the kind each corpus directory holds.
var corpusKind = map[string]Kind{
	"iptables-save":  KindIptables,
	"sysctl":         KindSysctl,
	"proc-net-stats": KindCounters,
	"ipvs":           KindIPVS,
	"ss":             KindSockets,
	"conntrack":      KindConntrack,
	"keepalived":     KindKeepalived,
	"kernel-log":     KindLog,
	"pcap":           KindPcap,
}

func expectedCorpusKind(t *testing.T, path string) Kind {
	dir := filepath.Base(filepath.Dir(path))
	if strings.HasSuffix(path, "nft_list_ruleset") {
		return KindNftables
	}
	k, ok := corpusKind[dir]
	if !ok {
		t.Fatalf("corpus directory %q has no expected kind; add it to corpusKind", dir)
	}
	return k
}

func TestCorpusKinds(t *testing.T) {
	n := 0
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(path) == filepath.Clean(corpusDir) {
			return err
		}
		n++
		want := expectedCorpusKind(t, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			if got := Sniff(data, "", ""); got != want {
				t.Errorf("Sniff without hints = %s, want %s", got, want)
			}
			arts, errs := Expand([]Input{{Name: filepath.Base(path), Data: data}}, DefaultLimits())
			if len(errs) > 0 {
				t.Errorf("Expand errors: %v", errs)
			}
			if len(arts) != 1 {
				t.Fatalf("Expand gave %d artifacts, want 1", len(arts))
			}
			a := arts[0]
			if a.Kind != want {
				t.Errorf("Expand kind = %s, want %s", a.Kind, want)
			}
			if a.Host != DefaultHost {
				t.Errorf("host = %q, want %q", a.Host, DefaultHost)
			}
			if want == KindPcap && !bytes.Equal(a.Data, data) {
				t.Errorf("pcap data was modified")
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("walked only %d corpus files", n)
	}
}

// The corpus kubernetes README paste starts with a bare "# ipvsadm -ln"
// prompt: it becomes one transcript piece carrying the command.
func TestCorpusReadmePasteIsOnePiece(t *testing.T) {
	data := readFile(t, corpusDir+"/ipvs/k8s-ipvs-README__ipvsadm_-ln.txt")
	arts, _ := Expand([]Input{{Name: "readme.txt", Data: []byte(data)}}, DefaultLimits())
	if len(arts) != 1 {
		t.Fatalf("got %d artifacts", len(arts))
	}
	a := arts[0]
	if a.Name != "readme.txt#1 ipvsadm -ln" || a.Command != "ipvsadm -ln" || a.Line0 != 1 {
		t.Errorf("got name %q command %q line0 %d", a.Name, a.Command, a.Line0)
	}
	if !strings.HasPrefix(string(a.Data), "IP Virtual Server version 1.2.1") {
		t.Errorf("piece starts %q", string(a.Data[:30]))
	}
}

// testdata/sniff/<kind>__<what>.txt are hand-written outputs of tool
// versions the corpus lacks.
func TestSniffVariants(t *testing.T) {
	files, err := filepath.Glob("testdata/sniff/*")
	if err != nil || len(files) < 20 {
		t.Fatalf("want sniff testdata, got %d files (%v)", len(files), err)
	}
	for _, f := range files {
		want := Kind(strings.SplitN(filepath.Base(f), "__", 2)[0])
		t.Run(filepath.Base(f), func(t *testing.T) {
			if got := Sniff([]byte(readFile(t, f)), "", ""); got != want {
				t.Errorf("Sniff = %s, want %s", got, want)
			}
		})
	}
}

func TestSniffHints(t *testing.T) {
	tests := []struct {
		name, data, nameHint, cmd string
		want                      Kind
	}{
		{"hostname file", "node-1.domain.tld\n", "etc/hostname", "", KindSystem},
		{"hostname without hint", "node-1.domain.tld\n", "notes", "", KindUnknown},
		{"conntrack -C", "858\n", "", "conntrack -C", KindConntrack},
		{"ss -s in a sosreport", "Total: 488\nTCP:   61 (estab 24, closed 19, orphaned 4, timewait 17)\n", "sos_commands/networking/ss_-s", "", KindCounters},
		{"number without hint", "858\n", "", "", KindUnknown},
		{"kubectl logs without timestamps", "accepting AMQP connection <0.5560.184>\n", "", "kubectl logs rabbitmq-0", KindLog},
		{"command not found", "bash: ipvsadm: command not found\n", "", "ipvsadm -Ln", KindUnknown},
		{"content beats the name", "net.ipv4.tcp_tw_recycle = 1\n", "iptables-save.txt", "", KindSysctl},
		{"empty", "", "sysctl_-a", "", KindUnknown},
		{"binary", "\x00\x01\x02\x03garbage\x00", "messages", "", KindUnknown},
		{"pcapng magic", "\x0a\x0d\x0d\x0a\x1c\x00\x00\x00", "", "", KindPcap},
		{"sysctl grep paste", "/proc/sys/net/ipv4/tcp_tw_recycle:1\n/proc/sys/net/ipv4/tcp_tw_reuse:0\n", "", "", KindSysctl},
		{"single timestamp in prose is not a log", "We looked at it.\nIt failed at:\n2018-11-20 22:36:36 something\nthen recovered.\n", "", "", KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.data), tt.nameHint, tt.cmd); got != tt.want {
				t.Errorf("Sniff = %s, want %s", got, tt.want)
			}
		})
	}
}

// Sniffing must stay cheap on a huge single line.
func TestSniffHugeLine(t *testing.T) {
	data := bytes.Repeat([]byte("a"), 8<<20)
	if got := Sniff(data, "", ""); got != KindUnknown {
		t.Errorf("Sniff = %s", got)
	}
}

// TestSniffUnameRelease types the one line `uname -r` prints by its command,
// while the same line without a hint stays unknown.
func TestSniffUnameRelease(t *testing.T) {
	line := []byte("3.10.0-693.el7.x86_64\n")
	if k := Sniff(line, "", "uname -r"); k != KindSystem {
		t.Errorf("uname -r: %s, want system", k)
	}
	if k := Sniff(line, "", ""); k != KindUnknown {
		t.Errorf("no hint: %s, want unknown", k)
	}
}
