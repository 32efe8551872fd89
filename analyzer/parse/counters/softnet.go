package counters

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// /proc/net/softnet_stat has one row per online CPU (older kernels skip
// offline CPUs, so the row number is not the CPU number) of 32-bit hex
// counters that wrap. The columns grew over time: 10 before Linux 3.11, 11
// with flow_limit_count, 13 with the backlog length and the CPU id (5.10),
// 15 with the input and process queue lengths (6.x).
const (
	FormSoftnet   = "softnet"
	FormSockstat  = "sockstat"
	FormSockstat6 = "sockstat6"
)

// softnetColumns names the columns by position; "" columns are unused
// (once throttled, fastroute...) or not counters (the CPU id).
var softnetColumns = []string{"Softnet.Processed", "Softnet.Dropped", "Softnet.TimeSqueeze", "", "", "", "", "",
	"Softnet.CPUCollision", "Softnet.ReceivedRPS", "Softnet.FlowLimitCount", "Softnet.BacklogLen", "",
	"", ""} // input_qlen and process_qlen: BacklogLen is their sum

// SoftnetColumns are the counter names softnet_stat rows are read into.
func SoftnetColumns() []string {
	var out []string
	for _, c := range softnetColumns {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// SoftnetRow is one row of /proc/net/softnet_stat.
type SoftnetRow struct {
	Row    int // 0-based row number
	CPU    int // the CPU id column (kernels >= 5.10), -1 when not printed
	Values map[string]int64
	Src    source.Ref
}

func isSoftnetRow(text string) bool {
	n := (len(text) + 1) / 9
	if n < 10 || n > 15 || len(text) != n*9-1 {
		return false
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if i%9 == 8 {
			if c != ' ' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// softnetRow reads one row into the current softnet snapshot, starting a
// new one when the rows restart (a second paste) or change width.
func (p *parser) softnetRow(text string, ln source.Line) {
	f := strings.Fields(text)
	cpu := -1
	if len(f) >= 13 {
		v, _ := strconv.ParseUint(f[12], 16, 32)
		cpu = int(v)
	}
	cur := p.cur
	if cur == nil || cur.Form != FormSoftnet || len(cur.Softnet) == 0 ||
		len(cur.Softnet[len(cur.Softnet)-1].Values) != softnetWidth(len(f)) ||
		(cpu >= 0 && cpu <= cur.Softnet[len(cur.Softnet)-1].CPU) {
		p.begin(FormSoftnet, ln)
		cur = p.cur
	}
	p.extend(ln.No)
	ref := source.At(p.artifact, ln.No, ln.Text)
	row := SoftnetRow{Row: len(cur.Softnet), CPU: cpu, Values: map[string]int64{}, Src: ref}
	for i, s := range f {
		if i >= len(softnetColumns) || softnetColumns[i] == "" {
			continue
		}
		v, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			p.warn(ln.No, "softnet_stat: %q is not hex", s)
			continue
		}
		name := softnetColumns[i]
		row.Values[name] = int64(v)
		c := cur.Values[name]
		c.Value += int64(v)
		if c.Src.Line == 0 {
			c.Src = ref
		}
		c.Src.EndLine = ln.No
		c.Src.Text = "/proc/net/softnet_stat (" + strconv.Itoa(len(cur.Softnet)+1) + " rows)"
		cur.Values[name] = c
	}
	cur.Softnet = append(cur.Softnet, row)
}

func softnetWidth(columns int) int {
	n := 0
	for i := 0; i < columns && i < len(softnetColumns); i++ {
		if softnetColumns[i] != "" {
			n++
		}
	}
	return n
}
