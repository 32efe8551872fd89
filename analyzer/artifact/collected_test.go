package artifact

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/parse/counters"
)

// collectedEntries builds a small bundle as `nettriage collect` lays it out.
func collectedEntries(t *testing.T, man CollectManifest) []entry {
	t.Helper()
	js, err := json.Marshal(man)
	if err != nil {
		t.Fatal(err)
	}
	top := "nettriage-node-7-20240131-101500/"
	netstat := func(paws int) string {
		return "TcpExt: SyncookiesSent PAWSPassive ListenDrops\nTcpExt: 0 " + strconv.Itoa(paws) + " " + strconv.Itoa(paws) + "\n"
	}
	snmp := func(estab int) string {
		return "Tcp: RtoAlgorithm ActiveOpens CurrEstab\nTcp: 1 10 " + strconv.Itoa(estab) + "\n"
	}
	return []entry{
		{name: top + "hostname", body: "node-7.example.com\n"},
		{name: top + "snapshot-1/proc/net/netstat", body: netstat(3)},
		{name: top + "snapshot-1/proc/net/snmp", body: snmp(4)},
		{name: top + "snapshot-1/proc/net/softnet_stat", body: strings.Repeat("0000a1b2 ", 13) + "\n"},
		{name: top + "snapshot-1/proc/net/stat/nf_conntrack", body: "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
			"00000010  00000000 00000001 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n"},
		{name: top + "proc/sys/net/ipv4/tcp_tw_recycle", body: "1\n"},
		{name: top + "proc/sys/kernel/osrelease", body: "4.9.0\n"},
		{name: top + "pid/4242/proc/sys/net/ipv4/ip_forward", body: "0\n"},
		{name: top + "pid/4242/snapshot-1/proc/net/netstat", body: netstat(0)},
		{name: top + "pid/4242/proc/net/tcp", body: "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"},
		{name: top + "pid/4242/commands/nsenter_-t_4242_-n_ss_-tanpoi", body: "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      128    0.0.0.0:8080       0.0.0.0:*\n"},
		{name: top + "commands/ss_-tanpoi", body: "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      128    0.0.0.0:22         0.0.0.0:*\n"},
		{name: top + "procfs/socket-owners", body: "INODE PID COMM\n123 1 systemd\n"},
		{name: top + "snapshot-2/proc/net/netstat", body: netstat(9)},
		{name: top + "snapshot-2/proc/net/snmp", body: snmp(6)},
		{name: top + "manifest.json", body: string(js)},
	}
}

func testManifest() CollectManifest {
	return CollectManifest{
		Schema: CollectSchema, Host: "node-7", Interval: "10s", Privileged: true,
		Files: []CollectFile{
			{Path: "snapshot-1/proc/net/netstat", Source: "file", From: "/proc/net/netstat", Snapshot: 1, Stored: true},
			{Path: "snapshot-1/proc/net/snmp", Source: "file", From: "/proc/net/snmp", Snapshot: 1, Stored: true},
			{Path: "snapshot-1/proc/net/softnet_stat", Source: "file", From: "/proc/net/softnet_stat", Snapshot: 1, Stored: true},
			{Path: "snapshot-1/proc/net/stat/nf_conntrack", Source: "file", From: "/proc/net/stat/nf_conntrack", Snapshot: 1, Stored: true},
			{Path: "snapshot-2/proc/net/netstat", Source: "file", From: "/proc/net/netstat", Snapshot: 2, Stored: true},
			{Path: "snapshot-2/proc/net/snmp", Source: "file", From: "/proc/net/snmp", Snapshot: 2, Stored: true},
			{Path: "proc/sys/", Source: "file", From: "/proc/sys/net", Stored: true, Files: 2},
			{Path: "pid/4242/proc/sys/", Source: "file", From: "/proc/sys/net", Namespace: "pid:4242", Stored: true, Files: 1},
			{Path: "pid/4242/snapshot-1/proc/net/netstat", Source: "file", From: "/proc/4242/net/netstat", Namespace: "pid:4242", Snapshot: 1, Stored: true},
			{Path: "pid/4242/proc/net/tcp", Source: "file", From: "/proc/4242/net/tcp", Namespace: "pid:4242", Stored: true},
			{Path: "pid/4242/commands/nsenter_-t_4242_-n_ss_-tanpoi", Source: "command", From: "nsenter -t 4242 -n ss -tanpoi", Stored: true},
			{Path: "commands/ss_-tanpoi", Source: "command", From: "ss -tanpoi", Stored: true},
			{Path: "commands/iptables-save", Source: "command", From: "iptables-save", Missing: true, Error: "not installed"},
			{Path: "procfs/socket-owners", Source: "procfs", From: "procfs: /proc/*/fd", Stored: true},
		},
	}
}

func TestCollectedBundleLabels(t *testing.T) {
	data := gzipBytes(t, tarBytes(t, collectedEntries(t, testManifest())))
	arts, errs := Expand([]Input{{Name: "bundle.tar.gz", Data: data}}, DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	byName := map[string]*Artifact{}
	for _, a := range arts {
		byName[strings.TrimPrefix(a.Name, "bundle.tar.gz!nettriage-node-7-20240131-101500/")] = a
		if a.Host != "node-7" {
			t.Errorf("%s: host %q, want node-7", a.Name, a.Host)
		}
	}
	want := map[string]struct {
		kind Kind
		ns   string
	}{
		"hostname":                                        {KindSystem, ""},
		"snapshot-1/proc/net/netstat+snmp":                {KindCounters, ""},
		"snapshot-2/proc/net/netstat+snmp":                {KindCounters, ""},
		"snapshot-1/proc/net/stat/nf_conntrack":           {KindConntrack, ""},
		"proc/sys":                                        {KindSysctl, ""},
		"pid/4242/proc/sys":                               {KindSysctl, "pid:4242"},
		"pid/4242/snapshot-1/proc/net/netstat":            {KindCounters, "pid:4242"},
		"pid/4242/commands/nsenter_-t_4242_-n_ss_-tanpoi": {KindSockets, "pid:4242"},
		"commands/ss_-tanpoi":                             {KindSockets, ""},
		"pid/4242/proc/net/tcp":                           {KindSockets, "pid:4242"},
	}
	for name, w := range want {
		a := byName[name]
		if a == nil {
			t.Errorf("no artifact %s; have %v", name, keys(byName))
			continue
		}
		if a.Kind != w.kind || a.Namespace != w.ns {
			t.Errorf("%s: kind %s namespace %q, want %s %q", name, a.Kind, a.Namespace, w.kind, w.ns)
		}
	}
	if len(byName) != len(want) {
		t.Errorf("artifacts %v, want exactly %v (softnet_stat, socket-owners and the manifest left out)", keys(byName), want)
	}
	if a := byName["pid/4242/commands/nsenter_-t_4242_-n_ss_-tanpoi"]; a != nil && a.Command != "ss -tanpoi" {
		t.Errorf("nsenter command %q, want the wrapped ss -tanpoi", a.Command)
	}
	if a := byName["proc/sys"]; a != nil && string(a.Data) != "kernel.osrelease = 4.9.0\nnet.ipv4.tcp_tw_recycle = 1\n" {
		t.Errorf("host sysctl %q", a.Data)
	}

	// One snapshot per counters artifact, holding both netstat and snmp
	// counters, so the two snapshots compare counter by counter.
	first := byName["snapshot-1/proc/net/netstat+snmp"]
	last := byName["snapshot-2/proc/net/netstat+snmp"]
	if first == nil || last == nil {
		return
	}
	s1, w1 := counters.Parse(first.Name, first.Data)
	s2, _ := counters.Parse(last.Name, last.Data)
	if len(w1) > 0 || len(s1.Snapshots) != 1 || len(s2.Snapshots) != 1 {
		t.Fatalf("snapshots %d/%d, warnings %v", len(s1.Snapshots), len(s2.Snapshots), w1)
	}
	d := counters.Delta(s1.Snapshots[0], s2.Snapshots[0])
	if d["TcpExt.PAWSPassive"] != 6 || d["Tcp.CurrEstab"] != 2 {
		t.Errorf("deltas %v", d)
	}
	if ref := s1.Snapshots[0].Values["Tcp.CurrEstab"].Src; ref.Line != 5 {
		t.Errorf("Tcp.CurrEstab at line %d of %q, want 5 (after the netstat part and two comment lines)", ref.Line, first.Data)
	}
}

// Without a manifest of ours (another tool's manifest.json), the bundle is
// read like any directory tree.
func TestCollectedNeedsOurManifest(t *testing.T) {
	man := testManifest()
	man.Schema = "something-else/v1"
	data := gzipBytes(t, tarBytes(t, collectedEntries(t, man)))
	arts, _ := Expand([]Input{{Name: "bundle.tar.gz", Data: data}}, DefaultLimits())
	for _, a := range arts {
		if strings.HasSuffix(a.Name, "netstat+snmp") || a.Namespace == "pid:4242" && !strings.Contains(a.Name, "nsenter") {
			t.Errorf("%s (namespace %q) labelled from a foreign manifest", a.Name, a.Namespace)
		}
	}
}

func keys(m map[string]*Artifact) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
