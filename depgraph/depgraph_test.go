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

func TestBuildNPM(t *testing.T) {
	pkgs := []Package{
		{Ref: "express", Ecosystem: "npm", Name: "express", Version: "4.18.2"},
		{Ref: "bp", Ecosystem: "npm", Name: "body-parser", Version: "1.20.1"},
		{Ref: "debug2", Ecosystem: "npm", Name: "debug", Version: "2.6.9"},
		{Ref: "debug4", Ecosystem: "npm", Name: "debug", Version: "4.3.5"},
		{Ref: "ms", Ecosystem: "npm", Name: "ms", Version: "2.1.3"},
		{Ref: "scoped", Ecosystem: "npm", Name: "@types/node", Version: "20.11.0"},
		{Ref: "pre", Ecosystem: "npm", Name: "next", Version: "15.0.0-rc.1"},
	}
	reqs := map[string][]string{
		"express": {"body-parser 1.20.1", "debug 2.6.9", "@types/node >=18 <21", "next ^14.0.0", "gone ^1.0.0"},
		"bp":      {"debug ^4.1.0 || ^5", "ms npm:ms@^2.1.0"},
		"debug4":  {"ms *"},
		"debug2":  {"ms 2.0.0"},
	}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	for ref, w := range map[string][]string{"express": {"bp", "debug2", "scoped"}, "bp": {"debug4", "ms"}, "debug4": {"ms"}, "debug2": nil} {
		if got := g.DependsOn[ref]; !slices.Equal(got, w) {
			t.Errorf("%s depends on %v, want %v", ref, got, w)
		}
	}
	if !slices.Equal(g.Roots, []string{"express", "pre"}) {
		t.Errorf("roots %v", g.Roots)
	}
}

// TestBuildForProject: with the project's own requirements, the roots are
// what satisfies them; a package of its ecosystem no path reaches is
// unreachable; another ecosystem's packages stay roots.
func TestBuildForProject(t *testing.T) {
	pkgs := []Package{
		{Ref: "a", Ecosystem: "golang", Name: "example.com/a", Version: "v1.0.0"},
		{Ref: "b", Ecosystem: "golang", Name: "example.com/b", Version: "v1.1.0"},
		{Ref: "probe", Ecosystem: "golang", Name: "example.com/a/sub", Version: "v0.1.0"},
		{Ref: "node", Ecosystem: "toolchain", Name: "node", Version: "20.11.1"},
	}
	reqs := map[string][]string{"a": {"example.com/b@v1.0.0"}, "b": {}, "probe": {}}
	g := BuildFor(&Project{Ecosystem: "golang", Requires: []string{"example.com/a@v1.0.0"}}, pkgs,
		func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	if !slices.Equal(g.Roots, []string{"a", "node"}) || !slices.Equal(g.Unreachable, []string{"probe"}) {
		t.Errorf("roots %v, unreachable %v", g.Roots, g.Unreachable)
	}
	if g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok }); len(g.Unreachable) != 0 ||
		!slices.Equal(g.Roots, []string{"a", "node", "probe"}) {
		t.Errorf("without the project's requirements: roots %v, unreachable %v", g.Roots, g.Unreachable)
	}
}

func TestBuildCargo(t *testing.T) {
	pkgs := []Package{
		{Ref: "app", Ecosystem: "cargo", Name: "fixture-crate", Version: "0.1.0"},
		{Ref: "dep2", Ecosystem: "cargo", Name: "dep", Version: "0.2.0"},
		{Ref: "dep3", Ecosystem: "cargo", Name: "dep", Version: "0.3.1"},
		{Ref: "serde", Ecosystem: "cargo", Name: "serde", Version: "1.0.197"},
	}
	reqs := map[string][]string{"app": {"dep 0.2", "serde >=1.0.100, <2"}, "dep3": {"serde =1.0.197"}}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	if got := g.DependsOn["app"]; !slices.Equal(got, []string{"dep2", "serde"}) {
		t.Errorf("app depends on %v (0.2 is ^0.2: 0.2.x, not 0.3.1)", got)
	}
	if got := g.DependsOn["dep3"]; !slices.Equal(got, []string{"serde"}) {
		t.Errorf("dep3 depends on %v", got)
	}
}

// TestBuildAmbiguous: a range two fetched versions satisfy gets an edge to
// each, and the requirement is recorded as ambiguous, never guessed away.
func TestBuildAmbiguous(t *testing.T) {
	pkgs := []Package{
		{Ref: "app", Ecosystem: "npm", Name: "app", Version: "1.0.0"},
		{Ref: "debug2", Ecosystem: "npm", Name: "debug", Version: "2.6.9"},
		{Ref: "debug4", Ecosystem: "npm", Name: "debug", Version: "4.3.5"},
		{Ref: "ms", Ecosystem: "npm", Name: "ms", Version: "2.1.3"},
	}
	reqs := map[string][]string{"app": {"ms ^2", "debug *"}, "debug2": {"ms 2.1.3"}, "debug4": {}, "ms": {}}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	if got := g.DependsOn["app"]; !slices.Equal(got, []string{"debug2", "debug4", "ms"}) {
		t.Errorf("app depends on %v", got)
	}
	amb := g.Ambiguous["app"]
	if len(amb) != 1 || amb[0].Requirement != "debug *" || !slices.Equal(amb[0].Refs, []string{"debug2", "debug4"}) || len(g.Ambiguous) != 1 {
		t.Errorf("ambiguous %+v", g.Ambiguous)
	}
}

func TestBuildMaven(t *testing.T) {
	pkgs := []Package{
		{Ref: "app", Ecosystem: "maven", Name: "org.acme/app", Version: "1.0"},
		{Ref: "guava", Ecosystem: "maven", Name: "com.google.guava/guava", Version: "32.1.3-jre"},
		{Ref: "slf4j", Ecosystem: "maven", Name: "org.slf4j/slf4j-api", Version: "2.0.9"},
		{Ref: "jackson", Ecosystem: "maven", Name: "com.fasterxml.jackson.core/jackson-core", Version: "2.15.2"},
		{Ref: "commons", Ecosystem: "maven", Name: "org.apache.commons/commons-lang3", Version: "3.13.0"},
	}
	reqs := map[string][]string{
		"app": {"com.google.guava/guava 32.1.3-jre", "org.slf4j/slf4j-api 1.7.36", "com.fasterxml.jackson.core/jackson-core [2.10,2.16)",
			"org.apache.commons/commons-lang3 [3.0,3.5)", "org.acme/absent 1.0", "com.fasterxml.jackson.core/jackson-core"},
	}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	// slf4j 1.7.36 was mediated to the 2.0.9 fetched; commons-lang3
	// 3.13.0 is outside the range.
	if got := g.DependsOn["app"]; !slices.Equal(got, []string{"guava", "jackson", "slf4j"}) {
		t.Errorf("app depends on %v", got)
	}
}
