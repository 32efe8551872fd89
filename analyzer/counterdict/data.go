package counterdict

// The dictionary data. Names and groups follow net/ipv4/proc.c
// (snmp4_ipstats_list, snmp4_ipextstats_list, icmpmibmap, snmp4_tcp_list,
// snmp4_udp_list, snmp4_net_list) and net/ipv6/proc.c, across 2.6.32,
// 3.10, 4.18 and current kernels; MIB names are the RFC 1213 object for
// the RFC groups and the kernel enum (include/uapi/linux/snmp.h) for the
// Linux extensions. Meanings are written for this project.

// def is one row of a table below: group, counter, MIB, snmp_counter.rst
// section anchor ("" when the document has no entry for the counter),
// kernels, removed, meaning.
type def struct {
	group, counter, mib, doc, kernels string
	removed                           bool
	meaning                           string
}

// Anchors of the sections of Documentation/networking/snmp_counter.rst.
const (
	docIPv4       = "general-ipv4-counters"
	docICMP       = "icmp-counters"
	docTCP        = "general-tcp-counters"
	docTCPMisc    = "tcp-fast-open" // the document files EstabResets, OutRsts, KeepAlive... under this title
	docFastPath   = "tcp-fast-path"
	docAbort      = "tcp-abort"
	docHystart    = "tcp-hybrid-slow-start"
	docRetrans    = "tcp-retransmission-and-congestion-control"
	docDSACK      = "dsack"
	docBadSACK    = "invalid-sack-and-dsack"
	docSACKShift  = "sack-shift"
	docOFO        = "tcp-out-of-order"
	docPAWS       = "tcp-paws"
	docACKSkip    = "tcp-ack-skip"
	docRcvWindow  = "tcp-receive-window"
	docDelayedACK = "delayed-ack"
	docTLP        = "tail-loss-probe-tlp"
	docTFO        = "tcp-fast-open-description"
	docCookies    = "syn-cookies"
	docChallenge  = "challenge-ack"
	docPrune      = "prune"
)

const (
	prequeueGone = "up to 4.13; removed in 4.14 with the TCP prequeue"
	pre310       = "2.6.x kernels; absent from 3.10 on"
	recent2025   = "recent kernels (added in 2025)"
)

// ipDefs: /proc/net/snmp "Ip:" line.
var ipDefs = []def{
	{"Ip", "Forwarding", "ipForwarding", "", "", false, "A setting, not a counter: 1 when IPv4 forwarding is enabled for all interfaces, 2 when it is off."},
	{"Ip", "DefaultTTL", "ipDefaultTTL", "", "", false, "A setting, not a counter: the TTL the host puts on packets it originates (net.ipv4.ip_default_ttl)."},
	{"Ip", "InReceives", "ipInReceives", docIPv4, "", false, "IPv4 packets that reached the IP receive path, counted on arrival before any check, so later drops are included; a GRO aggregate counts once."},
	{"Ip", "InHdrErrors", "ipInHdrErrors", docIPv4, "", false, "Received IPv4 packets discarded for a bad header: wrong version or length, bad checksum, bad options, or TTL running out while being forwarded."},
	{"Ip", "InAddrErrors", "ipInAddrErrors", docIPv4, "", false, "Received IPv4 packets discarded because of their destination address: invalid, or not local while this host does not forward."},
	{"Ip", "ForwDatagrams", "ipForwDatagrams", "", "", false, "IPv4 packets this host forwarded towards another host."},
	{"Ip", "InUnknownProtos", "ipInUnknownProtos", docIPv4, "", false, "Locally addressed IPv4 packets dropped because no protocol handler or raw socket takes their protocol number."},
	{"Ip", "InDiscards", "ipInDiscards", docIPv4, "", false, "Received IPv4 packets that were valid but dropped inside the kernel, for example when memory could not be allocated."},
	{"Ip", "InDelivers", "ipInDelivers", docIPv4, "", false, "IPv4 packets handed up to a transport protocol (TCP, UDP, ICMP, raw sockets...)."},
	{"Ip", "OutRequests", "ipOutRequests", docIPv4, "", false, "IPv4 packets that local protocols gave to IP for sending; forwarded packets are not included."},
	{"Ip", "OutDiscards", "ipOutDiscards", docIPv4, "", false, "Outgoing IPv4 packets dropped on the send path for internal reasons such as allocation failures."},
	{"Ip", "OutNoRoutes", "ipOutNoRoutes", docIPv4, "", false, "Outgoing IPv4 packets dropped because the routing table had no route to their destination."},
	{"Ip", "ReasmTimeout", "ipReasmTimeout", "", "", false, "Fragmented IPv4 datagrams given up because the missing fragments did not arrive within net.ipv4.ipfrag_time (a count here, not the RFC's timeout value)."},
	{"Ip", "ReasmReqds", "ipReasmReqds", "", "", false, "Received IPv4 fragments that had to be reassembled."},
	{"Ip", "ReasmOKs", "ipReasmOKs", "", "", false, "IPv4 datagrams successfully rebuilt from fragments."},
	{"Ip", "ReasmFails", "ipReasmFails", "", "", false, "Reassembly failures of any kind (timeouts, fragment memory limits, malformed or overlapping fragments); it counts failures, not discarded fragments."},
	{"Ip", "FragOKs", "ipFragOKs", "", "", false, "Outgoing IPv4 datagrams that were split into fragments successfully."},
	{"Ip", "FragFails", "ipFragFails", "", "", false, "Outgoing IPv4 datagrams that needed fragmenting but could not be (usually the Don't Fragment bit was set), and were dropped."},
	{"Ip", "FragCreates", "ipFragCreates", "", "", false, "IPv4 fragments produced by fragmenting outgoing datagrams."},
	{"Ip", "OutTransmits", "IPSTATS_MIB_OUTPKTS", "", "", false, "IPv4 packets passed down to the link layer for transmission, forwarded ones included."},
}

// ipExtDefs: /proc/net/netstat "IpExt:" line.
var ipExtDefs = []def{
	{"IpExt", "InNoRoutes", "IPSTATS_MIB_INNOROUTES", docIPv4, "", false, "Received IPv4 packets dropped because no route matched their destination (typically while forwarding)."},
	{"IpExt", "InTruncatedPkts", "IPSTATS_MIB_INTRUNCATEDPKTS", docIPv4, "", false, "Received IPv4 packets shorter than the Total Length their header claims."},
	{"IpExt", "InMcastPkts", "IPSTATS_MIB_INMCASTPKTS", "", "", false, "Multicast IPv4 packets received."},
	{"IpExt", "OutMcastPkts", "IPSTATS_MIB_OUTMCASTPKTS", "", "", false, "Multicast IPv4 packets sent."},
	{"IpExt", "InBcastPkts", "IPSTATS_MIB_INBCASTPKTS", "", "", false, "Broadcast IPv4 packets received."},
	{"IpExt", "OutBcastPkts", "IPSTATS_MIB_OUTBCASTPKTS", "", "", false, "Broadcast IPv4 packets sent."},
	{"IpExt", "InOctets", "IPSTATS_MIB_INOCTETS", docIPv4, "", false, "Bytes of IPv4 received, IP header and payload (no link-layer header)."},
	{"IpExt", "OutOctets", "IPSTATS_MIB_OUTOCTETS", docIPv4, "", false, "Bytes of IPv4 sent, IP header and payload (no link-layer header)."},
	{"IpExt", "InMcastOctets", "IPSTATS_MIB_INMCASTOCTETS", "", "", false, "Bytes of multicast IPv4 received."},
	{"IpExt", "OutMcastOctets", "IPSTATS_MIB_OUTMCASTOCTETS", "", "", false, "Bytes of multicast IPv4 sent."},
	{"IpExt", "InBcastOctets", "IPSTATS_MIB_INBCASTOCTETS", "", "", false, "Bytes of broadcast IPv4 received."},
	{"IpExt", "OutBcastOctets", "IPSTATS_MIB_OUTBCASTOCTETS", "", "", false, "Bytes of broadcast IPv4 sent."},
	{"IpExt", "InCsumErrors", "IPSTATS_MIB_CSUMERRORS", "", "", false, "Received IPv4 packets whose header checksum was wrong (they are also in Ip.InHdrErrors)."},
	{"IpExt", "InNoECTPkts", "IPSTATS_MIB_NOECTPKTS", docIPv4, "", false, "Received IPv4 packets not using ECN (Not-ECT codepoint), counted per original segment even after GRO."},
	{"IpExt", "InECT1Pkts", "IPSTATS_MIB_ECT1PKTS", docIPv4, "", false, "Received IPv4 packets carrying the ECT(1) codepoint."},
	{"IpExt", "InECT0Pkts", "IPSTATS_MIB_ECT0PKTS", docIPv4, "", false, "Received IPv4 packets carrying the ECT(0) codepoint."},
	{"IpExt", "InCEPkts", "IPSTATS_MIB_CEPKTS", docIPv4, "", false, "Received IPv4 packets marked Congestion Experienced by a router on the path."},
	{"IpExt", "ReasmOverlaps", "IPSTATS_MIB_REASM_OVERLAPS", "", "", false, "IPv4 fragments rejected because they overlapped data already queued for reassembly; the datagram is dropped."},
}

// icmpType is an ICMP type with a named In/Out counter pair.
type icmpType struct {
	name, what string
	number     int
	doc        bool
}

// icmpTypes follows icmpmibmap in net/ipv4/proc.c.
var icmpTypes = []icmpType{
	{"DestUnreachs", "Destination Unreachable", 3, true},
	{"TimeExcds", "Time Exceeded", 11, true},
	{"ParmProbs", "Parameter Problem", 12, true},
	{"SrcQuenchs", "Source Quench", 4, true},
	{"Redirects", "Redirect", 5, true},
	{"Echos", "Echo Request", 8, true},
	{"EchoReps", "Echo Reply", 0, true},
	{"Timestamps", "Timestamp Request", 13, true},
	{"TimestampReps", "Timestamp Reply", 14, true},
	{"AddrMasks", "Address Mask Request", 17, true},
	{"AddrMaskReps", "Address Mask Reply", 18, true},
}

// icmpDefs: the counters of the "Icmp:" line that are not per type.
var icmpDefs = []def{
	{"Icmp", "InMsgs", "icmpInMsgs", docICMP, "", false, "ICMP messages received, including those later found to be in error."},
	{"Icmp", "InErrors", "icmpInErrors", docICMP, "", false, "Received ICMP messages the kernel could not process: bad checksum, too short, or an error while handling the type."},
	{"Icmp", "InCsumErrors", "ICMP_MIB_CSUMERRORS", docICMP, "", false, "Received ICMP messages with a bad checksum (also counted in Icmp.InErrors)."},
	{"Icmp", "OutMsgs", "icmpOutMsgs", docICMP, "", false, "ICMP messages this host sent or tried to send."},
	{"Icmp", "OutErrors", "icmpOutErrors", docICMP, "", false, "ICMP messages not sent because of a problem inside the ICMP layer."},
	{"Icmp", "OutRateLimitGlobal", "ICMP_MIB_RATELIMITGLOBAL", "", "", false, "ICMP messages not sent because the host-wide limit net.ipv4.icmp_msgs_per_sec was reached."},
	{"Icmp", "OutRateLimitHost", "ICMP_MIB_RATELIMITHOST", "", "", false, "ICMP messages not sent because the per-destination limit net.ipv4.icmp_ratelimit was reached."},
}

// tcpDefs: /proc/net/snmp "Tcp:" line.
var tcpDefs = []def{
	{"Tcp", "RtoAlgorithm", "tcpRtoAlgorithm", "", "", false, "A constant, not a counter: the retransmission-timeout algorithm code; Linux reports 1 (\"other\")."},
	{"Tcp", "RtoMin", "tcpRtoMin", "", "", false, "A constant, not a counter: the minimum retransmission timeout in milliseconds (200)."},
	{"Tcp", "RtoMax", "tcpRtoMax", "", "", false, "A constant, not a counter: the maximum retransmission timeout in milliseconds (120000)."},
	{"Tcp", "MaxConn", "tcpMaxConn", "", "", false, "A constant, not a counter: -1, meaning Linux has no fixed limit on TCP connections."},
	{"Tcp", "ActiveOpens", "tcpActiveOpens", docTCP, "", false, "Connections this host initiated: each connect() that sent a SYN and entered SYN-SENT."},
	{"Tcp", "PassiveOpens", "tcpPassiveOpens", docTCP, "", false, "Connections opened by a listening socket in answer to a peer's SYN."},
	{"Tcp", "AttemptFails", "tcpAttemptFails", docTCPMisc, "", false, "Connection attempts that failed: SYN-SENT or SYN-RECV went straight to CLOSED (refused, timed out, reset), or SYN-RECV fell back to LISTEN."},
	{"Tcp", "EstabResets", "tcpEstabResets", docTCPMisc, "", false, "Connections that went straight from ESTABLISHED or CLOSE-WAIT to CLOSED, i.e. were reset or aborted instead of closing normally."},
	{"Tcp", "CurrEstab", "tcpCurrEstab", "", "", false, "A gauge, not a counter: connections now in ESTABLISHED or CLOSE-WAIT."},
	{"Tcp", "InSegs", "tcpInSegs", docTCP, "", false, "TCP segments received, erroneous ones included; a GRO aggregate counts once."},
	{"Tcp", "OutSegs", "tcpOutSegs", docTCP, "", false, "TCP segments sent, excluding retransmissions but including SYN, ACK and RST segments; counted after GSO splitting."},
	{"Tcp", "RetransSegs", "tcpRetransSegs", "", "", false, "TCP segments retransmitted, for any reason (timeouts, fast retransmit, probes)."},
	{"Tcp", "InErrs", "tcpInErrs", "", "", false, "TCP segments received in error, such as a bad checksum or a malformed header."},
	{"Tcp", "OutRsts", "tcpOutRsts", docTCPMisc, "", false, "Segments with the RST flag that TCP attempted to send (a send that then failed is still counted)."},
	{"Tcp", "InCsumErrors", "TCP_MIB_CSUMERRORS", "", "", false, "Received TCP segments with a bad checksum (also counted in Tcp.InErrs)."},
}

// udpDefs is written once for UDP and reused for UDP-Lite and both over
// IPv6: the kernel prints the same list for each. %s is the protocol.
var udpDefs = []def{
	{"", "InDatagrams", "udpInDatagrams", "", "", false, "%s datagrams delivered to sockets."},
	{"", "NoPorts", "udpNoPorts", "", "", false, "%s datagrams that arrived for a port nothing listens on; unicast ones are normally answered with ICMP port unreachable."},
	{"", "InErrors", "udpInErrors", "", "", false, "%s datagrams received but not delivered for reasons other than a missing port: full receive buffer, memory limit, bad checksum (those are also counted separately)."},
	{"", "OutDatagrams", "udpOutDatagrams", "", "", false, "%s datagrams sent."},
	{"", "RcvbufErrors", "UDP_MIB_RCVBUFERRORS", "", "", false, "%s datagrams dropped because the receiving socket's buffer was full: the application reads too slowly or SO_RCVBUF / net.core.rmem_* is too small."},
	{"", "SndbufErrors", "UDP_MIB_SNDBUFERRORS", "", "", false, "%s sends dropped for lack of buffer space, including a local queue refusing the packet with ENOBUFS."},
	{"", "InCsumErrors", "UDP_MIB_CSUMERRORS", "", "", false, "Received %s datagrams with a bad checksum (also counted in InErrors)."},
	{"", "IgnoredMulti", "UDP_MIB_IGNOREDMULTI", "", "", false, "Broadcast or multicast %s datagrams that no socket wanted, dropped silently (not counted in NoPorts)."},
	{"", "MemErrors", "UDP_MIB_MEMERRORS", "", "", false, "%s datagrams dropped because the protocol-wide memory limit (net.ipv4.udp_mem) was reached."},
}

// tcpExtDefs: /proc/net/netstat "TcpExt:" line, current and removed.
var tcpExtDefs = []def{
	{"TcpExt", "SyncookiesSent", "LINUX_MIB_SYNCOOKIESSENT", docCookies, "", false, "SYN cookies sent instead of keeping a SYN-queue entry, because the SYN queue was full (or tcp_syncookies=2 forces them)."},
	{"TcpExt", "SyncookiesRecv", "LINUX_MIB_SYNCOOKIESRECV", docCookies, "", false, "Handshake-completing ACKs that carried a valid SYN cookie."},
	{"TcpExt", "SyncookiesFailed", "LINUX_MIB_SYNCOOKIESFAILED", docCookies, "", false, "ACKs to a listener that were checked as SYN-cookie replies and failed validation."},
	{"TcpExt", "EmbryonicRsts", "LINUX_MIB_EMBRYONICRSTS", "", "", false, "Half-open (SYN-RECV) connections torn down because a RST or an unacceptable segment arrived."},
	{"TcpExt", "PruneCalled", "LINUX_MIB_PRUNECALLED", docPrune, "", false, "Times a socket's receive memory went over its limit and TCP tried to reclaim space (collapsing queues, then dropping out-of-order data)."},
	{"TcpExt", "RcvPruned", "LINUX_MIB_RCVPRUNED", docPrune, "", false, "Times pruning could not free enough receive memory, so incoming data had to be dropped."},
	{"TcpExt", "OfoPruned", "LINUX_MIB_OFOPRUNED", docPrune, "", false, "Times out-of-order data was thrown away to free receive memory."},
	{"TcpExt", "OutOfWindowIcmps", "LINUX_MIB_OUTOFWINDOWICMPS", "", "", false, "ICMP errors about a TCP connection ignored because the sequence number they quote is outside the data in flight."},
	{"TcpExt", "LockDroppedIcmps", "LINUX_MIB_LOCKDROPPEDICMPS", "", "", false, "ICMP errors about a TCP connection that arrived while a process held the socket, so they could not be acted on at once."},
	{"TcpExt", "ArpFilter", "LINUX_MIB_ARPFILTER", "", "", false, "ARP requests left unanswered because of net.ipv4.conf.*.arp_filter (the reply would leave by another interface)."},
	{"TcpExt", "TW", "LINUX_MIB_TIMEWAITED", "", "", false, "TIME-WAIT sockets that expired on the normal, long timer."},
	{"TcpExt", "TWRecycled", "LINUX_MIB_TIMEWAITRECYCLED", "", "", false, "Outgoing connect() calls that took over a 4-tuple still held by a TIME-WAIT socket (allowed by net.ipv4.tcp_tw_reuse); despite the name it is not about tcp_tw_recycle."},
	{"TcpExt", "TWKilled", "LINUX_MIB_TIMEWAITKILLED", "", "", false, "TIME-WAIT sockets that expired on a short timer of a few seconds, as tcp_tw_recycle used to arrange on old kernels."},
	{"TcpExt", "PAWSPassive", "LINUX_MIB_PAWSPASSIVEREJECTED", "", "up to 4.11; removed in 4.12 together with tcp_tw_recycle", true, "SYNs dropped because tcp_tw_recycle's per-host timestamp memory saw a timestamp older than the last one from that address; the classic failure for clients behind NAT."},
	{"TcpExt", "PAWSActive", "LINUX_MIB_PAWSACTIVEREJECTED", docPAWS, "", false, "Segments dropped by the PAWS timestamp check in SYN-SENT (our own connection attempt)."},
	{"TcpExt", "PAWSEstab", "LINUX_MIB_PAWSESTABREJECTED", docPAWS, "", false, "Segments dropped by the PAWS timestamp check on an existing connection: their timestamp is older than the last one accepted."},
	{"TcpExt", "BeyondWindow", "LINUX_MIB_BEYOND_WINDOW", "", recent2025, false, "Segments dropped because their sequence numbers lie beyond the receive window."},
	{"TcpExt", "TSEcrRejected", "LINUX_MIB_TSECRREJECTED", "", recent2025, false, "Segments dropped because the timestamp they echo back (TSecr) failed validation."},
	{"TcpExt", "PAWSOldAck", "LINUX_MIB_PAWS_OLD_ACK", "", recent2025, false, "Pure ACKs dropped by PAWS because their timestamp is old, counted apart from PAWSEstab."},
	{"TcpExt", "PAWSTimewait", "LINUX_MIB_PAWS_TW_REJECTED", "", recent2025, false, "Segments to a TIME-WAIT socket dropped by the PAWS timestamp check."},
	{"TcpExt", "DelayedACKs", "LINUX_MIB_DELAYEDACKS", docDelayedACK, "", false, "Delayed-ACK timer expiries that sent an ACK."},
	{"TcpExt", "DelayedACKLocked", "LINUX_MIB_DELAYEDACKLOCKED", docDelayedACK, "", false, "Delayed-ACK timer expiries that found the socket held by a process, so the ACK went out later."},
	{"TcpExt", "DelayedACKLost", "LINUX_MIB_DELAYEDACKLOST", docDelayedACK, "", false, "Data received that had already been acknowledged; TCP assumes its ACK was lost and switches to quick-ACK mode."},
	{"TcpExt", "ListenOverflows", "LINUX_MIB_LISTENOVERFLOWS", docTCP, "", false, "SYNs or handshake-completing ACKs dropped because a listener's accept queue was full: the application accepts too slowly or its backlog/somaxconn is too small."},
	{"TcpExt", "ListenDrops", "LINUX_MIB_LISTENDROPS", docTCP, "", false, "Everything a listening socket dropped, for any reason; includes every ListenOverflows event plus SYN-queue and allocation drops."},
	{"TcpExt", "TCPPrequeued", "LINUX_MIB_TCPPREQUEUED", "", prequeueGone, true, "Packets put on the prequeue for a reader waiting in recvmsg()."},
	{"TcpExt", "TCPDirectCopyFromBacklog", "LINUX_MIB_TCPDIRECTCOPYFROMBACKLOG", "", prequeueGone, true, "Bytes copied straight to a reading process from the socket backlog."},
	{"TcpExt", "TCPDirectCopyFromPrequeue", "LINUX_MIB_TCPDIRECTCOPYFROMPREQUEUE", "", prequeueGone, true, "Bytes copied straight to a reading process from the prequeue."},
	{"TcpExt", "TCPPrequeueDropped", "LINUX_MIB_TCPPREQUEUEDROPPED", "", prequeueGone, true, "Times the prequeue outgrew the receive buffer and was flushed through the normal receive path (not a loss of data)."},
	{"TcpExt", "TCPHPHits", "LINUX_MIB_TCPHPHITS", docFastPath, "", false, "Data segments handled on the header-prediction fast path."},
	{"TcpExt", "TCPHPHitsToUser", "LINUX_MIB_TCPHPHITSTOUSER", "", prequeueGone, true, "Fast-path data segments copied directly to a waiting reader."},
	{"TcpExt", "SockMallocOOM", "linux_mib.SockMallocOOM", "", "2.2/2.4-era kernels; not printed by 2.6.28 or later", true, "Times the kernel ran out of memory while allocating buffers to send packets."},
	{"TcpExt", "TCPPureAcks", "LINUX_MIB_TCPPUREACKS", docFastPath, "", false, "ACKs without data handled on the slow path."},
	{"TcpExt", "TCPHPAcks", "LINUX_MIB_TCPHPACKS", docFastPath, "", false, "ACKs without data handled on the fast path."},
	{"TcpExt", "TCPRenoRecovery", "LINUX_MIB_TCPRENORECOVERY", docRetrans, "", false, "Entries into fast recovery on connections without SACK (NewReno)."},
	{"TcpExt", "TCPSackRecovery", "LINUX_MIB_TCPSACKRECOVERY", docRetrans, "", false, "Entries into fast recovery on connections using SACK."},
	{"TcpExt", "TCPSACKReneging", "LINUX_MIB_TCPSACKRENEGING", docRetrans, "", false, "Times the peer discarded data it had already SACKed, so it had to be sent again."},
	{"TcpExt", "TCPFACKReorder", "LINUX_MIB_TCPFACKREORDER", "", "older kernels; removed along with FACK loss recovery", true, "Packet reordering detected by the FACK algorithm."},
	{"TcpExt", "TCPSACKReorder", "LINUX_MIB_TCPSACKREORDER", docRetrans, "", false, "Packet reordering detected from SACK or DSACK information."},
	{"TcpExt", "TCPRenoReorder", "LINUX_MIB_TCPRENOREORDER", docRetrans, "", false, "Packet reordering detected from duplicate ACKs on connections without SACK."},
	{"TcpExt", "TCPTSReorder", "LINUX_MIB_TCPTSREORDER", docRetrans, "", false, "Packet reordering detected when a hole was filled by data that had not really been lost."},
	{"TcpExt", "TCPFullUndo", "LINUX_MIB_TCPFULLUNDO", "", "", false, "Loss recoveries fully undone because the retransmissions proved unnecessary; the congestion window was restored."},
	{"TcpExt", "TCPPartialUndo", "LINUX_MIB_TCPPARTIALUNDO", "", "", false, "Congestion-window reductions partly undone during recovery because of reordering rather than loss."},
	{"TcpExt", "TCPDSACKUndo", "LINUX_MIB_TCPDSACKUNDO", "", "", false, "Congestion-window reductions undone because DSACKs showed every retransmission was a duplicate."},
	{"TcpExt", "TCPLossUndo", "LINUX_MIB_TCPLOSSUNDO", "", "", false, "Timeout (Loss state) recoveries undone because the retransmitted data turned out not to be lost."},
	{"TcpExt", "TCPLoss", "LINUX_MIB_TCPLOSS", "", pre310, true, "Data-loss events counted by the old loss-detection code."},
	{"TcpExt", "TCPLostRetransmit", "LINUX_MIB_TCPLOSTRETRANSMIT", docRetrans, "", false, "Retransmitted segments found to be lost again."},
	{"TcpExt", "TCPRenoFailures", "LINUX_MIB_TCPRENOFAILURES", "", "", false, "Retransmission timeouts that struck a non-SACK connection already seeing duplicate ACKs (Disorder state)."},
	{"TcpExt", "TCPSackFailures", "LINUX_MIB_TCPSACKFAILURES", "", "", false, "Retransmission timeouts that struck a SACK connection that already had SACKed data or was in Disorder state."},
	{"TcpExt", "TCPLossFailures", "LINUX_MIB_TCPLOSSFAILURES", "", "", false, "Retransmission timeouts that struck a connection already recovering from an earlier timeout (Loss state)."},
	{"TcpExt", "TCPFastRetrans", "LINUX_MIB_TCPFASTRETRANS", docRetrans, "", false, "Retransmissions sent outside the Loss state, i.e. fast retransmits triggered by ACK feedback rather than a timeout."},
	{"TcpExt", "TCPForwardRetrans", "LINUX_MIB_TCPFORWARDRETRANS", "", "older kernels; removed along with forward retransmission", true, "Segments retransmitted during recovery before being marked lost (forward retransmission)."},
	{"TcpExt", "TCPSlowStartRetrans", "LINUX_MIB_TCPSLOWSTARTRETRANS", docRetrans, "", false, "Retransmissions sent in the Loss state, after a retransmission timeout."},
	{"TcpExt", "TCPTimeouts", "LINUX_MIB_TCPTIMEOUTS", "", "", false, "Retransmission timeouts. Newer kernels count every one; older kernels (3.10, 4.x) count only the first timeout of a segment and only when no recovery was under way."},
	{"TcpExt", "TCPLossProbes", "LINUX_MIB_TCPLOSSPROBES", docTLP, "", false, "Tail loss probes sent."},
	{"TcpExt", "TCPLossProbeRecovery", "LINUX_MIB_TCPLOSSPROBERECOVERY", docTLP, "", false, "Losses detected and repaired thanks to a tail loss probe."},
	{"TcpExt", "TCPRenoRecoveryFail", "LINUX_MIB_TCPRENORECOVERYFAIL", "", "", false, "Retransmission timeouts during fast recovery on a non-SACK connection: the recovery failed."},
	{"TcpExt", "TCPSackRecoveryFail", "LINUX_MIB_TCPSACKRECOVERYFAIL", "", "", false, "Retransmission timeouts during fast recovery on a SACK connection: the recovery failed."},
	{"TcpExt", "TCPSchedulerFailed", "LINUX_MIB_TCPSCHEDULERFAILED", "", prequeueGone, true, "Delayed-ACK timer expiries that found packets still waiting on the prequeue because the reader was not scheduled in time."},
	{"TcpExt", "TCPRcvCollapsed", "LINUX_MIB_TCPRCVCOLLAPSED", docPrune, "", false, "Receive buffers freed by collapsing queued data into fewer, denser buffers under memory pressure."},
	{"TcpExt", "TCPBacklogCoalesce", "LINUX_MIB_TCPBACKLOGCOALESCE", "", "since 5.0", false, "Segments merged into the previous one while waiting in the socket backlog."},
	{"TcpExt", "TCPDSACKOldSent", "LINUX_MIB_TCPDSACKOLDSENT", docDSACK, "", false, "DSACKs sent for duplicate data that had already been acknowledged (the peer retransmitted needlessly or the path duplicated it)."},
	{"TcpExt", "TCPDSACKOfoSent", "LINUX_MIB_TCPDSACKOFOSENT", docDSACK, "", false, "DSACKs sent for duplicate out-of-order data."},
	{"TcpExt", "TCPDSACKRecv", "LINUX_MIB_TCPDSACKRECV", docDSACK, "", false, "DSACKs received: the peer reports having received some data twice, often a sign of spurious retransmission."},
	{"TcpExt", "TCPDSACKOfoRecv", "LINUX_MIB_TCPDSACKOFORECV", docDSACK, "", false, "DSACKs received that report duplicate out-of-order data."},
	{"TcpExt", "TCPAbortOnSyn", "LINUX_MIB_TCPABORTONSYN", "", pre310, true, "Connections reset because an unexpected SYN arrived on an established connection."},
	{"TcpExt", "TCPAbortOnData", "LINUX_MIB_TCPABORTONDATA", docAbort, "", false, "Connections reset because data kept arriving after the application closed them, or because the application closed with SO_LINGER and a zero timeout."},
	{"TcpExt", "TCPAbortOnClose", "LINUX_MIB_TCPABORTONCLOSE", docAbort, "", false, "Connections reset because the application closed them with unread data still queued."},
	{"TcpExt", "TCPAbortOnMemory", "LINUX_MIB_TCPABORTONMEMORY", docAbort, "", false, "Closed (orphaned) connections reset because there were too many orphans (tcp_max_orphans) or TCP was short of memory (tcp_mem)."},
	{"TcpExt", "TCPAbortOnTimeout", "LINUX_MIB_TCPABORTONTIMEOUT", docAbort, "", false, "Connections given up after a retransmission, SYN, keepalive or window-probe timer ran out of retries; no RST is sent."},
	{"TcpExt", "TCPAbortOnLinger", "LINUX_MIB_TCPABORTONLINGER", docAbort, "", false, "Closed connections reset in FIN-WAIT-2 instead of waiting for the peer's FIN, as requested with a negative TCP_LINGER2."},
	{"TcpExt", "TCPAbortFailed", "LINUX_MIB_TCPABORTFAILED", docAbort, "", false, "Resets TCP wanted to send on abort but could not, for lack of memory."},
	{"TcpExt", "TCPMemoryPressures", "LINUX_MIB_TCPMEMORYPRESSURES", "", "", false, "Times TCP as a whole entered memory pressure (usage over the middle value of net.ipv4.tcp_mem)."},
	{"TcpExt", "TCPMemoryPressuresChrono", "LINUX_MIB_TCPMEMORYPRESSURESCHRONO", "", "", false, "Total time, in milliseconds, TCP has spent under memory pressure."},
	{"TcpExt", "TCPSACKDiscard", "LINUX_MIB_TCPSACKDISCARD", docBadSACK, "", false, "SACK blocks ignored because they were invalid (outside the data that was sent)."},
	{"TcpExt", "TCPDSACKIgnoredOld", "LINUX_MIB_TCPDSACKIGNOREDOLD", docBadSACK, "", false, "Invalid DSACK blocks ignored while an undo of a window reduction was still possible."},
	{"TcpExt", "TCPDSACKIgnoredNoUndo", "LINUX_MIB_TCPDSACKIGNOREDNOUNDO", docBadSACK, "", false, "Invalid DSACK blocks ignored when no undo was possible, e.g. for packets duplicated by the network."},
	{"TcpExt", "TCPSpuriousRTOs", "LINUX_MIB_TCPSPURIOUSRTOS", docTCPMisc, "", false, "Retransmission timeouts that F-RTO later found to be spurious: the data had not been lost."},
	{"TcpExt", "TCPMD5NotFound", "LINUX_MIB_TCPMD5NOTFOUND", "", "", false, "Segments dropped because an MD5 key (RFC 2385) is configured for the peer but the segment carried no MD5 signature."},
	{"TcpExt", "TCPMD5Unexpected", "LINUX_MIB_TCPMD5UNEXPECTED", "", "", false, "Segments dropped because they carried an MD5 signature while no key is configured for that peer."},
	{"TcpExt", "TCPMD5Failure", "LINUX_MIB_TCPMD5FAILURE", "", "", false, "Segments dropped because their MD5 signature did not verify."},
	{"TcpExt", "TCPSackShifted", "LINUX_MIB_SACKSHIFTED", docSACKShift, "", false, "Sent-queue buffers whose SACKed data was shifted into the previous buffer."},
	{"TcpExt", "TCPSackMerged", "LINUX_MIB_SACKMERGED", docSACKShift, "", false, "Sent-queue buffers merged entirely into the previous one after a SACK."},
	{"TcpExt", "TCPSackShiftFallback", "LINUX_MIB_SACKSHIFTFALLBACK", docSACKShift, "", false, "SACKs whose buffers could not be shifted or merged and were processed the slow way."},
	{"TcpExt", "TCPBacklogDrop", "LINUX_MIB_TCPBACKLOGDROP", "", "", false, "Segments dropped because the socket backlog (where packets wait while a process holds the socket) was over its limit."},
	{"TcpExt", "PFMemallocDrop", "LINUX_MIB_PFMEMALLOCDROP", "", "", false, "Segments dropped because they were allocated from emergency memory reserves that this socket may not use."},
	{"TcpExt", "TCPMinTTLDrop", "LINUX_MIB_TCPMINTTLDROP", "", "", false, "Segments dropped for arriving with a TTL below the socket's IP_MINTTL (RFC 5082 GTSM)."},
	{"TcpExt", "TCPDeferAcceptDrop", "LINUX_MIB_TCPDEFERACCEPTDROP", "", "", false, "Handshake-completing ACKs without data that a TCP_DEFER_ACCEPT listener ignored while waiting for data; normal, not a failure."},
	{"TcpExt", "IPReversePathFilter", "LINUX_MIB_IPRPFILTER", "", "", false, "Received IPv4 packets dropped by reverse-path filtering (net.ipv4.conf.*.rp_filter); listed under TcpExt though it concerns all of IPv4."},
	{"TcpExt", "TCPTimeWaitOverflow", "LINUX_MIB_TCPTIMEWAITOVERFLOW", "", "", false, "Closing connections that could not get a TIME-WAIT socket (net.ipv4.tcp_max_tw_buckets reached, or no memory) and were destroyed without one."},
	{"TcpExt", "TCPReqQFullDoCookies", "LINUX_MIB_TCPREQQFULLDOCOOKIES", "", "", false, "SYNs answered with a SYN cookie because the SYN queue was full (kernel log: \"Possible SYN flooding on port ... Sending cookies\")."},
	{"TcpExt", "TCPReqQFullDrop", "LINUX_MIB_TCPREQQFULLDROP", "", "", false, "SYNs dropped because the SYN queue was full and SYN cookies are disabled (kernel log: \"Possible SYN flooding on port ... Dropping request\")."},
	{"TcpExt", "TCPRetransFail", "LINUX_MIB_TCPRETRANSFAIL", docRetrans, "", false, "Retransmissions that the layers below TCP refused to send (for example a full queue or no memory)."},
	{"TcpExt", "TCPRcvCoalesce", "LINUX_MIB_TCPRCVCOALESCE", docTCP, "", false, "Received segments merged into the previous one in the receive queue while the application had not read them yet."},
	{"TcpExt", "TCPOFOQueue", "LINUX_MIB_TCPOFOQUEUE", docOFO, "", false, "Out-of-order segments queued until the gap before them is filled."},
	{"TcpExt", "TCPOFODrop", "LINUX_MIB_TCPOFODROP", docOFO, "", false, "Out-of-order segments dropped because the socket had no receive memory left for them."},
	{"TcpExt", "TCPOFOMerge", "LINUX_MIB_TCPOFOMERGE", docOFO, "", false, "Out-of-order segments that overlapped data already queued; the overlap was dropped."},
	{"TcpExt", "TCPChallengeACK", "LINUX_MIB_TCPCHALLENGEACK", docChallenge, "", false, "Challenge ACKs sent (RFC 5961) in answer to suspicious RST, SYN or ACK segments; rate-limited by net.ipv4.tcp_challenge_ack_limit."},
	{"TcpExt", "TCPSYNChallenge", "LINUX_MIB_TCPSYNCHALLENGE", docChallenge, "", false, "SYNs received on synchronized connections that called for a challenge ACK."},
	{"TcpExt", "TCPFastOpenActive", "LINUX_MIB_TCPFASTOPENACTIVE", docTFO, "", false, "Outgoing TCP Fast Open connections whose data in the SYN the server accepted."},
	{"TcpExt", "TCPFastOpenActiveFail", "LINUX_MIB_TCPFASTOPENACTIVEFAIL", docTFO, "", false, "Outgoing TCP Fast Open attempts that failed: data in the SYN not acknowledged, the SYN timed out, or the path black-holed Fast Open."},
	{"TcpExt", "TCPFastOpenPassive", "LINUX_MIB_TCPFASTOPENPASSIVE", docTFO, "", false, "Incoming TCP Fast Open requests accepted."},
	{"TcpExt", "TCPFastOpenPassiveFail", "LINUX_MIB_TCPFASTOPENPASSIVEFAIL", docTFO, "", false, "Incoming TCP Fast Open requests refused (invalid cookie or socket creation error)."},
	{"TcpExt", "TCPFastOpenListenOverflow", "LINUX_MIB_TCPFASTOPENLISTENOVERFLOW", docTFO, "", false, "Incoming TCP Fast Open requests refused because too many were already pending on the listener."},
	{"TcpExt", "TCPFastOpenCookieReqd", "LINUX_MIB_TCPFASTOPENCOOKIEREQD", docTFO, "", false, "TCP Fast Open cookie requests received from clients."},
	{"TcpExt", "TCPFastOpenBlackhole", "LINUX_MIB_TCPFASTOPENBLACKHOLE", "", "", false, "Times active TCP Fast Open was switched off after the kernel concluded the network black-holes it."},
	{"TcpExt", "TCPSpuriousRtxHostQueues", "LINUX_MIB_TCPSPURIOUS_RTX_HOSTQUEUES", docTCPMisc, "", false, "Retransmissions skipped because the original packet was still sitting in a local qdisc or driver queue."},
	{"TcpExt", "BusyPollRxPackets", "LINUX_MIB_BUSYPOLLRXPACKETS", "", "", false, "Packets received through busy polling (SO_BUSY_POLL, net.core.busy_read)."},
	{"TcpExt", "TCPAutoCorking", "LINUX_MIB_TCPAUTOCORKING", docTCP, "", false, "Times TCP held back a small write to merge it with following ones (auto-corking)."},
	{"TcpExt", "TCPFromZeroWindowAdv", "LINUX_MIB_TCPFROMZEROWINDOWADV", docRcvWindow, "", false, "Times this host reopened a receive window it had advertised as zero."},
	{"TcpExt", "TCPToZeroWindowAdv", "LINUX_MIB_TCPTOZEROWINDOWADV", docRcvWindow, "", false, "Times this host advertised a zero receive window (the application is not reading fast enough)."},
	{"TcpExt", "TCPWantZeroWindowAdv", "LINUX_MIB_TCPWANTZEROWINDOWADV", docRcvWindow, "", false, "Times memory use called for a zero receive window that could not be advertised yet, because a window may not shrink."},
	{"TcpExt", "TCPSynRetrans", "LINUX_MIB_TCPSYNRETRANS", docTCP, "", false, "SYN and SYN-ACK retransmissions: handshakes that had to be repeated."},
	{"TcpExt", "TCPOrigDataSent", "LINUX_MIB_TCPORIGDATASENT", docTCP, "", false, "Segments sent carrying new data (retransmissions excluded); the usual denominator for a retransmission rate."},
	{"TcpExt", "TCPHystartTrainDetect", "LINUX_MIB_TCPHYSTARTTRAINDETECT", docHystart, "", false, "Times HyStart ended slow start because the ACK train grew long enough."},
	{"TcpExt", "TCPHystartTrainCwnd", "LINUX_MIB_TCPHYSTARTTRAINCWND", docHystart, "", false, "Sum of the congestion windows at which HyStart's ACK-train test ended slow start."},
	{"TcpExt", "TCPHystartDelayDetect", "LINUX_MIB_TCPHYSTARTDELAYDETECT", docHystart, "", false, "Times HyStart ended slow start because round-trip delay rose."},
	{"TcpExt", "TCPHystartDelayCwnd", "LINUX_MIB_TCPHYSTARTDELAYCWND", docHystart, "", false, "Sum of the congestion windows at which HyStart's delay test ended slow start."},
	{"TcpExt", "TCPACKSkippedSynRecv", "LINUX_MIB_TCPACKSKIPPEDSYNRECV", docACKSkip, "", false, "ACKs not sent in SYN-RECV because of the rate limit net.ipv4.tcp_invalid_ratelimit."},
	{"TcpExt", "TCPACKSkippedPAWS", "LINUX_MIB_TCPACKSKIPPEDPAWS", docACKSkip, "", false, "ACKs answering a PAWS-rejected segment not sent because of net.ipv4.tcp_invalid_ratelimit."},
	{"TcpExt", "TCPACKSkippedSeq", "LINUX_MIB_TCPACKSKIPPEDSEQ", docACKSkip, "", false, "ACKs answering an out-of-window segment not sent because of net.ipv4.tcp_invalid_ratelimit."},
	{"TcpExt", "TCPACKSkippedFinWait2", "LINUX_MIB_TCPACKSKIPPEDFINWAIT2", docACKSkip, "", false, "ACKs not sent in FIN-WAIT-2 because of net.ipv4.tcp_invalid_ratelimit."},
	{"TcpExt", "TCPACKSkippedTimeWait", "LINUX_MIB_TCPACKSKIPPEDTIMEWAIT", docACKSkip, "", false, "ACKs not sent in TIME-WAIT because of net.ipv4.tcp_invalid_ratelimit."},
	{"TcpExt", "TCPACKSkippedChallenge", "LINUX_MIB_TCPACKSKIPPEDCHALLENGE", docACKSkip, "", false, "Challenge ACKs not sent because of rate limiting."},
	{"TcpExt", "TCPWinProbe", "LINUX_MIB_TCPWINPROBE", "", "", false, "Zero-window probes sent to a peer that advertised no room."},
	{"TcpExt", "TCPKeepAlive", "LINUX_MIB_TCPKEEPALIVE", docTCPMisc, "", false, "Keepalive probes sent (only on sockets with SO_KEEPALIVE)."},
	{"TcpExt", "TCPMTUPFail", "LINUX_MIB_TCPMTUPFAIL", "", "", false, "Path MTU probes (net.ipv4.tcp_mtu_probing) that failed."},
	{"TcpExt", "TCPMTUPSuccess", "LINUX_MIB_TCPMTUPSUCCESS", "", "", false, "Path MTU probes (net.ipv4.tcp_mtu_probing) that succeeded."},
	{"TcpExt", "TCPDelivered", "LINUX_MIB_TCPDELIVERED", "", "", false, "Segments the peer acknowledged or SACKed."},
	{"TcpExt", "TCPDeliveredCE", "LINUX_MIB_TCPDELIVEREDCE", "", "", false, "Delivered segments that the peer reported as ECN Congestion Experienced."},
	{"TcpExt", "TCPAckCompressed", "LINUX_MIB_TCPACKCOMPRESSED", "", "", false, "ACKs not sent because several were folded into one (SACK compression)."},
	{"TcpExt", "TCPZeroWindowDrop", "LINUX_MIB_TCPZEROWINDOWDROP", "", "", false, "Segments dropped because this host's receive window was zero: the application was not reading."},
	{"TcpExt", "TCPRcvQDrop", "LINUX_MIB_TCPRCVQDROP", "", "", false, "Segments dropped because the socket could not get receive memory even after pruning."},
	{"TcpExt", "TCPWqueueTooBig", "LINUX_MIB_TCPWQUEUETOOBIG", "", "added in 2019 with the SACK memory fixes (CVE-2019-11478), also backported", false, "Segment splits refused because the socket's send queue was already over its memory limit."},
	{"TcpExt", "TCPFastOpenPassiveAltKey", "LINUX_MIB_TCPFASTOPENPASSIVEALTKEY", "", "", false, "Incoming TCP Fast Open cookies accepted with the backup key rather than the primary one."},
	{"TcpExt", "TcpTimeoutRehash", "LINUX_MIB_TCPTIMEOUTREHASH", "", "", false, "Times a retransmission timeout made TCP change the connection's flow hash so the traffic may take another path."},
	{"TcpExt", "TcpDuplicateDataRehash", "LINUX_MIB_TCPDUPLICATEDATAREHASH", "", "", false, "Times receiving duplicate data made TCP change the connection's flow hash, suspecting its ACK path is broken."},
	{"TcpExt", "TCPDSACKRecvSegs", "LINUX_MIB_TCPDSACKRECVSEGS", "", "", false, "Segments covered by the DSACK blocks received."},
	{"TcpExt", "TCPDSACKIgnoredDubious", "LINUX_MIB_TCPDSACKIGNOREDDUBIOUS", "", "", false, "DSACKs ignored because they were implausible (for example covering more than was retransmitted)."},
	{"TcpExt", "TCPMigrateReqSuccess", "LINUX_MIB_TCPMIGRATEREQSUCCESS", "", "since 5.14", false, "Pending connections moved to another SO_REUSEPORT listener when theirs closed (net.ipv4.tcp_migrate_req)."},
	{"TcpExt", "TCPMigrateReqFailure", "LINUX_MIB_TCPMIGRATEREQFAILURE", "", "since 5.14", false, "Pending connections that could not be moved to another SO_REUSEPORT listener when theirs closed."},
	{"TcpExt", "TCPPLBRehash", "LINUX_MIB_TCPPLBREHASH", "", "", false, "Flow-hash changes made by Protective Load Balancing after sustained congestion marks."},
	{"TcpExt", "TCPAORequired", "LINUX_MIB_TCPAOREQUIRED", "", "since 6.7", false, "Segments dropped because TCP-AO (RFC 5925) is required on the socket but was absent."},
	{"TcpExt", "TCPAOBad", "LINUX_MIB_TCPAOBAD", "", "since 6.7", false, "Segments dropped because their TCP-AO signature did not verify."},
	{"TcpExt", "TCPAOKeyNotFound", "LINUX_MIB_TCPAOKEYNOTFOUND", "", "since 6.7", false, "Segments carrying TCP-AO dropped because no matching key is configured."},
	{"TcpExt", "TCPAOGood", "LINUX_MIB_TCPAOGOOD", "", "since 6.7", false, "Segments whose TCP-AO signature verified."},
	{"TcpExt", "TCPAODroppedIcmps", "LINUX_MIB_TCPAODROPPEDICMPS", "", "since 6.7", false, "ICMP errors ignored on connections protected by TCP-AO."},
}

// ip6Defs: /proc/net/snmp6 "Ip6..." lines.
var ip6Defs = []def{
	{"Ip6", "InReceives", "IPSTATS_MIB_INPKTS", "", "", false, "IPv6 packets that reached the IP receive path, counted before any check."},
	{"Ip6", "InHdrErrors", "IPSTATS_MIB_INHDRERRORS", "", "", false, "Received IPv6 packets discarded for a bad header, or hop limit running out while forwarding."},
	{"Ip6", "InTooBigErrors", "IPSTATS_MIB_INTOOBIGERRORS", "", "", false, "IPv6 packets that could not be forwarded because they exceed the outgoing link's MTU."},
	{"Ip6", "InNoRoutes", "IPSTATS_MIB_INNOROUTES", "", "", false, "Received IPv6 packets dropped because no route matched their destination."},
	{"Ip6", "InAddrErrors", "IPSTATS_MIB_INADDRERRORS", "", "", false, "Received IPv6 packets discarded because of an invalid or unacceptable destination address."},
	{"Ip6", "InUnknownProtos", "IPSTATS_MIB_INUNKNOWNPROTOS", "", "", false, "Locally addressed IPv6 packets dropped because nothing handles their next-header protocol."},
	{"Ip6", "InTruncatedPkts", "IPSTATS_MIB_INTRUNCATEDPKTS", "", "", false, "Received IPv6 packets shorter than their header claims."},
	{"Ip6", "InDiscards", "IPSTATS_MIB_INDISCARDS", "", "", false, "Received IPv6 packets that were valid but dropped inside the kernel."},
	{"Ip6", "InDelivers", "IPSTATS_MIB_INDELIVERS", "", "", false, "IPv6 packets handed up to a transport protocol."},
	{"Ip6", "OutForwDatagrams", "IPSTATS_MIB_OUTFORWDATAGRAMS", "", "", false, "IPv6 packets this host forwarded."},
	{"Ip6", "OutRequests", "IPSTATS_MIB_OUTREQUESTS", "", "", false, "IPv6 packets that local protocols gave to IP for sending."},
	{"Ip6", "OutDiscards", "IPSTATS_MIB_OUTDISCARDS", "", "", false, "Outgoing IPv6 packets dropped on the send path for internal reasons."},
	{"Ip6", "OutNoRoutes", "IPSTATS_MIB_OUTNOROUTES", "", "", false, "Outgoing IPv6 packets dropped because no route to the destination was found."},
	{"Ip6", "ReasmTimeout", "IPSTATS_MIB_REASMTIMEOUT", "", "", false, "Fragmented IPv6 packets given up because the missing fragments did not arrive in time."},
	{"Ip6", "ReasmReqds", "IPSTATS_MIB_REASMREQDS", "", "", false, "Received IPv6 fragments that had to be reassembled."},
	{"Ip6", "ReasmOKs", "IPSTATS_MIB_REASMOKS", "", "", false, "IPv6 packets successfully rebuilt from fragments."},
	{"Ip6", "ReasmFails", "IPSTATS_MIB_REASMFAILS", "", "", false, "IPv6 reassembly failures of any kind."},
	{"Ip6", "FragOKs", "IPSTATS_MIB_FRAGOKS", "", "", false, "Outgoing IPv6 packets fragmented successfully."},
	{"Ip6", "FragFails", "IPSTATS_MIB_FRAGFAILS", "", "", false, "Outgoing IPv6 packets that needed fragmenting but could not be, and were dropped."},
	{"Ip6", "FragCreates", "IPSTATS_MIB_FRAGCREATES", "", "", false, "IPv6 fragments produced by fragmenting outgoing packets."},
	{"Ip6", "InMcastPkts", "IPSTATS_MIB_INMCASTPKTS", "", "", false, "Multicast IPv6 packets received."},
	{"Ip6", "OutMcastPkts", "IPSTATS_MIB_OUTMCASTPKTS", "", "", false, "Multicast IPv6 packets sent."},
	{"Ip6", "InOctets", "IPSTATS_MIB_INOCTETS", "", "", false, "Bytes of IPv6 received, IP header and payload."},
	{"Ip6", "OutOctets", "IPSTATS_MIB_OUTOCTETS", "", "", false, "Bytes of IPv6 sent, IP header and payload."},
	{"Ip6", "InMcastOctets", "IPSTATS_MIB_INMCASTOCTETS", "", "", false, "Bytes of multicast IPv6 received."},
	{"Ip6", "OutMcastOctets", "IPSTATS_MIB_OUTMCASTOCTETS", "", "", false, "Bytes of multicast IPv6 sent."},
	{"Ip6", "InBcastOctets", "IPSTATS_MIB_INBCASTOCTETS", "", "", false, "Printed for symmetry with IPv4; IPv6 has no broadcast."},
	{"Ip6", "OutBcastOctets", "IPSTATS_MIB_OUTBCASTOCTETS", "", "", false, "Printed for symmetry with IPv4; IPv6 has no broadcast."},
	{"Ip6", "InNoECTPkts", "IPSTATS_MIB_NOECTPKTS", "", "", false, "Received IPv6 packets not using ECN."},
	{"Ip6", "InECT1Pkts", "IPSTATS_MIB_ECT1PKTS", "", "", false, "Received IPv6 packets carrying the ECT(1) codepoint."},
	{"Ip6", "InECT0Pkts", "IPSTATS_MIB_ECT0PKTS", "", "", false, "Received IPv6 packets carrying the ECT(0) codepoint."},
	{"Ip6", "InCEPkts", "IPSTATS_MIB_CEPKTS", "", "", false, "Received IPv6 packets marked Congestion Experienced."},
	{"Ip6", "OutTransmits", "IPSTATS_MIB_OUTPKTS", "", "", false, "IPv6 packets passed down to the link layer for transmission, forwarded ones included."},
}

// icmp6Defs: the ICMPv6 counters that are not per type.
var icmp6Defs = []def{
	{"Icmp6", "InMsgs", "ICMP6_MIB_INMSGS", "", "", false, "ICMPv6 messages received, including erroneous ones."},
	{"Icmp6", "InErrors", "ICMP6_MIB_INERRORS", "", "", false, "Received ICMPv6 messages the kernel could not process."},
	{"Icmp6", "OutMsgs", "ICMP6_MIB_OUTMSGS", "", "", false, "ICMPv6 messages sent."},
	{"Icmp6", "OutErrors", "ICMP6_MIB_OUTERRORS", "", "", false, "ICMPv6 messages not sent because of a problem inside the ICMPv6 layer."},
	{"Icmp6", "InCsumErrors", "ICMP6_MIB_CSUMERRORS", "", "", false, "Received ICMPv6 messages with a bad checksum."},
	{"Icmp6", "OutRateLimitHost", "ICMP6_MIB_RATELIMITHOST", "", "", false, "ICMPv6 messages not sent because of the per-destination rate limit (net.ipv6.icmp.ratelimit)."},
}

// icmp6Types follows icmp6type2name in net/ipv6/proc.c.
var icmp6Types = []icmpType{
	{"DestUnreachs", "Destination Unreachable", 1, false},
	{"PktTooBigs", "Packet Too Big", 2, false},
	{"TimeExcds", "Time Exceeded", 3, false},
	{"ParmProblems", "Parameter Problem", 4, false},
	{"Echos", "Echo Request", 128, false},
	{"EchoReplies", "Echo Reply", 129, false},
	{"GroupMembQueries", "Multicast Listener Query", 130, false},
	{"GroupMembResponses", "Multicast Listener Report", 131, false},
	{"GroupMembReductions", "Multicast Listener Done", 132, false},
	{"RouterSolicits", "Router Solicitation", 133, false},
	{"RouterAdvertisements", "Router Advertisement", 134, false},
	{"NeighborSolicits", "Neighbor Solicitation", 135, false},
	{"NeighborAdvertisements", "Neighbor Advertisement", 136, false},
	{"Redirects", "Redirect", 137, false},
	{"MLDv2Reports", "MLDv2 Listener Report", 143, false},
}
