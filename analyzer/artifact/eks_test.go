package artifact

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"testing"
)

// The EKS node log collector's tarball is one node, named by its
// instance-id file; its directories are never taken for host names, and
// its networking and kernel files are read with their kinds.
func TestEKSLogCollectorBundle(t *testing.T) {
	files := map[string]string{
		"./system/instance-id.txt":       "i-0123456789abcdef0\n",
		"./system/ps.txt":                "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot           1  0.0  0.1 169436 13060 ?        Ss   Dec01   0:05 /sbin/init\n",
		"./networking/iptables-save.txt": "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\nCOMMIT\n",
		"./networking/iproute.txt":       "default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.12 metric 1024\n",
		"./sysctls/sysctl_all.txt":       "net.ipv4.ip_forward = 1\nnet.ipv4.tcp_tw_reuse = 0\n",
		"./kernel/uname.txt":             "Linux ip-10-0-0-12.ec2.internal 5.10.215-203.850.amzn2.x86_64 #1 SMP Tue Apr 23 20:32:19 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
		"./var_log/messages":             "Dec  4 10:02:03 ip-10-0-0-12 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n",
		"./ipamd/enis.json":              "{}\n",
		"./docker/docker.log":            "-- No entries --\n",
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	arts, errs := Expand([]Input{{Name: "eks_i-0123456789abcdef0_2024-12-04_1000-UTC_0.7.3.tar.gz", Data: buf.Bytes()}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	kinds := map[Kind]bool{}
	for _, a := range arts {
		if a.Host != "i-0123456789abcdef0" || a.HostReason != "the EKS log collector's system/instance-id.txt" {
			t.Errorf("%s: host %q (%s)", a.Name, a.Host, a.HostReason)
		}
		kinds[a.Kind] = true
	}
	for _, k := range []Kind{KindIptables, KindRoutes, KindSysctl, KindSystem, KindLog, KindProcesses} {
		if !kinds[k] {
			t.Errorf("no %s artifact (kinds %v)", k, kinds)
		}
	}
}

// tgzOf packs files into a .tar.gz.
func tgzOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// Archives a sosreport stores inside itself (hotsos packs sys/ as sys.tgz,
// and sos compresses logs) are the sosreport's files: its host, its
// relevance rules; their directories are never taken for hosts.
func TestArchivesInsideASosreport(t *testing.T) {
	root := "sosreport-n1-2022-01-01-abc/"
	sys := tgzOf(t, map[string]string{"sys/fs/cgroup/a/notify_on_release": "0\n", "sys/kernel/mm/x": "1\n"})
	logs := tgzOf(t, map[string]string{"logs/journalctl_--no-pager": "Dec  4 10:02:03 n1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n"})
	// A sosreport directory as hotsos keeps one, read file by file.
	arts, errs := Expand([]Input{
		{Name: root + "hostname", Data: []byte("n1\n")},
		{Name: root + "sos_commands/kernel/sysctl_-a", Data: []byte("net.ipv4.ip_forward = 1\n")},
		{Name: root + "sys.tgz", Data: sys},
		{Name: root + "sos_commands/logs.tgz", Data: logs},
	}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	kinds := map[Kind]int{}
	for _, a := range arts {
		kinds[a.Kind]++
		if a.Host != "n1" {
			t.Errorf("%s: host %q (%s)", a.Name, a.Host, a.HostReason)
		}
	}
	if len(arts) != 3 || kinds[KindLog] != 1 || kinds[KindSysctl] != 1 || kinds[KindSystem] != 1 {
		t.Fatalf("artifacts %v", kinds)
	}
}
