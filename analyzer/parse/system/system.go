// Package system parses host identity artifacts (uname -a/-r, /proc/version,
// /etc/os-release, /etc/redhat-release, hostname, date, and the boot clock:
// /proc/uptime, uptime, /proc/stat's btime) so findings can name the
// host and gate kernel-version-specific explanations.
package system

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Info is what the artifacts say about the host. Empty fields were not
// present.
type Info struct {
	Hostname      string
	KernelRelease string // "3.10.0-862.el7.x86_64"
	// KernelBuild is the rest of uname -v / /proc/version ("#1 SMP Wed Mar
	// 21 18:14:51 EDT 2018").
	KernelBuild string
	Machine     string // x86_64, aarch64 (uname -a)
	OSName      string // "CentOS Linux", "Red Hat Enterprise Linux"
	OSVersion   string // "7", "7.5.1804", "8.0"
	OSID        string // os-release ID: centos, rhel, ubuntu
	// OSRelease keeps every os-release key.
	OSRelease   map[string]string
	HostnameSrc source.Ref
	KernelSrc   source.Ref
	OSSrc       source.Ref
	// BootID identifies the boot (hostnamectl, /proc/sys/kernel/random/boot_id).
	BootID string
	// Date is the output of `date` (the time a bundle was collected), as
	// printed; DateSrc is its line.
	Date    string
	DateSrc source.Ref
	// Uptime is how long the host had been up when /proc/uptime or uptime
	// was read (UptimeForm says which, UptimeClock is uptime's time of
	// day); zero when neither was collected.
	Uptime      time.Duration
	UptimeForm  string
	UptimeClock string
	UptimeSrc   source.Ref
	// BootTime is /proc/stat's btime; zero when not collected.
	BootTime time.Time
	BootSrc  source.Ref
}

// dateLine is `date` in the C locale: "Tue Mar  3 08:00:00 UTC 2026".
var dateLine = regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-3]?\d \d{2}:\d{2}:\d{2} (\S+ )?\d{4}$`)

// KernelVersion is a parsed kernel release.
type KernelVersion struct {
	Major, Minor, Patch int
	Distro              string // "el7", "el8", "fc30", "amzn2", ... ("" if none)
}

// AtLeast reports whether the version is major.minor or newer.
func (v KernelVersion) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

var (
	releaseRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)
	distroRE  = regexp.MustCompile(`^(el\d+|fc\d+|amzn\d+|oe\d+|an\d+|ky\d+|uek)`)
	ubuntuABI = regexp.MustCompile(`^-\d+(\.\d+)?-(generic|lowlatency|aws|azure|gcp|gke|kvm|oracle|ibm|raspi|virtual|oem|hwe)`)
)

// ParseKernelVersion parses "3.10.0-862.el7.x86_64", "4.18.0-80.el8.x86_64",
// "5.4.0-42-generic", "2.6.32-754.el6.x86_64".
func ParseKernelVersion(release string) (KernelVersion, bool) {
	m := releaseRE.FindStringSubmatch(strings.TrimSpace(release))
	if m == nil {
		return KernelVersion{}, false
	}
	var v KernelVersion
	var err error
	if v.Major, err = strconv.Atoi(m[1]); err != nil {
		return KernelVersion{}, false
	}
	if v.Minor, err = strconv.Atoi(m[2]); err != nil {
		return KernelVersion{}, false
	}
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	// The distro tag is one of the dot-separated parts after the version,
	// e.g. "el7" in 862.el7.x86_64 or "el7uek" in 1902.3.2.el7uek.x86_64.
	for _, part := range strings.FieldsFunc(release[len(m[0]):], func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		if d := distroRE.FindString(part); d != "" {
			v.Distro = d
			break
		}
	}
	// Ubuntu ("5.4.0-99-generic", "-aws", "-azure"), Debian ("+deb11",
	// "-cloud-amd64") and SUSE ("-default") number their builds their own
	// way: the upstream patch level in the name says nothing about the
	// fixes they carry.
	rest := release[len(m[0]):]
	switch {
	case v.Distro != "":
	case ubuntuABI.MatchString(rest):
		v.Distro = "ubuntu"
	case strings.Contains(rest, "+deb") || strings.HasSuffix(rest, "-amd64") || strings.HasSuffix(rest, "-arm64"):
		v.Distro = "debian"
	case strings.HasSuffix(rest, "-default") || strings.Contains(rest, "-lp"):
		v.Distro = "suse"
	}
	return v, true
}

// Parse reads one identity artifact, or several concatenated. The artifact
// name disambiguates a bare one-word file (hostname vs uname -r).
func Parse(artifact string, data []byte) (*Info, []source.Warning) {
	info := &Info{}
	var warns []source.Warning
	base := strings.ToLower(path.Base(artifact))
	lines := source.Lines(data)
	warns = append(warns, source.CutWarnings(lines)...)
	for _, l := range lines {
		text := strings.TrimSpace(l.Text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		ref := source.At(artifact, l.No, l.Text)
		f := strings.Fields(text)
		switch {
		case dateLine.MatchString(text):
			info.Date, info.DateSrc = text, ref
		case info.hostnamectlLine(text, ref):
		case info.bootLine(text, ref):
		case len(f) >= 3 && f[0] == "Linux" && f[1] == "version":
			// /proc/version: "Linux version 4.18.0-80.el8.x86_64 (mockbuild@...) (gcc ...) #1 SMP ..."
			info.KernelRelease, info.KernelSrc = f[2], ref
			if i := strings.Index(text, " #"); i >= 0 {
				info.KernelBuild = text[i+1:]
			}
		case len(f) >= 3 && f[0] == "Linux" && looksLikeRelease(f[2]):
			// uname -a: "Linux node-1 3.10.0-862.el7.x86_64 #1 SMP ... x86_64 x86_64 x86_64 GNU/Linux"
			info.Hostname, info.HostnameSrc = f[1], ref
			info.KernelRelease, info.KernelSrc = f[2], ref
			info.unameRest(f[3:])
		case isOSReleaseLine(text):
			info.osReleaseLine(text, ref)
		case strings.Contains(text, " release ") && len(f) >= 3:
			// /etc/redhat-release: "CentOS Linux release 7.5.1804 (Core)"
			i := strings.Index(text, " release ")
			rest := strings.Fields(text[i+len(" release "):])
			if _, fromOSRelease := info.OSRelease["NAME"]; !fromOSRelease {
				info.OSName = text[:i]
				if len(rest) > 0 {
					info.OSVersion = rest[0]
				}
				info.OSSrc = ref
			}
		case len(f) == 1 && (strings.Contains(base, "uname") || (!strings.Contains(base, "hostname") && looksLikeRelease(f[0]))):
			info.KernelRelease, info.KernelSrc = f[0], ref
		case len(f) == 1 && isHostname(f[0]):
			info.Hostname, info.HostnameSrc = f[0], ref
		default:
			warns = append(warns, source.Warnf(l.No, "unrecognised line: %.80q", l.Text))
		}
	}
	return info, warns
}

// hostnamectlKeys are the fields `hostnamectl status` prints.
var hostnamectlKeys = map[string]bool{"Static hostname": true, "Transient hostname": true, "Pretty hostname": true,
	"Icon name": true, "Chassis": true, "Machine ID": true, "Boot ID": true, "Virtualization": true,
	"Operating System": true, "CPE OS Name": true, "Kernel": true, "Architecture": true,
	"Hardware Vendor": true, "Hardware Model": true, "Firmware Version": true, "Firmware Date": true,
	"Firmware Age": true, "Location": true, "Deployment": true}

// hostnamectlLine reads one line of `hostnamectl status`: the host name,
// the OS, the kernel and the boot id; other fields are known and skipped.
func (info *Info) hostnamectlLine(text string, ref source.Ref) bool {
	k, v, ok := strings.Cut(text, ": ")
	if !ok || !hostnamectlKeys[k] {
		return false
	}
	v = strings.TrimSpace(v)
	switch k {
	case "Static hostname":
		if isHostname(v) {
			info.Hostname, info.HostnameSrc = v, ref
		}
	case "Operating System":
		if info.OSName == "" {
			info.OSName, info.OSSrc = v, ref
		}
	case "Kernel":
		if rel, found := strings.CutPrefix(v, "Linux "); found && looksLikeRelease(rel) {
			info.KernelRelease, info.KernelSrc = rel, ref
		}
	case "Boot ID":
		info.BootID = v
	}
	return true
}

func looksLikeRelease(s string) bool {
	return releaseRE.MatchString(s)
}

// isHostname accepts RFC 1123 host names (with dots for FQDNs).
func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// unameRest reads "#1 SMP <date> x86_64 x86_64 x86_64 GNU/Linux": the
// build string runs up to the machine name, which is followed by the
// processor, platform and OS fields.
func (info *Info) unameRest(f []string) {
	end := len(f)
	if end > 0 && f[end-1] == "GNU/Linux" {
		end--
	}
	// Machine, processor and hardware platform repeat the arch on x86; on
	// other systems processor/platform may be "unknown".
	machineAt := -1
	for i := 0; i < end; i++ {
		if isArch(f[i]) {
			machineAt = i
			break
		}
	}
	if machineAt >= 0 {
		info.Machine = f[machineAt]
		info.KernelBuild = strings.Join(f[:machineAt], " ")
	} else {
		info.KernelBuild = strings.Join(f[:end], " ")
	}
}

func isArch(s string) bool {
	switch s {
	case "x86_64", "aarch64", "ppc64le", "ppc64", "s390x", "i686", "i386", "armv7l", "riscv64", "mips64":
		return true
	}
	return false
}

func isOSReleaseLine(text string) bool {
	k, _, ok := strings.Cut(text, "=")
	if !ok || k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (info *Info) osReleaseLine(text string, ref source.Ref) {
	k, v, _ := strings.Cut(text, "=")
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if info.OSRelease == nil {
		info.OSRelease = map[string]string{}
	}
	info.OSRelease[k] = v
	// os-release is authoritative over redhat-release when both are given.
	switch k {
	case "NAME":
		info.OSName, info.OSSrc = v, ref
	case "VERSION_ID":
		info.OSVersion = v
		if info.OSSrc.Line == 0 {
			info.OSSrc = ref
		}
	case "ID":
		info.OSID = v
	}
}
