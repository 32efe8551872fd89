// Package processes parses process listings (`ps aux`, `ps auxww`, `ps
// -ef`, `ps -eo pid,ppid,user,args`) so rules can tell which daemons run on
// a host — kube-proxy, keepalived, ipvsadm sync daemons — and with what
// arguments.
package processes

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Process is one row.
type Process struct {
	PID  int
	PPID int // -1 when the listing has no PPID column
	User string
	// Command is the full command line (ps aux COMMAND, ps -ef CMD, ps -o
	// args), or only the executable name for ps -o comm.
	Command string
	// Fields keeps the other columns by header name (%CPU, RSS, STAT,
	// START, TTY, TIME, ...).
	Fields map[string]string
	Src    source.Ref
	// Threads counts the thread rows listed under the process (ps m, ps
	// -L); 0 when the listing shows none.
	Threads int
}

// Name is the base name of argv[0]: "kube-proxy" for
// "/usr/local/bin/kube-proxy --config=...", "kworker/0:1" for the kernel
// thread "[kworker/0:1]", "bash" for the login shell "-bash", "sshd" for
// the retitled "sshd: root@pts/0".
func (p *Process) Name() string {
	cmd := strings.TrimSpace(p.Command)
	if strings.HasPrefix(cmd, "[") {
		if end := strings.IndexByte(cmd, ']'); end > 0 {
			return cmd[1:end]
		}
	}
	argv0, _, _ := strings.Cut(cmd, " ")
	argv0 = strings.TrimPrefix(argv0, "-")
	argv0 = strings.TrimSuffix(argv0, ":")
	if i := strings.LastIndexByte(argv0, '/'); i >= 0 && i < len(argv0)-1 {
		argv0 = argv0[i+1:]
	}
	return argv0
}

// Table is a parsed listing.
type Table struct {
	Processes []*Process
}

// Find returns the processes whose command line contains substr.
func (t *Table) Find(substr string) []*Process {
	var out []*Process
	for _, p := range t.Processes {
		if strings.Contains(p.Command, substr) {
			out = append(out, p)
		}
	}
	return out
}

// commandColumns are the header names ps uses for the command column,
// which is always printed last and may contain spaces.
var commandColumns = map[string]bool{"COMMAND": true, "CMD": true, "ARGS": true, "COMM": true}

// Parse reads ps output. Columns are found from the header; the last
// column (the command) takes the rest of the line.
func Parse(artifact string, data []byte) (*Table, []source.Warning) {
	t := &Table{}
	var warns []source.Warning
	var header []string
	lines := source.Lines(data)
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		if strings.TrimSpace(l.Text) == "" {
			continue
		}
		if h := headerFields(l.Text); h != nil {
			header = h
			continue
		}
		if header == nil {
			warns = append(warns, source.Warnf(l.No, "line before a ps header: %.80q", l.Text))
			continue
		}
		if isThreadRow(header, l.Text, t.Processes) {
			t.Processes[len(t.Processes)-1].Threads++
			continue
		}
		p, err := parseRow(header, l.Text)
		if err != "" {
			warns = append(warns, source.Warnf(l.No, "%s: %.80q", err, l.Text))
			continue
		}
		p.Src = source.At(artifact, l.No, l.Text)
		t.Processes = append(t.Processes, p)
	}
	if header == nil && len(data) > 0 {
		warns = append(warns, source.Warnf(0, "no ps header (PID ... COMMAND) found"))
	}
	return t, warns
}

// isThreadRow tells a thread row from a process row: ps m (ps auxwwwm)
// prints each thread under its process with "-" for the PID, and ps -L
// repeats the PID with the thread's own LWP. Both belong to the process
// before them; neither is a malformed line.
func isThreadRow(header []string, line string, procs []*Process) bool {
	if len(procs) == 0 {
		return false
	}
	f := strings.Fields(line)
	last := procs[len(procs)-1]
	for i, name := range header {
		if i >= len(f) {
			return false
		}
		switch name {
		case "PID":
			if f[i] == "-" {
				return true
			}
			if f[i] != strconv.Itoa(last.PID) {
				return false
			}
		case "LWP", "SPID", "TID":
			pid := -1
			for j, h := range header {
				if h == "PID" && j < len(f) {
					pid, _ = strconv.Atoi(f[j])
				}
			}
			return pid == last.PID && f[i] != strconv.Itoa(pid)
		}
	}
	return false
}

// headerFields recognises a ps header: a PID column and a command column,
// usually last (args, which may hold spaces), or followed by others
// (`ps axo pid,...,comm,cgroup`, where comm is one word).
func headerFields(line string) []string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil
	}
	pid, cmd := false, false
	for _, w := range f {
		pid = pid || w == "PID"
		cmd = cmd || commandColumns[w]
	}
	if !pid || !cmd {
		return nil
	}
	return f
}

// parseRow splits the row into len(header)-1 whitespace-separated fields
// and the command.
func parseRow(header []string, line string) (*Process, string) {
	n := len(header)
	fields := make([]string, 0, n)
	rest := line
	for len(fields) < n-1 {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		fields = append(fields, rest[:end])
		rest = rest[end:]
	}
	if len(fields) < n-1 {
		return nil, "too few columns"
	}
	p := &Process{PID: -1, PPID: -1}
	// The last column takes the rest of the line: the command, or the
	// column after a one-word comm.
	fields = append(fields, strings.TrimSpace(rest))
	for i, name := range header {
		v := fields[i]
		if commandColumns[name] {
			if p.Command == "" {
				p.Command = v
			}
			continue
		}
		switch name {
		case "PID":
			pid, err := strconv.Atoi(v)
			if err != nil {
				return nil, "bad PID"
			}
			p.PID = pid
		case "PPID":
			if ppid, err := strconv.Atoi(v); err == nil {
				p.PPID = ppid
			}
		case "USER", "UID", "RUSER", "EUSER", "RUID", "EUID":
			if p.User == "" {
				p.User = v
			}
		default:
			if p.Fields == nil {
				p.Fields = map[string]string{}
			}
			p.Fields[name] = v
		}
	}
	return p, ""
}
