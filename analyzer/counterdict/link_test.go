package counterdict

import (
	"strings"
	"testing"
)

func TestLinkEntries(t *testing.T) {
	for name, want := range map[string]string{
		"ena:pps_allowance_exceeded":       "real drop",
		"virtio_net:rx_queue_7_drops":      "real drop",
		"Softnet.TimeSqueeze":              "not a drop",
		"softnetdropped":                   "real drop",
		"Sockstat.TCPMem":                  "pages",
		"mlx5:rx_out_of_buffer":            "real drop",
		"ENA:conntrack_allowance_exceeded": "not Linux conntrack",
	} {
		e, ok := Lookup(name)
		if !ok || !strings.Contains(e.Meaning, want) {
			t.Errorf("%s: %v %+v", name, ok, e)
		}
	}
	if _, ok := Lookup("ena:no_such_counter"); ok {
		t.Error("unknown driver counter found")
	}
	for _, d := range []string{"ixgbe", "igb", "i40e", "ice", "mlx5", "ena", "virtio_net", "vmxnet3", "bnxt_en", "tg3"} {
		n := 0
		for k := range drivers {
			if strings.HasPrefix(k, d+":") {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no entries for %s", d)
		}
	}
}
