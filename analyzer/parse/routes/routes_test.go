package routes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

func parseFile(t *testing.T, name string) *Table {
	t.Helper()
	return parsetest.ParseClean(t, filepath.Join("testdata", name), Parse)
}

func TestIPRoute(t *testing.T) {
	tb := parseFile(t, "ip_route_calico.txt")
	if tb.Form != "ip" || len(tb.Routes) != 7 {
		t.Fatalf("form %q, %d routes", tb.Form, len(tb.Routes))
	}
	def := tb.Routes[0]
	if def.Dst != "default" || def.Via != "172.16.1.1" || def.Dev != "eth0" || def.Proto != "dhcp" || def.Metric != 100 || def.Table != "main" || def.Type != "unicast" || def.Family != "inet" {
		t.Errorf("default = %+v", def)
	}
	if r := tb.Routes[1]; r.Dst != "10.233.64.0/24" || r.Proto != "bird" || strings.Join(r.Flags, ",") != "onlink" {
		t.Errorf("onlink route = %+v", r)
	}
	if r := tb.Routes[2]; r.Type != "blackhole" || r.Dst != "10.233.65.0/24" || r.Dev != "" {
		t.Errorf("blackhole = %+v", r)
	}
	if r := tb.Routes[3]; r.Dst != "10.233.65.2/32" || r.Scope != "link" || r.Dev != "cali3f1a2b4c5d6" || r.Ref.Line != 4 {
		t.Errorf("host route = %+v", r)
	}
	if r := tb.Routes[4]; r.Src != "10.20.0.3" || r.Proto != "kernel" {
		t.Errorf("connected route = %+v", r)
	}
	if r := tb.Routes[6]; strings.Join(r.Flags, ",") != "linkdown" {
		t.Errorf("linkdown = %+v", r)
	}
}

func TestTableAll(t *testing.T) {
	tb := parseFile(t, "ip_route_table_all.txt")
	if len(tb.Routes) != 14 {
		t.Fatalf("%d routes", len(tb.Routes))
	}
	var locals []string
	for _, r := range tb.Routes {
		if r.Type == "local" && r.Family == "inet" {
			locals = append(locals, r.Dst)
		}
	}
	if strings.Join(locals, " ") != "10.20.0.3/32 10.20.0.6/32 127.0.0.0/8 127.0.0.1/32" {
		t.Errorf("local routes = %v", locals)
	}
	if r := tb.Routes[3]; r.Table != "local" || r.Scope != "host" || r.Src != "10.20.0.3" {
		t.Errorf("local route = %+v", r)
	}
	if r := tb.Routes[8]; r.Type != "unreachable" || r.Family != "inet6" || r.Metric != 1024 || r.Attrs["error"] != "-113" || r.Attrs["pref"] != "medium" {
		t.Errorf("unreachable = %+v", r)
	}
	if r := tb.Routes[10]; r.Dst != "default" || r.Via != "fe80::1" || r.Proto != "ra" || r.Attrs["expires"] != "1797sec" || r.Family != "inet6" {
		t.Errorf("v6 default = %+v", r)
	}
	if r := tb.Routes[13]; r.Type != "multicast" || r.Dst != "ff00::/8" {
		t.Errorf("multicast = %+v", r)
	}
}

func TestMultipath(t *testing.T) {
	tb := parseFile(t, "ip_route_multipath.txt")
	if len(tb.Routes) != 3 {
		t.Fatalf("%d routes", len(tb.Routes))
	}
	mp := tb.Routes[0]
	if mp.Dst != "default" || mp.Proto != "static" || len(mp.Nexthops) != 2 || mp.Ref.Line != 1 || mp.Ref.EndLine != 3 || strings.Count(mp.Ref.Text, "nexthop") != 2 {
		t.Fatalf("multipath = %+v", mp)
	}
	if nh := mp.Nexthops[1]; nh.Via != "10.0.1.1" || nh.Dev != "eth1" || nh.Weight != 2 || strings.Join(nh.Flags, ",") != "dead,linkdown" {
		t.Errorf("nexthop = %+v", nh)
	}
	if r := tb.Routes[2]; r.Dst != "169.254.0.0/16" || r.Metric != 1002 || r.Scope != "link" {
		t.Errorf("old-style spacing = %+v", r)
	}
}

func TestRouteN(t *testing.T) {
	tb := parseFile(t, "route_n.txt")
	if tb.Form != "route-n" || len(tb.Routes) != 5 {
		t.Fatalf("form %q, %d routes", tb.Form, len(tb.Routes))
	}
	if r := tb.Routes[0]; r.Dst != "default" || r.Via != "172.16.1.1" || r.Metric != 100 || r.Dev != "eth0" || strings.Join(r.Flags, "") != "UG" {
		t.Errorf("default = %+v", r)
	}
	if r := tb.Routes[3]; r.Dst != "10.233.65.2/32" || r.Via != "" || r.Scope != "link" {
		t.Errorf("host route = %+v", r)
	}
	tb = parseFile(t, "route_n_inet6.txt")
	if len(tb.Routes) != 4 {
		t.Fatalf("%d v6 routes", len(tb.Routes))
	}
	if r := tb.Routes[1]; r.Dst != "default" || r.Via != "fe80::1" || r.Metric != 1024 || r.Family != "inet6" {
		t.Errorf("v6 default = %+v", r)
	}
	if r := tb.Routes[2]; r.Type != "unreachable" || r.Metric != -1 || r.Dev != "lo" {
		t.Errorf("reject route = %+v", r)
	}
}

func TestRules(t *testing.T) {
	tb := parseFile(t, "ip_rule.txt")
	if tb.Form != "ip-rule" || len(tb.Rules) != 5 {
		t.Fatalf("form %q, %d rules", tb.Form, len(tb.Rules))
	}
	if r := tb.Rules[1]; r.Priority != 100 || r.Selector != "from 10.20.0.0/24 fwmark 0x1" || r.Action != "100" {
		t.Errorf("fwmark rule = %+v", r)
	}
	if r := tb.Rules[2]; r.Action != "blackhole" || r.Selector != "from all to 10.96.0.0/12" {
		t.Errorf("blackhole rule = %+v", r)
	}
	if r := tb.Rules[3]; r.Priority != 32766 || r.Action != "main" || r.Ref.Line != 4 {
		t.Errorf("main rule = %+v", r)
	}
}

func TestMalformed(t *testing.T) {
	tb, warns := Parse("m", []byte("\tnexthop via 1.2.3.4\nnot a route\nlocal\n10.0.0.0/8 dev\n"))
	if len(warns) != 3 || warns[0].Line != 1 || warns[1].Line != 2 || warns[2].Line != 3 {
		t.Errorf("warnings = %v", warns)
	}
	if len(tb.Routes) != 1 || tb.Routes[0].Dst != "10.0.0.0/8" || tb.Routes[0].Dev != "" {
		t.Errorf("routes = %+v", tb.Routes)
	}
}

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.txt")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, _ := Parse("fuzz", data)
		for _, r := range tb.Routes {
			if r.Ref.Line < 1 || r.Ref.EndLine < r.Ref.Line || r.Dst == "" {
				t.Fatalf("bad route %+v", r)
			}
		}
		for _, r := range tb.Rules {
			if r.Ref.Line < 1 {
				t.Fatalf("bad rule %+v", r)
			}
		}
	})
}
