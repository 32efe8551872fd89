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
	// parent and parentPath locate the archive this tree was expanded
	// from, when it was a member of another archive.
	parent     *tree
	parentPath string
	// sosHosts are the host (and why) of each sosreport root, once the
	// tree is typed, for the archives stored inside it.
	sosHosts map[string][2]string
}

// inSosreport reports whether the tree is an archive stored inside a
// sosreport (proc/kallsyms.tgz, sos_commands/logs.xz): what it holds is
// kept only when it is of a known kind, as for the sosreport's own files.
func (t *tree) inSosreport() bool {
	if t.parent == nil {
		return false
	}
	_, ok := t.parent.sosRootFor(t.parentPath)
	return ok || t.parent.inSosreport()
}

// errStop ends the expansion of one archive after a limit was hit; the
// Error saying why has already been recorded.
var errStop = errors.New("limit reached")

// Sentinel errors of a metered stream (see meter).
var (
	errTotal = errors.New("total limit reached")
	errBomb  = errors.New("expansion ratio exceeded")
)

// Decompression bombs are caught by ratio as well as by the totals: past
// bombFloor bytes, an archive, a compressed stream or a zip member may not
// expand to more than bombRatio times its compressed size. Real bundles are
// far below it (measured in docs/LIMITS.md):
//
//	samples/bundles/seed00[0-3]-sosreport as tar.gz / tar.xz   7x-11x
//	testdata/corpus, shared/corpus as tar.gz / tar.xz / zip     4x-6x
//	the largest text members (ss -tan, sysctl -a) alone         4x-47x (xz), 4x-21x (gzip, zip)
//	all of samples/ (duplicated pcaps) as one tar.xz            196x, 27 MB: under the floor
//
// while a deflate bomb reaches 1032x and an xz or bzip2 bomb far more.
const (
	bombRatio = 100
	bombFloor = 64 << 20
)

// container is one archive or compressed stream: what it may expand to
// follows from its compressed size.
type container struct {
	in  int64 // compressed size
	out int64 // bytes produced from it so far
}

// limit is what the container may produce in all.
func (c *container) limit() int64 { return ratioLimit(c.in) }

// ratioLimit is the most that compressed bytes may expand to.
func ratioLimit(compressed int64) int64 {
	return max(bombFloor, bombRatio*min(max(compressed, 0), 1<<40))
}

type expander struct {
	lim    Limits
	used   int64 // input bytes plus expanded bytes so far, against MaxTotalBytes
	files  int   // archive members so far
	errs   []Error
	loose  *tree
	trees  []*tree
	output []*Artifact
	// skipped counts the sosreport files not analysed, per directory
	// and reason, in the order met.
	skipped      map[string]*NotAnalysed
	skippedOrder []string
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
		lim.MaxNesting = def.MaxNesting
	}
	loose := newTreeWithID("")
	return &expander{lim: lim, loose: loose, trees: []*tree{loose}}
}

func (x *expander) errorf(artifact, format string, args ...any) {
	x.errs = append(x.errs, Error{Artifact: artifact, Message: fmt.Sprintf(format, args...)})
}

// totalLeft is what the total budget still allows.
func (x *expander) totalLeft() int64 { return max(x.lim.MaxTotalBytes-x.used, 0) }

func (x *expander) totalError(archive string) {
	x.errorf(archive, "expanded size exceeds limit of %d bytes (the inputs and everything expanded from them); stopped (what was read so far is kept)", x.lim.MaxTotalBytes)
}

func (x *expander) addInput(in Input) {
	p := cleanInputPath(in.Name)
	if in.Open != nil {
		x.loose.add(&member{name: in.Name, path: p, open: in.Open, size: in.Size})
		return
	}
	if n := int64(len(in.Data)); n > x.totalLeft() {
		x.errorf(in.Name, "input of %d bytes does not fit in the total limit of %d bytes (the inputs and everything expanded from them); not analysed", n, x.lim.MaxTotalBytes)
		return
	}
	x.used += int64(len(in.Data))
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
// is not decompressed again. data has already been counted against the
// total.
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
		sub.parent, sub.parentPath = t, p
		c := &container{in: int64(len(data))}
		var err error
		if f == formatTar {
			err = x.readTar(sub, name, bytes.NewReader(data), depth, c, nil)
		} else {
			err = x.readZip(sub, name, data, depth, c)
		}
		if err != nil && err != errStop {
			x.errorf(name, "reading %s archive: %v (members read so far are kept)", f, err)
		}
	default:
		x.addCompressed(t, name, p, data, f, depth)
	}
}

func (x *expander) newTree(id string) *tree {
	t := newTreeWithID(id)
	x.trees = append(x.trees, t)
	return t
}

// maxXzDict bounds the dictionary an xz block may ask for. The decoder
// allocates it up front whatever the data, so a 64-byte file could
// otherwise ask for 4 GiB. xz -9 uses 64 MiB; sos uses the default xz -6
// (8 MiB).
const maxXzDict = 64 << 20

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

// meter counts what a decompressor produces against the total and against
// its container's ratio limit. Once over either, it returns the same error
// for good.
type meter struct {
	r   io.Reader
	x   *expander
	c   *container
	in  *counter // compressed bytes the decompressor has taken
	err error
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errMemberBomb stops reading one member (see memberGuard).
var errMemberBomb = errors.New("member expansion ratio exceeded")

// memberGuard watches one member (or a single compressed file) as it is
// read from the stream: past bombFloor, its bytes may not exceed bombRatio
// times the compressed bytes taken while reading it. Checking as it goes
// (rather than against the stream's whole compressed size) keeps a bomb
// from being buffered much past bombFloor.
func (m *meter) memberGuard() func(n int64) error {
	in0 := m.in.n
	return func(n int64) error {
		if n > bombFloor && n > bombRatio*(m.in.n-in0) {
			return errMemberBomb
		}
		return nil
	}
}

func (m *meter) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n, err := m.r.Read(p)
	m.c.out += int64(n)
	m.x.used += int64(n)
	switch {
	case m.x.used > m.x.lim.MaxTotalBytes:
		m.err = errTotal
	case m.c.out > m.c.limit():
		m.err = errBomb
	}
	if m.err != nil {
		return n, m.err
	}
	return n, err
}

func (x *expander) bombError(name string, c *container) {
	x.errorf(name, "expands to more than %d times its compressed size of %d bytes (over %d bytes): refused as a likely decompression bomb (members read before it are kept)",
		bombRatio, c.in, c.limit())
}

// addCompressed handles a gzip/xz/bzip2 stream: a compressed tar is an
// archive, anything else is the single file it compresses.
func (x *expander) addCompressed(t *tree, name, p string, data []byte, f format, depth int) {
	if f == formatXz {
		valid, err := checkXz(data, maxXzDict)
		if err != nil {
			x.errorf(name, "%v; not decompressed", err)
			return
		}
		data = data[:valid] // the decoder never sees a block header that was not checked
	}
	in := &counter{r: bytes.NewReader(data)}
	dr, err := decompressor(in, f)
	if err != nil {
		x.errorf(name, "reading %s stream: %v", f, err)
		return
	}
	c := &container{in: int64(len(data))}
	m := &meter{r: dr, x: x, c: c, in: in}
	br := bufio.NewReaderSize(m, 64<<10)
	head, _ := br.Peek(512)
	if isTarHeader(head) {
		if depth > x.lim.MaxNesting {
			x.errorf(name, "archive nested deeper than %d level(s); not expanded", x.lim.MaxNesting)
			return
		}
		sub := x.newTree(name + "!")
		sub.parent, sub.parentPath = t, p
		if err := x.readTar(sub, name, br, depth, c, m); err != nil && err != errStop {
			x.errorf(name, "reading %s-compressed tar archive: %v (members read so far are kept)", f, err)
		}
		return
	}
	var warns []source.Warning
	body, over, err := readCapped(br, 0, x.lim.MaxFileBytes, m.memberGuard())
	switch {
	case err == errMemberBomb:
		x.errorf(name, "expands to more than %d times its compressed size (past %d bytes): refused as a likely decompression bomb", bombRatio, bombFloor)
		return
	case m.err == errBomb:
		x.bombError(name, c)
		return
	case m.err == errTotal:
		x.totalError(name)
		warns = append(warns, source.Warnf(0, "truncated after %d bytes: expansion limit reached", len(body)))
	case over:
		x.errorf(name, "decompressed content exceeds the size limit of %d bytes per file; truncated (what was read so far is kept)", x.lim.MaxFileBytes)
		warns = append(warns, source.Warnf(0, "truncated after %d bytes: expansion limit reached", len(body)))
	case err != nil:
		x.errorf(name, "reading %s stream: %v (data read so far is kept)", f, err)
		warns = append(warns, source.Warnf(0, "%s stream is damaged; content may be incomplete", f))
	}
	if len(body) == 0 && err != nil {
		return
	}
	inner := newTreeWithID("")
	x.addBlob(inner, name, stripCompressionExt(p), body, depth, true)
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

// maxPrealloc caps the buffer allocated before a member's bytes arrive.
const maxPrealloc = 256 << 20

// readCapped reads r to its end, or to limit bytes. over reports that r
// had more than limit bytes; data then holds the first limit. The buffer
// starts at the hint (capped) and never grows past limit+1, so a member
// that turns out to be too big costs at most about 1.5 times the limit.
//
// guard, when set, is called with the length read so far after each read;
// an error from it stops the reading and is returned.
func readCapped(r io.Reader, hint, limit int64, guard func(int64) error) (data []byte, over bool, err error) {
	limit = max(limit, 0)
	buf := make([]byte, 0, min(max(hint, 0), limit, maxPrealloc)+512)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf[:limit], true, nil
			}
			n := min(int64(cap(buf))*2, limit+1)
			nb := make([]byte, len(buf), n)
			copy(nb, buf)
			buf = nb
		}
		n, e := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit], true, nil
		}
		if guard != nil {
			if err := guard(int64(len(buf))); err != nil {
				return buf, false, err
			}
		}
		if e == io.EOF {
			return buf, false, nil
		}
		if e != nil {
			return buf, false, e
		}
	}
}

// safeMemberPath cleans an archive member name and rejects absolute names
// and names that climb out of the archive.
func safeMemberPath(name string) (string, bool) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') {
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

// memberPath checks a member's name and records why it is refused. Other
// control characters (terminal escapes) are kept: names are shown escaped.
func (x *expander) memberPath(archive, name string) (string, bool) {
	if strings.IndexByte(name, 0) >= 0 {
		x.errorf(archive+"!"+name, "member name contains a NUL byte; rejected")
		return "", false
	}
	p, ok := safeMemberPath(name)
	if !ok {
		x.errorf(archive+"!"+name, "unsafe member name rejected (absolute or outside the archive)")
	}
	return p, ok
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

// isSparse tells a tar member whose declared size is mostly holes.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// readTar reads a tar archive. c is the archive's container; m is the
// meter of the compressed stream the tar comes from (nil for a tar held in
// memory), which has counted every byte already.
func (x *expander) readTar(t *tree, archive string, r io.Reader, depth int, c *container, m *meter) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if m != nil && m.err != nil {
			return x.meterStop(archive, c, m)
		}
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
		p, ok := x.memberPath(archive, hdr.Name)
		if !ok {
			continue
		}
		if !t.wants(p) {
			// Skipping reads nothing from a tar in memory; from a
			// compressed stream the meter counts the skipped bytes.
			continue
		}
		name := archive + "!" + p
		// The header's size (for a sparse file, its size with the holes
		// filled) is checked before anything is allocated.
		size := hdr.Size
		sparse := ""
		if isSparse(hdr) {
			sparse = "sparse "
		}
		if size > x.lim.MaxFileBytes {
			x.errorf(name, "%smember of %d bytes exceeds the size limit of %d bytes per file; skipped (the rest of the archive is read)", sparse, size, x.lim.MaxFileBytes)
			continue
		}
		if m != nil && c.out+size > c.limit() {
			// Even skipping it would decompress past the stream's limit.
			x.bombError(archive, c)
			return errStop
		}
		if m == nil && c.out+size > c.limit() {
			x.errorf(name, "%smember of %d bytes from an archive of %d bytes (more than %d times, over %d bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)",
				sparse, size, c.in, bombRatio, c.limit())
			continue
		}
		if size > x.totalLeft() {
			x.totalError(archive)
			return errStop
		}
		var guard func(int64) error
		if m != nil {
			guard = m.memberGuard()
		}
		data, _, err := readCapped(tr, size, size, guard)
		if m != nil && m.err != nil {
			return x.meterStop(archive, c, m)
		}
		if err == errMemberBomb {
			x.errorf(name, "member expands to more than %d times its compressed size (past %d bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)", bombRatio, bombFloor)
			continue
		}
		if err != nil {
			x.errorf(name, "reading tar member: %v", err)
			if len(data) == 0 {
				return err
			}
			x.addMember(t, name, p, data, depth, []source.Warning{source.Warnf(0, "tar member is damaged; content may be incomplete")})
			return errStop
		}
		if m == nil {
			c.out += int64(len(data))
			x.used += int64(len(data))
		}
		x.addMember(t, name, p, data, depth, nil)
	}
}

// meterStop records why a metered stream stopped.
func (x *expander) meterStop(archive string, c *container, m *meter) error {
	if m.err == errBomb {
		x.bombError(archive, c)
	} else {
		x.totalError(archive)
	}
	return errStop
}

func (x *expander) readZip(t *tree, archive string, data []byte, depth int, c *container) error {
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
		p, ok := x.memberPath(archive, zf.Name)
		if !ok {
			continue
		}
		if !t.wants(p) {
			continue // zip members are independent: skipping costs nothing
		}
		name := archive + "!" + p
		// Declared sizes are checked before reading; they may lie, so the
		// bytes actually inflated are held to the same limits.
		declared := int64(min(zf.UncompressedSize64, 1<<62))
		compressed := int64(min(zf.CompressedSize64, 1<<40))
		memberLimit := ratioLimit(compressed)
		bomb := func(n int64) {
			x.errorf(name, "member expands to %d bytes or more from %d compressed bytes (more than %d times, over %d bytes): refused as a likely decompression bomb; skipped (the rest of the archive is read)",
				n, compressed, bombRatio, bombFloor)
		}
		switch {
		case declared > x.lim.MaxFileBytes:
			x.errorf(name, "member of %d bytes exceeds the size limit of %d bytes per file; skipped (the rest of the archive is read)", declared, x.lim.MaxFileBytes)
			continue
		case declared > memberLimit || c.out+declared > c.limit():
			bomb(declared)
			continue
		case declared > x.totalLeft():
			x.totalError(archive)
			return errStop
		}
		rc, err := zf.Open()
		if err != nil {
			x.errorf(name, "cannot open zip member: %v", err)
			continue
		}
		limit := min(x.lim.MaxFileBytes, memberLimit, c.limit()-c.out, x.totalLeft())
		body, over, err := readCapped(rc, declared, limit, nil)
		rc.Close()
		if errors.Is(err, zip.ErrFormat) && int64(len(body)) == declared {
			// archive/zip stops at the declared size and says so.
			x.errorf(name, "member inflates to more than the %d bytes its header declares; refused (the rest of the archive is read)", declared)
			continue
		}
		if over {
			switch limit {
			case x.lim.MaxFileBytes:
				x.errorf(name, "member exceeds the size limit of %d bytes per file (its header said %d); skipped (the rest of the archive is read)", x.lim.MaxFileBytes, declared)
				continue
			case x.totalLeft():
				x.totalError(archive)
				return errStop
			}
			bomb(limit + 1)
			continue
		}
		var warns []source.Warning
		if err != nil {
			x.errorf(name, "reading zip member: %v", err)
			if len(body) == 0 {
				continue
			}
			warns = append(warns, source.Warnf(0, "zip member is damaged; content may be incomplete"))
		}
		c.out += int64(len(body))
		x.used += int64(len(body))
		x.addMember(t, name, p, body, depth, warns)
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

// sosRootFor returns the longest known sosreport root containing p. It
// looks up each directory prefix of p, so its cost does not grow with the
// number of roots (an archive may hold thousands).
func (t *tree) sosRootFor(p string) (string, bool) {
	if len(t.sosRoots) == 0 {
		return "", false
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' && t.sosRoots[p[:i+1]] {
			return p[:i+1], true
		}
	}
	return "", t.sosRoots[""]
}

func newTreeWithID(id string) *tree {
	return &tree{id: id, sosRoots: map[string]bool{}}
}
