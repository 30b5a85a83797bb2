package depgraph

import (
	"slices"
	"testing"
)

func TestBuildGo(t *testing.T) {
	pkgs := []Package{
		{Ref: "a", Ecosystem: "golang", Name: "example.com/a", Version: "v1.0.0"},
		{Ref: "b1", Ecosystem: "golang", Name: "example.com/b", Version: "v1.2.0"},
		{Ref: "b2", Ecosystem: "golang", Name: "example.com/b", Version: "v1.4.0"},
		{Ref: "c", Ecosystem: "golang", Name: "example.com/c", Version: "v0.3.0"},
		{Ref: "d", Ecosystem: "golang", Name: "example.com/d", Version: "v2.0.0+incompatible"},
		{Ref: "n", Ecosystem: "npm", Name: "left-pad", Version: "1.3.0"},
	}
	reqs := map[string][]string{
		"a":  {"example.com/b@v1.1.0", "example.com/c@v0.3.0", "example.com/missing@v1.0.0"},
		"b2": {"example.com/c@v0.2.0", "example.com/d@v2.0.0+incompatible"},
		"b1": {},
		"c":  {"example.com/b@v1.5.0"}, // no fetched version is high enough
		"d":  {"bad requirement"},
	}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	want := map[string][]string{"a": {"b2", "c"}, "b1": nil, "b2": {"c", "d"}, "c": nil, "d": nil}
	for ref, w := range want {
		if got := g.DependsOn[ref]; !slices.Equal(got, w) {
			t.Errorf("%s depends on %v, want %v", ref, got, w)
		}
	}
	if !slices.Equal(g.Roots, []string{"a", "b1", "n"}) || !slices.Equal(g.Unknown, []string{"n"}) {
		t.Errorf("roots %v, unknown %v", g.Roots, g.Unknown)
	}
	if p := g.Path("d"); !slices.Equal(p, []string{"a", "b2", "d"}) {
		t.Errorf("path to d: %v", p)
	}
	if p := g.Path("nowhere"); p != nil {
		t.Errorf("path to nowhere: %v", p)
	}
}
