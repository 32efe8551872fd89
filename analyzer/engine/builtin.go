package engine

import (
	"io/fs"

	"github.com/nettriage/nettriage/rules"
)

// Builtin loads the rules embedded in the binary.
func Builtin() (*RuleSet, []error) {
	rs, errs := LoadFS(rules.FS)
	return NewRuleSet(rs), errs
}

// WithDir loads the built-in rules, then the rules of dir; a rule in dir
// replaces the built-in rule with the same id.
func WithDir(dir fs.FS) (*RuleSet, []error) {
	base, errs := LoadFS(rules.FS)
	extra, errs2 := LoadFS(dir)
	return NewRuleSet(append(base, extra...)), append(errs, errs2...)
}
