package derive

import (
	"os"
	"strings"
	"testing"
)

// docs/RULES.md carries the vocabulary generated from the declarations;
// a declaration changed without regenerating it fails here.
func TestRulesDocMatchesVocabulary(t *testing.T) {
	data, err := os.ReadFile("../../docs/RULES.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	begin := strings.Index(s, "<!-- vocabulary:begin")
	end := strings.Index(s, "<!-- vocabulary:end -->")
	if begin < 0 || end < begin {
		t.Fatal("docs/RULES.md has no vocabulary markers")
	}
	got := s[strings.Index(s[begin:], "\n")+begin+1 : end]
	if want := VocabularyMarkdown() + "\n"; got != want {
		t.Fatal("docs/RULES.md is out of date with analyzer/derive's vocabulary: run go run ./tools/rulesdoc")
	}
}

// Every function is documented, reads declared kinds, and binds to a
// function (the engine type-checks conditions against it).
func TestVocabularyDeclarations(t *testing.T) {
	fs := Funcs()
	if len(fs) < 50 {
		t.Fatalf("only %d functions", len(fs))
	}
	env := Bind(&Ctx{})
	for _, f := range fs {
		if f.Doc == "" || f.Returns == "" || f.Section == "" || sectionRank(f.Section) == len(Sections) {
			t.Errorf("%s: incomplete declaration %+v", f.Name, f)
		}
		if env[f.Name] == nil {
			t.Errorf("%s binds to nothing", f.Name)
		}
		if f.Name != "has" && len(f.Reads) == 0 {
			t.Errorf("%s declares no artifact kind it reads", f.Name)
		}
	}
}
