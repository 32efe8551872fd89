package pcaptest

import (
	"io"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// SyntheticDNS writes a DNS-heavy benchmark capture of at least packets
// packets: 4000 pod sockets asking two cluster resolvers for names through
// an ndots:5 search list (NXDOMAIN answers before the real one), A and
// AAAA in parallel, with a share of lost queries retried after 5 s and of
// SERVFAIL answers. The same seed writes the same bytes.
func SyntheticDNS(w io.Writer, packets int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	servers := []netip.AddrPort{AddrPort("10.96.0.10:53"), AddrPort("10.96.0.11:53")}
	search := []string{".default.svc.cluster.local", ".svc.cluster.local", ".cluster.local"}
	lookup := 0
	return writeBatches(w, packets, func(batch *Capture, start time.Time) {
		for j := 0; j < 200; j++ {
			at := start.Add(time.Duration(j) * 500 * time.Microsecond)
			cli := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 244, byte(lookup % 4000 / 250), byte(lookup%250 + 1)}), uint16(30000+lookup%30000))
			srv := servers[lookup%len(servers)]
			name := "api-" + strconv.Itoa(rng.IntN(500)) + ".example.com"
			id := uint16(lookup * 7)
			step := func(qname string, rcode layers.DNSResponseCode, answers int) {
				for _, qt := range []layers.DNSType{layers.DNSTypeA, layers.DNSTypeAAAA} {
					batch.DNS(at, cli, srv, id, false, qname, qt, 0, 0)
					switch {
					case rng.IntN(100) < 2: // lost: the resolver asks again after its timeout
						retry := at.Add(5 * time.Second)
						batch.DNS(retry, cli, srv, id, false, qname, qt, 0, 0)
						batch.DNS(retry.Add(800*time.Microsecond), srv, cli, id, true, qname, qt, rcode, answers)
					case rng.IntN(100) < 3:
						batch.DNS(at.Add(2*time.Millisecond), srv, cli, id, true, qname, qt, layers.DNSResponseCodeServFail, 0)
					default:
						batch.DNS(at.Add(time.Duration(300+rng.IntN(2000))*time.Microsecond), srv, cli, id, true, qname, qt, rcode, answers)
					}
					id++
				}
				at = at.Add(3 * time.Millisecond)
			}
			for _, s := range search {
				step(name+s, layers.DNSResponseCodeNXDomain, 0)
			}
			step(name, layers.DNSResponseCodeNoErr, 1)
			lookup++
		}
	})
}
