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
	"strconv"
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

// stamped remembers a timestamped line until its year is known.
type stamped struct {
	line     int
	yearless bool
	month    time.Month
	year     int // for lines with a year
	wrap     int // Dec -> Jan steps seen before and at this line
	clock    clock
	t        time.Time // final time (computed for yearless lines later)
	ev       *Event
}

// Parse reads a log artifact. It never fails; lines it does not recognise
// are counted but produce no event.
func Parse(artifact string, data []byte, opt Options) (*Log, []source.Warning) {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &parser{artifact: artifact, loc: loc, boot: opt.Boot}
	lines := source.Lines(data)
	log := &Log{Lines: len(lines)}
	var stamps []stamped
	zoneless := 0
	firstFull := -1
	wrap, prevMonth := 0, time.Month(0)
	for _, l := range lines {
		if l.Cut {
			p.warn(l.No, "line longer than %d bytes, truncated", source.MaxLineLen)
		}
		h := p.parseHead(l.No, l.Text)
		var ev *Event
		if kind, fields := classify(h.msg, p, l.No); kind != "" {
			ev = &Event{
				Host: h.host, Program: h.program, PID: h.pid, Kind: kind,
				Fields: fields, Message: h.msg, Src: source.At(artifact, l.No, l.Text),
				Uptime: h.uptime, HasUptime: h.hasUptime,
			}
			if h.repeated != "" {
				ev.Fields["repeated"] = h.repeated
			}
			log.Events = append(log.Events, ev)
		}
		if h.ts == tsNone {
			continue
		}
		if h.zoneless {
			zoneless++
		}
		s := stamped{line: l.No, ev: ev, clock: h.clock}
		switch h.ts {
		case tsYearless:
			s.yearless = true
			s.month = h.clock.month
		default:
			s.t = h.t
			s.month = h.t.Month()
			s.year = h.t.Year()
		}
		if prevMonth != 0 && s.month < prevMonth && prevMonth-s.month >= 6 {
			wrap++
		}
		prevMonth = s.month
		s.wrap = wrap
		if !s.yearless && firstFull < 0 {
			firstFull = len(stamps)
		}
		stamps = append(stamps, s)
	}

	// Resolve years of year-less lines (see the package comment).
	lastYearless := -1
	for i := range stamps {
		if stamps[i].yearless {
			lastYearless = i
		}
	}
	if lastYearless >= 0 {
		base, yearKnown, how := 0, false, ""
		switch {
		case opt.Year != 0:
			base, yearKnown = opt.Year-stamps[lastYearless].wrap, true
			how = "year " + strconv.Itoa(opt.Year) + " from options"
		case firstFull >= 0:
			f := stamps[firstFull]
			base, yearKnown = f.year-f.wrap, true
			how = "year inferred from line " + strconv.Itoa(f.line)
		default:
			how = "year unknown (placeholder year 0)"
		}
		log.YearInferred = yearKnown
		for i := range stamps {
			s := &stamps[i]
			if !s.yearless {
				continue
			}
			c := s.clock
			year := base + s.wrap
			s.t = time.Date(year, c.month, c.day, c.hour, c.min, c.sec, c.nsec, loc)
			if s.t.Day() != c.day {
				p.warn(s.line, "no day %s %d in year %d", c.month, c.day, year)
			}
			if s.ev != nil {
				s.ev.HasYear = yearKnown
			}
		}
		p.warnings = append(p.warnings, source.Warnf(0,
			"syslog timestamps have no year or time zone: %s; time zone %s assumed", how, loc))
	} else if zoneless > 0 {
		p.warnings = append(p.warnings, source.Warnf(0,
			"%d timestamps have no time zone; %s assumed", zoneless, loc))
	}

	for i, s := range stamps {
		if s.ev != nil {
			s.ev.Time, s.ev.HasTime = s.t, true
			if !s.yearless {
				s.ev.HasYear = true
			}
		}
		if i == 0 || s.t.Before(log.FirstTime) {
			log.FirstTime = s.t
		}
		if i == 0 || s.t.After(log.LastTime) {
			log.LastTime = s.t
		}
	}
	if p.dropped > 0 {
		p.warnings = append(p.warnings, source.Warnf(0, "%d more warnings not shown", p.dropped))
	}
	return log, p.warnings
}

type parser struct {
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
