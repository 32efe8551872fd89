//go:build js && wasm

package main

import (
	"encoding/json"
	"sort"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"
)

// Exports open a preview of exactly the text that will be saved, with a
// legend of the redaction's pseudonyms ("10.46.47.92 = 192.168.4.20, an
// IPv4 address"). The legend comes from the engine next to the text and
// stays in this page: it is never part of what is saved.

// Mapping is one pseudonym of a redacted export (redact.Mapping).
type Mapping struct {
	Kind      string `json:"kind"`
	Original  string `json:"original"`
	Pseudonym string `json:"pseudonym"`
}

var kindNames = map[string]string{
	"ipv4": "an IPv4 address", "ipv6": "an IPv6 address", "mac": "a MAC address", "hw": "a hardware address",
	"host": "a host name", "domain": "a domain name", "user": "a user name",
}

// previewMax is how much of an export the preview shows highlighted; a
// longer one is shown as plain text.
const previewMax = 1 << 20

func (a *app) wireExport() {
	for id, format := range map[string]string{"export-md": "markdown", "export-json": "json", "export-html": "html"} {
		format := format
		a.el(id).AddEventListener("click", false, func(dom.Event) {
			a.status("Preparing the "+format+" export…", "busy")
			a.send("export", map[string]any{"format": format, "redact": a.el("export-redact").Underlying().Get("checked").Bool(), "preview": true})
		})
	}
	dlg := a.el("export-dialog").Underlying()
	a.el("export-cancel").AddEventListener("click", false, func(dom.Event) { dlg.Call("close") })
	a.el("export-download").AddEventListener("click", false, func(dom.Event) {
		a.download(a.exportName, a.exportText, a.exportFormat)
		dlg.Call("close")
	})
}

// showExport opens the preview dialog for an export answer.
func (a *app) showExport(m js.Value) {
	a.exportText, a.exportName, a.exportFormat = m.Get("text").String(), m.Get("name").String(), m.Get("format").String()
	var legend []Mapping
	if l := m.Get("legend"); l.Type() == js.TypeString {
		json.Unmarshal([]byte(l.String()), &legend)
	}
	// The legend lists the pseudonyms this export holds (the redactor may
	// have named more while redacting parts this format leaves out).
	kept := legend[:0]
	for _, mp := range legend {
		if mp.Pseudonym != "" && strings.Contains(a.exportText, mp.Pseudonym) {
			kept = append(kept, mp)
		}
	}
	legend = kept
	if !m.Get("preview").Truthy() {
		a.download(a.exportName, a.exportText, a.exportFormat)
		return
	}
	a.el("export-name").SetTextContent(a.exportName + " (" + size(int64(len(a.exportText))) + ")")
	var b strings.Builder
	if len(legend) == 0 {
		if strings.Contains(a.exportName, "redacted") {
			b.WriteString(`<p class="empty">Nothing needed a pseudonym.</p>`)
		} else {
			b.WriteString(`<p class="warn">Not redacted: the export holds the real addresses, host and user names.</p>`)
		}
	} else {
		hosts := map[string]bool{}
		if a.report != nil {
			for _, h := range a.report.Hosts {
				hosts[h] = true
			}
		}
		b.WriteString(`<dl class="legend-list">`)
		for _, mp := range legend {
			what := kindNames[mp.Kind]
			if what == "" {
				what = mp.Kind
			}
			if hosts[mp.Original] {
				what = "the name of host " + mp.Original
			}
			b.WriteString(`<div><dt><mark>` + esc(mp.Pseudonym) + `</mark></dt><dd>= ` + esc(mp.Original) + ` <small>(` + esc(what) + `)</small></dd></div>`)
		}
		b.WriteString(`</dl>`)
	}
	a.el("export-legend").SetInnerHTML(b.String())
	pre := a.el("export-preview")
	if len(a.exportText) > previewMax || len(legend) == 0 {
		pre.SetTextContent(a.exportText)
	} else {
		// Highlight every pseudonym, longest first so that 10.0.0.10 is not
		// taken for 10.0.0.1 followed by a 0.
		sort.Slice(legend, func(i, j int) bool { return len(legend[i].Pseudonym) > len(legend[j].Pseudonym) })
		var pairs []string
		for _, mp := range legend {
			if mp.Pseudonym != "" {
				pairs = append(pairs, esc(mp.Pseudonym), `<mark>`+esc(mp.Pseudonym)+`</mark>`)
			}
		}
		pre.SetInnerHTML(strings.NewReplacer(pairs...).Replace(esc(a.exportText)))
	}
	a.status("Export ready: check the preview, then download.", "")
	dlg := a.el("export-dialog").Underlying()
	if !dlg.Get("open").Bool() {
		dlg.Call("showModal")
	}
	a.el("export-download").Focus()
}

// download saves text as a file through an object URL (no request leaves
// the page: a blob: URL is read from memory).
func (a *app) download(name, text, format string) {
	mime := map[string]string{"markdown": "text/markdown", "json": "application/json", "html": "text/html"}[format]
	blob := js.Global().Get("Blob").New([]any{text}, map[string]any{"type": mime + ";charset=utf-8"})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	link := a.doc.CreateElement("a").(dom.HTMLElement)
	link.SetAttribute("href", url.String())
	link.SetAttribute("download", name)
	a.doc.(dom.HTMLDocument).Body().AppendChild(link)
	link.Click()
	link.Remove()
	// Revoke later: the download may not have started yet.
	time.AfterFunc(time.Minute, func() { js.Global().Get("URL").Call("revokeObjectURL", url) })
	a.status("Saved "+name+".", "")
}
