// Package leaktest holds one pasted session seeded with every form of
// identifier that redaction must hide, and the check that none survives,
// shared by the redaction tests of the renderers, the page's engine and the
// Worker.
package leaktest

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"
)

// Session is a pasted terminal session holding every form of identifier the
// redactor must hide: user names in prompts and ps/lsof columns, host names
// in prompts, syslog host fields and FQDNs, names with an address inside,
// hex kernel encodings of addresses, MACs in every notation, an InfiniBand
// address and tcpdump's address.port forms.
const Session = `
[alice@web-1 ~]# ping -c1 peer-198.51.100.77
PING peer-198.51.100.77 (198.51.100.77) 56(84) bytes of data.
bob@web-1:~$ ssh carol@lb-7.corp.acme.com uptime
[alice@WEB-1 ~]# ps aux
USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
carol     4242  0.0  0.1  12345  6789 pts/0    Ss   10:00   0:00 -bash
nginx     1234  0.0  0.1  12345  6789 ?        S    10:00   0:00 nginx: worker process
[alice@web-1 ~]# lsof -i
COMMAND   PID     USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
python3  5151     dave    3u  IPv4  12345      0t0  TCP 10.1.2.3:8080->10.1.2.4:5000 (ESTABLISHED)
[alice@web-1 ~]# cat /proc/net/tcp
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0302010A:1F90 0402010A:1388 01 00000000:00000000 00:00000000 00000000  1000        0 20785 1 0000000000000000 20 4 30 10 -1
   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 20786 1 0000000000000000 20 4 30 10 -1
[alice@web-1 ~]# cat /proc/net/tcp6
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000302010A:1F90 0000000000000000FFFF00000502010A:A000 01 00000000:00000000 00:00000000 00000000  1000        0 20787 1 0000000000000000 20 4 30 10 -1
[alice@web-1 ~]# cat /proc/net/ip_vs
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  0A010206:0050 rr
  -> 0A010207:0050      Masq    1      0          0
[alice@web-1 ~]# ip link
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
3: ib0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 2044 qdisc mq state UP mode DEFAULT group default qlen 256
    link/infiniband 80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bb:cc brd 00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff
[alice@web-1 ~]# arp -a ; getmac ; show mac address-table
? (10.1.2.9) at 52:54:0:12:34:5a [ether] on eth0
52-54-00-12-34-57   \Device\Tcpip_{X}
 10    5254.0012.3458    DYNAMIC     Gi0/1
[alice@web-1 ~]# tcpdump -nn -c2 -i any
10:00:00.000001 IP 10.1.2.3.443 > 10.1.2.4.5000: Flags [S], seq 1, win 64240, length 0
10:00:00.000002 IP6 2a00:1450::1.443 > 2a00:1450::2.5000: Flags [S], seq 1, win 64240, length 0
[alice@web-1 ~]# grep -i conntrack /var/log/messages
Nov 20 22:40:01 lb-7.corp.acme.com kernel: nf_conntrack: nf_conntrack: table full, dropping packet
2024-01-01T10:00:00+00:00 db-3 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
Nov 20 22:40:02 WEB-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet
[alice@web-1 ~]# getent hosts ip-10-1-2-8.ec2.internal ip-10-1-2-8 app-4.internal
10.1.2.8 ip-10-1-2-8.ec2.internal ip-10-1-2-8
[alice@web-1 ~]# ls /home/frank
`

// Originals are the identifiers of Session (and of the sample it is
// appended to) that must not survive redaction, matched case-insensitively.
var Originals = []string{
	"alice", "bob", "carol", "dave", "frank",
	"web-1", "lb-7", "corp.acme.com", "acme", "db-3", "app-4",
	"198.51.100.77", "10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6", "10.1.2.7", "10.1.2.8", "10.1.2.9",
	"10-1-2-8", "2a00:1450::1", "2a00:1450::2",
	"52:54:00:12:34:56", "52:54:0:12:34:5a", "52-54-00-12-34-57", "5254.0012.3458", "02:c9:03:00:0a:bb:cc",
	"10.20.0.3", "10.20.0.6", "node-1", "domain.tld",
}

// HexForms returns an IPv4 address's kernel encodings: big-endian (ip_vs)
// and little-endian (/proc/net/tcp).
func HexForms(a string) []string {
	ip, err := netip.ParseAddr(a)
	if err != nil || !ip.Is4() {
		return nil
	}
	b := ip.As4()
	be := strings.ToUpper(hex.EncodeToString(b[:]))
	var l [4]byte
	binary.LittleEndian.PutUint32(l[:], binary.BigEndian.Uint32(b[:]))
	return []string{be, strings.ToUpper(hex.EncodeToString(l[:]))}
}

// Needles are the originals and their hex encodings.
func Needles() []string {
	var out []string
	for _, o := range Originals {
		out = append(out, o)
		out = append(out, HexForms(o)...)
	}
	return out
}

// Leaks returns the needles that appear in after (case-insensitively)
// among those that appear in before: what the redacted output still shows
// of what the unredacted one showed. present counts the needles before
// showed, so a test can tell that its input exercised the redactor.
func Leaks(before, after string) (leaks []string, present int) {
	b, a := strings.ToLower(before), strings.ToLower(after)
	for _, n := range Needles() {
		n = strings.ToLower(n)
		if !strings.Contains(b, n) {
			continue
		}
		present++
		if strings.Contains(a, n) {
			leaks = append(leaks, n)
		}
	}
	return leaks, present
}
