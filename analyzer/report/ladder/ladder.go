// Package ladder draws one TCP flow of a capture finding as a ladder
// (sequence) diagram in SVG: the client's and the server's lifelines, one
// arrow per recorded packet, the packets a finding rests on highlighted.
//
// Its types mirror the report's findings[].flows JSON, so the browser UI
// can decode the report straight into them without linking the engine, and
// the HTML report converts the engine's flows into them.
package ladder

import (
	"fmt"
	"html"
	"strings"
	"time"
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
}

// Geometry of the drawing, in SVG user units.
const (
	width    = 720
	top      = 58
	rowH     = 34
	leftX    = 190 // client lifeline
	rightX   = 650 // server lifeline
	timeX    = 8
	frameX   = 104
	arrowLen = 9
)

// SVG renders the flow. Packets whose frame is in highlight are drawn with
// the "hl" class and marked as evidence for screen readers. Every string
// from the flow is escaped. The drawing has no script, no external
// reference and no id, so several can share a page.
func SVG(f Flow, highlight map[int]bool) string {
	var b strings.Builder
	h := top + rowH*len(f.Packets) + 24
	title := f.Client + " → " + f.Server
	if f.Protocol != "" {
		title += " (" + f.Protocol + ")"
	}
	fmt.Fprintf(&b, `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" fill="currentColor" stroke="currentColor" font-family="monospace" font-size="11">`,
		width, h, width, h, esc("ladder diagram of "+title))
	fmt.Fprintf(&b, `<text class="end" x="%d" y="18" text-anchor="middle" stroke="none">client %s</text>`, leftX, esc(f.Client))
	// Right-aligned, so a long (IPv6) address stays inside the drawing.
	fmt.Fprintf(&b, `<text class="end" x="%d" y="18" text-anchor="end" stroke="none">server %s</text>`, width-4, esc(f.Server))
	fmt.Fprintf(&b, `<g stroke="none"><text class="col" x="%d" y="40">time (s)</text><text class="col" x="%d" y="40">frame</text></g>`, timeX, frameX)
	fmt.Fprintf(&b, `<line class="life" x1="%d" y1="26" x2="%d" y2="%d" stroke-dasharray="4 3"/><line class="life" x1="%d" y1="26" x2="%d" y2="%d" stroke-dasharray="4 3"/>`,
		leftX, leftX, h-8, rightX, rightX, h-8)

	var t0 time.Time
	if len(f.Packets) > 0 {
		t0 = f.Packets[0].Time
	}
	for i, p := range f.Packets {
		y := top + rowH*i + 18
		x1, x2 := leftX, rightX
		if p.Dir == "<" {
			x1, x2 = rightX, leftX
		}
		cls := "pkt"
		if highlight[p.Frame] {
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
		notes := strings.Join(p.Notes, ", ")
		desc := fmt.Sprintf("frame %d, %s, %s", p.Frame, dirWord(p.Dir), label)
		if notes != "" {
			desc += " (" + notes + ")"
		}
		if highlight[p.Frame] {
			desc += ", evidence"
		}
		fmt.Fprintf(&b, `<g class="%s" data-frame="%d"><title>%s</title>`, cls, p.Frame, esc(desc))
		if !t0.IsZero() && !p.Time.IsZero() {
			fmt.Fprintf(&b, `<text class="t" x="%d" y="%d" stroke="none">+%.3f</text>`, timeX, y+4, p.Time.Sub(t0).Seconds())
		}
		fmt.Fprintf(&b, `<text class="t" x="%d" y="%d" stroke="none">#%d</text>`, frameX, y+4, p.Frame)
		// The arrow falls slightly, as packets take time to cross.
		y2 := y + 8
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d"/>`, x1, y, x2, y2)
		dx := arrowLen
		if x2 < x1 {
			dx = -arrowLen
		}
		fmt.Fprintf(&b, `<polygon points="%d,%d %d,%d %d,%d"/>`, x2, y2, x2-dx, y2-5, x2-dx, y2+4)
		mid := (leftX + rightX) / 2
		fmt.Fprintf(&b, `<text class="lbl" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y-3, esc(label))
		if notes != "" {
			fmt.Fprintf(&b, `<text class="note" x="%d" y="%d" text-anchor="middle" stroke="none">%s</text>`, mid, y+19, esc(notes))
		}
		b.WriteString(`</g>`)
	}
	if f.Omitted > 0 {
		fmt.Fprintf(&b, `<text class="col" x="%d" y="%d" stroke="none">%d of %d packets shown (first, notable and last ones)</text>`,
			timeX, h-6, len(f.Packets), f.Total)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func dirWord(d string) string {
	if d == "<" {
		return "server to client"
	}
	return "client to server"
}

func esc(s string) string { return html.EscapeString(s) }

// Highlight returns the drawn packets of f that stand for evidence frames:
// a frame the packet list draws stands for itself; one it does not draw
// (a `tcpdump -i any` copy of a drawn packet, which the list shows once, or
// an omitted packet) is represented by the drawn packet just before it,
// when the frame lies within the drawn ones.
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
