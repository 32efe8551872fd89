package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/live/collect"
	"github.com/nettriage/nettriage/live/watch"
)

// startChild starts a process for --pid and stops it when the test ends.
func startChild(t *testing.T, args ...string) int {
	t.Helper()
	c := exec.Command(args[0], args[1:]...)
	if err := c.Start(); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	t.Cleanup(func() {
		c.Process.Kill()
		c.Wait()
	})
	return c.Process.Pid
}

// waitOwnNetNS waits until unshare has moved pid into a network namespace
// of its own.
func waitOwnNetNS(t *testing.T, pid int) {
	t.Helper()
	self, _ := os.Readlink("/proc/self/ns/net")
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if l, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net"); err == nil && l != self {
			return
		}
	}
	t.Fatalf("pid %d never entered a network namespace of its own", pid)
}

// readManifest finds manifest.json in a bundle.
func readManifest(t *testing.T, bundle []byte) artifact.CollectManifest {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no manifest.json in the bundle: %v", err)
		}
		if path.Base(h.Name) != "manifest.json" {
			continue
		}
		var m artifact.CollectManifest
		data, _ := io.ReadAll(tr)
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
}

// installed tells whether collect can find a command (PATH or the sbin
// directories).
func installed(name string) bool {
	if _, err := exec.LookPath(name); err == nil {
		return true
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if st, err := os.Stat(filepath.Join(d, name)); err == nil && st.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// TestCollectLive collects this machine (root in CI) with two --pid
// processes, one in a network namespace of its own, and reads the bundle
// back with analyze.
func TestCollectLive(t *testing.T) {
	root := os.Geteuid() == 0
	same := startChild(t, "sleep", "30")
	pids := []string{"--pid", strconv.Itoa(same)}
	nsPID := 0
	if root {
		nsPID = startChild(t, "unshare", "-n", "sleep", "30")
		pids = append(pids, "--pid", strconv.Itoa(nsPID))
		waitOwnNetNS(t, nsPID)
	}
	out := filepath.Join(t.TempDir(), "node.tar.gz")
	start := time.Now()
	stdout, stderr, code := run(t, nil, append([]string{"collect", "--output", out, "--interval", "200ms"}, pids...)...)
	if code != 0 || !strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	t.Logf("collect took %s", time.Since(start))
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}

	// The manifest: every command with its exit code or as missing.
	man := readManifest(t, data)
	if man.Schema != artifact.CollectSchema || man.Privileged != root || man.Interval != "200ms" {
		t.Errorf("manifest header: %+v", man)
	}
	commands := 0
	for _, f := range man.Files {
		if f.Source != "command" || f.Namespace != "" {
			continue
		}
		name := strings.Fields(f.From)[0]
		if !strings.HasPrefix(f.Path, "snapshot-") && name != "ethtool" {
			commands++ // the link layer's commands run at each snapshot and per interface
		}
		if f.Missing == installed(name) {
			t.Errorf("%s: missing=%v but installed=%v", f.From, f.Missing, installed(name))
		}
		if !f.Missing && f.ExitCode == nil {
			t.Errorf("%s ran without an exit code", f.From)
		}
		if f.Missing && !strings.Contains(strings.Join(man.Notes, "\n"), f.From) {
			t.Errorf("missing %s not in the notes %v", f.From, man.Notes)
		}
	}
	if commands != len(collect.DefaultCommands()) {
		t.Errorf("%d commands recorded, want %d", commands, len(collect.DefaultCommands()))
	}
	for _, tg := range man.Targets {
		switch tg.PID {
		case same:
			if tg.Namespace != "" || !strings.Contains(tg.Note, "shares the host's network namespace") {
				t.Errorf("same-namespace target: %+v", tg)
			}
		case nsPID:
			if tg.Namespace != "pid:"+strconv.Itoa(nsPID) || tg.NetNS == 0 {
				t.Errorf("namespaced target: %+v", tg)
			}
		}
	}

	// Read back as analyze reads it: kinds, host and namespace labels.
	arts, errs := artifact.Expand([]artifact.Input{{Name: "node.tar.gz", Data: data}}, artifact.DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("expand: %v", errs)
	}
	host := strings.SplitN(collect.Hostname("/proc"), ".", 2)[0]
	hostKinds := map[artifact.Kind]bool{}
	nsKinds := map[artifact.Kind]int{}
	for _, a := range arts {
		if a.Host != host {
			t.Errorf("%s: host %q, want %q", a.Name, a.Host, host)
		}
		switch a.Namespace {
		case "":
			hostKinds[a.Kind] = true
		case "pid:" + strconv.Itoa(nsPID):
			nsKinds[a.Kind]++
		default:
			t.Errorf("%s: namespace %q", a.Name, a.Namespace)
		}
	}
	delete(hostKinds, artifact.KindUnknown)
	if len(hostKinds) < 6 {
		t.Errorf("%d kinds analyze recognises, want at least 6: %v", len(hostKinds), hostKinds)
	}
	for _, k := range []artifact.Kind{artifact.KindCounters, artifact.KindSysctl, artifact.KindProcesses, artifact.KindSystem} {
		if !hostKinds[k] {
			t.Errorf("no %s artifact (have %v)", k, hostKinds)
		}
	}
	if root && (nsKinds[artifact.KindCounters] != 2 || nsKinds[artifact.KindSysctl] != 1) {
		t.Errorf("namespace of pid %d: %v, want 2 counters snapshots and its sysctls", nsPID, nsKinds)
	}

	// analyze itself: the JSON contract, hosts per namespace.
	js, stderr, code := run(t, nil, "analyze", "--format", "json", out)
	if code != 0 {
		t.Fatalf("analyze exit %d: %s", code, stderr)
	}
	r := decode(t, js)
	kinds := map[string]bool{}
	for _, a := range r.Artifacts {
		if a.Kind != "unknown" {
			kinds[a.Kind] = true
		}
	}
	if len(kinds) < 6 || len(r.Errors) != 0 {
		t.Errorf("analyze: kinds %v, errors %v", kinds, r.Errors)
	}
	wantHosts := []string{host}
	if root {
		wantHosts = append(wantHosts, host+"/pid:"+strconv.Itoa(nsPID))
	}
	if strings.Join(r.Hosts, ",") != strings.Join(wantHosts, ",") {
		t.Errorf("hosts %v, want %v", r.Hosts, wantHosts)
	}
}

// TestCollectUnprivileged runs collect as nobody (or as the unprivileged
// user running the tests): it still writes a bundle, and the manifest says
// what needed root.
func TestCollectUnprivileged(t *testing.T) {
	// nobody must reach the binary and the output: $TMPDIR may be a
	// private directory, /tmp is world-traversable.
	parent := ""
	if os.Geteuid() == 0 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "nettriage-unpriv")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	exe := filepath.Join(dir, "nettriage")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "b.tar.gz")
	cmd := exec.Command(exe, "collect", "-q", "--output", out, "--interval", "200ms", "--pid", "1")
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	stdout, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	man := readManifest(t, data)
	if man.Privileged {
		t.Fatal("manifest says privileged")
	}
	notes := strings.Join(man.Notes, "\n")
	if !strings.Contains(notes, "collected without root") || !strings.Contains(string(stdout), "collected without root") {
		t.Errorf("notes %q\nstdout %s", notes, stdout)
	}
	// pid 1 belongs to root: its descriptors cannot be read.
	var owners *artifact.CollectFile
	for i, f := range man.Files {
		if f.Path == "procfs/socket-owners" {
			owners = &man.Files[i]
		}
	}
	if owners == nil || !owners.Stored || !owners.NeedsRoot || !strings.Contains(notes, owners.From) {
		t.Errorf("socket owners: %+v", owners)
	}
	arts, _ := artifact.Expand([]artifact.Input{{Name: "b.tar.gz", Data: data}}, artifact.DefaultLimits())
	kinds := map[artifact.Kind]bool{}
	for _, a := range arts {
		kinds[a.Kind] = true
	}
	if !kinds[artifact.KindCounters] || !kinds[artifact.KindSysctl] || !kinds[artifact.KindProcesses] {
		t.Errorf("unprivileged bundle kinds %v", kinds)
	}
}

func TestWatch(t *testing.T) {
	start := time.Now()
	out, stderr, code := run(t, nil, "watch", "--interval", "200ms", "--count", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, watch.Header); n != 2 || !strings.Contains(out, "== tick 2/2") || strings.Contains(out, "\x1b") {
		t.Errorf("two plain ticks expected:\n%s", out)
	}
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Errorf("two ticks of 200ms took %s", took)
	}

	pid := startChild(t, "sleep", "30")
	out, stderr, code = run(t, nil, "watch", "--interval", "200ms", "--count", "1", "--pid", strconv.Itoa(pid))
	if code != 0 || !strings.Contains(out, "== tick 1/1") || !strings.Contains(out, "pid "+strconv.Itoa(pid)+" (sleep)") {
		t.Errorf("watch --pid: exit %d\n%s%s", code, out, stderr)
	}
	for _, args := range [][]string{{"--interval", "0s"}, {"--count", "-1"}, {"--pid", "2147483647"}} {
		if _, _, code := run(t, nil, append([]string{"watch"}, args...)...); code != 2 {
			t.Errorf("watch %v: exit %d, want 2", args, code)
		}
	}
}
