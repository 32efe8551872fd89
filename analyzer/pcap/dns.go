package pcap

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// DNS over UDP and TCP port 53: every query is matched with its response
// by client socket, server and message ID; a query for the same name and
// type from the same client address that follows an unanswered one is a
// retry of it. What the rules read is built at the end of the capture:
// A/AAAA pairs from one socket that lost one answer, NXDOMAIN fan-out
// across a search list, truncated answers retried over TCP, and rcodes
// per server.

// extra is what a non-TCP packet (or a DNS segment over TCP) carries
// beyond the fields every packet has. It is allocated per such packet,
// never on the TCP path.
type extra struct {
	isDNS  bool
	dns    dnsMsg
	isICMP bool
	icmp   icmpMsg
}

type dnsMsg struct {
	id      uint16
	qr, tc  bool
	rcode   uint8
	qtype   uint16
	name    string
	answers int
}

const (
	maxDNS        = 20000                   // query records kept
	retryWindow   = 30 * int64(time.Second) // a repeated question within this is a retry
	pairWindow    = 100 * int64(time.Millisecond)
	pendingMaxAge = 60 * int64(time.Second)
	maxPending    = 65536
)

func (d *decoder) decodeDNS(payload []byte, p *packet, overTCP bool) {
	if len(payload) < 12 {
		return
	}
	if err := d.dns.DecodeFromBytes(payload, gopacket.NilDecodeFeedback); err != nil || len(d.dns.Questions) == 0 {
		// A long answer over TCP spans several segments and its first
		// one does not decode whole: its header and question suffice.
		if m, ok := dnsHead(payload); ok && overTCP {
			p.ext = &extra{isDNS: true, dns: m}
		}
		return
	}
	q := &d.dns.Questions[0]
	p.ext = &extra{isDNS: true, dns: dnsMsg{id: d.dns.ID, qr: d.dns.QR, tc: d.dns.TC, rcode: uint8(d.dns.ResponseCode),
		qtype: uint16(q.Type), name: strings.ToLower(string(q.Name)), answers: int(d.dns.ANCount)}}
}

// dnsHead reads a DNS message's header and first question by hand.
func dnsHead(b []byte) (dnsMsg, bool) {
	var m dnsMsg
	if len(b) < 12 || binary.BigEndian.Uint16(b[4:]) == 0 {
		return m, false
	}
	m.id = binary.BigEndian.Uint16(b)
	m.qr, m.tc, m.rcode = b[2]&0x80 != 0, b[2]&0x02 != 0, b[3]&0x0f
	m.answers = int(binary.BigEndian.Uint16(b[6:]))
	var name []byte
	i := 12
	for {
		if i >= len(b) {
			return m, false
		}
		l := int(b[i])
		if l == 0 {
			i++
			break
		}
		if l > 63 || i+1+l > len(b) || len(name) > 255 {
			return m, false
		}
		if len(name) > 0 {
			name = append(name, '.')
		}
		name = append(name, b[i+1:i+1+l]...)
		i += 1 + l
	}
	if i+4 > len(b) {
		return m, false
	}
	m.qtype = binary.BigEndian.Uint16(b[i:])
	m.name = strings.ToLower(string(name))
	return m, true
}

// DNSQuery is one DNS query and what became of it.
type DNSQuery struct {
	Frame     int
	Time      time.Time
	Client    netip.AddrPort
	Server    netip.AddrPort
	Transport string // "udp" or "tcp"
	ID        uint16
	Name      string
	Type      string // A, AAAA, PTR, ...
	QType     uint16
	Answered  bool
	RespFrame int
	RCode     string  // NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... ("" when unanswered)
	Answers   int     // answer records
	Latency   float64 // seconds from this query to its response
	Truncated bool    // the response had the TC bit
	TCPRetry  string  // after a truncated answer: "answered", "failed" (the TCP query or connection failed) or "none"
	// Retry: this query repeats an earlier unanswered one (same client
	// address, name and type). RetriedAfter: seconds until this query, when
	// unanswered, was sent again (0 when it was not).
	Retry        bool
	Attempt      int // 1 for the first query of a lookup, 2 for its first retry, ...
	RetriedAfter float64
	RetryFrame   int
	// LookupLatency is, on the query that was finally answered, the
	// seconds from the lookup's first attempt to this answer.
	LookupLatency float64
	// Pair is the index (in Capture.DNS) of the parallel query of the
	// other address family (A and AAAA) sent from the same socket, or -1.
	Pair int
	ICMP string // an ICMP error that answered this query (port-unreachable, ...)

	first int // index of the lookup's first attempt
	t     int64
}

// DNSServer counts the queries one server received and how it answered.
type DNSServer struct {
	Server     netip.Addr
	Queries    int
	Answered   int
	Unanswered int
	NXDomain   int
	ServFail   int
	Refused    int
}

type dnsKey struct {
	client, server [16]byte
	cport          uint16
	id             uint16
	tcp            bool
}

type lookupKey struct {
	client [16]byte
	qtype  uint16
	name   string
}

type sockKey struct {
	client [16]byte
	cport  uint16
	name   string
}

// dnsState is the DNS part of a tracker.
type dnsState struct {
	pending map[dnsKey]int    // unanswered queries -> index in Capture.DNS
	lookups map[lookupKey]int // latest query of a lookup
	socks   map[sockKey]int   // latest A or AAAA query from a socket, to pair them
	servers map[netip.Addr]*DNSServer
	order   []netip.Addr
	lastGC  int64
}

func (t *tracker) dnsPacket(p *packet) {
	m := &p.ext.dns
	c := t.c
	ds := &t.dns
	if ds.pending == nil {
		ds.pending, ds.lookups, ds.socks, ds.servers = map[dnsKey]int{}, map[lookupKey]int{}, map[sockKey]int{}, map[netip.Addr]*DNSServer{}
	}
	if p.t-ds.lastGC > pendingMaxAge || len(ds.pending) > maxPending {
		t.dnsGC(p.t)
	}
	tcp := p.proto == protoTCP
	if !m.qr {
		srv := t.dnsServer(toAddr(p.dst, p.v6))
		srv.Queries++
		k := dnsKey{p.src, p.dst, p.sport, m.id, tcp}
		if i, ok := ds.pending[k]; ok && c.DNS[i].Name == m.name && c.DNS[i].Type == qtypeName(m.qtype) && p.frame != c.DNS[i].Frame {
			if tcp {
				return // a TCP retransmission of the same query
			}
		}
		if len(c.DNS) >= maxDNS {
			c.DNSLeft++
			return
		}
		q := DNSQuery{Frame: p.frame, Time: time.Unix(0, p.t).UTC(), t: p.t, Client: addrPort(p.src, p.sport, p.v6),
			Server: addrPort(p.dst, p.dport, p.v6), Transport: "udp", ID: m.id, Name: m.name, Type: qtypeName(m.qtype), QType: m.qtype,
			Attempt: 1, Pair: -1}
		if tcp {
			q.Transport = "tcp"
		}
		idx := len(c.DNS)
		q.first = idx
		lk := lookupKey{p.src, m.qtype, m.name}
		if prev, ok := ds.lookups[lk]; ok {
			pq := &c.DNS[prev]
			if !pq.Answered && p.t-pq.t <= retryWindow {
				q.Retry, q.Attempt, q.first = true, pq.Attempt+1, pq.first
				pq.RetriedAfter, pq.RetryFrame = seconds(p.t-pq.t), p.frame
			}
		}
		ds.lookups[lk] = idx
		if m.qtype == uint16(layers.DNSTypeA) || m.qtype == uint16(layers.DNSTypeAAAA) {
			sk := sockKey{p.src, p.sport, m.name}
			if prev, ok := ds.socks[sk]; ok && p.t-c.DNS[prev].t <= pairWindow && c.DNS[prev].Type != q.Type &&
				c.DNS[prev].Pair < 0 && c.DNS[prev].Transport == q.Transport {
				q.Pair = prev
				c.DNS[prev].Pair = idx
			}
			ds.socks[sk] = idx
		}
		c.DNS = append(c.DNS, q)
		ds.pending[k] = idx
		return
	}
	srv := t.dnsServer(toAddr(p.src, p.v6))
	k := dnsKey{p.dst, p.src, p.dport, m.id, tcp}
	i, ok := ds.pending[k]
	if !ok {
		c.DNSUnmatched++
		return
	}
	delete(ds.pending, k)
	q := &c.DNS[i]
	q.Answered, q.RespFrame, q.RCode, q.Answers, q.Truncated = true, p.frame, rcodeName(m.rcode), m.answers, m.tc
	q.Latency = seconds(p.t - q.t)
	q.LookupLatency = seconds(p.t - c.DNS[q.first].t)
	srv.Answered++
	switch layers.DNSResponseCode(m.rcode) {
	case layers.DNSResponseCodeNXDomain:
		srv.NXDomain++
	case layers.DNSResponseCodeServFail:
		srv.ServFail++
	case layers.DNSResponseCodeRefused:
		srv.Refused++
	}
}

func (t *tracker) dnsServer(a netip.Addr) *DNSServer {
	ds := &t.dns
	s := ds.servers[a]
	if s == nil {
		if len(ds.servers) >= maxPairs {
			return &DNSServer{} // counted nowhere: a hostile file with a million servers
		}
		s = &DNSServer{Server: a}
		ds.servers[a] = s
		ds.order = append(ds.order, a)
	}
	return s
}

// dnsGC forgets pending queries and lookups older than any answer or
// retry could be.
func (t *tracker) dnsGC(now int64) {
	ds := &t.dns
	ds.lastGC = now
	for k, i := range ds.pending {
		if now-t.c.DNS[i].t > pendingMaxAge {
			delete(ds.pending, k)
		}
	}
	for k, i := range ds.lookups {
		if now-t.c.DNS[i].t > retryWindow {
			delete(ds.lookups, k)
		}
	}
	for k, i := range ds.socks {
		if now-t.c.DNS[i].t > pairWindow {
			delete(ds.socks, k)
		}
	}
}

// SearchFanout is a lookup that went through the search list: queries for
// the name with each search domain appended, answered NXDOMAIN, before
// (or without) the answer for the name itself.
type SearchFanout struct {
	Client   netip.Addr
	Name     string // the name finally answered, or the shortest name asked
	Queries  int    // queries of the lookup, every type and suffix
	NXDomain int
	Suffixes []string
	Answered bool // the name itself was answered NOERROR
	Frame    int  // first query of the fan-out
	Time     time.Time
	Seconds  float64 // from the first query to the answer (or the last query)
}

// finishDNS completes the DNS measurements at the end of the capture.
func (t *tracker) finishDNS() {
	c := t.c
	for _, a := range t.dns.order {
		s := t.dns.servers[a]
		s.Unanswered = s.Queries - s.Answered
		c.DNSServers = append(c.DNSServers, *s)
	}
	for i := range c.DNS {
		q := &c.DNS[i]
		if !q.Truncated {
			continue
		}
		q.TCPRetry = "none"
		for j := i + 1; j < len(c.DNS); j++ {
			r := &c.DNS[j]
			if r.t-q.t > int64(10*time.Second) {
				break
			}
			if r.Transport == "tcp" && r.Client.Addr() == q.Client.Addr() && r.Name == q.Name {
				q.TCPRetry = "failed"
				if r.Answered && r.RCode != "SERVFAIL" && r.RCode != "REFUSED" {
					q.TCPRetry = "answered"
				}
				break
			}
		}
		if q.TCPRetry == "none" {
			// No query got through over TCP: a SYN to the server's port 53
			// that was refused or never answered is a failed retry.
			for _, u := range c.UnansweredSYNs {
				if u.Client.Addr() == q.Client.Addr() && u.Server.Addr() == q.Server.Addr() && u.Server.Port() == 53 &&
					u.Time.Sub(q.Time) >= 0 && u.Time.Sub(q.Time) < 10*time.Second {
					q.TCPRetry = "failed"
				}
			}
		}
	}
	c.SearchFanouts = searchFanouts(c.DNS)
}

// searchFanouts groups each client's queries into lookups through a search
// list: names that extend a shorter name asked by the same client within
// a few seconds, answered NXDOMAIN.
func searchFanouts(qs []DNSQuery) []SearchFanout {
	const window = 3 * int64(time.Second)
	byClient := map[netip.Addr][]int{}
	var clients []netip.Addr
	for i := range qs {
		a := qs[i].Client.Addr()
		if _, ok := byClient[a]; !ok {
			clients = append(clients, a)
		}
		byClient[a] = append(byClient[a], i)
	}
	var out []SearchFanout
	for _, cl := range clients {
		idx := byClient[cl]
		used := map[int]bool{}
		for k, i := range idx {
			if used[i] {
				continue
			}
			q := &qs[i]
			if q.RCode != "NXDOMAIN" {
				continue
			}
			// Candidate base names: every proper suffix-stripped prefix of
			// this name that the client also asked for within the window.
			group := []int{i}
			base := ""
			answers := 0 // NOERROR answers for the name itself: the lookup is over after A and AAAA
			for _, j := range idx[k+1:] {
				r := &qs[j]
				if r.t-q.t > window || answers >= 2 {
					break
				}
				if used[j] {
					continue
				}
				if r.Name == q.Name || (base != "" && strings.HasPrefix(r.Name, base+".")) {
					group = append(group, j)
					continue
				}
				if b := commonBase(q.Name, r.Name); b != "" && (base == "" || b == base || strings.HasPrefix(b, base+".") || strings.HasPrefix(base, b+".")) {
					if base == "" || len(b) < len(base) {
						base = b
					}
					group = append(group, j)
					if r.Name == base && r.RCode == "NOERROR" {
						answers++
					}
				}
			}
			if base == "" {
				continue
			}
			f := SearchFanout{Client: cl, Name: base, Frame: q.Frame, Time: q.Time}
			seen := map[string]bool{}
			last := q.t
			for _, j := range group {
				r := &qs[j]
				if r.Name != base && !strings.HasPrefix(r.Name, base+".") {
					continue
				}
				used[j] = true
				f.Queries++
				if r.RCode == "NXDOMAIN" {
					f.NXDomain++
				}
				if r.Name == base && r.RCode == "NOERROR" {
					f.Answered = true
				}
				if suf := strings.TrimPrefix(strings.TrimPrefix(r.Name, base), "."); suf != "" && !seen[suf] {
					seen[suf] = true
					f.Suffixes = append(f.Suffixes, suf)
				}
				last = max(last, r.t)
			}
			if f.NXDomain < 2 {
				continue
			}
			f.Seconds = seconds(last - q.t)
			sort.Strings(f.Suffixes)
			out = append(out, f)
		}
	}
	return out
}

// commonBase returns the shorter of two names when the longer one is it
// with one or more labels appended (a search domain), or "".
func commonBase(a, b string) string {
	if len(a) > len(b) {
		a, b = b, a
	}
	if a != b && strings.HasPrefix(b, a+".") {
		return a
	}
	// Both carry a suffix: the base is their longest common label prefix
	// when each has at least one label more.
	la, lb := strings.Split(a, "."), strings.Split(b, ".")
	n := 0
	for n < len(la) && n < len(lb) && la[n] == lb[n] {
		n++
	}
	if n == 0 || n == len(la) || n == len(lb) {
		return ""
	}
	return strings.Join(la[:n], ".")
}

func qtypeName(t uint16) string {
	if t == 255 {
		return "ANY"
	}
	s := layers.DNSType(t).String()
	if s == "Unknown" {
		return "TYPE" + itoa(int64(t))
	}
	return s
}

func rcodeName(r uint8) string {
	switch layers.DNSResponseCode(r) {
	case layers.DNSResponseCodeNoErr:
		return "NOERROR"
	case layers.DNSResponseCodeFormErr:
		return "FORMERR"
	case layers.DNSResponseCodeServFail:
		return "SERVFAIL"
	case layers.DNSResponseCodeNXDomain:
		return "NXDOMAIN"
	case layers.DNSResponseCodeNotImp:
		return "NOTIMP"
	case layers.DNSResponseCodeRefused:
		return "REFUSED"
	}
	return "RCODE" + itoa(int64(r))
}
