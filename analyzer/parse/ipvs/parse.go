package ipvs

import (
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// mode is the kind of table the lines being read belong to.
type mode int

const (
	modeNone      mode = iota
	modeList           // a virtual server listing (any Kind)
	modeConn           // ipvsadm -Lnc
	modeProcConn       // /proc/net/ip_vs_conn(_sync)
	modeProcStats      // /proc/net/ip_vs_stats(_percpu)
)

// Parse reads an IPVS artifact. It recognises every supported form line by
// line, so a bundle holding several of them (listing, timeouts, connection
// table) in one file is read in full.
func Parse(artifact string, data []byte) (*Result, []source.Warning) {
	p := &parser{
		artifact: artifact,
		res:      &Result{},
		// /proc/net/ip_vs prints fwmarks as 8 hex digits, which a decimal
		// ipvsadm mark could also be; the name settles it when present.
		procHint: strings.Contains(artifact, "ip_vs"),
	}
	for _, l := range source.Lines(data) {
		p.line(l)
	}
	p.closeSnapshot()
	return p.res, p.warns
}

type parser struct {
	artifact string
	res      *Result
	warns    []source.Warning

	mode mode
	snap *Snapshot // the listing being read, nil between listings
	svc  *Service  // the service real server lines attach to

	// label is the last separator or timestamp line; the next snapshot takes it.
	label     string
	labelTime time.Time

	procHint       bool
	procConnOrigin bool // ip_vs_conn_sync has an Origin column before Expires
	procStatsRates bool // the next row of ip_vs_stats holds rates
	namesWarned    bool
}

func (p *parser) warn(line int, format string, args ...any) {
	p.warns = append(p.warns, source.Warnf(line, format, args...))
}

func (p *parser) ref(l source.Line) source.Ref { return source.At(p.artifact, l.No, l.Text) }

func (p *parser) line(l source.Line) {
	if l.Cut {
		p.warn(l.No, "line longer than %d bytes was truncated", source.MaxLineLen)
	}
	t := strings.TrimSpace(l.Text)
	if t == "" {
		return
	}
	fields := strings.Fields(t)
	switch {
	case strings.HasPrefix(t, "IP Virtual Server version"):
		p.versionHeader(l, t)
	case strings.HasPrefix(t, "Prot LocalAddress:Port"):
		p.columnsHeader(l, t)
	case strings.HasPrefix(t, "-> RemoteAddress:Port"):
		p.extend(l)
	case strings.HasPrefix(t, "Timeout (tcp tcpfin udp):"):
		p.timeouts(l, t)
	case t == "IPVS connection entries" || strings.HasPrefix(strings.ToLower(t), "pro expire state"):
		p.closeSnapshot()
		p.mode = modeConn
	case strings.HasPrefix(t, "Pro FromIP"):
		p.closeSnapshot()
		p.mode = modeProcConn
		p.procConnOrigin = strings.Contains(t, "Origin")
	case strings.HasPrefix(t, "Total Incoming"):
		p.closeSnapshot()
		p.mode = modeProcStats
		p.procStatsRates = false
	case p.mode == modeProcStats && (strings.HasPrefix(t, "Conns ") || strings.HasPrefix(t, "CPU ")):
		// second header line of ip_vs_stats(_percpu)
	case p.mode == modeProcStats && strings.HasPrefix(t, "Conns/s"):
		p.procStatsRates = true
	case strings.HasPrefix(t, "->"):
		p.realLine(l, fields)
	case fields[0] == "-A" || fields[0] == "-a":
		p.saveRule(l, fields)
	case isProto(fields[0]):
		switch p.mode {
		case modeConn:
			p.connLine(l, fields)
		case modeProcConn:
			p.procConnLine(l, fields)
		default:
			p.serviceLine(l, fields)
		}
	case p.mode == modeProcStats && allHexOrTilde(fields):
		p.procStatsLine(l, fields)
	case p.separator(t):
		p.closeSnapshot()
		p.mode = modeNone
	default:
		p.warn(l.No, "unrecognised line: %q", clip(t))
	}
}

func isProto(s string) bool {
	return s == "TCP" || s == "UDP" || s == "SCTP" || s == "FWM"
}

// clip keeps warnings short when the offending line is huge.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

func (p *parser) startSnapshot(l source.Line, format string) *Snapshot {
	p.closeSnapshot()
	s := &Snapshot{
		Label:    p.label,
		Time:     p.labelTime,
		Format:   format,
		Kind:     "list",
		Services: []*Service{},
		Src:      p.ref(l),
	}
	p.label, p.labelTime = "", time.Time{}
	p.snap, p.svc, p.mode = s, nil, modeList
	return s
}

func (p *parser) closeSnapshot() {
	if p.snap != nil {
		p.res.Snapshots = append(p.res.Snapshots, p.snap)
	}
	p.snap, p.svc = nil, nil
}

// extend makes the open snapshot span line l.
func (p *parser) extend(l source.Line) {
	if p.snap != nil && l.No > p.snap.Src.EndLine {
		p.snap.Src.EndLine = l.No
	}
}

// versionHeader handles "IP Virtual Server version 1.2.1 (size=4096)",
// which starts every listing.
func (p *parser) versionHeader(l source.Line, t string) {
	s := p.startSnapshot(l, "")
	rest := strings.TrimSpace(strings.TrimPrefix(t, "IP Virtual Server version"))
	ver, size, _ := strings.Cut(rest, "(size=")
	s.Version = strings.TrimSpace(ver)
	if size != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(size), ")"))
		if err != nil {
			p.warn(l.No, "bad table size in %q", clip(t))
		}
		s.TableSize = n
	}
}

// columnsHeader handles "Prot LocalAddress:Port ..." whose columns say which
// ipvsadm format option produced the listing.
func (p *parser) columnsHeader(l source.Line, t string) {
	if p.snap == nil || len(p.snap.Services) > 0 || p.snap.Src.EndLine > p.snap.Src.Line {
		// A listing whose version line was cut off, or a second header.
		p.startSnapshot(l, "")
	} else {
		p.extend(l)
	}
	p.mode = modeList
	cols := strings.Fields(t)[2:]
	kind := "list"
	for _, c := range cols {
		switch c {
		case "Conns":
			kind = "stats"
		case "CPS":
			kind = "rate"
		case "Uthreshold":
			kind = "thresholds"
		case "PersistConn":
			kind = "persistent-conn"
		}
	}
	p.snap.Kind = kind
}

// timeouts handles "Timeout (tcp tcpfin udp): 900 120 300".
func (p *parser) timeouts(l source.Line, t string) {
	vals := strings.Fields(strings.TrimPrefix(t, "Timeout (tcp tcpfin udp):"))
	to := &Timeouts{Src: p.ref(l)}
	dst := []*int{&to.TCP, &to.TCPFin, &to.UDP}
	if len(vals) != len(dst) {
		p.warn(l.No, "timeout line has %d values, want 3", len(vals))
	}
	for i, v := range vals {
		if i >= len(dst) {
			break
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.warn(l.No, "bad timeout value %q", clip(v))
			continue
		}
		*dst[i] = n
	}
	p.res.Timeouts = to
}

// decideFormat fixes whether the open snapshot prints hex (procfs) or
// ipvsadm addresses, from the first address it holds.
func (p *parser) decideFormat(addr string, fwm bool) {
	if p.snap.Format != "" {
		return
	}
	switch {
	case p.procHint:
		p.snap.Format = "procfs"
	case fwm:
		// "FWM  00000001 rr" in procfs, "FWM  1 rr" from ipvsadm.
		if len(addr) == 8 && isHex(addr) {
			p.snap.Format = "procfs"
		} else {
			p.snap.Format = "ipvsadm"
		}
	case isHexV4Endpoint(addr) || isProcV6Endpoint(addr):
		p.snap.Format = "procfs"
	default:
		p.snap.Format = "ipvsadm"
	}
}

func (p *parser) serviceLine(l source.Line, f []string) {
	if p.snap == nil {
		p.startSnapshot(l, "")
		p.warn(l.No, "service listed without an \"IP Virtual Server\" header")
	}
	p.extend(l)
	svc := &Service{Proto: f[0], Reals: []*Real{}, Src: p.ref(l)}
	p.snap.Services = append(p.snap.Services, svc)
	p.svc = svc
	if len(f) < 2 {
		p.warn(l.No, "service line without address")
		return
	}
	p.decideFormat(f[1], svc.Proto == "FWM")
	hexForm := p.snap.Format == "procfs"
	rest := f[2:]
	if svc.Proto == "FWM" {
		base := 10
		if hexForm {
			base = 16
		}
		m, err := strconv.ParseUint(f[1], base, 32)
		if err != nil {
			p.warn(l.No, "bad firewall mark %q", clip(f[1]))
			svc.Extra = append(svc.Extra, f[1])
		}
		svc.FWMark = uint32(m)
		if len(rest) > 0 && rest[0] == "IPv6" {
			svc.IPv6, rest = true, rest[1:]
		}
	} else {
		e, err := parseEndpoint(f[1], hexForm)
		if err != nil {
			p.warn(l.No, "service address: %v", err)
			svc.Addr = f[1]
		} else {
			svc.Addr, svc.Port, svc.PortName, svc.IPv6 = e.addr, e.port, e.portName, e.ipv6
			p.noteNames(l, e)
		}
	}
	switch p.snap.Kind {
	case "stats":
		svc.Stats = p.stats(l, rest)
	case "rate":
		svc.Rates = p.rates(l, rest)
	default:
		p.serviceFlags(l, svc, rest, hexForm)
	}
}

// serviceFlags reads "rr persistent 10800 mask 255.255.255.0 ops pe sip"
// and the procfs form "rr ops persistent 10800 FFFFFFFF".
func (p *parser) serviceFlags(l source.Line, svc *Service, f []string, hexForm bool) {
	if len(f) == 0 {
		p.warn(l.No, "service %s has no scheduler", svc.Key())
		return
	}
	svc.Scheduler = f[0]
	for i := 1; i < len(f); i++ {
		tok := f[i]
		switch {
		case tok == "persistent" && i+1 < len(f):
			n, err := strconv.Atoi(f[i+1])
			if err != nil {
				p.warn(l.No, "bad persistence timeout %q", clip(f[i+1]))
				svc.Extra = append(svc.Extra, tok, f[i+1])
			}
			svc.Persistent = n
			i++
			// procfs follows the timeout with the netmask, unlabelled.
			if hexForm && i+1 < len(f) && isHex(f[i+1]) {
				svc.Mask = f[i+1]
				i++
			}
		case tok == "mask" && i+1 < len(f):
			svc.Mask = f[i+1]
			i++
		case tok == "pe" && i+1 < len(f):
			svc.PE = f[i+1]
			i++
		case tok == "ops":
			svc.Flags = append(svc.Flags, tok)
		case strings.HasPrefix(tok, "(") && strings.HasSuffix(tok, ")"):
			// scheduler flags: "sh (sh-fallback,sh-port)"
			for _, fl := range strings.Split(strings.Trim(tok, "()"), ",") {
				if fl != "" {
					svc.Flags = append(svc.Flags, fl)
				}
			}
		default:
			svc.Extra = append(svc.Extra, tok)
		}
	}
}

func (p *parser) noteNames(l source.Line, e endpoint) {
	if e.named && !p.namesWarned {
		p.namesWarned = true
		p.warn(l.No, "addresses are names (ipvsadm ran without -n); they are kept as printed and cannot be matched to IPs")
	}
}

func (p *parser) realLine(l source.Line, f []string) {
	if p.svc == nil || p.snap == nil {
		p.warn(l.No, "real server line outside a service: %q", clip(strings.Join(f, " ")))
		return
	}
	p.extend(l)
	f = f[1:] // drop "->"
	if len(f) > 0 && strings.HasPrefix(f[0], "->") {
		f[0] = strings.TrimPrefix(f[0], "->")
	}
	if len(f) == 0 {
		p.warn(l.No, "real server line without address")
		return
	}
	r := &Real{Src: p.ref(l)}
	p.svc.Reals = append(p.svc.Reals, r)
	e, err := parseEndpoint(f[0], p.snap.Format == "procfs")
	if err != nil {
		p.warn(l.No, "real server address: %v", err)
		r.Addr = f[0]
	} else {
		r.Addr, r.Port, r.PortName = e.addr, e.port, e.portName
		p.noteNames(l, e)
	}
	cols := f[1:]
	switch p.snap.Kind {
	case "stats":
		r.Stats = p.stats(l, cols)
		return
	case "rate":
		r.Rates = p.rates(l, cols)
		return
	case "thresholds":
		r.Extra = p.ints(l, cols, &r.UThreshold, &r.LThreshold, &r.ActiveConn, &r.InActConn)
		return
	case "persistent-conn":
		r.Extra = p.ints(l, cols, &r.Weight, &r.PersistConn, &r.ActiveConn, &r.InActConn)
		return
	}
	if len(cols) == 0 {
		p.warn(l.No, "real server %s has no forwarding method", r.Key())
		return
	}
	r.Forward = cols[0]
	switch r.Forward {
	case "Masq", "Route", "Tunnel", "Local", "Bypass":
	default:
		p.warn(l.No, "unknown forwarding method %q", clip(r.Forward))
	}
	r.Extra = p.ints(l, cols[1:], &r.Weight, &r.ActiveConn, &r.InActConn)
}

// ints fills dst from vals in order, warning about bad or missing values,
// and returns the values left over.
func (p *parser) ints(l source.Line, vals []string, dst ...*int) []string {
	if len(vals) < len(dst) {
		p.warn(l.No, "expected %d numeric columns, found %d", len(dst), len(vals))
	}
	for i, d := range dst {
		if i >= len(vals) {
			return nil
		}
		n, err := strconv.Atoi(vals[i])
		if err != nil {
			p.warn(l.No, "bad number %q", clip(vals[i]))
			continue
		}
		*d = n
	}
	return vals[len(dst):]
}

func (p *parser) counters(l source.Line, vals []string, dst ...*uint64) {
	if len(vals) != len(dst) {
		p.warn(l.No, "expected %d counters, found %d", len(dst), len(vals))
	}
	for i, d := range dst {
		if i >= len(vals) {
			return
		}
		n, err := parseLargeNum(vals[i])
		if err != nil {
			p.warn(l.No, "%v", err)
			continue
		}
		*d = n
	}
}

func (p *parser) stats(l source.Line, vals []string) *Stats {
	s := &Stats{}
	p.counters(l, vals, &s.Conns, &s.InPkts, &s.OutPkts, &s.InBytes, &s.OutBytes)
	return s
}

func (p *parser) rates(l source.Line, vals []string) *Rates {
	r := &Rates{}
	p.counters(l, vals, &r.CPS, &r.InPPS, &r.OutPPS, &r.InBPS, &r.OutBPS)
	return r
}

// connLine reads an `ipvsadm -Lnc` row:
// "TCP 14:56  ESTABLISHED 10.0.0.1:52534     10.20.0.100:80     10.244.1.5:8080".
func (p *parser) connLine(l source.Line, f []string) {
	if len(f) < 6 {
		p.warn(l.No, "connection entry has %d columns, want 6", len(f))
		return
	}
	c := &Conn{Proto: f[0], State: f[2], Src: p.ref(l), Extra: f[6:]}
	d, err := parseExpire(f[1])
	if err != nil {
		p.warn(l.No, "%v", err)
	}
	c.Expire = d
	ends := []*string{&c.Client, &c.Virtual, &c.Dest}
	var client endpoint
	for i, dst := range ends {
		e, err := parseEndpoint(f[3+i], false)
		if err != nil {
			p.warn(l.No, "connection address: %v", err)
			*dst = f[3+i]
			continue
		}
		if i == 0 {
			client = e
		}
		p.noteNames(l, e)
		*dst = e.String()
	}
	c.Template = c.State == "NONE" && client.port == 0 && client.addr != ""
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	p.res.Conns = append(p.res.Conns, c)
}

// parseExpire reads ipvsadm's "mm:ss"; minutes may exceed 59 (a 3 hour
// persistence template shows as 180:00).
func parseExpire(s string) (time.Duration, error) {
	m, sec, ok := strings.Cut(s, ":")
	mi, err1 := strconv.Atoi(m)
	si, err2 := strconv.Atoi(sec)
	if !ok || err1 != nil || err2 != nil || mi < 0 || si < 0 || si > 59 || mi > 1<<20 {
		return 0, &badValue{what: "expire time", val: s}
	}
	return time.Duration(mi)*time.Minute + time.Duration(si)*time.Second, nil
}

type badValue struct{ what, val string }

func (e *badValue) Error() string { return "bad " + e.what + " " + strconv.Quote(clip(e.val)) }

// procConnLine reads a /proc/net/ip_vs_conn row:
// "TCP C0A80001 D5F6 0A000001 01BB C0A80002 192B ESTABLISHED     899".
// ip_vs_conn_sync adds an Origin column ("Local"/"Sync") before Expires.
func (p *parser) procConnLine(l source.Line, f []string) {
	want := 9
	if p.procConnOrigin {
		want = 10
	}
	if len(f) < want {
		p.warn(l.No, "connection entry has %d columns, want %d", len(f), want)
		return
	}
	c := &Conn{Proto: f[0], State: f[7], Src: p.ref(l)}
	ends := []*string{&c.Client, &c.Virtual, &c.Dest}
	var clientPort uint64
	for i, dst := range ends {
		a, err := parseHexAddr(f[1+2*i])
		port, perr := strconv.ParseUint(f[2+2*i], 16, 16)
		if err != nil || perr != nil {
			p.warn(l.No, "bad connection address %q %q", clip(f[1+2*i]), clip(f[2+2*i]))
			*dst = f[1+2*i] + ":" + f[2+2*i]
			continue
		}
		if i == 0 {
			clientPort = port
		}
		*dst = joinHostPort(a.String(), int(port), "")
	}
	exp := f[8]
	extra := f[9:]
	if p.procConnOrigin {
		exp, extra = f[9], append([]string{f[8]}, f[10:]...)
	}
	secs, err := strconv.ParseUint(exp, 10, 32)
	if err != nil {
		p.warn(l.No, "bad expire seconds %q", clip(exp))
	}
	c.Expire = time.Duration(secs) * time.Second
	c.Template = c.State == "NONE" && clientPort == 0
	if len(extra) > 0 {
		c.Extra = extra
	}
	p.res.Conns = append(p.res.Conns, c)
}

func allHexOrTilde(f []string) bool {
	for i, s := range f {
		if !(isHex(s) || i == 0 && s == "~") {
			return false
		}
	}
	return true
}

// procStatsLine reads a hex row of /proc/net/ip_vs_stats. In the per-CPU
// variant only the "~" total row is kept.
func (p *parser) procStatsLine(l source.Line, f []string) {
	switch {
	case len(f) == 6 && f[0] == "~":
		f = f[1:]
	case len(f) == 6:
		return // one CPU's row of ip_vs_stats_percpu
	case len(f) != 5:
		p.warn(l.No, "ip_vs_stats row has %d columns, want 5", len(f))
		return
	}
	if p.res.Stats == nil {
		p.res.Stats = &Totals{Src: p.ref(l)}
	}
	t := p.res.Stats
	dst := []*uint64{&t.Stats.Conns, &t.Stats.InPkts, &t.Stats.OutPkts, &t.Stats.InBytes, &t.Stats.OutBytes}
	if p.procStatsRates {
		dst = []*uint64{&t.Rates.CPS, &t.Rates.InPPS, &t.Rates.OutPPS, &t.Rates.InBPS, &t.Rates.OutBPS}
		t.HasRates = true
		t.Src.EndLine = max(t.Src.EndLine, l.No)
	}
	for i, s := range f {
		n, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			p.warn(l.No, "bad hex counter %q", clip(s))
			continue
		}
		*dst[i] = n
	}
}
