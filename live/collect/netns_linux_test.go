//go:build linux

package collect

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInNetNS reads /proc/sys/net inside another network namespace. As
// root (CI) it creates one with unshare and checks that the view is that
// namespace's: its own interfaces only, while the host's stay as they
// were. Without root, entering must fail with a permission error.
func TestInNetNS(t *testing.T) {
	hostConf := confDirs(t, "/proc/sys/net/ipv4/conf")
	if os.Geteuid() != 0 {
		err := inNetNS("/proc/1/ns/net", func() { t.Error("ran without the privilege to enter") })
		if err == nil || !isPermission(err) {
			t.Fatalf("entering pid 1's namespace unprivileged: %v", err)
		}
		return
	}
	child := exec.Command("unshare", "-n", "sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatalf("unshare -n (root, util-linux): %v", err)
	}
	defer func() {
		child.Process.Kill()
		child.Wait()
	}()
	nsPath := filepath.Join("/proc", strconv.Itoa(child.Process.Pid), "ns/net")
	self, _ := os.Readlink("/proc/self/ns/net")
	// unshare execs sleep once the namespace exists.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if l, err := os.Readlink(nsPath); err == nil && l != self {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never entered its own network namespace")
		}
		time.Sleep(10 * time.Millisecond)
	}

	var tree sysctlTree
	var inside []string
	var readErr error
	err := inNetNS(nsPath, func() {
		tree = readSysctls("/proc/sys", false)
		inside, readErr = readNames("/proc/sys/net/ipv4/conf")
	})
	if err != nil || readErr != nil {
		t.Fatal(err, readErr)
	}
	if strings.Join(inside, " ") != "all default lo" {
		t.Errorf("interfaces inside a new namespace %v, want all default lo (host has %v)", inside, hostConf)
	}
	var sawLo bool
	for _, f := range tree.files {
		if strings.HasPrefix(f.rel, "net/ipv4/conf/lo/") {
			sawLo = true
		}
		for _, h := range hostConf {
			if h != "all" && h != "default" && h != "lo" && strings.HasPrefix(f.rel, "net/ipv4/conf/"+h+"/") {
				t.Errorf("host interface %s seen inside the namespace", h)
			}
		}
	}
	if !sawLo || len(tree.files) < 50 {
		t.Errorf("%d settings read inside the namespace", len(tree.files))
	}
	// Back in the host's namespace: the host's interfaces again, on any
	// thread.
	for i := 0; i < 4; i++ {
		if got := confDirs(t, "/proc/sys/net/ipv4/conf"); strings.Join(got, " ") != strings.Join(hostConf, " ") {
			t.Fatalf("after inNetNS: %v, want the host's %v", got, hostConf)
		}
	}
}

func confDirs(t *testing.T, dir string) []string {
	t.Helper()
	names, err := readNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// readNames lists a directory; it runs inside inNetNS, where t.Fatal must
// not be called.
func readNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out, err
}
