// Package depgraph builds the dependency graph of what a build fetched:
// an edge A → B when the metadata of A at the version fetched declares a
// dependency that B, at the version fetched, satisfies. It decides edges
// from requirements alone; reading requirements out of registry metadata
// is package verify's.
//
// Go requirements are minimum versions: a module's `require M v1.2.0` is
// satisfied by the greatest version of M the build fetched that is at
// least v1.2.0, which is what minimal version selection builds with. npm
// and Cargo requirements are semver ranges (github.com/Masterminds/semver;
// a bare Cargo version is a caret requirement), PyPI requirements PEP 508
// strings (see pypi.go): every fetched version in
// the range. When more than one is, the metadata does not decide which the
// client used (npm places each in a node_modules of its own): the graph
// keeps an edge to each and records the requirement in Ambiguous rather
// than guess.
package depgraph

import (
	"slices"
	"strings"

	semverv3 "github.com/Masterminds/semver/v3"
	"golang.org/x/mod/semver"
)

// Package is one package the build fetched.
type Package struct {
	// Ref identifies the package in the graph (the SBOM's bom-ref).
	Ref string
	// Ecosystem is the classifier's ecosystem name ("golang", …).
	Ecosystem string
	// Name is the package's name as requirements name it (a Go module
	// path); Version its version.
	Name, Version string
}

// Requirement is a dependency as metadata declares it: "NAME@VERSION" for
// Go (a minimum version), "NAME RANGE" for npm.
type Requirement = string

// Graph is the dependency graph of the packages of a build.
type Graph struct {
	// DependsOn maps a package's Ref to the Refs it depends on, sorted;
	// only packages whose requirements are known have an entry.
	DependsOn map[string][]string
	// Roots are the Refs of the packages no other package depends on,
	// sorted: what the project itself depends on.
	Roots []string
	// Unknown are the Refs of the packages whose requirements the build
	// fetched no metadata for, sorted.
	Unknown []string
	// Unreachable are the Refs of the packages of the project's ecosystem
	// that no path from the project's own requirements reaches, sorted:
	// fetched, but not what the build built with (the go command's
	// downloads to find which module holds a package, npm's optional
	// packages for other platforms). Empty when the project's
	// requirements are not known.
	Unreachable []string
	// Ambiguous maps a package's Ref to its requirements that more than
	// one fetched version satisfies (an edge goes to each), in the order
	// its metadata states them.
	Ambiguous map[string][]Ambiguity
}

// Ambiguity is a requirement that several fetched versions satisfy.
type Ambiguity struct {
	// Requirement is as the metadata states it ("debug *").
	Requirement Requirement
	// Refs are the packages that satisfy it, sorted.
	Refs []string
}

// Project is what the built project itself requires, from its manifest.
type Project struct {
	Ecosystem string
	Requires  []Requirement
}

// Build returns the graph of pkgs. requires returns what the metadata of a
// package (by Ref) declares, and known false when the build fetched no
// such metadata. Ecosystems whose requirements Build cannot match yet
// have no edges.
func Build(pkgs []Package, requires func(ref string) (reqs []Requirement, known bool)) *Graph {
	return BuildFor(nil, pkgs, requires)
}

// BuildFor is Build for a project whose own requirements are known: its
// roots are the packages that satisfy them (with the packages of other
// ecosystems nothing depends on), and the packages of its ecosystem that
// no path from them reaches are Unreachable. A nil project is Build.
func BuildFor(project *Project, pkgs []Package, requires func(ref string) (reqs []Requirement, known bool)) *Graph {
	return BuildWith(Options{Project: project}, pkgs, requires)
}

// Options are what BuildWith knows of the build beyond its packages.
type Options struct {
	// Project is what the project itself requires; nil when unknown.
	Project *Project
	// PythonEnv holds the PEP 508 marker variables of the build's Python
	// (see PipEnvironment); nil leaves markers on them undecided.
	PythonEnv map[string]string
}

// BuildWith is BuildFor with the build's environment: PyPI requirements'
// markers are evaluated in opts.PythonEnv.
func BuildWith(opts Options, pkgs []Package, requires func(ref string) (reqs []Requirement, known bool)) *Graph {
	project := opts.Project
	g := &Graph{DependsOn: map[string][]string{}, Ambiguous: map[string][]Ambiguity{}}
	m := &matcher{byName: map[string][]Package{}, pyEnv: opts.PythonEnv, pyExtras: map[string]map[string]bool{}}
	for _, p := range pkgs {
		if p.Ecosystem == "pypi" {
			p.Name = normalPyPIName(p.Name)
		}
		m.byName[p.Ecosystem+"\x00"+p.Name] = append(m.byName[p.Ecosystem+"\x00"+p.Name], p)
	}
	type stated struct {
		reqs  []Requirement
		known bool
	}
	all := make([]stated, len(pkgs))
	for i, p := range pkgs {
		reqs, known := requires(p.Ref)
		all[i] = stated{reqs, known}
		if p.Ecosystem == "pypi" {
			m.noteExtras(reqs)
		}
	}
	if project != nil && project.Ecosystem == "pypi" {
		m.noteExtras(project.Requires)
	}
	depended := map[string]bool{}
	for i, p := range pkgs {
		reqs, known := all[i].reqs, all[i].known
		if !known {
			g.Unknown = append(g.Unknown, p.Ref)
			continue
		}
		var to []string
		for _, r := range reqs {
			var refs []string
			for _, t := range m.satisfy(p, r) {
				if t.Ref != p.Ref {
					refs = append(refs, t.Ref)
				}
			}
			slices.Sort(refs)
			if len(refs) > 1 {
				g.Ambiguous[p.Ref] = append(g.Ambiguous[p.Ref], Ambiguity{Requirement: r, Refs: refs})
			}
			for _, t := range refs {
				if !slices.Contains(to, t) {
					to = append(to, t)
					depended[t] = true
				}
			}
		}
		slices.Sort(to)
		g.DependsOn[p.Ref] = to
	}
	isRoot := map[string]bool{}
	addRoot := func(ref string) {
		if !isRoot[ref] {
			isRoot[ref] = true
			g.Roots = append(g.Roots, ref)
		}
	}
	if project != nil && len(project.Requires) > 0 {
		for _, r := range project.Requires {
			for _, t := range m.satisfy(Package{Ecosystem: project.Ecosystem}, r) {
				addRoot(t.Ref)
			}
		}
		reached := map[string]bool{}
		g.walk(func(ref, _ string) bool { reached[ref] = true; return true })
		for _, p := range pkgs {
			switch {
			case p.Ecosystem == project.Ecosystem && !reached[p.Ref]:
				g.Unreachable = append(g.Unreachable, p.Ref)
			case p.Ecosystem != project.Ecosystem && !depended[p.Ref]:
				addRoot(p.Ref)
			}
		}
	} else {
		for _, p := range pkgs {
			if !depended[p.Ref] {
				addRoot(p.Ref)
			}
		}
	}
	slices.Sort(g.Roots)
	slices.Sort(g.Unknown)
	slices.Sort(g.Unreachable)
	return g
}

// matcher matches requirements against the packages of a build.
type matcher struct {
	// byName holds the packages by ecosystem and name (PyPI names
	// normalised).
	byName map[string][]Package
	pyEnv  map[string]string
	// pyExtras are the extras some requirement of the build asks of each
	// PyPI project (normalised names).
	pyExtras map[string]map[string]bool
}

// noteExtras notes the extras PyPI requirements reqs ask for.
func (m *matcher) noteExtras(reqs []Requirement) {
	for _, r := range reqs {
		req, ok := parsePyPIRequirement(r)
		if !ok {
			continue
		}
		for _, e := range req.extras {
			if m.pyExtras[req.name] == nil {
				m.pyExtras[req.name] = map[string]bool{}
			}
			m.pyExtras[req.name][e] = true
		}
	}
}

// satisfy returns the packages of the build that satisfy requirement r of
// package from (of which only the ecosystem and name matter): none, one,
// or (a range several fetched versions are in) more.
func (m *matcher) satisfy(from Package, r Requirement) []Package {
	byName := m.byName
	eco := from.Ecosystem
	switch eco {
	case "maven":
		return satisfyMaven(r, byName)
	case "pypi":
		req, ok := parsePyPIRequirement(r)
		if !ok {
			return nil
		}
		if req.marker != "" && evalMarker(req.marker, m.pyEnv, m.pyExtras[normalPyPIName(from.Name)]) == no {
			return nil
		}
		return satisfyPyPI(req, byName)
	case "npm":
		return satisfyNPM(r, byName)
	case "cargo":
		name, req, _ := strings.Cut(r, " ")
		// Cargo reads a bare version as a caret requirement.
		parts := strings.Split(req, ",")
		for i, p := range parts {
			if p = strings.TrimSpace(p); p != "" && p[0] >= '0' && p[0] <= '9' {
				p = "^" + p
			}
			parts[i] = p
		}
		return inRange("cargo", name, strings.Join(parts, ", "), byName)
	case "golang":
		name, min, ok := strings.Cut(r, "@")
		if !ok || !semver.IsValid(min) {
			return nil
		}
		var best Package
		found := false
		for _, c := range byName[eco+"\x00"+name] {
			if !semver.IsValid(c.Version) || semver.Compare(c.Version, min) < 0 {
				continue
			}
			if !found || semver.Compare(c.Version, best.Version) > 0 {
				best, found = c, true
			}
		}
		if !found {
			return nil
		}
		return []Package{best}
	}
	return nil
}

// satisfyNPM matches an npm requirement "NAME RANGE" (RANGE as
// package.json writes it: a semver range, "*", "", an "npm:OTHER@RANGE"
// alias) against the fetched versions of NAME: every satisfying version.
// A tag ("latest"), a URL or a path matches nothing.
func satisfyNPM(r Requirement, byName map[string][]Package) []Package {
	name, rng, _ := strings.Cut(r, " ")
	rng = strings.TrimSpace(rng)
	if alias, ok := strings.CutPrefix(rng, "npm:"); ok {
		i := strings.LastIndex(alias, "@")
		if i <= 0 {
			name, rng = alias, ""
		} else {
			name, rng = alias[:i], alias[i+1:]
		}
	}
	if rng == "" || rng == "latest" {
		rng = "*"
	}
	return inRange("npm", name, rng, byName)
}

// inRange returns the fetched versions of name in ecosystem eco that the
// semver range rng admits.
func inRange(eco, name, rng string, byName map[string][]Package) []Package {
	c, err := semverv3.NewConstraint(rng)
	if err != nil {
		return nil
	}
	var out []Package
	for _, p := range byName[eco+"\x00"+name] {
		if v, err := semverv3.NewVersion(p.Version); err == nil && c.Check(v) {
			out = append(out, p)
		}
	}
	return out
}

// walk visits the packages reachable from the roots, breadth first, each
// once with the package it was reached from ("" for a root), until visit
// returns false.
func (g *Graph) walk(visit func(ref, from string) bool) {
	seen := map[string]bool{}
	queue := make([]string, 0, len(g.Roots))
	for _, r := range g.Roots {
		if !seen[r] {
			seen[r] = true
			queue = append(queue, r)
			if !visit(r, "") {
				return
			}
		}
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range g.DependsOn[cur] {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
				if !visit(n, cur) {
					return
				}
			}
		}
	}
}

// Path returns a shortest path of Refs from a root to ref (the root first,
// ref last), nil when ref is not in the graph.
func (g *Graph) Path(ref string) []string {
	from := map[string]string{}
	found := false
	g.walk(func(r, parent string) bool {
		from[r] = parent
		found = r == ref
		return !found
	})
	if !found {
		return nil
	}
	var path []string
	for at := ref; at != ""; at = from[at] {
		path = append([]string{at}, path...)
	}
	return path
}
