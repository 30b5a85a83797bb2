package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

func TestE2ECurl(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	bin := fakeregistry.GenericBinaryURL(fakeregistry.Options{})
	res := e.build(curl, "-fsS", "-o", filepath.Join(e.dir, "toolbox"), bin,
		"-L", "-o", filepath.Join(e.dir, "tool.tar.gz"), fakeregistry.GitHubReleaseAssetURL)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, bin, fakeregistry.GitHubAssetObjectURL)
	checkSBOM(t, e.reg, res, sbomWant{
		artifacts:         []string{bin, fakeregistry.GitHubReleaseAssetURL},
		unclassifiedHosts: []string{fakeregistry.HostGeneric},
	})
	for _, x := range res.log.Exchanges {
		if strings.Contains(x.URL, "X-Amz-Signature=0123") {
			t.Errorf("capture log keeps a signature: %s", x.URL)
		}
	}

	// Plain HTTP goes through the proxy too (curl reads lowercase http_proxy).
	plain := strings.Replace(bin, "https://", "http://", 1)
	res = e.build(curl, "-fsS", "-o", filepath.Join(e.dir, "toolbox-plain"), plain)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, plain)
}

// TestE2ECurlPipeSh runs the `curl | sh` installer pattern: the script's
// own download, made by a grandchild process, is recorded as well.
func TestE2ECurlPipeSh(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	sh := requireClient(t, "sh")
	e := newE2E(t, fakeregistry.Options{})
	e.env["TMPDIR"] = e.dir
	res := e.build(sh, "-c", curl+" -fsSL "+fakeregistry.GenericInstallScriptURL+" | sh")
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, fakeregistry.GenericInstallScriptURL, fakeregistry.GenericTarballURL(fakeregistry.Options{}))
	checkSBOM(t, e.reg, res, sbomWant{
		artifacts:         []string{fakeregistry.GenericInstallScriptURL, fakeregistry.GenericTarballURL(fakeregistry.Options{})},
		unclassifiedHosts: []string{fakeregistry.HostGeneric},
	})
	if !strings.Contains(res.stdout, "toolbox 1.4.0 downloaded") {
		t.Errorf("installer output: %q", res.stdout)
	}
}

func TestE2ENpm(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	res := e.build(npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-cache"),
		"--no-audit", "--no-fund", "--loglevel=error",
		"hello-lib", "@fixture/scoped", "multi-part-name@2.0.0-rc.1")
	checkServedWereCaptured(t, e.reg, res.log)
	tarballs := []string{
		"https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz",
		"https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz",
		"https://registry.npmjs.org/@fixture/scoped/-/scoped-3.1.0.tgz",
		"https://registry.npmjs.org/multi-part-name/-/multi-part-name-2.0.0-rc.1.tgz",
	}
	checkArtifacts(t, e.reg, res.log, tarballs...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: tarballs})
	// Licences and the graph from each tarball's package.json, as npm
	// installed it: hello-lib depends on hello-dep (^2.0.0 → 2.0.1); the
	// project on the three it asked for.
	bom := readBOM(t, res)
	refOf := map[string]string{}
	for _, c := range *bom.Components {
		refOf[c.PackageURL] = c.BOMRef
		if c.Licenses == nil || len(*c.Licenses) != 1 || (*c.Licenses)[0].License == nil || (*c.Licenses)[0].License.ID != "MIT" ||
			!slices.Equal(propValues(c.Properties, sbom.PropLicenseSource), []string{"npm package.json"}) {
			t.Errorf("%s: licences %+v, want MIT from npm package.json", c.PackageURL, c.Licenses)
		}
	}
	deps := map[string][]string{}
	for _, d := range *bom.Dependencies {
		deps[d.Ref] = *d.Dependencies
	}
	lib, dep := refOf["pkg:npm/hello-lib@1.2.0"], refOf["pkg:npm/hello-dep@2.0.1"]
	if !slices.Equal(deps[lib], []string{dep}) || len(deps[bom.Metadata.Component.BOMRef]) != 3 || slices.Contains(deps[bom.Metadata.Component.BOMRef], dep) {
		t.Errorf("dependencies %v: want the project → 3 packages, hello-lib → hello-dep", deps)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "node_modules", "@fixture", "scoped", "package.json")); err != nil {
		t.Errorf("npm did not install the scoped package: %v", err)
	}
}

// pythonExecutable resolves the real interpreter behind a version-manager
// shim (pyenv shims need the user's HOME, which the tests replace).
func pythonExecutable(t *testing.T) string {
	t.Helper()
	py := requireClient(t, "python3")
	out, err := exec.Command(py, "-c", "import sys, pip; print(sys.executable)").Output()
	if err != nil {
		missingClient(t, "pip", err)
	}
	return strings.TrimSpace(string(out))
}

func TestE2EPip(t *testing.T) {
	t.Parallel()
	py := pythonExecutable(t)
	e := newE2E(t, fakeregistry.Options{})
	e.pipEnv()
	dest := filepath.Join(e.dir, "dist")
	res := e.build(py, "-m", "pip", "download", "--no-cache-dir", "--quiet", "-d", dest, "tiny-wheel")
	checkServedWereCaptured(t, e.reg, res.log)
	var urls []string
	for _, f := range e.reg.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, ".whl") {
			urls = append(urls, f.URL)
		}
	}
	if len(urls) != 2 {
		t.Fatalf("want 2 wheels in the base manifest, got %v", urls)
	}
	checkArtifacts(t, e.reg, res.log, urls...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: urls})
	// Licences and the graph from the PEP 658 core metadata pip fetched:
	// tiny-wheel requires tiny-dep; its requirements gated on an extra
	// nobody asked for and on Windows are no edges.
	bom := readBOM(t, res)
	byName := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		byName[c.Name] = c
	}
	wheel, dep := byName["tiny-wheel"], byName["tiny-dep"]
	for _, tc := range []struct {
		c           cdx.Component
		lic, source string
	}{{wheel, "MIT OR Apache-2.0", "pypi core metadata"}, {dep, "ISC", "pypi core metadata"}} {
		got := ""
		if tc.c.Licenses != nil && len(*tc.c.Licenses) == 1 {
			l := (*tc.c.Licenses)[0]
			got = l.Expression
			if l.License != nil {
				got = l.License.ID
			}
		}
		if got != tc.lic || strings.Join(propValues(tc.c.Properties, "depaudit:license:source"), ",") != tc.source {
			t.Errorf("%s: licence %q from %q, want %q from %q", tc.c.Name, got, propValues(tc.c.Properties, "depaudit:license:source"), tc.lic, tc.source)
		}
	}
	if bom.Dependencies == nil {
		t.Fatal("the SBOM has no dependencies")
	}
	deps := map[string][]string{}
	for _, d := range *bom.Dependencies {
		if d.Dependencies != nil {
			deps[d.Ref] = *d.Dependencies
		} else {
			deps[d.Ref] = nil
		}
	}
	if got := deps[wheel.BOMRef]; !slices.Equal(got, []string{dep.BOMRef}) {
		t.Errorf("tiny-wheel depends on %v, want tiny-dep alone (%s)", got, dep.BOMRef)
	}
	if got, ok := deps[dep.BOMRef]; !ok || len(got) != 0 {
		t.Errorf("tiny-dep depends on %v (known %v), want nothing", got, ok)
	}
	if got := deps[bom.Metadata.Component.BOMRef]; !slices.Equal(got, []string{wheel.BOMRef}) {
		t.Errorf("the project depends on %v, want tiny-wheel", got)
	}

	// An sdist: pip prepares its metadata through the sdist's in-tree
	// PEP 517 backend, which needs nothing from the index.
	res = e.build(py, "-m", "pip", "download", "--no-cache-dir", "--quiet", "--no-deps", "--no-binary", ":all:",
		"-d", filepath.Join(e.dir, "sdist"), "tiny-wheel")
	checkServedWereCaptured(t, e.reg, res.log)
	for _, f := range e.reg.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, ".tar.gz") {
			checkArtifacts(t, e.reg, res.log, f.URL)
			checkSBOM(t, e.reg, res, sbomWant{artifacts: []string{f.URL}})
		}
	}
	// The sdist's PKG-INFO gives its licence; its requirements, in a
	// Metadata-Version 2.1 PKG-INFO, are the build backend's to say:
	// unknown (no entry in dependencies), not none.
	bom = readBOM(t, res)
	for _, c := range *bom.Components {
		if c.Name != "tiny-wheel" {
			continue
		}
		if c.Licenses == nil || len(*c.Licenses) != 1 || (*c.Licenses)[0].License == nil || (*c.Licenses)[0].License.ID != "MIT" ||
			strings.Join(propValues(c.Properties, "depaudit:license:source"), ",") != "pypi sdist PKG-INFO" {
			t.Errorf("sdist licence %v from %v, want MIT from pypi sdist PKG-INFO", c.Licenses, propValues(c.Properties, "depaudit:license:source"))
		}
		if bom.Dependencies != nil {
			for _, d := range *bom.Dependencies {
				if d.Ref == c.BOMRef {
					t.Errorf("the sdist's requirements are stated as known: %v", d.Dependencies)
				}
			}
		}
	}
}

// TestE2EPipWheelMetadata: from an index that serves no PEP 658 core
// metadata, pip reads the wheels themselves, and so does depaudit: the
// licences and the edge come from the METADATA inside them.
func TestE2EPipWheelMetadata(t *testing.T) {
	t.Parallel()
	py := pythonExecutable(t)
	e := newE2E(t, fakeregistry.Options{NoCoreMetadata: true})
	e.pipEnv()
	res := e.build(py, "-m", "pip", "download", "--no-cache-dir", "--quiet", "-d", filepath.Join(e.dir, "dist"), "tiny-wheel")
	for _, x := range res.log.Exchanges {
		if strings.HasSuffix(x.URL, ".metadata") {
			t.Fatalf("pip fetched core metadata the index does not serve: %s", x.URL)
		}
	}
	bom := readBOM(t, res)
	byName := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		byName[c.Name] = c
	}
	wheel, dep := byName["tiny-wheel"], byName["tiny-dep"]
	for _, c := range []cdx.Component{wheel, dep} {
		if c.Licenses == nil || len(*c.Licenses) != 1 || strings.Join(propValues(c.Properties, "depaudit:license:source"), ",") != "pypi core metadata" {
			t.Errorf("%s: licences %v, source %v", c.Name, c.Licenses, propValues(c.Properties, "depaudit:license:source"))
		}
	}
	var edges []string
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			if d.Ref == wheel.BOMRef && d.Dependencies != nil {
				edges = *d.Dependencies
			}
		}
	}
	if !slices.Equal(edges, []string{dep.BOMRef}) {
		t.Errorf("tiny-wheel depends on %v, want tiny-dep (%s)", edges, dep.BOMRef)
	}
}

func TestE2EGo(t *testing.T) {
	t.Parallel()
	goBin := requireClient(t, "go")
	e := newE2E(t, fakeregistry.Options{})
	e.goEnv()
	res := e.build(goBin, "-C", e.dir, "mod", "download", "-json",
		"github.com/Example/Upper@v1.0.0", "github.com/example/mod/v2@v2.1.0")
	checkServedWereCaptured(t, e.reg, res.log)
	zips := []string{
		"https://proxy.golang.org/github.com/!example/!upper/@v/v1.0.0.zip",
		"https://proxy.golang.org/github.com/example/mod/v2/@v/v2.1.0.zip",
	}
	checkArtifacts(t, e.reg, res.log, zips...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: zips})
	if !strings.Contains(res.stdout, `"Path": "github.com/Example/Upper"`) {
		t.Errorf("go mod download printed:\n%s", res.stdout)
	}
	// The graph from the .mod files fetched: mod/v2 requires Upper, so the
	// project depends on mod/v2 alone.
	bom := readBOM(t, res)
	refOf := map[string]string{}
	for _, c := range *bom.Components {
		refOf[c.PackageURL] = c.BOMRef
	}
	mod, upper := refOf["pkg:golang/github.com/example/mod/v2@v2.1.0"], refOf["pkg:golang/github.com/Example/Upper@v1.0.0"]
	got := map[string][]string{}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			if d.Dependencies != nil {
				got[d.Ref] = *d.Dependencies
			} else {
				got[d.Ref] = nil
			}
		}
	}
	if bom.Metadata.Component.BOMRef == "" || !slices.Equal(got[bom.Metadata.Component.BOMRef], []string{mod}) ||
		!slices.Equal(got[mod], []string{upper}) || len(got[upper]) != 0 {
		t.Errorf("dependencies %v; want the project → %s → %s", got, mod, upper)
	}
}

// cargoBinDir returns the directory of the real cargo and rustc behind a
// rustup proxy, which needs the user's HOME.
func cargoBinDir(t *testing.T) string {
	t.Helper()
	cargo := requireClient(t, "cargo")
	if rustup, err := exec.LookPath("rustup"); err == nil {
		if out, err := exec.Command(rustup, "which", "cargo").Output(); err == nil {
			return filepath.Dir(strings.TrimSpace(string(out)))
		}
	}
	return filepath.Dir(cargo)
}

func TestE2ECargo(t *testing.T) {
	t.Parallel()
	bin := cargoBinDir(t)
	e := newE2E(t, fakeregistry.Options{})
	e.cargoProject(bin)
	res := e.build(filepath.Join(bin, "cargo"), "fetch", "--quiet", "--manifest-path", filepath.Join(e.dir, "Cargo.toml"))
	checkServedWereCaptured(t, e.reg, res.log)
	crates := []string{
		"https://static.crates.io/crates/fixture-crate/0.1.0/download",
		"https://static.crates.io/crates/dep/0.2.0/download",
	}
	checkArtifacts(t, e.reg, res.log, crates...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: crates})
	// Each .crate's Cargo.toml: its licence, and fixture-crate → dep (^0.2).
	bom := readBOM(t, res)
	refOf := map[string]string{}
	for _, c := range *bom.Components {
		refOf[c.PackageURL] = c.BOMRef
		if c.Licenses == nil || len(*c.Licenses) != 1 || (*c.Licenses)[0].License == nil || (*c.Licenses)[0].License.ID != "MIT" ||
			!slices.Equal(propValues(c.Properties, sbom.PropLicenseSource), []string{"cargo Cargo.toml"}) {
			t.Errorf("%s: licences %+v, want MIT from its Cargo.toml", c.PackageURL, c.Licenses)
		}
	}
	deps := map[string][]string{}
	for _, d := range *bom.Dependencies {
		deps[d.Ref] = *d.Dependencies
	}
	if app, dep := refOf["pkg:cargo/fixture-crate@0.1.0"], refOf["pkg:cargo/dep@0.2.0"]; !slices.Equal(deps[app], []string{dep}) {
		t.Errorf("dependencies %v: want fixture-crate → dep", deps)
	}
}

func TestE2EMaven(t *testing.T) {
	t.Parallel()
	mvn := requireClient(t, "mvn")
	e := newE2E(t, fakeregistry.Options{})
	e.writeFile("pom.xml", fakeregistry.MavenProjectPOM)
	res := e.build(mvn, "-B", "-q", "-f", filepath.Join(e.dir, "pom.xml"),
		"-Dmaven.repo.local="+filepath.Join(e.home, "m2"), "validate")
	checkServedWereCaptured(t, e.reg, res.log)
	base := "https://repo.maven.apache.org/maven2/"
	jars := []string{
		base + "org/example/fixture/fixture-ext/1.0.0/fixture-ext-1.0.0.jar",
		base + "org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar",
		base + "org/codehaus/plexus/plexus-utils/1.1/plexus-utils-1.1.jar",
	}
	parent := base + "org/example/fixture/fixture-parent/1.0.0/fixture-parent-1.0.0.pom"
	checkArtifacts(t, e.reg, res.log, append(jars, parent, base+"org/example/fixture/fixture-ext/1.0.0/fixture-ext-1.0.0.jar.sha1")...)
	// Poms next to their jar are metadata; the parent pom, the only file of
	// its version, is a component (type=pom) like the jars.
	checkSBOM(t, e.reg, res, sbomWant{artifacts: append(jars, parent)})
	// Licences from the POMs the build fetched: fixture-ext's own, by its
	// SPDX identifier; fixture-lib's inherited from the parent POM, a name;
	// plexus-utils' POM names none.
	bom := readBOM(t, res)
	for purl, want := range map[string]string{
		"pkg:maven/org.example.fixture/fixture-ext@1.0.0":             "id Apache-2.0 from maven pom",
		"pkg:maven/org.example.fixture/fixture-lib@1.0.0":             "name " + fakeregistry.MavenParentLicense + " from maven parent pom",
		"pkg:maven/org.example.fixture/fixture-parent@1.0.0?type=pom": "name " + fakeregistry.MavenParentLicense + " from maven pom",
		"pkg:maven/org.codehaus.plexus/plexus-utils@1.1":              "",
	} {
		got := ""
		for _, c := range *bom.Components {
			if c.PackageURL != purl {
				continue
			}
			if c.Licenses != nil && len(*c.Licenses) == 1 && (*c.Licenses)[0].License != nil {
				l := (*c.Licenses)[0].License
				if l.ID != "" {
					got = "id " + l.ID
				} else {
					got = "name " + l.Name
				}
				got += " from " + strings.Join(propValues(c.Properties, sbom.PropLicenseSource), ",")
			}
		}
		if got != want {
			t.Errorf("%s: licence %q, want %q", purl, got, want)
		}
	}
	// The graph from the POMs: fixture-ext → fixture-lib → plexus-utils,
	// plexus-utils' version managed by fixture-lib's parent through a
	// property; fixture-lib's optional dependency (the parent POM) and
	// test ones (fixture-ext, plexus-utils' test-jar) are no edges;
	// fixture-ext names fixture-lib's groupId ${project.groupId}.
	refOf := map[string]string{}
	for _, c := range *bom.Components {
		refOf[c.PackageURL] = c.BOMRef
	}
	ext, lib := refOf["pkg:maven/org.example.fixture/fixture-ext@1.0.0"], refOf["pkg:maven/org.example.fixture/fixture-lib@1.0.0"]
	plexus, parentRef := refOf["pkg:maven/org.codehaus.plexus/plexus-utils@1.1"], refOf["pkg:maven/org.example.fixture/fixture-parent@1.0.0?type=pom"]
	if bom.Dependencies == nil {
		t.Fatal("the SBOM has no dependencies")
	}
	got := map[string][]string{}
	for _, d := range *bom.Dependencies {
		got[d.Ref] = []string{}
		if d.Dependencies != nil {
			got[d.Ref] = *d.Dependencies
		}
	}
	for from, want := range map[string][]string{ext: {lib}, lib: {plexus}, plexus: {}, parentRef: {}} {
		if deps, ok := got[from]; !ok || !slices.Equal(deps, want) {
			t.Errorf("%s depends on %v (known %v), want %v", from, deps, ok, want)
		}
	}
	if roots := got[bom.Metadata.Component.BOMRef]; !slices.Equal(roots, []string{ext, parentRef}) {
		t.Errorf("the project depends on %v, want %v", roots, []string{ext, parentRef})
	}
}

func TestE2EGit(t *testing.T) {
	t.Parallel()
	git := requireClient(t, "git")
	e := newE2E(t, fakeregistry.Options{})
	if e.reg.GitCommit() == "" {
		t.Fatal("the fake registry has no git repository although git is installed")
	}
	e.env["GIT_CONFIG_NOSYSTEM"] = "1"
	e.env["GIT_TERMINAL_PROMPT"] = "0"
	dest := filepath.Join(e.dir, "tool")
	res := e.build(git, "clone", "--quiet", fakeregistry.GitRepoURL, dest)
	checkServedWereCaptured(t, e.reg, res.log)
	var sawRefs, sawPack bool
	for _, x := range res.log.Exchanges {
		sawRefs = sawRefs || (x.Method == "GET" && strings.HasSuffix(strings.SplitN(x.URL, "?", 2)[0], "/info/refs"))
		sawPack = sawPack || (x.Method == "POST" && strings.HasSuffix(x.URL, "/git-upload-pack") && x.Complete && x.Bytes > 0)
	}
	if !sawRefs || !sawPack {
		t.Errorf("capture lacks the smart-HTTP exchanges (info/refs %v, upload-pack %v):\n%s", sawRefs, sawPack, describeLog(res.log))
	}
	checkSBOM(t, e.reg, res, sbomWant{})
	// The clone is git's, not the go command's: the repository's host is a
	// service with the role vcs and the repository as its endpoint.
	bom := readBOM(t, res)
	var found bool
	for _, s := range *bom.Services {
		if roles := propValues(s.Properties, sbom.PropServiceRole); slices.Contains(roles, audit.RoleVCS) {
			found = true
			if s.Endpoints == nil || !slices.Contains(*s.Endpoints, strings.TrimSuffix(fakeregistry.GitRepoURL, "/")) {
				t.Errorf("vcs service %s: endpoints %v, want the repository %s", s.Name, s.Endpoints, fakeregistry.GitRepoURL)
			}
		}
		if eco := propValues(s.Properties, sbom.PropEcosystem); slices.Contains(eco, "golang") {
			t.Errorf("service %s is called golang", s.Name)
		}
	}
	if !found {
		t.Errorf("no service with the role vcs: %+v", *bom.Services)
	}
	out, err := exec.Command(git, "-C", dest, "rev-parse", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(out)) != e.reg.GitCommit() {
		t.Errorf("cloned HEAD = %q (%v), want %s", out, err, e.reg.GitCommit())
	}
}

// TestE2EVariantRegistry runs npm and cargo against the variant fixtures
// diff tests rely on: a newer dependency is resolved and a re-published
// artifact arrives with its new bytes.
func TestE2EVariantRegistry(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	opts := fakeregistry.Options{Upgrade: true, Republish: true}
	base, err := fakeregistry.Start(fakeregistry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base.Close()
	e := newE2E(t, opts)
	e.npmProject()
	res := e.build(npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-cache"),
		"--no-audit", "--no-fund", "--loglevel=error", "hello-lib")
	checkServedWereCaptured(t, e.reg, res.log)
	lib := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	checkArtifacts(t, e.reg, res.log, lib, "https://registry.npmjs.org/hello-dep/-/hello-dep-2.1.0.tgz")
	was, _ := base.Manifest().Lookup(lib)
	now, _ := e.reg.Manifest().Lookup(lib)
	if was.SHA256 == now.SHA256 {
		t.Errorf("the re-published %s has the base bytes", lib)
	}

	bin := cargoBinDir(t)
	e.cargoProject(bin)
	res = e.build(filepath.Join(bin, "cargo"), "fetch", "--quiet", "--manifest-path", filepath.Join(e.dir, "Cargo.toml"))
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log,
		"https://static.crates.io/crates/fixture-crate/0.1.0/download",
		"https://static.crates.io/crates/dep/0.2.1/download")
}

// TestE2EWarmCache: npm served from a warm cache downloads nothing; the
// build says so, naming the cache, and --fresh-caches records every
// package again.
func TestE2EWarmCache(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	cache := filepath.Join(e.home, "npm-cache")
	e.env["npm_config_cache"] = cache
	install := []string{npm, "install", "--prefix", e.dir, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", "hello-lib"}
	tarball := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	first := e.build(install...)
	checkArtifacts(t, e.reg, first.log, tarball)
	if strings.Contains(first.stderr, "no package was downloaded") {
		t.Errorf("a cold build warns of a warm cache:\n%s", first.stderr)
	}
	os.RemoveAll(filepath.Join(e.dir, "node_modules"))
	os.Remove(filepath.Join(e.dir, "package-lock.json"))
	warm := e.build(install...)
	if n := len(warm.log.Exchanges); n != 0 {
		t.Fatalf("npm --prefer-offline with a warm cache made %d requests:\n%s", n, describeLog(warm.log))
	}
	if want := "no package was downloaded: npm may have served them from the npm cache " + cache; !strings.Contains(warm.stderr, want) ||
		!strings.Contains(warm.stderr, "--fresh-caches") {
		t.Errorf("stderr does not say %q and suggest --fresh-caches:\n%s", want, warm.stderr)
	}
	os.RemoveAll(filepath.Join(e.dir, "node_modules"))
	os.Remove(filepath.Join(e.dir, "package-lock.json"))
	e.reg.ResetServed()
	fresh := e.runBuild(e.reg, []string{"--fresh-caches"}, install...)
	if fresh.code != 0 {
		t.Fatalf("--fresh-caches: exit %d\n%s", fresh.code, fresh.stderr)
	}
	checkArtifacts(t, e.reg, fresh.log, tarball)
	if strings.Contains(fresh.stderr, "no package was downloaded") {
		t.Errorf("--fresh-caches warns of a warm cache:\n%s", fresh.stderr)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "node_modules", "hello-lib", "package.json")); err != nil {
		t.Errorf("npm did not install from the fresh cache: %v", err)
	}
}

// TestE2ENpmRefusesCA: npm told to trust another CA (--cafile) refuses
// depaudit's certificate by closing the connection without a TLS alert;
// the refusal is in the capture log and the summary, named.
func TestE2ENpmRefusesCA(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	other, err := capture.NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cafile := filepath.Join(e.home, "other-ca.pem")
	if err := os.WriteFile(cafile, other.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	e.reg.ResetServed()
	res := e.runBuild(e.reg, nil, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-cache"),
		"--cafile", cafile, "--fetch-retries=0", "--no-audit", "--no-fund", "--loglevel=error", "hello-lib")
	if res.code == 0 {
		t.Fatalf("npm trusted depaudit's CA against --cafile:\n%s", res.stderr)
	}
	if res.log == nil {
		t.Fatalf("no capture log:\n%s", res.stderr)
	}
	found := false
	for _, x := range res.log.Exchanges {
		if x.Method == "CONNECT" && x.Host == "registry.npmjs.org" && strings.Contains(x.Error, "after receiving depaudit's certificate") {
			found = true
		}
	}
	if !found {
		t.Errorf("no refusal recorded:\n%s", describeLog(res.log))
	}
	if !strings.Contains(res.stderr, "CONNECT to registry.npmjs.org failed") {
		t.Errorf("the summary does not name the refusal:\n%s", res.stderr)
	}
}
