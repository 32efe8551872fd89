package facts

import (
	"sort"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/logs"
	"github.com/nettriage/nettriage/analyzer/parse/system"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Clock is what a host's artifacts say about its clock: when it booted
// (to place dmesg's seconds since boot on the wall clock) and when the
// bundle was collected.
type Clock struct {
	// Boot is the wall time the host booted; zero when nothing says.
	Boot    time.Time
	BootSrc source.Ref
	// BootHow says where Boot came from and what was assumed to get it.
	BootHow string
	// Dates are the collection times the artifacts print (a sosreport's
	// date, a `date` in a session).
	Dates []Dated
}

// Dated is one collection time and the line that gives it.
type Dated struct {
	Time time.Time
	Src  source.Ref
	Note string // what was assumed reading it (the time zone)
}

// hostKey is the machine an artifact belongs to: namespaces of one host
// share its clock.
func hostKey(a *artifact.Artifact) string {
	if a.Host == "" {
		return artifact.DefaultHost
	}
	return a.Host
}

// buildClocks reads the system artifacts for each machine's clock before
// the logs are parsed, so that dmesg lines can be placed when they are.
func buildClocks(arts []*artifact.Artifact, opt Options, bundleDates map[string]time.Time) map[string]*Clock {
	out := map[string]*Clock{}
	type upRef struct {
		info *system.Info
		a    *artifact.Artifact
	}
	ups := map[string][]upRef{}
	for _, a := range arts {
		if a.Kind != artifact.KindSystem {
			continue
		}
		info, _ := system.Parse(a.Name, a.Data)
		k := hostKey(a)
		c := out[k]
		if c == nil {
			c = &Clock{}
			out[k] = c
		}
		if info.Date != "" {
			if t, note := dateTime(info.Date, opt); !t.IsZero() {
				c.Dates = append(c.Dates, Dated{Time: t, Src: info.DateSrc, Note: note})
			}
		}
		if !info.BootTime.IsZero() && c.Boot.IsZero() {
			c.Boot, c.BootSrc, c.BootHow = info.BootTime, info.BootSrc, "/proc/stat btime"
		}
		if info.Uptime > 0 {
			ups[k] = append(ups[k], upRef{info, a})
		}
	}
	for k, list := range ups {
		c := out[k]
		if !c.Boot.IsZero() {
			continue // btime is exact
		}
		// /proc/uptime (to the hundredth) before uptime (to the minute).
		sort.SliceStable(list, func(i, j int) bool {
			return list[i].info.UptimeForm == system.UptimeProc && list[j].info.UptimeForm != system.UptimeProc
		})
		for _, u := range list {
			ref, how := u.a.Time, "read by nettriage collect at"
			if ref.IsZero() {
				if t, ok := bundleDates[bundleRoot(u.a.Name)]; ok {
					ref, how = t, "the bundle's date"
				}
			}
			if ref.IsZero() && len(c.Dates) > 0 {
				ref, how = c.Dates[0].Time, "the date printed at "+c.Dates[0].Src.String()
			}
			if ref.IsZero() {
				continue
			}
			c.Boot, c.BootSrc = ref.Add(-u.info.Uptime).UTC(), u.info.UptimeSrc
			c.BootHow = u.info.UptimeForm + " subtracted from " + how + " (assumed: both read at the same moment"
			if u.info.UptimeForm == system.UptimeCommand {
				c.BootHow += "; uptime counts whole minutes"
			}
			c.BootHow += ")"
			break
		}
	}
	return out
}

// alignFromSyslog estimates a host's boot time from kernel lines that
// syslog stamped with both its wall time and the kernel's seconds since
// boot, when nothing else said when the host booted, and places the host's
// dmesg lines with it.
func (h *Host) alignFromSyslog() {
	if !h.Clock.Boot.IsZero() {
		return
	}
	var boots []time.Time
	var src source.Ref
	for _, l := range h.Logs {
		for _, e := range l.Events {
			if e.HasUptime && e.HasTime && e.HasYear && e.Host != "" {
				boots = append(boots, e.Time.Add(-e.Uptime))
				if src.Artifact == "" {
					src = e.Src
				}
			}
		}
	}
	if len(boots) == 0 {
		return
	}
	sort.Slice(boots, func(i, j int) bool { return boots[i].Before(boots[j]) })
	h.Clock.Boot, h.Clock.BootSrc = boots[len(boots)/2].Truncate(time.Second).UTC(), src
	h.Clock.BootHow = "kernel lines that syslog stamped with both the wall time and the seconds since boot (median of " +
		itoa(len(boots)) + "; assumed: syslog's clock and zone)"
	h.placeDmesg()
}

// placeDmesg puts the host's dmesg lines (seconds since boot, no wall
// time) on the wall clock once its boot time is known.
func (h *Host) placeDmesg() {
	if h.Clock.Boot.IsZero() {
		return
	}
	for _, l := range h.Logs {
		for _, e := range l.Events {
			if e.HasUptime && !e.HasTime {
				e.Time, e.HasTime, e.HasYear = h.Clock.Boot.Add(e.Uptime), true, true
			}
		}
	}
}

// Aligned reports whether a log event's wall time was computed from its
// seconds since boot and the host's boot time, rather than printed.
func (h *Host) Aligned(e *logs.Event) bool {
	return e.HasUptime && e.Host == "" && !h.Clock.Boot.IsZero() && e.Time.Equal(h.Clock.Boot.Add(e.Uptime))
}

// dateTime reads `date` output. A zone abbreviation other than UTC or GMT
// names no offset (CST is China, Cuba or US Central), so such a date is
// read in --tz when given, and the note says what was assumed.
func dateTime(text string, opt Options) (time.Time, string) {
	f := strings.Fields(text)
	if len(f) == 6 && f[4] != "UTC" && f[4] != "GMT" {
		loc := opt.Location
		zoneless := strings.Join(append(f[:4:4], f[5]), " ")
		if loc == nil {
			loc = time.UTC
		}
		t, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", zoneless, loc)
		if err != nil {
			return time.Time{}, ""
		}
		return t.UTC(), "zone " + f[4] + " read as " + loc.String() + " (assumed; set --tz)"
	}
	return labelTime(text, opt), ""
}

func itoa(n int) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{digits[n%10]}, b...)
	}
	return string(b)
}
