package facts

import (
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// dmesg's seconds since boot are placed on the wall clock through the
// host's boot time: /proc/stat's btime exactly, or /proc/uptime subtracted
// from the bundle's date, which says it assumed both were read together.
func TestDmesgAlignedThroughUptime(t *testing.T) {
	dmesg := []byte("[  100.500000] nf_conntrack: nf_conntrack: table full, dropping packet\n")
	arts := []*artifact.Artifact{
		{Name: "sosreport-n1-20260301/sos_commands/date/date", Host: "n1", Kind: artifact.KindSystem, Data: []byte("Sun Mar  1 10:00:00 UTC 2026\n")},
		{Name: "sosreport-n1-20260301/proc/uptime", Host: "n1", Kind: artifact.KindSystem, Data: []byte("3600.00 7000.00\n")},
		{Name: "sosreport-n1-20260301/var/log/dmesg", Host: "n1", Kind: artifact.KindLog, Data: dmesg},
		{Name: "n2/proc/stat", Host: "n2", Kind: artifact.KindSystem, Data: []byte("cpu  1 2 3 4 5 6 7 0 0 0\nbtime 1772352000\n")},
		{Name: "n2/dmesg", Host: "n2", Kind: artifact.KindLog, Data: dmesg},
		{Name: "n3/dmesg", Host: "n3", Kind: artifact.KindLog, Data: dmesg},
	}
	hosts, _ := Build(arts, Options{})
	if len(hosts) != 3 {
		t.Fatalf("%d hosts", len(hosts))
	}
	want := []time.Time{
		time.Date(2026, 3, 1, 9, 1, 40, 500e6, time.UTC), // 10:00:00 - 3600 s + 100.5 s
		time.Unix(1772352000, 500e6).Add(100 * time.Second).UTC(),
		{},
	}
	for i, h := range hosts {
		e := h.Logs[0].Events[0]
		if want[i].IsZero() {
			if e.HasTime || h.Aligned(e) || !h.Clock.Boot.IsZero() {
				t.Errorf("%s: placed without a boot time: %v", h.Name, e.Time)
			}
			continue
		}
		if !e.HasTime || !e.Time.Equal(want[i]) || !h.Aligned(e) {
			t.Errorf("%s: %v (has %v, aligned %v), want %v; boot %v by %s", h.Name, e.Time, e.HasTime, h.Aligned(e), want[i], h.Clock.Boot, h.Clock.BootHow)
		}
	}
	if hosts[0].Clock.BootHow == "" || hosts[0].Clock.BootSrc.Line != 1 || len(hosts[0].Clock.Dates) != 1 {
		t.Errorf("n1 clock %+v", hosts[0].Clock)
	}
}

// Without a boot clock, kernel lines that syslog stamped with both times
// give the boot time, and the dmesg file of the same host is placed by it.
func TestDmesgAlignedThroughSyslog(t *testing.T) {
	arts := []*artifact.Artifact{
		{Name: "messages", Host: "n1", Kind: artifact.KindLog, Data: []byte("Mar  1 09:01:40 n1 kernel: [  100.000000] nf_conntrack: nf_conntrack: table full, dropping packet\n")},
		{Name: "dmesg", Host: "n1", Kind: artifact.KindLog, Data: []byte("[  160.000000] TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.\n")},
	}
	hosts, _ := Build(arts, Options{Year: 2026})
	h := hosts[0]
	var e = h.Logs[1].Events[0]
	if want := time.Date(2026, 3, 1, 9, 2, 40, 0, time.UTC); !e.Time.Equal(want) || !h.Aligned(e) {
		t.Errorf("dmesg at %v, want %v (boot %v, %s)", e.Time, want, h.Clock.Boot, h.Clock.BootHow)
	}
}

// A date with a zone abbreviation that names no offset is read in --tz,
// and says so.
func TestDateZoneAssumed(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	got, note := dateTime("Thu Jan 10 10:30:12 CST 2019", Options{Location: sh})
	if !got.Equal(time.Date(2019, 1, 10, 2, 30, 12, 0, time.UTC)) || note == "" {
		t.Errorf("%v %q", got, note)
	}
	got, note = dateTime("Thu Jan 10 10:30:12 UTC 2019", Options{Location: sh})
	if !got.Equal(time.Date(2019, 1, 10, 10, 30, 12, 0, time.UTC)) || note != "" {
		t.Errorf("%v %q", got, note)
	}
}
