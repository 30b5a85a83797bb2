package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// End-to-end tests of the rules file: real clients configured for private
// registries (internal/fakeregistry.StartPrivate serves the fixtures under
// company hostnames) run under `depaudit build --rules FILE`.

// requireRulesWiring skips a test of `depaudit build --rules` while the
// build command does not have the rules flags yet.
func requireRulesWiring(t *testing.T) {
	t.Helper()
	for _, f := range buildCommand(&appEnv{}).Flags {
		if slices.Contains(f.Names(), "rules") {
			return
		}
	}
	t.Skip("depaudit build has no --rules flag yet (rules_build.go is not wired into build.go)")
}

// rulesE2E is an e2eRun against the private registries.
type rulesE2E struct {
	*e2eRun
	priv *fakeregistry.PrivateServer
}

func newRulesE2E(t *testing.T, opts fakeregistry.Options) *rulesE2E {
	t.Helper()
	skipShort(t)
	requireRulesWiring(t)
	priv, err := fakeregistry.StartPrivate(opts)
	if err != nil {
		t.Fatalf("fake registries: %v", err)
	}
	t.Cleanup(func() { priv.Close() })
	home := t.TempDir()
	dir := filepath.Join(home, "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &rulesE2E{priv: priv, e2eRun: &e2eRun{t: t, reg: priv.Server, home: home, dir: dir, env: map[string]string{
		"HOME":   home,
		"TMPDIR": home,
		"LANG":   "C.UTF-8",
	}}}
}

// writeRules writes a rules file into the home directory and returns its path.
func (e *rulesE2E) writeRules(content string) string {
	e.t.Helper()
	p := filepath.Join(e.home, "rules.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// build runs `depaudit build --capture … -o … --unclassified … FLAGS -- COMMAND…`
// with the private and public fake registries as the only upstreams, and
// returns whatever the exit code.
func (e *rulesE2E) build(flags []string, command ...string) *e2eResult {
	e.t.Helper()
	e.priv.ResetServed()
	return e.runBuild(e.priv, flags, command...)
}

// checkServed is checkServedWereCaptured, tolerating tunnels a client
// opened and dropped before the TLS handshake (Go's transport cancels a
// dial it no longer needs once an idle connection frees up).
func checkServed(t *testing.T, reg *fakeregistry.Server, l *capture.Log) {
	t.Helper()
	c := *l
	c.Exchanges = nil
	for _, x := range l.Exchanges {
		if x.Method == "CONNECT" && x.Status == 0 && strings.Contains(x.Error, "TLS handshake with the client failed") &&
			(strings.Contains(x.Error, "(EOF)") || strings.Contains(x.Error, "connection reset by peer")) {
			t.Logf("dropped tunnel: %s %s", x.URL, x.Error)
			continue
		}
		c.Exchanges = append(c.Exchanges, x)
	}
	checkServedWereCaptured(t, reg, &c)
}

// mustSucceed fails the test unless the build exited 0.
func (r *e2eResult) mustSucceed(t *testing.T) {
	t.Helper()
	if r.code != 0 {
		log := ""
		if r.log != nil {
			log = describeLog(r.log)
		}
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\ncapture:\n%s", r.code, r.stdout, r.stderr, log)
	}
}

// readBOM reads the build's SBOM, checking it against the CycloneDX 1.6
// schema.
func readBOM(t *testing.T, res *e2eResult) *cdx.BOM {
	t.Helper()
	data, err := os.ReadFile(res.sbomPath)
	if err != nil {
		t.Fatalf("SBOM: %v\nstderr:\n%s", err, res.stderr)
	}
	validateBOM16(t, data)
	bom, err := bomdiff.ParseBOM(data)
	if err != nil {
		t.Fatal(err)
	}
	return bom
}

func propValues(ps *[]cdx.Property, name string) []string {
	var out []string
	if ps != nil {
		for _, p := range *ps {
			if p.Name == name {
				out = append(out, p.Value)
			}
		}
	}
	return out
}

// checkPrivateArtifacts checks that each private URL was downloaded whole
// and is exactly one SBOM component whose purl is the public fixture's purl
// plus repository_url = base (without its final slash), with the fixture's
// digests; and that the SBOM has no other component.
func (e *rulesE2E) checkPrivateArtifacts(res *e2eResult, base string, urls ...string) *cdx.BOM {
	t := e.t
	t.Helper()
	bom := readBOM(t, res)
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	want := map[string]bool{}
	for _, u := range urls {
		pub, ok := e.priv.PublicURL(u)
		if !ok {
			t.Fatalf("%s is under no private base", u)
		}
		f, ok := e.priv.Manifest().Lookup(pub)
		if !ok {
			t.Fatalf("%s (%s) is not in the manifest", u, pub)
		}
		purl := withRepositoryURL(t, f.PURL, strings.TrimSuffix(base, "/"))
		want[purl] = true
		var got []cdx.Component
		for _, c := range comps {
			if c.PackageURL == purl {
				got = append(got, c)
			}
		}
		if len(got) != 1 {
			t.Errorf("SBOM has %d components with purl %s, want 1; components: %s", len(got), purl, componentList(comps))
			continue
		}
		c := got[0]
		hashes := map[cdx.HashAlgorithm]string{}
		if c.Hashes != nil {
			for _, h := range *c.Hashes {
				hashes[h.Algorithm] = h.Value
			}
		}
		want512, _ := publishedDigests(f)
		if hashes[cdx.HashAlgoSHA256] != f.SHA256 || hashes[cdx.HashAlgoSHA512] != want512 {
			t.Errorf("%s: hashes %v, want the fixture's sha256 %s", purl, hashes, f.SHA256)
		}
		if c.ExternalReferences == nil || exchangeKey("GET", (*c.ExternalReferences)[0].URL) != exchangeKey("GET", u) {
			t.Errorf("%s: distribution %v, want %s", purl, c.ExternalReferences, u)
		}
	}
	for _, c := range comps {
		if !want[c.PackageURL] {
			t.Errorf("unexpected component %s", c.PackageURL)
		}
	}
	return bom
}

// withRepositoryURL adds the repository_url qualifier to a canonical purl,
// keeping the purl's own spelling of everything else.
func withRepositoryURL(t *testing.T, purl, repo string) string {
	t.Helper()
	p, err := packageurl.FromString(purl)
	if err != nil {
		t.Fatal(err)
	}
	qs := append(slices.Clone(p.Qualifiers), packageurl.Qualifier{Key: "repository_url", Value: repo})
	slices.SortFunc(qs, func(a, b packageurl.Qualifier) int { return strings.Compare(a.Key, b.Key) })
	q := packageurl.PackageURL{Type: "generic", Name: "x", Qualifiers: qs}
	_, enc, _ := strings.Cut(q.ToString(), "?")
	head, _, _ := strings.Cut(purl, "?")
	return head + "?" + enc
}

// privateNPMProject makes e.dir an npm project whose registry, as in a
// company project, comes from its .npmrc: the private one.
func privateNPMProject(e *rulesE2E) {
	e.npmProject()
	e.writeFile(".npmrc", "registry="+fakeregistry.PrivateNPMBase+"\n")
}

// npmInstall returns an npm install command line that starts afresh: no
// node_modules, no lockfile, an empty cache, so that npm fetches
// everything.
func npmInstall(e *rulesE2E, npm string, pkgs ...string) []string {
	e.t.Helper()
	for _, p := range []string{"node_modules", "package-lock.json"} {
		if err := os.RemoveAll(filepath.Join(e.dir, p)); err != nil {
			e.t.Fatal(err)
		}
	}
	cache, err := os.MkdirTemp(e.home, "npm-cache-")
	if err != nil {
		e.t.Fatal(err)
	}
	return append([]string{npm, "install", "--prefix", e.dir, "--userconfig", filepath.Join(e.dir, ".npmrc"),
		"--cache", cache, "--no-audit", "--no-fund", "--loglevel=error"}, pkgs...)
}

const npmRules = `
registries:
  - url: https://npm.corp.example/api/npm/npm-remote/
    ecosystem: npm
policy:
  allow:
    hosts: ["*.corp.example"]
  deny:
    purls: ["pkg:npm/hello-dep"]
`

func TestE2ERulesNpmAudit(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newRulesE2E(t, fakeregistry.Options{})
	privateNPMProject(e)
	rulesPath := e.writeRules(npmRules)
	res := e.build([]string{"--rules", rulesPath}, npmInstall(e, npm, "hello-lib")...)
	res.mustSucceed(t)
	checkServed(t, e.reg, res.log)
	base := fakeregistry.PrivateNPMBase
	bom := e.checkPrivateArtifacts(res, base, base+"hello-lib/-/hello-lib-1.2.0.tgz", base+"hello-dep/-/hello-dep-2.0.1.tgz")

	// Audit mode: everything was fetched, and the violation of the deny
	// rule is listed at the end and recorded in the SBOM.
	wantLine := `deny: rule policy.deny.purls[0] "pkg:npm/hello-dep" matches pkg:npm/hello-dep@2.0.1?repository_url=`
	if !strings.Contains(res.stderr, "policy of "+rulesPath+" (audit mode): 2 violations") || !strings.Contains(res.stderr, wantLine) {
		t.Errorf("stderr does not list the violations:\n%s", res.stderr)
	}
	if got := propValues(bom.Metadata.Properties, sbom.PropViolation); len(got) != 2 {
		t.Errorf("metadata violations %q", got)
	}
	if got := propValues(bom.Metadata.Properties, sbom.PropPolicyMode); !slices.Equal(got, []string{"audit"}) {
		t.Errorf("metadata mode %q", got)
	}
	for _, c := range *bom.Components {
		got := propValues(c.Properties, sbom.PropViolation)
		if c.Name == "hello-dep" && (len(got) != 1 || !strings.Contains(got[0], wantLine)) {
			t.Errorf("hello-dep violations %q", got)
		}
		if c.Name == "hello-lib" && len(got) != 0 {
			t.Errorf("hello-lib violations %q", got)
		}
	}

	// --fail-on-violation: exit 3, the SBOM still written.
	res = e.build([]string{"--rules", rulesPath, "--fail-on-violation"}, npmInstall(e, npm, "hello-lib")...)
	if res.code != exitViolation {
		t.Fatalf("exit %d with --fail-on-violation, want %d\nstderr:\n%s", res.code, exitViolation, res.stderr)
	}
	readBOM(t, res)

	// The command's own failure wins over the policy's.
	res = e.build([]string{"--rules", rulesPath, "--fail-on-violation"}, "sh", "-c", strings.Join(npmInstall(e, npm, "hello-lib"), " ")+" && exit 5")
	if res.code != 5 {
		t.Fatalf("exit %d, want the command's 5\nstderr:\n%s", res.code, res.stderr)
	}
}

func TestE2ERulesNpmEnforce(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newRulesE2E(t, fakeregistry.Options{})
	privateNPMProject(e)
	rulesPath := e.writeRules("mode: enforce\n" + npmRules)
	res := e.build([]string{"--rules", rulesPath}, npmInstall(e, npm, "hello-lib")...)
	if res.code == 0 {
		t.Fatalf("npm install of a denied package succeeded\nstderr:\n%s", res.stderr)
	}
	// npm itself says which rule refused what.
	const rule = `rule policy.deny.purls[0] "pkg:npm/hello-dep"`
	npmOut := res.stderr
	if i := strings.Index(npmOut, "\ndepaudit: "); i > 0 {
		npmOut = npmOut[:i] // depaudit's own summary follows the child's output
	}
	if !strings.Contains(npmOut, "403") || !strings.Contains(npmOut, rule) {
		t.Errorf("npm's output does not name the rule %s:\n%s", rule, res.stderr)
	}
	// The denied request never went upstream, and is recorded as refused.
	for _, sv := range e.priv.Served() {
		if strings.Contains(sv.URL, "hello-dep") {
			t.Errorf("the denied package reached the registry: %s", sv.URL)
		}
	}
	refused := 0
	for _, x := range res.log.Exchanges {
		if x.Status == 403 && strings.HasPrefix(x.Error, "denied by policy: "+rule) {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("no refused exchange in the capture log:\n%s", describeLog(res.log))
	}
	if !strings.Contains(res.stderr, "policy of "+rulesPath+" (enforce mode)") || !strings.Contains(res.stderr, "refused)") {
		t.Errorf("depaudit's summary lacks the refused violation:\n%s", res.stderr)
	}
	bom := readBOM(t, res)
	if got := propValues(bom.Metadata.Properties, sbom.PropViolation); len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), rule) {
		t.Errorf("metadata violations %q", got)
	}

	// Packages the policy allows install in enforce mode.
	res = e.build([]string{"--rules", rulesPath}, npmInstall(e, npm, "multi-part-name@2.0.0-rc.1")...)
	res.mustSucceed(t)
	if !strings.Contains(res.stderr, "(enforce mode): no violations") {
		t.Errorf("violations reported:\n%s", res.stderr)
	}
}

func TestE2ERulesPip(t *testing.T) {
	t.Parallel()
	py := pythonExecutable(t)
	e := newRulesE2E(t, fakeregistry.Options{})
	e.pipEnv()
	base := fakeregistry.PrivatePyPIBase
	rulesPath := e.writeRules(`
mode: enforce
registries:
  - url: ` + base + `
    ecosystem: pypi
policy:
  allow:
    hosts: [nexus.corp.example]
    ecosystems: [pypi]
  unclassified: deny
`)
	res := e.build([]string{"--rules", rulesPath}, py, "-m", "pip", "download", "--no-cache-dir", "--quiet",
		"--index-url", base+"simple/", "-d", filepath.Join(e.dir, "dist"), "tiny-wheel")
	res.mustSucceed(t)
	checkServed(t, e.reg, res.log)
	var urls []string
	for _, f := range e.priv.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, ".whl") {
			urls = append(urls, base+strings.TrimPrefix(f.URL, "https://"+fakeregistry.HostPyPIFiles+"/"))
		}
	}
	if len(urls) != 2 {
		t.Fatalf("want 2 wheels in the base manifest, got %v", urls)
	}
	e.checkPrivateArtifacts(res, base, urls...)
	if !strings.Contains(res.stderr, "(enforce mode): no violations") {
		t.Errorf("stderr:\n%s", res.stderr)
	}
}

func TestE2ERulesGo(t *testing.T) {
	t.Parallel()
	goBin := requireClient(t, "go")
	e := newRulesE2E(t, fakeregistry.Options{})
	e.goEnv()
	base := fakeregistry.PrivateGoBase
	e.env["GOPROXY"] = strings.TrimSuffix(base, "/")
	rulesPath := e.writeRules(`
registries:
  - url: ` + strings.TrimSuffix(base, "/") + `
    ecosystem: golang
policy:
  deny:
    ecosystems: [golang]
`)
	res := e.build([]string{"--rules", rulesPath}, goBin, "-C", e.dir, "mod", "download", "-json",
		"github.com/Example/Upper@v1.0.0", "github.com/example/mod/v2@v2.1.0")
	res.mustSucceed(t)
	checkServed(t, e.reg, res.log)
	e.checkPrivateArtifacts(res, base, base+"github.com/!example/!upper/@v/v1.0.0.zip", base+"github.com/example/mod/v2/@v/v2.1.0.zip")
	// Audit mode: each request of the denied ecosystem is one violation
	// of the same rule.
	if !strings.Contains(res.stderr, `deny: rule policy.deny.ecosystems[0] "golang" matches ecosystem golang (`) {
		t.Errorf("stderr lacks the ecosystem violation:\n%s", res.stderr)
	}
}

func TestE2ERulesMaven(t *testing.T) {
	t.Parallel()
	mvn := requireClient(t, "mvn")
	e := newRulesE2E(t, fakeregistry.Options{})
	e.writeFile("pom.xml", fakeregistry.MavenProjectPOM)
	base := fakeregistry.PrivateMavenBase
	settings := filepath.Join(e.home, "settings.xml")
	if err := os.WriteFile(settings, []byte(`<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <mirrors>
    <mirror>
      <id>corp</id>
      <mirrorOf>*</mirrorOf>
      <url>`+base+`</url>
    </mirror>
  </mirrors>
</settings>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	rulesPath := e.writeRules(`
mode: enforce
registries:
  - url: ` + base + `
    ecosystem: maven
policy:
  allow:
    hosts: ["*.corp.example"]
  deny:
    hosts: [repo.maven.apache.org, repo1.maven.org]
`)
	res := e.build([]string{"--rules", rulesPath}, mvn, "-B", "-q", "-s", settings, "-f", filepath.Join(e.dir, "pom.xml"),
		"-Dmaven.repo.local="+filepath.Join(e.home, "m2"), "validate")
	res.mustSucceed(t)
	checkServed(t, e.reg, res.log)
	e.checkPrivateArtifacts(res, base,
		base+"org/example/fixture/fixture-ext/1.0.0/fixture-ext-1.0.0.jar",
		base+"org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar",
		base+"org/codehaus/plexus/plexus-utils/1.1/plexus-utils-1.1.jar",
		base+"org/example/fixture/fixture-parent/1.0.0/fixture-parent-1.0.0.pom")
	if !strings.Contains(res.stderr, "(enforce mode): no violations") {
		t.Errorf("stderr:\n%s", res.stderr)
	}
}

// TestE2ERulesHashChanged builds twice against a registry that republished
// a package's bytes under the same version in between.
func TestE2ERulesHashChanged(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	rulesText := `
registries:
  - {url: "https://npm.corp.example/api/npm/npm-remote/", ecosystem: npm}
policy:
  hash_changed: deny
`
	first := newRulesE2E(t, fakeregistry.Options{})
	privateNPMProject(first)
	res := first.build([]string{"--rules", first.writeRules(rulesText)}, npmInstall(first, npm, "hello-lib")...)
	res.mustSucceed(t)
	baseline := filepath.Join(t.TempDir(), "baseline.cdx.json")
	data, err := os.ReadFile(res.sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(baseline, data, 0o644); err != nil {
		t.Fatal(err)
	}

	second := newRulesE2E(t, fakeregistry.Options{Republish: true})
	privateNPMProject(second)
	res = second.build([]string{"--rules", second.writeRules(rulesText), "--baseline", baseline, "--fail-on-violation"},
		npmInstall(second, npm, "hello-lib")...)
	if res.code != exitViolation {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", res.code, exitViolation, res.stderr)
	}
	if !strings.Contains(res.stderr, `deny: rule policy.hash_changed "deny": pkg:npm/hello-lib@1.2.0?repository_url=`) {
		t.Errorf("stderr lacks the hash change:\n%s", res.stderr)
	}
	bom := readBOM(t, res)
	for _, c := range *bom.Components {
		got := propValues(c.Properties, sbom.PropViolation)
		if (c.Name == "hello-lib") != (len(got) == 1) {
			t.Errorf("%s violations %q", c.PackageURL, got)
		}
	}
}

// TestRulesFlagErrors checks the rules flags without any client.
func TestRulesFlagErrors(t *testing.T) {
	requireRulesWiring(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(bad, []byte("mode: audit\npolicy:\n  deny:\n    purl: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The second document would turn enforce mode's deny rule into "no
	// violations" if it were ignored.
	twoDocs := filepath.Join(dir, "two.yaml")
	if err := os.WriteFile(twoDocs, []byte("mode: enforce\n---\npolicy:\n  deny:\n    purls: [\"pkg:npm/*\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "started")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rules", bad}, "depaudit: build: " + bad + `:4:5: unknown key "purl" in policy.deny (known keys: hosts, ecosystems, purls)` + "\n"},
		{[]string{"--rules", twoDocs}, "depaudit: build: " + twoDocs + ":3:1: a second YAML document"},
		{[]string{"--rules", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"--fail-on-violation"}, "--fail-on-violation needs a rules file"},
	} {
		env, _, read := testEnv(t)
		args := append(append([]string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json")}, tc.args...),
			"--", "touch", marker)
		if code := run(context.Background(), env, args); code != exitError {
			t.Errorf("%v: exit %d, want %d", tc.args, code, exitError)
		}
		_, stderr := read()
		if !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: stderr %q, want one line with %q", tc.args, stderr, tc.want)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%v: the command ran despite the bad rules", tc.args)
		}
	}
}

func TestClassifyRules(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(path, []byte("registries:\n  - {url: https://nexus.corp.example/repository/maven-public/, ecosystem: maven}\n  - {url: https://npm.corp.example/api/npm/npm-remote/, ecosystem: npm}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const tgz = "https://npm.corp.example/api/npm/npm-remote/hello-lib/-/hello-lib-1.2.0.tgz"
	env, _, read := testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "classify", "--json", "--rules", path, tgz}); code != 0 {
		_, e := read()
		t.Fatalf("exit %d: %s", code, e)
	}
	out, _ := read()
	want := `{"url":"` + tgz + `","kind":"artifact","ecosystem":"npm","purl":"pkg:npm/hello-lib@1.2.0?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote"}` + "\n"
	if out != want {
		t.Errorf("classify --rules printed\n%s\nwant\n%s", out, want)
	}
	// Without the rules the registry's tarballs are known by their layout
	// alone, its packuments not at all.
	env, _, read = testEnv(t)
	run(context.Background(), env, []string{"depaudit", "classify", "--json", tgz, "https://npm.corp.example/api/npm/npm-remote/hello-lib"})
	if out, _ := read(); !strings.Contains(out, want) || !strings.Contains(out, `"url":"https://npm.corp.example/api/npm/npm-remote/hello-lib","kind":"unclassified"`) {
		t.Errorf("classify without rules: %s", out)
	}
	// A bad rules file: exit 2, file and line.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("registries:\n  - {url: https://x.example/, ecosystem: cobol}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, read = testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "classify", "--rules", bad, tgz}); code != exitError {
		t.Errorf("exit %d with a bad rules file", code)
	}
	if _, e := read(); !strings.Contains(e, bad+":2:") || !strings.Contains(e, `not "cobol"`) {
		t.Errorf("stderr %q", e)
	}
}
