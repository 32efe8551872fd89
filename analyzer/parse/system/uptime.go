package system

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Boot clocks: what tells when the host booted, so that dmesg's seconds
// since boot can be placed on the wall clock.
//
//	12345.67 23456.78                                             /proc/uptime: seconds up, idle seconds
//	 10:02:03 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05   uptime (procps)
//	 10:02:03 up 40 min,  load average: 0.00, 0.01, 0.05           uptime (busybox, no utmp)
//	btime 1700000000                                              /proc/stat: boot time, seconds since the epoch

// UptimeForm says which form gave Info.Uptime.
const (
	UptimeProc    = "/proc/uptime" // to the hundredth of a second
	UptimeCommand = "uptime"       // to the minute
)

var (
	procUptimeLine = regexp.MustCompile(`^([0-9]+\.[0-9]{2}) [0-9]+\.[0-9]{2}$`)
	uptimeLine     = regexp.MustCompile(`^([0-9]{1,2}:[0-9]{2}:[0-9]{2}) up (.*?),? +load averages?: `)
	btimeLine      = regexp.MustCompile(`^btime ([0-9]{1,12})$`)
	upDays         = regexp.MustCompile(`^([0-9]+) days?$`)
	upClock        = regexp.MustCompile(`^([0-9]{1,3}):([0-9]{2})$`)
	upMin          = regexp.MustCompile(`^([0-9]+) min$`)
	upUsers        = regexp.MustCompile(`^[0-9]+ users?$`)
)

// maxUptime bounds what is read as an uptime (a century), so a junk line
// cannot overflow a duration.
const maxUptime = 100 * 365 * 24 * time.Hour

// procStatKeys are the other lines of /proc/stat, read past without a
// warning.
var procStatKeys = map[string]bool{
	"intr": true, "ctxt": true, "processes": true, "procs_running": true, "procs_blocked": true,
	"softirq": true, "page": true, "swap": true, "disk_io": true,
}

// bootLine reads one of the boot clock forms into info; false when the
// line is none of them.
func (info *Info) bootLine(text string, ref source.Ref) bool {
	if m := procUptimeLine.FindStringSubmatch(text); m != nil {
		f, err := strconv.ParseFloat(m[1], 64)
		if err != nil || f > maxUptime.Seconds() {
			return false
		}
		info.Uptime, info.UptimeForm, info.UptimeSrc = time.Duration(f*float64(time.Second)), UptimeProc, ref
		return true
	}
	if m := uptimeLine.FindStringSubmatch(text); m != nil {
		d, ok := parseUp(m[2])
		if !ok || d < 0 || d > maxUptime {
			return false
		}
		info.Uptime, info.UptimeForm, info.UptimeSrc, info.UptimeClock = d, UptimeCommand, ref, m[1]
		return true
	}
	if m := btimeLine.FindStringSubmatch(text); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n <= 0 {
			return false
		}
		info.BootTime, info.BootSrc = time.Unix(n, 0).UTC(), ref
		return true
	}
	f := strings.Fields(text)
	if len(f) > 1 && (procStatKeys[f[0]] || strings.HasPrefix(f[0], "cpu") && isNumber(f[1])) {
		return true // the rest of /proc/stat
	}
	return false
}

// parseUp reads uptime's "12 days,  3:04,  2 users" (days, then h:mm or
// "N min", then the user count, which is ignored).
func parseUp(s string) (time.Duration, bool) {
	var d time.Duration
	seen := false
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" || upUsers.MatchString(part) {
			continue
		}
		if m := upDays.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n > 36500 {
				return 0, false
			}
			d += time.Duration(n) * 24 * time.Hour
		} else if m := upClock.FindStringSubmatch(part); m != nil {
			h, _ := strconv.Atoi(m[1])
			mi, _ := strconv.Atoi(m[2])
			d += time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute
		} else if m := upMin.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n > 36500*24*60 {
				return 0, false
			}
			d += time.Duration(n) * time.Minute
		} else {
			return 0, false
		}
		seen = true
	}
	return d, seen
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
