package depgraph

import (
	"slices"
	"testing"
)

// TestBuildMavenHardVersion: "[1.2]", Maven's hard requirement of exactly
// 1.2, alone or in a union, admits 1.2 and nothing else; Maven's order
// puts 1.10 after 1.9 and a release after its release candidate.
func TestBuildMavenHardVersion(t *testing.T) {
	pkgs := []Package{
		{Ref: "app", Ecosystem: "maven", Name: "org.acme/app", Version: "1.0"},
		{Ref: "util12", Ecosystem: "maven", Name: "org.acme/util", Version: "1.2"},
		{Ref: "util13", Ecosystem: "maven", Name: "org.acme/util", Version: "1.3"},
		{Ref: "lib19", Ecosystem: "maven", Name: "org.acme/lib", Version: "1.9"},
		{Ref: "lib110", Ecosystem: "maven", Name: "org.acme/lib", Version: "1.10"},
		{Ref: "rc", Ecosystem: "maven", Name: "org.acme/rc", Version: "3.0-rc1"},
	}
	reqs := map[string][]string{
		"app":    {"org.acme/util [1.2]", "org.acme/lib (1.9,1.10]", "org.acme/rc [3.0,)"},
		"lib19":  {"org.acme/util [1.0,1.1],[1.3]"},
		"lib110": {"org.acme/util [ 1.2 ]"},
	}
	g := Build(pkgs, func(ref string) ([]string, bool) { r, ok := reqs[ref]; return r, ok })
	for ref, w := range map[string][]string{"app": {"lib110", "util12"}, "lib19": {"util13"}, "lib110": {"util12"}} {
		if got := g.DependsOn[ref]; !slices.Equal(got, w) {
			t.Errorf("%s depends on %v, want %v", ref, got, w)
		}
	}
}
