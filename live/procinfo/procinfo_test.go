package procinfo

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/procfs"

	"github.com/nettriage/nettriage/analyzer/parse/processes"
)

// fixture is a small /proc tree: init, a kernel thread, sshd, an Envoy in
// another network namespace, and a process that exited while the table was
// read (only a directory left).
func fixture(t *testing.T) procfs.FS {
	t.Helper()
	pfs, err := procfs.NewFS("testdata/proc")
	if err != nil {
		t.Fatal(err)
	}
	return pfs
}

func TestProcesses(t *testing.T) {
	procs, denied, err := Processes(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if denied != 0 {
		t.Errorf("denied = %d", denied)
	}
	var pids []int
	for _, p := range procs {
		pids = append(pids, p.PID)
	}
	if !reflect.DeepEqual(pids, []int{1, 2, 812, 4242}) {
		t.Fatalf("pids %v, want 1 2 812 4242 (999 exited)", pids)
	}
	envoy := procs[3]
	if envoy.PPID != 4200 || envoy.UID != 1337 || envoy.NetNS != 4026532300 || envoy.Comm != "envoy" ||
		envoy.Command() != "/usr/local/bin/envoy -c /etc/envoy/envoy.yaml --service-cluster web" {
		t.Errorf("envoy %+v %q", envoy, envoy.Command())
	}
	if got := procs[1].Command(); got != "[kthreadd]" {
		t.Errorf("kernel thread command %q", got)
	}
	if procs[0].NetNS != 4026531840 || procs[0].State != "S" {
		t.Errorf("init %+v", procs[0])
	}

	// The table is what `ps -eo pid,ppid,uid,stat,netns,args` prints, and
	// our own ps parser reads it back.
	var buf bytes.Buffer
	if err := WriteProcesses(&buf, procs); err != nil {
		t.Fatal(err)
	}
	tab, warns := processes.Parse("processes", buf.Bytes())
	if len(warns) > 0 || len(tab.Processes) != 4 {
		t.Fatalf("parsed %d processes, warnings %v:\n%s", len(tab.Processes), warns, buf.String())
	}
	sshd := tab.Processes[2]
	if sshd.PID != 812 || sshd.PPID != 1 || sshd.User != "0" || sshd.Name() != "sshd" ||
		sshd.Fields["NETNS"] != "4026531840" || !strings.Contains(sshd.Command, "[listener] 0 of 10-100") {
		t.Errorf("sshd read back as %+v", sshd)
	}
	if got := tab.Find("envoy.yaml"); len(got) != 1 || got[0].Fields["NETNS"] != "4026532300" {
		t.Errorf("envoy read back as %+v", got)
	}
}

func TestSocketOwners(t *testing.T) {
	pfs := fixture(t)
	procs, _, err := Processes(pfs)
	if err != nil {
		t.Fatal(err)
	}
	owners, denied := SocketOwners(pfs, procs)
	if len(denied) != 0 {
		t.Errorf("denied %v", denied)
	}
	want := map[uint64][]Owner{
		1001: {{1, "systemd"}, {812, "sshd"}}, // inherited across fork
		2001: {{812, "sshd"}},
		3001: {{4242, "envoy"}},
		3002: {{4242, "envoy"}},
	}
	if !reflect.DeepEqual(owners, want) {
		t.Errorf("owners %v, want %v", owners, want)
	}
	var buf bytes.Buffer
	if err := WriteOwners(&buf, owners); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 6 || strings.Fields(lines[0])[0] != "INODE" || strings.Join(strings.Fields(lines[2]), " ") != "1001 812 sshd" {
		t.Errorf("owners table:\n%s", buf.String())
	}
}

func TestSocketInode(t *testing.T) {
	for target, want := range map[string]uint64{"socket:[12345]": 12345, "pipe:[77]": 0, "socket:[x]": 0, "socket:[1": 0, "/dev/null": 0} {
		got, ok := socketInode(target)
		if got != want || ok != (want != 0) {
			t.Errorf("socketInode(%q) = %d %v", target, got, ok)
		}
	}
}

func TestNetNS(t *testing.T) {
	pfs := fixture(t)
	if ns, err := NetNS(pfs, 4242); err != nil || ns != 4026532300 {
		t.Errorf("NetNS(4242) = %d, %v", ns, err)
	}
	if _, err := NetNS(pfs, 999); err == nil {
		t.Error("NetNS of a process without ns/ succeeded")
	}
	if _, err := NetNS(pfs, 31337); err == nil {
		t.Error("NetNS of a missing process succeeded")
	}
}

func TestConntrackAndIPVS(t *testing.T) {
	pfs := fixture(t)
	ct, err := Conntrack(pfs)
	if err != nil {
		t.Fatal(err)
	}
	// Two CPU rows: events are summed, the table size is not.
	want := map[string]uint64{"entries": 100, "found": 15, "new": 30, "invalid": 4, "ignore": 2, "delete": 24,
		"insert": 30, "insert_failed": 7, "drop": 2, "early_drop": 0, "search_restart": 3}
	if !reflect.DeepEqual(ct, want) {
		t.Errorf("conntrack %v, want %v", ct, want)
	}
	vs, err := IPVS(pfs)
	if err != nil {
		t.Fatal(err)
	}
	if vs["Conns"] != 0x16e || vs["InPackets"] != 0xa2b3c || vs["InBytes"] != 0x4f3b2a1c {
		t.Errorf("ipvs %v", vs)
	}
	empty, err := procfs.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Conntrack(empty); err == nil {
		t.Error("conntrack without nf_conntrack succeeded")
	}
}
