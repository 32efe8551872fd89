// Package artifact turns raw inputs (files, pasted text, archives,
// sosreports) into typed artifacts: it expands archives in memory under
// limits, splits terminal transcripts into one piece per command, normalises
// text, labels each artifact with its host and sniffs its kind. It does not
// parse contents; that is the job of analyzer/parse/<kind>.
package artifact

import (
	"fmt"
	"io"
	"time"

	"github.com/nettriage/nettriage/analyzer/source"
)

// Kind names what an artifact contains.
type Kind string

// The artifact kinds (see docs/DESIGN "Vocabulary").
const (
	KindSysctl     Kind = "sysctl"
	KindCounters   Kind = "counters"
	KindIptables   Kind = "iptables"
	KindNftables   Kind = "nftables"
	KindIPVS       Kind = "ipvs"
	KindSockets    Kind = "sockets"
	KindAddresses  Kind = "addresses"
	KindRoutes     Kind = "routes"
	KindConntrack  Kind = "conntrack"
	KindLog        Kind = "log"
	KindKeepalived Kind = "keepalived"
	KindInterfaces Kind = "interfaces"
	KindResolver   Kind = "resolver"
	KindSystem     Kind = "system"
	KindProcesses  Kind = "processes"
	KindPcap       Kind = "pcap"
	KindUnknown    Kind = "unknown"
)

// DefaultHost labels artifacts whose host cannot be told.
const DefaultHost = "default"

// Input is one thing the user handed over. Name is relative to what the user
// gave: a directory's files keep their relative path
// ("sosreport-node1-2024/sos_commands/kernel/sysctl_-a").
type Input struct {
	Name string
	Data []byte
	// Open, when set instead of Data, streams a packet capture too large to
	// hold in memory; the caller (CLI, browser) supplies it, and the
	// capture analysis reads it once. Size is its length, for progress.
	Open func() (io.ReadCloser, error)
	Size int64
}

// Limits bound what expanding inputs may cost (docs/LIMITS.md). A limit
// of zero or less means its default, except MaxNesting, where 0 means "no
// archive inside an archive" and only a negative value means the default.
type Limits struct {
	// MaxTotalBytes is one budget for the whole call: the bytes of the
	// inputs themselves (Input.Data; a streamed Input.Open capture is not
	// held, so it does not count) plus every byte expanded from them by
	// decompression or archive extraction, including the bytes of skipped
	// members that a compressed stream had to decompress to get past them.
	// Expansion stops with an Error when it is reached.
	MaxTotalBytes int64
	MaxFiles      int   // archive members across all inputs
	MaxFileBytes  int64 // one member: a bigger one is skipped with an Error, and the rest of its archive is read
	MaxNesting    int   // archives inside archives (compression alone is not nesting)
}

// Whatever the limits, an archive, a compressed stream or a zip member that
// would expand to more than 100 times its compressed size, once past 64 MiB,
// is refused as a decompression bomb, and an xz block asking for a
// dictionary over 64 MiB is not decoded (see bombRatio, maxXzDict).

// DefaultLimits returns the limits the CLI uses.
func DefaultLimits() Limits {
	return Limits{
		MaxTotalBytes: 4 << 30,
		MaxFiles:      100000,
		MaxFileBytes:  2 << 30,
		MaxNesting:    1,
	}
}

// Artifact is one typed piece of input, ready for its parser.
type Artifact struct {
	// Name is the path inside the input: "node1.tar.xz!sos_commands/kernel/sysctl_-a",
	// or "paste.txt#3 ss -tan" for a transcript piece.
	Name      string
	Host      string
	Namespace string // network namespace ("ns1", "pod:NAME", "pid:1234"), "" for the host's own
	Kind      Kind
	// Command is the command that produced the artifact when known (from a
	// transcript prompt or a sosreport), wrappers such as sudo, kubectl exec
	// or ip netns exec removed; pipes are kept because they filter the output.
	Command string
	Table   string // iptables table implied by Command ("nat"), "" when the content says
	Data    []byte // normalised text, or raw bytes for pcap
	// Open streams a capture that was not loaded into Data (see Input.Open).
	Open func() (io.ReadCloser, error)
	Size int64 // bytes of the original content Data was made from
	// Warnings are problems with the artifact as a whole (binary content,
	// truncation).
	Warnings []source.Warning
	// Line0 is the line offset of Data's first line in the original input
	// (transcript pieces), so line n of Data is line Line0+n of the input.
	Line0 int
	// Time is when the content was read, when the input says so (a collect
	// bundle's manifest); zero when unknown.
	Time time.Time
	// HostReason says why the artifact went to its host: "the shell
	// prompt", "the sosreport's hostname file", "--host", ...
	HostReason string
}

// Error is an input, or part of one, that could not be used.
type Error struct {
	Artifact string
	Message  string
}

func (e Error) Error() string { return fmt.Sprintf("%s: %s", e.Artifact, e.Message) }

// Expand turns inputs into artifacts. Archives are expanded in memory within
// lim; problems are returned as Errors and never stop other inputs.
func Expand(inputs []Input, lim Limits) ([]*Artifact, []Error) {
	r := ExpandAll(inputs, lim)
	return r.Artifacts, r.Errors
}

// Expanded is everything expanding the inputs produced.
type Expanded struct {
	Artifacts []*Artifact
	Errors    []Error
	// NotAnalysed accounts, per directory, for the files of a sosreport's
	// network-related directories that no artifact came from.
	NotAnalysed []NotAnalysed
}

// ExpandAll is Expand with the count of files not analysed.
func ExpandAll(inputs []Input, lim Limits) Expanded {
	x := newExpander(lim)
	for _, in := range inputs {
		x.addInput(in)
	}
	arts, errs := x.finish()
	return Expanded{Artifacts: arts, Errors: errs, NotAnalysed: x.notAnalysedList()}
}
