// Package mdhtml renders the small Markdown subset that rule files use
// (paragraphs, bullet and numbered lists, `code`, **bold**, *emphasis* and
// links) as HTML that is safe to insert into a page: every character of the
// input is escaped, raw HTML in the input stays text, and only http(s)
// links become anchors. It has no dependencies beyond the standard library,
// so both the HTML report and the browser UI (which must not link the rule
// engine) can use it.
package mdhtml

import (
	"html"
	"strings"
)

// Render converts Markdown source to an HTML fragment. Anything outside the
// subset is shown as escaped text, never interpreted.
func Render(src string) string {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	var list []string // items of the open list, each with its continuation lines joined
	listTag := ""

	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			b.WriteString(renderInline(strings.Join(para, " ")))
			b.WriteString("</p>\n")
			para = nil
		}
	}
	flushList := func() {
		if len(list) > 0 {
			b.WriteString("<" + listTag + ">\n")
			for _, it := range list {
				b.WriteString("<li>")
				b.WriteString(renderInline(it))
				b.WriteString("</li>\n")
			}
			b.WriteString("</" + listTag + ">\n")
			list, listTag = nil, ""
		}
	}
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flushPara()
			flushList()
			continue
		}
		// As in CommonMark, only a bullet or "1." may interrupt a paragraph:
		// a wrapped line that happens to start with "0. " stays text.
		if tag, item, first, ok := listItem(trimmed); ok && (len(para) == 0 || tag == "ul" || first) {
			flushPara()
			if listTag != "" && listTag != tag {
				flushList()
			}
			listTag = tag
			list = append(list, item)
			continue
		}
		if len(list) > 0 && indentOf(line) > 0 {
			// An indented line continues the current item.
			list[len(list)-1] += " " + trimmed
			continue
		}
		flushList()
		para = append(para, trimmed)
	}
	flushPara()
	flushList()
	return b.String()
}

// listItem recognises "- item", "* item", "+ item" and "1. item"; first
// tells whether a numbered item is numbered 1.
func listItem(s string) (tag, item string, first, ok bool) {
	if len(s) >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ' {
		return "ul", strings.TrimSpace(s[2:]), false, true
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return "ol", strings.TrimSpace(s[i+2:]), s[:i] == "1", true
	}
	return "", "", false, false
}

func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// renderInline renders one paragraph's inline markup: `code`, **bold**,
// *emphasis* (or _emphasis_), [text](http(s)://url) and bare http(s) URLs.
// Everything else is escaped text.
func renderInline(s string) string {
	var b strings.Builder
	inline(&b, s, true)
	return b.String()
}

// inline writes s; links are only recognised when links is true, so that a
// link's text cannot itself contain a link.
func inline(b *strings.Builder, s string, links bool) {
	text := 0 // start of pending plain text
	flush := func(end int) {
		b.WriteString(html.EscapeString(s[text:end]))
	}
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_[]()#+-.!", s[i+1]) >= 0:
			flush(i)
			b.WriteString(html.EscapeString(s[i+1 : i+2]))
			i += 2
			text = i
			continue
		case c == '`':
			n := run(s, i, '`')
			if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 {
				flush(i)
				code := strings.TrimSpace(s[i+n : i+n+end])
				b.WriteString("<code>" + html.EscapeString(code) + "</code>")
				i += n + end + n
				text = i
				continue
			}
			i += n
			continue
		case c == '*' || c == '_':
			n := min(run(s, i, c), 2)
			delim := s[i : i+n]
			if c == '_' && i > 0 && isWord(s[i-1]) {
				i += n // snake_case words are not emphasis
				continue
			}
			if i+n < len(s) && s[i+n] != ' ' {
				if end := closing(s, i+n, delim); end > i+n {
					flush(i)
					tag := "em"
					if n == 2 {
						tag = "strong"
					}
					b.WriteString("<" + tag + ">")
					inline(b, s[i+n:end], links)
					b.WriteString("</" + tag + ">")
					i = end + n
					text = i
					continue
				}
			}
			i += n
			continue
		case c == '[' && links:
			if label, url, end, ok := linkAt(s, i); ok {
				flush(i)
				b.WriteString(`<a href="` + html.EscapeString(url) + `" rel="noopener noreferrer">`)
				inline(b, label, false)
				b.WriteString("</a>")
				i = end
				text = i
				continue
			}
		case c == 'h' && links && (i == 0 || !isWord(s[i-1])):
			if url := bareURL(s[i:]); url != "" {
				flush(i)
				b.WriteString(`<a href="` + html.EscapeString(url) + `" rel="noopener noreferrer">` + html.EscapeString(url) + "</a>")
				i += len(url)
				text = i
				continue
			}
		}
		i++
	}
	flush(len(s))
}

// run counts the repetitions of c starting at s[i].
func run(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closing finds the delimiter that ends an emphasis span started before
// from: not preceded by a space and, for a single delimiter, not part of a
// double one.
func closing(s string, from int, delim string) int {
	for j := from; j < len(s); {
		k := strings.Index(s[j:], delim)
		if k < 0 {
			return -1
		}
		k += j
		if s[k-1] != ' ' && (len(delim) == 2 || run(s, k, delim[0]) == 1) {
			if delim[0] != '_' || k+1 >= len(s) || !isWord(s[k+1]) {
				return k
			}
		}
		j = k + run(s, k, delim[0])
	}
	return -1
}

// linkAt parses [label](url) at s[i]; only http and https URLs qualify.
func linkAt(s string, i int) (label, url string, end int, ok bool) {
	close := strings.Index(s[i:], "](")
	if close < 0 {
		return "", "", 0, false
	}
	close += i
	paren := strings.IndexByte(s[close+2:], ')')
	if paren < 0 {
		return "", "", 0, false
	}
	url = strings.TrimSpace(s[close+2 : close+2+paren])
	if !safeURL(url) || strings.ContainsAny(url, " \t") {
		return "", "", 0, false
	}
	return s[i+1 : close], url, close + 3 + paren, true
}

// bareURL returns the http(s) URL at the start of s, without trailing
// punctuation, or "".
func bareURL(s string) string {
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		return ""
	}
	end := strings.IndexAny(s, " \t\n<>\"'`")
	if end < 0 {
		end = len(s)
	}
	url := strings.TrimRight(s[:end], ".,;:!?)")
	if !safeURL(url) {
		return ""
	}
	return url
}

// SafeURL reports whether u may become a link: an absolute http or https
// URL with a host.
func SafeURL(u string) bool { return safeURL(strings.TrimSpace(u)) }

func safeURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	return ok && rest != "" && rest[0] != '/' && !strings.ContainsAny(u, "<>\"'\\` \n")
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
