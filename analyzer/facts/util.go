package facts

import (
	"path"
	"strings"
)

// splitCommand splits a shell command into words, dropping sudo and the
// directory of the program.
func splitCommand(cmd string) []string {
	f := strings.Fields(cmd)
	for len(f) > 0 && (f[0] == "sudo" || f[0] == "command") {
		f = f[1:]
	}
	if len(f) > 0 {
		f[0] = path.Base(f[0])
	}
	return f
}

func containsByte(s string, b byte) bool { return strings.IndexByte(s, b) >= 0 }
