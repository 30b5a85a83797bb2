package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/dtrack/dtracktest"
	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// TestE2EProjectRootsAndUnreachable: a build run in an npm project's
// directory names the project from its package.json, roots the graph at
// what it requires (hello-lib, whose hello-dep follows), and marks a
// package the build fetched that none of that reaches (a tarball fetched
// on the side) scope excluded. The build runs in the project's directory,
// as users run it.
func TestE2EProjectRootsAndUnreachable(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	e.writeFile("package.json", `{"name":"graph-app","version":"0.3.0","private":true,"dependencies":{"hello-lib":"^1.2.0"}}`+"\n")
	e.hooks = func(h *testHooks) { h.workdir = e.dir }
	res := e.build("sh", "-c", npm+" install --cache "+filepath.Join(e.home, "npm-cache")+" --no-audit --no-fund --loglevel=error && "+
		curl+" -fsS -o side.tgz https://registry.npmjs.org/@fixture/scoped/-/scoped-3.1.0.tgz")
	bom := readBOM(t, res)
	if mc := bom.Metadata.Component; mc.Name != "graph-app" || mc.Version != "0.3.0" || mc.PackageURL != "pkg:npm/graph-app@0.3.0" {
		t.Errorf("metadata.component %q %q %q", mc.Name, mc.Version, mc.PackageURL)
	}
	byPURL := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		byPURL[c.PackageURL] = c
	}
	lib, dep, side := byPURL["pkg:npm/hello-lib@1.2.0"], byPURL["pkg:npm/hello-dep@2.0.1"], byPURL["pkg:npm/%40fixture/scoped@3.1.0"]
	roots := []string{}
	for _, d := range *bom.Dependencies {
		if d.Ref == bom.Metadata.Component.BOMRef {
			roots = *d.Dependencies
		}
	}
	if !slices.Equal(roots, []string{lib.BOMRef}) {
		t.Errorf("the project depends on %v, want hello-lib (%s) alone", roots, lib.BOMRef)
	}
	if lib.Scope != "" || dep.Scope != "" || side.Scope != cdx.ScopeExcluded {
		t.Errorf("scopes: hello-lib %q, hello-dep %q, the side download %q; want the side download excluded", lib.Scope, dep.Scope, side.Scope)
	}
}

// TestE2EAmbiguousRange: hello-lib requires hello-dep ^2.0.0 and the build
// fetched two versions in that range (npm installed 2.1.0, curl fetched
// 2.0.1 on the side): the metadata does not decide which hello-lib uses,
// so the SBOM has an edge to each and says so on hello-lib.
func TestE2EAmbiguousRange(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{Upgrade: true})
	e.npmProject()
	e.writeFile("package.json", `{"name":"graph-app","version":"0.3.0","private":true,"dependencies":{"hello-lib":"^1.2.0"}}`+"\n")
	e.hooks = func(h *testHooks) { h.workdir = e.dir }
	res := e.build("sh", "-c", npm+" install --cache "+filepath.Join(e.home, "npm-cache")+" --no-audit --no-fund --loglevel=error && "+
		curl+" -fsS -o side.tgz https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz")
	bom := readBOM(t, res)
	byPURL := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		byPURL[c.PackageURL] = c
	}
	lib, old, cur := byPURL["pkg:npm/hello-lib@1.2.0"], byPURL["pkg:npm/hello-dep@2.0.1"], byPURL["pkg:npm/hello-dep@2.1.0"]
	if old.BOMRef == "" || cur.BOMRef == "" {
		t.Fatalf("components %v", byPURL)
	}
	var edges []string
	for _, d := range *bom.Dependencies {
		if d.Ref == lib.BOMRef && d.Dependencies != nil {
			edges = *d.Dependencies
		}
	}
	if want := []string{old.BOMRef, cur.BOMRef}; !slices.Equal(edges, want) {
		t.Errorf("hello-lib depends on %v, want both fetched versions in its range %v", edges, want)
	}
	var marks []string
	for _, p := range *lib.Properties {
		if p.Name == "depaudit:dependency:ambiguous" {
			marks = append(marks, p.Value)
		}
	}
	if want := []string{"hello-dep ^2.0.0 → pkg:npm/hello-dep@2.0.1 pkg:npm/hello-dep@2.1.0"}; !slices.Equal(marks, want) {
		t.Errorf("hello-lib's ambiguity marks %q, want %q", marks, want)
	}
	// Dependency-Track accepts it: the fake server validates it against
	// the official schema, dependencies and properties included.
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ProjectCreationUpload)
	up := runUpload(t, vars, "", nil, "--project", "graph-app", "--project-version", "0.3.0", "--auto-create", res.sbomPath)
	expect(t, up, 0)
	if ups := srv.Uploads(); len(ups) != 1 || !bytes.Contains(ups[0].BOM, []byte(`"dependencies"`)) {
		t.Errorf("%d uploads, want the SBOM with its dependencies", len(ups))
	}
}
