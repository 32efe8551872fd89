//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"syscall/js"
)

var (
	uint8Array = js.Global().Get("Uint8Array")

	errCancelled = errors.New("cancelled: a newer analysis was started")
)

// await blocks the calling goroutine until promise settles. It must not be
// called from a js.FuncOf callback: the JavaScript event loop has to run
// for the promise to settle, and it only runs while every goroutine is
// blocked.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1) // buffered: the callbacks never block
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: fmt.Errorf("%s", jsString(args[0]))}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	promise.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

// jsString describes a JavaScript value, an Error included.
func jsString(v js.Value) string {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return v.Get("message").String()
	}
	return v.Call("toString").String()
}

// readRange reads bytes [from, to) of a Blob.
func readRange(blob js.Value, from, to int64) ([]byte, error) {
	ab, err := await(blob.Call("slice", from, to).Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := uint8Array.New(ab)
	b := make([]byte, u8.Length())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// blobReader streams a Blob (a File from the page) through Blob.slice and
// arrayBuffer, one chunk at a time, so that a capture of any size is read
// with two chunks of memory. The next chunk is requested before the current
// one is handed out, so the browser reads it while Go parses.
type blobReader struct {
	blob      js.Value
	size      int64
	chunk     int64
	next      int64       // offset of the next chunk to request
	pending   chan []byte // the chunk in flight, nil when none
	errs      chan error
	buf       []byte // the current chunk
	cur       []byte // its unread part
	spare     []byte // buffer to fill with the next chunk
	cancelled func() bool
	closed    bool
}

func newBlobReader(blob js.Value, chunk int64, cancelled func() bool) *blobReader {
	r := &blobReader{blob: blob, size: int64(blob.Get("size").Float()), chunk: chunk, cancelled: cancelled}
	r.request()
	return r
}

// request asks the browser for the next chunk; the promise's callback
// copies it into the spare buffer.
func (r *blobReader) request() {
	if r.next >= r.size {
		r.pending = nil
		return
	}
	end := min(r.next+r.chunk, r.size)
	buf := r.spare
	if int64(cap(buf)) < end-r.next {
		buf = make([]byte, r.chunk)
	}
	buf = buf[:end-r.next]
	r.spare = nil
	done, errs := make(chan []byte, 1), make(chan error, 1)
	var onOK, onErr js.Func
	release := func() { onOK.Release(); onErr.Release() }
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		js.CopyBytesToGo(buf, uint8Array.New(args[0]))
		release()
		done <- buf
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		errs <- fmt.Errorf("reading at byte %d: %s", r.next, jsString(args[0]))
		return nil
	})
	r.blob.Call("slice", r.next, end).Call("arrayBuffer").Call("then", onOK, onErr)
	r.pending, r.errs = done, errs
	r.next = end
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errors.New("read after close")
	}
	if len(r.cur) == 0 {
		if r.pending == nil {
			return 0, io.EOF
		}
		if r.cancelled != nil && r.cancelled() {
			return 0, errCancelled
		}
		select {
		case b := <-r.pending:
			// The chunk just used becomes the buffer for the one after.
			r.spare, r.buf, r.cur = r.buf, b, b
			r.request()
		case err := <-r.errs:
			return 0, err
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// Close drops the buffers. A chunk still in flight lands in a buffer
// nothing reads any more.
func (r *blobReader) Close() error {
	r.closed, r.buf, r.cur, r.spare = true, nil, nil, nil
	return nil
}
