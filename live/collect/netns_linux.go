//go:build linux

package collect

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// inNetNS runs fn on an OS thread that has joined the network namespace
// nsPath (/proc/PID/ns/net). /proc/sys/net shows the namespace of the
// thread that reads it, so this is how a pod's sysctls are read without
// forking nsenter and sysctl. Joining needs CAP_SYS_ADMIN.
//
// fn must do its work on the calling goroutine (no new goroutines): only
// this thread is in the namespace.
func inNetNS(nsPath string, fn func()) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		errc <- func() error {
			self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
			if err != nil {
				runtime.UnlockOSThread()
				return err
			}
			defer self.Close()
			target, err := os.Open(nsPath)
			if err != nil {
				runtime.UnlockOSThread()
				return err
			}
			defer target.Close()
			if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
				runtime.UnlockOSThread()
				return fmt.Errorf("entering the network namespace %s: %w", nsPath, err)
			}
			fn()
			if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
				// The thread stays locked: the runtime ends it with this
				// goroutine instead of reusing it in the wrong namespace.
				return fmt.Errorf("returning to the host network namespace: %w", err)
			}
			runtime.UnlockOSThread()
			return nil
		}()
	}()
	return <-errc
}
