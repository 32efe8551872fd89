// Package sysctl parses kernel tunables as support engineers collect them:
// `sysctl -a` output, sysctl.conf files, and grep pastes of /proc/sys, all
// normalised to the dotted keys sysctl(8) prints.
package sysctl

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Entry is one tunable and where its value was read.
type Entry struct {
	Key   string
	Value string
	Src   source.Ref
}

// Table holds the tunables of one artifact.
type Table struct {
	Entries map[string]*Entry
	Keys    []string // in input order, each key once
	// Errors are sysctl(8)'s own complaints ("sysctl: permission denied on
	// key ..."), kept because a key that could not be read is not a key
	// that is absent.
	Errors []source.Ref
}

// Get returns the entry for a dotted key.
func (t *Table) Get(key string) (*Entry, bool) {
	if t == nil {
		return nil, false
	}
	e, ok := t.Entries[key]
	return e, ok
}

// Int returns the first whitespace-separated field of the value as an
// integer; multi-field values such as tcp_rmem yield their first number.
func (t *Table) Int(key string) (int64, bool) {
	e, ok := t.Get(key)
	if !ok {
		return 0, false
	}
	fields := strings.Fields(e.Value)
	if len(fields) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Prefix returns the entries whose key starts with prefix, in input order.
// Pass a trailing dot ("net.ipv4.conf.") to match whole key components.
func (t *Table) Prefix(prefix string) []*Entry {
	if t == nil {
		return nil
	}
	var out []*Entry
	for _, k := range t.Keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, t.Entries[k])
		}
	}
	return out
}

// Key turns a path relative to /proc/sys ("net/ipv4/conf/eth0.100/rp_filter")
// into the dotted key sysctl(8) prints ("net.ipv4.conf.eth0/100.rp_filter"):
// dots inside a path component become slashes so the mapping stays
// reversible. A leading "/proc/sys/" or "/" is removed.
func Key(path string) string {
	path = strings.TrimPrefix(path, "/proc/sys/")
	path = strings.Trim(path, "/")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, ".", "/")
	}
	return strings.Join(parts, ".")
}

// Parse reads `sysctl -a` output, sysctl.conf style files and grep pastes
// ("/proc/sys/net/ipv4/tcp_tw_recycle:1", "net/ipv4/tcp_tw_recycle = 1").
// The last occurrence of a key wins; consecutive lines with the same key
// (sysctl prints multi-line values such as dev.cdrom.info that way) are
// joined into one value.
func Parse(artifact string, data []byte) (*Table, []source.Warning) {
	t := &Table{Entries: map[string]*Entry{}}
	var warns []source.Warning
	// A run of lines with the same key is one multi-line value; its parts
	// are collected and joined once so long runs stay linear.
	var prev *Entry
	var runValues, runTexts []string
	endRun := func() {
		if prev != nil && len(runValues) > 1 {
			prev.Value = strings.Join(runValues, "\n")
			prev.Src.Text = strings.Join(runTexts, "\n")
		}
		prev, runValues, runTexts = nil, nil, nil
	}
	lines := source.Lines(data)
	warns = append(warns, source.CutWarnings(lines)...)
	for _, ln := range lines {
		text := strings.TrimSpace(ln.Text)
		if text == "" || text[0] == '#' || text[0] == ';' {
			endRun()
			continue
		}
		if strings.HasPrefix(text, "sysctl: ") {
			t.Errors = append(t.Errors, source.At(artifact, ln.No, ln.Text))
			endRun()
			continue
		}
		key, value, ok := splitLine(text)
		if !ok {
			warns = append(warns, source.Warnf(ln.No, "not a sysctl line: %.80q", text))
			endRun()
			continue
		}
		if prev != nil && prev.Key == key {
			runValues = append(runValues, value)
			runTexts = append(runTexts, ln.Text)
			prev.Src.EndLine = ln.No
			continue
		}
		endRun()
		e := &Entry{Key: key, Value: value, Src: source.At(artifact, ln.No, ln.Text)}
		if old, dup := t.Entries[key]; dup {
			warns = append(warns, source.Warnf(ln.No, "key %s repeated (first at line %d); last value wins", key, old.Src.Line))
		} else {
			t.Keys = append(t.Keys, key)
		}
		t.Entries[key] = e
		prev, runValues, runTexts = e, []string{value}, []string{ln.Text}
	}
	endRun()
	if len(t.Errors) > 0 {
		warns = append(warns, source.Warnf(t.Errors[0].Line, "%d sysctl error line(s) kept in Errors, first: %.80q", len(t.Errors), t.Errors[0].Text))
	}
	return t, warns
}

// splitLine finds key and value in "key = value", "key=value" or
// "/proc/sys/path:value", and normalises the key.
func splitLine(text string) (key, value string, ok bool) {
	if i := strings.IndexByte(text, '='); i >= 0 {
		key, value = strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:])
		// grep -r over sysctl.d prefixes "file:"; the key never has a colon.
		if j := strings.LastIndexByte(key, ':'); j >= 0 {
			key = key[j+1:]
		}
	} else if i := strings.Index(text, "/proc/sys/"); i >= 0 {
		rest := text[i:]
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return "", "", false
		}
		key, value = rest[:j], strings.TrimSpace(rest[j+1:])
	} else {
		return "", "", false
	}
	// systemd-sysctl and newer procps accept "-key = v" (ignore failures).
	key = strings.TrimPrefix(key, "-")
	key = normalizeKey(key)
	if !validKey(key) {
		return "", "", false
	}
	return key, value, true
}

// normalizeKey converts path forms to dotted form. A key is a path when its
// first separator is a slash: top-level sysctl directories (net, kernel,
// vm, ...) never contain dots, while dotted keys may contain slashes
// (net.ipv4.conf.eth0/100.rp_filter).
func normalizeKey(key string) string {
	if strings.HasPrefix(key, "/") {
		return Key(key)
	}
	slash, dot := strings.IndexByte(key, '/'), strings.IndexByte(key, '.')
	if slash >= 0 && (dot < 0 || slash < dot) {
		return Key(key)
	}
	return key
}

func validKey(key string) bool {
	if key == "" || strings.HasPrefix(key, ".") || strings.HasSuffix(key, ".") {
		return false
	}
	for _, r := range key {
		if r <= ' ' || r == 0x7f || r == '"' || r == '\'' {
			return false
		}
	}
	return true
}
