package collect

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// TestRunFixture collects from a fixture /proc and /etc with commands that
// succeed, fail, are missing, and outlive their time bound, then reads the
// bundle back the way analyze does.
func TestRunFixture(t *testing.T) {
	opt := Options{
		PIDs:     []int{4242, 4242, 31337},
		Interval: 100 * time.Millisecond,
		Timeout:  300 * time.Millisecond,
		ProcRoot: "testdata/proc",
		EtcRoot:  "testdata/etc",
		Tool:     "nettriage test",
		Commands: []Command{
			{Args: []string{"uname", "-a"}},
			{Args: []string{"nettriage-no-such-command", "-x"}},
			{Args: []string{"sleep", "5"}},
			{Args: []string{"sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"}},
			{Args: []string{"true"}},
		},
	}
	var buf, progress bytes.Buffer
	opt.Progress = &progress
	start := time.Now()
	man, err := Run(context.Background(), &buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("collection took %s: the time bound did not hold", took)
	}
	if man.Schema != artifact.CollectSchema || man.Host != "node-7.example.com" || man.Interval != "100ms" ||
		man.Tool != "nettriage test" || man.Finished.Before(man.Started) {
		t.Errorf("manifest header %+v", man)
	}
	if !strings.Contains(progress.String(), "collect: snapshot 2 of the counters") {
		t.Errorf("progress:\n%s", progress.String())
	}

	files := map[string]artifact.CollectFile{}
	for _, f := range man.Files {
		files[f.Path] = f
	}
	cmd := func(args ...string) artifact.CollectFile { return files["commands/"+fileName(args)] }
	if f := cmd("uname", "-a"); !f.Stored || f.ExitCode == nil || *f.ExitCode != 0 || f.Error != "" || f.From != "uname -a" {
		t.Errorf("uname: %+v", f)
	}
	if f := cmd("nettriage-no-such-command", "-x"); !f.Missing || f.Stored || f.ExitCode != nil || !strings.Contains(f.Error, "not installed") {
		t.Errorf("missing command: %+v", f)
	}
	if f := cmd("sleep", "5"); f.Stored || f.ExitCode == nil || *f.ExitCode != -1 || !strings.Contains(f.Error, "time bound") || f.DurationMS > 2500 {
		t.Errorf("sleep past the bound: %+v", f)
	}
	if f := cmd("sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"); !f.Stored || *f.ExitCode != 3 || f.Error != "it broke" || f.Bytes != 8 {
		t.Errorf("failing command: %+v", f)
	}
	if f := cmd("true"); !f.Stored || f.Bytes != 0 || f.Error != "" {
		t.Errorf("silent command: %+v (its empty output is kept)", f)
	}
	if f := files["snapshot-2/proc/net/netstat"]; !f.Stored || f.Snapshot != 2 || f.From != "testdata/proc/net/netstat" {
		t.Errorf("snapshot 2: %+v", f)
	}
	if f := files["snapshot-1/proc/net/ip_vs_stats"]; f.Stored || f.Error != "not present" {
		t.Errorf("absent file: %+v", f)
	}
	if f := files["proc/sys/"]; !f.Stored || f.Files != 6 {
		t.Errorf("sysctl tree: %+v", f)
	}
	if f := files["pid/4242/proc/sys/"]; f.Stored || f.Namespace != "pid:4242" || f.Error == "" {
		t.Errorf("pid sysctls from a fixture namespace that cannot be entered: %+v", f)
	}
	if f := files["etc/keepalived/keepalived.conf"]; !f.Stored {
		t.Errorf("keepalived: %+v", f)
	}
	if f := files["procfs/processes"]; !f.Stored || f.Source != "procfs" {
		t.Errorf("processes: %+v", f)
	}
	if len(man.Targets) != 2 || man.Targets[0].Namespace != "pid:4242" || man.Targets[0].Comm != "envoy" ||
		man.Targets[1].PID != 31337 || man.Targets[1].Note != "no such process" {
		t.Errorf("targets %+v", man.Targets)
	}
	if !slices.ContainsFunc(man.Notes, func(n string) bool { return strings.Contains(n, "nettriage-no-such-command -x") }) {
		t.Errorf("notes %v do not name the missing command", man.Notes)
	}
	// sleep used its 300ms bound, longer than the 100ms interval.
	if !slices.ContainsFunc(man.Notes, func(n string) bool { return strings.Contains(n, "apart, not 100ms") }) {
		t.Errorf("notes %v do not say the snapshots were further apart than asked", man.Notes)
	}

	// Read back as analyze does: kinds, host and namespace labels.
	arts, errs := artifact.Expand([]artifact.Input{{Name: "b.tar.gz", Data: buf.Bytes()}}, artifact.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	kinds := map[artifact.Kind]int{}
	for _, a := range arts {
		kinds[a.Kind]++
		if a.Host != "node-7" {
			t.Errorf("%s: host %q", a.Name, a.Host)
		}
		wantNS := ""
		if strings.Contains(a.Name, "/pid/4242/") {
			wantNS = "pid:4242"
		}
		if a.Namespace != wantNS {
			t.Errorf("%s: namespace %q, want %q", a.Name, a.Namespace, wantNS)
		}
	}
	// counters: 2 host snapshots + 2 of pid 4242; system: hostname,
	// version, os-release, uname, /proc/stat (btime).
	want := map[artifact.Kind]int{artifact.KindCounters: 4, artifact.KindSysctl: 1, artifact.KindConntrack: 2,
		artifact.KindKeepalived: 1, artifact.KindProcesses: 1, artifact.KindSystem: 5}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s artifacts, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
}

func TestRunCommand(t *testing.T) {
	r := run(context.Background(), time.Second, []string{"sh", "-c", "printf 'a\\nb\\n'; echo warn >&2"})
	if string(r.out) != "a\nb\n" || r.exitCode != 0 || r.err != "" || r.missing {
		t.Errorf("ok command: %+v (stderr of a command that succeeded with output is not an error)", r)
	}
	r = run(context.Background(), time.Second, []string{"sh", "-c", "echo $LC_ALL"})
	if string(r.out) != "C\n" {
		t.Errorf("commands run in the C locale, got %q", r.out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := run(ctx, time.Second, []string{"sleep", "5"}); r.exitCode != -1 || r.err != "interrupted" {
		t.Errorf("cancelled: %+v", r)
	}
}

func TestLimitedBuffer(t *testing.T) {
	b := &limitedBuffer{max: 5}
	for _, s := range []string{"abc", "defg", "h"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if b.String() != "abcde" || !b.truncated {
		t.Errorf("kept %q, truncated %v", b.String(), b.truncated)
	}
}

func TestFileName(t *testing.T) {
	for args, want := range map[string]string{
		"ipvsadm -Ln --timeout":           "ipvsadm_-Ln_--timeout",
		"nsenter -t 1 -n ss -tanpoi":      "nsenter_-t_1_-n_ss_-tanpoi",
		"cat /proc/net/netstat":           "cat_.proc.net.netstat",
		"sh -c echo\tx":                   "sh_-c_echo_x",
		"nft list ruleset":                "nft_list_ruleset",
		"iptables-save":                   "iptables-save",
		"conntrack -S":                    "conntrack_-S",
		"ip -d addr":                      "ip_-d_addr",
		"journalctl -u keepalived --no-p": "journalctl_-u_keepalived_--no-p",
	} {
		if got := fileName(strings.Split(args, " ")); got != want {
			t.Errorf("fileName(%q) = %q, want %q", args, got, want)
		}
	}
}

func TestReadSysctls(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string, mode os.FileMode) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("net/ipv4/ip_forward", "1\n", 0o644)
	write("net/ipv4/route/flush", "", 0o200) // write-only, as in /proc
	write("net/ipv4/tcp_rmem", "4096\t131072\t6291456\n", 0o644)
	write("kernel/osrelease", "6.1.0\n", 0o444)
	write("kernel/domainname", "(none)\n", 0o644) // not one the rules read
	tree := readSysctls(root, true)
	var rels []string
	for _, f := range tree.files {
		rels = append(rels, f.rel)
	}
	if !slices.Equal(rels, []string{"kernel/osrelease", "net/ipv4/ip_forward", "net/ipv4/tcp_rmem"}) || tree.writeOnly != 1 {
		t.Errorf("read %v, %d write-only", rels, tree.writeOnly)
	}
	if string(tree.files[2].data) != "4096\t131072\t6291456\n" {
		t.Errorf("raw bytes changed: %q", tree.files[2].data)
	}
	if tree := readSysctls(root, false); len(tree.files) != 2 {
		t.Errorf("without kernel settings: %d files", len(tree.files))
	}
}

// TestRunInterrupted: cancelling (Ctrl-C) during the wait still writes a
// bundle, without the second snapshot, and says so.
func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var buf bytes.Buffer
	start := time.Now()
	man, err := Run(ctx, &buf, Options{Interval: time.Minute, ProcRoot: "testdata/proc", EtcRoot: "testdata/etc", Commands: []Command{}})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s after the cancel", took)
	}
	for _, f := range man.Files {
		if f.Snapshot == 2 {
			t.Errorf("second snapshot after the interrupt: %+v", f)
		}
	}
	if !slices.ContainsFunc(man.Notes, func(n string) bool { return strings.HasPrefix(n, "interrupted") }) {
		t.Errorf("notes %v", man.Notes)
	}
	arts, errs := artifact.Expand([]artifact.Input{{Name: "b.tar.gz", Data: buf.Bytes()}}, artifact.DefaultLimits())
	if len(errs) > 0 || len(arts) == 0 {
		t.Errorf("bundle unreadable: %v", errs)
	}
}
