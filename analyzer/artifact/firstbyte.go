package artifact

import (
	"regexp/syntax"
	"unicode/utf8"
)

// byteSet is a set of bytes.
type byteSet [256]bool

// firstBytes computes the bytes a match of the anchored pattern expr can
// start with, so most lines are rejected without running the regexp
// (sniffing runs ~90 patterns on every sampled line). ok is false when the
// set cannot be bounded (the pattern can match the empty string, or starts
// with a non-ASCII class); then every line must be tried.
func firstBytes(expr string) (set byteSet, ok bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return set, false
	}
	nullable := addFirst(re.Simplify(), &set)
	return set, !nullable
}

// addFirst adds the possible first bytes of re to set and reports whether
// re can match the empty string (so what follows it may come first).
func addFirst(re *syntax.Regexp, set *byteSet) (nullable bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpEndLine, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true
		}
		r := re.Rune[0]
		if r >= utf8.RuneSelf {
			markAll(set)
			return false
		}
		set[r] = true
		if re.Flags&syntax.FoldCase != 0 {
			if 'a' <= r && r <= 'z' {
				set[r-'a'+'A'] = true
			} else if 'A' <= r && r <= 'Z' {
				set[r-'A'+'a'] = true
			}
		}
		return false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				markAll(set)
				return false
			}
			for c := lo; c <= hi; c++ {
				set[c] = true
			}
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		markAll(set)
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return addFirst(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		addFirst(re.Sub[0], set)
		return true
	case syntax.OpRepeat:
		n := addFirst(re.Sub[0], set)
		return n || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !addFirst(sub, set) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			if addFirst(sub, set) {
				nullable = true
			}
		}
		return nullable
	}
	markAll(set)
	return false
}

func markAll(set *byteSet) {
	for i := range set {
		set[i] = true
	}
}
