package artifact

import (
	"encoding/json"
	"regexp"
	"strings"
)

// sosRootOf reports the sosreport root a path reveals: the directory that
// holds sos_commands/ or sos_reports/, or a "sosreport-HOST-..." directory.
// The root is "" when the sosreport was archived from inside its directory.
func sosRootOf(p string) (string, bool) {
	segs := strings.Split(p, "/")
	for i, seg := range segs[:len(segs)-1] { // the last segment is the file itself
		switch {
		case seg == "sos_commands" || seg == "sos_reports" || seg == "sos_logs" || seg == "sos_strings":
			if i == 0 {
				return "", true
			}
			return strings.Join(segs[:i], "/") + "/", true
		case strings.HasPrefix(seg, "sosreport-"):
			return strings.Join(segs[:i+1], "/") + "/", true
		}
	}
	return "", false
}

// sosSniffDirs are sos_commands directories whose files may matter; each
// is sniffed and kept only when it is a known kind.
var sosSniffDirs = []string{
	"sos_commands/networking/", "sos_commands/ipvs/", "sos_commands/firewall_tables/",
	"sos_commands/kernel/", "sos_commands/logs/", "sos_commands/keepalived/", "sos_commands/conntrack/",
	"sos_commands/host/", "sos_commands/general/", "sos_commands/firewalld/", "sos_commands/release/",
	"sos_commands/date/", "sos_commands/nftables/", "sos_strings/",
}

// sosSkipCommands are outputs in sosSniffDirs known to be of no kind;
// there can be hundreds of them (one per interface or module).
var sosSkipCommands = []string{"ethtool_", "tc_", "nmcli_", "ip_maddr", "ip_mroute", "ip_-s_macsec",
	"ip_mptcp", "biosdevname", "ifenslave", "bridge_", "devlink", "modinfo_", "lsmod", "bpftool",
	"dkms", "ls_", "lsof_"}

// sosFiles are copied files worth reading, relative to the sosreport root.
var sosFiles = map[string]bool{
	"hostname": true, "uname": true, "date": true, "uptime": true, "proc/uptime": true, "proc/stat": true, "proc/version": true, "proc/net/netstat": true, "proc/net/snmp": true,
	"proc/net/stat/nf_conntrack": true, "proc/net/nf_conntrack": true, "proc/net/ip_vs": true,
	"proc/net/ip_vs_stats": true, "proc/net/ip_vs_conn": true, "etc/hostname": true, "etc/os-release": true,
	"etc/redhat-release": true, "etc/resolv.conf": true, "var/log/dmesg": true, "sos_reports/manifest.json": true,
}

// sosProcPidNet matches /proc/net copied through the /proc/self symlink.
var sosProcPidNet = regexp.MustCompile(`^proc/\d+/net/(netstat|snmp|stat/nf_conntrack|nf_conntrack|ip_vs|ip_vs_stats|ip_vs_conn)$`)

// sosRelevant decides by path alone whether a file of a sosreport (rel is
// relative to its root) can matter. A sosreport holds tens of thousands of
// files; this keeps the rest from being read or sniffed.
func sosRelevant(rel string) bool {
	if sosFiles[rel] || sosProcPidNet.MatchString(rel) || sosLinkPath(rel) {
		return true
	}
	for _, dir := range sosSniffDirs {
		if strings.HasPrefix(rel, dir) {
			base := rel[strings.LastIndexByte(rel, '/')+1:]
			if sosLinkCommand(base) {
				return true
			}
			if strings.HasPrefix(base, "bridge_") && strings.Contains(base, "_fdb") {
				return true // forwarding entries, read as addresses
			}
			for _, skip := range sosSkipCommands {
				if strings.HasPrefix(base, skip) {
					return false
				}
			}
			return true
		}
	}
	switch {
	case strings.HasPrefix(rel, "sos_commands/process/ps_"):
		return true
	case strings.HasPrefix(rel, "proc/sys/"), strings.HasPrefix(rel, "etc/keepalived/"):
		return true
	case strings.HasPrefix(rel, "var/log/"):
		base := rel[len("var/log/"):]
		for _, p := range []string{"messages", "syslog", "kern.log", "keepalived"} {
			if strings.HasPrefix(base, p) {
				return true
			}
		}
	}
	return false
}

// sosHostFiles hold the host name, best first. Older sos versions keep a
// regular "hostname" file at the root; newer ones make it a symlink (which
// is skipped) to sos_commands/host/hostname.
var sosHostFiles = []string{"hostname", "sos_commands/host/hostname", "sos_commands/general/hostname",
	"sos_commands/host/hostname_-f", "etc/hostname"}

var (
	sosFriendlyName = regexp.MustCompile(`^(.+?)-\d{4}-\d{2}-\d{2}-[a-z0-9]+$`) // sos >= 3.6: name[-label][-case]-YYYY-MM-DD-rand
	sosLegacyName   = regexp.MustCompile(`^(.+?)-\d{14}$`)                      // older: name[.case]-YYYYMMDDHHMMSS
	sosCaseSuffix   = regexp.MustCompile(`-\d{6,}$`)                            // support case numbers; short digit runs belong to the host name
)

// hostFromSosName extracts HOST from "sosreport-HOST-..." (a directory or
// archive name), or "" when the name is not one.
func hostFromSosName(name string) string {
	name = strings.TrimSuffix(name, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, "!")
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
	}
	return rest
}

// sosManifestEntry is what sos_reports/manifest.json says about one file.
type sosManifestEntry struct {
	exec      string
	truncated bool
}

// parseSosManifest maps file paths (relative to the root) to the command
// that produced them. The manifest's nesting changed between sos versions,
// so it is searched for any object with "exec" and "filepath".
func parseSosManifest(data []byte) map[string]sosManifestEntry {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil
	}
	out := map[string]sosManifestEntry{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 32 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			exec, _ := v["exec"].(string)
			fp, _ := v["filepath"].(string)
			if exec != "" && fp != "" {
				trunc, _ := v["truncated"].(bool)
				out[strings.TrimPrefix(fp, "/")] = sosManifestEntry{exec: exec, truncated: trunc}
			}
			for _, c := range v {
				walk(c, depth+1)
			}
		case []any:
			for _, c := range v {
				walk(c, depth+1)
			}
		}
	}
	walk(doc, 0)
	return out
}
