package engine

import (
	"io/fs"

	"github.com/nettriage/nettriage/rules"
)

// Builtin loads the rules embedded in the binary.
func Builtin() (*RuleSet, []error) {
	rs, errs := LoadFS(rules.FS)
	rs, errs2 := CheckExplainedBy(rs)
	return NewRuleSet(rs), append(errs, errs2...)
}

// WithDir loads the built-in rules, then the rules of dir; a rule in dir
// replaces the built-in rule with the same id.
func WithDir(dir fs.FS) (*RuleSet, []error) {
	base, errs := LoadFS(rules.FS)
	extra, errs2 := LoadFS(dir)
	all, errs3 := CheckExplainedBy(NewRuleSet(append(base, extra...)).Rules)
	return NewRuleSet(all), append(append(errs, errs2...), errs3...)
}
