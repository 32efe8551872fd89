package redact

import (
	"net/netip"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/analyzer/pcap"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Report returns a deep copy of rep with every string that can carry an
// address or a name passed through Text. The report's host names (and the
// artifacts' hosts) are registered first, in the report's order, so they
// become host-1, host-2, ... consistently. Identifiers the rules define
// (schema, tool, rule ids, severities, counter names, reference URLs) are
// copied unchanged; rule-written text (titles, summaries, explanations,
// remediation, counter meanings) is still passed through Text because it
// can quote values from the input.
func (r *Redactor) Report(rep *engine.Report) *engine.Report {
	if rep == nil {
		return nil
	}
	for _, h := range rep.Hosts {
		r.AddHost(h)
	}
	for _, a := range rep.Artifacts {
		r.AddHost(a.Host)
	}
	r.mu.Lock()
	r.learnAll(rep)
	r.mu.Unlock()

	t := r.Text
	out := &engine.Report{Schema: rep.Schema, Tool: rep.Tool}
	out.Hosts = mapStrings(rep.Hosts, t)
	if rep.Artifacts != nil {
		out.Artifacts = make([]engine.ArtifactInfo, len(rep.Artifacts))
		for i, a := range rep.Artifacts {
			out.Artifacts[i] = engine.ArtifactInfo{Name: t(a.Name), Host: t(a.Host), Namespace: t(a.Namespace),
				Kind: a.Kind, Command: t(a.Command), Size: a.Size, Warnings: r.warnings(a.Warnings)}
		}
	}
	if rep.Findings != nil {
		out.Findings = make([]engine.Finding, len(rep.Findings))
		for i, f := range rep.Findings {
			g := f
			g.Host, g.Title, g.Summary = t(f.Host), t(f.Title), t(f.Summary)
			g.Explanation, g.Remediation = t(f.Explanation), t(f.Remediation)
			g.References = append([]string(nil), f.References...)
			if f.Evidence != nil {
				g.Evidence = make([]engine.Evidence, len(f.Evidence))
				for k, e := range f.Evidence {
					e.Artifact, e.Text, e.Note = t(e.Artifact), t(e.Text), t(e.Note)
					g.Evidence[k] = e
				}
			}
			if f.Flows != nil {
				g.Flows = make([]engine.FlowEvidence, len(f.Flows))
				for k, fe := range f.Flows {
					fl := *fe.Flow
					fl.Client, fl.Server = redactAddrPort(fl.Client, t), redactAddrPort(fl.Server, t)
					g.Flows[k] = engine.FlowEvidence{Artifact: t(fe.Artifact), Flow: &fl}
				}
			}
			if f.Missing != nil {
				g.Missing = make([]engine.Missing, len(f.Missing))
				for k, m := range f.Missing {
					g.Missing[k] = engine.Missing{Kind: m.Kind, Why: t(m.Why), Collect: t(m.Collect)}
				}
			}
			out.Findings[i] = g
		}
	}
	if rep.Captures != nil {
		out.Captures = make([]engine.Capture, len(rep.Captures))
		for i, c := range rep.Captures {
			c.Artifact = t(c.Artifact)
			c.Notes = mapStrings(c.Notes, t)
			c.NAT = append([]pcap.NATMapping(nil), c.NAT...)
			for k := range c.NAT {
				c.NAT[k].Before, c.NAT[k].After = t(c.NAT[k].Before), t(c.NAT[k].After)
			}
			out.Captures[i] = c
		}
	}
	if rep.Errors != nil {
		out.Errors = make([]engine.Error, len(rep.Errors))
		for i, e := range rep.Errors {
			out.Errors[i] = engine.Error{Artifact: t(e.Artifact), Message: t(e.Message)}
		}
	}
	if rep.Counters != nil {
		out.Counters = make([]engine.CounterMove, len(rep.Counters))
		for i, c := range rep.Counters {
			c.Host, c.Artifact, c.Meaning = t(c.Host), t(c.Artifact), t(c.Meaning)
			c.Rules = append([]string(nil), c.Rules...)
			out.Counters[i] = c
		}
	}
	return out
}

// learnAll registers the domains of FQDN forms of the registered hosts
// found anywhere in the report, so that a domain seen late is also replaced
// where it appears early.
func (r *Redactor) learnAll(rep *engine.Report) {
	for _, a := range rep.Artifacts {
		r.learnDomains(a.Name)
		r.learnDomains(a.Command)
		for _, w := range a.Warnings {
			r.learnDomains(w.Message)
		}
	}
	for _, f := range rep.Findings {
		r.learnDomains(f.Summary)
		for _, e := range f.Evidence {
			r.learnDomains(e.Artifact)
			r.learnDomains(e.Text)
			r.learnDomains(e.Note)
		}
	}
	for _, e := range rep.Errors {
		r.learnDomains(e.Message)
	}
}

func (r *Redactor) warnings(ws []source.Warning) []source.Warning {
	if ws == nil {
		return nil
	}
	out := make([]source.Warning, len(ws))
	for i, w := range ws {
		out[i] = source.Warning{Line: w.Line, Message: r.Text(w.Message)}
	}
	return out
}

func mapStrings(ss []string, f func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// redactAddrPort replaces a flow endpoint's address by its pseudonym; the
// port is kept, as in text.
func redactAddrPort(ap netip.AddrPort, t func(string) string) netip.AddrPort {
	a, err := netip.ParseAddr(t(ap.Addr().String()))
	if err != nil {
		a = netip.IPv4Unspecified()
	}
	return netip.AddrPortFrom(a, ap.Port())
}
