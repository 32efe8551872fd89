// Package logs turns kernel and daemon logs (syslog, /var/log/messages,
// journalctl, dmesg, keepalived's own output) into typed, timestamped events
// such as netfilter LOG lines, IPVS service changes, keepalived health-check
// results and VRRP transitions, conntrack "table full" and SYN-flood warnings.
//
// Line forms are detected per line, so a file may mix them:
//
//	Nov 20 22:36:36 node-1 kernel: ...                        syslog, journalctl (short)
//	Nov 20 22:36:36.123456 node-1 kernel: ...                 journalctl -o short-precise
//	2018-11-20T22:36:36.123456+08:00 node-1 kernel: ...       rsyslog high precision, journalctl -o short-iso[-precise]
//	<13>1 2018-11-20T22:36:36Z node-1 app 12 - - msg          RFC 5424
//	Tue 2018-11-20 22:36:36 CST node-1 kernel: ...            journalctl -o short-full
//	1542724596.123456 node-1 kernel: ...                      journalctl -o short-unix
//	[12345.678901] msg, [Tue Nov 20 22:36:36 2018] msg         dmesg, dmesg -T
//	kern  :info  : [12345.678901] msg                         dmesg -x
//	2018-11-20T22:36:36,123456+08:00 msg                      dmesg --time-format iso
//	[12345.678901] node-1 kernel: msg                         journalctl -o short-monotonic
//	Tue Nov 20 22:36:36 2018: msg                             keepalived logging to the console (-l)
//	msg                                                       anything else, e.g. kubectl logs
//
// Year and time zone: syslog lines carry neither. The year comes from
// Options.Year (the year of the log's last year-less line, since logs are
// collected after they were written), else from the first line in the same log
// that carries a full date (ISO, RFC 5424, dmesg -T, short-full, short-unix,
// keepalived console); a Dec -> Jan step in the log increments the year. When
// neither exists, year-less lines get the placeholder year 0 and HasYear
// false. Lines without a zone are read in Options.Location (UTC if nil). One
// warning says what was assumed.
package logs

import (
	"maps"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Options supplies what a log line may lack.
type Options struct {
	// Year is the year of the last syslog line without a year; 0 = unknown.
	Year int
	// Location is the time zone of lines without an offset (syslog, dmesg -T,
	// keepalived console); nil means UTC.
	Location *time.Location
	// Boot, when set, turns dmesg "[seconds]" stamps into wall time.
	Boot time.Time
}

// Event kinds.
const (
	KindIptablesLog       = "iptables-log"           // netfilter LOG / nftables log / ulogd line
	KindIPVSDelService    = "ipvs-del-service"       // kernel IPVS debug: a virtual service deleted
	KindIPVSAddService    = "ipvs-add-service"       // kernel IPVS debug: a virtual service added
	KindIPVSEditService   = "ipvs-edit-service"      // kernel IPVS debug: a virtual service edited
	KindIPVSDest          = "ipvs-dest"              // kernel IPVS debug: a real server added, updated or deleted
	KindKeepalivedRemove  = "keepalived-remove-real" // keepalived took a real server out of a VS
	KindKeepalivedAdd     = "keepalived-add-real"    // keepalived put a real server into a VS
	KindKeepalivedFail    = "keepalived-check-fail"  // a health check failed
	KindKeepalivedOK      = "keepalived-check-ok"    // a health check succeeded
	KindKeepalivedQuorum  = "keepalived-quorum"      // a VS lost or gained quorum
	KindVRRPState         = "vrrp-state"             // a VRRP instance changed state or set/removed its VIPs
	KindVRRPVIP           = "vrrp-vip"               // gratuitous ARP / NA for a VIP, or a VIP appeared/disappeared
	KindVRRPScript        = "vrrp-script"            // a vrrp_script changed result
	KindConntrackFull     = "conntrack-table-full"   // nf_conntrack: table full, dropping packet
	KindSynFlood          = "syn-flood"              // Possible SYN flooding on port N
	KindTimeWaitOverflow  = "tw-bucket-overflow"     // TCP: time wait bucket table overflow
	KindNeighbourOverflow = "neighbour-overflow"     // neighbour table overflow
	KindNetdevWatchdog    = "netdev-watchdog"        // NETDEV WATCHDOG: transmit queue timed out
	KindTCPOutOfMemory    = "tcp-oom"                // TCP: out of memory -- consider tuning tcp_mem
	KindTCPOrphans        = "tcp-orphans"            // TCP: too many orphaned sockets
	KindNetRatelimit      = "net-ratelimit"          // net_ratelimit: N callbacks suppressed
	KindKeepalivedConfig  = "keepalived-config"      // keepalived: Unknown keyword 'nb_get_retry' (the setting is ignored)
)

// Event is one recognised log line.
type Event struct {
	// Time is the wall time of the line. With HasYear false, the year is a
	// placeholder (0, or a small number after Dec -> Jan steps).
	Time    time.Time
	HasTime bool
	HasYear bool
	// Uptime is the dmesg "[seconds]" stamp (also the one rsyslog copies
	// from the kernel), valid when HasUptime.
	Uptime    time.Duration
	HasUptime bool
	Host      string
	Program   string // "kernel" for dmesg lines; without the [pid]
	PID       int    // 0 when the line names none
	Kind      string
	// Fields are kind-specific; see the Kind constants' parsers. Every
	// event collapsed by rsyslog ("message repeated N times: [...]") has
	// "repeated".
	Fields  map[string]string
	Message string
	Src     source.Ref
}

// Log is the result of parsing one log artifact.
type Log struct {
	Events []*Event // only typed (recognised) events, in file order
	Lines  int
	// FirstTime and LastTime span every timestamped line, recognised or not
	// (zero when no line has a time; placeholder years when the year is unknown).
	FirstTime, LastTime time.Time
	// YearInferred is true when some event's year did not come from its own
	// line (Options.Year or another line of the log supplied it).
	YearInferred bool
}

// maxWarnings bounds the warnings of one artifact; a junk file must not
// produce a million of them.
const maxWarnings = 50

// yearlessLine remembers a year-less line whose day may not exist in its
// year, to warn once the year is known. Nothing is kept for other lines: a
// 60 MB log must not cost a struct per line.
type yearlessLine struct {
	line  int
	wrap  int // Dec -> Jan steps seen before and at this line
	clock clock
}

// placeholderTime stores a year-less clock and its wrap count in a time:
// year 2000+4*wrap is a leap year (up to 24 wraps), so Feb 29 survives.
func placeholderTime(wrap int, c clock) time.Time {
	return time.Date(2000+4*wrap, c.month, c.day, c.hour, c.min, c.sec, c.nsec, time.UTC)
}

func fromPlaceholder(t time.Time) (int, clock) {
	return (t.Year() - 2000) / 4, clock{month: t.Month(), day: t.Day(), hour: t.Hour(), min: t.Minute(), sec: t.Second(), nsec: t.Nanosecond()}
}

// yearlessKey orders year-less lines: with one base year, the final times
// follow (wrap, month, day, clock).
func yearlessKey(wrap int, c clock) [7]int {
	return [7]int{wrap, int(c.month), c.day, c.hour, c.min, c.sec, c.nsec}
}

func keyLess(a, b [7]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// Parse reads a log artifact. It never fails; lines it does not recognise
// are counted but produce no event.
//
// Memory: data is copied once into a string; lines, messages, fields and
// Src texts are substrings of it, and nothing is kept per line that is not
// an event.
func Parse(artifact string, data []byte, opt Options) (*Log, []source.Warning) {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &parser{artifact: artifact, loc: loc, boot: opt.Boot, interned: map[[2]string]map[string]string{}}
	text := string(data)
	log := &Log{}
	var (
		odd          []yearlessLine // year-less lines whose day may not exist (ev unused)
		zoneless     int
		stamped      int
		firstFull    = -1 // line of the first line with a full date
		firstYear    int
		firstWrap    int
		wrap         int
		prevMonth    time.Month
		lastWrap     = -1 // wrap of the last year-less line; -1: none
		minKey       [7]int
		maxKey       [7]int
		minFull      time.Time
		maxFull      time.Time
		haveFull     bool
		haveYearless bool
	)
	no := 0
	for len(text) > 0 {
		no++
		var l string
		if i := strings.IndexByte(text, '\n'); i < 0 {
			l, text = text, ""
		} else {
			l, text = text[:i], text[i+1:]
		}
		l = strings.TrimSuffix(l, "\r")
		if len(l) > source.MaxLineLen {
			l = l[:source.MaxLineLen]
			p.warn(no, "line longer than %d bytes, truncated", source.MaxLineLen)
		}
		h := p.parseHead(no, l)
		var ev *Event
		if kind, fields := classify(h.msg, p, no); kind != "" {
			ev = &Event{
				Host: h.host, Program: h.program, PID: h.pid, Kind: kind,
				Fields: fields, Message: h.msg, Src: source.At(artifact, no, l),
				Uptime: h.uptime, HasUptime: h.hasUptime,
			}
			if h.repeated != "" {
				if p.isInterned(fields) {
					ev.Fields = maps.Clone(fields)
				}
				ev.Fields["repeated"] = h.repeated
			}
			log.Events = append(log.Events, ev)
		}
		if h.ts == tsNone {
			continue
		}
		stamped++
		if h.zoneless {
			zoneless++
		}
		month := h.clock.month
		if h.ts != tsYearless {
			month = h.t.Month()
		}
		if prevMonth != 0 && month < prevMonth && prevMonth-month >= 6 {
			wrap++
		}
		prevMonth = month
		if h.ts == tsYearless {
			c := h.clock
			k := yearlessKey(wrap, c)
			if !haveYearless || keyLess(k, minKey) {
				minKey = k
			}
			if !haveYearless || keyLess(maxKey, k) {
				maxKey = k
			}
			haveYearless = true
			lastWrap = wrap
			if ev != nil {
				// Held until the year is known in the event itself, in a
				// leap placeholder year that encodes wrap (no slice of
				// pending events: a log may be all events).
				ev.Time, ev.HasTime = placeholderTime(wrap, c), true
			}
			if c.day > 28 {
				odd = append(odd, yearlessLine{line: no, wrap: wrap, clock: c})
			}
			continue
		}
		if firstFull < 0 {
			firstFull, firstYear, firstWrap = no, h.t.Year(), wrap
		}
		if !haveFull || h.t.Before(minFull) {
			minFull = h.t
		}
		if !haveFull || h.t.After(maxFull) {
			maxFull = h.t
		}
		haveFull = true
		if ev != nil {
			ev.Time, ev.HasTime, ev.HasYear = h.t, true, true
		}
	}
	log.Lines = no

	// Resolve years of year-less lines (see the package comment).
	if haveYearless {
		base, yearKnown, how := 0, false, ""
		switch {
		case opt.Year != 0:
			base, yearKnown = opt.Year-lastWrap, true
			how = "year " + strconv.Itoa(opt.Year) + " from options"
		case firstFull >= 0:
			base, yearKnown = firstYear-firstWrap, true
			how = "year inferred from line " + strconv.Itoa(firstFull)
		default:
			how = "year unknown (placeholder year 0)"
		}
		log.YearInferred = yearKnown
		at := func(wrap int, c clock) time.Time {
			return time.Date(base+wrap, c.month, c.day, c.hour, c.min, c.sec, c.nsec, loc)
		}
		for _, o := range odd {
			if t := at(o.wrap, o.clock); t.Day() != o.clock.day {
				p.warn(o.line, "no day %s %d in year %d", o.clock.month, o.clock.day, base+o.wrap)
			}
		}
		for _, ev := range log.Events {
			if ev.HasTime && !ev.HasYear {
				wrap, c := fromPlaceholder(ev.Time)
				ev.Time, ev.HasYear = at(wrap, c), yearKnown
			}
		}
		keyTime := func(k [7]int) time.Time {
			return time.Date(base+k[0], time.Month(k[1]), k[2], k[3], k[4], k[5], k[6], loc)
		}
		minY, maxY := keyTime(minKey), keyTime(maxKey)
		if !haveFull || minY.Before(minFull) {
			minFull = minY
		}
		if !haveFull || maxY.After(maxFull) {
			maxFull = maxY
		}
		p.warnings = append(p.warnings, source.Warnf(0,
			"syslog timestamps have no year or time zone: %s; time zone %s assumed", how, loc))
	} else if zoneless > 0 {
		p.warnings = append(p.warnings, source.Warnf(0,
			"%d timestamps have no time zone; %s assumed", zoneless, loc))
	}
	if stamped > 0 {
		log.FirstTime, log.LastTime = minFull, maxFull
	}
	if p.dropped > 0 {
		p.warnings = append(p.warnings, source.Warnf(0, "%d more warnings not shown", p.dropped))
	}
	return log, p.warnings
}

// maxInterned bounds the shared field maps of one log.
const maxInterned = 4096

// fields1 returns a map of one field. Maps of the same field are shared
// between events (a log of a million "table full" lines must not hold a
// million maps); Parse copies a shared map before changing it.
func (p *parser) fields1(k, v string) map[string]string {
	key := [2]string{k, v}
	if m, ok := p.interned[key]; ok {
		return m
	}
	m := map[string]string{k: v}
	if len(p.interned) < maxInterned {
		p.interned[key] = m
	}
	return m
}

// isInterned tells a shared map.
func (p *parser) isInterned(m map[string]string) bool {
	if len(m) != 1 {
		return false
	}
	for k, v := range m {
		s, ok := p.interned[[2]string{k, v}]
		return ok && reflect.ValueOf(s).UnsafePointer() == reflect.ValueOf(m).UnsafePointer()
	}
	return false
}

type parser struct {
	interned map[[2]string]map[string]string // see fields1
	artifact string
	loc      *time.Location
	boot     time.Time
	warnings []source.Warning
	dropped  int
}

func (p *parser) warn(line int, format string, args ...any) {
	if len(p.warnings) >= maxWarnings {
		p.dropped++
		return
	}
	p.warnings = append(p.warnings, source.Warnf(line, format, args...))
}
