// Package gallery is the format of the sample gallery's index,
// site/samples/index.json: `make site` (wasm/sitegen) writes it and the
// page (wasm/browser) reads it. It has no dependencies, so the UI module
// stays small.
package gallery

// Sample is one gallery entry: a sample case and the files to load.
type Sample struct {
	ID         string   `json:"id"` // "tw-recycle-nat/positive"
	Rule       string   `json:"rule"`
	Case       string   `json:"case"`
	Confidence string   `json:"confidence"`
	Rules      []string `json:"rules"`
	About      string   `json:"about"`
	Files      []string `json:"files"`
	Bytes      int64    `json:"bytes"`
}
