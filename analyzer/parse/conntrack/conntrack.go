// Package conntrack parses netfilter connection-tracking artifacts: the
// per-CPU statistics (`conntrack -S`, /proc/net/stat/nf_conntrack), the
// table itself (`conntrack -L`, /proc/net/nf_conntrack) and `conntrack -C`.
package conntrack

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// CPUStats is one row of conntrack statistics. CPU is -1 for the summed
// "name value" listing that conntrack-tools before 1.4.3 printed.
type CPUStats struct {
	CPU    int
	Fields map[string]uint64
	Src    source.Ref
}

// Tuple is one direction of a connection.
type Tuple struct {
	Src, Dst     string
	SPort, DPort int
}

// Entry is one tracked connection.
type Entry struct {
	Proto   string // "tcp", "udp", "icmp", ...
	Family  string // "ipv4"/"ipv6" when the line carries it (/proc form)
	Timeout int    // seconds left
	State   string // TCP/SCTP/DCCP state, empty for stateless protocols
	Orig    Tuple
	Reply   Tuple
	Flags   []string // ASSURED, UNREPLIED, ... without brackets
	Mark    string
	// Extra keeps every other key=value; those of the reply direction
	// (type, code, id, packets, bytes, ...) are prefixed with "reply.".
	Extra map[string]string
	Src   source.Ref
}

// DNATed reports whether the reply comes from somewhere other than where
// the original packet was sent, i.e. the destination was rewritten.
func (e *Entry) DNATed() bool { return e.Reply.Src != e.Orig.Dst || e.Reply.SPort != e.Orig.DPort }

// SNATed reports whether the reply goes to somewhere other than the
// original source, i.e. the source was rewritten (masquerade, SNAT).
func (e *Entry) SNATed() bool { return e.Reply.Dst != e.Orig.Src || e.Reply.DPort != e.Orig.SPort }

// HasFlag reports whether the entry carries a flag such as "UNREPLIED".
func (e *Entry) HasFlag(flag string) bool {
	for _, f := range e.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// Count is the number of entries reported by `conntrack -C` or by the
// "N flow entries have been shown" trailer of `conntrack -L`.
type Count struct {
	Value uint64
	Src   source.Ref
}

// Result is everything found in one artifact.
type Result struct {
	Stats   []*CPUStats
	Entries []*Entry
	Count   *Count
}

// Total sums a statistics field over all CPUs. "entries" is a global
// gauge that the kernel repeats on every CPU row, so it is not summed.
// Per-CPU rows take precedence over a summed (CPU -1) listing.
func (r *Result) Total(field string) (uint64, bool) {
	if r == nil {
		return 0, false
	}
	rows := make([]*CPUStats, 0, len(r.Stats))
	for _, s := range r.Stats {
		if s.CPU >= 0 {
			rows = append(rows, s)
		}
	}
	if len(rows) == 0 {
		rows = r.Stats
	}
	var sum uint64
	found := false
	for _, s := range rows {
		v, ok := s.Fields[field]
		if !ok {
			continue
		}
		if field == "entries" {
			if !found || v > sum {
				sum = v
			}
		} else {
			sum += v
		}
		found = true
	}
	return sum, found
}

// statFields are the counters /proc/net/stat/nf_conntrack and conntrack -S
// have used; they let the old "name value" listing be told from noise.
var statFields = map[string]bool{
	"entries": true, "searched": true, "found": true, "new": true, "invalid": true,
	"ignore": true, "delete": true, "delete_list": true, "insert": true,
	"insert_failed": true, "drop": true, "early_drop": true, "error": true,
	"icmp_error": true, "expect_new": true, "expect_create": true,
	"expect_delete": true, "search_restart": true, "clash_resolve": true,
	"chaintoolong": true,
}

var (
	countLine   = regexp.MustCompile(`^\d+$`)
	shownLine   = regexp.MustCompile(`(\d+) flow entries have been shown`)
	oldStatLine = regexp.MustCompile(`^([a-z_]+)\s+(\d+)$`)
)

// Parse reads any of the forms; one artifact may mix them (a sosreport
// command file with several outputs concatenated).
func Parse(artifact string, data []byte) (*Result, []source.Warning) {
	r := &Result{}
	var warns []source.Warning
	var header []string // column names of /proc/net/stat/nf_conntrack
	var oldStats *CPUStats
	hexRows := 0 // the kernel prints one row per possible CPU, in order
	lines := source.Lines(data)
	warns = append(warns, source.CutWarnings(lines)...)
	for _, ln := range lines {
		text := strings.TrimSpace(ln.Text)
		ref := source.At(artifact, ln.No, ln.Text)
		fields := strings.Fields(text)
		switch {
		case text == "":
			continue
		case fields[0] == "entries" && len(fields) > 1 && !isNumber(fields[1]):
			header = fields
		case header != nil && isHexRow(fields):
			row := &CPUStats{CPU: hexRows, Fields: map[string]uint64{}, Src: ref}
			hexRows++
			if len(fields) != len(header) {
				warns = append(warns, source.Warnf(ln.No, "%d values for %d columns", len(fields), len(header)))
			}
			for i := 0; i < len(fields) && i < len(header); i++ {
				v, _ := strconv.ParseUint(fields[i], 16, 64) // isHexRow checked the syntax
				row.Fields[header[i]] = v
			}
			r.Stats = append(r.Stats, row)
		case strings.HasPrefix(text, "cpu="):
			row, err := parseCPULine(text, ref)
			if err != "" {
				warns = append(warns, source.Warnf(ln.No, "%s", err))
			}
			if row != nil {
				r.Stats = append(r.Stats, row)
			}
		case countLine.MatchString(text):
			v, err := strconv.ParseUint(text, 10, 64)
			if err != nil {
				warns = append(warns, source.Warnf(ln.No, "count out of range: %.40s", text))
				continue
			}
			r.Count = &Count{Value: v, Src: ref}
		case shownLine.MatchString(text):
			m := shownLine.FindStringSubmatch(text)
			if v, err := strconv.ParseUint(m[1], 10, 64); err == nil && r.Count == nil {
				r.Count = &Count{Value: v, Src: ref}
			}
		case oldStatLine.MatchString(text) && statFields[fields[0]]:
			if oldStats == nil {
				oldStats = &CPUStats{CPU: -1, Fields: map[string]uint64{}, Src: ref}
				r.Stats = append(r.Stats, oldStats)
			}
			v, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				warns = append(warns, source.Warnf(ln.No, "value out of range: %.40s", text))
				continue
			}
			oldStats.Fields[fields[0]] = v
			oldStats.Src.EndLine = ln.No
			oldStats.Src.Text += "\n" + ln.Text
		default:
			e, err := parseEntry(fields, ref)
			if err != "" {
				warns = append(warns, source.Warnf(ln.No, "%s: %.80q", err, text))
				continue
			}
			r.Entries = append(r.Entries, e)
		}
	}
	return r, warns
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// isHexRow recognises a /proc/net/stat/nf_conntrack row: %08x columns. A
// lone short number is a `conntrack -C` count instead.
func isHexRow(fields []string) bool {
	if len(fields) == 0 || (len(fields) == 1 && len(fields[0]) != 8) {
		return false
	}
	for _, f := range fields {
		if _, err := strconv.ParseUint(f, 16, 64); err != nil {
			return false
		}
	}
	return true
}

// parseCPULine reads "cpu=0 found=0 invalid=43 ignore=0 ...".
func parseCPULine(text string, ref source.Ref) (*CPUStats, string) {
	row := &CPUStats{Fields: map[string]uint64{}, Src: ref}
	var bad []string
	for i, f := range strings.Fields(text) {
		k, v, ok := strings.Cut(f, "=")
		n, err := strconv.ParseUint(v, 10, 64)
		if !ok || err != nil {
			bad = append(bad, f)
			continue
		}
		if i == 0 && k == "cpu" {
			if n > 1<<20 {
				return nil, "implausible cpu number"
			}
			row.CPU = int(n)
			continue
		}
		row.Fields[k] = n
	}
	if len(bad) > 0 {
		return row, "unparsed fields: " + strings.Join(bad, " ")
	}
	return row, ""
}

// tupleKeys are the keys that belong to a direction of the connection;
// after the second src= they describe the reply.
var tupleKeys = map[string]bool{
	"src": true, "dst": true, "sport": true, "dport": true, "type": true,
	"code": true, "id": true, "packets": true, "bytes": true,
	"srckey": true, "dstkey": true,
}

// parseEntry reads one connection line in either form:
//
//	tcp      6 431999 ESTABLISHED src=... dst=... sport=... dport=... src=... [ASSURED] mark=0 use=1
//	ipv4     2 tcp      6 431999 ESTABLISHED src=...
func parseEntry(fields []string, ref source.Ref) (*Entry, string) {
	e := &Entry{Extra: map[string]string{}, Src: ref}
	i := 0
	if len(fields) >= 2 && (fields[0] == "ipv4" || fields[0] == "ipv6") && isNumber(fields[1]) {
		e.Family = fields[0]
		i = 2
	}
	// proto name, proto number, timeout
	if len(fields) < i+3 || !isNumber(fields[i+1]) || strings.Contains(fields[i], "=") {
		return nil, "not a conntrack line"
	}
	e.Proto = fields[i]
	timeout, err := strconv.Atoi(fields[i+2])
	if err != nil {
		return nil, "bad timeout"
	}
	e.Timeout = timeout
	i += 3
	if i < len(fields) && !strings.Contains(fields[i], "=") && !strings.HasPrefix(fields[i], "[") {
		e.State = fields[i]
		i++
	}
	srcSeen := 0
	replyDone := false // a flag or entry-level key after the reply tuple ends it
	for ; i < len(fields); i++ {
		f := fields[i]
		if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
			e.Flags = append(e.Flags, strings.Trim(f, "[]"))
			replyDone = srcSeen >= 2
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			e.Extra["field"+strconv.Itoa(i)] = f
			continue
		}
		if k == "src" {
			srcSeen++
		}
		if srcSeen >= 2 && !tupleKeys[k] {
			replyDone = true
		}
		reply := srcSeen >= 2 && !replyDone
		t := &e.Orig
		if reply {
			t = &e.Reply
		}
		switch {
		case k == "src" && !replyDone:
			t.Src = v
		case k == "dst" && !replyDone:
			t.Dst = v
		case k == "sport" && !replyDone:
			t.SPort, _ = strconv.Atoi(v)
		case k == "dport" && !replyDone:
			t.DPort, _ = strconv.Atoi(v)
		case k == "mark":
			e.Mark = v
		case reply && tupleKeys[k]:
			e.Extra["reply."+k] = v
		default:
			e.Extra[k] = v
		}
	}
	if srcSeen == 0 {
		return nil, "no src= tuple"
	}
	return e, ""
}
