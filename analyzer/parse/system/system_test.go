package system

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nettriage/nettriage/internal/parsetest"
)

func parseFile(t *testing.T, name string) *Info {
	t.Helper()
	return parsetest.ParseClean(t, filepath.Join("testdata", name), Parse)
}

func TestUnameA(t *testing.T) {
	info := parseFile(t, "uname_a_rhel7.txt")
	if info.Hostname != "node-1" || info.KernelRelease != "3.10.0-862.el7.x86_64" || info.Machine != "x86_64" ||
		info.KernelBuild != "#1 SMP Fri Apr 20 16:44:24 UTC 2018" || info.KernelSrc.Line != 1 || info.HostnameSrc.Artifact != "uname_a_rhel7.txt" {
		t.Errorf("info = %+v", info)
	}
	info = parseFile(t, "uname_a_openeuler_arm.txt")
	if info.Machine != "aarch64" || info.KernelRelease != "5.10.0-60.18.0.50.oe2203.aarch64" {
		t.Errorf("info = %+v", info)
	}
}

func TestProcVersion(t *testing.T) {
	info := parseFile(t, "proc_version_rhel8.txt")
	if info.KernelRelease != "4.18.0-80.el8.x86_64" || info.Hostname != "" || info.KernelBuild != "#1 SMP Wed Mar 13 12:02:46 UTC 2019" {
		t.Errorf("info = %+v", info)
	}
}

func TestOneWordFiles(t *testing.T) {
	if info := parseFile(t, "uname_r.txt"); info.KernelRelease != "3.10.0-1160.el7.x86_64" || info.Hostname != "" {
		t.Errorf("uname -r = %+v", info)
	}
	if info := parseFile(t, "hostname"); info.Hostname != "node-1.domain.tld" || info.KernelRelease != "" || info.HostnameSrc.Line != 1 {
		t.Errorf("hostname = %+v", info)
	}
	// A host named like a version is still a host name in a hostname file.
	if info, _ := Parse("sos_commands/host/hostname", []byte("4node\n")); info.Hostname != "4node" {
		t.Errorf("hostname file = %+v", info)
	}
}

func TestOSRelease(t *testing.T) {
	info := parseFile(t, "os-release_centos7")
	if info.OSName != "CentOS Linux" || info.OSVersion != "7" || info.OSID != "centos" || info.OSSrc.Line != 1 ||
		info.OSRelease["PRETTY_NAME"] != "CentOS Linux 7 (Core)" || info.OSRelease["REDHAT_SUPPORT_PRODUCT_VERSION"] != "7" {
		t.Errorf("centos = %+v", info)
	}
	info = parseFile(t, "os-release_ubuntu2204")
	if info.OSName != "Ubuntu" || info.OSVersion != "22.04" || info.OSID != "ubuntu" || info.OSSrc.Line != 2 || info.OSRelease["UBUNTU_CODENAME"] != "jammy" {
		t.Errorf("ubuntu = %+v", info)
	}
}

func TestRedhatRelease(t *testing.T) {
	if info := parseFile(t, "redhat-release_rhel76"); info.OSName != "Red Hat Enterprise Linux Server" || info.OSVersion != "7.6" {
		t.Errorf("rhel = %+v", info)
	}
	if info := parseFile(t, "redhat-release_centos75"); info.OSName != "CentOS Linux" || info.OSVersion != "7.5.1804" {
		t.Errorf("centos = %+v", info)
	}
}

func TestConcatenated(t *testing.T) {
	in := "NAME=\"Red Hat Enterprise Linux\"\nVERSION_ID=\"8.0\"\nRed Hat Enterprise Linux release 8.0 (Ootpa)\n" +
		"Linux node-2 4.18.0-80.el8.x86_64 #1 SMP Wed Mar 13 12:02:46 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux\n!!! junk\n"
	info, warns := Parse("collect.txt", []byte(in))
	if info.OSName != "Red Hat Enterprise Linux" || info.OSVersion != "8.0" || info.Hostname != "node-2" || info.KernelSrc.Line != 4 {
		t.Errorf("info = %+v", info)
	}
	if len(warns) != 1 || warns[0].Line != 5 {
		t.Errorf("warnings = %v", warns)
	}
}

func TestParseKernelVersion(t *testing.T) {
	cases := []struct {
		in   string
		want KernelVersion
	}{
		{"3.10.0-862.el7.x86_64", KernelVersion{3, 10, 0, "el7"}},
		{"4.18.0-80.el8.x86_64", KernelVersion{4, 18, 0, "el8"}},
		{"2.6.32-754.el6.x86_64", KernelVersion{2, 6, 32, "el6"}},
		{"4.14.35-1902.3.2.el7uek.x86_64", KernelVersion{4, 14, 35, "el7"}},
		{"5.4.0-42-generic", KernelVersion{5, 4, 0, "ubuntu"}},
		{"5.10.0-60.18.0.50.oe2203.aarch64", KernelVersion{5, 10, 0, "oe2203"}},
		{"6.1", KernelVersion{6, 1, 0, ""}},
	}
	for _, c := range cases {
		got, ok := ParseKernelVersion(c.in)
		if !ok || got != c.want {
			t.Errorf("ParseKernelVersion(%q) = %+v %v, want %+v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "node-1", "x.y", "99999999999999999999.1"} {
		if _, ok := ParseKernelVersion(bad); ok {
			t.Errorf("ParseKernelVersion(%q) accepted", bad)
		}
	}
	v, _ := ParseKernelVersion("3.10.0-862.el7.x86_64")
	if v.AtLeast(4, 0) || !v.AtLeast(3, 10) || !v.AtLeast(2, 6) || v.AtLeast(3, 11) {
		t.Errorf("AtLeast wrong for %+v", v)
	}
}

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, _ := Parse("fuzz", data)
		for _, r := range []struct {
			line int
			set  bool
		}{{info.KernelSrc.Line, info.KernelRelease != ""}, {info.HostnameSrc.Line, info.Hostname != ""}} {
			if r.set && r.line < 1 {
				t.Fatalf("value without a line: %+v", info)
			}
		}
		if info.Uptime < 0 || (info.Uptime > 0 && info.UptimeSrc.Line < 1) || (!info.BootTime.IsZero() && info.BootSrc.Line < 1) {
			t.Fatalf("boot clock without a line or negative: %+v", info)
		}
		ParseKernelVersion(info.KernelRelease)
	})
}

// The output of date (a sosreport's sos_commands/date/date) is the time the
// bundle was collected.
func TestDateLine(t *testing.T) {
	info, warns := Parse("sos_commands/date/date", []byte("Tue Mar  3 08:00:00 UTC 2026\n"))
	if len(warns) > 0 || info.Date != "Tue Mar  3 08:00:00 UTC 2026" || info.DateSrc.Line != 1 {
		t.Fatalf("%+v %v", info, warns)
	}
}

// The boot clock forms: /proc/uptime to the hundredth of a second, uptime
// to the minute (days, h:mm or min; with or without the user count), and
// /proc/stat's btime, with the rest of /proc/stat read past silently.
func TestBootClock(t *testing.T) {
	cases := []struct {
		file  string
		up    time.Duration
		form  string
		clock string
	}{
		{"proc_uptime", 1052343*time.Second + 170*time.Millisecond, UptimeProc, ""},
		{"uptime_procps.txt", 12*24*time.Hour + 3*time.Hour + 4*time.Minute, UptimeCommand, "10:02:03"},
		{"uptime_busybox.txt", 40 * time.Minute, UptimeCommand, "07:41:09"},
	}
	for _, c := range cases {
		data, err := os.ReadFile("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		info, warns := Parse(c.file, data)
		if len(warns) > 0 || info.Uptime.Round(time.Millisecond) != c.up || info.UptimeForm != c.form ||
			info.UptimeClock != c.clock || info.UptimeSrc.Line != 1 {
			t.Errorf("%s: up %v form %q clock %q line %d, warnings %v", c.file, info.Uptime, info.UptimeForm,
				info.UptimeClock, info.UptimeSrc.Line, warns)
		}
	}
	data, _ := os.ReadFile("testdata/proc_stat")
	info, warns := Parse("proc/stat", data)
	if len(warns) > 0 || !info.BootTime.Equal(time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)) || info.BootSrc.Line != 6 {
		t.Errorf("btime %v line %d, warnings %v", info.BootTime, info.BootSrc.Line, warns)
	}
	// "up" followed by something that is not a duration is not uptime.
	info, warns = Parse("x", []byte(" 10:02:03 up since yesterday,  load average: 0.00, 0.01, 0.05\n"))
	if info.Uptime != 0 || len(warns) != 1 {
		t.Errorf("junk read as uptime: %v %v", info.Uptime, warns)
	}
}

// Distribution kernels are told from upstream ones: their patch level
// does not say which fixes they carry.
func TestDistributionKernels(t *testing.T) {
	for release, distro := range map[string]string{
		"5.4.0-99-generic":          "ubuntu",
		"5.15.0-1051-aws":           "ubuntu",
		"5.10.0-26-cloud-amd64":     "debian",
		"4.19.0-18-amd64":           "debian",
		"5.14.21-150500.55-default": "suse",
		"3.10.0-862.el7.x86_64":     "el7",
		"5.4.30":                    "",
		"6.18.0":                    "",
	} {
		v, ok := ParseKernelVersion(release)
		if !ok || v.Distro != distro {
			t.Errorf("%s: distro %q, want %q", release, v.Distro, distro)
		}
	}
}

func TestHostnamectl(t *testing.T) {
	text := `   Static hostname: juju-110cc2-k8stest-4
         Icon name: computer-vm
           Chassis: vm
        Machine ID: 4a1f0c6e2ab94a41a4c9ee6e0e1ccd20
           Boot ID: 0c47c5b0a1d84b1c9b1f5a0b2d8c1e11
    Virtualization: kvm
  Operating System: Ubuntu 20.04.3 LTS
            Kernel: Linux 5.4.0-99-generic
      Architecture: x86-64
`
	info, warns := Parse("hostnamectl_status", []byte(text))
	if len(warns) != 0 || info.Hostname != "juju-110cc2-k8stest-4" || info.KernelRelease != "5.4.0-99-generic" ||
		info.OSName != "Ubuntu 20.04.3 LTS" || info.BootID != "0c47c5b0a1d84b1c9b1f5a0b2d8c1e11" {
		t.Fatalf("%+v %v", info, warns)
	}
}
