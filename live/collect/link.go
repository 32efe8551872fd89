package collect

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// linkSnapshot gathers the link layer at snapshot n: the bonding status
// files, `ip -s -s -d link`, `tc -s qdisc show` and, when ethtool is
// installed, `ethtool -S` of every interface; at the first snapshot also
// each interface's settings, rings, offloads, driver and channels, which do
// not change between snapshots.
func (c *collector) linkSnapshot(ctx context.Context, n int) {
	dir := fmt.Sprintf("snapshot-%d/", n)
	bonds, _ := filepath.Glob(filepath.Join(c.opt.ProcRoot, "net/bonding/*"))
	for _, b := range bonds {
		c.readFile(dir+"proc/net/bonding/"+filepath.Base(b), b, "", n)
	}
	for _, args := range [][]string{{"ip", "-s", "-s", "-d", "link"}, {"tc", "-s", "qdisc", "show"}} {
		if ctx.Err() != nil {
			return
		}
		c.runCommand(ctx, dir+"commands/"+fileName(args), "", args, args)
	}
	if _, err := lookPath("ethtool"); err != nil {
		if n == 1 {
			c.b.man.Notes = append(c.b.man.Notes, "ethtool is not installed: no driver statistics, rings or offloads")
		}
		return
	}
	for _, iface := range c.interfaceNames() {
		if ctx.Err() != nil {
			return
		}
		flags := [][]string{{"-S"}}
		if n == 1 {
			flags = [][]string{{"-S"}, {}, {"-g"}, {"-k"}, {"-i"}, {"-l"}}
		}
		for _, f := range flags {
			args := append(append([]string{"ethtool"}, f...), iface)
			rel := "commands/" + fileName(args)
			if len(f) > 0 && f[0] == "-S" {
				rel = dir + rel
			}
			c.runCommand(ctx, rel, "", args, args)
		}
	}
}

// interfaceNames lists the host's interfaces from /proc/net/dev, loopback
// left out.
func (c *collector) interfaceNames() []string {
	data, err := os.ReadFile(filepath.Join(c.opt.ProcRoot, "net/dev"))
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		name, _, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if ok && name != "" && name != "lo" && !strings.ContainsAny(name, " |/") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
