package resolver

import (
	"os"
	"testing"
)

func parseFile(t *testing.T, name string) *Conf {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c, w := Parse(name, data)
	if len(w) != 0 {
		t.Errorf("%s: warnings %v", name, w)
	}
	return c
}

// A pod's resolv.conf as the kubelet writes it (ClusterFirst), on an EC2
// node whose own search domain is appended.
func TestPod(t *testing.T) {
	c := parseFile(t, "pod-resolv.conf")
	if !c.Pod || c.Ndots != 5 || !c.NdotsSet || len(c.Search) != 4 || len(c.Nameservers) != 1 || c.Nameservers[0].Addr != "10.96.0.10" {
		t.Errorf("%+v", c)
	}
	if c.Timeout != 5 || c.Attempts != 2 || c.TimeoutSet || c.SingleRequestReopen {
		t.Errorf("defaults: timeout %d attempts %d", c.Timeout, c.Attempts)
	}
	if c.SearchSrc.Line != 1 || c.OptionsSrc.Line != 3 || c.Nameservers[0].Src.Line != 2 {
		t.Errorf("refs %v %v %v", c.SearchSrc, c.OptionsSrc, c.Nameservers[0].Src)
	}
	// api.example.com has 2 dots < 5: four search domains, then the name.
	if n := c.QueriesPerLookup(Dots("api.example.com")); n != 5 {
		t.Errorf("queries per lookup %d, want 5", n)
	}
	if n := c.QueriesPerLookup(Dots("api.example.com.")); n != 5 || Dots("a.b.c.d.e.") != 4 {
		t.Errorf("dots counted wrong")
	}
}

func TestHost(t *testing.T) {
	c := parseFile(t, "host-resolv.conf")
	if c.Pod || c.Ndots != 1 || c.Timeout != 2 || c.Attempts != 3 || !c.Rotate || !c.SingleRequestReopen || c.SingleRequest ||
		len(c.Nameservers) != 2 || c.Nameservers[1].Addr != "2001:db8::53" || c.Search[0] != "corp.example.com" {
		t.Errorf("%+v", c)
	}
	if n := c.QueriesPerLookup(Dots("db")); n != 2 {
		t.Errorf("queries per lookup %d", n)
	}
}

// systemd-resolved's stub file: "search ." means no search domain.
func TestSystemdStub(t *testing.T) {
	c := parseFile(t, "systemd-stub.conf")
	if len(c.Nameservers) != 1 || c.Nameservers[0].Addr != "127.0.0.53" || len(c.Search) != 1 || c.Options["trust-ad"] != "" {
		t.Errorf("%+v", c)
	}
}

func TestBadLines(t *testing.T) {
	c, w := Parse("x", []byte("nameserver\noptions ndots:x timeout:99 use-vc\nbogus line\ndomain example.org  # old style\n"))
	if len(w) != 3 || c.Timeout != 30 || !c.UseVC || c.Search[0] != "example.org" || c.NdotsSet {
		t.Errorf("warnings %v conf %+v", w, c)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"pod-resolv.conf", "host-resolv.conf", "systemd-stub.conf"} {
		data, _ := os.ReadFile("testdata/" + n)
		f.Add(data)
	}
	f.Add([]byte("options ndots:\x00 ;#\nsearch"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, w := Parse("f", data)
		if c == nil || c.Search == nil {
			t.Fatal("nil result")
		}
		for _, x := range w {
			if x.Line < 0 {
				t.Fatalf("warning line %d", x.Line)
			}
		}
		for _, n := range c.Nameservers {
			if n.Src.Line < 1 || n.Src.EndLine < n.Src.Line {
				t.Fatalf("bad ref %+v", n.Src)
			}
		}
	})
}
