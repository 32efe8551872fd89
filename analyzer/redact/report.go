package redact

import (
	"net/netip"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// Report returns a deep copy of rep with every string that can carry an
// address or a name rewritten. It works in two passes: first every name
// the report reveals is learnt (the report's hosts, the artifacts' hosts,
// then prompts, syslog host fields, sosreport names, ... in every string,
// then the other FQDN forms of those hosts), and only then is any string
// rewritten, so a name seen late is replaced where it appears early too.
// Identifiers the rules define (schema, tool, rule ids, severities,
// statuses, artifact kinds, counter names, reference URLs, timestamps) are
// copied unchanged; rule-written text (titles, summaries, explanations,
// remediation, counter meanings, check reasons) is rewritten because it can
// quote values from the input.
func (r *Redactor) Report(rep *engine.Report) *engine.Report {
	if rep == nil {
		return nil
	}
	out := copyReport(rep)
	var ptrs []*string
	visit(out, func(p *string) { ptrs = append(ptrs, p) })

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range rep.Hosts {
		r.addHost(h)
	}
	for _, a := range rep.Artifacts {
		r.addHost(a.Host)
	}
	for _, p := range ptrs {
		r.learn(*p)
	}
	for _, p := range ptrs {
		r.learnRelated(*p)
	}
	for _, p := range ptrs {
		*p = r.text(*p)
	}
	for i := range out.Findings {
		for _, fe := range out.Findings[i].Flows {
			fe.Client = r.addrPort(fe.Client)
			fe.Server = r.addrPort(fe.Server)
		}
	}
	return out
}

// addrPort replaces a flow endpoint's address by its pseudonym; the port
// is kept.
func (r *Redactor) addrPort(ap netip.AddrPort) netip.AddrPort {
	if !ap.Addr().IsValid() {
		return ap
	}
	return netip.AddrPortFrom(r.mapAddr(ap.Addr()), ap.Port())
}

// copyReport deep-copies every slice and pointer of rep that visit reaches.
func copyReport(rep *engine.Report) *engine.Report {
	out := *rep
	out.Hosts = clone(rep.Hosts)
	out.Artifacts = clone(rep.Artifacts)
	for i := range out.Artifacts {
		out.Artifacts[i].Warnings = clone(out.Artifacts[i].Warnings)
	}
	out.Findings = clone(rep.Findings)
	for i := range out.Findings {
		f := &out.Findings[i]
		f.References = clone(f.References)
		f.Evidence = clone(f.Evidence)
		f.Missing = clone(f.Missing)
		f.Flows = clone(f.Flows)
		for k := range f.Flows {
			if f.Flows[k].Flow != nil {
				fl := *f.Flows[k].Flow
				fl.Packets = clone(fl.Packets)
				for n := range fl.Packets {
					fl.Packets[n].Notes = clone(fl.Packets[n].Notes)
				}
				fl.ClientSide.RTO = clone(fl.ClientSide.RTO)
				fl.ServerSide.RTO = clone(fl.ServerSide.RTO)
				f.Flows[k].Flow = &fl
			}
		}
	}
	out.Captures = clone(rep.Captures)
	for i := range out.Captures {
		c := &out.Captures[i]
		c.Notes = clone(c.Notes)
		c.LinkTypes = clone(c.LinkTypes)
		c.NAT = clone(c.NAT)
		c.Summary.TopConversations = clone(c.Summary.TopConversations)
	}
	out.Checks = clone(rep.Checks)
	for i := range out.Checks {
		out.Checks[i].Missing = clone(out.Checks[i].Missing)
	}
	out.Timeline = clone(rep.Timeline)
	for i := range out.Timeline {
		out.Timeline[i].Findings = clone(out.Timeline[i].Findings)
	}
	out.Errors = clone(rep.Errors)
	out.Counters = clone(rep.Counters)
	for i := range out.Counters {
		out.Counters[i].Rules = clone(out.Counters[i].Rules)
	}
	out.Totals = clone(rep.Totals)
	for i := range out.Totals {
		out.Totals[i].Rules = clone(out.Totals[i].Rules)
	}
	out.NotAnalysed = clone(rep.NotAnalysed)
	out.ClockOffsets = clone(rep.ClockOffsets)
	out.TimelineInfo.Notes = clone(rep.TimelineInfo.Notes)
	return &out
}

func clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// visit calls f on every string of rep that can carry an address or a
// name. Keep it in step with analyzer/schema: a string field missing here
// is a leak (TestVisitCoversEveryString checks it by reflection).
func visit(rep *engine.Report, f func(*string)) {
	all := func(ss []string) {
		for i := range ss {
			f(&ss[i])
		}
	}
	all(rep.Hosts)
	for i := range rep.Artifacts {
		a := &rep.Artifacts[i]
		f(&a.Name)
		f(&a.Host)
		f(&a.Namespace)
		f(&a.Command)
		f(&a.HostReason)
		for k := range a.Warnings {
			f(&a.Warnings[k].Message)
		}
	}
	for i := range rep.Findings {
		g := &rep.Findings[i]
		f(&g.Host)
		f(&g.Title)
		f(&g.Summary)
		f(&g.Explanation)
		f(&g.Remediation)
		for k := range g.Evidence {
			e := &g.Evidence[k]
			f(&e.Artifact)
			f(&e.Text)
			f(&e.Note)
			f(&e.Label)
		}
		for k := range g.Missing {
			f(&g.Missing[k].Why)
			f(&g.Missing[k].Collect)
		}
		for k := range g.Flows {
			fe := &g.Flows[k]
			f(&fe.Artifact)
			if fe.Flow != nil {
				for n := range fe.Flow.Packets {
					all(fe.Flow.Packets[n].Notes)
				}
			}
		}
	}
	for i := range rep.Captures {
		c := &rep.Captures[i]
		f(&c.Artifact)
		all(c.Notes)
		f(&c.Error)
		for k := range c.NAT {
			f(&c.NAT[k].Before)
			f(&c.NAT[k].After)
		}
		for k := range c.Summary.TopConversations {
			f(&c.Summary.TopConversations[k].Client)
			f(&c.Summary.TopConversations[k].Server)
		}
	}
	for i := range rep.Checks {
		c := &rep.Checks[i]
		f(&c.Host)
		f(&c.Reason)
	}
	for i := range rep.Timeline {
		e := &rep.Timeline[i]
		f(&e.Host)
		f(&e.Source.Artifact)
		f(&e.Text)
		f(&e.Note)
	}
	all(rep.TimelineInfo.Notes)
	for i := range rep.ClockOffsets {
		c := &rep.ClockOffsets[i]
		f(&c.Host)
		f(&c.Reference)
		f(&c.Text)
		f(&c.Source.Artifact)
	}
	for i := range rep.Totals {
		c := &rep.Totals[i]
		f(&c.Host)
		f(&c.Artifact)
		f(&c.Meaning)
	}
	for i := range rep.NotAnalysed {
		f(&rep.NotAnalysed[i].Path)
		f(&rep.NotAnalysed[i].Reason)
	}
	for i := range rep.Errors {
		f(&rep.Errors[i].Artifact)
		f(&rep.Errors[i].Message)
	}
	for i := range rep.Counters {
		c := &rep.Counters[i]
		f(&c.Host)
		f(&c.Artifact)
		f(&c.Meaning)
	}
}
