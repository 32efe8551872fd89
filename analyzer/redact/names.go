package redact

import (
	"encoding/hex"
	"net/netip"
	"regexp"
	"sort"
	"strings"
)

// nameTable hands out keyed pseudonyms of one kind of name: kind-xxxxxx,
// the same for the same name (in any case) under the same key.
type nameTable struct {
	r            *Redactor
	kind, suffix string
	pseudo       map[string]string // lower case → pseudonym
	orig         map[string]string // lower case → as first seen
	used         map[string]bool
}

func newNameTable(r *Redactor, kind, suffix string) *nameTable {
	return &nameTable{r: r, kind: kind, suffix: suffix, pseudo: map[string]string{}, orig: map[string]string{}, used: map[string]bool{}}
}

// add registers name and reports whether it is new. Host and domain names
// are case-insensitive and kept in lower case in the table; user names as
// first seen.
func (t *nameTable) add(name string) bool {
	low := strings.ToLower(name)
	if t.kind != "user" {
		name = low
	}
	if _, ok := t.pseudo[low]; ok {
		return false
	}
	sum := t.r.hmac(t.kind, low)
	for n := 3; ; n++ {
		p := t.kind + "-" + hex.EncodeToString(sum[:n]) + t.suffix
		if !t.used[p] {
			t.used[p] = true
			t.pseudo[low], t.orig[low] = p, name
			t.r.names = nil
			return true
		}
	}
}

func (t *nameTable) get(name string) (string, bool) {
	p, ok := t.pseudo[strings.ToLower(name)]
	return p, ok
}

// notHosts are words found where a host name goes that name no host:
// artifact.DefaultHost ("default") labels inputs whose host is unknown.
var notHosts = map[string]bool{"localhost": true, "default": true, "localdomain": true, "unknown": true,
	"none": true, "(none)": true, "kernel": true, "host": true}

// publicDomains are domains everyone uses; they tell nothing about a site
// and are kept.
var publicDomains = map[string]bool{"ec2.internal": true, "compute.internal": true, "cluster.local": true,
	"svc.cluster.local": true, "localdomain": true, "local": true, "in-addr.arpa": true, "ip6.arpa": true,
	"example.com": true, "example.org": true, "example.net": true, "google.internal": true}

// AddHost registers a host name. A fully qualified name registers its first
// label as the host and the rest as its domain. "localhost", "default" and
// address literals are ignored; a name registered twice keeps its pseudonym.
func (r *Redactor) AddHost(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addHost(name)
}

func (r *Redactor) addHost(name string) {
	name = strings.TrimSuffix(strings.TrimSpace(name), ".")
	if name == "" || len(name) > 253 || !validName(name) || !hasLetter(name) {
		return
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return
	}
	short, domain, _ := strings.Cut(name, ".")
	if notHosts[strings.ToLower(short)] || !hasLetter(short) {
		return
	}
	if !ipDashedWhole.MatchString(short) { // ip-10-1-2-3 is redacted as an address
		r.hosts.add(short)
	}
	if domain != "" {
		r.addDomain(domain)
	}
}

var ipDashedWhole = regexp.MustCompile(`(?i)^ip-[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}$`)

func (r *Redactor) addDomain(d string) {
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	if !strings.Contains(d, ".") || !strings.ContainsAny(d, "abcdefghijklmnopqrstuvwxyz") || publicDomains[d] || d == "example" || strings.HasSuffix(d, ".example") {
		return
	}
	if strings.HasSuffix(d, ".svc.cluster.local") {
		// a Kubernetes namespace; the standard ones are kept
		ns := strings.TrimSuffix(d, ".svc.cluster.local")
		if ns == "default" || ns == "kube-system" || ns == "kube-public" {
			return
		}
	}
	r.domains.add(d)
}

// AddUser registers a user name. "root" and system accounts are ignored:
// they name no one.
func (r *Redactor) AddUser(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addUser(name)
}

func (r *Redactor) addUser(name string) {
	name = strings.TrimSpace(name)
	if name == "" || !validName(name) || !hasLetter(name) || systemUser(name) {
		return
	}
	r.users.add(name)
}

// systemUsers are accounts that name software, not people.
var systemUsers = map[string]bool{"root": true, "nobody": true, "daemon": true, "bin": true, "sys": true, "adm": true,
	"lp": true, "mail": true, "news": true, "uucp": true, "man": true, "games": true, "proxy": true, "backup": true,
	"list": true, "irc": true, "gnats": true, "ftp": true, "sync": true, "shutdown": true, "halt": true, "operator": true,
	"www-data": true, "www": true, "nginx": true, "apache": true, "httpd": true, "haproxy": true, "keepalived": true,
	"dbus": true, "messagebus": true, "polkitd": true, "chrony": true, "_chrony": true, "ntp": true, "postfix": true,
	"sshd": true, "rpc": true, "rpcuser": true, "avahi": true, "colord": true, "rtkit": true, "syslog": true,
	"mysql": true, "postgres": true, "redis": true, "memcache": true, "memcached": true, "etcd": true, "named": true,
	"bind": true, "dnsmasq": true, "tss": true, "unbound": true, "gdm": true, "sssd": true, "pcp": true,
	"setroubleshoot": true, "libstoragemgmt": true, "cockpit-ws": true, "cockpit-wsinstance": true, "_apt": true,
	"uuidd": true, "tcpdump": true, "usbmux": true, "landscape": true, "pollinate": true, "tcpdump+": true,
	"rabbitmq": true, "elasticsearch": true, "kafka": true, "zookeeper": true, "prometheus": true, "grafana": true,
	"node-exporter": true, "nfsnobody": true, "saslauth": true, "abrt": true, "geoclue": true, "pulse": true,
	"clevis": true, "nscd": true, "radvd": true, "qemu": true, "libvirt-qemu": true, "dnsmasq-dhcp": true,
	"systemd-network": true, "systemd-resolve": true, "systemd-timesync": true, "systemd-coredump": true,
	"systemd-oom": true, "systemd-journal": true, "message+": true, "systemd+": true, "libstor+": true, "polkitd+": true,
	"dockremap": true, "containerd": true, "kube": true, "calico": true, "cilium": true}

func systemUser(name string) bool {
	low := strings.ToLower(name)
	if systemUsers[low] || strings.HasPrefix(low, "systemd-") || strings.HasPrefix(low, "_") {
		return true
	}
	if p, ok := strings.CutSuffix(low, "+"); ok { // ps truncates long names: "systemd+"
		for u := range systemUsers {
			if strings.HasPrefix(u, p) {
				return true
			}
		}
		return strings.HasPrefix("systemd-", p) || strings.HasPrefix(p, "systemd")
	}
	return false
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '+') {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if isLetter(s[i]) {
			return true
		}
	}
	return false
}

// ---- learning ----

var (
	promptBracket = regexp.MustCompile(`\[([A-Za-z_][A-Za-z0-9_.-]*)@([A-Za-z0-9][A-Za-z0-9_.-]*)(?:[ :][^\]]*)?\]\s?[#$%>]`)
	promptColon   = regexp.MustCompile(`(?:^|[\s(])([A-Za-z_][A-Za-z0-9_.-]*)@([A-Za-z0-9][A-Za-z0-9_.-]*):\S*\s?[#$%>](?:\s|$)`)
	// node-1:~# cmd, alice@node-1 ~ $ cmd (as analyzer/artifact reads prompts)
	promptHostDir = regexp.MustCompile(`(?m)^\s*([A-Za-z0-9][A-Za-z0-9_.-]*):(?:~[^#$\s]*|/[^/#$\s][^#$\s]*|/)\s?[#$]\s`)
	promptSpace   = regexp.MustCompile(`(?m)^\s*([A-Za-z_][A-Za-z0-9_.-]*)@([A-Za-z0-9_.-]+)\s+(?:~\S*|/\S*)\s+[#$]\s`)
	sshTarget     = regexp.MustCompile(`\b(?:ssh|scp|rsync|sftp|mosh)\s+(?:-\S+\s+)*([A-Za-z_][A-Za-z0-9_.-]*)@([A-Za-z0-9][A-Za-z0-9.-]*)`)
	email         = regexp.MustCompile(`\b([A-Za-z0-9._%+-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b`)
	syslogHost    = regexp.MustCompile(`^\s*(?:<\d+>\d?\s*)?(?:[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s+[A-Za-z0-9_.()/@-]+(?:\[\d+\])?:`)
	sosName       = regexp.MustCompile(`sosreport-[A-Za-z0-9._-]+`)
	homeDir       = regexp.MustCompile(`/(?:home|Users)/([A-Za-z_][A-Za-z0-9_.-]*)`)
	psAux         = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.-]*\+?)\s+\d+\s+\d+(?:\.\d+)?\s+\d+(?:\.\d+)?\s+\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+\d+:\d+(?:\.\d+)?\s+(\S+)`)
	psEf          = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.-]*\+?)\s+\d+\s+\d+\s+\d+\s+\S+\s+\S+\s+(?:\d+-)?\d+:\d+:\d+\s+(\S+)`)
	lsofRow       = regexp.MustCompile(`^\s*(\S+)\s+\d+(?:\s+\d+)?\s+([A-Za-z_][A-Za-z0-9_.-]*\+?)\s+(?:\d+[urwWRU]?|cwd|rtd|txt|mem|DEL)\s+(?:IPv4|IPv6|unix|sock|REG|DIR|CHR|FIFO|a_inode|netlink|pack|raw|raw6)\s`)
	fqdn          = regexp.MustCompile(`[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`)
)

// internalTLDs end names that are a site's own; internalLabels mark a
// site's own zone inside a public domain (lb-7.corp.acme.com).
var (
	internalTLDs   = map[string]bool{"internal": true, "local": true, "lan": true, "corp": true, "intra": true, "intranet": true, "localdomain": true, "home": true, "priv": true, "private": true, "arpa": false}
	internalLabels = map[string]bool{"corp": true, "internal": true, "intra": true, "intranet": true, "int": true, "lan": true, "ad": true, "prod": true, "staging": true, "dc": true}
	unitSuffixes   = map[string]bool{"service": true, "socket": true, "target": true, "timer": true, "mount": true, "scope": true, "slice": true, "path": true, "device": true, "swap": true}
	// fileSuffix lists file name endings that make "node-1.log.gz" a file
	// name rather than a host in a domain.
	fileSuffix = map[string]bool{"txt": true, "log": true, "gz": true, "xz": true, "bz2": true, "tar": true,
		"tgz": true, "zip": true, "conf": true, "json": true, "yaml": true, "yml": true, "out": true, "pcap": true,
		"pcapng": true, "cap": true, "html": true, "md": true, "csv": true, "service": true, "d": true, "sh": true}
)

// learn registers the names that s reveals by their place: prompts, syslog
// host fields, sosreport names, ssh targets, e-mail addresses, /home paths,
// the USER column of ps and lsof, FQDNs in internal zones.
func (r *Redactor) learn(s string) {
	if strings.Contains(s, "@") {
		for _, re := range []*regexp.Regexp{promptBracket, promptColon, promptSpace, sshTarget} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				r.addUser(m[1])
				r.addHost(m[2])
			}
		}
		for _, m := range email.FindAllStringSubmatch(s, -1) {
			d := strings.ToLower(m[2])
			if unitSuffixes[d[strings.LastIndexByte(d, '.')+1:]] {
				continue
			}
			r.addUser(m[1])
			if first, rest, _ := strings.Cut(d, "."); r.hosts.pseudo[first] != "" {
				r.addDomain(rest) // user@host.domain: the host is known
			} else {
				r.addDomain(d)
			}
		}
	}
	for _, m := range promptHostDir.FindAllStringSubmatch(s, -1) {
		r.addHost(m[1])
	}
	if strings.Contains(s, "sosreport-") {
		for _, m := range sosName.FindAllString(s, -1) {
			r.addHost(hostFromSosName(m))
		}
	}
	if strings.Contains(s, "/home/") || strings.Contains(s, "/Users/") {
		for _, m := range homeDir.FindAllStringSubmatch(s, -1) {
			r.addUser(m[1])
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if len(line) < 8 {
			continue
		}
		if m := syslogHost.FindStringSubmatch(line); m != nil {
			r.addHost(m[1])
		}
		for _, re := range []*regexp.Regexp{psAux, psEf} {
			if m := re.FindStringSubmatch(line); m != nil {
				r.processUser(m[1], m[2])
			}
		}
		if m := lsofRow.FindStringSubmatch(line); m != nil {
			r.processUser(m[2], m[1])
		}
	}
	for _, m := range fqdn.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if i > 0 && (s[i-1] == '-' || s[i-1] == '.' || s[i-1] == '/' && !(i > 1 && s[i-2] == '/')) || j < len(s) && s[j] == '-' {
			continue // inside a longer word, or a path
		}
		name := s[i:j]
		labels := strings.Split(strings.ToLower(name), ".")
		last := labels[len(labels)-1]
		internal := internalTLDs[last]
		for _, l := range labels[1 : len(labels)-1] {
			internal = internal || internalLabels[l]
		}
		if !internal || !hasLetter(labels[0]) || len(labels) < 2 {
			continue
		}
		if strings.HasSuffix(strings.ToLower(name), ".cluster.local") && len(labels) >= 5 {
			r.addDomain(strings.Join(labels[1:], "."))
			if first := labels[0]; first != "kubernetes" && first != "kube-dns" && first != "coredns" {
				r.addHost(labels[0])
			}
			continue
		}
		if len(labels) == 2 {
			// "web-1.corp": a host in a one-label internal zone, which
			// is kept (it says little and is an ordinary word)
			r.addHost(labels[0])
			continue
		}
		r.addHost(name)
	}
}

// processUser registers the user of a ps or lsof row unless it is a system
// account or named like the process it runs.
func (r *Redactor) processUser(user, command string) {
	cmd := command
	if k := strings.LastIndexByte(cmd, '/'); k >= 0 {
		cmd = cmd[k+1:]
	}
	cmd = strings.Trim(cmd, "[]:")
	u := strings.TrimSuffix(strings.ToLower(user), "+")
	c := strings.ToLower(cmd)
	if u == c || strings.HasPrefix(c, u) && len(u) >= 7 {
		return
	}
	r.addUser(user)
}

var (
	sosFriendlyName = regexp.MustCompile(`^(.+?)-\d{4}-\d{2}-\d{2}-[a-z0-9]+$`)
	sosLegacyName   = regexp.MustCompile(`^(.+?)-\d{14}$`)
	sosCaseSuffix   = regexp.MustCompile(`-\d{6,}$`)
)

// hostFromSosName extracts HOST from "sosreport-HOST-..." as the artifact
// package does.
func hostFromSosName(name string) string {
	for _, ext := range []string{".tar.xz", ".tar.gz", ".tar.bz2", ".tgz", ".txz", ".tar", ".zip", ".xz", ".gz"} {
		name = strings.TrimSuffix(name, ext)
	}
	rest, ok := strings.CutPrefix(name, "sosreport-")
	if !ok || rest == "" {
		return ""
	}
	if m := sosFriendlyName.FindStringSubmatch(rest); m != nil {
		rest = m[1]
		if trimmed := sosCaseSuffix.ReplaceAllString(rest, ""); trimmed != "" {
			rest = trimmed
		}
	} else if m := sosLegacyName.FindStringSubmatch(rest); m != nil {
		rest, _, _ = strings.Cut(m[1], ".")
	} else {
		return ""
	}
	return rest
}

// fqdnTail matches the domain part of an FQDN: two or more labels.
var fqdnTail = regexp.MustCompile(`^(\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?){2,}`)

// learnRelated registers the domain of every FQDN form of a registered
// host in s (the host followed by at least two more labels, unless the
// last one is a file suffix), and every host written in a registered
// domain.
func (r *Redactor) learnRelated(s string) {
	re := r.namesRegexp()
	if re == nil {
		return
	}
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if (i > 0 && isAlnum(s[i-1])) || (j < len(s) && isAlnum(s[j])) {
			continue
		}
		word := s[i:j]
		if _, ok := r.hosts.get(word); ok {
			t := fqdnTail.FindString(s[j:])
			if t == "" || fileSuffix[strings.ToLower(t[strings.LastIndexByte(t, '.')+1:])] {
				continue
			}
			r.addDomain(t[1:])
			continue
		}
		if _, ok := r.domains.get(word); ok && i > 1 && s[i-1] == '.' {
			k := i - 1
			for k > 0 && (isAlnum(s[k-1]) || s[k-1] == '-' || s[k-1] == '_') {
				k--
			}
			if k > 0 && (s[k-1] == '.' || s[k-1] == '/' && k > 1 && s[k-2] != '/') {
				continue
			}
			r.addHost(s[k : i-1])
		}
	}
}

// ---- replacing ----

// replaceNames replaces registered host, domain and user names, whole words
// only, in any case.
func (r *Redactor) replaceNames(s string) string {
	re := r.namesRegexp()
	if re == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if i < last || (i > 0 && isAlnum(s[i-1])) || (j < len(s) && isAlnum(s[j])) {
			continue
		}
		word := s[i:j]
		var rep string
		if p, ok := r.hosts.get(word); ok {
			rep = p
			// an FQDN: the host followed by a registered domain
			if d, k := r.domainAt(s, j); k > j {
				rep += "." + d
				j = k
			}
		} else if p, ok := r.users.get(word); ok {
			rep = p
		} else if p, ok := r.domains.get(word); ok {
			if j+1 < len(s) && s[j] == '.' && isAlnum(s[j+1]) {
				continue
			}
			rep = p
		} else {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// domainAt returns the pseudonym of the registered domain that follows
// s[:j] as ".domain", and where it ends; k == j when there is none.
func (r *Redactor) domainAt(s string, j int) (string, int) {
	if j >= len(s) || s[j] != '.' {
		return "", j
	}
	k := j + 1
	for k < len(s) && (isAlnum(s[k]) || s[k] == '-' || s[k] == '.') {
		k++
	}
	cand := strings.ToLower(strings.TrimRight(s[j+1:k], "."))
	// the longest registered domain that is a label-prefix of cand
	for cand != "" {
		if p, ok := r.domains.get(cand); ok {
			return p, j + 1 + len(cand)
		}
		dot := strings.LastIndexByte(cand, '.')
		if dot < 0 {
			break
		}
		cand = cand[:dot]
	}
	return "", j
}

func (r *Redactor) namesRegexp() *regexp.Regexp {
	if r.names != nil {
		return r.names
	}
	var all []string
	for _, t := range []*nameTable{r.hosts, r.users, r.domains} {
		for k := range t.pseudo {
			all = append(all, k)
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.Slice(all, func(a, b int) bool {
		if len(all[a]) != len(all[b]) {
			return len(all[a]) > len(all[b])
		}
		return all[a] < all[b]
	})
	for k, s := range all {
		all[k] = regexp.QuoteMeta(s)
	}
	r.names = regexp.MustCompile(`(?i)` + strings.Join(all, "|"))
	return r.names
}
