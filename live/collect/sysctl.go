package collect

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// kernelSysctls are the kernel.* settings the rules and reports read, in
// addition to every net.* setting.
var kernelSysctls = []string{"kernel/osrelease", "kernel/version", "kernel/hostname"}

// sysctlFile is one setting as read from /proc/sys.
type sysctlFile struct {
	rel  string // "net/ipv4/ip_forward"
	data []byte
}

// sysctlTree is what readSysctls read.
type sysctlTree struct {
	files      []sysctlFile
	writeOnly  int      // settings that cannot be read at all (net.ipv4.route.flush)
	unreadable []string // settings whose read failed (stable_secret when unset gives EIO)
	denied     bool     // some failed for want of permission
}

// readSysctls reads /proc/sys/net under sysRoot (normally /proc/sys), and
// the kernel settings when withKernel is set, the way `sysctl -a` does,
// keeping each file's raw bytes. It makes file system calls on the calling
// goroutine only, so it can run inside inNetNS.
func readSysctls(sysRoot string, withKernel bool) sysctlTree {
	var t sysctlTree
	read := func(p string, mode fs.FileMode) {
		rel, err := filepath.Rel(sysRoot, p)
		if err != nil {
			return
		}
		rel = filepath.ToSlash(rel)
		if mode.Perm()&0o444 == 0 {
			t.writeOnly++
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.unreadable = append(t.unreadable, rel)
			t.denied = t.denied || isPermission(err)
			return
		}
		t.files = append(t.files, sysctlFile{rel: rel, data: data})
	}
	filepath.WalkDir(filepath.Join(sysRoot, "net"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(sysRoot, p)
			t.unreadable = append(t.unreadable, filepath.ToSlash(rel))
			t.denied = t.denied || isPermission(err)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			read(p, info.Mode())
		}
		return nil
	})
	for _, k := range kernelSysctls {
		if !withKernel {
			break
		}
		p := filepath.Join(sysRoot, filepath.FromSlash(k))
		if st, err := os.Stat(p); err == nil {
			read(p, st.Mode())
		}
	}
	sort.Slice(t.files, func(i, j int) bool { return t.files[i].rel < t.files[j].rel })
	return t
}

func isPermission(err error) bool {
	return err != nil && (os.IsPermission(err) || needsRoot(err.Error()))
}
