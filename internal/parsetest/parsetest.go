// Package parsetest holds the helpers every parser's tests share: read a
// test file and parse it under its base name, with or without failing on
// warnings.
package parsetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nettriage/nettriage/analyzer/source"
)

// ReadFile returns a test file's bytes or fails the test.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Parse reads path and parses it with parse, naming the artifact after the
// file's base name.
func Parse[T any](t testing.TB, path string, parse func(string, []byte) (T, []source.Warning)) (T, []source.Warning) {
	t.Helper()
	return parse(filepath.Base(path), ReadFile(t, path))
}

// ParseClean is Parse for files that must parse without a warning.
func ParseClean[T any](t testing.TB, path string, parse func(string, []byte) (T, []source.Warning)) T {
	t.Helper()
	v, warns := Parse(t, path, parse)
	NoWarnings(t, warns)
	return v
}

// NoWarnings fails the test when there are warnings.
func NoWarnings(t testing.TB, w []source.Warning) {
	t.Helper()
	if len(w) > 0 {
		t.Errorf("unexpected warnings: %v", w)
	}
}
