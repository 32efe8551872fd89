package ladder

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSVG(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
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

	// Well-formed XML, so the browser's HTML parser and an XML viewer agree.
	dec := xml.NewDecoder(strings.NewReader(out))
	groups, hl := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("not well-formed: %v\n%s", err, out)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
			for _, a := range se.Attr {
				if a.Name.Local == "class" && strings.HasPrefix(a.Value, "pkt") {
					groups++
					if strings.Contains(a.Value, "hl") {
						hl++
					}
				}
			}
		}
	}
	if groups != 3 || hl != 1 {
		t.Errorf("got %d packet groups, %d highlighted; want 3 and 1", groups, hl)
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
}
