// Command benchpcap measures `nettriage analyze` against `tshark -2 -q -z
// expert` on the same synthetic capture, in the same run: wall time, peak
// RSS and the ratio. It writes the capture with pcaptest.Synthetic when the
// file does not exist yet.
//
//	go run ./tools/benchpcap -packets 500000 -nettriage ./nettriage
//	go run ./tools/benchpcap -dns -packets 500000 -nettriage ./nettriage   # DNS-heavy
//	go run ./tools/benchpcap -bytes 1073741824 -no-tshark   # peak RSS on 1 GB
//
// With -dns the capture is pcaptest.SyntheticDNS (pod lookups through a
// search list, lost queries, SERVFAILs), and tshark also builds its DNS
// statistics tree (-z dns,tree).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nettriage/nettriage/analyzer/pcap/pcaptest"
)

func main() {
	packets := flag.Int("packets", 500_000, "packets in the synthetic capture")
	size := flag.Int64("bytes", 0, "write about this many bytes instead of -packets (the synthetic capture averages 290 bytes per packet)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "nettriage-bench"), "where the capture is written")
	bin := flag.String("nettriage", "./nettriage", "the nettriage binary")
	noTshark := flag.Bool("no-tshark", false, "measure nettriage only")
	dns := flag.Bool("dns", false, "a DNS-heavy capture, and tshark's DNS tree as well")
	flag.Parse()
	if *size > 0 {
		*packets = int(*size / 290)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	kind, write := "synthetic", pcaptest.Synthetic
	if *dns {
		kind, write = "synthetic-dns", pcaptest.SyntheticDNS
	}
	file := filepath.Join(*dir, fmt.Sprintf("%s-%d.pcap", kind, *packets))
	if _, err := os.Stat(file); err != nil {
		fmt.Printf("writing %s ...\n", file)
		f, err := os.Create(file + ".tmp")
		if err != nil {
			fail(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := write(bw, *packets, 1); err != nil {
			fail(err)
		}
		if err := bw.Flush(); err != nil {
			fail(err)
		}
		f.Close()
		if err := os.Rename(file+".tmp", file); err != nil {
			fail(err)
		}
	}
	st, _ := os.Stat(file)
	fmt.Printf("capture: %s, %d packets, %.1f MB\n", file, *packets, float64(st.Size())/1e6)
	nt, ntRSS := run(*bin, "analyze", "--format", "json", file)
	fmt.Printf("nettriage analyze:               %8.2f s  peak RSS %6.1f MB  %6.2f µs/packet\n", nt.Seconds(), ntRSS, nt.Seconds()*1e6/float64(*packets))
	if *noTshark {
		return
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		fmt.Println("tshark not installed (apt-get install tshark); no ratio")
		return
	}
	args := []string{"-2", "-r", file, "-q", "-z", "expert"}
	if *dns {
		args = append(args, "-z", "dns,tree")
	}
	ts, tsRSS := run("tshark", args...)
	fmt.Printf("tshark %-25s %8.2f s  peak RSS %6.1f MB  %6.2f µs/packet\n", strings.Join(args[2:], " ")+":", ts.Seconds(), tsRSS, ts.Seconds()*1e6/float64(*packets))
	fmt.Printf("ratio: nettriage is %.1fx faster and uses %.1fx less memory\n", ts.Seconds()/nt.Seconds(), tsRSS/ntRSS)
}

// run times a command and reads its peak RSS from the kernel's rusage.
func run(name string, args ...string) (time.Duration, float64) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			fail(fmt.Errorf("%s: %v", name, err))
		}
	}
	d := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return d, float64(ru.Maxrss) / 1024
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchpcap:", err)
	os.Exit(1)
}
