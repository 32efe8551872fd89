package ladder

import (
	"encoding/xml"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nettriage/nettriage/analyzer/schema"
)

// group is a <g> of a drawing with a class: a packet, a compared packet, a
// gap marker or a break.
type group struct {
	class string
	frame int
	title string
	texts []string // text elements, unescaped
	y     int      // y1 of its first line (the arrow), or 0
}

// parse checks that an SVG is well-formed XML with no script, id or
// external reference, and returns its classed groups and the text found
// outside them.
func parse(t *testing.T, svg string) (groups []group, loose []string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var cur *group
	depth, inTitle, inText := 0, false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			switch tok.Name.Local {
			case "script", "foreignObject", "image", "use", "style", "a":
				t.Errorf("SVG has a <%s>", tok.Name.Local)
			}
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Name.Local] = a.Value
				if a.Name.Local == "id" || a.Name.Local == "href" || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("SVG has a %s attribute", a.Name.Local)
				}
			}
			switch tok.Name.Local {
			case "g":
				if attr["class"] != "" {
					n, _ := strconv.Atoi(attr["data-frame"])
					groups = append(groups, group{class: attr["class"], frame: n})
					cur = &groups[len(groups)-1]
				}
			case "title":
				inTitle = true
			case "text":
				inText = true
				if cur == nil {
					loose = append(loose, "")
				} else {
					cur.texts = append(cur.texts, "")
				}
			case "line":
				if cur != nil && cur.y == 0 {
					cur.y, _ = strconv.Atoi(attr["y1"])
				}
			}
		case xml.EndElement:
			depth--
			switch tok.Name.Local {
			case "g":
				cur = nil
			case "title":
				inTitle = false
			case "text":
				inText = false
			}
		case xml.CharData:
			switch {
			case inTitle && cur != nil:
				cur.title += string(tok)
			case inText && cur != nil:
				cur.texts[len(cur.texts)-1] += string(tok)
			case inText:
				loose[len(loose)-1] += string(tok)
			}
		}
	}
	return groups, loose
}

func find(gs []group, class string, frame int) *group {
	for i := range gs {
		if strings.Fields(gs[i].class)[0] == class && gs[i].frame == frame {
			return &gs[i]
		}
	}
	return nil
}

func has(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func TestSVG(t *testing.T) {
	f := Flow{
		Client: "10.0.0.1:40000", Server: "10.0.0.2:<80>", Protocol: "HTTP",
		Packets: []Packet{
			{Frame: 1, Time: t0, Dir: ">", Flags: "SYN"},
			{Frame: 2, Time: t0.Add(1500 * time.Microsecond), Dir: "<", Flags: "SYN,ACK", Ack: 1},
			{Frame: 9, Time: t0.Add(2 * time.Second), Dir: "<", Flags: "RST", Notes: []string{"after gap <script>"}},
		},
		Omitted: 4, Total: 7,
	}
	out := SVG(f, map[int]bool{9: true})
	groups, _ := parse(t, out)
	pkts, hl := 0, 0
	for _, g := range groups {
		if strings.HasPrefix(g.class, "pkt") {
			pkts++
			if strings.Contains(g.class, "hl") {
				hl++
			}
		}
	}
	if pkts != 3 || hl != 1 {
		t.Errorf("got %d packet groups, %d highlighted; want 3 and 1", pkts, hl)
	}
	for _, want := range []string{
		`class="pkt hl rst" data-frame="9"`, "+0.002", "+2.000", "#9", "[SYN,ACK] seq=0 ack=1",
		"10.0.0.2:&lt;80&gt;", "after gap &lt;script&gt;", "3 of 7 packets shown",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(out, "<script") {
		t.Error("unescaped input in SVG")
	}
	// Without positions, the omitted packets are marked where the frame
	// numbers jump most.
	if g := groups[2]; g.class != "gap" || !has(g.texts, "⋯ 4 packets not shown, 2.0 s (positions unknown)") {
		t.Errorf("third group %+v, want the gap marker before frame 9", g)
	}
	if SVG(f, map[int]bool{9: true}) != out {
		t.Error("the drawing differs between two runs")
	}
}

// pawsFlow is an unanswered SYN whose TSval is below the one the same
// address sent 0.497 s earlier in another connection.
func pawsFlow() Flow {
	syn := t0.Add(500 * time.Millisecond)
	return Flow{
		Client: "192.168.20.3:51000", Server: "10.10.0.5:5432", Handshake: "syn",
		Packets: []Packet{
			{Frame: 9, Time: syn, Dir: ">", Flags: "SYN", Win: 64240, TSval: 3000500, N: 1},
			{Frame: 10, Time: syn.Add(time.Second), Dir: ">", Flags: "SYN", Win: 64240, TSval: 3001500, N: 2,
				Notes: []string{"retransmission", "first packet after idle gap"}},
		},
		Total: 2,
		Compared: []Compared{{Flow: 1, Client: "192.168.20.3:40100", Frame: 4, Time: t0.Add(3 * time.Millisecond),
			TSval: 900000003, With: 9, Why: pawsWhy}},
	}
}

func TestSVGShowsTheComparison(t *testing.T) {
	f := pawsFlow()
	groups, loose := parse(t, SVG(f, Highlight(f, []int{9, 4})))

	cmp := find(groups, "cmp", 4)
	if cmp == nil {
		t.Fatalf("no compared row for frame 4: %+v", groups)
	}
	if cmp.class != "cmp hl" {
		t.Errorf("compared row class %q, want it highlighted as evidence", cmp.class)
	}
	for _, want := range []string{"-0.497", "#4", "earlier connection, port 40100: TSval=900000003", pawsWhy} {
		if !has(cmp.texts, want) {
			t.Errorf("compared row lacks %q: %q", want, cmp.texts)
		}
	}
	if !strings.Contains(cmp.title, "192.168.20.3:40100") || !strings.Contains(cmp.title, "TSval=900000003") {
		t.Errorf("compared row title %q", cmp.title)
	}
	// Then a break: the two connections are not on one time scale.
	if groups[1].class != "brk" || !has(groups[1].texts, "≈ this connection, 497 ms later") {
		t.Errorf("second group %+v, want a break", groups[1])
	}

	syn := find(groups, "pkt", 9)
	if syn == nil || syn.class != "pkt hl" {
		t.Fatalf("SYN group %+v", syn)
	}
	for _, want := range []string{"[SYN] seq=0 win=64240 len=0 TSval=3000500", "TSval=3000500 < 900000003 of frame #4"} {
		if !has(syn.texts, want) {
			t.Errorf("SYN lacks %q: %q", want, syn.texts)
		}
	}
	if !strings.Contains(syn.title, "TSval=3000500") || !strings.Contains(syn.title, "below 900000003") {
		t.Errorf("SYN title %q lacks the TSval and the comparison", syn.title)
	}
	if re := find(groups, "pkt", 10); re == nil || has(re.texts, "TSval=3001500 < 900000003 of frame #4") {
		t.Errorf("the retransmission is not the compared packet: %+v", re)
	}
	if len(loose) != 4 { // client, server, and the two column headings
		t.Errorf("text outside the groups: %q", loose)
	}
}

func TestSVGNotesBelongToTheirPacket(t *testing.T) {
	f := Flow{Client: "a", Server: "b", Packets: []Packet{
		{Frame: 1, Time: t0, Dir: ">", Flags: "ACK", Notes: []string{"duplicate ACK"}},
		{Frame: 2, Time: t0.Add(time.Millisecond), Dir: "<", Flags: "ACK", Notes: []string{"retransmission", "out-of-order"}},
		{Frame: 3, Time: t0.Add(2 * time.Millisecond), Dir: ">", Flags: "ACK"},
	}}
	groups, loose := parse(t, SVG(f, nil))
	for _, p := range f.Packets {
		g := find(groups, "pkt", p.Frame)
		if g == nil {
			t.Fatalf("no group for frame %d", p.Frame)
		}
		for _, n := range p.Notes {
			if !has(g.texts, n) {
				t.Errorf("frame %d's group lacks its note %q: %q", p.Frame, n, g.texts)
			}
		}
	}
	for _, s := range loose {
		for _, p := range f.Packets {
			for _, n := range p.Notes {
				if strings.Contains(s, n) {
					t.Errorf("note %q outside its packet's group", n)
				}
			}
		}
	}
	// A row is as tall as its notes need.
	g1, g2, g3 := find(groups, "pkt", 1), find(groups, "pkt", 2), find(groups, "pkt", 3)
	if d1, d2 := g2.y-g1.y, g3.y-g2.y; d2 <= d1 {
		t.Errorf("rows %d and %d apart, want the row with two notes taller", d1, d2)
	}
}

func TestSVGTimeIsProportional(t *testing.T) {
	f := Flow{Client: "a", Server: "b", Packets: []Packet{
		{Frame: 1, Time: t0, Dir: ">", Flags: "ACK", N: 1},
		{Frame: 2, Time: t0.Add(time.Millisecond), Dir: "<", Flags: "ACK", N: 2},
		{Frame: 3, Time: t0.Add(time.Second + time.Millisecond), Dir: ">", Flags: "ACK", N: 3},
		{Frame: 4, Time: t0.Add(time.Second + 2*time.Millisecond), Dir: "<", Flags: "ACK", N: 4},
	}, Total: 4}
	groups, _ := parse(t, SVG(f, nil))
	y := func(fr int) int { return find(groups, "pkt", fr).y }
	short, long := y(2)-y(1), y(3)-y(2)
	if long <= short || short < rowH {
		t.Errorf("1 ms drawn %d apart, 1 s drawn %d apart: want 1 s taller, and rows at least %d apart", short, long, rowH)
	}
	if y(4)-y(3) != short {
		t.Errorf("two 1 ms steps drawn %d and %d apart", short, y(4)-y(3))
	}
	for _, g := range groups {
		if g.class == "gap" || g.class == "brk" {
			t.Errorf("unexpected %s: %q", g.class, g.texts)
		}
	}
}

func TestSVGLongIdleIsABreak(t *testing.T) {
	f := Flow{Client: "a", Server: "b", Packets: []Packet{
		{Frame: 1, Time: t0, Dir: ">", Flags: "ACK", N: 1},
		{Frame: 2, Time: t0.Add(62 * time.Second), Dir: ">", Flags: "PSH,ACK", Len: 10, N: 2},
		{Frame: 3, Time: t0.Add(62*time.Second + time.Millisecond), Dir: "<", Flags: "RST", N: 3},
	}, Total: 3}
	out := SVG(f, nil)
	groups, _ := parse(t, out)
	if groups[1].class != "brk" || !has(groups[1].texts, "≈ 62.0 s idle") {
		t.Fatalf("groups %+v, want a break with the idle time between the first two packets", groups)
	}
	if d := find(groups, "pkt", 2).y - find(groups, "pkt", 1).y; d > rowH+breakH {
		t.Errorf("62 s drawn %d units tall, want it cut short", d)
	}
	// The lifelines stop at the break and zig-zag across it.
	if strings.Count(out, `class="life"`) != 4 || strings.Count(out, "<polyline") != 2 {
		t.Errorf("want each lifeline in two pieces around a zig-zag:\n%s", out)
	}
}

func TestSVGGapMarker(t *testing.T) {
	f := Flow{Client: "a", Server: "b", Packets: []Packet{
		{Frame: 1, Time: t0, Dir: ">", Flags: "SYN", N: 1},
		{Frame: 2, Time: t0.Add(time.Millisecond), Dir: "<", Flags: "SYN,ACK", N: 2},
		{Frame: 80, Time: t0.Add(4201 * time.Millisecond), Dir: ">", Flags: "FIN,ACK", N: 40},
		{Frame: 81, Time: t0.Add(4202 * time.Millisecond), Dir: "<", Flags: "ACK", N: 41},
	}, Omitted: 37, Total: 42}
	groups, _ := parse(t, SVG(f, nil))
	var classes []string
	for _, g := range groups {
		classes = append(classes, g.class)
	}
	if got := strings.Join(classes, " "); got != "pkt pkt gap pkt pkt gap" {
		t.Fatalf("groups %q, want a gap marker after frame 2 and one after the last packet", got)
	}
	if !has(groups[2].texts, "⋯ 37 packets not shown, 4.2 s") {
		t.Errorf("gap marker %q", groups[2].texts)
	}
	if !has(groups[5].texts, "⋯ 1 packet not shown") {
		t.Errorf("trailing gap marker %q", groups[5].texts)
	}
}

func TestSVGEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>&'`
	f := pawsFlow()
	f.Client, f.Server, f.Protocol = evil, evil, evil
	f.Packets[0].Flags, f.Packets[0].Notes = evil, []string{evil}
	f.Compared[0].Client, f.Compared[0].Why = evil, evil
	out := SVG(f, nil)
	parse(t, out)
	if strings.Contains(out, "<script") || strings.Contains(out, `"x"`) {
		t.Errorf("unescaped input in SVG:\n%s", out)
	}
}

func TestHighlightStandsInForUndrawnFrames(t *testing.T) {
	f := Flow{Packets: []Packet{{Frame: 3}, {Frame: 7}, {Frame: 127}, {Frame: 129}}}
	got := Highlight(f, []int{7, 128, 2, 500})
	if len(got) != 2 || !got[7] || !got[127] {
		t.Errorf("Highlight = %v, want frames 7 and 127 (128 is drawn as 127; 2 and 500 are outside the flow)", got)
	}
	if d, ok := f.Drawn(129); !ok || d != 129 {
		t.Errorf("Drawn(129) = %d, %v", d, ok)
	}
	// A compared packet is drawn as itself, even within the flow's frames.
	f.Compared = []Compared{{Frame: 100}}
	if got := Highlight(f, []int{100}); len(got) != 1 || !got[100] {
		t.Errorf("Highlight of the compared frame = %v", got)
	}
}

func TestFromSchema(t *testing.T) {
	if got := FromSchema(schema.FlowEvidence{Artifact: "a.pcap"}); got.Artifact != "a.pcap" || got.Packets != nil {
		t.Errorf("a flow without packets: %+v", got)
	}
	fl := schema.FlowEvidence{Artifact: "a.pcap", Flow: &schema.Flow{ID: 2,
		Client: netip.MustParseAddrPort("192.168.20.3:51000"), Server: netip.MustParseAddrPort("10.10.0.5:5432"),
		Handshake: "syn", Omitted: 1, Total: 3,
		Packets: []schema.Packet{{Frame: 9, Time: t0, Dir: ">", Flags: "SYN", TSval: 3000500, N: 1, Notes: []string{"n"}}},
		Compared: []schema.ComparedPacket{{Flow: 1, ClientPort: 40100, Frame: 4, Time: t0.Add(-time.Second),
			TSval: 900000003, With: 9}}}}
	got := FromSchema(fl)
	if got.ID != 2 || got.Client != "192.168.20.3:51000" || got.Server != "10.10.0.5:5432" || got.Omitted != 1 || got.Total != 3 {
		t.Errorf("flow %+v", got)
	}
	if p := got.Packets[0]; p.TSval != 3000500 || p.N != 1 || p.Frame != 9 || p.Notes[0] != "n" {
		t.Errorf("packet %+v", p)
	}
	want := Compared{Flow: 1, Client: "192.168.20.3:40100", Frame: 4, Time: t0.Add(-time.Second), TSval: 900000003, With: 9, Why: pawsWhy}
	if len(got.Compared) != 1 || got.Compared[0] != want {
		t.Errorf("compared %+v, want %+v", got.Compared, want)
	}
}
