// Command prereadrules writes the built-in rules, read ahead of time, for
// the web engine to embed (see engine.PrereadFS for why):
//
//	go run ./tools/prereadrules
//
// `make site` runs it; a test in wasm/engine/session fails when the file
// is out of date with rules/*.yaml.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nettriage/nettriage/analyzer/engine"
	"github.com/nettriage/nettriage/rules"
)

func main() {
	out := flag.String("o", "wasm/engine/session/builtin-rules.json", "the file to write")
	flag.Parse()
	data, err := engine.PrereadFS(rules.FS)
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prereadrules:", err)
		os.Exit(1)
	}
}
