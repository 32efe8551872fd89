package artifact

import (
	"bytes"
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/nettriage/nettriage/analyzer/parse/sysctl"
	"github.com/nettriage/nettriage/analyzer/source"
)

// sysctlKey maps a /proc/sys path to the dotted key sysctl(8) prints.
func sysctlKey(p string) string { return sysctl.Key(p) }

// finish types every member of every tree and returns the artifacts.
func (x *expander) finish() ([]*Artifact, []Error) {
	for _, t := range x.trees {
		x.emitTree(t)
	}
	for _, a := range x.output {
		if a.HostReason == "" {
			if a.Host == "" || a.Host == DefaultHost {
				a.HostReason = "no host is named in this input"
			} else {
				a.HostReason = "named by the input"
			}
		}
	}
	return x.output, x.errs
}

// NotAnalysed counts files of a bundle directory that were not analysed,
// and says why, so that a report accounts for everything a sosreport holds
// in one line per directory.
type NotAnalysed struct {
	Path   string
	Count  int
	Reason string
}

// Reasons a bundle file is not analysed.
const (
	reasonNoParser = "no parser reads these outputs"
	reasonNoKind   = "read, but not of a kind nettriage parses"
)

// sosAccounted are the sosreport directories whose every file the report
// accounts for: those of the networking, kernel, process, firewall, IPVS
// and keepalived plugins, and the copied /proc/net.
var sosAccounted = []string{"sos_commands/networking/", "sos_commands/kernel/", "sos_commands/process/",
	"sos_commands/firewall_tables/", "sos_commands/ipvs/", "sos_commands/keepalived/",
	"sos_commands/conntrack/", "sos_commands/firewalld/", "sos_commands/openvswitch/", "sos_commands/date/",
	"sos_commands/nftables/",
	"proc/net/", "etc/keepalived/"}

// notAnalysed counts a sosreport file that was not analysed, when it is
// in a directory the report accounts for.
func (x *expander) notAnalysed(root, rel, reason string) {
	dir := path.Dir(rel) + "/"
	counted := false
	for _, d := range sosAccounted {
		if strings.HasPrefix(dir, d) {
			counted = true
			break
		}
	}
	if !counted {
		return
	}
	key := root + dir + "\x00" + reason
	if x.skipped == nil {
		x.skipped = map[string]*NotAnalysed{}
	}
	n := x.skipped[key]
	if n == nil {
		n = &NotAnalysed{Path: strings.TrimSuffix(root+dir, "/"), Reason: reason}
		x.skipped[key] = n
		x.skippedOrder = append(x.skippedOrder, key)
	}
	n.Count++
}

// NotAnalysedList returns the counts in the order directories were met.
func (x *expander) notAnalysedList() []NotAnalysed {
	out := make([]NotAnalysed, 0, len(x.skippedOrder))
	for _, k := range x.skippedOrder {
		out = append(out, *x.skipped[k])
	}
	return out
}

// procSysGroup collects /proc/sys files of one host and namespace into one
// synthetic sysctl artifact.
type procSysGroup struct {
	name      string
	host      string
	namespace string
	lines     []string
	size      int64
}

func (x *expander) emitTree(t *tree) {
	type sosInfo struct {
		host, why string
		manifest  map[string]sosManifestEntry
	}
	byPath := map[string]*member{}
	for _, m := range t.members {
		byPath[m.path] = m
	}
	if t.inSosreport() && len(t.sosRoots) == 0 {
		x.emitInSosreport(t)
		return
	}
	soses := map[string]*sosInfo{}
	t.sosHosts = map[string][2]string{}
	for root := range t.sosRoots {
		h, why := sosHost(t, root, byPath)
		info := &sosInfo{host: h, why: why}
		if m := byPath[root+"sos_reports/manifest.json"]; m != nil {
			info.manifest = parseSosManifest(m.data)
		}
		soses[root] = info
		t.sosHosts[root] = [2]string{h, why}
	}
	plainHosts := plainTreeHosts(t)
	collected := collectedBundles(t) // bundles of `nettriage collect` (collected.go)
	bundleIndex := indexBundles(collected)
	var groups []*procSysGroup
	type groupKey struct{ name, host, ns string }
	groupIndex := map[groupKey]*procSysGroup{} // a map: there may be thousands of roots
	groupFor := func(prefix, host, ns string) *procSysGroup {
		k := groupKey{t.id + prefix + "proc/sys", host, ns}
		if g := groupIndex[k]; g != nil {
			return g
		}
		g := &procSysGroup{name: k.name, host: host, namespace: ns}
		groupIndex[k] = g
		groups = append(groups, g)
		return g
	}
	for _, m := range t.members {
		root, inSos := t.sosRootFor(m.path)
		var host string
		if inSos {
			rel := m.path[len(root):]
			if rel == "sos_reports/manifest.json" {
				continue
			}
			if !sosRelevant(rel) {
				x.notAnalysed(t.id+root, rel, reasonNoParser)
				continue
			}
			info := soses[root]
			host = info.host
			if i := strings.Index(rel, "proc/sys/"); i == 0 {
				addProcSys(groupFor(root, host, ""), rel[len("proc/sys/"):], m)
				continue
			}
			entry, listed := info.manifest[rel]
			command := entry.exec
			if !listed && strings.HasPrefix(rel, "sos_commands/") {
				command, _ = demangle(path.Base(rel))
			}
			a := x.typeFile(m, host, command, true)
			if a == nil && len(m.data) > 0 {
				x.notAnalysed(t.id+root, rel, reasonNoKind)
			}
			if a != nil {
				a.HostReason = info.why
			}
			if a != nil && entry.truncated {
				a.Warnings = append(a.Warnings, source.Warnf(0, "sosreport truncated this output"))
			}
			continue
		}
		host = plainHosts[m.path].host
		if b := collectedBundleOf(bundleIndex, m.path); b != nil {
			b.add(x, t, m, host)
			continue
		}
		if i := procSysIndex(m.path); i >= 0 {
			addProcSys(groupFor(m.path[:i], host, ""), m.path[i+len("proc/sys/"):], m)
			continue
		}
		before := len(x.output)
		x.typeFile(m, host, "", false)
		for _, a := range x.output[before:] {
			if a.HostReason == "" {
				a.HostReason = plainHosts[m.path].why
			}
		}
	}
	for _, b := range collected {
		b.finish(x)
	}
	for _, g := range groups {
		if len(g.lines) == 0 {
			continue
		}
		sort.Strings(g.lines)
		data := []byte(strings.Join(g.lines, "\n") + "\n")
		x.output = append(x.output, &Artifact{Name: g.name, Host: g.host, Namespace: g.namespace,
			Kind: KindSysctl, Data: data, Size: g.size})
	}
}

// emitInSosreport types the members of an archive stored inside a
// sosreport (sos_commands/logs.xz, sys.tgz, kallsyms.tgz) as the
// sosreport's own files: by the path they stand for there, with its host,
// and only when they are relevant and of a known kind.
func (x *expander) emitInSosreport(t *tree) {
	root, _ := t.parent.sosRootFor(t.parentPath)
	host := t.parent.sosHosts[root]
	dir := path.Dir(t.parentPath[len(root):]) + "/"
	if dir == "./" {
		dir = ""
	}
	for _, m := range t.members {
		rel := dir + m.path
		if !sosRelevant(rel) {
			x.notAnalysed(t.parent.id+root, rel, reasonNoParser)
			continue
		}
		command := ""
		if strings.HasPrefix(rel, "sos_commands/") {
			command, _ = demangle(path.Base(rel))
		}
		a := x.typeFile(m, host[0], command, true)
		if a == nil && len(m.data) > 0 {
			x.notAnalysed(t.parent.id+root, rel, reasonNoKind)
		}
		if a != nil {
			a.HostReason = host[1]
		}
	}
}

// procSysIndex finds a "proc/sys/" directory in p.
func procSysIndex(p string) int {
	if strings.HasPrefix(p, "proc/sys/") {
		return 0
	}
	if i := strings.Index(p, "/proc/sys/"); i >= 0 {
		return i + 1
	}
	return -1
}

// addProcSys renders one /proc/sys file the way sysctl -a does: one
// "key = value" line per line of the file.
func addProcSys(g *procSysGroup, rel string, m *member) {
	g.size += m.size
	if isBinary(m.data) {
		return
	}
	key := sysctlKey(rel)
	text := strings.TrimRight(string(normalizeText(m.data)), "\n")
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		g.lines = append(g.lines, key+" = "+l)
	}
}

// typeFile turns one member into artifacts: pcap, binary, a split
// transcript, or one typed text artifact. Inside a sosreport, files of
// unknown kind are dropped (they are simply not network-relevant). It
// returns the single artifact it made, if any.
func (x *expander) typeFile(m *member, host, command string, inSos bool) *Artifact {
	base := &Artifact{Name: m.name, Host: host, Size: m.size, Warnings: m.warnings}
	if m.open != nil {
		base.Kind, base.Open = KindPcap, m.open
		x.output = append(x.output, base)
		return base
	}
	if len(m.data) == 0 {
		return nil
	}
	if isPcap(m.data) {
		base.Kind, base.Data = KindPcap, m.data
		x.output = append(x.output, base)
		return base
	}
	if isBinary(m.data) {
		if inSos {
			return nil
		}
		base.Kind, base.Data = KindUnknown, m.data
		base.Warnings = append(base.Warnings, source.Warnf(0, "binary content"))
		x.output = append(x.output, base)
		return base
	}
	text := normalizeText(m.data)
	if !inSos {
		if pieces := splitFanout(text); pieces != nil {
			x.emitFanout(m, command, pieces)
			return nil
		}
	}
	if command == "" && !inSos {
		if pieces := splitTranscript(text); pieces != nil {
			x.emitPieces(m, host, pieces)
			return nil
		}
		if cmd, ok := demangle(fileStem(m.path)); ok {
			command = cmd
		}
	}
	info := parseCommand(command)
	kind := Sniff(text, m.path, command)
	if kind == KindUnknown && inSos {
		return nil
	}
	base.Kind, base.Data = kind, text
	base.Command, base.Namespace = info.command, info.namespace
	if kind == KindIptables {
		base.Table = info.table
	}
	x.output = append(x.output, base)
	return base
}

// fileStem is a file's base name without the extensions people add to
// saved command output.
func fileStem(p string) string {
	b := path.Base(p)
	for _, ext := range []string{".txt", ".out", ".log"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

// emitPieces adds one artifact per transcript piece.
func (x *expander) emitPieces(m *member, fileHost string, pieces []piece) {
	for _, p := range pieces {
		host, why := fileHost, ""
		if h := shortHost(p.host); h != "" && h != "localhost" {
			host, why = h, "the shell prompt"
		}
		if inner := fanoutCommand(p.command); inner != "" {
			if fan := splitFanout(p.data); fan != nil {
				for i := range fan {
					fan[i].line0 += p.line0
				}
				x.emitFanout(&member{name: fmt.Sprintf("%s#%d %s", m.name, p.index, shorten(p.command, 80)), warnings: m.warnings}, inner, fan)
				continue
			}
		}
		info := parseCommand(p.command)
		data := p.data
		if v, ok := procSysValue(info.command, data); ok {
			data = v
		}
		kind := Sniff(data, "", p.command)
		name := fmt.Sprintf("%s#%d", m.name, p.index)
		if p.index == 0 {
			// Text before the first prompt is kept only when it is something.
			if kind == KindUnknown {
				continue
			}
		} else {
			name += " " + shorten(p.command, 80)
		}
		a := &Artifact{Name: name, Host: host, Namespace: info.namespace, Kind: kind, Command: info.command,
			Data: data, Size: int64(len(p.data)), Line0: p.line0, Warnings: m.warnings, HostReason: why}
		if kind == KindIptables {
			a.Table = info.table
		}
		x.output = append(x.output, a)
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xc0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// sosHost names the host of a sosreport: its hostname file, else the
// HOST of the sosreport-HOST-... directory or archive name.
func sosHost(t *tree, root string, byPath map[string]*member) (string, string) {
	for _, f := range sosHostFiles {
		if m := byPath[root+f]; m != nil {
			if h := hostFromFile(m.data); h != "" {
				return h, "the sosreport's " + f + " file"
			}
		}
	}
	if h := shortHost(hostFromSosName(root)); h != "" {
		return h, "the sosreport's name"
	}
	if h := shortHost(hostFromSosName(t.id)); h != "" {
		return h, "the sosreport archive's name"
	}
	return DefaultHost, "a sosreport that names no host"
}

var hostLikeRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// hostFromFile reads a hostname file: its first line, shortened.
func hostFromFile(data []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	h := strings.TrimSpace(string(line))
	if !hostLikeRE.MatchString(h) {
		return ""
	}
	return shortHost(h)
}

// shortHost keeps the short name of a host ("node-1" from
// "node-1.domain.tld") so a sosreport and a prompt of the same machine
// agree; addresses are kept whole.
func shortHost(h string) string {
	h = strings.TrimSpace(h)
	if h == "" {
		return ""
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return h
	}
	if i := strings.IndexByte(h, '.'); i > 0 {
		h = h[:i]
	}
	return h
}

// notHostDirs are directory names that are never host names, however
// host-like they look: they name what is inside.
var notHostDirs = map[string]bool{
	"etc": true, "var": true, "proc": true, "sys": true, "tmp": true, "log": true, "logs": true, "run": true,
	"usr": true, "home": true, "root": true, "dev": true, "data": true, "output": true, "outputs": true,
	"files": true, "bundle": true, "artifacts": true, "commands": true, "network": true, "networking": true,
	"net": true, "captures": true, "pcap": true, "pcaps": true, "config": true, "configs": true, "conf": true,
	"kernel": true, "firewall": true, "sockets": true, "counters": true, "stats": true, "before": true,
	"after": true, "collect": true, "collected": true, "sos_commands": true, "sos_reports": true,
}

// looksLikeHostDir accepts a directory name as a host name.
func looksLikeHostDir(name string) bool {
	if notHostDirs[strings.ToLower(name)] || knownCommands[name] || !hostLikeRE.MatchString(name) {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	for _, k := range kindPrecedence {
		if strings.Contains(strings.ToLower(name), string(k)) {
			return false
		}
	}
	return strings.IndexFunc(name, func(r rune) bool { return r < '0' || r > '9' }) >= 0
}

// plainTreeHosts assigns hosts to the members of a tree that are not in a
// sosreport: a hostname file in the member's directory (or above) wins,
// then the top directory when the tree splits into several host-like ones,
// else DefaultHost.
// hostChoice is a host label and why it was chosen.
type hostChoice struct{ host, why string }

func plainTreeHosts(t *tree) map[string]hostChoice {
	hosts := map[string]hostChoice{}
	var plain []*member
	for _, m := range t.members {
		if _, inSos := t.sosRootFor(m.path); !inSos {
			plain = append(plain, m)
		}
	}
	hostnameIn := map[string]string{} // directory -> host from its hostname file
	for _, m := range plain {
		if b := path.Base(m.path); b == "hostname" || b == "hostname.txt" {
			if h := hostFromFile(m.data); h != "" {
				hostnameIn[path.Dir(m.path)] = h
			}
		}
	}
	// Directories common to all members say nothing about hosts.
	common := ""
	for i, m := range plain {
		d := path.Dir(m.path)
		if d == "." {
			d = ""
		}
		if i == 0 {
			common = d
			continue
		}
		for common != "" && d != common && !strings.HasPrefix(d, common+"/") {
			common = path.Dir(common)
			if common == "." {
				common = ""
			}
		}
	}
	tops := map[string]bool{}
	for _, m := range plain {
		if top, ok := topDir(m.path, common); ok {
			tops[top] = true
		}
	}
	eks := eksRoots(t, plain)
	for _, m := range plain {
		if r, ok := eksRootOf(eks, m.path); ok {
			hosts[m.path] = hostChoice{r.host, r.why}
			continue
		}
		host, why := DefaultHost, ""
		if top, ok := topDir(m.path, common); ok && len(tops) >= 2 && looksLikeHostDir(top) {
			host, why = shortHost(top), "its directory "+top+" (one of several host directories)"
		}
		for d := path.Dir(m.path); ; d = path.Dir(d) {
			if h, ok := hostnameIn[d]; ok {
				host, why = h, "the hostname file in "+d
				break
			}
			if d == "." || d == "/" || d == "" {
				break
			}
		}
		hosts[m.path] = hostChoice{host, why}
	}
	return hosts
}

// eksRoot is the top of an EKS node log collector bundle
// (amazon-eks-ami's eks-log-collector.sh): system/, networking/, kernel/,
// sysctls/, var_log/, ipamd/, ... under one directory, the node named by
// system/instance-id.txt or the eks_<instance-id>_... archive name.
type eksRoot struct {
	prefix, host, why string
}

// eksDirs are the directories eks-log-collector.sh creates.
var eksDirs = map[string]bool{"kernel": true, "system": true, "docker": true, "containerd": true, "storage": true,
	"var_log": true, "networking": true, "sandbox-image": true, "ipamd": true, "sysctls": true, "kubelet": true, "cni": true}

var eksArchiveName = regexp.MustCompile(`(?:^|/)eks_(i-[0-9a-f]+)_`)

// eksRoots finds EKS collector bundles among the members: a directory that
// holds system/instance-id.txt, or four or more of the collector's
// directories, including networking/.
func eksRoots(t *tree, plain []*member) []eksRoot {
	dirs := map[string]map[string]bool{} // prefix -> collector dirs seen
	ids := map[string]string{}
	for _, m := range plain {
		p := strings.TrimPrefix(m.path, "./")
		parts := strings.Split(p, "/")
		for i := 0; i+1 < len(parts); i++ {
			if eksDirs[parts[i]] {
				prefix := strings.Join(parts[:i], "/")
				if dirs[prefix] == nil {
					dirs[prefix] = map[string]bool{}
				}
				dirs[prefix][parts[i]] = true
				if parts[i] == "system" && i+2 == len(parts) && parts[i+1] == "instance-id.txt" {
					ids[prefix] = hostFromFile(m.data)
				}
				break
			}
		}
	}
	var out []eksRoot
	for prefix, seen := range dirs {
		if _, hasID := ids[prefix]; !hasID && (len(seen) < 4 || !seen["networking"]) {
			continue
		}
		r := eksRoot{prefix: prefix}
		switch {
		case ids[prefix] != "":
			r.host, r.why = ids[prefix], "the EKS log collector's system/instance-id.txt"
		case eksArchiveName.MatchString(prefix):
			r.host, r.why = eksArchiveName.FindStringSubmatch(prefix)[1], "the EKS log collector's archive name"
		case eksArchiveName.MatchString(t.id):
			r.host, r.why = eksArchiveName.FindStringSubmatch(t.id)[1], "the EKS log collector's archive name"
		default:
			r.host, r.why = DefaultHost, "an EKS log collector bundle that names no instance"
		}
		out = append(out, r)
	}
	return out
}

// eksRootOf finds the EKS bundle a path belongs to.
func eksRootOf(roots []eksRoot, p string) (eksRoot, bool) {
	p = strings.TrimPrefix(p, "./")
	for _, r := range roots {
		if r.prefix == "" || strings.HasPrefix(p, r.prefix+"/") {
			return r, true
		}
	}
	return eksRoot{}, false
}

// topDir returns the first directory of p below common, if p is in one.
func topDir(p, common string) (string, bool) {
	rel := p
	if common != "" {
		rel = strings.TrimPrefix(p, common+"/")
	}
	top, rest, ok := strings.Cut(rel, "/")
	return top, ok && rest != ""
}
