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

// naturalLess orders names with embedded numbers numerically: "x#3" before
// "x#10", "netstat.2" before "netstat.10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da != "" && db != "" {
			if len(strings.TrimLeft(da, "0")) != len(strings.TrimLeft(db, "0")) {
				return len(strings.TrimLeft(da, "0")) < len(strings.TrimLeft(db, "0"))
			}
			if ta, tb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0"); ta != tb {
				return ta < tb
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
