package processes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nettriage/nettriage/internal/parsetest"
)

func parseFile(t *testing.T, name string) *Table {
	t.Helper()
	return parsetest.ParseClean(t, filepath.Join("testdata", name), Parse)
}

func TestPsAux(t *testing.T) {
	tb := parseFile(t, "ps_auxww.txt")
	if len(tb.Processes) != 13 {
		t.Fatalf("%d processes", len(tb.Processes))
	}
	kp := tb.Find("--proxy-mode=iptables")
	if len(kp) != 1 || kp[0].PID != 26876 || kp[0].User != "root" || kp[0].Name() != "hyperkube" || kp[0].PPID != -1 {
		t.Fatalf("kube-proxy = %+v", kp)
	}
	if kp[0].Fields["STAT"] != "Ssl" || kp[0].Fields["RSS"] != "37512" || kp[0].Fields["START"] != "Nov19" || kp[0].Src.Line != 11 {
		t.Errorf("kube-proxy fields = %+v", kp[0])
	}
	if want := "/hyperkube proxy --kubeconfig=/etc/kubernetes/kube-proxy-kubeconfig.yaml --proxy-mode=iptables --cluster-cidr=10.233.64.0/18"; kp[0].Command != want {
		t.Errorf("command = %q", kp[0].Command)
	}
	names := map[int]string{}
	for _, p := range tb.Processes {
		names[p.PID] = p.Name()
	}
	want := map[int]string{1: "systemd", 2: "kthreadd", 4: "kworker/0:0H", 3002: "sshd", 3016: "bash", 29085: "python2", 5512: "beam.smp", 61475: "python"}
	for pid, n := range want {
		if names[pid] != n {
			t.Errorf("Name() of %d = %q, want %q", pid, names[pid], n)
		}
	}
	if ka := tb.Find("keepalived"); len(ka) != 2 {
		t.Errorf("keepalived processes = %d", len(ka))
	}
	if celery := tb.Find("celery worker"); len(celery) != 1 || celery[0].User != "42" {
		t.Errorf("celery = %+v", celery)
	}
}

func TestPsEf(t *testing.T) {
	tb := parseFile(t, "ps_ef.txt")
	if len(tb.Processes) != 8 {
		t.Fatalf("%d processes", len(tb.Processes))
	}
	ka := tb.Find("keepalived")
	if len(ka) != 3 || ka[1].PPID != 2211 || ka[0].PPID != 1 || ka[2].Fields["TIME"] != "00:00:03" {
		t.Errorf("keepalived = %+v %+v", ka[0], ka[1])
	}
	etcd := tb.Find("--name=etcd1")
	if len(etcd) != 1 || etcd[0].User != "etcd" || etcd[0].Fields["STIME"] != "2018" || etcd[0].Name() != "etcd" {
		t.Errorf("etcd = %+v", etcd)
	}
}

func TestPsEo(t *testing.T) {
	tb := parseFile(t, "ps_eo_pid_ppid_user_args.txt")
	if len(tb.Processes) != 4 {
		t.Fatalf("%d processes", len(tb.Processes))
	}
	conmon := tb.Processes[3]
	if conmon.PID != 3221 || conmon.PPID != 1 || conmon.User != "root" || conmon.Name() != "conmon" ||
		conmon.Command != "/usr/libexec/crio/conmon -s -c 009ed41b946511f5 -n k8s_POD --log-path   /var/log/pods/x.log" {
		t.Errorf("conmon = %+v", conmon)
	}
	tb = parseFile(t, "ps_eo_pid_comm.txt")
	if len(tb.Processes) != 4 || tb.Processes[2].Command != "(sd-pam)" || tb.Processes[3].Name() != "systemd-hostnam" || tb.Processes[1].User != "" {
		t.Errorf("comm listing = %+v", tb.Processes)
	}
}

func TestMalformed(t *testing.T) {
	tb, warns := Parse("m", []byte("garbage first\n  PID  PPID USER COMMAND\nabc 1 root x\n 12\n 13 1 root\n"))
	if len(warns) != 3 || warns[0].Line != 1 || warns[1].Line != 3 || warns[2].Line != 4 {
		t.Errorf("warnings = %v", warns)
	}
	if len(tb.Processes) != 1 || tb.Processes[0].PID != 13 || tb.Processes[0].Command != "" || tb.Processes[0].Name() != "" {
		t.Errorf("processes = %+v", tb.Processes)
	}
	if _, warns := Parse("m", []byte("no header here\n")); len(warns) != 2 || warns[1].Line != 0 {
		t.Errorf("headerless warnings = %v", warns)
	}
}

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.txt")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, _ := Parse("fuzz", data)
		for _, p := range tb.Processes {
			if p.Src.Line < 1 || p.Src.EndLine != p.Src.Line {
				t.Fatalf("bad ref %+v", p.Src)
			}
			_ = p.Name()
		}
	})
}

// ps auxwwwm (sos's process plugin) prints a row per thread with "-" for the
// PID, and ps -elfL repeats the PID with the thread's LWP: both are threads
// of the process above, counted, never a warning.
func TestThreadRows(t *testing.T) {
	m := `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 169436 13060 ?        -    Dec01   0:05 /sbin/init splash
root           -  0.0    -      -     - -        Ss   Dec01   0:05 -
root         812  0.1  0.3 747296 52604 ?        -    Dec01   2:11 /usr/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf
root           -  0.0    -      -     - -        Ssl  Dec01   0:20 -
root           -  0.0    -      -     - -        Ssl  Dec01   0:31 -
root           -  0.0    -      -     - -        Ssl  Dec01   0:00 -
`
	tb, warns := Parse("ps_auxwwwm", []byte(m))
	if len(warns) != 0 || len(tb.Processes) != 2 || tb.Processes[0].Threads != 1 || tb.Processes[1].Threads != 3 || tb.Processes[1].Name() != "kube-proxy" {
		t.Fatalf("ps m: %+v %v", tb.Processes, warns)
	}
	l := `F S UID          PID    PPID     LWP  C NLWP PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD
4 S root           1       0       1  0    1  80   0 - 42359 -      Dec01 ?        00:00:05 /sbin/init
4 S root         812       1     812  0    3  80   0 - 186824 -     Dec01 ?        00:02:11 /usr/bin/kube-proxy --v=2
1 S root         812       1     845  0    3  80   0 - 186824 -     Dec01 ?        00:00:20 /usr/bin/kube-proxy --v=2
1 S root         812       1     846  0    3  80   0 - 186824 -     Dec01 ?        00:00:31 /usr/bin/kube-proxy --v=2
`
	tb, warns = Parse("ps_-elfL", []byte(l))
	if len(warns) != 0 || len(tb.Processes) != 2 || tb.Processes[1].Threads != 2 {
		t.Fatalf("ps -L: %+v %v", tb.Processes, warns)
	}
}

// sos's `ps axo pid,ppid,user,group,lwp,nlwp,start_time,comm,cgroup`: the
// one-word command is not the last column.
func TestCommandNotLast(t *testing.T) {
	text := `    PID    PPID USER     GROUP        LWP NLWP START COMMAND         CGROUP
      1       0 root     root           1    1 18:58 systemd         8:pids:/init.scope,1:name=systemd:/init.scope
    812       1 root     root         812    3 18:59 kube-proxy      8:pids:/system.slice/snap.kube-proxy.daemon.service
`
	tb, warns := Parse("ps_axo_pid_ppid_user_group_lwp_nlwp_start_time_comm_cgroup", []byte(text))
	if len(warns) != 0 || len(tb.Processes) != 2 {
		t.Fatalf("%+v %v", tb.Processes, warns)
	}
	p := tb.Processes[1]
	if p.PID != 812 || p.Command != "kube-proxy" || p.Name() != "kube-proxy" || p.Fields["CGROUP"] != "8:pids:/system.slice/snap.kube-proxy.daemon.service" {
		t.Errorf("process %+v", p)
	}
}
