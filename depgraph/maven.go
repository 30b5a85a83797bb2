package depgraph

import (
	"strings"

	mvnversion "github.com/masahiro331/go-mvn-version"
)

// satisfyMaven matches a Maven requirement "GROUP/ARTIFACT VERSION" (as
// package verify resolves a POM's dependency: properties and managed
// versions of the parents the build fetched applied) against the fetched
// versions of the artifact. A range ("[1.0,2.0)") admits the versions in
// it. A soft version ("1.2") is that version when the build fetched it;
// otherwise Maven's mediation chose another (nearest wins), and every
// fetched version is a candidate, as for an unknown VERSION.
func satisfyMaven(r Requirement, byName map[string][]Package) []Package {
	name, spec, _ := strings.Cut(r, " ")
	cands := byName["maven\x00"+name]
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return cands
	}
	if !strings.ContainsAny(spec, "[(") {
		for _, p := range cands {
			if p.Version == spec {
				return []Package{p}
			}
		}
		return cands
	}
	rs, err := mvnversion.NewRequirements(hardVersions(spec))
	if err != nil {
		return nil
	}
	var out []Package
	for _, p := range cands {
		if v, err := mvnversion.NewVersion(p.Version); err == nil && rs.Check(v) {
			out = append(out, p)
		}
	}
	return out
}

// hardVersions rewrites each "[V]" of a Maven range (exactly V, Maven's
// hard requirement) as "[V,V]", which go-mvn-version reads as such; it
// would otherwise admit nothing.
func hardVersions(spec string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(spec, '[')
		if i < 0 {
			b.WriteString(spec)
			return b.String()
		}
		j := strings.IndexAny(spec[i:], "])")
		if j < 0 {
			b.WriteString(spec)
			return b.String()
		}
		group := spec[i : i+j+1]
		if v := strings.TrimSpace(group[1 : len(group)-1]); group[len(group)-1] == ']' && v != "" && !strings.Contains(v, ",") {
			group = "[" + v + "," + v + "]"
		}
		b.WriteString(spec[:i] + group)
		spec = spec[i+j+1:]
	}
}
