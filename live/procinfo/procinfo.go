// Package procinfo reads live process information through
// github.com/prometheus/procfs: the process table with command lines, which
// process holds which socket inode, the network namespace of a process, and
// the conntrack and IPVS statistics `nettriage watch` displays.
//
// It is used on the live side only (collect and watch). Bundles store the
// raw bytes of /proc files, and uploaded artifacts are read by nettriage's
// own parsers (analyzer/parse), never by procfs.
package procinfo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
)

// Process is one process of the table.
type Process struct {
	PID, PPID int
	UID       int // real uid, -1 when unreadable
	State     string
	// NetNS is the inode of the process's network namespace, 0 when it
	// cannot be read (another user's process, without root).
	NetNS uint32
	Comm  string
	Args  []string
}

// Command is the command line as ps prints it: the arguments, or the
// name in brackets for kernel threads, which have none.
func (p Process) Command() string {
	if len(p.Args) == 0 || (len(p.Args) == 1 && p.Args[0] == "") {
		return "[" + p.Comm + "]"
	}
	return strings.Join(p.Args, " ")
}

// Processes lists every process, in PID order. A process that exits while
// it is read is left out; fields that cannot be read (the namespace of
// another user's process) stay unknown. denied counts the processes whose
// namespace was unreadable for want of permission.
func Processes(pfs procfs.FS) (procs []Process, denied int, err error) {
	all, err := pfs.AllProcs()
	if err != nil {
		return nil, 0, err
	}
	sort.Sort(all)
	for _, p := range all {
		st, err := p.Stat()
		if err != nil {
			continue // gone since the listing
		}
		proc := Process{PID: p.PID, PPID: st.PPID, UID: -1, State: st.State, Comm: st.Comm}
		if s, err := p.NewStatus(); err == nil {
			proc.UID = int(s.UIDs[0])
		}
		proc.Args, _ = p.CmdLine()
		switch ns, err := netNS(p); {
		case err == nil:
			proc.NetNS = ns
		case errors.Is(err, fs.ErrPermission):
			denied++
		}
		procs = append(procs, proc)
	}
	return procs, denied, nil
}

// WriteProcesses prints the table the way `ps -eo pid,ppid,uid,stat,netns,args`
// does, so nettriage's own ps parser reads it back.
func WriteProcesses(w io.Writer, procs []Process) error {
	if _, err := fmt.Fprintf(w, "%7s %7s %6s %-4s %10s %s\n", "PID", "PPID", "UID", "STAT", "NETNS", "COMMAND"); err != nil {
		return err
	}
	for _, p := range procs {
		uid, ns := "-", "-"
		if p.UID >= 0 {
			uid = strconv.Itoa(p.UID)
		}
		if p.NetNS != 0 {
			ns = strconv.FormatUint(uint64(p.NetNS), 10)
		}
		if _, err := fmt.Fprintf(w, "%7d %7d %6s %-4s %10s %s\n", p.PID, p.PPID, uid, p.State, ns, oneLine(p.Command())); err != nil {
			return err
		}
	}
	return nil
}

// oneLine keeps a command line on its row: arguments may hold newlines.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

// NetNS returns the inode of the network namespace of process pid.
func NetNS(pfs procfs.FS, pid int) (uint32, error) {
	p, err := pfs.Proc(pid)
	if err != nil {
		return 0, err
	}
	return netNS(p)
}

func netNS(p procfs.Proc) (uint32, error) {
	ns, err := p.Namespaces()
	if err != nil {
		return 0, err
	}
	n, ok := ns["net"]
	if !ok {
		return 0, fmt.Errorf("process %d has no network namespace link", p.PID)
	}
	return n.Inode, nil
}

// Owner is a process holding a socket.
type Owner struct {
	PID  int
	Comm string
}

// SocketOwners maps socket inodes (the inode column of /proc/net/tcp, the
// ino: of ss -e) to the processes holding them. A socket may be held by
// several processes (inherited across fork). denied lists the processes
// whose descriptors could not be read for want of permission.
func SocketOwners(pfs procfs.FS, procs []Process) (owners map[uint64][]Owner, denied []int) {
	owners = map[uint64][]Owner{}
	for _, pr := range procs {
		p, err := pfs.Proc(pr.PID)
		if err != nil {
			continue
		}
		targets, err := p.FileDescriptorTargets()
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				denied = append(denied, pr.PID)
			}
			continue // exited, or a kernel thread
		}
		seen := map[uint64]bool{}
		for _, t := range targets {
			ino, ok := socketInode(t)
			if !ok || seen[ino] {
				continue
			}
			seen[ino] = true
			owners[ino] = append(owners[ino], Owner{PID: pr.PID, Comm: pr.Comm})
		}
	}
	return owners, denied
}

// socketInode reads the inode of a descriptor link such as "socket:[12345]".
func socketInode(target string) (uint64, bool) {
	s, ok := strings.CutPrefix(target, "socket:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// WriteOwners prints one row per socket and owner, by inode.
func WriteOwners(w io.Writer, owners map[uint64][]Owner) error {
	inodes := make([]uint64, 0, len(owners))
	for ino := range owners {
		inodes = append(inodes, ino)
	}
	sort.Slice(inodes, func(i, j int) bool { return inodes[i] < inodes[j] })
	if _, err := fmt.Fprintf(w, "%12s %7s %s\n", "INODE", "PID", "COMM"); err != nil {
		return err
	}
	for _, ino := range inodes {
		for _, o := range owners[ino] {
			if _, err := fmt.Fprintf(w, "%12d %7d %s\n", ino, o.PID, o.Comm); err != nil {
				return err
			}
		}
	}
	return nil
}

// Conntrack sums the per-CPU conntrack statistics of the namespace pfs
// looks at, by the column names of /proc/net/stat/nf_conntrack. Columns
// that kernels renamed (searched became clashres, delete_list became
// chainlength) are left out. "entries" is the table size (a gauge); the
// others count events.
func Conntrack(pfs procfs.FS) (map[string]uint64, error) {
	stats, err := pfs.ConntrackStat()
	if err != nil {
		return nil, err
	}
	out := map[string]uint64{}
	for i, s := range stats {
		if i == 0 {
			// Every CPU row repeats the table size.
			out["entries"] = s.Entries
		}
		out["found"] += s.Found
		out["new"] += s.New
		out["invalid"] += s.Invalid
		out["ignore"] += s.Ignore
		out["delete"] += s.Delete
		out["insert"] += s.Insert
		out["insert_failed"] += s.InsertFailed
		out["drop"] += s.Drop
		out["early_drop"] += s.EarlyDrop
		out["search_restart"] += s.SearchRestart
	}
	return out, nil
}

// IPVS returns the IPVS totals of the namespace pfs looks at.
func IPVS(pfs procfs.FS) (map[string]uint64, error) {
	s, err := pfs.IPVSStats()
	if err != nil {
		return nil, err
	}
	return map[string]uint64{
		"Conns":      s.Connections,
		"InPackets":  s.IncomingPackets,
		"OutPackets": s.OutgoingPackets,
		"InBytes":    s.IncomingBytes,
		"OutBytes":   s.OutgoingBytes,
	}, nil
}
