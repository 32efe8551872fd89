package sysctl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

const corpus = "../../../testdata/corpus/sysctl/"

func parseFile(t *testing.T, path string) *Table {
	t.Helper()
	tab, _ := parsetest.Parse(t, path, Parse)
	return tab
}

func wantValue(t *testing.T, tab *Table, key, want string) {
	t.Helper()
	e, ok := tab.Get(key)
	if !ok {
		t.Errorf("%s: missing", key)
		return
	}
	if e.Value != want {
		t.Errorf("%s = %q, want %q", key, e.Value, want)
	}
}

func TestCorpusRHEL8(t *testing.T) {
	tab := parseFile(t, corpus+"jds2001-ocp-sosreport__sysctl_-a")
	wantValue(t, tab, "net.netfilter.nf_conntrack_tcp_be_liberal", "0")
	wantValue(t, tab, "kernel.osrelease", "4.18.0-80.11.2.el8_0.x86_64")
	wantValue(t, tab, "net.ipv4.conf.all.rp_filter", "1")
	wantValue(t, tab, "net.ipv4.conf.default.rp_filter", "0")
	wantValue(t, tab, "net.ipv4.conf.eth0.rp_filter", "0")
	wantValue(t, tab, "net.ipv4.tcp_rmem", "4096\t87380\t6291456")
	wantValue(t, tab, "net.ipv4.ip_local_reserved_ports", "")
	if n, ok := tab.Int("net.ipv4.tcp_rmem"); !ok || n != 4096 {
		t.Errorf("Int(tcp_rmem) = %d, %v", n, ok)
	}
	e, _ := tab.Get("net.ipv4.conf.all.rp_filter")
	if e.Src.Line != 311 || e.Src.Artifact != "jds2001-ocp-sosreport__sysctl_-a" {
		t.Errorf("rp_filter src = %+v", e.Src)
	}
	// dev.cdrom.info spans 23 consecutive lines and is one multi-line value.
	info, _ := tab.Get("dev.cdrom.info")
	if info.Src.Line != 9 || info.Src.EndLine != 32 || !strings.Contains(info.Value, "drive name:\t\tsr0") {
		t.Errorf("dev.cdrom.info = %+v", info)
	}
	if len(tab.Keys) != len(tab.Entries) || tab.Keys[0] != "abi.vsyscall32" {
		t.Errorf("keys: %d vs %d, first %q", len(tab.Keys), len(tab.Entries), tab.Keys[0])
	}
}

func TestCorpusUbuntu(t *testing.T) {
	tab := parseFile(t, corpus+"Sabaniki-lab__sysctl.txt")
	wantValue(t, tab, "kernel.osrelease", "5.15.0-58-generic")
	if _, ok := tab.Get("net.ipv4.tcp_tw_recycle"); ok {
		t.Error("tcp_tw_recycle was removed in 4.12 and must not appear in a 5.15 dump")
	}
	var rp []string
	for _, e := range tab.Prefix("net.ipv4.conf.") {
		if strings.HasSuffix(e.Key, ".rp_filter") {
			rp = append(rp, e.Key+"="+e.Value)
		}
	}
	want := "net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2 net.ipv4.conf.docker0.rp_filter=2 net.ipv4.conf.ens18.rp_filter=2 net.ipv4.conf.ens19.rp_filter=2 net.ipv4.conf.lo.rp_filter=2"
	if got := strings.Join(rp, " "); got != want {
		t.Errorf("rp_filter:\n got %s\nwant %s", got, want)
	}
	if n, ok := tab.Int("net.netfilter.nf_conntrack_tcp_be_liberal"); !ok || n != 0 {
		t.Errorf("be_liberal = %d, %v", n, ok)
	}
}

func TestRHEL7WithNoise(t *testing.T) {
	data, _ := os.ReadFile("testdata/rhel7_sysctl_a.txt")
	tab, warns := Parse("sysctl-a", data)
	wantValue(t, tab, "net.ipv4.tcp_tw_recycle", "1")
	wantValue(t, tab, "net.ipv4.conf.eth0/100.rp_filter", "1")
	wantValue(t, tab, "net.bridge.bridge-nf-call-iptables", "1")
	wantValue(t, tab, "net.ipv4.ip_local_port_range", "32768\t60999")
	if len(tab.Errors) != 3 || tab.Errors[0].Line != 8 {
		t.Errorf("errors = %+v", tab.Errors)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Message, "3 sysctl error") {
		t.Errorf("warnings = %v", warns)
	}
}

func TestSysctlConf(t *testing.T) {
	data, _ := os.ReadFile("testdata/sysctl.conf")
	tab, warns := Parse("sysctl.conf", data)
	wantValue(t, tab, "net.ipv4.tcp_tw_recycle", "0")
	e, _ := tab.Get("net.ipv4.tcp_tw_recycle")
	if e.Src.Line != 10 {
		t.Errorf("last occurrence should win, got line %d", e.Src.Line)
	}
	wantValue(t, tab, "net.ipv4.conf.all.accept_source_route", "0")
	wantValue(t, tab, "net.ipv4.ip_local_port_range", "10000 65535")
	if len(warns) != 1 || warns[0].Line != 10 {
		t.Errorf("want one duplicate warning at line 10, got %v", warns)
	}
	if got := strings.Join(tab.Keys, ","); got != "kernel.shmmax,net.ipv4.tcp_tw_recycle,net.ipv4.ip_local_port_range,net.ipv4.conf.all.accept_source_route" {
		t.Errorf("keys = %s", got)
	}
}

func TestGrepPaste(t *testing.T) {
	data, _ := os.ReadFile("testdata/grep_paste.txt")
	tab, warns := Parse("grep", data)
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	wantValue(t, tab, "net.ipv4.tcp_tw_recycle", "1")
	wantValue(t, tab, "net.ipv4.conf.eth0/100.rp_filter", "2")
	wantValue(t, tab, "net.ipv4.conf.all.rp_filter", "0")
	wantValue(t, tab, "net.ipv4.tcp_fin_timeout", "30")
	wantValue(t, tab, "net.core.somaxconn", "1024")
}

func TestKey(t *testing.T) {
	cases := map[string]string{
		"net/ipv4/tcp_tw_recycle":               "net.ipv4.tcp_tw_recycle",
		"net/ipv4/conf/eth0.100/rp_filter":      "net.ipv4.conf.eth0/100.rp_filter",
		"/proc/sys/net/ipv4/conf/all/rp_filter": "net.ipv4.conf.all.rp_filter",
		"net/bridge/bridge-nf-call-iptables":    "net.bridge.bridge-nf-call-iptables",
	}
	for in, want := range cases {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGarbage(t *testing.T) {
	tab, warns := Parse("x", []byte("hello world\n\x00\x01\x02\n= 5\nnet.ipv4.ip_forward = 1\n"))
	wantValue(t, tab, "net.ipv4.ip_forward", "1")
	if len(warns) != 3 || len(tab.Entries) != 1 {
		t.Errorf("warns = %v, entries = %d", warns, len(tab.Entries))
	}
	if _, ok := tab.Int("nope"); ok {
		t.Error("Int of a missing key")
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
		tab, _ := Parse("fuzz", data)
		if len(tab.Keys) != len(tab.Entries) {
			t.Fatalf("%d keys, %d entries", len(tab.Keys), len(tab.Entries))
		}
		for _, k := range tab.Keys {
			e := tab.Entries[k]
			if e == nil || e.Key != k || e.Src.Line < 1 || e.Src.EndLine < e.Src.Line {
				t.Fatalf("bad entry %q: %+v", k, e)
			}
		}
	})
}
