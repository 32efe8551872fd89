package logs

import (
	"testing"
	"time"
)

// Log forms beyond syslog and dmesg: OpenWrt logread, BusyBox syslog with
// no host field, RFC 5424, journalctl -o short-iso, short-precise, json and
// cat. Each must give the event with the time its line carries.
func TestLogForms(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 2, 3, 0, time.UTC)
	for _, c := range []struct {
		name, text string
		host, prog string
		timed      bool
	}{
		{"logread", "Thu Dec  4 10:02:03 2026 kern.warn kernel: [12345.678901] nf_conntrack: nf_conntrack: table full, dropping packet\n", "", "kernel", true},
		{"busybox", "Dec  4 10:02:03 kernel: nf_conntrack: table full, dropping packet\n", "", "kernel", true},
		{"rfc5424", "<4>1 2026-12-04T10:02:03.000Z node-1 kernel - - - nf_conntrack: table full, dropping packet\n", "node-1", "kernel", true},
		{"short-iso", "2026-12-04T10:02:03+0000 node-1 kernel: nf_conntrack: table full, dropping packet\n", "node-1", "kernel", true},
		{"short-precise", "Dec 04 10:02:03.000000 node-1 kernel: nf_conntrack: table full, dropping packet\n", "node-1", "kernel", true},
		{"json", `{"__REALTIME_TIMESTAMP":"` + "1796378523000000" + `","_HOSTNAME":"node-1","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"nf_conntrack: table full, dropping packet","PRIORITY":"4"}` + "\n", "node-1", "kernel", true},
		{"cat", "nf_conntrack: table full, dropping packet\n", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, _ := Parse(c.name, []byte(c.text), Options{Year: 2026})
			if len(l.Events) != 1 {
				t.Fatalf("%d events", len(l.Events))
			}
			e := l.Events[0]
			if e.Kind != KindConntrackFull || e.Host != c.host || e.Program != c.prog || e.HasTime != c.timed {
				t.Fatalf("event %+v", e)
			}
			if c.timed && !e.Time.Equal(at) {
				t.Errorf("time %v, want %v", e.Time, at)
			}
		})
	}
	// logread's daemon lines keep their program, so keepalived's VRRP
	// transitions are events too.
	l, _ := Parse("logread", []byte("Thu Dec  4 10:02:04 2026 daemon.info Keepalived_vrrp[1234]: (VI_1) Entering MASTER STATE\n"), Options{})
	if len(l.Events) != 1 || l.Events[0].Kind != KindVRRPState || l.Events[0].Program != "Keepalived_vrrp" || l.Events[0].PID != 1234 {
		t.Fatalf("logread vrrp: %+v", l.Events)
	}
}

// keepalived's own complaint about its configuration is an event: the
// setting it names is ignored.
func TestKeepalivedUnknownKeyword(t *testing.T) {
	text := "Dec  4 10:00:01 lb-1 Keepalived_healthcheckers[812]: Unknown keyword 'nb_get_retry'\n" +
		"Dec  4 10:00:01 lb-1 Keepalived_healthcheckers[812]: /etc/keepalived/keepalived.conf: Line 31: Unknown keyword 'nb_get_retry'\n"
	l, _ := Parse("messages", []byte(text), Options{Year: 2026})
	if len(l.Events) != 2 {
		t.Fatalf("%d events", len(l.Events))
	}
	for _, e := range l.Events {
		if e.Kind != KindKeepalivedConfig || e.Fields["keyword"] != "nb_get_retry" {
			t.Errorf("event %+v", e)
		}
	}
}
