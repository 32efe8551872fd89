package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nettriage/nettriage/site"
)

// contentSecurityPolicy forbids every connection except loads from the
// page's own origin (the same policy netlify.toml sets): customer data
// cannot leave the page, even through a bug.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; " +
	"img-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// hashed matches the content-hashed module names `make site` writes; they
// never change content, so browsers may cache them for good.
var hashed = regexp.MustCompile(`^(engine|ui)\.[0-9a-f]{12}\.wasm$`)

func serveCmd() *cobra.Command {
	var addr, dir, certFile, keyFile string
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--dir DIR] [--tls-cert FILE --tls-key FILE]",
		Short: "Serve the web playground (embedded in this binary) for air-gapped use",
		Long: `Serve runs the web playground from this binary: the page, its two
WebAssembly modules and the sample gallery, with the same headers as the
public site (a Content-Security-Policy that forbids any connection but to
this server). The analysis runs in the browser; the server only hands out
static files and never receives the user's data.

The site is embedded when the binary is built after 'make site'. A binary
built before that answers with a page that says how to build it; --dir
serves a site directory from disk instead.

The modules are sent precompressed (brotli or gzip, whichever the browser
accepts). Browsers offer brotli only to secure contexts (https, or
localhost), so a site served to other machines loads fastest over https:
give --tls-cert and --tls-key (PEM files).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var files fs.FS = site.FS()
			built := site.Built()
			if dir != "" {
				var err error
				if files, built, err = dirSite(dir); err != nil {
					return &exitError{2, err.Error()}
				}
			}
			if (certFile == "") != (keyFile == "") {
				return &exitError{2, "--tls-cert and --tls-key go together"}
			}
			scheme := "http"
			var cert tls.Certificate
			if certFile != "" {
				var err error
				if cert, err = tls.LoadX509KeyPair(certFile, keyFile); err != nil {
					return &exitError{2, err.Error()}
				}
				scheme = "https"
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &exitError{2, err.Error()}
			}
			srv := &http.Server{Handler: siteHandler(files, built), ReadHeaderTimeout: 10 * time.Second}
			if scheme == "https" {
				srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
				ln = tls.NewListener(ln, srv.TLSConfig)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "nettriage playground on %s://%s/\n", scheme, ln.Addr())
			if !built {
				fmt.Fprintln(cmd.ErrOrStderr(), "nettriage: the site's WebAssembly modules are not embedded; run `make site` and rebuild (or use --dir site)")
			}
			stop := make(chan os.Signal, 1)
			signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
			go func() {
				<-stop
				srv.Close()
			}()
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	cmd.Flags().StringVar(&dir, "dir", "", "serve this site directory instead of the embedded copy")
	cmd.Flags().StringVar(&certFile, "tls-cert", "", "serve https with this certificate (PEM; with --tls-key)")
	cmd.Flags().StringVar(&keyFile, "tls-key", "", "the certificate's private key (PEM)")
	return cmd
}

// dirSite opens a site directory for serving and reports whether it
// holds the built modules. The files are opened through an os.Root, so
// no name, symbolic link or ".." can reach outside the directory even if
// a link appears between the handler's check and the open; the handler
// itself serves nothing reached through a symbolic link.
func dirSite(dir string) (fs.FS, bool, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, false, err
	}
	files := root.FS()
	m, _ := fs.Glob(files, "engine.*.wasm")
	return files, len(m) > 0, nil
}

// siteHandler serves the site's static files with the playground's
// headers: the CSP, the wasm MIME type, immutable caching for hashed
// modules and revalidation for everything else. Only GET and HEAD are
// answered. Directories are never listed: one is served only through its
// index.html, and is not found without one. Names with a segment that
// starts with a dot (.git, .env, .secret), and names that go through a
// symbolic link, are not found either.
func siteHandler(files fs.FS, built bool) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if hidden(name) {
			http.NotFound(w, r)
			return
		}
		if (name == "/" || name == "/index.html") && !built {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			fmt.Fprint(w, notBuiltPage)
			return
		}
		rel := strings.TrimPrefix(name, "/")
		if rel == "" {
			rel = "."
		}
		// Anything that cannot be stat'ed through files, or that goes
		// through a symbolic link, is not found, whatever the error.
		fi, err := fs.Stat(files, rel)
		if err != nil || linked(files, rel) {
			http.NotFound(w, r)
			return
		}
		if fi.IsDir() {
			// Lstat: the index must be a regular file, not a link.
			if idx, err := fs.Lstat(files, path.Join(rel, "index.html")); err != nil || !idx.Mode().IsRegular() {
				http.NotFound(w, r)
				return
			}
		} else if !fi.Mode().IsRegular() || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		base := path.Base(name)
		switch {
		case hashed.MatchString(base):
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		default:
			h.Set("Cache-Control", "no-cache")
		}
		if strings.HasSuffix(base, ".wasm") {
			h.Set("Content-Type", "application/wasm")
		}
		if !fi.IsDir() && servePrecompressed(w, r, files, rel, fi) {
			return
		}
		fileServer.ServeHTTP(w, r)
	})
}

// encodings are the precompressed forms `make site` writes, best first.
var encodings = []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// servePrecompressed answers with NAME.br or NAME.gz when the request
// accepts that encoding and the file exists next to NAME (a regular file,
// not a link), and reports whether it did. Vary tells caches that the
// answer depends on Accept-Encoding.
func servePrecompressed(w http.ResponseWriter, r *http.Request, files fs.FS, rel string, orig fs.FileInfo) bool {
	pre := false
	for _, e := range encodings {
		if _, err := fs.Stat(files, rel+e.ext); err == nil {
			pre = true
		}
	}
	if !pre {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	for _, e := range encodings {
		if !acceptsEncoding(r.Header.Get("Accept-Encoding"), e.token) {
			continue
		}
		fi, err := fs.Lstat(files, rel+e.ext)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		f, err := files.Open(rel + e.ext)
		if err != nil {
			continue
		}
		defer f.Close()
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			continue
		}
		if h.Get("Content-Type") == "" {
			if t := mime.TypeByExtension(path.Ext(rel)); t != "" {
				h.Set("Content-Type", t)
			}
		}
		h.Set("Content-Encoding", e.token)
		http.ServeContent(w, r, rel, orig.ModTime(), rs)
		return true
	}
	return false
}

// acceptsEncoding reports whether an Accept-Encoding header accepts the
// coding (listed, or *, without q=0).
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "" {
			return false
		}
		return true
	}
	return false
}

// linked reports whether any component of rel (a name in files) is a
// symbolic link, or cannot be looked at. A site directory has no reason
// to hold links, and a link could lead to a dotfile or out of the
// directory under an innocent name. Files without links (the embedded
// site) have none.
func linked(files fs.FS, rel string) bool {
	if rel == "." {
		return false
	}
	p := ""
	for _, seg := range strings.Split(rel, "/") {
		p = path.Join(p, seg)
		fi, err := fs.Lstat(files, p)
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// hidden reports whether a cleaned URL path has a segment that starts
// with a dot.
func hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nettriage: the playground is not built</title></head>
<body>
<h1>The playground is not built into this binary</h1>
<p>This <code>nettriage</code> was built before its web playground, so it has the page but not the two
WebAssembly modules that do the work. In the repository, run:</p>
<pre>make site     # builds the modules into site/
make build    # rebuilds ./nettriage with the site embedded
./nettriage serve --addr 127.0.0.1:8080</pre>
<p>or serve the directory directly: <code>nettriage serve --dir site</code>. <code>make serve</code> does all of it.</p>
</body></html>
`
