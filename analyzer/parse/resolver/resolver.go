// Package resolver parses resolv.conf, the stub resolver's configuration
// on hosts and in Kubernetes pods: nameservers, the search list and the
// options that decide how many queries one lookup sends and how long a
// lost one costs (ndots, timeout, attempts, single-request,
// single-request-reopen, use-vc).
package resolver

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Conf is one resolv.conf. Values the file does not set hold the glibc
// defaults, and the matching *Set field is false.
type Conf struct {
	Artifact    string
	Nameservers []Nameserver
	Search      []string // the search list (or the domain line's single domain)
	SearchSrc   source.Ref
	Ndots       int // default 1
	NdotsSet    bool
	Timeout     int // seconds, default 5
	TimeoutSet  bool
	Attempts    int // default 2
	AttemptsSet bool
	// Options that change how the A and AAAA queries of one lookup travel.
	SingleRequest       bool // send them one after the other
	SingleRequestReopen bool // a new socket for the second one after a problem
	UseVC               bool // TCP instead of UDP
	Rotate              bool
	Options             map[string]string // every option as written: "ndots" -> "5", "edns0" -> ""
	OptionsSrc          source.Ref        // the (last) options line
	// Pod: the search list is a Kubernetes pod's (NAMESPACE.svc.DOMAIN,
	// svc.DOMAIN, DOMAIN).
	Pod bool
}

// Nameserver is one nameserver line.
type Nameserver struct {
	Addr string
	Src  source.Ref
}

// Parse reads resolv.conf. Lines it does not know are kept out of the
// result with a warning; comments (# or ;) are skipped.
func Parse(artifact string, data []byte) (*Conf, []source.Warning) {
	c := &Conf{Artifact: artifact, Ndots: 1, Timeout: 5, Attempts: 2, Options: map[string]string{}, Search: []string{}}
	lines := source.Lines(data)
	warns := source.CutWarnings(lines)
	for _, l := range lines {
		text := strings.TrimSpace(l.Text)
		if text == "" || text[0] == '#' || text[0] == ';' {
			continue
		}
		if i := strings.IndexAny(text, "#;"); i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
			text = strings.TrimSpace(text[:i]) // a trailing comment
		}
		f := strings.Fields(text)
		ref := source.At(artifact, l.No, l.Text)
		switch f[0] {
		case "nameserver":
			if len(f) < 2 {
				warns = append(warns, source.Warnf(l.No, "nameserver without an address"))
				continue
			}
			c.Nameservers = append(c.Nameservers, Nameserver{Addr: f[1], Src: ref})
		case "search":
			// The last search or domain line wins, as in glibc.
			c.Search, c.SearchSrc = append([]string{}, f[1:]...), ref
		case "domain":
			if len(f) >= 2 {
				c.Search, c.SearchSrc = []string{f[1]}, ref
			}
		case "options":
			c.OptionsSrc = ref
			for _, o := range f[1:] {
				c.option(o, l.No, &warns)
			}
		case "sortlist", "lookup", "family":
			// sortlist (glibc), lookup and family (BSD): no effect on what
			// is measured here.
		default:
			warns = append(warns, source.Warnf(l.No, "unknown resolv.conf keyword %q", f[0]))
		}
	}
	for i := 0; i+1 < len(c.Search); i++ {
		if next := c.Search[i+1]; strings.HasPrefix(next, "svc.") && strings.HasSuffix(c.Search[i], "."+next) {
			c.Pod = true
		}
	}
	return c, warns
}

func (c *Conf) option(o string, no int, warns *[]source.Warning) {
	name, val, hasVal := strings.Cut(o, ":")
	c.Options[name] = val
	num := func(dst *int, set *bool, lo, hi int) {
		n, err := strconv.Atoi(val)
		if !hasVal || err != nil {
			*warns = append(*warns, source.Warnf(no, "option %s needs a number, got %q", name, val))
			return
		}
		// glibc caps these silently; keep the value it will use.
		*dst, *set = min(max(n, lo), hi), true
	}
	switch name {
	case "ndots":
		num(&c.Ndots, &c.NdotsSet, 0, 15)
	case "timeout":
		num(&c.Timeout, &c.TimeoutSet, 1, 30)
	case "attempts":
		num(&c.Attempts, &c.AttemptsSet, 1, 5)
	case "single-request":
		c.SingleRequest = true
	case "single-request-reopen":
		c.SingleRequestReopen = true
	case "use-vc", "usevc", "tcp":
		c.UseVC = true
	case "rotate":
		c.Rotate = true
	}
}

// Dots counts the dots in a name (a trailing dot makes it absolute and is
// not counted).
func Dots(name string) int { return strings.Count(strings.TrimSuffix(name, "."), ".") }

// QueriesPerLookup is how many queries a lookup of a name with the given
// number of dots sends before the answer for the name itself, for each
// address family: one per search domain first when it has fewer dots than
// ndots, then the name as given.
func (c *Conf) QueriesPerLookup(dots int) int {
	if dots < c.Ndots {
		return len(c.Search) + 1
	}
	return 1
}
