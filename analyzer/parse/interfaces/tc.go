package interfaces

import (
	"regexp"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

var (
	qdiscLine = regexp.MustCompile(`^qdisc (\S+) (\S*): (?:dev (\S+) )?(root|ingress|parent (\S+))?`)
	sentLine  = regexp.MustCompile(`^Sent (\d+) bytes (\d+) pkts? \(dropped (\d+), overlimits (\d+) requeues (\d+)\)`)
)

// parseTC reads `tc -s qdisc show`: one qdisc line, its Sent line (bytes,
// packets, dropped, overlimits, requeues), the backlog line and the kind's
// own statistics as "name value" pairs.
func parseTC(artifact string, lines []source.Line) (*Result, []source.Warning) {
	r := &Result{Form: FormTC}
	var warns []source.Warning
	var cur *Qdisc
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if m := qdiscLine.FindStringSubmatch(t); m != nil {
			cur = &Qdisc{Kind: m[1], Handle: m[2], Dev: m[3], Root: m[4] == "root", Parent: m[5],
				Extra: map[string]int64{}, Src: at(artifact, l)}
			if m[4] == "ingress" {
				cur.Parent = "ingress"
			}
			r.Qdiscs = append(r.Qdiscs, cur)
			continue
		}
		if cur == nil || t == "" {
			continue
		}
		if m := sentLine.FindStringSubmatch(t); m != nil {
			cur.Sent, _ = parseInt(m[1])
			cur.Packets, _ = parseInt(m[2])
			cur.Dropped, _ = parseInt(m[3])
			cur.Overlimits, _ = parseInt(m[4])
			cur.Requeues, _ = parseInt(m[5])
			cur.Stats = at(artifact, l)
			continue
		}
		if strings.HasPrefix(t, "Sent ") {
			warns = append(warns, source.Warnf(l.No, "unrecognised statistics line"))
			continue
		}
		f := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(t))
		for k := 0; k+1 < len(f); k++ {
			if v, ok := parseInt(f[k+1]); ok && f[k][0] >= 'a' && f[k][0] <= 'z' {
				if f[k] != "backlog" && f[k] != "requeues" {
					cur.Extra[f[k]] = v
				}
				k++
			}
		}
	}
	return r, warns
}

// aqmKinds drop on purpose to keep queues short: their dropped count is
// queue management, not loss from a full queue.
var aqmKinds = map[string]bool{"fq_codel": true, "codel": true, "pie": true, "fq_pie": true, "cake": true,
	"red": true, "choke": true, "sfb": true, "gred": true}

// aggregateKinds report the sum of their children's statistics.
var aggregateKinds = map[string]bool{"mq": true, "mqprio": true, "multiq": true, "taprio": true}

// IsAQM reports whether the qdisc drops on purpose (fq_codel, pie, cake...).
func (q *Qdisc) IsAQM() bool { return aqmKinds[q.Kind] }

// IsAggregate reports whether the qdisc's counters are its children's sum.
func (q *Qdisc) IsAggregate() bool { return aggregateKinds[q.Kind] }

// TailDrops are the drops that mean a full queue: all drops for a plain
// FIFO, shaper or scheduler; for an AQM, only those beyond its hard limit
// (fq_codel's drop_overlimit, cake's and pie's overlimit counts are not
// separable and count as zero).
func (q *Qdisc) TailDrops() int64 {
	if q.IsAggregate() {
		return 0
	}
	if q.IsAQM() {
		return q.Extra["drop_overlimit"]
	}
	return q.Dropped
}
