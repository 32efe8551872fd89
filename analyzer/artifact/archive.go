package artifact

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/nettriage/nettriage/analyzer/source"
)

// format is a container or compression format recognised by magic bytes.
type format int

const (
	formatNone format = iota
	formatTar
	formatZip
	formatGzip
	formatXz
	formatBzip2
	formatZstd // recognised only to say it is not supported
)

func (f format) String() string {
	return [...]string{"plain", "tar", "zip", "gzip", "xz", "bzip2", "zstd"}[f]
}

// sniffFormat looks at magic bytes only; extensions lie.
func sniffFormat(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return formatGzip
	case bytes.HasPrefix(b, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return formatXz
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return formatZip
	case len(b) >= 10 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9' &&
		bytes.Equal(b[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}):
		return formatBzip2
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return formatZstd
	case isTarHeader(b):
		return formatTar
	}
	return formatNone
}

// isTarHeader accepts a ustar/GNU magic at offset 257, or a pre-POSIX (v7)
// header whose checksum is right.
func isTarHeader(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	if bytes.Equal(b[257:262], []byte("ustar")) {
		return true
	}
	field := strings.TrimRight(strings.TrimLeft(string(b[148:156]), " "), " \x00")
	if field == "" {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var sum int64
	for i, c := range b[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	return sum == want && b[0] != 0
}

// member is one file of the inputs after expansion, before typing.
type member struct {
	name     string // display name: "node1.tar.xz!sos_commands/kernel/sysctl_-a"
	path     string // cleaned slash path inside its tree, used for layout decisions
	data     []byte
	open     func() (io.ReadCloser, error) // a capture streamed from outside, instead of data
	size     int64
	warnings []source.Warning
}

// tree is a set of members that share one directory layout: the contents of
// one archive, or all loose inputs together.
type tree struct {
	id       string // display prefix of its members ("node1.tar.xz!"), "" for loose inputs
	members  []*member
	sosRoots map[string]bool // directory prefixes ("sosreport-x/", or "") that are sosreport roots
}

// errStop ends the expansion of one archive after a limit was hit.
var errStop = errors.New("limit reached")

type expander struct {
	lim    Limits
	used   int64 // expanded bytes so far
	files  int   // archive members so far
	errs   []Error
	loose  *tree
	trees  []*tree
	output []*Artifact
}

func newExpander(lim Limits) *expander {
	def := DefaultLimits()
	if lim.MaxTotalBytes <= 0 {
		lim.MaxTotalBytes = def.MaxTotalBytes
	}
	if lim.MaxFiles <= 0 {
		lim.MaxFiles = def.MaxFiles
	}
	if lim.MaxFileBytes <= 0 {
		lim.MaxFileBytes = def.MaxFileBytes
	}
	if lim.MaxNesting < 0 {
		lim.MaxNesting = 0
	}
	loose := &tree{sosRoots: map[string]bool{}}
	return &expander{lim: lim, loose: loose, trees: []*tree{loose}}
}

func (x *expander) errorf(artifact, format string, args ...any) {
	x.errs = append(x.errs, Error{Artifact: artifact, Message: fmt.Sprintf(format, args...)})
}

func (x *expander) addInput(in Input) {
	p := cleanInputPath(in.Name)
	if in.Open != nil {
		x.loose.add(&member{name: in.Name, path: p, open: in.Open, size: in.Size})
		return
	}
	x.addBlob(x.loose, in.Name, p, in.Data, 0, false)
}

// cleanInputPath makes a user-given name usable for layout decisions. Input
// names are trusted (the user chose them), unlike archive member names.
func cleanInputPath(name string) string {
	p := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	p = strings.TrimLeft(p, "/")
	for strings.HasPrefix(p, "../") {
		p = p[3:]
	}
	if p == "." || p == ".." {
		p = ""
	}
	return p
}

// addBlob places one file into tree t, expanding it first when it is an
// archive or compressed. depth is the number of archives around it;
// decompressed marks data that came out of a single-file compressor, which
// is not decompressed again.
func (x *expander) addBlob(t *tree, name, p string, data []byte, depth int, decompressed bool) {
	f := sniffFormat(data)
	if decompressed && f != formatTar {
		f = formatNone
	}
	switch f {
	case formatNone:
		t.add(&member{name: name, path: p, data: data, size: int64(len(data))})
	case formatZstd:
		x.errorf(name, "zstd compression is not supported; decompress it first (zstd -d)")
	case formatTar, formatZip:
		if depth > x.lim.MaxNesting {
			x.errorf(name, "archive nested deeper than %d level(s); not expanded", x.lim.MaxNesting)
			return
		}
		sub := x.newTree(name + "!")
		var err error
		if f == formatTar {
			err = x.readTar(sub, name, bytes.NewReader(data), depth)
		} else {
			err = x.readZip(sub, name, data, depth)
		}
		if err != nil && err != errStop {
			x.errorf(name, "reading %s archive: %v (members read so far are kept)", f, err)
		}
	default:
		x.addCompressed(t, name, p, bytes.NewReader(data), f, depth)
	}
}

func (x *expander) newTree(id string) *tree {
	t := &tree{id: id, sosRoots: map[string]bool{}}
	x.trees = append(x.trees, t)
	return t
}

// decompressor opens a stream of format f. The input is buffered because
// the xz reader is about 4x slower on an unbuffered reader.
func decompressor(r io.Reader, f format) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	switch f {
	case formatGzip:
		return gzip.NewReader(br)
	case formatXz:
		return xz.NewReader(br)
	case formatBzip2:
		return bzip2.NewReader(br), nil
	}
	return nil, fmt.Errorf("not a compressed stream")
}

// addCompressed handles a gzip/xz/bzip2 stream: a compressed tar is an
// archive, anything else is the single file it compresses.
func (x *expander) addCompressed(t *tree, name, p string, r io.Reader, f format, depth int) {
	dr, err := decompressor(r, f)
	if err != nil {
		x.errorf(name, "reading %s stream: %v", f, err)
		return
	}
	br := bufio.NewReaderSize(dr, 64<<10)
	head, _ := br.Peek(512)
	if isTarHeader(head) {
		if depth > x.lim.MaxNesting {
			x.errorf(name, "archive nested deeper than %d level(s); not expanded", x.lim.MaxNesting)
			return
		}
		sub := x.newTree(name + "!")
		if err := x.readTar(sub, name, br, depth); err != nil && err != errStop {
			x.errorf(name, "reading %s-compressed tar archive: %v (members read so far are kept)", f, err)
		}
		return
	}
	data, warns, err := x.readLimited(name, br, 0)
	if err != nil && err != errStop {
		x.errorf(name, "reading %s stream: %v (data read so far is kept)", f, err)
		warns = append(warns, source.Warnf(0, "%s stream is damaged; content may be incomplete", f))
	}
	if len(data) == 0 && err != nil {
		return
	}
	inner := &tree{sosRoots: map[string]bool{}}
	x.addBlob(inner, name, stripCompressionExt(p), data, depth, true)
	for _, m := range inner.members {
		m.warnings = append(m.warnings, warns...)
		t.add(m)
	}
}

// stripCompressionExt turns "var/log/messages-2024.gz" into the name of what
// it compresses, for layout decisions.
func stripCompressionExt(p string) string {
	for _, ext := range []string{".gz", ".xz", ".bz2", ".gzip"} {
		if strings.HasSuffix(p, ext) && len(p) > len(ext) {
			return p[:len(p)-len(ext)]
		}
	}
	return p
}

// remaining is the number of bytes one more member may still expand to.
func (x *expander) remaining() int64 {
	return min(x.lim.MaxFileBytes, x.lim.MaxTotalBytes-x.used)
}

// maxPrealloc caps the buffer allocated before a member's bytes arrive.
const maxPrealloc = 256 << 20

// readLimited reads r within the limits. On going over a limit it returns
// what was read (truncated), a warning, and errStop after recording the
// Error against archive.
func (x *expander) readLimited(archive string, r io.Reader, sizeHint int64) ([]byte, []source.Warning, error) {
	totalLeft := max(x.lim.MaxTotalBytes-x.used, 0)
	limit := min(x.lim.MaxFileBytes, totalLeft)
	var buf bytes.Buffer
	// Sizing the buffer up front avoids copying big logs while they grow;
	// the hint is capped because headers can lie.
	buf.Grow(int(min(max(sizeHint, 0), limit, maxPrealloc) + bytes.MinRead))
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if n <= limit {
		x.used += n
		return buf.Bytes(), nil, err
	}
	x.used += limit
	if totalLeft <= x.lim.MaxFileBytes {
		x.errorf(archive, "expanded size exceeds limit of %d bytes; stopped (what was read so far is kept)", x.lim.MaxTotalBytes)
	} else {
		x.errorf(archive, "a member exceeds the size limit of %d bytes; stopped (what was read so far is kept)", x.lim.MaxFileBytes)
	}
	warn := source.Warnf(0, "truncated after %d bytes: expansion limit reached", limit)
	return buf.Bytes()[:limit], []source.Warning{warn}, errStop
}

// safeMemberPath cleans an archive member name and rejects absolute names
// and names that climb out of the archive.
func safeMemberPath(name string) (string, bool) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') || strings.ContainsRune(n, 0) {
		return "", false
	}
	p := path.Clean(n)
	if p == ".." || strings.HasPrefix(p, "../") || p == "." || p == "" {
		return "", false
	}
	for _, seg := range strings.Split(n, "/") {
		if seg == ".." {
			return "", false
		}
	}
	return p, true
}

// countMember charges one member against MaxFiles.
func (x *expander) countMember(archive string) error {
	x.files++
	if x.files > x.lim.MaxFiles {
		x.errorf(archive, "more than %d files; stopped (members read so far are kept)", x.lim.MaxFiles)
		return errStop
	}
	return nil
}

func (x *expander) readTar(t *tree, archive string, r io.Reader, depth int) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse, '\x00':
		default:
			continue // directories, links, devices: nothing to read
		}
		if err := x.countMember(archive); err != nil {
			return err
		}
		p, ok := safeMemberPath(hdr.Name)
		if !ok {
			x.errorf(archive+"!"+hdr.Name, "unsafe member name rejected (absolute or outside the archive)")
			continue
		}
		if !t.wants(p) {
			// Skipped bytes are still decompressed to reach the next
			// header, so they count against the total.
			if x.used+hdr.Size > x.lim.MaxTotalBytes {
				x.used = x.lim.MaxTotalBytes
				x.errorf(archive, "expanded size exceeds limit of %d bytes; stopped (members read so far are kept)", x.lim.MaxTotalBytes)
				return errStop
			}
			x.used += hdr.Size
			continue
		}
		data, warns, err := x.readLimited(archive, tr, hdr.Size)
		if err != nil && err != errStop {
			return err
		}
		x.addMember(t, archive+"!"+p, p, data, depth, warns)
		if err == errStop {
			return errStop
		}
	}
}

func (x *expander) readZip(t *tree, archive string, data []byte, depth int) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return err
	}
	for _, zf := range zr.File {
		mode := zf.Mode()
		if !mode.IsRegular() {
			continue
		}
		if err := x.countMember(archive); err != nil {
			return err
		}
		p, ok := safeMemberPath(zf.Name)
		if !ok {
			x.errorf(archive+"!"+zf.Name, "unsafe member name rejected (absolute or outside the archive)")
			continue
		}
		if !t.wants(p) {
			continue // zip members are independent: skipping costs nothing
		}
		rc, err := zf.Open()
		if err != nil {
			x.errorf(archive+"!"+p, "cannot open zip member: %v", err)
			continue
		}
		// Sizes in the zip header are not trusted: readLimited counts the
		// bytes actually inflated.
		body, warns, err := x.readLimited(archive, rc, int64(min(zf.UncompressedSize64, 1<<40)))
		rc.Close()
		if err != nil && err != errStop {
			x.errorf(archive+"!"+p, "reading zip member: %v", err)
			if len(body) == 0 {
				continue
			}
			warns = append(warns, source.Warnf(0, "zip member is damaged; content may be incomplete"))
		}
		x.addMember(t, archive+"!"+p, p, body, depth, warns)
		if err == errStop {
			return errStop
		}
	}
	return nil
}

// addMember adds an extracted member, expanding it when it is itself an
// archive or compressed.
func (x *expander) addMember(t *tree, name, p string, data []byte, depth int, warns []source.Warning) {
	before := len(t.members)
	x.addBlob(t, name, p, data, depth+1, false)
	for _, m := range t.members[before:] {
		m.warnings = append(m.warnings, warns...)
	}
}

// add records a member, noting any sosreport root its path reveals.
func (t *tree) add(m *member) {
	if root, ok := sosRootOf(m.path); ok {
		t.sosRoots[root] = true
	}
	t.members = append(t.members, m)
}

// wants tells whether a member at p is worth reading. Inside a known
// sosreport only network-relevant paths are; everything else is.
func (t *tree) wants(p string) bool {
	if root, ok := sosRootOf(p); ok {
		t.sosRoots[root] = true
	}
	root, ok := t.sosRootFor(p)
	if !ok {
		return true
	}
	return sosRelevant(p[len(root):])
}

// sosRootFor returns the longest known sosreport root containing p.
func (t *tree) sosRootFor(p string) (string, bool) {
	best, found := "", false
	for root := range t.sosRoots {
		if strings.HasPrefix(p, root) && (!found || len(root) > len(best)) {
			best, found = root, true
		}
	}
	return best, found
}
