package pcaptest

// Samples maps each capture sample under samples/ (path relative to that
// directory) to the scenario that writes it. `go run
// ./tools/gensamples` rewrites them, and a test checks
// that the committed files are what the scenarios produce.
var Samples = map[string]func() *Capture{
	"tw-recycle-nat/capture/syn-drops.pcap":                        func() *Capture { return TwRecycle(true) },
	"tw-recycle-nat/capture-sysctl/syn-drops.pcap":                 func() *Capture { return TwRecycle(true) },
	"tw-recycle-nat/capture-negative/syn-drops.pcap":               func() *Capture { return TwRecycle(false) },
	"conntrack-invalid-unnated-rst/capture/envoy.pcap":             func() *Capture { return UnnatedTwin(true, false) },
	"conntrack-invalid-unnated-rst/capture-ahead/envoy.pcap":       func() *Capture { return UnnatedTwin(true, true) },
	"conntrack-invalid-unnated-rst/capture-behind-6.1/envoy.pcap":  func() *Capture { return UnnatedTwin(true, false) },
	"conntrack-invalid-unnated-rst/capture-negative/envoy.pcap":    func() *Capture { return UnnatedTwin(false, false) },
	"conntrack-invalid-unnated-rst/capture-any/node.pcap":          func() *Capture { return AnyCopies(true) },
	"conntrack-invalid-unnated-rst/capture-any-negative/node.pcap": func() *Capture { return AnyCopies(false) },
	"ipvs-idle-timeout/capture/idle.pcap":                          func() *Capture { return IdleTimeout(false) },
	"ipvs-idle-timeout/capture-ipvsadm/idle.pcap":                  func() *Capture { return IdleTimeout(false) },
	"ipvs-idle-timeout/capture-negative/idle.pcap":                 func() *Capture { return IdleTimeout(true) },
	"client-no-timeout-hang/capture/celery.pcap":                   func() *Capture { return AMQPHang("10.233.65.134:5672", false) },
	"client-no-timeout-hang/capture-negative/celery.pcap":          func() *Capture { return AMQPHang("10.233.65.134:5672", true) },
	"vip-nodeport-local-race/capture/celery.pcap":                  func() *Capture { return AMQPHang("10.10.10.100:31672", false) },
	"vip-nodeport-local-race/capture-negative/celery.pcap":         func() *Capture { return AMQPHang("10.10.10.100:31672", true) },
	"ipvs-service-churn/capture/vip.pcap":                          func() *Capture { return Churn(true) },
	"ipvs-service-churn/capture-negative/vip.pcap":                 func() *Capture { return Churn(false) },
	"zero-window-stall/capture/download.pcap":                      func() *Capture { return ZeroWindow(true) },
	"zero-window-stall/capture-negative/download.pcap":             func() *Capture { return ZeroWindow(false) },
	"ipvs-service-churn/capture-logs/vip.pcap":                     func() *Capture { return Churn(true) },
}
