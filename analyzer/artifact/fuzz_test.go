package artifact

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/hostile"
)

// validKinds are the kinds of Kinds: a new kind is valid once it is listed there.
var validKinds = func() map[Kind]bool {
	m := map[Kind]bool{}
	for _, k := range Kinds {
		m[k] = true
	}
	return m
}()

func FuzzParse(f *testing.F) {
	for _, root := range []string{corpusDir, "testdata/sniff"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Add([]byte(ticketPaste))
	small := tarBytes(f, []entry{
		{name: "sosreport-n1-2024-01-01-abcdefg/sos_commands/kernel/sysctl_-a", body: "net.ipv4.ip_forward = 1\n"},
		{name: "sosreport-n1-2024-01-01-abcdefg/proc/sys/net/ipv4/tcp_tw_recycle", body: "1\n"},
		{name: "n2/paste.txt", body: "[root@n2 ~]# ss -tan\nState Recv-Q Send-Q Local Address:Port Peer Address:Port\n"},
	})
	f.Add(small)
	f.Add(gzipBytes(f, small))
	f.Add(zipBytes(f, []entry{{name: "a/hostname", body: "n3\n"}, {name: "a/ipvs", body: "Timeout (tcp tcpfin udp): 900 120 300\n"}}))

	lim := Limits{MaxTotalBytes: 8 << 20, MaxFiles: 200, MaxFileBytes: 4 << 20, MaxNesting: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		if k := Sniff(data, "fuzz", "ss -tan"); !validKinds[k] {
			t.Fatalf("Sniff returned %q", k)
		}
		arts, errs := Expand([]Input{{Name: "in", Data: data}}, lim)
		for _, e := range errs {
			if e.Artifact == "" || e.Message == "" {
				t.Fatalf("empty error %+v", e)
			}
		}
		plainText := sniffFormat(data) == formatNone && !isBinary(data) && !isPcap(data)
		lines := strings.Split(string(normalizeText(data)), "\n")
		for _, a := range arts {
			if a.Name == "" || a.Host == "" || !validKinds[a.Kind] || a.Line0 < 0 || a.Size < 0 {
				t.Fatalf("bad artifact %q host %q kind %q line0 %d", a.Name, a.Host, a.Kind, a.Line0)
			}
			// A transcript piece starts at line Line0 of the input.
			if plainText && strings.HasPrefix(a.Name, "in#") && !strings.HasPrefix(a.Command, "cat /proc/sys/") {
				first, _, _ := strings.Cut(string(a.Data), "\n")
				if a.Line0 >= len(lines) || lines[a.Line0] != first {
					t.Fatalf("piece %q: Line0 %d does not point at its first line %q", a.Name, a.Line0, first)
				}
			}
		}
	})
}

// FuzzExpandArchive feeds archives to the whole expansion: tar, tar.gz,
// tar.xz, zip, a lone .gz, and hostile ones (a sparse member, an xz block
// asking for a huge dictionary, nesting). It checks that nothing panics,
// that every error names its artifact, and that no member is bigger than
// the limits allow.
func FuzzExpandArchive(f *testing.F) {
	sos := []entry{
		{name: "sosreport-n1-2024-01-01-abcdefg/sos_commands/kernel/sysctl_-a", body: "net.ipv4.ip_forward = 1\n"},
		{name: "sosreport-n1-2024-01-01-abcdefg/var/log/messages", body: "Nov 20 22:36:36 n1 kernel: nf_conntrack: table full, dropping packet\n"},
		{name: "sosreport-n1-2024-01-01-abcdefg/proc/sys/net/ipv4/tcp_tw_reuse", body: "1\n"},
	}
	tb := tarBytes(f, sos)
	f.Add(tb)
	f.Add(gzipBytes(f, tb))
	f.Add(xzBytes(f, tb))
	f.Add(zipBytes(f, sos))
	f.Add(gzipBytes(f, []byte("Nov 20 22:36:36 n1 kernel: x\n")))
	f.Add(tarBytes(f, []entry{{name: "in.tar", body: string(tb)}}))
	f.Add(hostile.SparseTar(1))
	f.Add(hostile.XzHugeDict(40))
	f.Add(hostile.XzHugeDict(20))
	f.Add(hostile.Nested(3))
	f.Add(hostile.EscapeZip())
	lim := Limits{MaxTotalBytes: 8 << 20, MaxFiles: 200, MaxFileBytes: 4 << 20, MaxNesting: 1}
	f.Fuzz(func(t *testing.T, data []byte) {
		arts, errs := Expand([]Input{{Name: "in", Data: data}}, lim)
		for _, e := range errs {
			if e.Artifact == "" || e.Message == "" {
				t.Fatalf("empty error %+v", e)
			}
		}
		var total int64
		for _, a := range arts {
			if int64(len(a.Data)) > lim.MaxFileBytes && !strings.HasSuffix(a.Name, "proc/sys") {
				t.Fatalf("%q: %d bytes, over the member limit", a.Name, len(a.Data))
			}
			total += int64(len(a.Data))
		}
		if total > lim.MaxTotalBytes {
			t.Fatalf("%d bytes in all, over the total limit", total)
		}
	})
}
