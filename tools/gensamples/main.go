// Command gensamples writes the capture samples of samples/ from the
// scenarios in pcaptest: go run ./tools/gensamples [DIR].
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

func main() {
	dir := "samples"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	names := make([]string, 0, len(pcaptest.Samples))
	for n := range pcaptest.Samples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, pcaptest.Samples[n]().Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(p)
	}
}
