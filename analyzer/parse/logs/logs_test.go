package logs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const corpusDir = "../../../testdata/corpus/kernel-log"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseFile(t *testing.T, path string, opt Options) (*Log, []string) {
	t.Helper()
	log, warns := Parse(filepath.Base(path), readFile(t, path), opt)
	var ws []string
	for _, w := range warns {
		ws = append(ws, w.String())
	}
	return log, ws
}

func kinds(log *Log) []string {
	var ks []string
	for _, e := range log.Events {
		ks = append(ks, e.Kind)
	}
	return ks
}

// checkEvent compares selected fields of an event.
func checkEvent(t *testing.T, e *Event, kind string, want map[string]string) {
	t.Helper()
	if e.Kind != kind {
		t.Errorf("line %d: kind %q, want %q (%q)", e.Src.Line, e.Kind, kind, e.Message)
		return
	}
	for k, v := range want {
		if got, ok := e.Fields[k]; !ok || got != v {
			t.Errorf("line %d %s: field %s = %q (present %v), want %q", e.Src.Line, kind, k, got, ok, v)
		}
	}
}

func TestCorpusDmesgSynFlooding(t *testing.T) {
	path := filepath.Join(corpusDir, "cuberite-issue-4596__dmesg_syn_flooding.log")
	boot := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	log, warns := parseFile(t, path, Options{Boot: boot})
	if log.Lines != 9 || len(log.Events) != 9 {
		t.Fatalf("lines %d events %d, want 9 and 9", log.Lines, len(log.Events))
	}
	if len(warns) != 0 {
		t.Errorf("unexpected warnings: %v", warns)
	}
	ports := map[string]int{}
	for _, e := range log.Events {
		checkEvent(t, e, KindSynFlood, map[string]string{"action": "cookies", "sock": "request_sock_TCP"})
		ports[e.Fields["port"]]++
		if e.Program != "kernel" || !e.HasUptime || !e.HasTime || !e.HasYear {
			t.Errorf("line %d: program %q uptime %v time %v year %v", e.Src.Line, e.Program, e.HasUptime, e.HasTime, e.HasYear)
		}
	}
	if ports["8080"] != 1 || ports["25565"] != 8 {
		t.Errorf("ports %v, want 8080:1 25565:8", ports)
	}
	first := log.Events[0]
	if first.Uptime != 375852*time.Second+589465*time.Microsecond {
		t.Errorf("uptime %v", first.Uptime)
	}
	if want := boot.Add(first.Uptime); !first.Time.Equal(want) || !log.FirstTime.Equal(want) {
		t.Errorf("time %v first %v, want %v", first.Time, log.FirstTime, want)
	}
	if want := boot.Add(388071*time.Second + 524754*time.Microsecond); !log.LastTime.Equal(want) {
		t.Errorf("last time %v, want %v", log.LastTime, want)
	}
	if first.Src.Line != 1 || !strings.HasPrefix(first.Src.Text, "[375852.589465] TCP:") {
		t.Errorf("src %+v", first.Src)
	}

	// Without a boot time dmesg stamps are only uptimes.
	log, _ = parseFile(t, path, Options{})
	if e := log.Events[8]; e.HasTime || !e.HasUptime || e.Uptime != 388071*time.Second+524754*time.Microsecond {
		t.Errorf("no boot: HasTime %v uptime %v", e.HasTime, e.Uptime)
	}
	if !log.FirstTime.IsZero() {
		t.Errorf("no boot: FirstTime %v", log.FirstTime)
	}
}

func TestSeed000IptablesLog(t *testing.T) {
	log, warns := parseFile(t, "testdata/seed000_iptables_log.messages", Options{Year: 2018})
	if len(log.Events) != 3 {
		t.Fatalf("events %v", kinds(log))
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "year 2018 from options") || !strings.Contains(warns[0], "UTC") {
		t.Errorf("warnings %v", warns)
	}
	checkEvent(t, log.Events[0], KindIptablesLog, map[string]string{
		"prefix": "OUTPUT_LOG_10.20.0.6", "IN": "", "OUT": "br-roller", "SRC": "10.20.0.3", "DST": "10.20.0.6",
		"LEN": "60", "TTL": "64", "ID": "13624", "PROTO": "TCP", "SPT": "48598", "DPT": "32672",
		"WINDOW": "29200", "flags": "SYN", "ip_flags": "DF", "URGP": "0", "RES": "0x00",
	})
	checkEvent(t, log.Events[1], KindIptablesLog, map[string]string{"OUT": "lo", "ID": "13625"})
	in := log.Events[2]
	checkEvent(t, in, KindIptablesLog, map[string]string{
		"prefix": "INPUT_LOG_10.20.0.6", "IN": "lo", "OUT": "",
		"MAC": "00:00:00:00:00:00:00:00:00:00:00:00:08:00", "ID": "13625",
	})
	if _, ok := in.Fields["MAC"]; !ok {
		t.Error("MAC missing")
	}
	if in.Host != "node-1.domain.tld" || in.Program != "kernel" || in.PID != 0 {
		t.Errorf("host %q program %q pid %d", in.Host, in.Program, in.PID)
	}
	want := time.Date(2018, 11, 20, 22, 36, 38, 0, time.UTC)
	if !in.Time.Equal(want) || !in.HasYear || !log.YearInferred {
		t.Errorf("time %v hasYear %v inferred %v", in.Time, in.HasYear, log.YearInferred)
	}
	if !log.FirstTime.Equal(time.Date(2018, 11, 20, 22, 36, 36, 0, time.UTC)) || !log.LastTime.Equal(want) {
		t.Errorf("span %v .. %v", log.FirstTime, log.LastTime)
	}
}

func TestSeed000WithLocation(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	log, _ := parseFile(t, "testdata/seed000_iptables_log.messages", Options{Year: 2018, Location: shanghai})
	want := time.Date(2018, 11, 20, 14, 36, 36, 0, time.UTC)
	if got := log.Events[0].Time; !got.Equal(want) {
		t.Errorf("time %v, want %v", got.UTC(), want)
	}
}

func TestSeed002IPVS(t *testing.T) {
	log, warns := parseFile(t, "testdata/seed002_ipvs_del_service.messages", Options{})
	if len(log.Events) != 4 {
		t.Fatalf("events %v", kinds(log))
	}
	for _, e := range log.Events {
		checkEvent(t, e, KindIPVSDelService, map[string]string{"func": "__ip_vs_del_service", "detail": "enter"})
		if e.Host != "test-agent-3" || e.HasYear || !e.HasTime {
			t.Errorf("host %q hasYear %v hasTime %v", e.Host, e.HasYear, e.HasTime)
		}
		if e.Time.Month() != time.July || e.Time.Day() != 12 || e.Time.Hour() != 21 || e.Time.Year() != 0 {
			t.Errorf("time %v", e.Time)
		}
	}
	if log.YearInferred {
		t.Error("YearInferred without any year source")
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "year unknown") {
		t.Errorf("warnings %v", warns)
	}
}

func TestKeepalivedOld(t *testing.T) {
	log, warns := parseFile(t, "testdata/keepalived_1.3_healthcheckers.messages", Options{Year: 2018})
	if len(warns) != 1 {
		t.Errorf("warnings %v", warns)
	}
	want := []struct {
		kind   string
		fields map[string]string
	}{
		{KindKeepalivedFail, map[string]string{"real": "10.244.3.27:5432", "check": "TCP"}},
		{KindKeepalivedRemove, map[string]string{"real": "10.244.3.27:5432", "vs": "192.168.128.5:5432"}},
		{KindKeepalivedQuorum, map[string]string{"action": "lost", "vs": "192.168.128.5:5432", "detail": "1-0=1 > 0"}},
		{KindKeepalivedOK, map[string]string{"real": "10.244.3.27:5432", "check": "TCP"}},
		{KindKeepalivedAdd, map[string]string{"real": "10.244.3.27:5432", "vs": "192.168.128.5:5432"}},
		{KindKeepalivedQuorum, map[string]string{"action": "gained"}},
		{KindKeepalivedFail, map[string]string{"real": "10.244.3.28:8080", "check": "HTTP"}},
		{KindKeepalivedFail, map[string]string{"real": "10.244.3.28:8080", "check": "", "retry": "1"}},
		{KindKeepalivedRemove, map[string]string{"real": "10.244.3.28:8080", "vs": "192.168.128.6:80"}},
		{KindKeepalivedFail, map[string]string{"real": "10.1.18.2", "check": "MISC", "script": "/etc/keepalived/HC/HC-DB-master 10.1.18.21"}},
		{KindVRRPScript, map[string]string{"script": "check_for_vip", "result": "failed"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "FAULT", "action": "enter"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "action": "remove-vips"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "FAULT"}},
		{KindVRRPVIP, map[string]string{"vip": "192.168.128.5", "action": "removed"}},
		{KindVRRPScript, map[string]string{"script": "check_for_vip", "result": "succeeded"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "BACKUP"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "MASTER", "action": "transition"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "MASTER", "action": "enter"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "action": "set-vips"}},
		{KindVRRPVIP, map[string]string{"instance": "VI_1", "vip": "192.168.128.5", "dev": "eth0", "action": "garp"}},
		{KindVRRPVIP, map[string]string{"vip": "192.168.128.5", "action": "added"}},
	}
	if len(log.Events) != len(want) {
		t.Fatalf("events %v", kinds(log))
	}
	for i, w := range want {
		checkEvent(t, log.Events[i], w.kind, w.fields)
	}
	e := log.Events[0]
	if e.Program != "Keepalived_healthcheckers" || e.PID != 13 || e.Host != "vip-node-2" {
		t.Errorf("program %q pid %d host %q", e.Program, e.PID, e.Host)
	}
	if _, ok := log.Events[0].Fields["proto"]; ok {
		t.Error("1.x endpoints carry no protocol")
	}
}

func TestKeepalived11YearWrap(t *testing.T) {
	log, _ := parseFile(t, "testdata/keepalived_1.1_old.messages", Options{Year: 2019})
	if len(log.Events) != 4 {
		t.Fatalf("events %v", kinds(log))
	}
	checkEvent(t, log.Events[0], KindKeepalivedFail, map[string]string{"real": "10.244.3.27:5432"})
	checkEvent(t, log.Events[1], KindKeepalivedRemove, map[string]string{"real": "10.244.3.27:5432", "vs": "192.168.128.5:5432"})
	checkEvent(t, log.Events[3], KindKeepalivedAdd, map[string]string{"real": "10.244.3.27:5432", "vs": "192.168.128.5:5432"})
	if log.Events[0].Program != "Keepalived_healthcheckers" || log.Events[0].PID != 0 {
		t.Errorf("program %q pid %d", log.Events[0].Program, log.Events[0].PID)
	}
	// Options.Year is the year of the last line: December belongs to 2018.
	if y := log.Events[1].Time.Year(); y != 2018 {
		t.Errorf("December year %d", y)
	}
	if got, want := log.Events[2].Time, time.Date(2019, 1, 1, 0, 0, 4, 0, time.UTC); !got.Equal(want) {
		t.Errorf("January time %v", got)
	}
	if d := log.LastTime.Sub(log.FirstTime); d != 6*time.Second {
		t.Errorf("span %v", d)
	}
}

func TestKeepalived2Journal(t *testing.T) {
	log, _ := parseFile(t, "testdata/keepalived_2.x_journal.log", Options{Year: 2021})
	want := []struct {
		kind   string
		fields map[string]string
	}{
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "BACKUP", "action": "enter"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "MASTER"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "action": "set-vips"}},
		{KindVRRPVIP, map[string]string{"vip": "10.0.0.100", "dev": "eth0", "action": "garp"}},
		{KindVRRPVIP, map[string]string{"instance": "VI_1", "vip": "10.0.0.100", "dev": "eth0"}},
		{KindKeepalivedFail, map[string]string{"real": "10.0.0.2:80", "proto": "tcp", "check": "TCP"}},
		{KindKeepalivedFail, map[string]string{"real": "10.0.0.2:80", "check": "TCP", "retry": "1"}},
		{KindKeepalivedRemove, map[string]string{"real": "10.0.0.2:80", "vs": "10.0.0.100:80", "proto": "tcp"}},
		{KindKeepalivedQuorum, map[string]string{"action": "lost", "vs": "10.0.0.100:80"}},
		{KindVRRPScript, map[string]string{"script": "chk_lvs", "status": "1", "result": "failed"}},
		{KindVRRPScript, map[string]string{"script": "chk_lvs", "status": "1", "result": "failed"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "state": "FAULT"}},
		{KindVRRPState, map[string]string{"instance": "VI_1", "action": "remove-vips"}},
		{KindKeepalivedOK, map[string]string{"real": "10.0.0.2:80"}},
		{KindKeepalivedAdd, map[string]string{"real": "10.0.0.2:80", "vs": "10.0.0.100:80"}},
		{KindKeepalivedQuorum, map[string]string{"action": "gained"}},
		{KindKeepalivedFail, map[string]string{"real": "10.0.0.3:8080", "check": "HTTP", "retry": "3"}},
		{KindKeepalivedFail, map[string]string{"real": "10.0.0.3:8080", "check": "HTTP"}},
		{KindKeepalivedFail, map[string]string{"real": "10.0.0.4:5432", "vs": "10.0.0.101:5432", "check": "MISC", "script": "/etc/keepalived/chk_pg.sh"}},
		{KindKeepalivedRemove, map[string]string{"real": "[fd00::2]:443", "vs": "[fd00::100]:443"}},
	}
	if len(log.Events) != len(want) {
		t.Fatalf("events %v", kinds(log))
	}
	for i, w := range want {
		checkEvent(t, log.Events[i], w.kind, w.fields)
	}
	if e := log.Events[0]; e.Src.Line != 5 || e.Program != "Keepalived_vrrp" || e.PID != 1023 ||
		!e.Time.Equal(time.Date(2021, 3, 3, 9, 58, 1, 0, time.UTC)) {
		t.Errorf("first event %+v", e)
	}
	if log.Lines != 24 {
		t.Errorf("lines %d", log.Lines)
	}
}

func TestJournalShortISO(t *testing.T) {
	log, warns := parseFile(t, "testdata/journal_short_iso.log", Options{})
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	want := []string{KindVRRPState, KindIptablesLog, KindVRRPState, KindVRRPState, KindVRRPVIP, KindIptablesLog}
	if got := kinds(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	e := log.Events[1]
	if !e.Time.Equal(time.Date(2018, 11, 20, 14, 36, 36, 0, time.UTC)) || !e.HasYear || log.YearInferred {
		t.Errorf("time %v hasYear %v inferred %v", e.Time, e.HasYear, log.YearInferred)
	}
	if _, off := e.Time.Zone(); off != 8*3600 {
		t.Errorf("offset %d", off)
	}
	checkEvent(t, log.Events[4], KindVRRPVIP, map[string]string{"vip": "10.20.0.6", "dev": "br-roller"})
	if !log.LastTime.Equal(time.Date(2018, 11, 20, 14, 36, 39, 0, time.UTC)) {
		t.Errorf("last %v (the unrecognised systemd line counts)", log.LastTime)
	}
}

func TestDmesgT(t *testing.T) {
	log, warns := parseFile(t, "testdata/dmesg_T_rhel7.log", Options{})
	want := []string{KindConntrackFull, KindConntrackFull, KindNetRatelimit, KindTimeWaitOverflow,
		KindNeighbourOverflow, KindIPVSDelService, KindSynFlood, KindNetdevWatchdog, KindTCPOutOfMemory}
	if got := kinds(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "11 timestamps have no time zone") {
		t.Errorf("warnings %v", warns)
	}
	checkEvent(t, log.Events[0], KindConntrackFull, map[string]string{"module": "nf_conntrack"})
	checkEvent(t, log.Events[2], KindNetRatelimit, map[string]string{"count": "512", "source": "net_ratelimit"})
	checkEvent(t, log.Events[6], KindSynFlood, map[string]string{"port": "8080", "action": "cookies", "sock": "TCP"})
	checkEvent(t, log.Events[7], KindNetdevWatchdog, map[string]string{"dev": "eth0", "driver": "ixgbe", "queue": "3"})
	e := log.Events[0]
	if !e.Time.Equal(time.Date(2018, 11, 20, 22, 36, 35, 0, time.UTC)) || !e.HasYear || e.HasUptime || e.Program != "kernel" {
		t.Errorf("event %+v", e)
	}
	if !log.FirstTime.Equal(time.Date(2018, 11, 20, 22, 30, 1, 0, time.UTC)) {
		t.Errorf("first %v", log.FirstTime)
	}
}

func TestDmesgLevels(t *testing.T) {
	boot := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	log, _ := parseFile(t, "testdata/dmesg_x_rhel8.log", Options{Boot: boot})
	want := []string{KindConntrackFull, KindSynFlood, KindNeighbourOverflow, KindIPVSDelService, KindIPVSAddService}
	if got := kinds(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	checkEvent(t, log.Events[0], KindConntrackFull, map[string]string{"module": "nf_conntrack"})
	checkEvent(t, log.Events[2], KindNeighbourOverflow, map[string]string{"table": "arp_cache"})
	checkEvent(t, log.Events[4], KindIPVSAddService, map[string]string{"func": "ip_vs_add_service"})
	if e := log.Events[0]; e.Uptime != 5123*time.Second+552301*time.Microsecond || !e.Time.Equal(boot.Add(e.Uptime)) || e.Program != "kernel" {
		t.Errorf("event %+v", e)
	}
	if !log.FirstTime.Equal(boot) || !log.LastTime.Equal(boot.Add(5300*time.Second+time.Microsecond)) {
		t.Errorf("span %v .. %v", log.FirstTime, log.LastTime)
	}
}

func TestRsyslogPrecise(t *testing.T) {
	log, _ := parseFile(t, "testdata/rsyslog_precise.log", Options{})
	want := []string{KindSynFlood, KindIPVSDelService, KindIptablesLog, KindIptablesLog, KindIptablesLog,
		KindSynFlood, KindSynFlood, KindSynFlood}
	if got := kinds(log); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	syn := log.Events[0]
	if !syn.HasUptime || syn.Uptime != 375852*time.Second+589465*time.Microsecond || syn.Host != "node-1" {
		t.Errorf("syn %+v", syn)
	}
	if !syn.Time.Equal(time.Date(2018, 11, 20, 14, 36, 36, 123456000, time.UTC)) {
		t.Errorf("time %v", syn.Time.UTC())
	}
	if !strings.HasPrefix(syn.Message, "TCP: request_sock_TCP:") {
		t.Errorf("message %q", syn.Message)
	}
	checkEvent(t, log.Events[1], KindIPVSDelService, map[string]string{"repeated": "3"})
	checkEvent(t, log.Events[2], KindIptablesLog, map[string]string{
		"prefix": "[UFW BLOCK]", "IN": "eth0", "PROTO": "ICMP", "ID": "4660", "ICMP_ID": "31337", "SEQ": "1", "TYPE": "8",
	})
	checkEvent(t, log.Events[3], KindIptablesLog, map[string]string{
		"prefix": "FWD-REJECT", "CODE": "4", "MTU": "1400", "ID": "52000",
		"inner": "SRC=10.0.0.1 DST=10.0.0.9 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=443 DPT=51000 WINDOW=502 RES=0x00 ACK PSH URGP=0",
	})
	if _, ok := log.Events[3].Fields["SPT"]; ok {
		t.Error("inner packet fields leaked into the outer packet")
	}
	checkEvent(t, log.Events[4], KindIptablesLog, map[string]string{
		"prefix": "nft-in:", "SRC": "2001:0db8:0000:0000:0000:0000:0000:0009", "HOPLIMIT": "64",
		"OPT": "020405A00402080A", "flags": "SYN", "DPT": "443",
	})
	checkEvent(t, log.Events[5], KindSynFlood, map[string]string{"port": "443", "listen": "10.0.0.5"})
	checkEvent(t, log.Events[6], KindSynFlood, map[string]string{"port": "443", "listen": "::", "sock": "request_sock_TCPv6"})
	checkEvent(t, log.Events[7], KindSynFlood, map[string]string{"port": "80", "action": "drop", "sock": "TCP"})
}

func TestKeepalivedConsole(t *testing.T) {
	log, _ := parseFile(t, "testdata/keepalived_console.log", Options{})
	if len(log.Events) != 2 {
		t.Fatalf("events %v", kinds(log))
	}
	checkEvent(t, log.Events[1], KindKeepalivedRemove, map[string]string{"real": "10.244.3.27:5432", "vs": "192.168.128.5:5432", "proto": "tcp"})
	if e := log.Events[1]; !e.Time.Equal(time.Date(2018, 11, 22, 10, 15, 1, 0, time.UTC)) || !e.HasYear {
		t.Errorf("time %v", e.Time)
	}
}

// TestLineForms covers timestamp forms too small for their own file.
func TestLineForms(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	cases := []struct {
		name, line string
		opt        Options
		time       time.Time
		host, prog string
		pid        int
	}{
		{"short-precise", "Nov 20 22:36:36.123456 node-1 kernel: nf_conntrack: table full, dropping packet",
			Options{Year: 2018}, time.Date(2018, 11, 20, 22, 36, 36, 123456000, time.UTC), "node-1", "kernel", 0},
		{"padded day", "Nov  2 02:03:04 node-1 kernel: nf_conntrack: table full, dropping packet",
			Options{Year: 2018, Location: cst}, time.Date(2018, 11, 2, 2, 3, 4, 0, cst), "node-1", "kernel", 0},
		{"iso Z", "2018-11-20T22:36:36Z node-1 kernel: ip_conntrack: table full, dropping packet.",
			Options{}, time.Date(2018, 11, 20, 22, 36, 36, 0, time.UTC), "node-1", "kernel", 0},
		{"dmesg iso", "2018-11-20T22:36:36,123456+08:00 nf_conntrack: table full, dropping packet",
			Options{}, time.Date(2018, 11, 20, 14, 36, 36, 123456000, time.UTC), "", "kernel", 0},
		{"rfc5424", `<4>1 2018-11-20T22:36:36.5+08:00 node-1 kernel - - [meta sequenceId="1"] nf_conntrack: table full, dropping packet`,
			Options{}, time.Date(2018, 11, 20, 14, 36, 36, 500000000, time.UTC), "node-1", "kernel", 0},
		{"short-full", "Tue 2018-11-20 22:36:36 UTC node-1 kernel: nf_conntrack: table full, dropping packet",
			Options{Location: cst}, time.Date(2018, 11, 20, 22, 36, 36, 0, time.UTC), "node-1", "kernel", 0},
		{"short-unix", "1542724596.500000 node-1 kernel: nf_conntrack: table full, dropping packet",
			Options{}, time.Unix(1542724596, 500000000), "node-1", "kernel", 0},
		{"short-monotonic", "[ 5123.552301] node-1 kernel: nf_conntrack: table full, dropping packet",
			Options{Boot: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, time.Date(2020, 1, 1, 1, 25, 23, 552301000, time.UTC), "node-1", "kernel", 0},
		{"raw priority", "<4>[ 5123.552301] nf_conntrack: table full, dropping packet",
			Options{Boot: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, time.Date(2020, 1, 1, 1, 25, 23, 552301000, time.UTC), "", "kernel", 0},
		{"no host tag", "Nov 20 22:36:36 node-1 nf_conntrack: table full, dropping packet",
			Options{Year: 2018}, time.Date(2018, 11, 20, 22, 36, 36, 0, time.UTC), "node-1", "nf_conntrack", 0},
		{"bare", "nf_conntrack: table full, dropping packet", Options{}, time.Time{}, "", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log, _ := Parse("x", []byte(c.line), c.opt)
			if len(log.Events) != 1 {
				t.Fatalf("events %v", kinds(log))
			}
			e := log.Events[0]
			if e.Kind != KindConntrackFull && c.name != "no host tag" {
				t.Errorf("kind %q", e.Kind)
			}
			if c.time.IsZero() != !e.HasTime || (!c.time.IsZero() && !e.Time.Equal(c.time)) {
				t.Errorf("time %v (has %v), want %v", e.Time, e.HasTime, c.time)
			}
			if e.Host != c.host || e.Program != c.prog || e.PID != c.pid {
				t.Errorf("host %q prog %q pid %d", e.Host, e.Program, e.PID)
			}
		})
	}
}

func TestYearFromOtherLines(t *testing.T) {
	data := "Dec 31 23:59:59 n1 kernel: nf_conntrack: table full, dropping packet\n" +
		"2019-01-01T00:00:01+00:00 n1 kernel: nf_conntrack: table full, dropping packet\n" +
		"Jan  1 00:00:02 n1 kernel: nf_conntrack: table full, dropping packet\n"
	log, warns := Parse("m", []byte(data), Options{})
	if len(log.Events) != 3 {
		t.Fatalf("events %v", kinds(log))
	}
	if y := log.Events[0].Time.Year(); y != 2018 {
		t.Errorf("December year %d", y)
	}
	if y := log.Events[2].Time.Year(); y != 2019 || !log.Events[2].HasYear || !log.YearInferred {
		t.Errorf("January year %d", y)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].Message, "inferred from line 2") {
		t.Errorf("warnings %v", warns)
	}
}

func TestInvalidDayWarns(t *testing.T) {
	_, warns := Parse("m", []byte("Feb 29 10:00:00 n1 kernel: nf_conntrack: table full, dropping packet\n"), Options{Year: 2019})
	found := false
	for _, w := range warns {
		found = found || (w.Line == 1 && strings.Contains(w.Message, "no day"))
	}
	if !found {
		t.Errorf("warnings %v", warns)
	}
}

func TestNotEvents(t *testing.T) {
	// Lines that mention the keywords but are not the messages.
	data := strings.Join([]string{
		"Nov 20 22:36:36 n1 sshd[1]: Accepted publickey for root from 10.0.0.1 port 22 ssh2",
		"Nov 20 22:36:36 n1 kernel: IPVS: [rr] scheduler registered.",
		"Nov 20 22:36:36 n1 kernel: IPVS: ipvs loaded.",
		"Nov 20 22:36:36 n1 Keepalived_healthcheckers[1]: Activating healthchecker for service [10.0.0.2]:80",
		"Nov 20 22:36:36 n1 Keepalived_healthcheckers[1]: Remote SMTP server [127.0.0.1]:25 connected.",
		"Nov 20 22:36:36 n1 app: Removing service foo",
		"-- Reboot --",
		"",
	}, "\n")
	log, _ := Parse("m", []byte(data), Options{Year: 2018})
	if len(log.Events) != 0 {
		t.Errorf("events %v", kinds(log))
	}
	if log.Lines != 7 {
		t.Errorf("lines %d", log.Lines)
	}
}

func TestJunkAndLongLines(t *testing.T) {
	junk := bytes.Repeat([]byte{0xff, 0x00, '[', ']', ':', ' ', '\n', '<', '1', '>'}, 1000)
	long := strings.Repeat("A", 70<<10) + " OUT= IN=eth0"
	data := append(junk, []byte("\n"+long+"\nNov 20 22:36:36 n1 kernel: nf_conntrack: table full, dropping packet\n")...)
	log, warns := Parse("junk", data, Options{})
	if len(log.Events) != 1 || log.Events[0].Kind != KindConntrackFull {
		t.Errorf("events %v", kinds(log))
	}
	cut := false
	for _, w := range warns {
		cut = cut || strings.Contains(w.Message, "truncated")
	}
	if !cut {
		t.Errorf("no truncation warning: %v", warns)
	}
}

func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	for _, name := range []string{"seed000_iptables_log.messages", "keepalived_1.3_healthcheckers.messages", "rsyslog_precise.log"} {
		buf.Write(readFile(b, filepath.Join("testdata", name)))
	}
	buf.WriteString("Nov 20 22:36:39 node-1 systemd[1]: Started Session 1024 of user root.\n")
	unit := buf.Bytes()
	data := bytes.Repeat(unit, (10<<20)/len(unit))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		Parse("big", data, Options{Year: 2018})
	}
}
