package artifact_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/internal/hostile"
	"github.com/nettriage/nettriage/internal/hostile/parseall"
)

// Each hostile case runs in a child process (this test binary, re-executed
// with HOSTILE_INPUT set) so that its memory can be measured and bounded:
// the parent polls the child's VmRSS and kills it past hardRSS, so a
// regression fails the test instead of taking the machine down, and then
// asserts the child's peak RSS (rusage) under maxRSS. The child expands
// the input under artifact.DefaultLimits() and parses every artifact.
const (
	maxRSS  = 1 << 30 // the budget: expansion + parsing of any hostile input
	hardRSS = maxRSS + 256<<20
)

// childResult is what the child reports on stdout.
type childResult struct {
	Errors    []artifact.Error
	Artifacts []childArtifact
	Parsed    int
}

type childArtifact struct {
	Name string
	Host string
	Kind artifact.Kind
	Len  int
}

func TestMain(m *testing.M) {
	if in := os.Getenv("HOSTILE_INPUT"); in != "" {
		os.Exit(hostileChild(in, os.Getenv("HOSTILE_NAME")))
	}
	os.Exit(m.Run())
}

func hostileChild(file, name string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	arts, errs := artifact.Expand([]artifact.Input{{Name: name, Data: data}}, artifact.DefaultLimits())
	data = nil
	res := childResult{Errors: errs}
	var keep []any
	for _, a := range arts {
		v, _ := parseall.Parse(a)
		if v != nil {
			keep = append(keep, v)
			res.Parsed++
		}
		res.Artifacts = append(res.Artifacts, childArtifact{Name: a.Name, Host: a.Host, Kind: a.Kind, Len: len(a.Data)})
	}
	runtime.KeepAlive(keep)
	runtime.KeepAlive(arts)
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// vmRSS reads a process's resident set size from /proc.
func vmRSS(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// runHostile expands data (as an input called name) in a child process
// and returns what it found and its peak RSS.
func runHostile(t *testing.T, name string, data []byte) (childResult, int64) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HOSTILE_INPUT="+file, "HOSTILE_NAME="+name)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := int64(0)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var werr error
wait:
	for {
		select {
		case werr = <-done:
			break wait
		case <-tick.C:
			if rss, ok := vmRSS(cmd.Process.Pid); ok && rss > hardRSS && killed == 0 {
				killed = rss
				cmd.Process.Kill()
			}
		}
	}
	if killed > 0 {
		t.Fatalf("%s: child killed at %d MiB RSS (hard limit %d MiB)", name, killed>>20, hardRSS>>20)
	}
	if werr != nil {
		t.Fatalf("%s: child failed: %v\n%s", name, werr, stderr.String())
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // kB on Linux
	var res childResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%s: child output: %v\n%s", name, err, stdout.String())
	}
	t.Logf("%s: %d bytes in, %d artifacts, %d errors, peak RSS %d MiB", name, len(data), len(res.Artifacts), len(res.Errors), peak>>20)
	if peak > maxRSS {
		t.Errorf("%s: peak RSS %d MiB, over the %d MiB budget", name, peak>>20, maxRSS>>20)
	}
	return res, peak
}

func (r childResult) artifact(name string) (childArtifact, bool) {
	for _, a := range r.Artifacts {
		if a.Name == name {
			return a, true
		}
	}
	return childArtifact{}, false
}

// wantErrors checks the errors exactly: artifact and message prefix.
func wantErrors(t *testing.T, got []artifact.Error, want ...artifact.Error) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("errors = %q, want %q", got, want)
		return
	}
	for i := range want {
		if got[i].Artifact != want[i].Artifact || !strings.HasPrefix(got[i].Message, want[i].Message) {
			t.Errorf("error %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func wantArtifact(t *testing.T, r childResult, name string, kind artifact.Kind) {
	t.Helper()
	a, ok := r.artifact(name)
	if !ok {
		t.Errorf("artifact %q missing (have %d artifacts)", name, len(r.Artifacts))
		return
	}
	if a.Kind != kind {
		t.Errorf("artifact %q is %s, want %s", name, a.Kind, kind)
	}
}

func TestHostileTarGzBomb(t *testing.T) {
	// 600 MiB of syslog in a tar.gz of about 4 MB: inside the default
	// limits (2 GiB a member, 4 GiB in all) but 150 times its size.
	bomb := hostile.TarGzBomb(600)
	r, _ := runHostile(t, "sos.tar.gz", bomb)
	wantErrors(t, r.Errors, artifact.Error{Artifact: "sos.tar.gz", Message: fmt.Sprintf(
		"expands to more than 100 times its compressed size of %d bytes (over %d bytes): refused as a likely decompression bomb", len(bomb), 100*len(bomb))})
	if len(r.Artifacts) != 0 {
		t.Errorf("artifacts from the bomb: %+v", r.Artifacts)
	}
}

func TestHostileTarGzBombMember(t *testing.T) {
	// The same bomb, small enough for the stream's limit (100 times the
	// archive) but not for the member's own ratio: the member is refused
	// as it is read, and the sysctl file after it is analysed.
	bomb := hostile.TarGzBombPadded(100, 2)
	r, _ := runHostile(t, "sos.tar.gz", bomb)
	wantErrors(t, r.Errors, artifact.Error{Artifact: "sos.tar.gz!sosreport-node-1-2024-01-15-abcdefg/var/log/messages",
		Message: "member expands to more than 100 times its compressed size (past 67108864 bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)"})
	wantArtifact(t, r, "sos.tar.gz!"+hostile.SysctlMember, artifact.KindSysctl)
}

func TestHostileZipBomb(t *testing.T) {
	bomb := hostile.ZipBomb(600, false)
	r, _ := runHostile(t, "logs.zip", bomb)
	wantErrors(t, r.Errors, artifact.Error{Artifact: "logs.zip!node-1/var/log/messages",
		Message: "member expands to 629145600 bytes or more from "})
	if len(r.Errors) == 1 && !strings.HasSuffix(r.Errors[0].Message, "(more than 100 times, over 67108864 bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)") {
		t.Errorf("message %q", r.Errors[0].Message)
	}
	wantArtifact(t, r, "logs.zip!node-1/sysctl_-a", artifact.KindSysctl)

	// Headers that understate the size: reading stops at the declared size.
	r, _ = runHostile(t, "logs.zip", hostile.ZipBomb(600, true))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "logs.zip!node-1/var/log/messages",
		Message: "member inflates to more than the 1048576 bytes its header declares; refused (the rest of the archive is read)"})
	wantArtifact(t, r, "logs.zip!node-1/sysctl_-a", artifact.KindSysctl)
}

func TestHostileSparseTar(t *testing.T) {
	r, _ := runHostile(t, "sparse.tar", hostile.SparseTar(3))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "sparse.tar!node-1/var/log/messages",
		Message: "sparse member of 3221225472 bytes exceeds the size limit of 2147483648 bytes per file; skipped (the rest of the archive is read)"})
	wantArtifact(t, r, "sparse.tar!node-1/sysctl_-a", artifact.KindSysctl)

	r, _ = runHostile(t, "sparse.tar", hostile.SparseTar(1))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "sparse.tar!node-1/var/log/messages",
		Message: "sparse member of 1073741824 bytes from an archive of 3072 bytes (more than 100 times, over 67108864 bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)"})
	wantArtifact(t, r, "sparse.tar!node-1/sysctl_-a", artifact.KindSysctl)
}

func TestHostileXzDictionary(t *testing.T) {
	r, _ := runHostile(t, "tiny.xz", hostile.XzHugeDict(40))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "tiny.xz",
		Message: "xz block at byte 12 asks for a 4294967295-byte dictionary, over the limit of 67108864 bytes (xz -9 uses 64 MiB); not decompressed"})
}

func TestHostileNesting(t *testing.T) {
	r, _ := runHostile(t, "nested.tar", hostile.Nested(4))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "nested.tar!level-1.tar!level-2.tar",
		Message: "archive nested deeper than 1 level(s); not expanded"})
}

func TestHostileLongLines(t *testing.T) {
	// A 2 GiB line, gzipped: refused as it is read, never buffered whole.
	r, _ := runHostile(t, "line.gz", hostile.LongLineGz(2048))
	wantErrors(t, r.Errors, artifact.Error{Artifact: "line.gz",
		Message: "expands to more than 100 times its compressed size (past 67108864 bytes): refused as a likely decompression bomb"})
	// A 60 MiB line passes expansion; the parser cuts it.
	r, _ = runHostile(t, "line.gz", hostile.LongLineGz(60))
	wantErrors(t, r.Errors)
	if a, ok := r.artifact("line.gz"); !ok || a.Kind != artifact.KindLog || a.Len != 60<<20+1 || r.Parsed != 1 {
		t.Errorf("60 MiB line: %+v parsed %d", r.Artifacts, r.Parsed)
	}
}

func TestHostileEvents(t *testing.T) {
	// 60 MiB (under the bomb floor) of log lines that are all events.
	r, _ := runHostile(t, "sos.tar.gz", hostile.TarGzBomb(60))
	wantErrors(t, r.Errors)
	wantArtifact(t, r, "sos.tar.gz!sosreport-node-1-2024-01-15-abcdefg/var/log/messages", artifact.KindLog)
	wantArtifact(t, r, "sos.tar.gz!"+hostile.SysctlMember, artifact.KindSysctl)
}

func TestHostileManyRoots(t *testing.T) {
	const n = 20000
	r, _ := runHostile(t, "roots.tar.gz", hostile.ManyRoots(n))
	wantErrors(t, r.Errors)
	hosts := map[string]bool{}
	for _, a := range r.Artifacts {
		if a.Kind != artifact.KindSysctl {
			t.Fatalf("artifact %q is %s", a.Name, a.Kind)
		}
		hosts[a.Host] = true
	}
	if len(r.Artifacts) != 2*n || len(hosts) != n {
		t.Errorf("%d artifacts on %d hosts, want %d on %d", len(r.Artifacts), len(hosts), 2*n, n)
	}
	wantArtifact(t, r, "roots.tar.gz!sosreport-node-19999-2024-01-15-abcdefg/proc/sys", artifact.KindSysctl)
}

func TestHostileNames(t *testing.T) {
	// Escapes are kept in names (display code escapes them); a NUL is
	// refused, as are names that climb out or are absolute.
	for _, c := range []struct {
		name string
		data []byte
		nul  bool
	}{{"names.zip", hostile.EscapeZip(), true}, {"names.tar", hostile.EscapeTar(), false}} {
		arts, errs := artifact.Expand([]artifact.Input{{Name: c.name, Data: c.data}}, artifact.DefaultLimits())
		want := []artifact.Error{}
		if c.nul {
			want = append(want, artifact.Error{Artifact: c.name + "!" + hostile.EscapeNames[2], Message: "member name contains a NUL byte; rejected"})
		}
		want = append(want, artifact.Error{Artifact: c.name + "!../x", Message: "unsafe member name rejected (absolute or outside the archive)"})
		if c.nul {
			want = append(want, artifact.Error{Artifact: c.name + "!/etc/passwd", Message: "unsafe member name rejected (absolute or outside the archive)"})
		}
		wantErrors(t, errs, want...)
		got := map[string]artifact.Kind{}
		for _, a := range arts {
			got[a.Name] = a.Kind
			if a.Host != artifact.DefaultHost { // node-1 is the one directory all share
				t.Errorf("%q: host %q", a.Name, a.Host)
			}
		}
		for _, n := range hostile.EscapeNames[:2] {
			if got[c.name+"!"+n] != artifact.KindSysctl {
				t.Errorf("%s: member %q: %v (have %q)", c.name, n, got[c.name+"!"+n], got)
			}
		}
		if len(arts) != 2 {
			t.Errorf("%s: %d artifacts", c.name, len(arts))
		}
	}
}

func TestNegativeLimitsMeanDefaults(t *testing.T) {
	in := []artifact.Input{{Name: "sparse.tar", Data: hostile.SparseTar(3)}}
	for _, lim := range []artifact.Limits{{}, {MaxTotalBytes: -1, MaxFiles: -5, MaxFileBytes: -1, MaxNesting: -1}} {
		arts, errs := artifact.Expand(in, lim)
		if len(arts) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Message, "size limit of 2147483648 bytes per file") {
			t.Errorf("%+v: %d artifacts, errors %v", lim, len(arts), errs)
		}
	}
	// One budget: the input itself counts against MaxTotalBytes.
	_, errs := artifact.Expand([]artifact.Input{{Name: "a", Data: []byte("x\n")}, {Name: "b", Data: make([]byte, 100)}}, artifact.Limits{MaxTotalBytes: 50})
	wantErrors(t, errs, artifact.Error{Artifact: "b", Message: "input of 100 bytes does not fit in the total limit of 50 bytes"})
}
