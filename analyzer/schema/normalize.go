package schema

// New returns an empty report with its schema tag, every list empty.
func New() *Report {
	r := &Report{Schema: Version}
	r.Normalize()
	return r
}

// Normalize replaces every nil list of the report, nested ones included,
// with an empty one, so the report encodes lists as [] and never as null.
// Lists tagged omitempty stay as they are. It sets the schema tag if unset.
func (r *Report) Normalize() {
	if r == nil {
		return
	}
	if r.Schema == "" {
		r.Schema = Version
	}
	r.Hosts = nonNil(r.Hosts)
	r.Artifacts = nonNil(r.Artifacts)
	for i := range r.Artifacts {
		r.Artifacts[i].Warnings = nonNil(r.Artifacts[i].Warnings)
	}
	r.Findings = nonNil(r.Findings)
	for i := range r.Findings {
		f := &r.Findings[i]
		f.References = nonNil(f.References)
		f.Evidence = nonNil(f.Evidence)
		f.Missing = nonNil(f.Missing)
		for _, fl := range f.Flows {
			if fl.Flow != nil {
				fl.Packets = nonNil(fl.Packets)
				fl.ClientSide.RTO = nonNil(fl.ClientSide.RTO)
				fl.ServerSide.RTO = nonNil(fl.ServerSide.RTO)
			}
		}
	}
	r.Captures = nonNil(r.Captures)
	for i := range r.Captures {
		c := &r.Captures[i]
		c.LinkTypes = nonNil(c.LinkTypes)
		c.Notes = nonNil(c.Notes)
		c.NAT = nonNil(c.NAT)
		c.Summary.TopConversations = nonNil(c.Summary.TopConversations)
	}
	r.Checks = nonNil(r.Checks)
	r.Timeline = nonNil(r.Timeline)
	r.TimelineInfo.Notes = nonNil(r.TimelineInfo.Notes)
	r.ClockOffsets = nonNil(r.ClockOffsets)
	for i := range r.Timeline {
		r.Timeline[i].Findings = nonNil(r.Timeline[i].Findings)
	}
	r.Errors = nonNil(r.Errors)
	r.Counters = nonNil(r.Counters)
	r.Totals = nonNil(r.Totals)
	r.NotAnalysed = nonNil(r.NotAnalysed)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
