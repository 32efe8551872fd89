// Package rules embeds the built-in rule files. Each *.yaml file describes one
// failure mode; see docs/RULES.md for the expression language.
package rules

import "embed"

// FS holds the built-in rules.
//
//go:embed *.yaml
var FS embed.FS
