package derive

import (
	"fmt"
	"strings"

	"github.com/nettriage/nettriage/analyzer/parse/logs"
)

// VocabularyMarkdown renders the vocabulary as the tables of
// docs/RULES.md, which a test keeps equal to this declaration.
func VocabularyMarkdown() string {
	var b strings.Builder
	section := ""
	for _, f := range Funcs() {
		if f.Section != section {
			section = f.Section
			fmt.Fprintf(&b, "\n### %s\n\n| function | reads | returns | what |\n|---|---|---|---|\n", section)
		}
		reads := make([]string, len(f.Reads))
		for i, k := range f.Reads {
			reads[i] = string(k)
		}
		what := f.Doc
		var args []string
		for _, a := range f.Args {
			args = append(args, fmt.Sprintf("`%s`: %s", a.Name, a.Kind))
		}
		if len(args) > 0 {
			what += " (" + strings.Join(args, "; ") + ")"
		}
		if len(f.Values) > 0 {
			what += "; measures " + "`{{" + strings.Join(f.Values, "}}`, `{{") + "}}`"
		}
		r := strings.Join(reads, ", ")
		if r == "" {
			r = "any"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Signature(), r, escapePipes(f.Returns), escapePipes(what))
	}
	fmt.Fprintf(&b, "\n### Log event kinds\n\n`events(kind)` counts these: %s.\n", "`"+strings.Join(logs.EventKinds, "`, `")+"`")
	fmt.Fprintf(&b, "\n### Counter names\n\n"+
		"- kernel MIBs as `Group.Name` (`TcpExt.ListenDrops`, `Tcp.RetransSegs`, `Udp6.RcvbufErrors`, `IpExt.InCsumErrors`), checked strictly against the counter dictionary (`nettriage explain NAME`);\n"+
		"- `Softnet.*`: %s;\n- `Sockstat.*`: %s;\n"+
		"- driver statistics as `<driver>:<counter>` (`ena:pps_allowance_exceeded`), open-ended, checked by pattern only (a warning, not an error).\n",
		"`"+strings.Join(softnetCounters, "`, `")+"`", "`"+strings.Join(sockstatCounters, "`, `")+"`")
	return b.String()
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
