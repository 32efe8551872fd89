// Package ladder draws one TCP flow of a capture finding as a ladder
// (sequence) diagram in SVG: the client's and the server's lifelines, one
// arrow per recorded packet with its notes under it, the packets a finding
// rests on highlighted, and what the finding compared them with.
//
// Time runs down the page in proportion, with a minimum row height so that
// labels never overlap; a silence too long to draw is a break with its
// duration written, and the packets a flow's list left out are a gap
// marker with their count.
//
// Its types are the report's findings[].flows as the drawing needs them;
// FromSchema converts.
package ladder

import (
	"fmt"
	"html"
	"net/netip"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/schema"
)

// Flow is one flow of findings[].flows.
type Flow struct {
	Artifact  string   `json:"artifact"`
	ID        int      `json:"id"`
	Client    string   `json:"client"`
	Server    string   `json:"server"`
	Protocol  string   `json:"protocol"`
	Handshake string   `json:"handshake"`
	Closed    string   `json:"closed"`
	Packets   []Packet `json:"packets"`
	Omitted   int      `json:"omitted_packets"`
	Total     int      `json:"total_packets"`
	// Compared are packets of other connections the flow was compared
	// with, drawn above it.
	Compared []Compared `json:"compared,omitempty"`
}

// Packet is one packet of a flow.
type Packet struct {
	Frame int       `json:"frame"`
	Time  time.Time `json:"time"`
	Dir   string    `json:"dir"` // ">" client to server, "<" server to client
	Flags string    `json:"flags"`
	Seq   uint32    `json:"seq"`
	Ack   uint32    `json:"ack"`
	Len   int       `json:"len"`
	Win   int       `json:"win"`
	Notes []string  `json:"notes"`
	TSval uint32    `json:"tsval,omitempty"` // 0: no timestamp option
	N     int       `json:"n,omitempty"`     // position in the flow, 1-based; 0 when unknown
}

// Compared is a packet of another connection, from the flow's client
// address, that a packet of the flow was compared with.
type Compared struct {
	Flow   int       `json:"flow"`
	Client string    `json:"client"` // the other connection's client address and port
	Frame  int       `json:"frame"`
	Time   time.Time `json:"time"`
	TSval  uint32    `json:"tsval"`
	With   int       `json:"with_frame"` // the flow's packet compared with it
	Why    string    `json:"why"`
}

// pawsWhy says what a compared packet is: the only comparison the report
// carries is a SYN's TSval with the one the server kept (PAWS).
const pawsWhy = "the server's last timestamp from this address"

// FromSchema converts a finding's flow for the ladder diagram.
func FromSchema(fl schema.FlowEvidence) Flow {
	out := Flow{Artifact: fl.Artifact}
	if fl.Flow == nil {
		return out
	}
	out.ID, out.Client, out.Server = fl.ID, fl.Client.String(), fl.Server.String()
	out.Protocol, out.Handshake, out.Closed = fl.Protocol, fl.Handshake, fl.Closed
	out.Omitted, out.Total = fl.Omitted, fl.Total
	for _, p := range fl.Packets {
		out.Packets = append(out.Packets, Packet{Frame: p.Frame, Time: p.Time, Dir: p.Dir, Flags: p.Flags,
			Seq: p.Seq, Ack: p.Ack, Len: p.Len, Win: p.Win, Notes: p.Notes, TSval: p.TSval, N: p.N})
	}
	for _, c := range fl.Compared {
		client := fmt.Sprintf(":%d", c.ClientPort)
		if a := fl.Client.Addr(); a.IsValid() {
			client = netip.AddrPortFrom(a, c.ClientPort).String()
		}
		out.Compared = append(out.Compared, Compared{Flow: c.Flow, Client: client, Frame: c.Frame, Time: c.Time,
			TSval: c.TSval, With: c.With, Why: pawsWhy})
	}
	return out
}

// Geometry of the drawing, in SVG user units.
const (
	width    = 720
	top      = 58  // the first row
	leftX    = 190 // client lifeline
	rightX   = 650 // server lifeline
	mid      = (leftX + rightX) / 2
	timeX    = 8
	frameX   = 104
	arrowLen = 9
	rowH     = 30  // a packet row without notes: label, arrow, space
	lineH    = 13  // each note line under the arrow
	breakH   = 28  // a gap marker or a break
	pxPerSec = 80  // vertical scale between packets
	maxSpace = 200 // a longer silence (2.5 s) is drawn as a break
)

// drawing is an SVG being laid out row by row.
type drawing struct {
	b    strings.Builder // the rows
	cuts []int           // tops of the breaks, where the lifelines zig-zag
	y    int             // top of the next row
}

// SVG renders the flow. Packets whose frame is in highlight are drawn with
// the "hl" class and marked as evidence for screen readers. Every string
// from the flow is escaped. The drawing has no script, no external
// reference and no id, so several can share a page; it is the same for
// the same flow.
func SVG(f Flow, highlight map[int]bool) string {
	d := &drawing{y: top}
	var t0 time.Time
	if len(f.Packets) > 0 {
		t0 = f.Packets[0].Time
	}

	// The other connections' packets first, then a break: their distance
	// in time is written, not drawn.
	var last time.Time
	for _, c := range f.Compared {
		d.compared(c, t0, highlight[c.Frame])
		if c.Time.After(last) {
			last = c.Time
		}
	}
	if len(f.Compared) > 0 {
		text := "≈ this connection"
		if !last.IsZero() && !t0.IsZero() && !t0.Before(last) {
			text += ", " + duration(t0.Sub(last)) + " later"
		}
		d.gap("brk", text, "the connection compared with ends; this connection begins")
	}

	mark, cmp := markedPacket(f)
	guess := guessGap(f)
	h := 0 // height of the previous packet row
	for i, p := range f.Packets {
		if i > 0 {
			prev := f.Packets[i-1]
			dt := time.Duration(-1)
			if !p.Time.IsZero() && !prev.Time.IsZero() {
				dt = max(p.Time.Sub(prev.Time), 0)
			}
			space := 0
			if dt > 0 {
				space = int(dt.Seconds()*pxPerSec + 0.5)
			}
			switch {
			case p.N > 0 && prev.N > 0 && p.N-prev.N > 1:
				d.y += h
				d.skipped(p.N-prev.N-1, dt, "")
			case i == guess:
				d.y += h
				d.skipped(f.Omitted, dt, " (positions unknown)")
			case space > maxSpace:
				d.y += h
				d.gap("brk", "≈ "+duration(dt)+" idle", duration(dt)+" without a packet in this flow, drawn shortened")
			default:
				d.y += max(h, space)
			}
		} else if p.N > 1 {
			d.skipped(p.N-1, -1, "")
		}
		var against *Compared
		if i == mark {
			against = cmp
		}
		h = d.packet(p, t0, highlight[p.Frame], against)
	}
	d.y += h
	if n := len(f.Packets); n > 0 && f.Packets[n-1].N > 0 && f.Total > f.Packets[n-1].N {
		d.skipped(f.Total-f.Packets[n-1].N, -1, "")
	}

	height := d.y + 24
	var b strings.Builder
	title := f.Client + " → " + f.Server
	if f.Protocol != "" {
		title += " (" + f.Protocol + ")"
	}
	fmt.Fprintf(&b, `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" fill="currentColor" stroke="currentColor" font-family="monospace" font-size="11">`,
		width, height, width, height, esc("ladder diagram of "+title))
	fmt.Fprintf(&b, `<text class="end" x="%d" y="18" text-anchor="middle" stroke="none">client %s</text>`, leftX, esc(f.Client))
	// Right-aligned, so a long (IPv6) address stays inside the drawing.
	fmt.Fprintf(&b, `<text class="end" x="%d" y="18" text-anchor="end" stroke="none">server %s</text>`, width-4, esc(f.Server))
	fmt.Fprintf(&b, `<g stroke="none"><text class="col" x="%d" y="40">time (s)</text><text class="col" x="%d" y="40">frame</text></g>`, timeX, frameX)
	// The lifelines, interrupted where a break zig-zags across them.
	from := 26
	for _, c := range append(d.cuts, height-8) {
		if c > from {
			fmt.Fprintf(&b, `<line class="life" x1="%d" y1="%d" x2="%d" y2="%d" stroke-dasharray="4 3"/><line class="life" x1="%d" y1="%d" x2="%d" y2="%d" stroke-dasharray="4 3"/>`,
				leftX, from, leftX, c, rightX, from, rightX, c)
		}
		from = c + cutH
	}
	b.WriteString(d.b.String())
	if f.Omitted > 0 {
		fmt.Fprintf(&b, `<text class="col" x="%d" y="%d" stroke="none">%d of %d packets shown (first, notable and last ones)</text>`,
			timeX, height-6, len(f.Packets), f.Total)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// packet draws one packet row at d.y: the time and frame columns, the
// arrow with its label, and its notes under it, all in the packet's group.
// against, when set, is the other connection's packet it was compared
// with. It returns the row's height.
func (d *drawing) packet(p Packet, t0 time.Time, hl bool, against *Compared) int {
	y := d.y
	x1, x2 := leftX, rightX
	if p.Dir == "<" {
		x1, x2 = rightX, leftX
	}
	cls := "pkt"
	if hl {
		cls += " hl"
	}
	if strings.Contains(p.Flags, "RST") {
		cls += " rst"
	}
	label := "[" + p.Flags + "] seq=" + fmt.Sprint(p.Seq)
	if strings.Contains(p.Flags, "ACK") {
		label += " ack=" + fmt.Sprint(p.Ack)
	}
	label += fmt.Sprintf(" win=%d len=%d", p.Win, p.Len)
	if p.TSval != 0 {
		label += fmt.Sprintf(" TSval=%d", p.TSval)
	}
	lines := p.Notes
	desc := fmt.Sprintf("frame %d, %s, %s", p.Frame, dirWord(p.Dir), label)
	if len(p.Notes) > 0 {
		desc += " (" + strings.Join(p.Notes, ", ") + ")"
	}
	if against != nil {
		ts := "TSval"
		if p.TSval != 0 {
			ts += fmt.Sprintf("=%d", p.TSval)
		}
		lines = append(lines[:len(lines):len(lines)], fmt.Sprintf("%s < %d of frame #%d", ts, against.TSval, against.Frame))
		desc += fmt.Sprintf(", its TSval below %d, sent from %s in frame %d", against.TSval, against.Client, against.Frame)
	}
	if hl {
		desc += ", evidence"
	}
	fmt.Fprintf(&d.b, `<g class="%s" data-frame="%d"><title>%s</title>`, cls, p.Frame, esc(desc))
	if !t0.IsZero() && !p.Time.IsZero() {
		fmt.Fprintf(&d.b, `<text class="t" x="%d" y="%d" stroke="none">%+.3f</text>`, timeX, y+22, p.Time.Sub(t0).Seconds())
	}
	fmt.Fprintf(&d.b, `<text class="t" x="%d" y="%d" stroke="none">#%d</text>`, frameX, y+22, p.Frame)
	d.arrow(x1, x2, y+18, "")
	fmt.Fprintf(&d.b, `<text class="lbl" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y+15, esc(label))
	d.notes(lines, y)
	d.b.WriteString(`</g>`)
	return rowH + lineH*len(lines)
}

// compared draws, at d.y, a packet of another connection that the flow
// was compared with: a dashed arrow from the client, and why it matters.
func (d *drawing) compared(c Compared, t0 time.Time, hl bool) {
	y := d.y
	cls := "cmp"
	if hl {
		cls += " hl"
	}
	port := c.Client
	if i := strings.LastIndexByte(port, ':'); i >= 0 {
		port = port[i+1:]
	}
	label := fmt.Sprintf("earlier connection, port %s: TSval=%d", port, c.TSval)
	desc := fmt.Sprintf("frame %d, of an earlier connection from %s, client to server, TSval=%d", c.Frame, c.Client, c.TSval)
	if !t0.IsZero() && !c.Time.IsZero() {
		desc += fmt.Sprintf(", %s before this connection", duration(t0.Sub(c.Time)))
	}
	if c.Why != "" {
		desc += ": " + c.Why
	}
	if hl {
		desc += ", evidence"
	}
	fmt.Fprintf(&d.b, `<g class="%s" data-frame="%d"><title>%s</title>`, cls, c.Frame, esc(desc))
	if !t0.IsZero() && !c.Time.IsZero() {
		fmt.Fprintf(&d.b, `<text class="t" x="%d" y="%d" stroke="none">%+.3f</text>`, timeX, y+22, c.Time.Sub(t0).Seconds())
	}
	fmt.Fprintf(&d.b, `<text class="t" x="%d" y="%d" stroke="none">#%d</text>`, frameX, y+22, c.Frame)
	d.arrow(leftX, rightX, y+18, ` stroke-dasharray="6 4"`)
	fmt.Fprintf(&d.b, `<text class="lbl" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y+15, esc(label))
	var lines []string
	if c.Why != "" {
		lines = []string{c.Why}
	}
	d.notes(lines, y)
	d.b.WriteString(`</g>`)
	d.y += rowH + lineH*len(lines)
}

// arrow draws an arrow from x1 to x2 starting at height y; it falls
// slightly, as packets take time to cross.
func (d *drawing) arrow(x1, x2, y int, attrs string) {
	y2 := y + 8
	fmt.Fprintf(&d.b, `<line x1="%d" y1="%d" x2="%d" y2="%d"%s/>`, x1, y, x2, y2, attrs)
	dx := arrowLen
	if x2 < x1 {
		dx = -arrowLen
	}
	fmt.Fprintf(&d.b, `<polygon points="%d,%d %d,%d %d,%d"/>`, x2, y2, x2-dx, y2-5, x2-dx, y2+4)
}

// notes writes a row's notes under its arrow, one per line.
func (d *drawing) notes(lines []string, y int) {
	for k, n := range lines {
		fmt.Fprintf(&d.b, `<text class="note" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y+39+lineH*k, esc(n))
	}
}

// Height of the zig-zag that interrupts the lifelines in a break row.
const cutH = 20

// gap draws a break row at d.y: the lifelines zig-zag and text says what
// is not drawn.
func (d *drawing) gap(class, text, desc string) {
	y := d.y
	fmt.Fprintf(&d.b, `<g class="%s"><title>%s</title>`, class, esc(desc))
	for _, x := range [2]int{leftX, rightX} {
		fmt.Fprintf(&d.b, `<polyline fill="none" points="%d,%d %d,%d %d,%d %d,%d %d,%d %d,%d"/>`,
			x, y+4, x+4, y+8, x-4, y+12, x+4, y+16, x-4, y+20, x, y+4+cutH)
	}
	fmt.Fprintf(&d.b, `<text class="note" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y+18, esc(text))
	d.b.WriteString(`</g>`)
	d.cuts = append(d.cuts, y+4)
	d.y += breakH
}

// skipped draws a gap marker for n packets the list left out, over dt
// (negative when unknown).
func (d *drawing) skipped(n int, dt time.Duration, suffix string) {
	text := fmt.Sprintf("⋯ %d packets not shown", n)
	if n == 1 {
		text = "⋯ 1 packet not shown"
	}
	desc := fmt.Sprintf("%d packets of this flow not shown", n)
	if dt >= 0 {
		text += ", " + duration(dt)
		desc += ", over " + duration(dt)
	}
	d.gap("gap", text+suffix, desc+suffix)
}

// markedPacket returns the index of the packet that a compared packet was
// compared with, and that compared packet: the packet it names, or else
// the client's first SYN; -1 when there is none.
func markedPacket(f Flow) (int, *Compared) {
	if len(f.Compared) == 0 {
		return -1, nil
	}
	c := &f.Compared[0]
	syn := -1
	for i, p := range f.Packets {
		if c.With != 0 && p.Frame == c.With {
			return i, c
		}
		if syn < 0 && p.Dir == ">" && strings.Contains(p.Flags, "SYN") && !strings.Contains(p.Flags, "ACK") {
			syn = i
		}
	}
	return syn, c
}

// guessGap returns where to draw the gap marker of a flow with omitted
// packets whose positions are unknown (a report without them): before the
// packet that follows the largest jump in frame numbers. -1 when the
// positions are known or nothing was omitted.
func guessGap(f Flow) int {
	if f.Omitted <= 0 || len(f.Packets) < 2 {
		return -1
	}
	at, jump := -1, 0
	for i := 1; i < len(f.Packets); i++ {
		if f.Packets[i].N > 0 {
			return -1
		}
		if j := f.Packets[i].Frame - f.Packets[i-1].Frame; j > jump {
			at, jump = i, j
		}
	}
	return at
}

// duration writes a length of time to a precision that suits it.
func duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch s := d.Seconds(); {
	case s >= 1:
		return fmt.Sprintf("%.1f s", s)
	case s >= 0.01:
		return fmt.Sprintf("%.0f ms", s*1e3)
	case s >= 0.001:
		return fmt.Sprintf("%.1f ms", s*1e3)
	default:
		return fmt.Sprintf("%.0f µs", s*1e6)
	}
}

func dirWord(d string) string {
	if d == "<" {
		return "server to client"
	}
	return "client to server"
}

func esc(s string) string { return html.EscapeString(s) }

// Highlight returns the drawn packets of f that stand for evidence frames:
// a frame the packet list draws stands for itself, and so does a compared
// packet drawn above the flow; one it does not draw (a `tcpdump -i any`
// copy of a drawn packet, which the list shows once, or an omitted packet)
// is represented by the drawn packet just before it, when the frame lies
// within the drawn ones.
func Highlight(f Flow, frames []int) map[int]bool {
	out := map[int]bool{}
	for _, fr := range frames {
		if d, ok := f.Drawn(fr); ok {
			out[d] = true
		}
	}
	return out
}

// Drawn returns the frame of the drawn packet that stands for frame (see
// Highlight), and whether there is one.
func (f Flow) Drawn(frame int) (int, bool) {
	for _, c := range f.Compared {
		if c.Frame == frame {
			return frame, true
		}
	}
	best := 0
	for _, p := range f.Packets {
		if p.Frame == frame {
			return frame, true
		}
		if p.Frame < frame && p.Frame > best {
			best = p.Frame
		}
	}
	if best == 0 || len(f.Packets) == 0 || frame > f.Packets[len(f.Packets)-1].Frame {
		return 0, false
	}
	return best, true
}
