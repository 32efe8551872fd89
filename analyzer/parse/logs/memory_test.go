package logs

import (
	"testing"
	"time"
)

// Field maps are shared between identical events; one changed by rsyslog's
// repeat count must not change the others.
func TestSharedFieldsNotAliased(t *testing.T) {
	log, _ := Parse("m", []byte("Nov 20 22:36:36 n1 kernel: nf_conntrack: table full, dropping packet\n"+
		"Nov 20 22:36:37 n1 kernel: message repeated 3 times: [ nf_conntrack: table full, dropping packet]\n"+
		"Nov 20 22:36:38 n1 kernel: nf_conntrack: table full, dropping packet\n"), Options{Year: 2018})
	if len(log.Events) != 3 {
		t.Fatalf("%d events", len(log.Events))
	}
	for i, want := range []string{"", "3", ""} {
		if got := log.Events[i].Fields["repeated"]; got != want || log.Events[i].Fields["module"] != "nf_conntrack" {
			t.Errorf("event %d fields %v", i, log.Events[i].Fields)
		}
	}
}

// Year-less times are held in the events until the year is known: a leap
// day and a Dec -> Jan step come out right.
func TestYearlessEventsResolved(t *testing.T) {
	log, w := Parse("m", []byte("Feb 29 10:00:00 n1 kernel: nf_conntrack: table full, dropping packet\n"+
		"Dec 31 23:59:59 n1 kernel: nf_conntrack: table full, dropping packet\n"+
		"Jan  1 00:00:01 n1 kernel: nf_conntrack: table full, dropping packet\n"), Options{Year: 2025})
	want := []time.Time{
		time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC),
	}
	for i, ev := range log.Events {
		if !ev.Time.Equal(want[i]) || !ev.HasYear || !ev.HasTime {
			t.Errorf("event %d: %v (year %v), want %v", i, ev.Time, ev.HasYear, want[i])
		}
	}
	if !log.FirstTime.Equal(want[0]) || !log.LastTime.Equal(want[2]) {
		t.Errorf("span %v .. %v", log.FirstTime, log.LastTime)
	}
	for _, x := range w {
		if x.Line != 0 {
			t.Errorf("unexpected warning %v", x)
		}
	}
	// In a year without Feb 29 the day is reported.
	_, w = Parse("m", []byte("Feb 29 10:00:00 n1 kernel: x\n"), Options{Year: 2023})
	if len(w) == 0 || w[0].Line != 1 || w[0].Message != "no day February 29 in year 2023" {
		t.Errorf("warnings %v", w)
	}
}
