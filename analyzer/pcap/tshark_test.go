package pcap_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The public DNS and ICMP captures, analysed by nettriage and by tshark:
// both must match the same responses to the same queries, with the same
// rcodes and truncation, leave the same queries unanswered, and read the
// same ICMP types and codes. testdata/tshark-corpus.sh wrote the expected
// values with tshark 4.0.
func TestCorpusAgreesWithTshark(t *testing.T) {
	f, err := os.Open("testdata/tshark-corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type row struct {
		frame int
		cols  []string
	}
	byFile := map[string][]row{}
	var files []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		n, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		if _, ok := byFile[cols[0]]; !ok {
			files = append(files, cols[0])
		}
		byFile[cols[0]] = append(byFile[cols[0]], row{n, cols[2:]})
	}
	if len(files) != 7 {
		t.Fatalf("%d captures in the expected values, want 7", len(files))
	}
	rcodes := map[string]string{"0": "NOERROR", "1": "FORMERR", "2": "SERVFAIL", "3": "NXDOMAIN", "4": "NOTIMP", "5": "REFUSED"}
	for _, name := range files {
		c := analyzeFile(t, "testdata/corpus/"+name)
		queries := map[int]int{} // frame -> index in c.DNS
		for i, q := range c.DNS {
			queries[q.Frame] = i
		}
		answered := map[int]bool{}
		icmpFrames := 0
		var nq int
		for _, r := range byFile[name] {
			switch r.cols[0] {
			case "dns":
				isResp, id, rcode, qname, qtype, tc, to := r.cols[1], r.cols[2], r.cols[3], r.cols[4], r.cols[5], r.cols[6], r.cols[7]
				if isResp == "0" {
					nq++
					i, ok := queries[r.frame]
					if !ok {
						t.Errorf("%s: frame %d: tshark sees a query, nettriage none", name, r.frame)
						continue
					}
					q := c.DNS[i]
					wantID, _ := strconv.ParseUint(strings.TrimPrefix(id, "0x"), 16, 16)
					if uint64(q.ID) != wantID || q.Name != qname || strconv.Itoa(int(q.QType)) != qtype {
						t.Errorf("%s: frame %d: query %d %s %d, tshark %s %s %s", name, r.frame, q.ID, q.Name, q.QType, id, qname, qtype)
					}
					continue
				}
				qf, _ := strconv.Atoi(to)
				answered[qf] = true
				i, ok := queries[qf]
				if !ok {
					t.Errorf("%s: tshark matches response %d to query %d, which nettriage did not see", name, r.frame, qf)
					continue
				}
				q := c.DNS[i]
				if !q.Answered || q.RespFrame != r.frame || q.RCode != rcodes[rcode] || q.Truncated != (tc == "1") {
					t.Errorf("%s: query %d: nettriage answered %v by %d %s tc=%v; tshark by %d %s tc=%s", name, qf, q.Answered,
						q.RespFrame, q.RCode, q.Truncated, r.frame, rcodes[rcode], tc)
				}
			case "icmp":
				icmpFrames++
				typ, code := strings.Split(r.cols[1], ",")[0], strings.Split(r.cols[2], ",")[0]
				if typ == "0" || typ == "8" {
					continue // echo: counted, not kept
				}
				found := false
				for _, m := range c.ICMP {
					if m.Frame == r.frame {
						found = true
						if strconv.Itoa(int(m.Type)) != typ || strconv.Itoa(int(m.Code)) != code {
							t.Errorf("%s: frame %d: ICMP %d/%d, tshark %s/%s", name, r.frame, m.Type, m.Code, typ, code)
						}
					}
				}
				if !found {
					t.Errorf("%s: frame %d: tshark sees ICMP type %s code %s, nettriage nothing", name, r.frame, typ, code)
				}
			}
		}
		if nq != len(c.DNS) {
			t.Errorf("%s: %d queries, tshark %d", name, len(c.DNS), nq)
		}
		for _, q := range c.DNS {
			if q.Answered != answered[q.Frame] {
				t.Errorf("%s: query %d answered %v, tshark %v", name, q.Frame, q.Answered, answered[q.Frame])
			}
		}
		if icmpFrames != c.ICMPPackets {
			t.Errorf("%s: %d ICMP packets, tshark %d", name, c.ICMPPackets, icmpFrames)
		}
	}
}

// The truncated answer over UDP is retried over TCP and answered there;
// the SERVFAIL counts against its server.
func TestCorpusDNSMeasurements(t *testing.T) {
	c := analyzeFile(t, "testdata/corpus/chrissanders__dns_tcp.pcapng")
	if len(c.DNS) != 2 || !c.DNS[0].Truncated || c.DNS[0].TCPRetry != "answered" || c.DNS[1].Transport != "tcp" || c.DNS[1].Answers != 8 {
		t.Errorf("truncated then TCP: %+v", c.DNS)
	}
	c = analyzeFile(t, "testdata/corpus/chrissanders__stranded_branchdns.pcapng")
	if len(c.DNSServers) != 1 || c.DNSServers[0].ServFail != 1 || c.DNSServers[0].Server.String() != "172.16.16.251" {
		t.Errorf("servers %+v", c.DNSServers)
	}
	c = analyzeFile(t, "testdata/corpus/chrissanders__icmp_traceroute.pcapng")
	for _, m := range c.ICMP {
		if m.Kind != "time-exceeded" || m.Proto != "icmp" || m.Dst.Addr().String() != "4.2.2.1" || m.FromDst {
			t.Errorf("traceroute answer %+v", m)
		}
	}
	c = analyzeFile(t, "testdata/corpus/chrissanders__ip_frag_source.pcapng")
	if c.UDPPackets+c.TCPPackets+c.ICMPPackets != 0 || len(c.ICMP) != 0 {
		t.Errorf("fragments decoded: %d udp %d tcp %d icmp", c.UDPPackets, c.TCPPackets, c.ICMPPackets)
	}
}
