// Package hostile writes hostile inputs for the expansion and parsing code:
// decompression bombs that stay inside the default limits, sparse tar
// members declaring gigabytes, thousands of sosreport roots, member names
// full of terminal escapes, an xz file asking for a 4 GiB dictionary, deep
// nesting and gigabyte single lines. Big contents are never held in memory:
// a deflate stream is built from one compressed chunk repeated, so a 2 GiB
// expansion costs a few megabytes to write.
package hostile

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
)

// SyslogChunk is 1 MiB of syslog text, whole lines (the last one padded),
// as in /var/log/messages.
func SyslogChunk() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 1<<20-200; i++ {
		fmt.Fprintf(&b, "Nov 20 22:36:%02d node-1 kernel: nf_conntrack: table full, dropping packet\n", i%60)
	}
	pad := 1<<20 - b.Len() - 1
	b.WriteString(strings.Repeat("x", pad))
	b.WriteByte('\n')
	return b.Bytes()
}

// deflater builds a raw deflate stream whose pieces are compressed apart
// (each one with no reference to the ones before), so a compressed piece
// may be repeated.
type deflater struct {
	out   bytes.Buffer
	crc   uint32
	size  int64
	cache map[string][]byte
}

// piece compresses p on its own and ends it on a byte boundary (a sync
// flush), not as the final block.
func piece(p []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(p)
	w.Flush()
	return b.Bytes()
}

// write appends p, repeated n times, to the stream.
func (d *deflater) write(p []byte, n int64) {
	c := piece(p)
	for range n {
		d.out.Write(c)
		d.crc = crc32.Update(d.crc, crc32.IEEETable, p)
	}
	d.size += int64(len(p)) * n
}

// finish ends the stream with an empty final block.
func (d *deflater) finish() []byte {
	d.out.Write([]byte{0x03, 0x00})
	return d.out.Bytes()
}

// gzipOf wraps a finished deflate stream into gzip.
func gzipOf(d *deflater) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255})
	b.Write(d.finish())
	binary.Write(&b, binary.LittleEndian, d.crc)
	binary.Write(&b, binary.LittleEndian, uint32(d.size))
	return b.Bytes()
}

// tarHeader is the 512-byte header of a regular file.
func tarHeader(name string, size int64) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg, Format: tar.FormatGNU})
	return b.Bytes() // Flush is not called: only the header is wanted
}

// tarFile is a whole small member: header, body, padding.
func tarFile(name, body string) []byte {
	b := tarHeader(name, int64(len(body)))
	b = append(b, body...)
	if r := len(body) % 512; r != 0 {
		b = append(b, make([]byte, 512-r)...)
	}
	return b
}

// SysctlMember is the member every archive here ends with: if it is read,
// expansion went on past the hostile member.
const SysctlMember = "sosreport-node-1-2024-01-15-abcdefg/sos_commands/kernel/sysctl_-a"

// SysctlBody is its content.
const SysctlBody = "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.ip_forward = 1\n"

// TarGzBomb is a sosreport-shaped tar.gz whose var/log/messages expands to
// mib MiB of syslog text, followed by sos_commands/kernel/sysctl_-a.
func TarGzBomb(mib int64) []byte { return TarGzBombPadded(mib, 0) }

// TarGzBombPadded is TarGzBomb after a member of padMiB MiB that does not
// compress (so the archive as a whole is not a bomb, only the member).
func TarGzBombPadded(mib, padMiB int64) []byte {
	root := "sosreport-node-1-2024-01-15-abcdefg/"
	var d deflater
	if padMiB > 0 {
		rng := rand.New(rand.NewPCG(1, 2))
		pad := make([]byte, padMiB<<20)
		for i := range pad {
			pad[i] = byte(rng.Uint32())
		}
		d.write(tarHeader(root+"sos_commands/rpm/filler", padMiB<<20), 1)
		d.write(pad, 1)
	}
	d.write(tarHeader(root+"var/log/messages", mib<<20), 1)
	d.write(SyslogChunk(), mib)
	d.write(append(tarFile(SysctlMember, SysctlBody), make([]byte, 1024)...), 1)
	return gzipOf(&d)
}

// ZipBomb is a zip whose messages member expands to mib MiB of syslog
// text, followed by a sysctl member. With lie set, the member's headers
// declare 1 MiB, as a hostile writer may.
func ZipBomb(mib int64, lie bool) []byte {
	var d deflater
	d.write(SyslogChunk(), mib)
	body := d.finish()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	h := &zip.FileHeader{Name: "node-1/var/log/messages", Method: zip.Deflate, CRC32: d.crc,
		CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(d.size)}
	if lie {
		h.UncompressedSize64 = 1 << 20
	}
	w, _ := zw.CreateRaw(h)
	w.Write(body)
	w, _ = zw.Create("node-1/sysctl_-a")
	io.WriteString(w, SysctlBody)
	zw.Close()
	return b.Bytes()
}

// SparseTar is an uncompressed tar (about 3 KB) with an old-GNU sparse
// member declaring gib GiB, of which 512 bytes are stored, followed by a
// sysctl member.
func SparseTar(gib int64) []byte {
	real := gib << 30
	h := make([]byte, 512)
	copy(h, "node-1/var/log/messages")
	octal := func(off, n int, v int64) { copy(h[off:off+n], fmt.Sprintf("%0*o\x00", n-1, v)) }
	octal(100, 8, 0o644)
	octal(108, 8, 0)
	octal(116, 8, 0)
	octal(124, 12, 512) // stored bytes
	octal(136, 12, 0)
	h[156] = 'S'
	copy(h[257:], "ustar  \x00")
	octal(386, 12, real-512) // sparse map entry 0: offset, length
	octal(398, 12, 512)
	h[482] = 0           // no extension blocks
	octal(483, 12, real) // real size
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	var b bytes.Buffer
	b.Write(h)
	b.Write(bytes.Repeat([]byte("Nov 20 22:36:36 node-1 kernel: x\n"), 512/33))
	b.Write(make([]byte, 512-512/33*33))
	b.Write(tarFile("node-1/sysctl_-a", SysctlBody))
	b.Write(make([]byte, 1024))
	return b.Bytes()
}

// ManyRoots is a tar.gz holding n sosreports side by side, each with a
// sysctl_-a and a /proc/sys file.
func ManyRoots(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for i := range n {
		root := fmt.Sprintf("sosreport-node-%d-2024-01-15-abcdefg/", i)
		for _, f := range [][2]string{{"sos_commands/kernel/sysctl_-a", "net.ipv4.ip_forward = 1\n"}, {"proc/sys/net/ipv4/tcp_tw_reuse", "1\n"}} {
			tw.WriteHeader(&tar.Header{Name: root + f[0], Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg})
			io.WriteString(tw, f[1])
		}
	}
	tw.Close()
	zw.Close()
	return b.Bytes()
}

// EscapeNames are member names that would drive a terminal (clear the
// screen, set its title) or end a C string early.
var EscapeNames = []string{"node-1/\x1b[2J\x1b[Hsysctl_-a", "node-1/\x1b]0;pwn\x07/sysctl_-a", "node-1/a\x00b/sysctl_-a"}

// EscapeZip is a zip whose members have EscapeNames, then "../x" and
// "/etc/passwd".
func EscapeZip() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range append(EscapeNames, "../x", "/etc/passwd") {
		w, _ := zw.Create(n)
		io.WriteString(w, SysctlBody)
	}
	zw.Close()
	return b.Bytes()
}

// EscapeTar is the same as a tar (where a NUL ends the name).
func EscapeTar() []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range append(EscapeNames[:2:2], "../x") {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(SysctlBody)), Typeflag: tar.TypeReg, Format: tar.FormatGNU})
		io.WriteString(tw, SysctlBody)
	}
	tw.Close()
	return b.Bytes()
}

// Nested is a tar holding a tar holding a tar ... depth levels deep; the
// innermost holds a sysctl file.
func Nested(depth int) []byte {
	inner := tarFile("sysctl_-a", SysctlBody)
	inner = append(inner, make([]byte, 1024)...)
	for i := range depth - 1 {
		inner = append(tarFile(fmt.Sprintf("level-%d.tar", depth-1-i), string(inner)), make([]byte, 1024)...)
	}
	return inner
}

// LongLineGz is a gzip of one line of mib MiB (no newline until the end).
func LongLineGz(mib int64) []byte {
	var d deflater
	d.write(bytes.Repeat([]byte("Nov 20 22:36:36 node-1 kernel: AAAA "), (1<<20)/36+1)[:1<<20], mib)
	d.write([]byte("\n"), 1)
	return gzipOf(&d)
}

// LongLine is a reader of one line of n bytes: generated as it is read.
func LongLine(n int64) io.Reader {
	return io.MultiReader(io.LimitReader(repeatReader("Nov 20 22:36:36 node-1 kernel: A "), n-1), strings.NewReader("\n"))
}

type repeat struct {
	s string
	i int
}

func repeatReader(s string) io.Reader { return &repeat{s: s} }

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.i:])
		n += c
		r.i = (r.i + c) % len(r.s)
	}
	return n, nil
}

// XzHugeDict is a valid 68-byte xz file holding "x" whose only block
// header asks for a dictionary of 4 GiB - 1 (property byte 40); dictProp
// other than 40 picks another size. The xz decoder allocates the
// dictionary before reading a byte.
func XzHugeDict(dictProp byte) []byte {
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	var b bytes.Buffer
	flags := []byte{0x00, 0x01} // CRC32 check
	b.Write([]byte{0xfd, '7', 'z', 'X', 'Z', 0x00})
	b.Write(flags)
	b.Write(le32(crc32.ChecksumIEEE(flags)))
	// Block header: size byte, flags (one filter), LZMA2 id, 1 property byte, padding, CRC32.
	hdr := []byte{0x02, 0x00, 0x21, 0x01, dictProp, 0x00, 0x00, 0x00}
	b.Write(hdr)
	b.Write(le32(crc32.ChecksumIEEE(hdr)))
	// LZMA2: one uncompressed chunk with dictionary reset, "x", end.
	data := []byte{0x01, 0x00, 0x00, 'x', 0x00}
	b.Write(data)
	b.Write(make([]byte, (4-len(data)%4)%4)) // block padding
	b.Write(le32(crc32.ChecksumIEEE([]byte("x"))))
	// Index: indicator, 1 record (unpadded size, uncompressed size), padding, CRC32.
	unpadded := len(hdr) + 4 + len(data) + 4
	index := []byte{0x00, 0x01, byte(unpadded), 0x01}
	b.Write(index)
	b.Write(le32(crc32.ChecksumIEEE(index)))
	// Footer: CRC32, backward size, flags, magic.
	back := le32(uint32((len(index)+4)/4 - 1))
	b.Write(le32(crc32.ChecksumIEEE(append(back, flags...))))
	b.Write(back)
	b.Write(flags)
	b.Write([]byte("YZ"))
	return b.Bytes()
}
