package artifact

import (
	"bytes"
	"regexp"
	"strings"
)

// Fan-out outputs: one command run on many hosts at once, each host's
// output marked with its name. Read as one host, they would mix the nodes
// (a broken node's empty IPVS table hidden among healthy ones), so they are
// split into one artifact per host.
//
//	node-1 | CHANGED | rc=0 >>          ansible ad-hoc (-a 'cmd'), also SUCCESS,
//	IP Virtual Server version ...       FAILED, UNREACHABLE! => { ... }
//	node-1: IP Virtual Server version   pdsh and clush: every line prefixed
//	                                    with its host

// fanPiece is one host's part of a fan-out output.
type fanPiece struct {
	host  string
	data  []byte
	line0 int // line offset of the piece's first line in the input
}

var (
	ansibleHeader = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_.:-]*) \| (CHANGED|SUCCESS|FAILED|UNREACHABLE!|FAILED!|SKIPPED)( \| rc=-?\d+ >>| => \{)\s*$`)
	pdshLine      = regexp.MustCompile(`^([a-z0-9][a-z0-9_.-]*): (.*)$`)
)

// notHostPrefixes are words that start "word: text" lines in ordinary
// outputs and logs; they are never taken for pdsh host names.
var notHostPrefixes = map[string]bool{"error": true, "warning": true, "note": true, "info": true, "debug": true,
	"fatal": true, "usage": true, "hint": true, "notice": true, "panic": true, "caused": true}

// splitFanout splits an ansible or pdsh fan-out by host, or returns nil
// when text is not one.
func splitFanout(text []byte) []fanPiece {
	if p := splitAnsible(text); p != nil {
		return p
	}
	return splitPdsh(text)
}

func splitAnsible(text []byte) []fanPiece {
	lines := strings.Split(string(text), "\n")
	var out []fanPiece
	var cur *fanPiece
	var buf []string
	flush := func() {
		if cur != nil {
			cur.data = []byte(strings.Join(buf, "\n") + "\n")
			out = append(out, *cur)
		}
	}
	for i, l := range lines {
		if m := ansibleHeader.FindStringSubmatch(strings.TrimRight(l, " \r")); m != nil {
			flush()
			cur, buf = &fanPiece{host: m[1], line0: i + 1}, nil
			continue
		}
		if cur == nil {
			if strings.TrimSpace(l) != "" {
				return nil // text before the first header: not an ansible output
			}
			continue
		}
		buf = append(buf, l)
	}
	flush()
	if len(out) < 2 && (len(out) == 0 || len(bytes.TrimSpace(out[0].data)) == 0) {
		return nil
	}
	return out
}

func splitPdsh(text []byte) []fanPiece {
	lines := strings.Split(strings.TrimRight(string(text), "\n"), "\n")
	byHost := map[string][]string{}
	first := map[string]int{}
	var order []string
	nonblank, matched := 0, 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonblank++
		m := pdshLine.FindStringSubmatch(strings.TrimRight(l, "\r"))
		if m == nil || notHostPrefixes[m[1]] {
			continue
		}
		matched++
		if _, ok := byHost[m[1]]; !ok {
			order = append(order, m[1])
			first[m[1]] = i
		}
		byHost[m[1]] = append(byHost[m[1]], m[2])
	}
	// Every line carries a host, a few hosts each print several lines.
	if nonblank < 4 || matched != nonblank || len(order) < 2 || len(order)*2 > matched {
		return nil
	}
	for _, h := range order {
		if len(byHost[h]) < 2 {
			return nil
		}
	}
	out := make([]fanPiece, 0, len(order))
	for _, h := range order {
		out = append(out, fanPiece{host: h, data: []byte(strings.Join(byHost[h], "\n") + "\n"), line0: first[h]})
	}
	return out
}

// emitFanout adds one artifact per host of a fan-out output, each named
// after the input and the host.
func (x *expander) emitFanout(m *member, command string, pieces []fanPiece) {
	for _, p := range pieces {
		info := parseCommand(command)
		kind := Sniff(p.data, "", command)
		a := &Artifact{Name: m.name + "@" + p.host, Host: shortHost(p.host), Namespace: info.namespace, Kind: kind,
			Command: info.command, Data: p.data, Size: int64(len(p.data)), Line0: p.line0, Warnings: m.warnings,
			HostReason: "its host's header in the fan-out output"}
		if kind == KindIptables {
			a.Table = info.table
		}
		x.output = append(x.output, a)
	}
}

// fanoutCommand is the command a fan-out tool ran on each host:
// `ansible all -a 'ipvsadm -Ln'`, `pdsh -w n[1-3] ipvsadm -Ln`,
// `clush -w n[1-3] 'ipvsadm -Ln'`; "" for anything else.
func fanoutCommand(cmd string) string {
	toks := tokenize(cmd)
	if len(toks) == 0 {
		return ""
	}
	switch toks[0].text {
	case "ansible":
		for i := 1; i+1 < len(toks); i++ {
			if toks[i].text == "-a" || toks[i].text == "--args" {
				return toks[i+1].text
			}
		}
	case "pdsh", "clush":
		// Options with a value, then the command words.
		i := 1
		for i < len(toks) && strings.HasPrefix(toks[i].text, "-") {
			switch toks[i].text {
			case "-w", "-x", "-g", "-X", "-l", "-R", "-f", "-t", "-u", "--nodes", "--group":
				i++
			}
			i++
		}
		var words []string
		for ; i < len(toks) && !toks[i].op; i++ {
			words = append(words, toks[i].text)
		}
		return strings.Join(words, " ")
	}
	return ""
}
