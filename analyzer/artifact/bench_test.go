package artifact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// sosreportLike builds a ~50 MB sosreport-shaped tar: thousands of
// sos_commands files (most of them in directories that are skipped), a
// large var/log/messages, and many irrelevant copied files.
func sosreportLike(b *testing.B) (tarball []byte, expanded int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := "sosreport-bench-1-2024-01-15-abcdefg/"
	var es []entry
	add := func(name, body string) {
		es = append(es, entry{name: dir + name, body: body})
		expanded += int64(len(body))
	}
	text := func(lines int, format func(i int) string) string {
		var sb strings.Builder
		for i := range lines {
			sb.WriteString(format(i))
			sb.WriteByte('\n')
		}
		return sb.String()
	}
	add("sos_commands/kernel/sysctl_-a", text(2000, func(i int) string { return fmt.Sprintf("net.core.key_%d = %d", i, rng.IntN(1e6)) }))
	add("sos_commands/networking/ss_-peaonmi", text(20000, func(i int) string {
		return fmt.Sprintf("tcp ESTAB 0 0 10.0.%d.%d:%d 10.1.%d.%d:443 users:((\"app\",pid=%d,fd=%d))", rng.IntN(255), rng.IntN(255), rng.IntN(65535), rng.IntN(255), rng.IntN(255), rng.IntN(1e5), i)
	}))
	for i := range 1500 {
		add(fmt.Sprintf("sos_commands/networking/ethtool_-S_eth%d", i), text(60, func(int) string { return fmt.Sprintf("     rx_queue_%d_packets: %d", rng.IntN(64), rng.Uint32()) }))
		// Sniffed, then dropped as of no known kind.
		add(fmt.Sprintf("sos_commands/networking/ip_-s_-d_link_show_dev_veth%d", i), text(12, func(int) string { return fmt.Sprintf("    RX: bytes packets errors dropped %d", rng.Uint32()) }))
	}
	for i := range 4000 {
		add(fmt.Sprintf("sos_commands/rpm/pkg_%d", i), text(40, func(int) string { return fmt.Sprintf("/usr/share/doc/pkg-%d/file-%d", i, rng.Uint32()) }))
		add(fmt.Sprintf("etc/conf.d/file_%d.conf", i), text(20, func(int) string { return fmt.Sprintf("option_%d = %d", rng.IntN(100), rng.Uint32()) }))
	}
	add("var/log/messages", text(450000, func(i int) string {
		return fmt.Sprintf("Nov 20 %02d:%02d:%02d bench-1 kubelet[%d]: I1120 reconcile pod uid=%08x status=%d", i/3600%24, i/60%60, i%60, 1000+rng.IntN(50), rng.Uint32(), rng.IntN(5))
	}))
	return tarBytes(b, es), expanded
}

func BenchmarkExpand(b *testing.B) {
	tarball, expanded := sosreportLike(b)
	for _, c := range []struct {
		name string
		data func() []byte
	}{
		{"tar.gz", func() []byte { return gzipBytes(b, tarball) }},
		{"tar.xz", func() []byte { return xzBytes(b, tarball) }},
	} {
		data := c.data()
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(expanded)
			b.ReportMetric(float64(len(data))/1e6, "MB-compressed")
			for b.Loop() {
				arts, errs := Expand([]Input{{Name: "sosreport." + c.name, Data: data}}, DefaultLimits())
				if len(errs) > 0 || len(arts) != 3 {
					b.Fatalf("%d artifacts, errors %v", len(arts), errs)
				}
			}
		})
	}
}
