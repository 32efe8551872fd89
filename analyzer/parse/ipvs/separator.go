package ipvs

import (
	"regexp"
	"strings"
	"time"
)

// timeLayouts are the timestamp forms engineers put between repeated
// listings: date(1) in C and common locales, date -Iseconds/-Ins, RFC 3339
// and plain "YYYY-MM-DD hh:mm:ss".
var timeLayouts = []string{
	time.UnixDate,                     // Thu Jul 12 21:14:57 CST 2018
	"Mon Jan 2 15:04:05 MST 2006",     // single-space day
	time.ANSIC,                        // Thu Jul 12 21:14:57 2018
	"Mon 02 Jan 2006 03:04:05 PM MST", // en_US date on newer coreutils
	"Mon Jan 2 03:04:05 PM MST 2006",
	time.RFC3339Nano,
	"2006-01-02T15:04:05,999999999-07:00", // date -Ins
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// zhDate matches zh_CN date(1): "2018年 07月 12日 星期四 21:14:57 CST".
var zhDate = regexp.MustCompile(`^(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日\s*(?:\S+\s+)?(\d{1,2}):(\d{2}):(\d{2})`)

// commandLine matches a prompt or a command that produced the next listing.
var commandLine = regexp.MustCompile(`^(\[[^\]]*\]\s*[#$]|[#$>]|\+)?\s*(sudo\s+)?(ipvsadm|cat\s+/proc/net/ip_vs|watch\b|date\b|echo\b)`)

// parseTime reads s as one of timeLayouts.
func parseTime(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if m := zhDate.FindStringSubmatch(s); m != nil {
		v := strings.Join([]string{m[1], pad2(m[2]), pad2(m[3])}, "-") + " " + pad2(m[4]) + ":" + m[5] + ":" + m[6]
		if t, err := time.Parse("2006-01-02 15:04:05", v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// separator reports whether t separates listings (a timestamp, a "=== x ==="
// banner, or the command that printed the next listing) and, for the first
// two, remembers it as the next snapshot's label.
func (p *parser) separator(t string) bool {
	if tm, ok := parseTime(t); ok {
		p.label, p.labelTime = t, tm
		return true
	}
	if len(t) >= 3 && strings.Trim(t[:3], "=-*#") == "" {
		label := strings.TrimSpace(strings.Trim(t, "=-*# "))
		p.label, p.labelTime = label, time.Time{}
		if tm, ok := parseTime(label); ok {
			p.labelTime = tm
		}
		return true
	}
	if strings.HasPrefix(t, "Every ") && strings.Contains(t, "s: ") {
		// watch(1) header: "Every 2.0s: ipvsadm -Ln      host: Thu Jul 12 21:14:57 2018"
		f := strings.Fields(t)
		for n := 6; n >= 4; n-- {
			if len(f) > n {
				if tm, ok := parseTime(strings.Join(f[len(f)-n:], " ")); ok {
					p.label, p.labelTime = strings.Join(f[len(f)-n:], " "), tm
					break
				}
			}
		}
		return true
	}
	if commandLine.MatchString(t) {
		return true
	}
	return false
}
