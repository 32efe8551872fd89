package ipvs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/internal/parsetest"

	"github.com/nettriage/nettriage/analyzer/source"
)

const corpusDir = "../../../testdata/corpus/ipvs"

func parseFile(t *testing.T, path string) (*Result, []source.Warning) {
	t.Helper()
	return parsetest.Parse(t, path, Parse)
}

func only(t *testing.T, r *Result) *Snapshot {
	t.Helper()
	if len(r.Snapshots) != 1 {
		t.Fatalf("got %d snapshots, want 1", len(r.Snapshots))
	}
	return r.Snapshots[0]
}

func keys(s *Snapshot) []string {
	var out []string
	for _, svc := range s.Services {
		out = append(out, svc.Key())
	}
	return out
}

func TestCorpusK8sReadme(t *testing.T) {
	r, w := parseFile(t, filepath.Join(corpusDir, "k8s-ipvs-README__ipvsadm_-ln.txt"))
	parsetest.NoWarnings(t, w)
	s := only(t, r)
	if s.Format != "ipvsadm" || s.Kind != "list" || s.Version != "1.2.1" || s.TableSize != 4096 {
		t.Errorf("header: %+v", s)
	}
	if got := strings.Join(keys(s), ","); got != "TCP 10.0.0.1:443,TCP 10.0.0.10:53,UDP 10.0.0.10:53" {
		t.Errorf("services %s", got)
	}
	api := s.Services[0]
	if api.Scheduler != "rr" || api.Persistent != 10800 || len(api.Extra) != 0 {
		t.Errorf("api service %+v", api)
	}
	if len(api.Reals) != 1 {
		t.Fatalf("reals %d", len(api.Reals))
	}
	rs := api.Reals[0]
	if rs.Key() != "192.168.0.1:6443" || rs.Forward != "Masq" || rs.Weight != 1 || rs.ActiveConn != 1 || rs.InActConn != 0 {
		t.Errorf("real %+v", rs)
	}
	if rs.Src.Line != 6 || api.Src.Line != 5 || s.Src.Line != 2 || s.Src.EndLine != 10 {
		t.Errorf("refs: svc %v real %v snap %v", api.Src, rs.Src, s.Src)
	}
}

func TestCorpusProcIPVS(t *testing.T) {
	for _, name := range []string{"node_exporter__proc_net_ip_vs", "procfs__proc_net_ip_vs"} {
		t.Run(name, func(t *testing.T) {
			r, w := parseFile(t, filepath.Join(corpusDir, name))
			parsetest.NoWarnings(t, w)
			s := only(t, r)
			if s.Format != "procfs" {
				t.Errorf("format %q", s.Format)
			}
			first := s.Services[0]
			if first.Key() != "TCP 192.168.0.22:3306" || first.Scheduler != "wlc" || len(first.Reals) != 3 {
				t.Errorf("first service %s %s %d reals", first.Key(), first.Scheduler, len(first.Reals))
			}
			if r := first.Reals[0]; r.Key() != "192.168.82.22:3306" || r.Forward != "Tunnel" || r.Weight != 100 || r.ActiveConn != 248 || r.InActConn != 2 {
				t.Errorf("first real %+v", r)
			}
			second := s.Services[1]
			if second.Key() != "TCP 192.168.0.57:3306" {
				t.Errorf("second service %s", second.Key())
			}
			// The drained (weight 0) real server must keep its weight.
			if r := second.Reals[0]; r.Key() != "192.168.84.22:3306" || r.Weight != 0 || r.ActiveConn != 0 {
				t.Errorf("weight-0 real %+v", r)
			}
			fwm := s.Services[len(s.Services)-1]
			if fwm.Proto != "FWM" || fwm.FWMark != 0x10001000 || fwm.Key() != "FWM 268439552" || fwm.Addr != "" || len(fwm.Reals) != 2 {
				t.Errorf("fwm service %+v", fwm)
			}
		})
	}
	r, _ := parseFile(t, filepath.Join(corpusDir, "procfs__proc_net_ip_vs"))
	s := r.Snapshots[0]
	if len(s.Services) != 5 {
		t.Fatalf("procfs services %d", len(s.Services))
	}
	v6 := s.Services[3]
	if v6.Key() != "TCP [2620::1]:80" || !v6.IPv6 || v6.Scheduler != "sh" || len(v6.Reals) != 3 {
		t.Errorf("v6 service %s ipv6=%v %s", v6.Key(), v6.IPv6, v6.Scheduler)
	}
	if rs := v6.Reals[2]; rs.Key() != "[2620::4]:80" || rs.Forward != "Route" || rs.ActiveConn != 1 || rs.InActConn != 1 {
		t.Errorf("v6 real %+v", rs)
	}
	if rs := s.Services[4].Reals[1]; rs.Key() != "192.168.50.21:3306" || rs.Weight != 0 || rs.InActConn != 2 {
		t.Errorf("fwm real %+v", rs)
	}
}

func TestCorpusProcStats(t *testing.T) {
	r, w := parseFile(t, filepath.Join(corpusDir, "node_exporter__proc_net_ip_vs_stats"))
	parsetest.NoWarnings(t, w)
	if r.Stats == nil {
		t.Fatal("no stats")
	}
	want := Stats{Conns: 0x16AA370, InPkts: 0xE33656E5, OutPkts: 0, InBytes: 0x51D8C8883AB3, OutBytes: 0}
	if r.Stats.Stats != want {
		t.Errorf("stats %+v, want %+v", r.Stats.Stats, want)
	}
	wantRates := Rates{CPS: 4, InPPS: 0x1FB3C, InBPS: 0x1282A8F}
	if !r.Stats.HasRates || r.Stats.Rates != wantRates {
		t.Errorf("rates %+v", r.Stats.Rates)
	}
	if r.Stats.Src.Line != 3 || r.Stats.Src.EndLine != 6 {
		t.Errorf("src %v", r.Stats.Src)
	}
	if len(r.Snapshots) != 0 {
		t.Errorf("stats file produced %d snapshots", len(r.Snapshots))
	}
}

func TestRepeatedListings(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_ln_repeated.txt")
	parsetest.NoWarnings(t, w)
	if len(r.Snapshots) != 3 {
		t.Fatalf("snapshots %d", len(r.Snapshots))
	}
	first, second, third := r.Snapshots[0], r.Snapshots[1], r.Snapshots[2]
	if first.Label != "Thu Jul 12 21:14:55 CST 2018" || third.Label != "Thu Jul 12 21:14:59 CST 2018" {
		t.Errorf("labels %q %q", first.Label, third.Label)
	}
	if got := third.Time.Sub(first.Time); got != 4*time.Second {
		t.Errorf("time between snapshots %v", got)
	}
	if first.Time.Hour() != 21 || first.Time.Day() != 12 {
		t.Errorf("time %v", first.Time)
	}
	wantFirst := "TCP 10.20.0.100:80,TCP 10.20.0.101:6379,UDP [fd00::1]:53,UDP 10.20.0.53:5060,FWM 1,FWM 2 IPv6,TCP 10.20.0.102:443"
	if got := strings.Join(keys(first), ","); got != wantFirst {
		t.Errorf("first snapshot %s", got)
	}
	// The redis service vanished in the second listing and came back.
	if got := strings.Join(keys(second), ","); got != "TCP 10.20.0.100:80,UDP [fd00::1]:53" {
		t.Errorf("second snapshot %s", got)
	}
	if got := strings.Join(keys(third), ","); got != "TCP 10.20.0.100:80,TCP 10.20.0.101:6379" {
		t.Errorf("third snapshot %s", got)
	}
	if third.Src.Line != 30 || third.Src.EndLine != 37 {
		t.Errorf("third snapshot spans %v", third.Src)
	}

	web := first.Services[0]
	if web.Persistent != 50 || web.Mask != "255.255.255.0" || web.Scheduler != "wlc" {
		t.Errorf("web %+v", web)
	}
	if web.Reals[1].Weight != 0 || web.Reals[1].InActConn != 4 {
		t.Errorf("drained real %+v", web.Reals[1])
	}
	dns := first.Services[2]
	if dns.Addr != "fd00::1" || dns.Port != 53 || !dns.IPv6 || len(dns.Flags) != 1 || dns.Flags[0] != "ops" {
		t.Errorf("dns %+v", dns)
	}
	if dns.Reals[0].Addr != "fd00::10:5" {
		t.Errorf("dns real %+v", dns.Reals[0])
	}
	if sip := first.Services[3]; sip.PE != "sip" || sip.Scheduler != "sh" {
		t.Errorf("sip %+v", sip)
	}
	fwm := first.Services[4]
	if fwm.FWMark != 1 || fwm.Reals[1].Forward != "Tunnel" || fwm.Reals[0].Port != 0 {
		t.Errorf("fwm %+v", fwm)
	}
	if empty := first.Services[5]; !empty.IPv6 || empty.FWMark != 2 || len(empty.Reals) != 0 {
		t.Errorf("empty v6 fwm %+v", empty)
	}
	local := first.Services[6]
	if strings.Join(local.Flags, ",") != "sh-fallback,sh-port" || local.Reals[0].Forward != "Local" {
		t.Errorf("local %+v", local)
	}
}

func TestBannersAndTimeout(t *testing.T) {
	r, w := parseFile(t, "testdata/banners_and_timeout.txt")
	parsetest.NoWarnings(t, w)
	if len(r.Snapshots) != 2 {
		t.Fatalf("snapshots %d", len(r.Snapshots))
	}
	a, b := r.Snapshots[0], r.Snapshots[1]
	if a.Label != "2018-07-12 21:14:57" || b.Time.Sub(a.Time) != 10*time.Second {
		t.Errorf("labels %q %v / %q %v", a.Label, a.Time, b.Label, b.Time)
	}
	if len(a.Services[0].Reals) != 1 || len(b.Services[0].Reals) != 0 {
		t.Errorf("real server should have been removed in the second listing")
	}
	if b.Src.EndLine != 11 {
		t.Errorf("second listing must end before the prompt, got %v", b.Src)
	}
	to := r.Timeouts
	if to == nil || to.TCP != 900 || to.TCPFin != 120 || to.UDP != 300 || to.Src.Line != 13 {
		t.Errorf("timeouts %+v", to)
	}
}

func TestStatsAndRate(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_stats.txt")
	parsetest.NoWarnings(t, w)
	s := only(t, r)
	if s.Kind != "stats" {
		t.Errorf("kind %q", s.Kind)
	}
	api := s.Services[0]
	if api.Key() != "TCP 10.96.0.1:443" || api.Stats == nil {
		t.Fatalf("api %+v", api)
	}
	if want := (Stats{Conns: 6812, InPkts: 137541000, InBytes: 21946000000}); *api.Stats != want {
		t.Errorf("api stats %+v", *api.Stats)
	}
	if len(api.Reals) != 2 || api.Reals[1].Stats.Conns != 3410 || api.Reals[1].Stats.InPkts != 68771000 {
		t.Errorf("api reals %+v", api.Reals)
	}
	if dns := s.Services[1]; dns.Stats.OutBytes != 37530624 || dns.Reals[0].Stats.InBytes != 8271552 {
		t.Errorf("dns %+v", dns.Stats)
	}

	r, w = parseFile(t, "testdata/ipvsadm_rate.txt")
	parsetest.NoWarnings(t, w)
	s = only(t, r)
	if s.Kind != "rate" || s.Services[0].Rates.InBPS != 17906 || s.Services[0].Reals[0].Rates.CPS != 2 {
		t.Errorf("rate %+v", s.Services[0].Rates)
	}
}

func TestThresholds(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_thresholds.txt")
	parsetest.NoWarnings(t, w)
	rs := only(t, r).Services[0].Reals[0]
	if rs.UThreshold != 100 || rs.LThreshold != 20 || rs.ActiveConn != 3 || rs.InActConn != 12 {
		t.Errorf("thresholds %+v", rs)
	}
}

func TestConnEntries(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_lnc.txt")
	parsetest.NoWarnings(t, w)
	if len(r.Conns) != 6 || len(r.Snapshots) != 0 {
		t.Fatalf("conns %d snapshots %d", len(r.Conns), len(r.Snapshots))
	}
	c := r.Conns[0]
	if c.Proto != "TCP" || c.Expire != 14*time.Minute+56*time.Second || c.State != "ESTABLISHED" ||
		c.Client != "10.0.0.1:52534" || c.Virtual != "10.20.0.100:80" || c.Dest != "10.244.1.5:8080" || c.Template {
		t.Errorf("conn %+v", c)
	}
	if tpl := r.Conns[2]; !tpl.Template || tpl.Expire != time.Second {
		t.Errorf("template %+v", tpl)
	}
	if long := r.Conns[3]; long.Expire != 179*time.Minute+59*time.Second || !long.Template {
		t.Errorf("long template %+v", long)
	}
	if v6 := r.Conns[4]; v6.Client != "[fd00::7]:33512" || v6.Dest != "[fd00::10:5]:53" || v6.State != "UDP" {
		t.Errorf("v6 %+v", v6)
	}
	if r.Conns[5].Src.Line != 8 {
		t.Errorf("src %v", r.Conns[5].Src)
	}
}

func TestProcConn(t *testing.T) {
	r, w := parseFile(t, "testdata/proc_net_ip_vs_conn")
	parsetest.NoWarnings(t, w)
	if len(r.Conns) != 3 {
		t.Fatalf("conns %d", len(r.Conns))
	}
	c := r.Conns[0]
	if c.Client != "10.0.0.1:52310" || c.Virtual != "10.20.30.100:80" || c.Dest != "10.244.1.5:8080" ||
		c.Expire != 896*time.Second || c.State != "ESTABLISHED" {
		t.Errorf("conn %+v", c)
	}
	if !r.Conns[1].Template || r.Conns[2].Dest != "172.17.0.2:53" {
		t.Errorf("conns %+v %+v", r.Conns[1], r.Conns[2])
	}
}

func TestProcPersistent(t *testing.T) {
	r, w := parseFile(t, "testdata/proc_net_ip_vs_persistent")
	parsetest.NoWarnings(t, w)
	s := only(t, r)
	if s.Format != "procfs" || len(s.Services) != 3 {
		t.Fatalf("format %q services %d", s.Format, len(s.Services))
	}
	if a := s.Services[0]; a.Key() != "TCP 10.0.0.1:443" || a.Persistent != 10800 || a.Mask != "FFFFFFFF" || a.Reals[0].Key() != "192.168.0.1:6443" {
		t.Errorf("api %+v", a)
	}
	if d := s.Services[1]; len(d.Flags) != 1 || d.Flags[0] != "ops" {
		t.Errorf("dns %+v", d)
	}
	if f := s.Services[2]; f.Key() != "FWM 1" || f.Persistent != 300 || f.Mask != "FFFFFF00" {
		t.Errorf("fwm %+v", f)
	}
}

func TestNamesWarn(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_l_names.txt")
	if len(w) != 1 || !strings.Contains(w[0].Message, "-n") {
		t.Errorf("want one warning about -n, got %v", w)
	}
	s := only(t, r)
	web := s.Services[0]
	if web.Addr != "lb.example.com" || web.PortName != "http" || web.Port != 80 || web.Key() != "TCP lb.example.com:80" {
		t.Errorf("named service %+v key %s", web, web.Key())
	}
	if rs := web.Reals[1]; rs.Addr != "web2.example.com" || rs.Port != 8080 || rs.ActiveConn != 2 {
		t.Errorf("named real %+v", rs)
	}
	if s.Services[1].Persistent != 360 {
		t.Errorf("persistence %d", s.Services[1].Persistent)
	}
}

func TestSave(t *testing.T) {
	r, w := parseFile(t, "testdata/ipvsadm_save.txt")
	parsetest.NoWarnings(t, w)
	s := only(t, r)
	if s.Format != "save" || strings.Join(keys(s), ",") != "TCP 10.96.0.1:443,UDP 10.96.0.10:53,FWM 1" {
		t.Fatalf("save %s %v", s.Format, keys(s))
	}
	api := s.Services[0]
	if api.Scheduler != "rr" || api.Persistent != 10800 || len(api.Reals) != 2 || api.Reals[1].Key() != "172.16.0.12:6443" || api.Reals[1].Forward != "Masq" {
		t.Errorf("api %+v", api)
	}
	if rs := s.Services[2].Reals[0]; rs.Forward != "Route" || rs.Weight != 0 {
		t.Errorf("fwm real %+v", rs)
	}
}

func TestMalformed(t *testing.T) {
	in := "IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"TCP  10.0.0.1:99999 rr\n" + // port out of range
		"  -> 10.0.0.2:80 Masq x 1\n" + // bad weight, missing column
		"TCP\n" +
		"garbage here\n" +
		"  -> 10.0.0.3:80 Masq 1 0 0\n" +
		"Timeout (tcp tcpfin udp): 900\n" +
		"IPVS connection entries\n" +
		"TCP 99:99 ESTABLISHED 1.2.3.4:5 1.2.3.4:80 5.6.7.8:80\n"
	r, w := Parse("bad", []byte(in))
	if len(w) < 5 {
		t.Errorf("want warnings for each bad line, got %v", w)
	}
	s := only(t, r)
	if len(s.Services) != 2 || s.Services[0].Addr != "10.0.0.1:99999" || len(s.Services[0].Reals) != 1 {
		t.Errorf("partial result %+v", s.Services)
	}
	if len(s.Services[1].Reals) != 1 || s.Services[1].Reals[0].Weight != 1 {
		t.Errorf("real after garbage %+v", s.Services[1].Reals)
	}
	if len(r.Conns) != 1 || r.Conns[0].Expire != 0 || r.Conns[0].Dest != "5.6.7.8:80" {
		t.Errorf("conn with bad expire %+v", r.Conns)
	}
	if r.Timeouts == nil || r.Timeouts.TCP != 900 {
		t.Errorf("partial timeout %+v", r.Timeouts)
	}
}

func TestLargeNum(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "99999999": 99999999, "137541K": 137541000, "21946M": 21946000000, "12G": 12e9, "3T": 3e12} {
		got, err := parseLargeNum(in)
		if err != nil || got != want {
			t.Errorf("%s: %d %v", in, got, err)
		}
	}
	if _, err := parseLargeNum("99999999999T"); err == nil {
		t.Error("overflow not reported")
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
		r, w := Parse(name, data)
		if r == nil {
			t.Fatal("nil result")
		}
		checkRef := func(ref source.Ref) {
			if ref.Line < 1 || ref.EndLine < ref.Line {
				t.Fatalf("bad ref %+v", ref)
			}
		}
		for _, s := range r.Snapshots {
			checkRef(s.Src)
			for _, svc := range s.Services {
				checkRef(svc.Src)
				_ = svc.Key()
				for _, rs := range svc.Reals {
					checkRef(rs.Src)
				}
			}
		}
		for _, c := range r.Conns {
			checkRef(c.Src)
			if c.Expire < 0 {
				t.Fatalf("negative expire %v", c.Expire)
			}
		}
		if r.Timeouts != nil {
			checkRef(r.Timeouts.Src)
		}
		if r.Stats != nil {
			checkRef(r.Stats.Src)
		}
		for _, x := range w {
			if x.Line < 0 {
				t.Fatalf("bad warning line %d", x.Line)
			}
		}
	})
}
