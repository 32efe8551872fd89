package derive

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/parse/resolver"
	"github.com/nettriage/nettriage/analyzer/pcap"
)

// DNS measurements from captures (analyzer/pcap matches queries with
// answers) and from resolv.conf.

// dnsTimeouts counts queries that went unanswered and were sent again
// after at least minWait seconds (the resolver's timeout, not a quick
// retransmission), with parallelOnly restricting them to the unanswered
// half of an A/AAAA pair from one socket whose other half was answered.
func dnsTimeouts(call Call, minWait float64, parallelOnly bool) int {
	return countEach(call, func(c *pcap.Capture) []pcap.DNSQuery { return c.DNS },
		func(c *pcap.Capture, q pcap.DNSQuery) bool {
			if q.Answered || (q.RetriedAfter < minWait && !parallelOnly) {
				return false
			}
			if parallelOnly {
				return q.Pair >= 0 && c.DNS[q.Pair].Answered
			}
			return true
		},
		func(cr captureRecorder, q pcap.DNSQuery) {
			what := fmt.Sprintf("%s query for %s from %s to %s got no answer", q.Type, q.Name, q.Client, q.Server)
			if q.Pair >= 0 {
				p := cr.c.DNS[q.Pair]
				what += fmt.Sprintf("; the %s query sent with it from the same socket was answered in %.0f ms", p.Type, p.Latency*1000)
			}
			if q.RetriedAfter > 0 {
				what += fmt.Sprintf("; the resolver sent it again %.1f s later", q.RetriedAfter)
			}
			cr.call.Frame(cr.c.Artifact, q.Frame, what, q.Time, "")
			cr.call.Value("dns_server", q.Server.Addr().String())
			cr.call.Value("dns_name", q.Name)
			cr.call.Value("dns_wait", strconv.FormatFloat(q.RetriedAfter, 'f', 1, 64))
		})
}

var _ = declare(Func{
	Name: "pcap_dns_timeouts", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_wait", ArgSeconds}},
	Returns: "count",
	Doc:     "DNS queries that got no answer and were sent again (same client address, name and type) at least `min_wait` seconds later: the resolver's timeout",
	Values:  []string{"dns_server", "dns_name", "dns_wait"},
	Bind:    func(c Call) any { return func(w float64) int { return dnsTimeouts(c, w, false) } },
})

var _ = declare(Func{
	Name: "pcap_dns_parallel_losses", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Returns: "count",
	Doc:     "A and AAAA queries sent together from one socket of which exactly one got no answer (the shape of the conntrack insert race)",
	Values:  []string{"dns_server", "dns_name", "dns_wait"},
	Bind:    func(c Call) any { return func() int { return dnsTimeouts(c, 0, true) } },
})

// searchFanouts counts lookups that went through at least minNX NXDOMAIN
// answers for search-list names.
func searchFanouts(call Call, minNX float64) int {
	return countEach(call, func(c *pcap.Capture) []pcap.SearchFanout { return c.SearchFanouts },
		func(_ *pcap.Capture, f pcap.SearchFanout) bool { return float64(f.NXDomain) >= minNX },
		func(cr captureRecorder, f pcap.SearchFanout) {
			end := "and the name itself was answered"
			if !f.Answered {
				end = "and no answer came for the name itself"
			}
			cr.call.Frame(cr.c.Artifact, f.Frame, fmt.Sprintf("%s looked up %s with %d queries in %.2f s: %d answered NXDOMAIN for search domains (%s), %s",
				f.Client, f.Name, f.Queries, f.Seconds, f.NXDomain, strings.Join(f.Suffixes, ", "), end), f.Time, "")
			cr.call.Value("dns_name", f.Name)
			cr.call.Value("fanout", strconv.Itoa(f.Queries))
		})
}

var _ = declare(Func{
	Name: "pcap_dns_search_fanouts", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_nxdomain", ArgCount}},
	Returns: "count",
	Doc:     "lookups in which one client asked for a name with search domains appended and got at least `min_nxdomain` NXDOMAIN answers before (or without) the answer for the name",
	Values:  []string{"dns_name", "fanout"},
	Bind:    func(c Call) any { return func(n float64) int { return searchFanouts(c, n) } },
})

var _ = declare(Func{
	Name: "pcap_dns_tcp_fallback_failures", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Returns: "count",
	Doc:     "truncated UDP answers whose retry over TCP failed: the TCP query went unanswered or the connection to port 53 was refused or never answered",
	Bind: func(c Call) any {
		return func() int {
			return countEach(c, func(cp *pcap.Capture) []pcap.DNSQuery { return cp.DNS },
				func(_ *pcap.Capture, q pcap.DNSQuery) bool { return q.Truncated && q.TCPRetry == "failed" },
				func(cr captureRecorder, q pcap.DNSQuery) {
					cr.call.Frame(cr.c.Artifact, q.RespFrame, fmt.Sprintf("the answer for %s %s from %s was truncated and the retry over TCP failed",
						q.Type, q.Name, q.Server), q.Time, "")
				})
		}
	},
})

var _ = declare(Func{
	Name: "pcap_dns_error_servers", Section: "Captures",
	Reads:   []artifact.Kind{artifact.KindPcap},
	Args:    []Arg{{"min_queries", ArgCount}, {"min_fraction", ArgFraction}},
	Returns: "count",
	Doc:     "DNS servers that got at least `min_queries` queries and answered at least `min_fraction` of them SERVFAIL or REFUSED",
	Bind: func(c Call) any {
		return func(minQ, frac float64) int {
			return countEach(c, func(cp *pcap.Capture) []pcap.DNSServer { return cp.DNSServers },
				func(_ *pcap.Capture, s pcap.DNSServer) bool {
					return float64(s.Queries) >= minQ && float64(s.ServFail+s.Refused) >= frac*float64(s.Queries)
				},
				func(cr captureRecorder, s pcap.DNSServer) {
					for _, q := range cr.c.DNS {
						if q.Server.Addr() == s.Server && (q.RCode == "SERVFAIL" || q.RCode == "REFUSED") {
							cr.call.Frame(cr.c.Artifact, q.RespFrame, fmt.Sprintf("%s answered %d of %d queries SERVFAIL and %d REFUSED (first: %s %s)",
								s.Server, s.ServFail, s.Queries, s.Refused, q.Type, q.Name), q.Time, "")
							break
						}
					}
				})
		}
	},
})

// Resolver configuration.

// resolverConfs returns the host's resolv.conf files, or nil.
func resolverConfs(c Call) []*resolver.Conf { return c.Host().Resolvers }

var _ = declare(Func{
	Name: "resolver_queries_per_lookup", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindResolver},
	Args:    []Arg{{"dots", ArgCount}},
	Returns: "count, or nil when no resolv.conf was collected",
	Doc:     "the largest number of queries one lookup of a name with `dots` dots sends over the host's resolv.conf files, for A and AAAA together: (search domains + 1) × 2 when the name has fewer dots than ndots, else 2",
	Values:  []string{"ndots", "search_domains", "fanout"},
	Bind: func(c Call) any {
		return func(dots float64) any {
			confs := resolverConfs(c)
			if len(confs) == 0 {
				return nil
			}
			best, bestConf := 0, confs[0]
			for _, cf := range confs {
				if n := cf.QueriesPerLookup(int(dots)) * 2; n > best {
					best, bestConf = n, cf
				}
			}
			refs := []string{}
			if bestConf.OptionsSrc.Line > 0 {
				c.Ref(bestConf.OptionsSrc, fmt.Sprintf("ndots:%d", bestConf.Ndots))
				refs = append(refs, "options")
			}
			if bestConf.SearchSrc.Line > 0 {
				c.Ref(bestConf.SearchSrc, fmt.Sprintf("%d search domains: a name with %d dots is tried with each of them before as given, for A and AAAA: %d queries", len(bestConf.Search), int(dots), best))
			}
			c.Value("ndots", strconv.Itoa(bestConf.Ndots))
			c.Value("search_domains", strconv.Itoa(len(bestConf.Search)))
			c.Value("fanout", strconv.Itoa(best))
			return best
		}
	},
})

var _ = declare(Func{
	Name: "resolver_option", Section: "Settings and system",
	Reads:   []artifact.Kind{artifact.KindResolver},
	Args:    []Arg{{"name", ArgText}},
	Returns: "bool: some resolv.conf of the host sets the option (`single-request`, `single-request-reopen`, `use-vc`, `rotate`, ...); nil when none was collected",
	Doc:     "whether an option is set in the host's resolv.conf",
	Bind: func(c Call) any {
		return func(name string) any {
			confs := resolverConfs(c)
			if len(confs) == 0 {
				return nil
			}
			for _, cf := range confs {
				if _, ok := cf.Options[name]; ok {
					c.Ref(cf.OptionsSrc, "options "+name)
					return true
				}
			}
			return false
		}
	},
})
