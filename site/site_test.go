package site

import (
	"io/fs"
	"testing"
)

func TestFSServesThePageButNotTheGoSource(t *testing.T) {
	files := FS()
	for _, name := range []string{"index.html", "style.css", "main.js", "engine-worker.js", "favicon.svg"} {
		if _, err := fs.Stat(files, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"site.go", "_headers"} {
		if _, err := files.Open(name); err == nil {
			t.Errorf("%s is served", name)
		}
	}
}
