// Package collect gathers, on a live Linux node, what nettriage's rules
// read into one tar.gz bundle that `nettriage analyze` reads back: two
// snapshots of the kernel counters taken an interval apart, the net.*
// sysctls, command outputs (iptables-save, ipvsadm, ss, ...), keepalived's
// configuration, the process table with socket owners, and for each --pid
// the counters, sockets and sysctls of that process's network namespace.
//
// The bundle stores raw bytes: /proc files as read, command outputs as
// printed. Only the process table and the socket owners are tables built
// here, from github.com/prometheus/procfs. manifest.json
// (artifact.CollectManifest) lists every attempt with its source, exit
// code, duration and error. Nothing that fails stops the collection.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"github.com/nettriage/nettriage/analyzer/artifact"
	"github.com/nettriage/nettriage/live/procinfo"
)

// Defaults of Options.
const (
	DefaultInterval = 10 * time.Second
	DefaultTimeout  = 10 * time.Second
)

// Options tune a collection. The zero value collects this host with the
// defaults.
type Options struct {
	PIDs     []int         // processes whose network namespaces are collected too
	Interval time.Duration // between the two counter snapshots
	Timeout  time.Duration // bound of each command
	ProcRoot string        // "/proc"
	EtcRoot  string        // "/etc"
	Commands []Command     // DefaultCommands() when nil
	Tool     string        // the manifest's tool field ("nettriage 1.2.0")
	Progress io.Writer     // one line per step; nil for none
}

// counterFiles are read in both snapshots (paths below /proc/net).
var counterFiles = []string{"netstat", "snmp", "snmp6", "sockstat", "sockstat6", "softnet_stat",
	"stat/nf_conntrack", "ip_vs_stats", "dev", "netlink"}

// tableFiles are read once: the IPVS table, and the raw socket tables,
// which say what ss says when ss is missing (with procfs/socket-owners for
// the processes).
var tableFiles = []string{"ip_vs", "tcp", "tcp6", "udp", "udp6"}

// target is a --pid process collected apart.
type target struct {
	pid int
	ns  string // namespace label, "pid:1234"
	dir string // bundle directory, "pid/1234/"
}

type collector struct {
	opt        Options
	b          *bundle
	pfs        procfs.FS
	privileged bool
	targets    []target
}

// Hostname is the host's name as the kernel has it.
func Hostname(procRoot string) string {
	if b, err := os.ReadFile(filepath.Join(procRoot, "sys/kernel/hostname")); err == nil {
		if h := strings.TrimSpace(string(b)); h != "" {
			return h
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// DefaultOutput is the bundle's file name when none is given.
func DefaultOutput(host string, t time.Time) string {
	return topDir(host, t) + ".tar.gz"
}

// topDir names the bundle's top directory after the host and the time of
// collection.
func topDir(host string, t time.Time) string {
	host = strings.Map(func(r rune) rune {
		if r == '/' || r <= ' ' {
			return '_'
		}
		return r
	}, host)
	return "nettriage-" + host + "-" + t.UTC().Format("2006-01-02-150405")
}

// Run collects into w (a .tar.gz) and returns the manifest it wrote. Only
// an unusable /proc or a failed write is an error; everything else is
// recorded in the manifest. Cancelling ctx stops the wait for the second
// snapshot and kills running commands; what was collected is still
// written.
func Run(ctx context.Context, w io.Writer, opt Options) (*artifact.CollectManifest, error) {
	if opt.Interval < 0 || opt.Timeout < 0 {
		return nil, errors.New("interval and timeout must not be negative")
	}
	if opt.Interval == 0 {
		opt.Interval = DefaultInterval
	}
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.ProcRoot == "" {
		opt.ProcRoot = procfs.DefaultMountPoint
	}
	if opt.EtcRoot == "" {
		opt.EtcRoot = "/etc"
	}
	if opt.Commands == nil {
		opt.Commands = DefaultCommands()
	}
	pfs, err := procfs.NewFS(opt.ProcRoot)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w (collect runs on Linux)", opt.ProcRoot, err)
	}
	host := Hostname(opt.ProcRoot)
	start := time.Now()
	man := &artifact.CollectManifest{Schema: artifact.CollectSchema, Tool: opt.Tool, Host: host,
		Started: start.UTC(), Interval: opt.Interval.String(), Privileged: os.Geteuid() == 0}
	c := &collector{opt: opt, b: newBundle(w, topDir(host, start), man), pfs: pfs, privileged: man.Privileged}

	c.resolveTargets()
	c.progress("snapshot 1 of the counters")
	first := time.Now()
	c.snapshot(1)
	c.linkSnapshot(ctx, 1)
	c.progress("files and sysctls")
	c.files()
	c.sysctls()
	c.progress("process table and socket owners")
	c.processes()
	c.commands(ctx)
	if wait := opt.Interval - time.Since(first); wait > 0 && ctx.Err() == nil {
		c.progress("waiting %s for snapshot 2", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	if ctx.Err() != nil {
		man.Notes = append(man.Notes, "interrupted: commands not yet run were skipped, and without the second snapshot the counters cannot be compared")
	} else {
		c.progress("snapshot 2 of the counters")
		if gap := time.Since(first); gap > opt.Interval+opt.Interval/10 {
			man.Notes = append(man.Notes, fmt.Sprintf("the counter snapshots are %s apart, not %s: the commands took longer",
				gap.Round(time.Millisecond), opt.Interval))
		}
		c.snapshot(2)
		c.linkSnapshot(ctx, 2)
	}
	man.Finished = time.Now().UTC()
	c.summarise()
	return man, c.b.close()
}

func (c *collector) progress(format string, args ...any) {
	if c.opt.Progress != nil {
		fmt.Fprintf(c.opt.Progress, "collect: "+format+"\n", args...)
	}
}

// resolveTargets finds the network namespace of each --pid. A process in
// the collector's own namespace adds nothing (its counters and sockets
// are the host's), so it is only noted.
func (c *collector) resolveTargets() {
	self, selfErr := procinfo.NetNS(c.pfs, os.Getpid())
	seen := map[int]bool{}
	for _, pid := range c.opt.PIDs {
		if seen[pid] {
			continue
		}
		seen[pid] = true
		t := artifact.CollectTarget{PID: pid}
		p, err := c.pfs.Proc(pid)
		if err != nil {
			t.Note = "no such process"
			c.b.man.Targets = append(c.b.man.Targets, t)
			continue
		}
		t.Comm, _ = p.Comm()
		if args, err := p.CmdLine(); err == nil {
			t.Cmdline = strings.Join(args, " ")
		}
		ns, err := procinfo.NetNS(c.pfs, pid)
		switch {
		case err == nil && selfErr == nil && ns == self, err != nil && c.sameNetDir(pid):
			t.NetNS = ns
			t.Note = "shares the host's network namespace: its sockets and counters are the host's"
		case err != nil:
			t.Note = fmt.Sprintf("network namespace unreadable (%s); collected from /proc/%d/net anyway", errText(err), pid)
			fallthrough
		default:
			t.NetNS = ns
			t.Namespace = "pid:" + strconv.Itoa(pid)
			c.targets = append(c.targets, target{pid: pid, ns: t.Namespace, dir: "pid/" + strconv.Itoa(pid) + "/"})
		}
		c.b.man.Targets = append(c.b.man.Targets, t)
	}
}

// sameNetDir tells, without the privilege to read /proc/PID/ns/net,
// whether pid is in the collector's network namespace: each namespace has
// its own /proc/net entries, so /proc/PID/net/netstat is then the very file
// of the collector's.
func (c *collector) sameNetDir(pid int) bool {
	mine, err1 := os.Stat(filepath.Join(c.opt.ProcRoot, strconv.Itoa(os.Getpid()), "net/netstat"))
	theirs, err2 := os.Stat(filepath.Join(c.opt.ProcRoot, strconv.Itoa(pid), "net/netstat"))
	return err1 == nil && err2 == nil && os.SameFile(mine, theirs)
}

// snapshot reads the counter files of the host and of every target.
func (c *collector) snapshot(n int) {
	for _, f := range counterFiles {
		c.readFile(fmt.Sprintf("snapshot-%d/proc/net/%s", n, f), filepath.Join(c.opt.ProcRoot, "net", f), "", n)
	}
	for _, t := range c.targets {
		for _, f := range counterFiles {
			if f == "softnet_stat" {
				continue // per CPU for the whole host, not per namespace
			}
			c.readFile(fmt.Sprintf("%ssnapshot-%d/proc/net/%s", t.dir, n, f),
				filepath.Join(c.opt.ProcRoot, strconv.Itoa(t.pid), "net", f), t.ns, n)
		}
	}
}

// readFile stores one file's raw bytes.
func (c *collector) readFile(rel, src, ns string, snapshot int) {
	start := time.Now()
	data, err := os.ReadFile(src)
	f := artifact.CollectFile{Path: rel, Source: "file", From: src, Namespace: ns, Snapshot: snapshot,
		DurationMS: millis(time.Since(start))}
	if snapshot > 0 {
		f.Time = start.UTC() // counters compared over a known interval
	}
	if err != nil {
		f.Error, f.NeedsRoot = errText(err), isPermission(err)
		c.b.record(f)
		return
	}
	c.b.store(f, data)
}

// files reads the host's identity, keepalived's configuration and the
// tables read once.
func (c *collector) files() {
	c.readFile("hostname", filepath.Join(c.opt.ProcRoot, "sys/kernel/hostname"), "", 0)
	c.readFile("proc/version", filepath.Join(c.opt.ProcRoot, "version"), "", 0)
	// btime: when the host booted, to place dmesg's seconds since boot.
	c.readFile("proc/stat", filepath.Join(c.opt.ProcRoot, "stat"), "", 0)
	c.readFile("etc/os-release", filepath.Join(c.opt.EtcRoot, "os-release"), "", 0)
	c.readFile("etc/resolv.conf", filepath.Join(c.opt.EtcRoot, "resolv.conf"), "", 0)
	c.keepalived()
	for _, f := range tableFiles {
		c.readFile("proc/net/"+f, filepath.Join(c.opt.ProcRoot, "net", f), "", 0)
	}
	for _, t := range c.targets {
		for _, f := range tableFiles {
			c.readFile(t.dir+"proc/net/"+f, filepath.Join(c.opt.ProcRoot, strconv.Itoa(t.pid), "net", f), t.ns, 0)
		}
	}
}

// keepalived stores every file of /etc/keepalived (the configuration and
// the files it includes).
func (c *collector) keepalived() {
	dir := filepath.Join(c.opt.EtcRoot, "keepalived")
	if _, err := os.Stat(dir); err != nil {
		c.b.record(artifact.CollectFile{Path: "etc/keepalived/", Source: "file", From: dir,
			Error: errText(err), NeedsRoot: isPermission(err)})
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(c.opt.EtcRoot, p)
		rel = "etc/" + filepath.ToSlash(rel)
		switch {
		case err != nil:
			c.b.record(artifact.CollectFile{Path: rel, Source: "file", From: p, Error: errText(err), NeedsRoot: isPermission(err)})
		case d.Type().IsRegular():
			c.readFile(rel, p, "", 0)
		}
		return nil
	})
}

// sysctls reads /proc/sys/net (and the kernel settings the rules use) of
// the host, then of every target by entering its network namespace: the
// /proc/sys of a process's root is not its namespace's view, since
// /proc/sys/net shows the namespace of the reader.
func (c *collector) sysctls() {
	start := time.Now()
	t := readSysctls(filepath.Join(c.opt.ProcRoot, "sys"), true)
	c.storeSysctls("", "", "/proc/sys/net, /proc/sys/kernel/{osrelease,version,hostname}", t, nil, time.Since(start))
	for _, tg := range c.targets {
		start := time.Now()
		var t sysctlTree
		err := inNetNS(filepath.Join(c.opt.ProcRoot, strconv.Itoa(tg.pid), "ns/net"), func() {
			t = readSysctls(filepath.Join(c.opt.ProcRoot, "sys"), false)
		})
		c.storeSysctls(tg.dir, tg.ns, fmt.Sprintf("/proc/sys/net in the network namespace of pid %d (setns)", tg.pid), t, err, time.Since(start))
	}
}

func (c *collector) storeSysctls(dir, ns, from string, t sysctlTree, err error, took time.Duration) {
	f := artifact.CollectFile{Path: dir + "proc/sys/", Source: "file", From: from, Namespace: ns, DurationMS: millis(took)}
	if err != nil {
		f.Error, f.NeedsRoot = err.Error(), isPermission(err)
		c.b.record(f)
		return
	}
	for _, s := range t.files {
		c.b.write(dir+"proc/sys/"+s.rel, s.data)
		f.Bytes += int64(len(s.data))
	}
	f.Files, f.Stored = len(t.files), len(t.files) > 0 && c.b.err == nil
	var msgs []string
	if n := len(t.unreadable); n > 0 {
		shown := t.unreadable[:min(n, 5)]
		msgs = append(msgs, fmt.Sprintf("%d unreadable: %s", n, strings.Join(shown, ", ")))
		if n > len(shown) {
			msgs[0] += ", ..."
		}
	}
	if t.writeOnly > 0 {
		msgs = append(msgs, fmt.Sprintf("%d write-only skipped (sysctl -a skips them too)", t.writeOnly))
	}
	f.Error = strings.Join(msgs, "; ")
	f.NeedsRoot = t.denied
	c.b.record(f)
}

// processes stores the process table and the socket owners, read through
// procfs.
func (c *collector) processes() {
	start := time.Now()
	procs, denied, err := procinfo.Processes(c.pfs)
	f := artifact.CollectFile{Path: "procfs/processes", Source: "procfs",
		From: "procfs: /proc/[pid]/{stat,status,cmdline,ns/net} as ps -eo pid,ppid,uid,stat,netns,args"}
	if err != nil {
		f.Error, f.NeedsRoot = errText(err), isPermission(err)
		f.DurationMS = millis(time.Since(start))
		c.b.record(f)
		return
	}
	var buf strings.Builder
	procinfo.WriteProcesses(&buf, procs)
	if denied > 0 {
		f.Error = fmt.Sprintf("network namespace of %d processes unreadable", denied)
		f.NeedsRoot = true
	}
	f.DurationMS = millis(time.Since(start))
	c.b.store(f, []byte(buf.String()))

	start = time.Now()
	owners, deniedPIDs := procinfo.SocketOwners(c.pfs, procs)
	buf.Reset()
	procinfo.WriteOwners(&buf, owners)
	f = artifact.CollectFile{Path: "procfs/socket-owners", Source: "procfs",
		From: "procfs: /proc/[pid]/fd socket:[inode] links", DurationMS: millis(time.Since(start))}
	if len(deniedPIDs) > 0 {
		f.Error = fmt.Sprintf("descriptors of %d processes unreadable", len(deniedPIDs))
		f.NeedsRoot = true
	}
	c.b.store(f, []byte(buf.String()))
}

// commands runs every command on the host, and the per-namespace ones in
// each target's namespace through nsenter.
func (c *collector) commands(ctx context.Context) {
	for _, cmd := range c.opt.Commands {
		if ctx.Err() != nil {
			return
		}
		c.progress("%s", strings.Join(cmd.Args, " "))
		c.runCommand(ctx, "commands/"+fileName(cmd.Args), "", cmd.Args, cmd.Args)
	}
	for _, t := range c.targets {
		for _, cmd := range c.opt.Commands {
			if !cmd.PerPID || ctx.Err() != nil {
				continue
			}
			wrapped := append([]string{"nsenter", "-t", strconv.Itoa(t.pid), "-n"}, cmd.Args...)
			rel := t.dir + "commands/" + fileName(wrapped)
			// nsenter looks the command up in its own PATH, which may
			// lack the sbin directories: give it the full path.
			path, err := lookPath(cmd.Args[0])
			if err != nil {
				c.b.record(artifact.CollectFile{Path: rel, Source: "command", From: strings.Join(wrapped, " "),
					Namespace: t.ns, Missing: true, Error: err.Error()})
				continue
			}
			argv := slices.Concat(wrapped[:4], []string{path}, cmd.Args[1:])
			c.runCommand(ctx, rel, t.ns, wrapped, argv)
		}
	}
}

// runCommand runs argv and stores its output under rel; shown is the
// command line the manifest records.
func (c *collector) runCommand(ctx context.Context, rel, ns string, shown, argv []string) {
	r := run(ctx, c.opt.Timeout, argv)
	f := artifact.CollectFile{Path: rel, Source: "command", From: strings.Join(shown, " "), Namespace: ns,
		DurationMS: millis(r.duration), Error: r.err, Missing: r.missing}
	if !r.missing {
		f.ExitCode = &r.exitCode
		f.NeedsRoot = !c.privileged && needsRoot(r.err)
	}
	var data []byte
	if len(r.out) > 0 || (!r.missing && r.exitCode == 0) {
		data = r.out // an empty output of a command that succeeded is kept: it says "nothing"
		if data == nil {
			data = []byte{}
		}
	}
	c.b.store(f, data)
}

// summarise adds the notes a reader of the manifest needs first.
func (c *collector) summarise() {
	man := c.b.man
	var missing, rooted []string
	for _, f := range man.Files {
		if f.Missing && f.Namespace == "" {
			missing = append(missing, f.From)
		}
		if f.NeedsRoot {
			rooted = append(rooted, f.From)
		}
	}
	if len(missing) > 0 {
		man.Notes = append(man.Notes, "not installed: "+strings.Join(missing, ", "))
	}
	if !c.privileged {
		note := "collected without root: `ss -p` shows only your own processes, and conntrack, IPVS and firewall tables need CAP_NET_ADMIN"
		if len(rooted) > 0 {
			note += "; these needed root: " + strings.Join(rooted, "; ")
		}
		man.Notes = append(man.Notes, note+". Run as root for a complete bundle.")
	}
}

// errText is an error without the path the manifest already shows.
func errText(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "not present"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
