// Package keepalived parses keepalived.conf into a generic block tree and,
// from it, typed views of the VRRP instances, track scripts and LVS virtual
// servers with their health checks, including the defaults keepalived applies
// and the settings it would silently ignore or reject.
package keepalived

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Node is one statement of keepalived.conf: a keyword with its arguments,
// and its children when it opens a block.
type Node struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
	// Block is set when the statement opens "{ ... }", even an empty one.
	Block    bool    `json:"block,omitempty"`
	Children []*Node `json:"children,omitempty"`
	// Condition is the config-id of a conditional line ("@main router_id x"
	// gives "main", "@^backup ..." gives "^backup"); keepalived only applies
	// the line on the matching host.
	Condition string `json:"condition,omitempty"`
	// Src spans the keyword line through the closing brace.
	Src source.Ref `json:"src"`
}

// Child returns the first child with the given key, or nil.
func (n *Node) Child(key string) *Node {
	for _, c := range n.Children {
		if c.Key == key {
			return c
		}
	}
	return nil
}

// Arg returns the i-th argument or "".
func (n *Node) Arg(i int) string {
	if i < len(n.Args) {
		return n.Args[i]
	}
	return ""
}

// maxDepth bounds nesting; real configurations use five levels at most
// (virtual_server > real_server > HTTP_GET > url > ...).
const maxDepth = 32

// token is a word, or a brace outside quotes.
type token struct {
	text  string
	brace byte // '{' or '}' for a structural brace, 0 for a word
}

// tokenize splits one line as keepalived does: whitespace separates words,
// '#' and '!' start a comment anywhere outside quotes, quotes group words
// and are removed, and braces are tokens of their own.
func tokenize(line string) []token {
	var toks []token
	var cur strings.Builder
	inWord := false
	var quote byte
	flush := func() {
		if inWord {
			toks = append(toks, token{text: cur.String()})
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			switch {
			case c == quote:
				quote = 0
			case c == '\\' && i+1 < len(line):
				i++
				cur.WriteByte(line[i])
			default:
				cur.WriteByte(c)
			}
			continue
		}
		switch c {
		case ' ', '\t', '\v', '\f', '\r':
			flush()
		case '#', '!':
			flush()
			return toks
		case '"', '\'':
			quote = c
			inWord = true
		case '{', '}':
			flush()
			toks = append(toks, token{text: string(c), brace: c})
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return toks
}

// builder turns lines into the statement tree.
type builder struct {
	artifact string
	root     []*Node
	stack    []*Node // open blocks, innermost last
	// last is the most recent leaf at the current level: a '{' alone on the
	// next line opens it ("vrrp_script chk\n{").
	last *Node
	// ignored counts braces opened beyond maxDepth, so their closing braces
	// are matched without deepening the tree.
	ignored int
	warns   []source.Warning
	// includes are the include statements met, in order.
	includes []*Node
}

func (b *builder) warn(line int, format string, args ...any) {
	b.warns = append(b.warns, source.Warnf(line, format, args...))
}

func (b *builder) add(n *Node) {
	if len(b.stack) > 0 {
		top := b.stack[len(b.stack)-1]
		top.Children = append(top.Children, n)
	} else {
		b.root = append(b.root, n)
	}
	if isInclude(n.Key) {
		b.includes = append(b.includes, n)
	}
}

func isInclude(key string) bool {
	switch key {
	case "include", "includer", "includem", "includew", "includeb", "includea":
		return true
	}
	return false
}

func (b *builder) open(n *Node, l source.Line) {
	n.Block = true
	b.last = nil
	if len(b.stack) >= maxDepth {
		if b.ignored == 0 {
			b.warn(l.No, "blocks nested deeper than %d levels are flattened", maxDepth)
		}
		b.ignored++
		return
	}
	b.stack = append(b.stack, n)
}

func (b *builder) close(l source.Line) {
	b.last = nil
	if b.ignored > 0 {
		b.ignored--
		return
	}
	if len(b.stack) == 0 {
		b.warn(l.No, "'}' without an open block")
		return
	}
	n := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	n.Src.EndLine = l.No
}

func (b *builder) line(l source.Line) {
	if l.Cut {
		b.warn(l.No, "line longer than %d bytes was truncated", source.MaxLineLen)
	}
	toks := tokenize(l.Text)
	cond := ""
	if len(toks) > 0 && toks[0].brace == 0 && strings.HasPrefix(toks[0].text, "@") {
		cond, toks = toks[0].text[1:], toks[1:]
	}
	var words []string
	flush := func() *Node {
		if len(words) == 0 {
			return nil
		}
		n := &Node{Key: words[0], Condition: cond, Src: source.At(b.artifact, l.No, l.Text)}
		if len(words) > 1 {
			n.Args = append([]string(nil), words[1:]...)
		}
		words = nil
		b.add(n)
		return n
	}
	for _, t := range toks {
		switch t.brace {
		case '{':
			if n := flush(); n != nil {
				b.open(n, l)
			} else if b.last != nil {
				b.open(b.last, l)
			} else {
				b.warn(l.No, "'{' without a keyword")
				n := &Node{Src: source.At(b.artifact, l.No, l.Text)}
				b.add(n)
				b.open(n, l)
			}
		case '}':
			flush()
			b.close(l)
		default:
			words = append(words, t.text)
		}
	}
	if n := flush(); n != nil {
		b.last = n
	}
}

// parseTree builds the statement tree of a keepalived.conf.
func parseTree(artifact string, data []byte) ([]*Node, []*Node, []source.Warning) {
	b := &builder{artifact: artifact}
	lines := source.Lines(data)
	for _, l := range lines {
		b.line(l)
	}
	last := 0
	if len(lines) > 0 {
		last = lines[len(lines)-1].No
	}
	for i := len(b.stack) - 1; i >= 0; i-- {
		n := b.stack[i]
		b.warn(n.Src.Line, "block %q opened here is never closed", n.Key)
		n.Src.EndLine = last
	}
	return b.root, b.includes, b.warns
}
