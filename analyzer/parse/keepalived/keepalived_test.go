package keepalived

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"

	"github.com/nettriage/nettriage/analyzer/source"
)

const corpusDir = "../../../testdata/corpus/keepalived"

func parseFile(t *testing.T, path string) (*Config, []source.Warning) {
	t.Helper()
	return parsetest.Parse(t, path, Parse)
}

func problemsContaining(c *Config, s string) []Problem {
	var out []Problem
	for _, p := range c.Problems {
		if strings.Contains(p.Msg, s) {
			out = append(out, p)
		}
	}
	return out
}

func TestCorpusFwmark(t *testing.T) {
	c, w := parseFile(t, filepath.Join(corpusDir, "acassen-keepalived__keepalived.conf.fwmark"))
	parsetest.NoWarnings(t, w)
	if len(c.Root) != 2 || c.Global == nil || c.Global.RouterID != "io" || c.Global.LVSTimeouts != nil {
		t.Errorf("root %+v", c.Root)
	}
	if len(c.Servers) != 1 {
		t.Fatalf("servers %d", len(c.Servers))
	}
	vs := c.Servers[0]
	if vs.FWMark != 1 || vs.Addr != "" || vs.LbAlgo != "rr" || !vs.ValidScheduler || vs.LbKind != "NAT" ||
		vs.PersistenceTimeout != 900 || vs.Protocol != "TCP" || vs.DelayLoop != 6 {
		t.Errorf("vs %+v", vs)
	}
	if vs.Src.Line != 7 || vs.Src.EndLine != 29 {
		t.Errorf("vs src %v", vs.Src)
	}
	if len(vs.Reals) != 2 || vs.Reals[1].Addr != "192.168.201.101" || vs.Reals[1].Port != 0 || vs.Reals[1].Weight != 1 || !vs.Reals[1].HasWeight {
		t.Fatalf("reals %+v", vs.Reals)
	}
	ck := vs.Reals[0].Checks[0]
	if ck.Type != "TCP_CHECK" || ck.ConnectPort != 80 || ck.ConnectTimeout != 3 || ck.Retry != 1 || ck.HasRetry || ck.DelayBeforeRetry != 1 {
		t.Errorf("check %+v", ck)
	}
	if ck.Lines["connect_timeout"].Line != 18 || ck.Src.Line != 16 || ck.Src.EndLine != 19 {
		t.Errorf("check refs %v %v", ck.Lines, ck.Src)
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems %v", c.Problems)
	}
}

func TestCorpusQuorum(t *testing.T) {
	c, w := parseFile(t, filepath.Join(corpusDir, "acassen-keepalived__keepalived.conf.quorum"))
	parsetest.NoWarnings(t, w)
	vs := c.Servers[0]
	if vs.Addr != "10.0.1.1" || vs.Port != 80 || vs.Quorum != 7 || vs.Hysteresis != 2 || !vs.Alpha || !vs.Omega || vs.LbAlgo != "wrr" {
		t.Errorf("vs %+v", vs)
	}
	if vs.Lines["quorum"].Line != 31 {
		t.Errorf("quorum line %v", vs.Lines["quorum"])
	}
	if len(vs.Reals) != 10 || vs.Reals[9].Addr != "10.0.0.10" || vs.Reals[9].Port != 8080 {
		t.Errorf("reals %d", len(vs.Reals))
	}
	for _, rs := range vs.Reals {
		if len(rs.Checks) != 1 || rs.Checks[0].ConnectPort != 80 {
			t.Errorf("real %s checks %+v", rs.Addr, rs.Checks)
		}
	}
	if q := vs.Node.Child("quorum_up"); q == nil || q.Arg(0) != "/usr/local/sbin/quorum-up.sh" {
		t.Errorf("quorum_up kept in tree: %+v", q)
	}
}

func TestCorpusLvsSyncd(t *testing.T) {
	c, w := parseFile(t, filepath.Join(corpusDir, "acassen-keepalived__keepalived.conf.vrrp.lvs_syncd"))
	parsetest.NoWarnings(t, w)
	if len(c.SyncGroups) != 1 || c.SyncGroups[0].Name != "VG1" || strings.Join(c.SyncGroups[0].Instances, ",") != "VI_2,VI_3" {
		t.Errorf("sync groups %+v", c.SyncGroups)
	}
	if len(c.Instances) != 3 {
		t.Fatalf("instances %d", len(c.Instances))
	}
	vi1 := c.Instances[0]
	if vi1.Name != "VI_1" || vi1.State != "MASTER" || vi1.Interface != "eth0" || vi1.VRID != 51 || vi1.Priority != 150 || vi1.AdvertInt != 1 {
		t.Errorf("VI_1 %+v", vi1)
	}
	if len(vi1.VIPs) != 3 || vi1.VIPs[2].Addr != "192.168.200.18" || vi1.VIPs[2].Prefix != 32 || vi1.VIPs[2].Src.Line != 22 {
		t.Errorf("VI_1 vips %+v", vi1.VIPs)
	}
	if auth := vi1.Node.Child("authentication"); auth == nil || auth.Child("auth_pass").Arg(0) != "grr02" {
		t.Errorf("authentication block lost")
	}
	if vi3 := c.Instances[2]; vi3.State != "" || vi3.Interface != "eth1" || vi3.VIPs[0].Addr != "192.168.201.19" {
		t.Errorf("VI_3 %+v", vi3)
	}
	vs := c.Servers[0]
	if vs.Addr != "192.168.200.19" || vs.DelayLoop != 20 || vs.PersistenceTimeout != 50 || vs.Reals[0].Checks[0].ConnectPort != 80 {
		t.Errorf("vs %+v", vs)
	}
}

func TestCorpusDRNbGetRetry(t *testing.T) {
	c, w := parseFile(t, filepath.Join(corpusDir, "mykubernetes-linux-install__lvs_DR_master_keepalived.conf"))
	parsetest.NoWarnings(t, w)
	in := c.Instances[0]
	if in.Interface != "ens33" || in.VRID != 51 || in.Priority != 100 || len(in.VIPs) != 1 || in.VIPs[0].Addr != "192.168.0.200" || in.VIPs[0].Prefix != 24 {
		t.Errorf("instance %+v", in)
	}
	gd := c.Root[0]
	if emails := gd.Child("notification_email"); emails == nil || len(emails.Children) != 3 || emails.Children[2].Key != "sysadmin@firewall.loc" {
		t.Errorf("notification_email %+v", emails)
	}
	vs := c.Servers[0]
	if vs.LbKind != "DR" || vs.LbAlgo != "rr" || vs.Protocol != "TCP" {
		t.Errorf("vs %+v", vs)
	}
	if len(vs.Reals) != 2 {
		t.Fatalf("reals %d", len(vs.Reals))
	}
	rs := vs.Reals[0]
	if rs.Addr != "192.168.0.213" || rs.Port != 80 || rs.HasWeight || rs.Weight != 1 {
		t.Errorf("real %+v", rs)
	}
	ck := rs.Checks[0]
	// TCP_CHECK does not know nb_get_retry: keepalived keeps retry 1.
	if ck.RetryKey != "nb_get_retry" || ck.HasRetry || ck.Retry != 1 || ck.Params["nb_get_retry"] != "3" || ck.DelayBeforeRetry != 3 || ck.ConnectTimeout != 3 {
		t.Errorf("check %+v", ck)
	}
	ps := problemsContaining(c, "nb_get_retry is not a TCP_CHECK keyword")
	if len(ps) != 2 || ps[0].Src.Line != 48 || ps[1].Src.Line != 56 {
		t.Errorf("problems %+v", c.Problems)
	}
}

func TestCorpusInvalidScheduler(t *testing.T) {
	c, w := parseFile(t, filepath.Join(corpusDir, "xusxlinux-Document__master02_keepalived.conf"))
	parsetest.NoWarnings(t, w)
	in := c.Instances[0]
	if in.State != "BACKUP" || !in.Nopreempt || in.VRID != 100 || in.Priority != 80 || in.VIPs[0].Addr != "10.4.7.10" {
		t.Errorf("instance %+v", in)
	}
	vs := c.Servers[0]
	if vs.LbAlgo != "loadbalance" || vs.ValidScheduler || vs.Port != 6443 || vs.PersistenceTimeout != 0 {
		t.Errorf("vs %+v", vs)
	}
	ps := problemsContaining(c, "not an IPVS scheduler")
	if len(ps) != 1 || ps[0].Src.Line != 21 || !strings.Contains(ps[0].Src.Text, "loadbalance") {
		t.Errorf("scheduler problem %+v", c.Problems)
	}
	if vs.Node.Child("net_mask").Arg(0) != "255.255.255.0" {
		t.Errorf("unknown keyword net_mask not kept")
	}
	if len(vs.Reals) != 3 {
		t.Fatalf("reals %d", len(vs.Reals))
	}
	ck := vs.Reals[2].Checks[0]
	// SSL_GET still accepts the deprecated nb_get_retry.
	if ck.Type != "SSL_GET" || ck.Retry != 3 || !ck.HasRetry || ck.RetryKey != "nb_get_retry" || ck.ConnectPort != 6443 {
		t.Errorf("check %+v", ck)
	}
	if len(ck.URLs) != 1 || ck.URLs[0]["path"] != "/healthz" || ck.URLs[0]["status_code"] != "200" {
		t.Errorf("urls %+v", ck.URLs)
	}
	if len(problemsContaining(c, "deprecated")) != 3 {
		t.Errorf("want 3 deprecation problems: %+v", c.Problems)
	}
}

func TestSeed001(t *testing.T) {
	c, w := parseFile(t, "testdata/seed001_kube_keepalived_vip.conf")
	parsetest.NoWarnings(t, w)
	in := c.Instances[0]
	if in.Name != "vips" || in.Interface != "eno16780032" || in.VRID != 28 || !in.Nopreempt ||
		strings.Join(in.TrackInterfaces, ",") != "eno16780032" || len(in.VIPs) != 1 || in.VIPs[0].Addr != "192.168.128.5" {
		t.Errorf("instance %+v", in)
	}
	vs := c.Servers[0]
	if vs.Addr != "192.168.128.5" || vs.Port != 5432 || vs.LbAlgo != "wlc" || vs.LbKind != "NAT" || vs.PersistenceTimeout != 1800 || vs.DelayLoop != 5 {
		t.Errorf("vs %+v", vs)
	}
	if vs.Lines["lvs_sched"].Line != 21 {
		t.Errorf("lvs_sched line %v", vs.Lines)
	}
	ck := vs.Reals[0].Checks[0]
	if ck.Type != "TCP_CHECK" || ck.ConnectPort != 5432 || ck.ConnectTimeout != 3 || ck.Retry != 1 || !ck.HasRetry || ck.RetryKey != "retry" || ck.DelayBeforeRetry != 3 {
		t.Errorf("check %+v", ck)
	}
	if ck.Lines["retry"].Line != 31 || ck.Lines["retry"].Text != "      retry 1" {
		t.Errorf("retry evidence %+v", ck.Lines["retry"])
	}
	if len(c.Problems) != 0 {
		t.Errorf("problems %v", c.Problems)
	}
}

func TestSeed000BraceOnNextLine(t *testing.T) {
	c, w := parseFile(t, "testdata/seed000_vrrp_script.conf")
	parsetest.NoWarnings(t, w)
	if len(c.Scripts) != 1 {
		t.Fatalf("scripts %d", len(c.Scripts))
	}
	s := c.Scripts[0]
	if s.Name != "check_for_vip" || s.Script != "/usr/bin/curl 127.0.0.1:8978" || s.Interval != 2 || s.Fall != 2 || s.Rise != 1 || s.Weight != 0 {
		t.Errorf("script %+v", s)
	}
	if s.Src.Line != 6 || s.Src.EndLine != 11 || s.Lines["fall"].Line != 10 {
		t.Errorf("script src %v lines %v", s.Src, s.Lines)
	}
	in := c.Instances[0]
	if strings.Join(in.TrackScripts, ",") != "check_for_vip" {
		t.Errorf("track scripts %v", in.TrackScripts)
	}
	vip := in.VIPs[0]
	if vip.Addr != "192.168.0.2" || vip.Prefix != 24 || vip.Dev != "br-mgmt" || vip.Label != "br-mgmt:vip" || vip.Src.Line != 19 {
		t.Errorf("one-line vip block %+v", vip)
	}
}

func TestVariants(t *testing.T) {
	c, w := parseFile(t, "testdata/variants.conf")
	var include, unclosed bool
	for _, x := range w {
		include = include || x.Line == 2 && strings.Contains(x.Message, "conf.d")
		unclosed = unclosed || x.Line == 80 && strings.Contains(x.Message, "never closed")
	}
	if !include || !unclosed || len(w) != 2 {
		t.Errorf("warnings %v", w)
	}
	if g := c.Global; g == nil || g.RouterID != "lb1" || g.LVSTimeouts == nil || g.LVSTimeouts.TCP != 7200 || g.LVSTimeouts.TCPFin != 120 || g.LVSTimeouts.UDP != 300 {
		t.Errorf("global_defs %+v", c.Global)
	}
	if len(c.Includes) != 1 || c.Includes[0].Line != 2 {
		t.Errorf("includes %v", c.Includes)
	}
	s := c.Scripts[0]
	if s.Script != "/usr/bin/killall -0 haproxy" || s.Interval != 0.5 || s.Timeout != 3 || s.Weight != -20 || s.Rise != 2 || s.Fall != 1 {
		t.Errorf("script %+v", s)
	}
	if g := c.SyncGroups[0]; strings.Join(g.Instances, ",") != "VI_1,VI_6" {
		t.Errorf("sync group %+v", g)
	}
	in := c.Instances[0]
	if in.Priority != 100 { // last conditional line wins in this config-unaware view
		t.Errorf("priority %d", in.Priority)
	}
	if p := in.Node.Children[0]; p.Condition != "lb1" || p.Key != "priority" || in.Node.Children[1].Condition != "^lb1" {
		t.Errorf("conditions %+v", in.Node.Children[:2])
	}
	if len(in.VIPs) != 2 || in.VIPs[0].Addr != "fd00::10" || in.VIPs[0].Prefix != 64 || in.VIPs[0].Dev != "eth1" {
		t.Errorf("v6 vip %+v", in.VIPs)
	}
	if v := in.VIPs[1]; v.Label != "eth0:1" || strings.Join(v.Extra, " ") != "brd 10.0.0.255 scope global" {
		t.Errorf("v4 vip %+v", v)
	}
	if len(in.ExcludedVIPs) != 1 || in.UnicastSrcIP != "10.0.0.2" || strings.Join(in.UnicastPeers, ",") != "10.0.0.3" || strings.Join(in.TrackScripts, ",") != "chk_haproxy" {
		t.Errorf("instance %+v", in)
	}
	if g := c.ServerGroups[0]; g.Name != "web" || strings.Join(g.Members, "|") != "10.0.0.10 80|10.0.1.1-10 80|fwmark 7" {
		t.Errorf("server group %+v", g)
	}

	vs := c.Servers[0]
	if vs.Group != "web" || vs.LbKind != "DR" {
		t.Errorf("group vs %+v", vs)
	}
	rs := vs.Reals[0]
	if len(rs.Checks) != 3 {
		t.Fatalf("checks %d", len(rs.Checks))
	}
	httpGet, misc, dns := rs.Checks[0], rs.Checks[1], rs.Checks[2]
	// connect_timeout and retry inherited from the virtual server,
	// delay_before_retry from the real server, then nb_get_retry overrides retry.
	if httpGet.ConnectTimeout != 0.5 || httpGet.Lines["connect_timeout"].Line != 51 || httpGet.DelayBeforeRetry != 2.5 ||
		httpGet.Retry != 5 || httpGet.Lines["retry"].Line != 59 || httpGet.Lines["delay_before_retry"].Line != 53 || httpGet.URLs[0]["status_code"] != "200-299" {
		t.Errorf("HTTP_GET %+v", httpGet)
	}
	if misc.Retry != 4 || misc.RetryKey != "" || !misc.HasRetry || misc.Params["misc_path"] != "/usr/local/bin/check.sh 10.0.2.1" {
		t.Errorf("MISC_CHECK %+v", misc)
	}
	if dns.Params["type"] != "A" || dns.DelayBeforeRetry != 2.5 {
		t.Errorf("DNS_CHECK %+v", dns)
	}
	rs2 := vs.Reals[1]
	if rs2.Weight != 0 || !rs2.HasWeight || !rs2.InhibitOnFailure || len(rs2.Checks) != 1 || rs2.Checks[0].ConnectTimeout != 1 || rs2.Checks[0].Retry != 4 {
		t.Errorf("second real %+v", rs2)
	}
	if len(problemsContaining(c, "unknown checker FOO_CHECK")) != 1 {
		t.Errorf("FOO_CHECK not flagged: %v", c.Problems)
	}

	last := c.Servers[1]
	if last.PersistenceTimeout != 360 || last.Src.EndLine != 87 || len(last.Reals) != 1 {
		t.Errorf("unclosed vs %+v", last)
	}
	if ck := last.Reals[0].Checks[0]; ck.Type != "SSL_GET" || ck.URLs[0]["path"] != "/" || ck.DelayBeforeRetry != 3 || ck.ConnectTimeout != 5 {
		t.Errorf("SSL_GET defaults %+v", ck)
	}
	if len(problemsContaining(c, "not one of NAT, DR, TUN")) != 1 {
		t.Errorf("lvs_method tunnel not flagged: %v", c.Problems)
	}
}

func TestTokenize(t *testing.T) {
	cases := map[string]string{
		`virtual_ipaddress { 192.168.128.5 }`:   `virtual_ipaddress|{|192.168.128.5|}`,
		`script "/usr/bin/curl 127.0.0.1:8978"`: `script|/usr/bin/curl 127.0.0.1:8978`,
		`auth_pass 1111 # comment { }`:          `auth_pass|1111`,
		`smtp_server 127.0.0.1  ! local relay`:  `smtp_server|127.0.0.1`,
		`misc_path 'a "b" c'`:                   `misc_path|a "b" c`,
		`abcd" efg h jkl "mnop`:                 `abcd efg h jkl mnop`,
		`x "{not a brace}"`:                     `x|{not a brace}`,
		`real_server 10.0.0.1 80{`:              `real_server|10.0.0.1|80|{`,
		"unterminated \"quote { here":           `unterminated|quote { here`,
	}
	for in, want := range cases {
		var got []string
		for _, tk := range tokenize(in) {
			got = append(got, tk.text)
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%s: got %q want %q", in, strings.Join(got, "|"), want)
		}
	}
}

func TestUnbalanced(t *testing.T) {
	in := "}\nglobal_defs {\n  router_id a\n}\n}\n{\n  orphan 1\n}\nvirtual_server 1.2.3.4 80 {\n  real_server 5.6.7.8 80 {\n"
	c, w := Parse("x", []byte(in))
	if len(w) != 5 {
		t.Errorf("warnings %v", w)
	}
	if len(c.Servers) != 1 || len(c.Servers[0].Reals) != 1 || c.Servers[0].Reals[0].Src.EndLine != 10 {
		t.Errorf("partial tree %+v", c.Servers)
	}
}

func TestDeepNesting(t *testing.T) {
	in := strings.Repeat("a {\n", 100) + strings.Repeat("}\n", 100) + "vrrp_instance X {\n priority 5\n}\n"
	c, w := Parse("deep", []byte(in))
	if len(w) != 1 || len(c.Instances) != 1 || c.Instances[0].Priority != 5 {
		t.Errorf("deep nesting: warnings %v instances %+v", w, c.Instances)
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{corpusDir, "testdata"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(filepath.Base(p), data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		c, _ := Parse(name, data)
		if c == nil {
			t.Fatal("nil config")
		}
		checkRef := func(r source.Ref) {
			if r.Line < 1 || r.EndLine < r.Line {
				t.Fatalf("bad ref %+v", r)
			}
		}
		var walk func(ns []*Node, depth int)
		walk = func(ns []*Node, depth int) {
			if depth > maxDepth+1 {
				t.Fatalf("tree deeper than %d", maxDepth)
			}
			for _, n := range ns {
				checkRef(n.Src)
				walk(n.Children, depth+1)
			}
		}
		walk(c.Root, 0)
		for _, vs := range c.Servers {
			checkRef(vs.Src)
			for _, rs := range vs.Reals {
				for _, ck := range rs.Checks {
					checkRef(ck.Src)
					for _, r := range ck.Lines {
						checkRef(r)
					}
				}
			}
		}
		for _, in := range c.Instances {
			for _, v := range in.VIPs {
				checkRef(v.Src)
			}
		}
		for _, p := range c.Problems {
			checkRef(p.Src)
		}
	})
}
