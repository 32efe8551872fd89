package collect

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"time"

	"github.com/nettriage/nettriage/analyzer/artifact"
)

// bundle writes the tar.gz and keeps the manifest of what went into it.
// Members are written as they are collected, so only one file's bytes are
// in memory at a time.
type bundle struct {
	zw    *gzip.Writer
	tw    *tar.Writer
	top   string // "nettriage-node1-20240131-101500/"
	mtime time.Time
	man   *artifact.CollectManifest
	err   error // first write error; writing stops there
}

func newBundle(w io.Writer, top string, man *artifact.CollectManifest) *bundle {
	zw := gzip.NewWriter(w)
	return &bundle{zw: zw, tw: tar.NewWriter(zw), top: top + "/", mtime: time.Now(), man: man}
}

// write adds one member at rel (relative to the top directory).
func (b *bundle) write(rel string, data []byte) {
	if b.err != nil {
		return
	}
	hdr := &tar.Header{Name: b.top + rel, Mode: 0o644, Size: int64(len(data)), ModTime: b.mtime,
		Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if b.err = b.tw.WriteHeader(hdr); b.err == nil {
		_, b.err = b.tw.Write(data)
	}
}

// record lists an attempt in the manifest.
func (b *bundle) record(f artifact.CollectFile) {
	b.man.Files = append(b.man.Files, f)
}

// store writes data (when there is any) and records the attempt.
func (b *bundle) store(f artifact.CollectFile, data []byte) {
	if data != nil {
		b.write(f.Path, data)
		f.Stored = b.err == nil
		f.Bytes = int64(len(data))
	}
	b.record(f)
}

// close writes the manifest last and flushes the archive.
func (b *bundle) close() error {
	js, err := json.MarshalIndent(b.man, "", "  ")
	if err != nil {
		return err
	}
	b.write("manifest.json", append(js, '\n'))
	if b.err != nil {
		return b.err
	}
	if err := b.tw.Close(); err != nil {
		return err
	}
	return b.zw.Close()
}

func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
