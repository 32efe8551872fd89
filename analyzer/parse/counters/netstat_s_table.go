package counters

// Sentence maps one human sentence of net-tools `netstat -s` to the kernel
// counter it prints. Template is the printf format of net-tools (%u in
// 1.60, %lu/%llu later); the number is the only conversion. Context is
// the histogram title the sentence is printed under, empty for most.
type Sentence struct {
	Group    string
	Counter  string
	Template string
	Context  string
}

// Histogram titles net-tools prints before the per-type ICMP lines.
const (
	icmpIn  = "ICMP input histogram:"
	icmpOut = "ICMP output histogram:"
)

// NetstatSentences lists the sentences of net-tools 1.60 (RHEL 5/6, with
// Red Hat's patches), the 2.0 snapshots (RHEL 7/8) and 2.10. A counter
// has several entries when the wording changed between versions. Counters
// net-tools has no sentence for are printed as "Name: value" and need no
// entry. Sentences net-tools keyed by a misspelt counter name (and so
// never prints) map to the kernel's real name.
var NetstatSentences = []Sentence{
	// Ip
	{"Ip", "DefaultTTL", "Default TTL is %u", ""},
	{"Ip", "InReceives", "%u total packets received", ""},
	{"Ip", "InHdrErrors", "%u with invalid headers", ""},
	{"Ip", "InAddrErrors", "%u with invalid addresses", ""},
	{"Ip", "ForwDatagrams", "%u forwarded", ""},
	{"Ip", "InUnknownProtos", "%u with unknown protocol", ""},
	{"Ip", "InDiscards", "%u incoming packets discarded", ""},
	{"Ip", "InDelivers", "%u incoming packets delivered", ""},
	{"Ip", "OutRequests", "%u requests sent out", ""},
	{"Ip", "OutDiscards", "%u outgoing packets dropped", ""},
	{"Ip", "OutNoRoutes", "%u dropped because of missing route", ""},
	{"Ip", "ReasmTimeout", "%u fragments dropped after timeout", ""},
	{"Ip", "ReasmReqds", "%u reassemblies required", ""},
	{"Ip", "ReasmOKs", "%u packets reassembled ok", ""},
	{"Ip", "ReasmFails", "%u packet reassembles failed", ""}, // 1.60
	{"Ip", "ReasmFails", "%llu packet reassemblies failed", ""},
	{"Ip", "FragOKs", "%u fragments received ok", ""}, // 1.60 wording, FragOKs nonetheless
	{"Ip", "FragOKs", "%llu outgoing packets fragmented ok", ""},
	{"Ip", "FragFails", "%u fragments failed", ""}, // 1.60
	{"Ip", "FragFails", "%llu outgoing packets failed fragmentation", ""},
	{"Ip", "FragCreates", "%u fragments created", ""},

	// Icmp
	{"Icmp", "InMsgs", "%u ICMP messages received", ""},
	{"Icmp", "InErrors", "%u input ICMP message failed.", ""}, // 1.60
	{"Icmp", "InErrors", "%llu input ICMP message failed", ""},
	{"Icmp", "OutMsgs", "%u ICMP messages sent", ""},
	{"Icmp", "OutErrors", "%u ICMP messages failed", ""},
	{"Icmp", "InDestUnreachs", "destination unreachable: %u", icmpIn},
	{"Icmp", "InTimeExcds", "timeout in transit: %u", icmpIn},
	{"Icmp", "InParmProbs", "wrong parameters: %u", icmpIn},
	{"Icmp", "InSrcQuenchs", "source quenches: %u", icmpIn},
	{"Icmp", "InRedirects", "redirects: %u", icmpIn},
	{"Icmp", "InEchos", "echo requests: %u", icmpIn},
	{"Icmp", "InEchoReps", "echo replies: %u", icmpIn},
	{"Icmp", "InTimestamps", "timestamp request: %u", icmpIn},
	{"Icmp", "InTimestampReps", "timestamp reply: %u", icmpIn},
	{"Icmp", "InAddrMasks", "address mask request: %u", icmpIn},
	{"Icmp", "InAddrMaskReps", "address mask replies: %u", icmpIn},
	{"Icmp", "OutDestUnreachs", "destination unreachable: %u", icmpOut},
	{"Icmp", "OutTimeExcds", "time exceeded: %u", icmpOut},
	{"Icmp", "OutParmProbs", "wrong parameters: %u", icmpOut},
	{"Icmp", "OutSrcQuenchs", "source quench: %u", icmpOut},
	{"Icmp", "OutRedirects", "redirect: %u", icmpOut},
	{"Icmp", "OutEchos", "echo request: %u", icmpOut}, // 1.60
	{"Icmp", "OutEchos", "echo requests: %llu", icmpOut},
	{"Icmp", "OutEchoReps", "echo replies: %u", icmpOut},
	{"Icmp", "OutTimestamps", "timestamp requests: %u", icmpOut},
	{"Icmp", "OutTimestampReps", "timestamp replies: %u", icmpOut},
	{"Icmp", "OutAddrMasks", "address mask requests: %u", icmpOut},
	{"Icmp", "OutAddrMaskReps", "address mask replies: %u", icmpOut},

	// Tcp
	{"Tcp", "ActiveOpens", "%u active connections openings", ""}, // 1.60
	{"Tcp", "ActiveOpens", "%llu active connection openings", ""},
	{"Tcp", "ActiveOpens", "%d active opens", ""}, // pre-1.50
	{"Tcp", "PassiveOpens", "%u passive connection openings", ""},
	{"Tcp", "PassiveOpens", "%d passive opens", ""},
	{"Tcp", "AttemptFails", "%u failed connection attempts", ""},
	{"Tcp", "EstabResets", "%u connection resets received", ""},
	{"Tcp", "CurrEstab", "%u connections established", ""},
	{"Tcp", "InSegs", "%u segments received", ""},
	{"Tcp", "OutSegs", "%u segments send out", ""}, // 1.60
	{"Tcp", "OutSegs", "%llu segments sent out", ""},
	{"Tcp", "RetransSegs", "%u segments retransmited", ""}, // 1.60
	{"Tcp", "RetransSegs", "%llu segments retransmitted", ""},
	{"Tcp", "InErrs", "%u bad segments received.", ""}, // 1.60
	{"Tcp", "InErrs", "%llu bad segments received", ""},
	{"Tcp", "OutRsts", "%u resets sent", ""},

	// Udp (UdpLite uses the same table in net-tools but prints its
	// counters as "Name: value" because the section title differs)
	{"Udp", "InDatagrams", "%u packets received", ""},
	{"Udp", "NoPorts", "%u packets to unknown port received.", ""}, // 1.60
	{"Udp", "NoPorts", "%llu packets to unknown port received", ""},
	{"Udp", "InErrors", "%u packet receive errors", ""},
	{"Udp", "OutDatagrams", "%u packets sent", ""},
	{"Udp", "OutDatagrams", "%d packets send", ""},
	{"Udp", "RcvbufErrors", "%u receive buffer errors", ""},
	{"Udp", "SndbufErrors", "%u send buffer errors", ""},

	// TcpExt
	{"TcpExt", "SyncookiesSent", "%u SYN cookies sent", ""},
	{"TcpExt", "SyncookiesRecv", "%u SYN cookies received", ""},
	{"TcpExt", "SyncookiesFailed", "%u invalid SYN cookies received", ""},
	{"TcpExt", "EmbryonicRsts", "%u resets received for embryonic SYN_RECV sockets", ""},
	{"TcpExt", "PruneCalled", "%u packets pruned from receive queue because of socket buffer overrun", ""},
	{"TcpExt", "RcvPruned", "%u packets pruned from receive queue", ""},
	{"TcpExt", "OfoPruned", "%u packets dropped from out-of-order queue because of socket buffer overrun", ""},
	{"TcpExt", "OutOfWindowIcmps", "%u ICMP packets dropped because they were out-of-window", ""},
	{"TcpExt", "LockDroppedIcmps", "%u ICMP packets dropped because socket was locked", ""},
	{"TcpExt", "TW", "%u TCP sockets finished time wait in fast timer", ""},
	{"TcpExt", "TWRecycled", "%u time wait sockets recycled by time stamp", ""},
	{"TcpExt", "TWKilled", "%u TCP sockets finished time wait in slow timer", ""},
	{"TcpExt", "PAWSPassive", "%u passive connections rejected because of time stamp", ""},
	{"TcpExt", "PAWSActive", "%u active connections rejected because of time stamp", ""},
	{"TcpExt", "PAWSEstab", "%u packets rejects in established connections because of timestamp", ""},
	{"TcpExt", "PAWSEstab", "%llu packetes rejected in established connections because of timestamp", ""},
	{"TcpExt", "DelayedACKs", "%u delayed acks sent", ""},
	{"TcpExt", "DelayedACKLocked", "%u delayed acks further delayed because of locked socket", ""},
	{"TcpExt", "DelayedACKLost", "Quick ack mode was activated %u times", ""},
	{"TcpExt", "ListenOverflows", "%u times the listen queue of a socket overflowed", ""},
	{"TcpExt", "ListenDrops", "%u SYNs to LISTEN sockets ignored", ""}, // upstream 1.60
	{"TcpExt", "ListenDrops", "%u SYNs to LISTEN sockets dropped", ""}, // RHEL, 2.x
	{"TcpExt", "TCPPrequeued", "%u packets directly queued to recvmsg prequeue.", ""},
	{"TcpExt", "TCPDirectCopyFromBacklog", "%u packets directly received from backlog", ""},
	{"TcpExt", "TCPDirectCopyFromBacklog", "%u bytes directly in process context from backlog", ""},
	{"TcpExt", "TCPDirectCopyFromPrequeue", "%u packets directly received from prequeue", ""},
	{"TcpExt", "TCPDirectCopyFromPrequeue", "%u bytes directly received in process context from prequeue", ""},
	{"TcpExt", "TCPPrequeueDropped", "%u packets dropped from prequeue", ""},
	{"TcpExt", "TCPHPHits", "%u packets header predicted", ""},
	{"TcpExt", "TCPHPHits", "%u packet headers predicted", ""},
	{"TcpExt", "TCPHPHitsToUser", "%u packets header predicted and directly queued to user", ""},
	{"TcpExt", "TCPHPHitsToUser", "%llu packet headers predicted and directly queued to user", ""},
	{"TcpExt", "SockMallocOOM", "Ran %u times out of system memory during packet sending", ""},
	{"TcpExt", "TCPPureAcks", "%u acknowledgments not containing data received", ""},
	{"TcpExt", "TCPPureAcks", "%u acknowledgments not containing data payload received", ""},
	{"TcpExt", "TCPHPAcks", "%u predicted acknowledgments", ""},
	{"TcpExt", "TCPRenoRecovery", "%u times recovered from packet loss due to fast retransmit", ""},
	{"TcpExt", "TCPSackRecovery", "%u times recovered from packet loss due to SACK data", ""},
	{"TcpExt", "TCPSackRecovery", "%u times recovered from packet loss by selective acknowledgements", ""},
	{"TcpExt", "TCPSACKReneging", "%u bad SACKs received", ""},
	{"TcpExt", "TCPSACKReneging", "%llu bad SACK blocks received", ""},
	{"TcpExt", "TCPFACKReorder", "Detected reordering %u times using FACK", ""},
	{"TcpExt", "TCPSACKReorder", "Detected reordering %u times using SACK", ""},
	{"TcpExt", "TCPTSReorder", "Detected reordering %u times using time stamp", ""},
	{"TcpExt", "TCPRenoReorder", "Detected reordering %u times using reno fast retransmit", ""},
	{"TcpExt", "TCPFullUndo", "%u congestion windows fully recovered", ""},
	{"TcpExt", "TCPFullUndo", "%u congestion windows fully recovered without slow start", ""},
	{"TcpExt", "TCPPartialUndo", "%u congestion windows partially recovered using Hoe heuristic", ""},
	{"TcpExt", "TCPDSACKUndo", "%u congestion window recovered using DSACK", ""},
	{"TcpExt", "TCPDSACKUndo", "%u congestion window recovered without slow start using DSACK", ""},
	{"TcpExt", "TCPDSACKUndo", "%llu congestion windows recovered without slow start by DSACK", ""},
	{"TcpExt", "TCPLossUndo", "%u congestion windows recovered after partial ack", ""},
	{"TcpExt", "TCPLossUndo", "%u congestion windows recovered without slow start after partial ack", ""},
	{"TcpExt", "TCPLostRetransmit", "%u retransmits lost", ""},
	{"TcpExt", "TCPRenoFailures", "%u timeouts after reno fast retransmit", ""},
	{"TcpExt", "TCPSackFailures", "%u timeouts after SACK recovery", ""},
	{"TcpExt", "TCPLossFailures", "%u timeouts in loss state", ""},
	{"TcpExt", "TCPFastRetrans", "%u fast retransmits", ""},
	{"TcpExt", "TCPForwardRetrans", "%u forward retransmits", ""},
	{"TcpExt", "TCPSlowStartRetrans", "%u retransmits in slow start", ""},
	{"TcpExt", "TCPTimeouts", "%u other TCP timeouts", ""},
	{"TcpExt", "TCPRenoRecoveryFail", "%u reno fast retransmits failed", ""},
	{"TcpExt", "TCPRenoRecoveryFail", "%llu classic Reno fast retransmits failed", ""},
	{"TcpExt", "TCPSackRecoveryFail", "%u sack retransmits failed", ""},
	{"TcpExt", "TCPSackRecoveryFail", "%llu SACK retransmits failed", ""},
	{"TcpExt", "TCPSchedulerFailed", "%u times receiver scheduled too late for direct processing", ""},
	{"TcpExt", "TCPRcvCollapsed", "%u packets collapsed in receive queue due to low socket buffer", ""},
	{"TcpExt", "TCPDSACKOldSent", "%u DSACKs sent for old packets", ""},
	{"TcpExt", "TCPDSACKOfoSent", "%u DSACKs sent for out of order packets", ""},
	{"TcpExt", "TCPDSACKRecv", "%u DSACKs received", ""},
	{"TcpExt", "TCPDSACKOfoRecv", "%u DSACKs for out of order packets received", ""},
	{"TcpExt", "TCPAbortOnSyn", "%u connections reset due to unexpected SYN", ""},
	{"TcpExt", "TCPAbortOnData", "%u connections reset due to unexpected data", ""},
	{"TcpExt", "TCPAbortOnClose", "%u connections reset due to early user close", ""},
	{"TcpExt", "TCPAbortOnMemory", "%u connections aborted due to memory pressure", ""},
	{"TcpExt", "TCPAbortOnTimeout", "%u connections aborted due to timeout", ""},
	{"TcpExt", "TCPAbortOnLinger", "%u connections aborted after user close in linger timeout", ""},
	{"TcpExt", "TCPAbortFailed", "%u times unable to send RST due to no memory", ""},
	{"TcpExt", "TCPMemoryPressures", "TCP ran low on memory %u times", ""},
	{"TcpExt", "TCPLoss", "%u TCP data loss events", ""},

	// Ip6, Icmp6, Udp6 (netstat -s -6)
	{"Ip6", "InReceives", "%llu total packets received", ""},
	{"Ip6", "InHdrErrors", "%llu with invalid headers", ""},
	{"Ip6", "InTooBigErrors", "%llu with packets too big", ""},
	{"Ip6", "InNoRoutes", "%llu incoming packets with no route", ""},
	{"Ip6", "InAddrErrors", "%llu with invalid addresses", ""},
	{"Ip6", "InUnknownProtos", "%llu with unknown protocol", ""},
	{"Ip6", "InTruncatedPkts", "%llu with truncated packets", ""},
	{"Ip6", "InDiscards", "%llu incoming packets discarded", ""},
	{"Ip6", "InDelivers", "%llu incoming packets delivered", ""},
	{"Ip6", "OutForwDatagrams", "%llu forwarded", ""},
	{"Ip6", "OutRequests", "%llu requests sent out", ""},
	{"Ip6", "OutDiscards", "%llu outgoing packets dropped", ""},
	{"Ip6", "OutNoRoutes", "%llu dropped because of missing route", ""},
	{"Ip6", "ReasmTimeout", "%llu fragments dropped after timeout", ""},
	{"Ip6", "ReasmReqds", "%llu reassemblies required", ""},
	{"Ip6", "ReasmOKs", "%llu packets reassembled ok", ""},
	{"Ip6", "ReasmFails", "%llu packet reassemblies failed", ""},
	{"Ip6", "FragOKs", "%llu outgoing packets fragmented ok", ""},
	{"Ip6", "FragFails", "%llu outgoing packets failed fragmentation", ""},
	{"Ip6", "FragCreates", "%llu fragments created", ""},
	{"Ip6", "InMcastPkts", "%llu incoming multicast packets", ""},
	{"Ip6", "OutMcastPkts", "%llu outgoing multicast packets", ""},
	{"Icmp6", "InMsgs", "%llu ICMP messages received", ""},
	{"Icmp6", "InErrors", "%llu input ICMP message failed", ""},
	{"Icmp6", "OutMsgs", "%llu ICMP messages sent", ""},
	{"Icmp6", "InDestUnreachs", "destination unreachable: %llu", icmpIn},
	{"Icmp6", "InPktTooBigs", "packets too big: %llu", icmpIn},
	{"Icmp6", "InTimeExcds", "received ICMPv6 time exceeded: %llu", icmpIn},
	{"Icmp6", "InParmProblems", "parameter problem: %llu", icmpIn},
	{"Icmp6", "InEchos", "echo requests: %llu", icmpIn},
	{"Icmp6", "InEchoReplies", "echo replies: %llu", icmpIn},
	{"Icmp6", "InGroupMembQueries", "group member queries: %llu", icmpIn},
	{"Icmp6", "InGroupMembResponses", "group member responses: %llu", icmpIn},
	{"Icmp6", "InGroupMembReductions", "group member reductions: %llu", icmpIn},
	{"Icmp6", "InRouterSolicits", "router solicits: %llu", icmpIn},
	{"Icmp6", "InRouterAdvertisements", "router advertisement: %llu", icmpIn},
	{"Icmp6", "InNeighborSolicits", "neighbour solicits: %llu", icmpIn},
	{"Icmp6", "InNeighborAdvertisements", "neighbour advertisement: %llu", icmpIn},
	{"Icmp6", "InRedirects", "redirects: %llu", icmpIn},
	{"Icmp6", "OutDestUnreachs", "destination unreachable: %llu", icmpOut},
	{"Icmp6", "OutPktTooBigs", "packets too big: %llu", icmpOut},
	{"Icmp6", "OutTimeExcds", "sent ICMPv6 time exceeded: %llu", icmpOut},
	{"Icmp6", "OutParmProblems", "parameter problem: %llu", icmpOut},
	{"Icmp6", "OutEchos", "echo requests: %llu", icmpOut},
	{"Icmp6", "OutEchoReplies", "echo replies: %llu", icmpOut},
	{"Icmp6", "OutGroupMembQueries", "group member queries: %llu", icmpOut},
	{"Icmp6", "OutGroupMembResponses", "group member responses: %llu", icmpOut},
	{"Icmp6", "OutGroupMembReductions", "group member reductions: %llu", icmpOut},
	{"Icmp6", "OutRouterSolicits", "router solicits: %llu", icmpOut},
	{"Icmp6", "OutRouterAdvertisements", "router advertisement: %llu", icmpOut},
	{"Icmp6", "OutNeighborSolicits", "neighbor solicits: %llu", icmpOut},
	{"Icmp6", "OutNeighborAdvertisements", "neighbor advertisements: %llu", icmpOut},
	{"Icmp6", "OutRedirects", "redirects: %llu", icmpOut},
	{"Udp6", "InDatagrams", "%llu packets received", ""},
	{"Udp6", "NoPorts", "%llu packets to unknown port received", ""},
	{"Udp6", "InErrors", "%llu packet receive errors", ""},
	{"Udp6", "OutDatagrams", "%llu packets sent", ""},
}
