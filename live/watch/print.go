package watch

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Printer prints ticks: plain lines (one block per tick) when the output is
// not a terminal, or a screen redrawn every tick on a terminal.
type Printer struct {
	W      io.Writer
	Redraw bool   // clear the screen before each tick (a terminal)
	Color  bool   // highlight the counters rules read
	Width  int    // truncate lines to this many columns; 0 keeps them whole
	Height int    // with Redraw, show at most this many lines; 0 shows all
	Label  string // what is watched: "host node-1", "pid 1234 (envoy) netns 4026532300"
}

const (
	clearScreen = "\x1b[H\x1b[2J"
	bold        = "\x1b[1;33m"
	reset       = "\x1b[0m"
)

// Header is the column header printed at every tick.
var Header = fmt.Sprintf(" %s %-34s %8s %13s  %s", " ", "COUNTER", "DELTA", "RATE/s", "[RULES] MEANING")

// Tick prints one tick: n of count (count 0 = no end), taken at, covering
// elapsed, with the counters that moved.
func (p *Printer) Tick(n, count int, at time.Time, elapsed time.Duration, moves []Move) error {
	w := bufio.NewWriter(p.W)
	if p.Redraw {
		w.WriteString(clearScreen)
	}
	of := ""
	if count > 0 {
		of = fmt.Sprintf("/%d", count)
	}
	p.line(w, "", fmt.Sprintf("== tick %d%s  %s  over %.2fs  %s  (* = read by a rule)",
		n, of, at.UTC().Format(time.RFC3339), elapsed.Seconds(), p.Label))
	p.line(w, "", Header)
	if len(moves) == 0 {
		p.line(w, "", "   (no counter moved)")
	}
	shown := moves
	if p.Redraw && p.Height > 0 {
		// Header, column header, pointers, "more" and the cursor line.
		if room := max(p.Height-5, 1); len(shown) > room {
			shown = shown[:room]
		}
	}
	for _, m := range shown {
		mark, color := " ", ""
		if len(m.Rules) > 0 {
			mark = "*"
			if p.Color {
				color = bold
			}
		}
		rate := fmt.Sprintf("%.2f", m.Rate)
		if m.Gauge {
			rate = fmt.Sprintf("now %d", m.Value)
		}
		// Rules come before the meaning so a narrow terminal keeps them.
		rules := ""
		if len(m.Rules) > 0 {
			rules = "[" + strings.Join(m.Rules, ", ") + "] "
		}
		text := fmt.Sprintf(" %s %-34s %+8d %13s  %s%s", mark, m.Name, m.Delta, rate, rules, m.Meaning)
		p.line(w, color, text)
	}
	if len(shown) < len(moves) {
		p.line(w, "", fmt.Sprintf("   ... %d more", len(moves)-len(shown)))
	}
	if ptrs := Pointers(moves); len(ptrs) > 0 {
		var parts []string
		for _, ptr := range ptrs {
			parts = append(parts, fmt.Sprintf("%s (%s)", ptr.Rule, strings.Join(ptr.Counters, ", ")))
		}
		p.line(w, "", "   look at: "+strings.Join(parts, "; "))
	}
	if !p.Redraw {
		w.WriteString("\n")
	}
	return w.Flush()
}

// line writes one line, cut to the width and coloured.
func (p *Printer) line(w *bufio.Writer, color, text string) {
	if p.Width > 0 && utf8.RuneCountInString(text) > p.Width {
		r := []rune(text)
		text = string(r[:max(p.Width-1, 0)]) + "…"
	}
	if color != "" {
		text = color + text + reset
	}
	w.WriteString(text)
	w.WriteString("\n")
}
