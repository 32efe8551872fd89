package redact

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/analyzer/engine"
)

// kept lists the string fields Report leaves alone on purpose: identifiers
// the program and the rules define.
var kept = map[string]bool{
	"Report.Schema": true, "Tool.Name": true, "Tool.Version": true, "Tool.Rules": true,
	"ArtifactInfo.Kind": true, "Finding.Rule": true, "Finding.Severity": true, "Finding.Confidence": true,
	"Finding.References": true, "Finding.ExplainedBy": true, "Evidence.Time": true, "Missing.Kind": true,
	"Flow.Protocol": true, "Flow.Handshake": true, "Flow.Closed": true, "Packet.Dir": true, "Packet.Flags": true,
	"Capture.LinkTypes": true, "Check.Rule": true, "Check.Status": true, "Check.Missing": true,
	"TimelineEvent.Time": true, "TimelineEvent.Kind": true, "TimelineEvent.Findings": true,
	"CounterMove.Name": true, "CounterMove.Rules": true, "CounterTotal.Name": true, "CounterTotal.Rules": true,
	"TimelineEvent.Until": true, "Span.First": true, "Span.Last": true, "ClockOffset.Method": true,
}

const marker = "10.9.8.7 web-9"

// fill sets every exported string of v to marker and gives every slice one
// element and every pointer a value.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(marker)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(netip.AddrPort{}) {
			v.Set(reflect.ValueOf(netip.MustParseAddrPort("10.9.8.7:80")))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem())
		v.Set(p)
	}
}

// unchanged lists the paths (Type.Field) of strings still equal to marker.
func unchanged(v reflect.Value, owner string, out map[string]bool) {
	switch v.Kind() {
	case reflect.String:
		if v.String() == marker {
			out[owner] = true
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(netip.AddrPort{}) {
			if v.Interface().(netip.AddrPort).Addr() == netip.MustParseAddr("10.9.8.7") {
				out[owner] = true
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name := v.Type().Name() + "." + f.Name
			if f.Anonymous {
				name = owner
			}
			unchanged(v.Field(i), name, out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			unchanged(v.Index(i), owner, out)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			unchanged(v.Elem(), owner, out)
		}
	}
}

// TestVisitCoversEveryString fills every string of a report, redacts it and
// checks that only the fields listed in kept come back unchanged: a field
// added to the schema and forgotten in visit fails here.
func TestVisitCoversEveryString(t *testing.T) {
	var rep engine.Report
	fill(reflect.ValueOf(&rep).Elem())
	r := New(nil)
	r.AddHost("web-9")
	red := r.Report(&rep)
	left := map[string]bool{}
	unchanged(reflect.ValueOf(red).Elem(), "Report", left)
	for f := range left {
		if !kept[f] {
			t.Errorf("%s is not redacted", f)
		}
	}
	for f := range kept {
		if !left[f] && !strings.HasPrefix(f, "Report.") {
			t.Logf("kept field %s was rewritten anyway", f)
		}
	}
	// and the input is untouched
	orig := map[string]bool{}
	unchanged(reflect.ValueOf(&rep).Elem(), "Report", orig)
	if len(orig) <= len(left) {
		t.Errorf("the input report was modified: %d fields still marked, %d after redaction", len(orig), len(left))
	}
}
