package verify

import (
	"cmp"
	"strings"
)

// mavenDependency is a <dependency> as a POM states it (see
// FactMavenDependency).
type mavenDependency struct {
	ga, version, scope, typ, classifier string
	optional                            bool
}

// key is what Maven tells dependencies and managed entries apart by:
// groupId, artifactId, type (jar unless stated) and classifier.
func (d mavenDependency) key() string {
	return d.ga + ":" + cmp.Or(d.typ, "jar") + ":" + d.classifier
}

// parseMavenDependency reads a FactMavenDependency or FactMavenManaged
// value.
func parseMavenDependency(v string) (mavenDependency, bool) {
	f := strings.Split(v, "|")
	if len(f) == 5 {
		// Recorded before the classifier was.
		f = append(f, "")
	}
	if len(f) != 6 || !strings.Contains(f[0], ":") {
		return mavenDependency{}, false
	}
	return mavenDependency{ga: f[0], version: f[1], scope: f[2], optional: f[3] == "true", typ: f[4], classifier: f[5]}, true
}

// maxImports bounds the nesting of BOM imports followed.
const maxImports = 4

// mavenModel is what a POM and the parents the build fetched state
// together, as Maven's inheritance merges it: properties, managed
// dependencies and dependencies, a child's entries over its parents'.
type mavenModel struct {
	props   map[string]string
	managed map[string]mavenDependency
	deps    []mavenDependency
}

// mavenModel returns the model of the POM key, with the parents the build
// fetched; e.mu must be held.
func (e *Evidence) mavenModel(key string, depth int) mavenModel {
	chain := []string{key}
	for k := e.parents[key]; k != "" && len(chain) < maxParents; k = e.parents[k] {
		chain = append(chain, k)
	}
	m := mavenModel{props: map[string]string{}, managed: map[string]mavenDependency{}}
	depAt := map[string]int{}
	for i := len(chain) - 1; i >= 0; i-- {
		k := chain[i]
		for _, p := range e.maven[FactMavenProperty][k] {
			if name, v, ok := strings.Cut(p, "="); ok {
				m.props[name] = v
			}
		}
		for _, v := range e.maven[FactMavenDependency][k] {
			d, ok := parseMavenDependency(v)
			if !ok {
				continue
			}
			if at, seen := depAt[d.key()]; seen {
				m.deps[at] = d
			} else {
				depAt[d.key()] = len(m.deps)
				m.deps = append(m.deps, d)
			}
		}
	}
	// Managed entries: the child's first, then its parents'; the first
	// that manages an artifact wins, an imported BOM's after them all.
	var imports []mavenDependency
	for _, k := range chain {
		for _, v := range e.maven[FactMavenManaged][k] {
			d, ok := parseMavenDependency(v)
			switch {
			case !ok:
			case d.scope == "import":
				imports = append(imports, d)
			default:
				if _, seen := m.managed[d.key()]; !seen {
					m.managed[d.key()] = d
				}
			}
		}
	}
	// The project's own coordinates, as ${project.*} references them.
	if _, g, a, v, ok := splitMavenKey(key); ok {
		for _, pre := range []string{"project.", "pom.", ""} {
			m.props[pre+"groupId"], m.props[pre+"artifactId"], m.props[pre+"version"] = g, a, v
		}
	}
	if _, g, a, v, ok := splitMavenKey(e.parents[key]); ok {
		m.props["project.parent.groupId"], m.props["project.parent.artifactId"], m.props["project.parent.version"] = g, a, v
	}
	// Imported BOMs the build fetched manage what the POM does not, the
	// first imported first.
	for _, d := range imports {
		if depth >= maxImports {
			break
		}
		g, a, _ := strings.Cut(d.ga, ":")
		bom := mavenKey(g, a, m.interpolate(d.version))
		if _, read := e.manifests[bom]; !read || bom == key {
			continue
		}
		bm := e.mavenModel(bom, depth+1)
		for iga, id := range bm.managed {
			if _, seen := m.managed[iga]; !seen {
				// The BOM's own properties give its versions.
				id.version = bm.interpolate(id.version)
				m.managed[iga] = id
			}
		}
	}
	return m
}

// interpolate replaces ${NAME} references in s with the model's
// properties, repeatedly (a property may reference another), leaving
// unknown references in place.
func (m mavenModel) interpolate(s string) string {
	for range 8 {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		v, ok := m.props[s[i+2:i+j]]
		if !ok {
			return s
		}
		s = s[:i] + v + s[i+j+1:]
	}
	return s
}

// mavenRequires returns the dependencies of the POM key that a project
// depending on it gets: compile and runtime scope, not optional, as
// "GROUP/ARTIFACT VERSION" (a soft version or a range; VERSION empty when
// not even the parents the build fetched say it). Test, provided and
// system scopes and optional dependencies are not transitive. e.mu must
// be held.
func (e *Evidence) mavenRequires(key string) []string {
	m := e.mavenModel(key, 0)
	var out []string
	for _, d := range m.deps {
		managed, isManaged := m.managed[d.key()]
		scope := d.scope
		if scope == "" && isManaged {
			scope = managed.scope
		}
		if d.optional || (scope != "" && scope != "compile" && scope != "runtime") {
			continue
		}
		version := m.interpolate(d.version)
		if version == "" && isManaged {
			version = m.interpolate(managed.version)
		}
		if strings.Contains(version, "${") {
			version = ""
		}
		// A groupId is often ${project.groupId} (a sibling module).
		g, a, _ := strings.Cut(m.interpolate(d.ga), ":")
		if strings.Contains(g+a, "${") {
			continue
		}
		out = appendNew(out, g+"/"+a+" "+version)
	}
	return out
}

// splitMavenKey splits a mavenKey into its parts.
func splitMavenKey(key string) (prefix, group, artifact, version string, ok bool) {
	f := strings.Split(key, ":")
	if len(f) != 4 || f[0] != "maven" {
		return "", "", "", "", false
	}
	return f[0], f[1], f[2], f[3], true
}
