package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Command is one command whose output goes into the bundle.
type Command struct {
	Args []string
	// PerPID also runs the command in the network namespace of every
	// --pid target, through nsenter.
	PerPID bool
}

// DefaultCommands are the commands the rules read (see README "Live
// collection"). Each is optional: a command that is not installed is
// recorded as missing.
func DefaultCommands() []Command {
	return []Command{
		{Args: []string{"iptables-save"}, PerPID: true},
		{Args: []string{"ip6tables-save"}, PerPID: true},
		{Args: []string{"nft", "list", "ruleset"}, PerPID: true},
		{Args: []string{"ipvsadm", "-Ln"}},
		{Args: []string{"ipvsadm", "-Ln", "--timeout"}},
		{Args: []string{"ipvsadm", "-Lnc"}},
		{Args: []string{"ss", "-tanpoi"}, PerPID: true},
		{Args: []string{"ip", "-d", "addr"}, PerPID: true},
		{Args: []string{"ip", "route"}, PerPID: true},
		{Args: []string{"conntrack", "-S"}},
		{Args: []string{"dmesg"}},
		{Args: []string{"uname", "-a"}},
	}
}

// maxOutput bounds what one command may add to the bundle (ipvsadm -Lnc on
// a busy director prints one line per connection).
const maxOutput = 128 << 20

// sbinDirs are searched after PATH: unprivileged shells often lack them,
// and that is where iptables-save, ipvsadm and conntrack live.
var sbinDirs = []string{"/usr/local/sbin", "/usr/sbin", "/sbin"}

// lookPath finds a command in PATH, then in the sbin directories.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range sbinDirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not installed (not in PATH or %s)", name, strings.Join(sbinDirs, ", "))
}

// result is what running one command gave.
type result struct {
	out      []byte
	exitCode int // -1 when it did not run to its end (not installed, killed at the time bound)
	missing  bool
	duration time.Duration
	err      string // first line of stderr, or why it did not run
}

// run runs args with a time bound, in the C locale so outputs read the
// same on every node (netstat -s sentences, dates).
func run(ctx context.Context, timeout time.Duration, args []string) result {
	start := time.Now()
	path, err := lookPath(args[0])
	if err != nil {
		return result{exitCode: -1, missing: true, err: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args[1:]...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	// A child that keeps the pipes open (a daemon started by the
	// command) must not hold us past the bound.
	cmd.WaitDelay = time.Second
	stdout := &limitedBuffer{max: maxOutput}
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	// ExitCode is -1 when the process was killed or never started.
	r := result{out: stdout.Bytes(), exitCode: cmd.ProcessState.ExitCode(), duration: time.Since(start)}
	var msgs []string
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		msgs = append(msgs, fmt.Sprintf("killed after the %s time bound", timeout))
	case ctx.Err() != nil:
		msgs = append(msgs, "interrupted")
	case err != nil && !isExitError(err):
		msgs = append(msgs, err.Error())
	}
	if line := firstLine(stderr.Bytes()); line != "" && (r.exitCode != 0 || len(r.out) == 0) {
		msgs = append(msgs, line)
	}
	if stdout.truncated {
		msgs = append(msgs, fmt.Sprintf("output truncated at %d bytes", maxOutput))
	}
	r.err = strings.Join(msgs, "; ")
	return r
}

func isExitError(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee)
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(b), []byte("\n"))
	return strings.TrimSpace(string(line))
}

// limitedBuffer keeps the first max bytes written to it and drops the
// rest, so a runaway command cannot exhaust memory.
type limitedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.truncated = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// fileName is the bundle name of a command's output, mangled the way
// sosreport names its files ("ipvsadm_-Ln_--timeout"), so the command can
// be read back from the name even without the manifest.
func fileName(args []string) string {
	name := strings.Join(args, "_")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '/':
			return '.'
		case r == ' ' || r < 0x20 || r == 0x7f:
			return '_'
		}
		return r
	}, name)
}

// needsRoot tells whether a failure reads like a lack of privilege.
func needsRoot(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"permission denied", "not permitted", "must be root", "are you root"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
