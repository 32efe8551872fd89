package engine

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/nettriage/nettriage/analyzer/derive"
)

// The vocabulary of conditions is declared in analyzer/derive, next to the
// measurements. The engine builds the expression environment from it: the
// rule's parameters as `params`, and every vocabulary function.

// typeEnv is the environment conditions are type-checked against: each
// function bound to an empty context, which is never called.
var typeEnv = sync.OnceValue(func() map[string]any {
	env := derive.Bind(&derive.Ctx{})
	env["params"] = map[string]float64{}
	return env
})

// compileConfig is the expr configuration every condition is compiled
// with, built once: describing the environment reflects over every
// vocabulary function, which expr.Compile would redo for each condition
// (most of the rules' load time in the page).
var (
	compileMu     sync.Mutex
	compileConfig = sync.OnceValue(func() *conf.Config {
		c := conf.CreateNew()
		expr.Env(typeEnv())(c)
		expr.AsBool()(c)
		c.Check()
		return c
	})
)

// parseCondition parses a condition with the shared configuration; the
// tree is walked for diagnostics, then given to compileTree.
func parseCondition(src string) (*parser.Tree, error) {
	compileMu.Lock()
	defer compileMu.Unlock()
	return parser.ParseWithConfig(src, compileConfig())
}

// compileTree finishes what expr.Compile does, with the shared
// configuration: type-check, optimise, compile. The configuration's type
// cache is not safe for concurrent use, so compiles are serialised.
func compileTree(tree *parser.Tree) (*vm.Program, error) {
	compileMu.Lock()
	defer compileMu.Unlock()
	c := compileConfig()
	if _, err := new(checker.Checker).PatchAndCheck(tree, c); err != nil {
		return nil, err
	}
	if c.Optimize {
		if err := optimizer.Optimize(&tree.Node, c); err != nil {
			var fe *file.Error
			if errors.As(err, &fe) {
				return nil, fe.Bind(tree.Source)
			}
			return nil, err
		}
	}
	return compiler.Compile(tree, c)
}

type program struct {
	level string
	prog  *vm.Program
}

// programs are a rule's compiled conditions by level. A rule loaded from
// YAML has them as it loads (compile); a pre-read rule compiles them on
// its first evaluation (see ParsePreread).
type programs struct {
	once    sync.Once
	byLevel map[string]*program
	err     error
}

// compiledPrograms holds programs that are already compiled.
func compiledPrograms(byLevel map[string]*program) *programs {
	p := &programs{byLevel: byLevel}
	p.once.Do(func() {})
	return p
}

// program returns the compiled condition at level, or nil when the rule
// has none.
func (r *Rule) program(level string) (*program, error) {
	p := r.programs
	p.once.Do(func() { p.byLevel, p.err = r.compileConditions() })
	return p.byLevel[level], p.err
}

// compileConditions compiles each condition, without the checks compile
// makes: for a rule that passed them when it was pre-read.
func (r *Rule) compileConditions() (map[string]*program, error) {
	out := map[string]*program{}
	for _, level := range Confidences {
		src, ok := r.Conditions[level]
		if !ok {
			continue
		}
		tree, err := parseCondition(src)
		if err == nil {
			var p *vm.Program
			if p, err = compileTree(tree); err == nil {
				out[level] = &program{level: level, prog: p}
				continue
			}
		}
		return nil, r.exprError(level, r.condLines[level], err)
	}
	return out, nil
}

// call is one vocabulary call a condition makes, with the position of the
// call in the rule file.
type call struct {
	fn   *derive.Func
	line int
}

// compile type-checks every condition against the vocabulary and checks
// the literals it passes, so a typo in a rule is reported when it loads,
// at its file and line. Problems that cannot stop a rule from working are
// recorded as warnings on the rule.
func (r *Rule) compile() error {
	compiled := map[string]*program{}
	r.calls = map[string]bool{}
	r.counters = map[string]bool{}
	usedParams := map[string]bool{}
	for _, level := range Confidences {
		src, ok := r.Conditions[level]
		if !ok {
			continue
		}
		base := r.condLines[level]
		at := func(loc file.Location) int { return base + lineOf(src, loc.From) - 1 }
		tree, err := parseCondition(src)
		if err != nil {
			return r.exprError(level, base, err)
		}
		var problems []*LoadError
		walk(tree.Node, func(n ast.Node) {
			switch n := n.(type) {
			case *ast.CallNode:
				id, ok := n.Callee.(*ast.IdentifierNode)
				if !ok {
					return
				}
				f, ok := derive.LookupFunc(id.Value)
				if !ok {
					if !builtinFunc(id.Value) {
						problems = append(problems, r.errAt(at(n.Location()), "rule %s, %s condition: unknown function %s()%s",
							r.ID, level, id.Value, derive.Suggest(id.Value, funcNames())))
					}
					return
				}
				r.calls[f.Name] = true
				for i, a := range n.Arguments {
					if i >= len(f.Args) {
						break
					}
					lit, ok := a.(*ast.StringNode)
					if !ok {
						continue
					}
					if f.Args[i].Kind == derive.ArgCounter {
						r.counters[lit.Value] = true
					}
					errMsg, warn := derive.CheckArg(f.Args[i].Kind, lit.Value)
					if errMsg != "" {
						problems = append(problems, r.errAt(at(a.Location()), "rule %s, %s condition: %s(): %s", r.ID, level, f.Name, errMsg))
					} else if warn != "" {
						r.Warnings = append(r.Warnings, r.warnAt(at(a.Location()), "rule %s, %s condition: %s(): %s", r.ID, level, f.Name, warn))
					}
				}
			case *ast.BinaryNode:
				if !arithmetic[n.Operator] {
					return
				}
				for _, side := range []ast.Node{n.Left, n.Right} {
					if name := nilableCall(side); name != "" {
						problems = append(problems, r.errAt(at(side.Location()), "rule %s, %s condition: %s() is nil when its input was not collected, so %q cannot use it directly: write (%s(...) ?? DEFAULT)",
							r.ID, level, name, n.Operator, name))
					}
				}
			case *ast.MemberNode:
				id, ok := n.Node.(*ast.IdentifierNode)
				prop, ok2 := n.Property.(*ast.StringNode)
				if !ok || !ok2 || id.Value != "params" {
					return
				}
				usedParams[prop.Value] = true
				if _, declared := r.Params[prop.Value]; !declared {
					problems = append(problems, r.errAt(at(n.Location()), "rule %s, %s condition: params.%s is not declared under params%s",
						r.ID, level, prop.Value, derive.Suggest(prop.Value, paramNames(r))))
				}
			}
		})
		if len(problems) > 0 {
			return problems[0]
		}
		p, err := compileTree(tree)
		if err != nil {
			return r.exprError(level, base, err)
		}
		compiled[level] = &program{level: level, prog: p}
	}
	r.programs = compiledPrograms(compiled)
	for _, name := range paramNames(r) {
		if !usedParams[name] {
			r.Warnings = append(r.Warnings, r.warnAt(r.keyLines["params"], "rule %s: parameter %s is declared but no condition uses it", r.ID, name))
		}
	}
	return r.checkReferences()
}

// exprError turns an expr error into a LoadError at the condition's line.
func (r *Rule) exprError(level string, base int, err error) error {
	if fe, ok := err.(*file.Error); ok {
		msg := fe.Message
		if m := unknownName.FindStringSubmatch(msg); m != nil {
			msg += derive.Suggest(m[1], funcNames())
		}
		return &LoadError{File: r.File, Line: base + max(fe.Line, 1) - 1,
			Msg: fmt.Sprintf("rule %s, %s condition: %s", r.ID, level, msg)}
	}
	return &LoadError{File: r.File, Line: base, Msg: fmt.Sprintf("rule %s, %s condition: %v", r.ID, level, err)}
}

var unknownName = regexp.MustCompile(`unknown name ([A-Za-z_][A-Za-z0-9_]*)`)

// checkReferences checks what rule text refers to: {{value}} names in the
// summary and in collect commands, and the decisive functions.
func (r *Rule) checkReferences() error {
	values := map[string]bool{"host": true, "namespace": true}
	for name := range r.calls {
		f, _ := derive.LookupFunc(name)
		for _, v := range f.Values {
			values[v] = true
		}
	}
	known := make([]string, 0, len(values))
	for v := range values {
		known = append(known, v)
	}
	sort.Strings(known)
	check := func(key, text string) error {
		for _, m := range templateRef.FindAllStringSubmatch(text, -1) {
			if k, ok := strings.CutPrefix(m[1], "sysctl:"); ok && r.calls["sysctl"] {
				if !strings.Contains(strings.Join(r.conditionTexts(), "\n"), `sysctl("`+k+`")`) {
					return r.errAt(r.keyLines[key], "rule %s: %s refers to {{%s}}, but no condition reads sysctl(%q)", r.ID, key, m[1], k)
				}
				continue
			}
			if !values[m[1]] {
				return r.errAt(r.keyLines[key], "rule %s: %s refers to {{%s}}, which no function the conditions call measures (known here: %s)%s",
					r.ID, key, m[1], strings.Join(known, ", "), derive.Suggest(m[1], known))
			}
		}
		return nil
	}
	if err := check("summary", r.Summary); err != nil {
		return err
	}
	for _, in := range r.Inputs {
		if err := check("inputs", in.Collect); err != nil {
			return err
		}
	}
	for _, d := range r.Decisive {
		if _, ok := derive.LookupFunc(d); !ok {
			return r.errAt(r.keyLines["decisive"], "rule %s: decisive names %s, which is not a vocabulary function%s", r.ID, d, derive.Suggest(d, funcNames()))
		}
		if !r.calls[d] {
			return r.errAt(r.keyLines["decisive"], "rule %s: decisive names %s, which no condition calls", r.ID, d)
		}
	}
	return nil
}

// templateRef is a reference to a measured value in rule text: {{nodeport}}.
var templateRef = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z0-9_.*/@-]+)?)\s*\}\}`)

// conditionTexts returns the rule's conditions.
func (r *Rule) conditionTexts() []string {
	var out []string
	for _, c := range r.Conditions {
		out = append(out, c)
	}
	return out
}

func (r *Rule) errAt(line int, format string, a ...any) *LoadError {
	return &LoadError{File: r.File, Line: line, Msg: fmt.Sprintf(format, a...)}
}

func (r *Rule) warnAt(line int, format string, a ...any) *LoadError {
	return &LoadError{File: r.File, Line: line, Msg: fmt.Sprintf(format, a...), Warning: true}
}

func paramNames(r *Rule) []string {
	out := make([]string, 0, len(r.Params))
	for k := range r.Params {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var funcNames = sync.OnceValue(func() []string {
	var out []string
	for _, f := range derive.Funcs() {
		out = append(out, f.Name)
	}
	return out
})

// builtinFunc names expr's own functions, which conditions may use.
func builtinFunc(name string) bool {
	switch name {
	case "any", "all", "none", "one", "filter", "map", "count", "len", "min", "max", "abs", "sum",
		"mean", "median", "ceil", "floor", "round", "int", "float", "string", "lower", "upper",
		"trim", "hasPrefix", "hasSuffix", "first", "last", "reduce", "sort", "findIndex", "find":
		return true
	}
	return false
}

// arithmetic are the operators that fail at run time on nil.
var arithmetic = map[string]bool{"<": true, ">": true, "<=": true, ">=": true, "+": true, "-": true,
	"*": true, "/": true, "%": true, "**": true, "^": true}

// nilableCall names the vocabulary function a node calls when that
// function may return nil ("not collected").
func nilableCall(n ast.Node) string {
	c, ok := n.(*ast.CallNode)
	if !ok {
		return ""
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	if !ok {
		return ""
	}
	if f, ok := derive.LookupFunc(id.Value); ok && strings.Contains(f.Returns, "nil") {
		return f.Name
	}
	return ""
}

// lineOf is the 1-based line of the rune at offset from in src.
func lineOf(src string, from int) int {
	line, n := 1, 0
	for _, r := range src {
		if n == from {
			break
		}
		if r == '\n' {
			line++
		}
		n++
	}
	return line
}

// walk visits every node of an expression tree.
func walk(n ast.Node, visit func(ast.Node)) {
	ast.Walk(&n, visitor(visit))
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }
