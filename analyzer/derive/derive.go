// Package derive computes the measurements rules need from a host's facts:
// counts, deltas, durations and the lines that show them. It never decides
// that a failure mode is present; thresholds and verdicts live in the rules.
package derive

import (
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Observation is one thing a measurement counted, with the lines that show
// it and a short note for the evidence list.
type Observation struct {
	Refs []source.Ref
	Note string
	Time time.Time // when the observed event happened, if a log line says so with its year
	// Values are named measured values (nodeport, vip, namespace,
	// interface) that rule text may refer to as {{name}}.
	Values map[string]string
}

// seconds turns a rule's number of seconds into a duration.
func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func obs(note string, refs ...source.Ref) Observation {
	return Observation{Refs: refs, Note: note}
}

// bareIP strips an IPv4-mapped IPv6 prefix, brackets and a prefix length, so
// addresses from different tools compare equal.
func bareIP(s string) string {
	s = strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), "::ffff:")
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '%'); i >= 0 {
		s = s[:i]
	}
	return s
}

// portsOf parses an iptables port value: "32672", "30000:32767", "80,443".
// Ranges wider than 64 ports are skipped: they are not a specific NodePort.
func portsOf(v string) []int {
	var out []int
	for _, part := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		if !isRange {
			out = append(out, a)
			continue
		}
		b, err := strconv.Atoi(strings.TrimSpace(hi))
		if err != nil || b < a || b-a > 64 {
			continue
		}
		for p := a; p <= b; p++ {
			out = append(out, p)
		}
	}
	return out
}
