package artifact

import (
	"encoding/json"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// CollectSchema names the manifest.json that `nettriage collect` writes at
// the top of its bundles. The manifest is the bundle's contract: the
// collector (live/collect) writes it, and the expander reads it back to
// label each file with its namespace, command and counter snapshot.
const CollectSchema = "nettriage.collect/v1"

// CollectManifest is the manifest.json of a collected bundle.
type CollectManifest struct {
	Schema     string    `json:"schema"`
	Tool       string    `json:"tool"`
	Host       string    `json:"host"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	Interval   string    `json:"interval"`   // between the two counter snapshots
	Privileged bool      `json:"privileged"` // collected as root
	// Notes say what the collection could not do and why (not root, a
	// --pid that shares the host's namespace, ...).
	Notes   []string        `json:"notes,omitempty"`
	Targets []CollectTarget `json:"targets,omitempty"`
	Files   []CollectFile   `json:"files"`
}

// CollectTarget is one --pid process and the network namespace it is in.
type CollectTarget struct {
	PID     int    `json:"pid"`
	Comm    string `json:"comm,omitempty"`
	Cmdline string `json:"cmdline,omitempty"`
	NetNS   uint32 `json:"netns,omitempty"` // inode of /proc/PID/ns/net, 0 when unreadable
	// Namespace labels the files of this process ("pid:1234"); "" when the
	// process shares the host's namespace and nothing was collected apart.
	Namespace string `json:"namespace,omitempty"`
	Note      string `json:"note,omitempty"`
}

// CollectFile is one thing the collector tried to store: a /proc file, a
// directory tree (Path ends in "/"), a command's output, or a table built
// from procfs. Failed attempts are listed too, with Stored false.
type CollectFile struct {
	Path      string `json:"path"`   // relative to the manifest's directory
	Source    string `json:"source"` // "file", "command" or "procfs"
	From      string `json:"from"`   // the path read, or the command line run
	Namespace string `json:"namespace,omitempty"`
	Snapshot  int    `json:"snapshot,omitempty"` // 1 or 2 for counters taken twice
	// Time is when the file was read (added in collect/v1 bundles of
	// nettriage 0.3; older bundles leave it out).
	Time     time.Time `json:"time,omitzero"`
	Stored   bool      `json:"stored"`
	Bytes    int64     `json:"bytes"`
	Files    int       `json:"files,omitempty"`     // files stored from a tree
	ExitCode *int      `json:"exit_code,omitempty"` // commands that ran
	// DurationMS is how long the read or the command took.
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
	Missing    bool    `json:"missing,omitempty"`    // the command is not installed
	NeedsRoot  bool    `json:"needs_root,omitempty"` // failed for want of privileges
}

// collectedCounterFiles are the /proc/net counter files of one snapshot
// that are joined into one counters artifact (see collectedGroup).
var collectedCounterFiles = []string{"netstat", "snmp", "snmp6"}

// collectedUnparsed are /proc/net files a bundle keeps for the record that
// no parser reads yet. They are left out of the analysis because the
// sniffer would mistake them for another kind: softnet_stat's hex columns
// look like conntrack statistics. (The tcp and udp tables are read as
// sockets.)
var collectedUnparsed = map[string]bool{
	"softnet_stat": true, "sockstat": true, "sockstat6": true,
}

// collectedBundle is one bundle found in a tree by its manifest.
type collectedBundle struct {
	root     string // directory prefix of manifest.json in the tree ("nettriage-node1-.../")
	manifest *CollectManifest
	byPath   map[string]*CollectFile
	trees    []*CollectFile // directory entries, longest path first
	groups   []*collectedGroup
}

// collectedGroup joins files of one host and namespace into one synthetic
// artifact:
//   - the /proc/sys tree, rendered as `sysctl -a` lines (as for sosreports);
//   - the netstat, snmp and snmp6 files of one counter snapshot, in that
//     order. The counters parser reads them as one snapshot, so the two
//     snapshots are compared counter by counter. Kept as three artifacts,
//     the first and last snapshot in name order would be netstat and snmp6,
//     which share no counter.
type collectedGroup struct {
	key   string // directory the files were stored in
	art   *Artifact
	lines []string // sysctl lines, sorted when the group is emitted
	files []string // counter files joined, for the artifact's name
}

// collectedBundles finds the manifests of collected bundles in a tree.
func collectedBundles(t *tree) []*collectedBundle {
	var out []*collectedBundle
	for _, m := range t.members {
		if path.Base(m.path) != "manifest.json" {
			continue
		}
		if _, inSos := t.sosRootFor(m.path); inSos {
			continue
		}
		var man CollectManifest
		if json.Unmarshal(m.data, &man) != nil || man.Schema != CollectSchema {
			continue
		}
		b := &collectedBundle{root: strings.TrimPrefix(path.Dir(m.path)+"/", "./"), manifest: &man,
			byPath: map[string]*CollectFile{}}
		for i := range man.Files {
			f := &man.Files[i]
			if strings.HasSuffix(f.Path, "/") {
				b.trees = append(b.trees, f)
			} else {
				b.byPath[f.Path] = f
			}
		}
		sort.SliceStable(b.trees, func(i, j int) bool { return len(b.trees[i].Path) > len(b.trees[j].Path) })
		out = append(out, b)
	}
	return out
}

// collectedBundleOf returns the bundle a member belongs to, or nil.
// It looks up each directory prefix of p (innermost first), so its cost
// does not grow with the number of bundles.
func collectedBundleOf(bundles map[string]*collectedBundle, p string) *collectedBundle {
	if len(bundles) == 0 {
		return nil
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			if b := bundles[p[:i+1]]; b != nil {
				return b
			}
		}
	}
	return bundles[""]
}

// indexBundles maps each bundle's root to it (the first bundle of a root wins).
func indexBundles(bundles []*collectedBundle) map[string]*collectedBundle {
	m := make(map[string]*collectedBundle, len(bundles))
	for _, b := range bundles {
		if m[b.root] == nil {
			m[b.root] = b
		}
	}
	return m
}

// entry describes the file at rel: its own manifest entry, else the entry
// of the tree it was stored from.
func (b *collectedBundle) entry(rel string) CollectFile {
	if f, ok := b.byPath[rel]; ok {
		return *f
	}
	for _, f := range b.trees {
		if strings.HasPrefix(rel, f.Path) {
			return *f
		}
	}
	return CollectFile{}
}

// add types one member of the bundle. host is what the tree layout says;
// the manifest's host wins.
func (b *collectedBundle) add(x *expander, t *tree, m *member, host string) {
	rel := m.path[len(b.root):]
	if rel == "manifest.json" {
		return
	}
	if h := shortHost(b.manifest.Host); h != "" {
		host = h
	}
	e := b.entry(rel)
	dir, base := path.Split(rel)
	switch {
	case procSysIndex(rel) >= 0:
		i := procSysIndex(rel)
		g := b.group(t.id+b.root+rel[:i]+"proc/sys", host, e.Namespace, KindSysctl)
		sg := &procSysGroup{}
		addProcSys(sg, rel[i+len("proc/sys/"):], m)
		g.art.Size += sg.size
		g.lines = append(g.lines, sg.lines...)
	case strings.HasSuffix(dir, "proc/net/") && collectedUnparsed[base]:
		// kept for the record only
	case strings.HasSuffix(dir, "proc/net/") && e.Snapshot > 0 && slices.Contains(collectedCounterFiles, base):
		text := normalizeText(m.data)
		if len(text) == 0 || isBinary(m.data) {
			return
		}
		g := b.group(t.id+b.root+dir, host, e.Namespace, KindCounters)
		if g.art.Time.IsZero() {
			g.art.Time = e.Time
		}
		// A comment line says where each part starts; the parser skips it.
		g.art.Data = append(g.art.Data, "# /proc/net/"+base+"\n"...)
		g.art.Data = append(g.art.Data, text...)
		if text[len(text)-1] != '\n' {
			g.art.Data = append(g.art.Data, '\n')
		}
		g.art.Size += m.size
		g.files = append(g.files, base)
	default:
		command := ""
		if e.Source == "command" {
			command = e.From
		}
		// As in sosreports, content of no known kind is dropped rather
		// than reported: the collector keeps some tables only for the
		// record (socket owners).
		if a := x.typeFile(m, host, command, true); a != nil {
			a.HostReason = "the collect bundle's manifest"
			if a.Namespace == "" {
				a.Namespace = e.Namespace
			}
		}
	}
}

// group returns the synthetic artifact for files stored under key in
// namespace ns, creating it.
func (b *collectedBundle) group(key, host, ns string, kind Kind) *collectedGroup {
	for _, g := range b.groups {
		if g.key == key && g.art.Namespace == ns {
			return g
		}
	}
	g := &collectedGroup{key: key, art: &Artifact{Name: key, Host: host, Namespace: ns, Kind: kind, HostReason: "the collect bundle's manifest"}}
	b.groups = append(b.groups, g)
	return g
}

// finish emits the synthetic artifacts.
func (b *collectedBundle) finish(x *expander) {
	for _, g := range b.groups {
		a := g.art
		switch a.Kind {
		case KindSysctl:
			if len(g.lines) == 0 {
				continue
			}
			sort.Strings(g.lines)
			a.Data = []byte(strings.Join(g.lines, "\n") + "\n")
		case KindCounters:
			if len(g.files) == 0 {
				continue
			}
			// "bundle.tar.gz!top/snapshot-1/proc/net/netstat+snmp+snmp6"
			a.Name += strings.Join(g.files, "+")
		}
		x.output = append(x.output, a)
	}
}
