package engine_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/engine"
)

// syntheticSosreport builds a sosreport-like tree of about size bytes: the
// seed-001 artifacts, a kube-proxy rule set with many services, a large ss
// listing and a large /var/log/messages that makes up the bulk.
func syntheticSosreport(b *testing.B, size int) []artifact.Input {
	root := "sosreport-node7-20240101120000/"
	read := func(p string) []byte {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	var ipt strings.Builder
	ipt.WriteString("*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n")
	ipt.WriteString("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&ipt, ":KUBE-SVC-%06d - [0:0]\n-A KUBE-SERVICES -d 10.96.%d.%d/32 -p tcp -m comment --comment \"ns/svc%d cluster IP\" -m tcp --dport 80 -j KUBE-SVC-%06d\n", i, i/250, i%250, i, i)
		fmt.Fprintf(&ipt, "-A KUBE-SVC-%06d -p tcp -m comment --comment \"ns/svc%d\" -j DNAT --to-destination 10.244.%d.%d:8080\n", i, i, i/250, i%250)
		if i%10 == 0 {
			fmt.Fprintf(&ipt, "-A KUBE-NODEPORTS -p tcp -m comment --comment \"ns/svc%d\" -m tcp --dport %d -j KUBE-SVC-%06d\n", i, 30000+i, i)
		}
	}
	ipt.WriteString("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\nCOMMIT\n")
	var ss strings.Builder
	ss.WriteString("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&ss, "tcp ESTAB 0 0 10.0.%d.%d:%d 10.1.%d.%d:443 users:((\"app\",pid=%d,fd=%d)) timer:(keepalive,%dmin,0)\n", i/250%250, i%250, 30000+i%30000, i%200, i%250, 1000+i, 10+i%900, 1+i%100)
	}
	in := []artifact.Input{
		{Name: root + "sos_commands/kernel/sysctl_-a", Data: read("../../samples/tw-recycle-nat/positive/sysctl_-a")},
		{Name: root + "proc/net/netstat", Data: read("../../samples/tw-recycle-nat/positive/proc_net_netstat.2")},
		{Name: root + "etc/keepalived/keepalived.conf", Data: read("../../samples/keepalived-check-flap/positive/keepalived.conf")},
		{Name: root + "sos_commands/networking/ss_-peaonmi", Data: []byte(ss.String())},
		{Name: root + "sos_commands/firewall_tables/iptables-save", Data: []byte(ipt.String())},
	}
	used := 0
	for _, f := range in {
		used += len(f.Data)
	}
	var msgs bytes.Buffer
	for i := 0; msgs.Len() < size-used; i++ {
		fmt.Fprintf(&msgs, "Jan  1 %02d:%02d:%02d node7 kubelet[%d]: I0101 reconciler.go:%d operationExecutor.VerifyControllerAttachedVolume started for volume \"pvc-%08x\"\n",
			i/3600%24, i/60%60, i%60, 900+i%7, 200+i%50, i)
		if i%5000 == 0 {
			fmt.Fprintf(&msgs, "Jan  1 %02d:%02d:%02d node7 kernel: nf_conntrack: table full, dropping packet\n", i/3600%24, i/60%60, i%60)
		}
	}
	return append(in, artifact.Input{Name: root + "var/log/messages", Data: msgs.Bytes()})
}

func packTar(b *testing.B, in []artifact.Input, compress string) []byte {
	var buf bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch compress {
	case "gz":
		w = gzip.NewWriter(&buf)
	case "xz":
		xw, err := xz.NewWriter(&buf)
		if err != nil {
			b.Fatal(err)
		}
		w = xw
	}
	tw := tar.NewWriter(w)
	for _, f := range in {
		tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg})
		tw.Write(f.Data)
	}
	tw.Close()
	w.Close()
	return buf.Bytes()
}

// BenchmarkAnalyzeBundle measures the whole pipeline on a 50 MB
// sosreport-like bundle: decompression, layout recognition, sniffing,
// parsing, and every rule.
func BenchmarkAnalyzeBundle(b *testing.B) {
	in := syntheticSosreport(b, 50<<20)
	rs, _ := engine.Builtin()
	for _, c := range []string{"gz", "xz"} {
		data := packTar(b, in, c)
		b.Run("tar."+c, func(b *testing.B) {
			b.SetBytes(50 << 20)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				arts, errs := artifact.Expand([]artifact.Input{{Name: "node7.tar." + c, Data: data}}, artifact.DefaultLimits())
				rep := engine.Analyze(arts, errs, engine.Options{Rules: rs})
				if len(rep.Findings) == 0 || len(rep.Errors) > 0 {
					b.Fatalf("findings %d errors %v", len(rep.Findings), rep.Errors)
				}
			}
		})
	}
}
