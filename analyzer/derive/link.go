package derive

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/analyzer/facts"
	"github.com/nettriage/nettriage/analyzer/parse/counters"
	"github.com/nettriage/nettriage/analyzer/parse/interfaces"
	"github.com/nettriage/nettriage/analyzer/source"
)

// Measurements of the link layer: NIC and driver counters, rings, bonds,
// qdiscs and the per-CPU softnet backlog.

const sectionLink = "Link layer"

var linkReads = []artifact.Kind{artifact.KindInterfaces}

// ifaceCounter is one counter of one interface seen in one snapshot.
type ifaceCounter struct {
	snap *facts.InterfacesSnapshot
	v    interfaces.Value
}

// ifaceSeries gathers, per interface and counter, the values of every
// snapshot that has them, keyed "iface\x00form\x00counter".
func ifaceSeries(h *facts.Host, pick func(*interfaces.Iface) map[string]interfaces.Value, keep func(string) bool) map[string][]ifaceCounter {
	out := map[string][]ifaceCounter{}
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			for name, v := range pick(i) {
				if keep(name) {
					k := i.Name + "\x00" + s.Form + "\x00" + name
					out[k] = append(out[k], ifaceCounter{s, v})
				}
			}
		}
	}
	return out
}

// ifaceChange is the change of one interface counter: the increase
// between the first and the last of its snapshots taken at different
// instants, or its total since boot when there is no such pair.
type ifaceChange struct {
	Iface, Name string
	Value       float64
	SinceBoot   bool
	Seconds     float64
	Refs        []source.Ref
}

func changesOf(series map[string][]ifaceCounter) []ifaceChange {
	keys := make([]string, 0, len(series))
	for k := range series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []ifaceChange
	for _, k := range keys {
		list := distinctInstants(series[k])
		parts := strings.Split(k, "\x00")
		first, last := list[0], list[len(list)-1]
		ch := ifaceChange{Iface: parts[0], Name: parts[2]}
		if len(list) < 2 || last.v.Value < first.v.Value {
			ch.Value, ch.SinceBoot, ch.Refs = float64(last.v.Value), true, []source.Ref{last.v.Src}
		} else {
			ch.Value, ch.Refs = float64(last.v.Value-first.v.Value), []source.Ref{first.v.Src, last.v.Src}
			if !first.snap.Time.IsZero() && !last.snap.Time.IsZero() {
				ch.Seconds = last.snap.Time.Sub(first.snap.Time).Seconds()
			}
		}
		out = append(out, ch)
	}
	return out
}

// distinctInstants keeps values read at different instants: different
// known times, or, untimed, different artifacts.
func distinctInstants(list []ifaceCounter) []ifaceCounter {
	out := list[:0:0]
	timed := true
	for _, c := range list {
		timed = timed && !c.snap.Time.IsZero()
	}
	if timed {
		list = append([]ifaceCounter(nil), list...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].snap.Time.Before(list[j].snap.Time) })
	}
	for _, c := range list {
		if n := len(out); n > 0 && (c.snap == out[n-1].snap || (!c.snap.Time.IsZero() && c.snap.Time.Equal(out[n-1].snap.Time))) {
			out[n-1] = c
			continue
		}
		out = append(out, c)
	}
	return out
}

// sumChanges adds up the changes; rising says whether to count only
// increases between snapshots (nil when there are none to compare).
func (c Call) sumChanges(h *facts.Host, changes []ifaceChange, rising bool, what string) any {
	total, compared := 0.0, false
	uptime, hasUptime := Uptime(h)
	n := 0
	for _, ch := range changes {
		if rising && ch.SinceBoot {
			continue
		}
		compared = compared || !ch.SinceBoot
		total += ch.Value
		if ch.Value <= 0 || n >= MaxEvidencePerCall {
			continue
		}
		n++
		var note string
		switch {
		case !ch.SinceBoot && ch.Seconds > 0:
			note = fmt.Sprintf("%s %s rose by %.0f in %s (%s)", ch.Iface, ch.Name, ch.Value, durationText(ch.Seconds), what)
		case !ch.SinceBoot:
			note = fmt.Sprintf("%s %s rose by %.0f between snapshots (%s)", ch.Iface, ch.Name, ch.Value, what)
		case hasUptime:
			note = fmt.Sprintf("%s %s is %.0f since boot, %.2f/s on average over %s of uptime (%s; a total, not a rate now)", ch.Iface, ch.Name, ch.Value, ch.Value/uptime, durationText(uptime), what)
		default:
			note = fmt.Sprintf("%s %s is %.0f since boot (%s; a total, not a rate now)", ch.Iface, ch.Name, ch.Value, what)
		}
		for _, r := range ch.Refs {
			c.Ref(r, note)
		}
		c.Value("interface", ch.Iface)
	}
	if rising && !compared {
		return nil
	}
	return total
}

// inactiveMembers are bond members that do not carry traffic: the
// backups of an active-backup bond. The kernel drops what they receive
// on purpose, and counts it as rx_dropped.
func inactiveMembers(h *facts.Host) map[string]source.Ref {
	out := map[string]source.Ref{}
	for _, s := range h.Interfaces {
		for _, b := range s.Bonds {
			if !b.ActiveBackup() || b.ActiveSlave == "" {
				continue
			}
			for _, m := range b.Slaves {
				if m.Name != b.ActiveSlave {
					out[m.Name] = b.ActiveSlaveSrc
				}
			}
		}
		for _, i := range s.Interfaces {
			if st, ok := i.Settings["bond_slave.state"]; ok && st.Value == "BACKUP" {
				out[i.Name] = st.Src
			}
		}
	}
	return out
}

// nicDropStat are the generic statistics that are receive drops in the
// NIC or driver: no buffer, FIFO overrun, missed.
var nicDropStat = map[string]bool{"rx_missed_errors": true, "rx_fifo_errors": true, "rx_over_errors": true}

// nicDropDriver matches ethtool -S counters of the common drivers that
// count frames the NIC or driver had no room for (see the counter
// dictionary for each).
var nicDropDriver = regexp.MustCompile(`^(rx_missed_errors|rx_no_buffer_count|rx_out_of_buffer|rx_discards_phy|rx_fifo_errors|rx_over_errors|port\.rx_dropped|port\.rx_discards|rx_discards|rx_queue_\d+_drops|rx_total_discard_pkts|rx_buf_errors|rx_no_dma_resources|rx_oversize_pkts_phy|drv_dropped_rx_total|rx_buf_alloc_fail|rx_dropped_pkts|rx\d+_drops|queue_\d+_rx_page_alloc_fail|rx_fw_discards)$`)

func nicDrops(h *facts.Host, generic bool) []ifaceChange {
	skip := inactiveMembers(h)
	keep := func(string) bool { return true }
	var changes []ifaceChange
	if generic {
		changes = changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Stats },
			func(n string) bool { return n == "rx_dropped" }))
	} else {
		changes = changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Stats },
			func(n string) bool { return nicDropStat[n] }))
		changes = append(changes, changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Driver },
			func(n string) bool { return nicDropDriver.MatchString(n) }))...)
	}
	_ = keep
	out := changes[:0]
	for _, ch := range changes {
		if _, inactive := skip[ch.Iface]; !inactive {
			out = append(out, ch)
		}
	}
	return out
}

var _ = declare(Func{
	Name: "nic_rx_drops_rising", Section: sectionLink, Reads: linkReads,
	Returns: "number, or nil when no interface statistics were read at two instants",
	Doc:     "increase between snapshots of the receive drops of the NIC or driver (missed, no buffer, FIFO, out of buffer, discards: ip -s link, /proc/net/dev fifo, ethtool -S) on interfaces that carry traffic (inactive active-backup members left out)",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() any { return c.sumChanges(c.Host(), nicDrops(c.Host(), false), true, "NIC receive drops") }
	},
})

var _ = declare(Func{
	Name: "nic_rx_drops_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "the same NIC and driver receive drops, as increases where snapshots allow and totals since boot otherwise (with their average rate when the uptime is known)",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), nicDrops(c.Host(), false), false, "NIC receive drops").(float64)
			return v
		}
	},
})

var _ = declare(Func{
	Name: "rx_dropped_rising", Section: sectionLink, Reads: linkReads,
	Returns: "number, or nil when no interface statistics were read at two instants",
	Doc:     "increase of the generic rx_dropped (/proc/net/dev drop, ip -s link dropped), which also counts frames of unknown protocols and frames on inactive bond members: not evidence of loss on its own",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() any { return c.sumChanges(c.Host(), nicDrops(c.Host(), true), true, "generic rx_dropped") }
	},
})

var _ = declare(Func{
	Name: "rx_dropped_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "the generic rx_dropped as increases where snapshots allow, totals since boot otherwise",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), nicDrops(c.Host(), true), false, "generic rx_dropped").(float64)
			return v
		}
	},
})

var _ = declare(Func{
	Name: "inactive_bond_members", Section: sectionLink, Reads: linkReads,
	Returns: "count",
	Doc:     "members of active-backup bonds that are not the active one (their received frames are dropped by design)",
	Bind: func(c Call) any {
		return func() int {
			m := inactiveMembers(c.Host())
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				c.Ref(m[n], n+" is a backup member: the bond drops what it receives")
			}
			return len(m)
		}
	},
})

// RingsBelowMax lists interfaces whose RX ring (ethtool -g) is smaller
// than the NIC allows.
func RingsBelowMax(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			mx, ok1 := i.RingMax["RX"]
			cur, ok2 := i.Ring["RX"]
			if ok1 && ok2 && cur.Value < mx.Value {
				out = append(out, Observation{Refs: []source.Ref{cur.Src, mx.Src},
					Note:   fmt.Sprintf("%s RX ring is %d of a possible %d descriptors", i.Name, cur.Value, mx.Value),
					Values: map[string]string{"interface": i.Name}})
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "rings_below_max", Section: sectionLink, Reads: linkReads,
	Returns: "count",
	Doc:     "interfaces whose RX ring (ethtool -g current) is below its pre-set maximum",
	Values:  []string{"interface"},
	Bind:    func(c Call) any { return func() int { return c.Observations(RingsBelowMax(c.Host())) } },
})

// SingleQueueNICs lists interfaces with more channels available than used
// (ethtool -l): receive work that could be spread over CPUs is not.
func SingleQueueNICs(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			mx, ok1 := i.ChannelsMax["Combined"]
			cur, ok2 := i.Channels["Combined"]
			if ok1 && ok2 && cur.Value < mx.Value {
				out = append(out, obs(fmt.Sprintf("%s uses %d of %d combined queues", i.Name, cur.Value, mx.Value), cur.Src, mx.Src))
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "queues_below_max", Section: sectionLink, Reads: linkReads,
	Returns: "count",
	Doc:     "interfaces using fewer combined queues (ethtool -l) than the NIC offers",
	Bind:    func(c Call) any { return func() int { return c.Observations(SingleQueueNICs(c.Host())) } },
})

// driverMatch tells whether an interface's driver is the one named; an
// interface whose driver is unknown matches when it has the counter.
func driverOf(h *facts.Host) map[string]string {
	out := map[string]string{}
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			if i.DriverName != "" {
				out[i.Name] = i.DriverName
			}
		}
	}
	return out
}

func driverChanges(h *facts.Host, name string) []ifaceChange {
	drv, counter, _ := strings.Cut(name, ":")
	drivers := driverOf(h)
	all := changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Driver },
		func(n string) bool { return n == counter }))
	out := all[:0]
	for _, ch := range all {
		if d, ok := drivers[ch.Iface]; !ok || d == drv {
			out = append(out, ch)
		}
	}
	return out
}

var _ = declare(Func{
	Name: "driver_rising", Section: sectionLink, Reads: linkReads,
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when the counter was not read at two instants",
	Doc:     "increase between snapshots of a driver statistic `<driver>:<counter>` (ethtool -S), summed over the interfaces of that driver (or of unknown driver)",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func(name string) any { return c.sumChanges(c.Host(), driverChanges(c.Host(), name), true, name) }
	},
})

var _ = declare(Func{
	Name: "driver_total", Section: sectionLink, Reads: linkReads,
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when no interface has the counter",
	Doc:     "a driver statistic as increases where snapshots allow, totals since boot otherwise",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func(name string) any {
			ch := driverChanges(c.Host(), name)
			if len(ch) == 0 {
				return nil
			}
			return c.sumChanges(c.Host(), ch, false, name)
		}
	},
})

// errorStats are the physical-layer errors: corrupt frames and lost
// carrier.
var errorStats = map[string]bool{"rx_crc_errors": true, "rx_frame_errors": true, "rx_length_errors": true,
	"tx_carrier_errors": true, "rx_align_errors": true, "rx_symbol_err_phy": true, "rx_crc_errors_phy": true}

func ifaceErrors(h *facts.Host) []ifaceChange {
	ch := changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Stats },
		func(n string) bool { return errorStats[n] }))
	return append(ch, changesOf(ifaceSeries(h, func(i *interfaces.Iface) map[string]interfaces.Value { return i.Driver },
		func(n string) bool { return errorStats[n] }))...)
}

var _ = declare(Func{
	Name: "iface_errors_rising", Section: sectionLink, Reads: linkReads,
	Returns: "number, or nil when no interface statistics were read at two instants",
	Doc:     "increase between snapshots of CRC, frame, length and carrier errors (ip -s -s link, /proc/net/dev frame and carrier, ethtool -S)",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() any { return c.sumChanges(c.Host(), ifaceErrors(c.Host()), true, "link errors") }
	},
})

var _ = declare(Func{
	Name: "iface_errors_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "CRC, frame, length and carrier errors as increases where snapshots allow, totals since boot otherwise",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), ifaceErrors(c.Host()), false, "link errors").(float64)
			return v
		}
	},
})

// HalfDuplex lists links negotiated at half duplex (ethtool, bonding).
func HalfDuplex(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range h.Interfaces {
		for _, i := range s.Interfaces {
			if d, ok := i.Settings["Duplex"]; ok && strings.EqualFold(d.Value, "half") {
				out = append(out, Observation{Refs: []source.Ref{d.Src}, Note: i.Name + " runs at half duplex",
					Values: map[string]string{"interface": i.Name}})
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "half_duplex", Section: sectionLink, Reads: linkReads,
	Returns: "count",
	Doc:     "interfaces that ethtool shows at half duplex",
	Values:  []string{"interface"},
	Bind:    func(c Call) any { return func() int { return c.Observations(HalfDuplex(c.Host())) } },
})

// Bonds.

// BondMembersDown lists bond members whose MII status is not up.
func BondMembersDown(h *facts.Host) []Observation {
	var out []Observation
	for _, s := range h.Interfaces {
		for _, b := range s.Bonds {
			for _, m := range b.Slaves {
				if m.MIIStatus != "" && m.MIIStatus != "up" {
					out = append(out, Observation{Refs: []source.Ref{m.Src, m.StatusSrc},
						Note:   fmt.Sprintf("%s member %s is %s", b.Name, m.Name, m.MIIStatus),
						Values: map[string]string{"interface": m.Name}})
				}
			}
		}
	}
	return out
}

var _ = declare(Func{
	Name: "bond_members_down", Section: sectionLink, Reads: linkReads,
	Returns: "count",
	Doc:     "bond members whose MII status is down (/proc/net/bonding)",
	Values:  []string{"interface"},
	Bind:    func(c Call) any { return func() int { return c.Observations(BondMembersDown(c.Host())) } },
})

func bondFailures(h *facts.Host) []ifaceChange {
	series := map[string][]ifaceCounter{}
	for _, s := range h.Interfaces {
		for _, b := range s.Bonds {
			for _, m := range b.Slaves {
				if m.LinkFailures.Src.Line > 0 {
					k := b.Name + "/" + m.Name + "\x00bonding\x00Link Failure Count"
					series[k] = append(series[k], ifaceCounter{s, m.LinkFailures})
				}
			}
		}
	}
	return changesOf(series)
}

var _ = declare(Func{
	Name: "bond_link_failures_rising", Section: sectionLink, Reads: linkReads,
	Returns: "number, or nil when no bonding file was read at two instants",
	Doc:     "increase of the bond members' Link Failure Count between snapshots",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() any { return c.sumChanges(c.Host(), bondFailures(c.Host()), true, "bond link failures") }
	},
})

var _ = declare(Func{
	Name: "bond_link_failures_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "the bond members' Link Failure Count since the bond was created",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), bondFailures(c.Host()), false, "bond link failures").(float64)
			return v
		}
	},
})

// Qdiscs.

func qdiscChanges(h *facts.Host, aqm bool) []ifaceChange {
	series := map[string][]ifaceCounter{}
	for _, s := range h.Interfaces {
		for _, q := range s.Qdiscs {
			if q.IsAggregate() || q.Stats.Line == 0 {
				continue
			}
			v := q.TailDrops()
			what := "dropped"
			if q.IsAQM() {
				what = "drop_overlimit"
			}
			if aqm {
				if !q.IsAQM() {
					continue
				}
				v, what = q.Dropped-q.TailDrops(), "AQM drops"
			}
			k := q.Dev + "\x00tc\x00" + q.Kind + " " + q.Handle + " " + what
			series[k] = append(series[k], ifaceCounter{s, interfaces.Value{Value: v, Src: q.Stats}})
		}
	}
	return changesOf(series)
}

var _ = declare(Func{
	Name: "qdisc_drops_rising", Section: sectionLink, Reads: linkReads,
	Returns: "number, or nil when tc -s qdisc was not read at two instants",
	Doc:     "increase between snapshots of the drops of full queues (tc -s qdisc): every drop of FIFOs, shapers and schedulers, only drop_overlimit of fq_codel and other AQMs (their other drops are deliberate); mq and mqprio totals are not counted twice; overlimits (throttling) never count",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() any { return c.sumChanges(c.Host(), qdiscChanges(c.Host(), false), true, "qdisc drops") }
	},
})

var _ = declare(Func{
	Name: "qdisc_drops_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "the same qdisc drops as increases where snapshots allow, totals since boot otherwise",
	Values:  []string{"interface"},
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), qdiscChanges(c.Host(), false), false, "qdisc drops").(float64)
			return v
		}
	},
})

var _ = declare(Func{
	Name: "aqm_drops_total", Section: sectionLink, Reads: linkReads,
	Returns: "number; 0 when not collected",
	Doc:     "drops fq_codel, codel, pie or cake made on purpose to keep their queues short (not failures)",
	Bind: func(c Call) any {
		return func() float64 {
			v, _ := c.sumChanges(c.Host(), qdiscChanges(c.Host(), true), false, "deliberate AQM drops").(float64)
			return v
		}
	},
})

// Softnet.

// softnetSnaps returns the softnet snapshots at distinct instants.
func softnetSnaps(h *facts.Host) []*facts.CounterSnapshot {
	var list []*facts.CounterSnapshot
	for _, s := range h.Counters {
		if s.Form == counters.FormSoftnet && len(s.Softnet) > 0 {
			list = append(list, s)
		}
	}
	return instants(list)
}

// SoftnetRising is the increase of a softnet column between the first and
// the last snapshot, row by row (rows matched by CPU id when printed, by
// position otherwise), each 32-bit value allowed one wrap.
func SoftnetRising(h *facts.Host, name string) (float64, []source.Ref, bool) {
	snaps := softnetSnaps(h)
	if len(snaps) < 2 {
		return 0, nil, false
	}
	first, last := snaps[0], snaps[len(snaps)-1]
	rows := map[int]counters.SoftnetRow{}
	for _, r := range first.Softnet {
		rows[rowKey(r)] = r
	}
	total := 0.0
	var refs []source.Ref
	for _, r := range last.Softnet {
		a, ok := rows[rowKey(r)]
		if !ok {
			continue
		}
		d := r.Values[name] - a.Values[name]
		if d < 0 {
			d += 1 << 32
		}
		if d > 0 && len(refs) < 2*MaxEvidencePerCall {
			refs = append(refs, a.Src, r.Src)
		}
		total += float64(d)
	}
	return total, refs, true
}

func rowKey(r counters.SoftnetRow) int {
	if r.CPU >= 0 {
		return r.CPU
	}
	return r.Row
}

func softnetNote(name string, v float64, h *facts.Host) string {
	snaps := softnetSnaps(h)
	first, last := snaps[0], snaps[len(snaps)-1]
	if !first.Time.IsZero() && !last.Time.IsZero() {
		return fmt.Sprintf("%s rose by %.0f in %s over all CPUs", name, v, durationText(last.Time.Sub(first.Time).Seconds()))
	}
	return fmt.Sprintf("%s rose by %.0f between snapshots over all CPUs", name, v)
}

var _ = declare(Func{
	Name: "softnet_rising", Section: sectionLink, Reads: []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when /proc/net/softnet_stat was not read at two instants",
	Doc:     "increase of a softnet_stat column (`Softnet.Dropped`, `Softnet.TimeSqueeze`) between snapshots, CPU by CPU, allowing for 32-bit wrap",
	Bind: func(c Call) any {
		return func(name string) any {
			v, refs, ok := SoftnetRising(c.Host(), name)
			if !ok {
				return nil
			}
			if v > 0 {
				note := softnetNote(name, v, c.Host())
				for _, r := range refs {
					c.Ref(r, note)
				}
			}
			return v
		}
	},
})

var _ = declare(Func{
	Name: "softnet_total", Section: sectionLink, Reads: []artifact.Kind{artifact.KindCounters},
	Args:    []Arg{{"name", ArgCounter}},
	Returns: "number, or nil when /proc/net/softnet_stat was not collected",
	Doc:     "a softnet_stat column summed over CPUs in the latest snapshot: a total since boot (each CPU's 32-bit value may have wrapped)",
	Bind: func(c Call) any {
		return func(name string) any {
			snaps := softnetSnaps(c.Host())
			if len(snaps) == 0 {
				return nil
			}
			last := snaps[len(snaps)-1]
			total := 0.0
			n := 0
			for _, r := range last.Softnet {
				if v := r.Values[name]; v > 0 {
					total += float64(v)
					if n < MaxEvidencePerCall {
						c.Ref(r.Src, fmt.Sprintf("%s %d since boot on %s", name, v, cpuLabel(r)))
						n++
					}
				}
			}
			if u, ok := Uptime(c.Host()); ok && total > 0 {
				c.Ref(last.Src, fmt.Sprintf("%s %.0f since boot, %.3f/s on average over %s", name, total, total/u, durationText(u)))
			}
			return total
		}
	},
})

func cpuLabel(r counters.SoftnetRow) string {
	if r.CPU >= 0 {
		return "CPU " + strconv.Itoa(r.CPU)
	}
	return "row " + strconv.Itoa(r.Row+1)
}

var _ = declare(Func{
	Name: "softnet_imbalance", Section: sectionLink, Reads: []artifact.Kind{artifact.KindCounters},
	Returns: "number, or nil when softnet_stat has fewer than two rows",
	Doc:     "the busiest CPU's share of packets processed (Softnet.Processed, between snapshots when possible) divided by an even share: 1 is balanced; near the CPU count, one CPU does all receive work (no RSS or RPS)",
	Bind: func(c Call) any {
		return func() any {
			snaps := softnetSnaps(c.Host())
			if len(snaps) == 0 || len(snaps[len(snaps)-1].Softnet) < 2 {
				return nil
			}
			last := snaps[len(snaps)-1]
			base := map[int]int64{}
			if len(snaps) >= 2 {
				for _, r := range snaps[0].Softnet {
					base[rowKey(r)] = r.Values["Softnet.Processed"]
				}
			}
			var total, top float64
			var topRow counters.SoftnetRow
			for _, r := range last.Softnet {
				d := r.Values["Softnet.Processed"] - base[rowKey(r)]
				if d < 0 {
					d += 1 << 32
				}
				total += float64(d)
				if float64(d) > top {
					top, topRow = float64(d), r
				}
			}
			if total == 0 {
				return 1.0
			}
			ratio := top / (total / float64(len(last.Softnet)))
			c.Ref(topRow.Src, fmt.Sprintf("%s processed %.0f%% of received packets across %d CPUs", cpuLabel(topRow), 100*top/total, len(last.Softnet)))
			return ratio
		}
	},
})
