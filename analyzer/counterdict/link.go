package counterdict

import (
	"sort"
	"strings"
)

// Counters outside the SNMP MIBs that the link-layer rules read: the
// columns of /proc/net/softnet_stat, the fields of /proc/net/sockstat, and
// the drop, error and shaping statistics of common NIC drivers (ethtool -S,
// named "<driver>:<counter>"). Each meaning says what is counted and
// whether it is a real drop.

var softnetDefs = []def{
	{"Softnet", "Processed", "softnet_stat column 1 (processed)", "", "all", false, "packets this CPU's receive softirq took up the stack (NAPI and backlog); not a drop. An uneven spread across CPUs means one CPU does most receive work (no RSS or RPS)"},
	{"Softnet", "Dropped", "softnet_stat column 2 (dropped)", "", "all", false, "real drop: packets refused because this CPU's input backlog already held netdev_max_backlog packets (only RPS and netif_rx devices such as veth and tunnels use the backlog)"},
	{"Softnet", "TimeSqueeze", "softnet_stat column 3 (time_squeeze)", "", "all", false, "not a drop: times the receive softirq stopped with work left because netdev_budget or netdev_budget_usecs ran out; steady growth precedes ring drops"},
	{"Softnet", "CPUCollision", "softnet_stat column 9 (cpu_collision)", "", "up to 4.x; 0 since", false, "not a drop: times a transmit found the device's queue lock held by another CPU"},
	{"Softnet", "ReceivedRPS", "softnet_stat column 10 (received_rps)", "", "2.6.35 and later", false, "not a drop: times another CPU woke this one with an inter-processor interrupt to process steered (RPS) packets"},
	{"Softnet", "FlowLimitCount", "softnet_stat column 11 (flow_limit_count)", "", "3.11 and later", false, "real drop: packets of one large flow dropped by the RPS flow limit (net.core.flow_limit_cpu_bitmap) before the backlog filled"},
	{"Softnet", "BacklogLen", "softnet_stat column 12 (backlog_len)", "", "5.10 and later", false, "a level, not a counter: packets waiting in this CPU's input and process queues when the file was read"},
}

var sockstatDefs = []def{
	{"Sockstat", "SocketsUsed", "sockstat sockets: used", "", "all", false, "a level: sockets of every family allocated now"},
	{"Sockstat", "TCPInuse", "sockstat TCP: inuse", "", "all", false, "a level: IPv4 TCP sockets in use (listening and connected; not TIME-WAIT)"},
	{"Sockstat", "TCPOrphan", "sockstat TCP: orphan", "", "all", false, "a level: TCP sockets closed by their application and still shutting down; over net.ipv4.tcp_max_orphans (a quarter of it on older kernels) the kernel resets them"},
	{"Sockstat", "TCPTw", "sockstat TCP: tw", "", "all", false, "a level: sockets in TIME-WAIT, bounded by net.ipv4.tcp_max_tw_buckets"},
	{"Sockstat", "TCPAlloc", "sockstat TCP: alloc", "", "all", false, "a level: TCP sockets allocated, IPv4 and IPv6, including orphans and those being created"},
	{"Sockstat", "TCPMem", "sockstat TCP: mem", "", "all", false, "a level in pages: memory all TCP sockets hold; compare with net.ipv4.tcp_mem (also pages): over its second value TCP is under pressure, at its third it drops"},
	{"Sockstat", "UDPInuse", "sockstat UDP: inuse", "", "all", false, "a level: IPv4 UDP sockets in use"},
	{"Sockstat", "UDPMem", "sockstat UDP: mem", "", "all", false, "a level in pages: memory all UDP sockets hold; at net.ipv4.udp_mem's third value every UDP socket drops incoming datagrams"},
	{"Sockstat", "UDPLiteInuse", "sockstat UDPLITE: inuse", "", "all", false, "a level: UDP-Lite sockets in use"},
	{"Sockstat", "RAWInuse", "sockstat RAW: inuse", "", "all", false, "a level: raw IPv4 sockets in use"},
	{"Sockstat", "FRAGInuse", "sockstat FRAG: inuse", "", "all", false, "a level: IPv4 datagrams being reassembled"},
	{"Sockstat", "FRAGMemory", "sockstat FRAG: memory", "", "all", false, "a level in bytes (not pages): memory held by IPv4 fragments waiting for reassembly, bounded by net.ipv4.ipfrag_high_thresh"},
	{"Sockstat", "TCP6Inuse", "sockstat6 TCP6: inuse", "", "all", false, "a level: IPv6 TCP sockets in use (sockstat6 has no memory fields; TCP mem covers both)"},
	{"Sockstat", "UDP6Inuse", "sockstat6 UDP6: inuse", "", "all", false, "a level: IPv6 UDP sockets in use"},
	{"Sockstat", "UDPLite6Inuse", "sockstat6 UDPLITE6: inuse", "", "all", false, "a level: IPv6 UDP-Lite sockets in use"},
	{"Sockstat", "RAW6Inuse", "sockstat6 RAW6: inuse", "", "all", false, "a level: raw IPv6 sockets in use"},
	{"Sockstat", "FRAG6Inuse", "sockstat6 FRAG6: inuse", "", "all", false, "a level: IPv6 datagrams being reassembled"},
	{"Sockstat", "FRAG6Memory", "sockstat6 FRAG6: memory", "", "all", false, "a level in bytes: memory held by IPv6 fragments waiting for reassembly"},
}

// driverDefs: group is the driver, counter the ethtool -S name.
var driverDefs = []def{
	{"ena", "bw_in_allowance_exceeded", "ENA", "", "ena 2.2.10 and later", false, "real drop (outside the guest): packets EC2 queued or dropped because inbound bandwidth exceeded the instance type's allowance"},
	{"ena", "bw_out_allowance_exceeded", "ENA", "", "ena 2.2.10 and later", false, "real drop (outside the guest): packets EC2 queued or dropped because outbound bandwidth exceeded the instance type's allowance"},
	{"ena", "pps_allowance_exceeded", "ENA", "", "ena 2.2.10 and later", false, "real drop (outside the guest): packets EC2 queued or dropped because the packet rate exceeded the instance type's allowance"},
	{"ena", "conntrack_allowance_exceeded", "ENA", "", "ena 2.2.10 and later", false, "real drop (outside the guest): packets dropped because EC2's connection tracking for security groups was full; not Linux conntrack"},
	{"ena", "linklocal_allowance_exceeded", "ENA", "", "ena 2.2.10 and later", false, "real drop (outside the guest): packets to link-local services (Route 53 resolver, metadata, time) over 1024 per second"},
	{"ixgbe", "rx_missed_errors", "ixgbe", "", "", false, "real drop: frames the NIC had no free receive descriptor for (ring full)"},
	{"ixgbe", "rx_no_dma_resources", "ixgbe", "", "", false, "real drop: frames dropped for lack of DMA buffers on a queue"},
	{"ixgbe", "rx_crc_errors", "ixgbe", "", "", false, "real drop: frames with a bad Ethernet checksum (cable, optic, port)"},
	{"igb", "rx_no_buffer_count", "igb", "", "", false, "not yet a drop: times a frame found no free receive buffer; frames are lost when rx_missed_errors rises with it"},
	{"igb", "rx_missed_errors", "igb", "", "", false, "real drop: frames the NIC dropped because its receive FIFO and ring were full"},
	{"igb", "rx_fifo_errors", "igb", "", "", false, "real drop: receive FIFO overruns"},
	{"i40e", "port.rx_dropped", "i40e", "", "", false, "real drop: frames the port dropped for lack of receive buffers (ring full)"},
	{"i40e", "rx_dropped", "i40e", "", "", false, "real drop on the VSI: frames with no descriptor; also counts frames of unknown protocols"},
	{"ice", "rx_dropped.nic", "ice", "", "", false, "real drop: frames the device dropped for lack of descriptors"},
	{"ice", "port.rx_dropped", "ice", "", "", false, "real drop: frames the port dropped for lack of buffers"},
	{"mlx5", "rx_out_of_buffer", "mlx5", "", "", false, "real drop: frames dropped because the driver had not replenished the receive queue (ring full, CPU too slow)"},
	{"mlx5", "rx_discards_phy", "mlx5", "", "", false, "real drop: frames the NIC discarded for lack of internal buffers (congestion in the device)"},
	{"mlx5", "rx_crc_errors_phy", "mlx5", "", "", false, "real drop: frames with a bad FCS at the physical port"},
	{"mlx5", "tx_discards_phy", "mlx5", "", "", false, "real drop: frames discarded on transmit by the port (pause frames, congestion)"},
	{"virtio_net", "rx_queue_0_drops", "virtio_net", "", "", false, "real drop: frames the guest driver dropped on receive queue 0 (one counter per queue: rx_queue_N_drops)"},
	{"virtio_net", "tx_queue_0_kicks", "virtio_net", "", "", false, "not a drop: notifications to the hypervisor for transmit queue 0"},
	{"vmxnet3", "drv_dropped_rx_total", "vmxnet3", "", "", false, "real drop: frames the vmxnet3 driver dropped on receive (sum of its err and fcs subcounts), printed as \"drv dropped rx total\""},
	{"vmxnet3", "rx_buf_alloc_fail", "vmxnet3", "", "", false, "real drop risk: receive buffer allocations that failed, leaving the ring short"},
	{"vmxnet3", "pkts_rx_OOB", "vmxnet3", "", "", false, "real drop: frames that arrived when the receive ring was out of buffers (\"pkts rx OOB\")"},
	{"bnxt_en", "rx_discards", "bnxt_en", "", "", false, "real drop: frames discarded on a ring for lack of buffers (per ring as [N]: rx_discards)"},
	{"bnxt_en", "rx_total_discard_pkts", "bnxt_en", "", "", false, "real drop: all receive discards of the port"},
	{"bnxt_en", "rx_buf_errors", "bnxt_en", "", "", false, "real drop: receive buffer errors (ring exhausted)"},
	{"tg3", "rx_discards", "tg3", "", "", false, "real drop: frames discarded for lack of receive buffers"},
	{"tg3", "rxbds_empty", "tg3", "", "", false, "not yet a drop: times the receive descriptor ring was found empty"},
	{"tg3", "rx_fcs_errors", "tg3", "", "", false, "real drop: frames with a bad Ethernet checksum"},
}

var drivers = map[string]*Entry{}

func init() {
	for _, d := range append(append([]def{}, softnetDefs...), sockstatDefs...) {
		e := newEntry(d)
		key := strings.ToLower(e.Name)
		entries = append(entries, e)
		byName[key] = e
		byJoint[strings.ToLower(e.Group+e.Counter)] = e
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	for _, d := range driverDefs {
		e := newEntry(d)
		e.Name = d.group + ":" + d.counter
		drivers[strings.ToLower(e.Name)] = e
	}
}

// Driver looks up a driver statistic written "<driver>:<counter>"
// (ena:pps_allowance_exceeded); per-queue names match their queue-0
// entry (virtio_net:rx_queue_3_drops).
func Driver(name string) (*Entry, bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	if e, ok := drivers[key]; ok {
		return clone(e), true
	}
	if drv, c, ok := strings.Cut(key, ":"); ok {
		for _, p := range []string{"rx_queue_", "tx_queue_"} {
			if rest, ok := strings.CutPrefix(c, p); ok {
				if i := strings.IndexByte(rest, '_'); i > 0 {
					if e, ok := drivers[drv+":"+p+"0"+rest[i:]]; ok {
						return clone(e), true
					}
				}
			}
		}
	}
	return nil, false
}
