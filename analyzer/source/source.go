// Package source holds the small types every parser shares: a reference to
// lines of an artifact (so each fact can say where it came from), parse
// warnings, and a line splitter with a length bound.
package source

import (
	"bytes"
	"fmt"

	"github.com/nettriage/nettriage/analyzer/schema"
)

// Ref points at a line range of one artifact. Lines are 1-based and
// inclusive; EndLine equals Line for a single line.
type Ref struct {
	Artifact string `json:"artifact"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line"`
	Text     string `json:"text"`
}

// At builds a single-line reference.
func At(artifact string, line int, text string) Ref {
	return Ref{Artifact: artifact, Line: line, EndLine: line, Text: text}
}

// String renders the reference as "artifact:line".
func (r Ref) String() string {
	if r.EndLine > r.Line {
		return fmt.Sprintf("%s:%d-%d", r.Artifact, r.Line, r.EndLine)
	}
	return fmt.Sprintf("%s:%d", r.Artifact, r.Line)
}

// Warning is a non-fatal problem a parser met at a line (0 when the problem
// concerns the whole artifact).
type Warning = schema.Warning

// Warnf builds a Warning.
func Warnf(line int, format string, args ...any) Warning {
	return Warning{Line: line, Message: fmt.Sprintf(format, args...)}
}

// MaxLineLen is the longest line parsers look at. Longer lines are cut and
// reported; a 2 GB single line must not become a 2 GB string.
const MaxLineLen = 64 << 10

// Line is one line of an artifact, without its line terminator.
type Line struct {
	No   int    // 1-based line number
	Text string // at most MaxLineLen bytes
	Cut  bool   // the original line was longer and was truncated
}

// CutWarnings returns one warning for each line Lines had to cut, so a
// parser reports them the same way as every other parser.
func CutWarnings(lines []Line) []Warning {
	var out []Warning
	for _, l := range lines {
		if l.Cut {
			out = append(out, Warnf(l.No, "line longer than %d bytes truncated", MaxLineLen))
		}
	}
	return out
}

// Lines splits data into lines. It accepts LF and CRLF endings, and truncates
// lines longer than MaxLineLen (marking them Cut). It never copies more than
// MaxLineLen bytes per line.
func Lines(data []byte) []Line {
	n := bytes.Count(data, []byte{'\n'}) + 1
	out := make([]Line, 0, n)
	no := 0
	for len(data) > 0 {
		no++
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		cut := false
		if len(l) > MaxLineLen {
			l, cut = l[:MaxLineLen], true
		}
		out = append(out, Line{No: no, Text: string(l), Cut: cut})
	}
	return out
}
