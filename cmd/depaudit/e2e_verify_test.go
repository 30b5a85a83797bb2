package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// The verification end-to-end tests run real clients under `depaudit
// build` in front of a fakeregistry.Tamperer: a mirror that serves other
// bytes for chosen artifacts while every metadata document still
// advertises the original digests. A Tamperer with no URL serves the fake
// registry unchanged, plus a Go checksum database that vouches for it.

// verifyResult is one `depaudit build` run and the SBOM it wrote.
type verifyResult struct {
	*e2eResult
	bom *cdx.BOM
}

// verifyBuild runs `depaudit build FLAGS -- COMMAND…` in-process with tam
// as the only upstream and returns whatever the exit code: a client that
// refuses a tampered file fails, and the SBOM must be written all the same.
func verifyBuild(e *e2eRun, tam *fakeregistry.Tamperer, flags []string, command ...string) *verifyResult {
	e.t.Helper()
	res := e.runBuild(tam, flags, command...)
	if res.log == nil {
		e.t.Fatalf("%s: no capture log\nstderr:\n%s", strings.Join(command, " "), res.stderr)
	}
	return &verifyResult{e2eResult: res, bom: readBOM(e.t, res)}
}

// newTamperer starts a Tamperer in front of e's registry that alters the
// artifacts at urls (none: a faithful mirror).
func newTamperer(t *testing.T, e *e2eRun, urls ...string) *fakeregistry.Tamperer {
	t.Helper()
	tam, err := e.reg.Tamper(urls...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tam.Close)
	return tam
}

// newArchiveTamperer is newTamperer for .tar.gz artifacts, which stay
// valid archives: a client gets past decompression and refuses them on
// their digest alone.
func newArchiveTamperer(t *testing.T, e *e2eRun, urls ...string) *fakeregistry.Tamperer {
	t.Helper()
	tam, err := e.reg.TamperArchives(urls...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tam.Close)
	return tam
}

// summaryRE is the verification summary `depaudit build` prints on stderr.
var summaryRE = regexp.MustCompile(`(?m)^depaudit: verification: (\d+) verified, (\d+) mismatch, (\d+) unverifiable`)

// verifyCounts are the figures of the stderr summary line.
type verifyCounts struct{ verified, mismatch, unverifiable int }

// summary parses the verification summary line of stderr.
func (r *verifyResult) summary(t *testing.T) verifyCounts {
	t.Helper()
	m := summaryRE.FindAllStringSubmatch(r.stderr, -1)
	if len(m) != 1 {
		t.Fatalf("want one verification summary line on stderr, got %d:\n%s", len(m), r.stderr)
	}
	n := func(s string) int {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return verifyCounts{n(m[0][1]), n(m[0][2]), n(m[0][3])}
}

// components returns the SBOM's components.
func (r *verifyResult) components() []cdx.Component {
	if r.bom.Components == nil {
		return nil
	}
	return *r.bom.Components
}

// component returns the component with purl, failing the test when the
// SBOM has none.
func (r *verifyResult) component(t *testing.T, purl string) cdx.Component {
	t.Helper()
	for _, c := range r.components() {
		if c.PackageURL == purl {
			return c
		}
	}
	t.Fatalf("no component %s in %s\nstderr:\n%s\ncapture:\n%s", purl, componentList(r.components()), r.stderr, describeLog(r.log))
	return cdx.Component{}
}

// prop returns the values of one property of the component with purl.
func (r *verifyResult) prop(t *testing.T, purl, name string) []string {
	t.Helper()
	c := r.component(t, purl)
	return propValues(c.Properties, name)
}

// verdict returns the depaudit:verification property of purl.
func (r *verifyResult) verdict(t *testing.T, purl string) string {
	t.Helper()
	v := r.prop(t, purl, sbom.PropVerification)
	if len(v) != 1 {
		t.Fatalf("%s: %s = %q, want one value", purl, sbom.PropVerification, v)
	}
	return v[0]
}

// checkClean checks a run against an untampered registry: the build
// succeeded, every artifact of want is a component, every component is
// verified and names, among its sources, the one that starts with source,
// no component has a mismatch pair, and the stderr summary counts them all
// as verified.
func (r *verifyResult) checkClean(t *testing.T, source string, want ...string) {
	t.Helper()
	r.mustSucceed(t)
	for _, purl := range want {
		r.component(t, purl)
	}
	comps := r.components()
	for _, c := range comps {
		got := propValues(c.Properties, sbom.PropVerification)
		if len(got) != 1 || got[0] != "verified" {
			t.Errorf("%s: verification %q, want verified; reason %q", c.PackageURL, got, propValues(c.Properties, sbom.PropVerificationReason))
			continue
		}
		srcs := propValues(c.Properties, sbom.PropVerificationSource)
		if !slices.ContainsFunc(srcs, func(s string) bool { return strings.HasPrefix(s, source) }) {
			t.Errorf("%s: verified by %q, want a source starting with %q", c.PackageURL, srcs, source)
		}
		if e := propValues(c.Properties, sbom.PropVerificationExpected); len(e) != 0 {
			t.Errorf("%s: verified with expected digests %q", c.PackageURL, e)
		}
	}
	if got, want := r.summary(t), (verifyCounts{verified: len(comps)}); got != want {
		t.Errorf("summary %+v, want %+v\n%s", got, want, r.stderr)
	}
	if strings.Contains(r.stderr, "DIGEST MISMATCH") {
		t.Errorf("a clean run reports a mismatch:\n%s", r.stderr)
	}
}

// digestPair is one expected/received pair of a mismatch.
type digestPair struct {
	alg, expected, source, received string
}

// mismatchPairs returns the expected/received pairs of purl's mismatch,
// parsed from "ALG:VALUE (SOURCE)" and "ALG:VALUE".
func (r *verifyResult) mismatchPairs(t *testing.T, purl string) []digestPair {
	t.Helper()
	exp := r.prop(t, purl, sbom.PropVerificationExpected)
	rec := r.prop(t, purl, sbom.PropVerificationReceived)
	if len(exp) == 0 || len(exp) != len(rec) {
		t.Fatalf("%s: expected %q, received %q: want pairs", purl, exp, rec)
	}
	var out []digestPair
	for i := range exp {
		alg, rest, ok1 := strings.Cut(exp[i], ":")
		val, src, ok2 := strings.Cut(rest, " (")
		ralg, rval, ok3 := strings.Cut(rec[i], ":")
		if !ok1 || !ok2 || !ok3 || !strings.HasSuffix(src, ")") || ralg != alg {
			t.Fatalf("%s: malformed pair %q / %q", purl, exp[i], rec[i])
		}
		// The algorithm is written once (Go's "h1:…" is not "h1:h1:…").
		if a := strings.TrimPrefix(alg, "go.mod "); strings.HasPrefix(val, a+":") || strings.HasPrefix(rval, a+":") {
			t.Errorf("%s: algorithm written twice in %q / %q", purl, exp[i], rec[i])
		}
		out = append(out, digestPair{alg: alg, expected: val, source: strings.TrimSuffix(src, ")"), received: rval})
	}
	return out
}

// checkTampered checks a run in which the artifact at rawURL (purl) was
// served tampered: the component is a mismatch; each expected digest is
// the original file's and each received one the digest of the bytes the
// capture log recorded for the URL; the mismatch is printed on stderr with
// the source that published the digest; the other components are verified
// and the summary counts one mismatch. It returns the pairs.
func (r *verifyResult) checkTampered(t *testing.T, reg *fakeregistry.Server, rawURL, purl, source string) []digestPair {
	t.Helper()
	orig, ok := reg.Manifest().Lookup(rawURL)
	if !ok {
		t.Fatalf("%s is not in the manifest", rawURL)
	}
	if got := r.verdict(t, purl); got != "mismatch" {
		t.Fatalf("tampered %s: %s, want mismatch\n%s", purl, got, r.stderr)
	}
	var got *capture.Exchange
	for i := range r.log.Exchanges {
		x := &r.log.Exchanges[i]
		if x.Status == 200 && x.Complete && exchangeKey(x.Method, x.URL) == exchangeKey("GET", rawURL) {
			got = x
		}
	}
	if got == nil {
		t.Fatalf("%s was not downloaded whole:\n%s", rawURL, describeLog(r.log))
	}
	if got.SHA256 == orig.SHA256 {
		t.Fatalf("%s arrived untampered", rawURL)
	}
	pairs := r.mismatchPairs(t, purl)
	sawSource := false
	for _, p := range pairs {
		sawSource = sawSource || strings.HasPrefix(p.source, source)
		if p.expected == p.received {
			t.Errorf("%s: %s expected = received = %s", purl, p.alg, p.expected)
		}
		var want, recv string
		switch p.alg {
		case "sha1":
			want, recv = orig.SHA1, got.SHA1
		case "sha256":
			want, recv = orig.SHA256, got.SHA256
		case "sha512":
			want, recv = orig.SHA512, got.SHA512
		case "blake2b-256":
			// A files.pythonhosted.org path is the file's BLAKE2b-256.
			u, err := url.Parse(rawURL)
			if err != nil {
				t.Fatal(err)
			}
			seg := strings.Split(strings.TrimPrefix(u.Path, "/packages/"), "/")
			if len(seg) == 4 {
				want = seg[0] + seg[1] + seg[2]
			}
			recv = p.received
		default:
			continue // h1: checked by the Go test against the clean run
		}
		if p.expected != want || p.received != recv {
			t.Errorf("%s %s: expected %s received %s; want expected %s (published) received %s (captured)",
				purl, p.alg, p.expected, p.received, want, recv)
		}
	}
	if !sawSource {
		t.Errorf("%s: no mismatch from a source starting with %q: %+v", purl, source, pairs)
	}
	line := "depaudit: DIGEST MISMATCH: " + purl + " (sha256 " + got.SHA256 + ")"
	if !strings.Contains(r.stderr, line) || !strings.Contains(r.stderr, source) {
		t.Errorf("stderr lacks %q naming %q:\n%s", line, source, r.stderr)
	}
	n := 0
	for _, c := range r.components() {
		if c.PackageURL == purl {
			continue
		}
		n++
		if v := propValues(c.Properties, sbom.PropVerification); len(v) != 1 || v[0] != "verified" {
			t.Errorf("untouched %s: %q, want verified", c.PackageURL, v)
		}
	}
	if got, want := r.summary(t), (verifyCounts{verified: n, mismatch: 1}); got != want {
		t.Errorf("summary %+v, want %+v\n%s", got, want, r.stderr)
	}
	return pairs
}

// clientSaw returns the first group of re in the client's output (stdout
// and stderr), failing the test when it is not there.
func clientSaw(t *testing.T, r *verifyResult, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(r.stdout + r.stderr)
	if m == nil {
		t.Fatalf("client output lacks %s:\nstdout:\n%s\nstderr:\n%s", re, r.stdout, r.stderr)
	}
	return m[1]
}

// hasReceived reports whether one of pairs received value for alg.
func hasReceived(pairs []digestPair, alg, value string) bool {
	return slices.ContainsFunc(pairs, func(p digestPair) bool { return p.alg == alg && p.received == value })
}

// mustFail checks that the client refused the tampered artifact: depaudit
// passes on its non-zero exit status (but not its own error status, 2).
func (r *verifyResult) mustFail(t *testing.T, client string) {
	t.Helper()
	if r.code == 0 || r.code == exitError {
		t.Errorf("%s under depaudit build: exit %d, want the client's refusal\nstderr:\n%s", client, r.code, r.stderr)
	}
}

// The npm client refuses a tarball whose integrity differs (EINTEGRITY);
// depaudit records the mismatch all the same.
// TestE2EVerifyNpmLongHistory installs a package whose packument lists
// thousands of versions, as popular packages' do: the digests it publishes
// would make a capture-log line of megabytes; only those of the version
// installed are kept, and they verify it. (capture's
// TestLogLongExchangeLine reads such a line of an older log back whole.)
func TestE2EVerifyNpmLongHistory(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{LongHistory: true})
	e.npmProject()
	r := verifyBuild(e, newTamperer(t, e), nil, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-cache"),
		"--no-audit", "--no-fund", "--loglevel=error", "long-history", "hello-lib")
	r.checkClean(t, "npm packument integrity", "pkg:npm/long-history@1.0.0", "pkg:npm/hello-lib@1.2.0", "pkg:npm/hello-dep@2.0.1")
	// The packument publishes the digests of 5,000 versions: the log
	// keeps those of the one downloaded (sha512 and sha1), after the last
	// exchange, and the packument's own line stays short.
	raw, err := os.ReadFile(r.capturePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 64<<10 {
		t.Errorf("capture log of %d bytes: the digests of versions never downloaded are in it", len(raw))
	}
	kept := 0
	for _, x := range r.log.Exchanges {
		if strings.HasSuffix(x.URL, "/long-history") {
			for _, d := range x.Digests {
				if strings.HasPrefix(d.Subject, "https://") && strings.HasSuffix(d.Subject, ".tgz") {
					kept++
					if !strings.HasSuffix(d.Subject, "/long-history-1.0.0.tgz") {
						t.Errorf("digest of a version not downloaded kept: %+v", d)
					}
				}
			}
		}
	}
	if kept != 2 {
		t.Errorf("%d digests of the downloaded tarball read back with the packument, want 2 (sha512, sha1)", kept)
	}
}

func TestE2EVerifyNpm(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	install := func(tam *fakeregistry.Tamperer, cache string) *verifyResult {
		return verifyBuild(e, tam, nil, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, cache),
			"--no-audit", "--no-fund", "--loglevel=error", "hello-lib", "@fixture/scoped")
	}
	good := install(newTamperer(t, e), "cache-good")
	good.checkClean(t, "npm packument integrity",
		"pkg:npm/hello-lib@1.2.0", "pkg:npm/hello-dep@2.0.1", "pkg:npm/%40fixture/scoped@3.1.0")

	os.RemoveAll(filepath.Join(e.dir, "node_modules"))
	os.Remove(filepath.Join(e.dir, "package-lock.json"))
	tgz := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	bad := install(newArchiveTamperer(t, e, tgz), "cache-bad")
	bad.mustFail(t, "npm")
	if !strings.Contains(bad.stderr, "EINTEGRITY") {
		t.Errorf("npm did not refuse the tarball on its integrity:\n%s", bad.stderr)
	}
	pairs := bad.checkTampered(t, e.reg, tgz, "pkg:npm/hello-lib@1.2.0", "npm packument")
	algs := map[string]bool{}
	for _, p := range pairs {
		algs[p.alg] = true
	}
	if !algs["sha512"] || !algs["sha1"] {
		t.Errorf("want the integrity (sha512) and shasum (sha1) mismatches, got %+v", pairs)
	}
	// npm and depaudit saw the same bytes.
	npmGot := clientSaw(t, bad, `but got sha512-([A-Za-z0-9+/]+=*)`)
	if raw, err := base64.StdEncoding.DecodeString(npmGot); err != nil || !hasReceived(pairs, "sha512", hex.EncodeToString(raw)) {
		t.Errorf("npm got sha512-%s (%v); depaudit's pairs %+v", npmGot, err, pairs)
	}
}

// pip checks a file against the #sha256= of its simple index link and
// refuses it; depaudit records the mismatch against both that digest and
// the BLAKE2b-256 of the files.pythonhosted.org path.
func TestE2EVerifyPip(t *testing.T) {
	t.Parallel()
	py := pythonExecutable(t)
	e := newE2E(t, fakeregistry.Options{})
	e.pipEnv()
	var wheel, purl string
	for _, f := range e.reg.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, ".whl") && strings.Contains(f.URL, "/tiny_wheel-") {
			wheel, purl = f.URL, f.PURL
		}
	}
	if wheel == "" {
		t.Fatal("no tiny-wheel wheel in the manifest")
	}
	download := func(tam *fakeregistry.Tamperer, dest string) *verifyResult {
		return verifyBuild(e, tam, nil, py, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--quiet",
			"-d", filepath.Join(e.dir, dest), "tiny-wheel")
	}
	good := download(newTamperer(t, e), "good")
	good.checkClean(t, "PyPI simple index", purl)
	if len(good.components()) != 1 {
		t.Errorf("--no-deps: components %s", componentList(good.components()))
	}

	bad := download(newTamperer(t, e, wheel), "bad")
	bad.mustFail(t, "pip")
	pairs := bad.checkTampered(t, e.reg, wheel, purl, "PyPI simple index")
	var sources []string
	for _, p := range pairs {
		sources = append(sources, p.alg+" "+p.source)
	}
	if got := clientSaw(t, bad, `Got\s+([0-9a-f]{64})`); !hasReceived(pairs, "sha256", got) {
		t.Errorf("pip got sha256 %s; depaudit's pairs %+v", got, pairs)
	}
	if !slices.Contains(sources, "blake2b-256 files.pythonhosted.org path blake2b-256") {
		t.Errorf("no mismatch against the file URL's BLAKE2b-256: %q", sources)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "bad", filepath.Base(wheel))); err == nil {
		t.Errorf("pip kept the tampered wheel")
	}
}

// The go command checks module zips against the checksum database and
// refuses a tampered one; depaudit compares the h1 it saw in the lookup
// with the dirhash of the zip it received.
func TestE2EVerifyGo(t *testing.T) {
	t.Parallel()
	goBin := requireClient(t, "go")
	e := newE2E(t, fakeregistry.Options{})
	e.goEnv() // GOMODCACHE, GOPATH and GOSUMDB are set per download
	e.env["GOPROXY"] = "https://proxy.golang.org"
	download := func(tam *fakeregistry.Tamperer, cache string) *verifyResult {
		e.env["GOMODCACHE"] = filepath.Join(e.home, cache)
		e.env["GOPATH"] = filepath.Join(e.home, "gopath-"+cache)
		e.env["GOSUMDB"] = tam.GoSumDB()
		return verifyBuild(e, tam, nil, goBin, "-C", e.dir, "mod", "download", "-json",
			"github.com/Example/Upper@v1.0.0", "github.com/example/mod/v2@v2.1.0")
	}
	upper := "pkg:golang/github.com/Example/Upper@v1.0.0"
	good := download(newTamperer(t, e), "good")
	good.checkClean(t, "Go checksum database h1", upper, "pkg:golang/github.com/example/mod/v2@v2.1.0")
	h1 := map[string]string{}
	for _, c := range good.components() {
		v := propValues(c.Properties, sbom.PropGolangH1)
		if len(v) != 1 || !strings.HasPrefix(v[0], "h1:") {
			t.Errorf("%s: %s = %q", c.PackageURL, sbom.PropGolangH1, v)
			continue
		}
		h1[c.PackageURL] = v[0]
	}

	zip := "https://proxy.golang.org/github.com/!example/!upper/@v/v1.0.0.zip"
	bad := download(newTamperer(t, e, zip), "bad")
	bad.mustFail(t, "go")
	pairs := bad.checkTampered(t, e.reg, zip, upper, "Go checksum database h1")
	got := bad.prop(t, upper, sbom.PropGolangH1)
	if len(got) != 1 || got[0] == h1[upper] {
		t.Errorf("tampered zip: %s = %q, the original's is %s", sbom.PropGolangH1, got, h1[upper])
	}
	found := false
	for _, p := range pairs {
		if p.alg == "h1" {
			found = true
			if "h1:"+p.expected != h1[upper] || len(got) != 1 || "h1:"+p.received != got[0] {
				t.Errorf("h1 pair %+v: want expected %s (the clean run's) and received %q", p, h1[upper], got)
			}
		}
	}
	if !found {
		t.Errorf("no h1 mismatch: %+v", pairs)
	}
	// The go command's own verdict names the same two hashes.
	if got := clientSaw(t, bad, `downloaded: (h1:[A-Za-z0-9+/]+=*)`); !hasReceived(pairs, "h1", strings.TrimPrefix(got, "h1:")) {
		t.Errorf("go downloaded %s; depaudit's pairs %+v", got, pairs)
	}
	if want := clientSaw(t, bad, `sum.golang.org: (h1:[A-Za-z0-9+/]+=*)`); want != h1[upper] {
		t.Errorf("the checksum database said %s to go, depaudit expected %s", want, h1[upper])
	}
}

// cargo checks a .crate against the index's cksum and refuses it.
func TestE2EVerifyCargo(t *testing.T) {
	t.Parallel()
	bin := cargoBinDir(t)
	e := newE2E(t, fakeregistry.Options{})
	e.cargoProject(bin) // CARGO_HOME is set per fetch
	fetch := func(tam *fakeregistry.Tamperer, home string) *verifyResult {
		e.env["CARGO_HOME"] = filepath.Join(e.home, home)
		os.Remove(filepath.Join(e.dir, "Cargo.lock"))
		return verifyBuild(e, tam, nil, filepath.Join(bin, "cargo"), "fetch", "--quiet", "--manifest-path", filepath.Join(e.dir, "Cargo.toml"))
	}
	good := fetch(newTamperer(t, e), "cargo-good")
	good.checkClean(t, "crates.io index cksum", "pkg:cargo/fixture-crate@0.1.0", "pkg:cargo/dep@0.2.0")

	crate := "https://static.crates.io/crates/dep/0.2.0/download"
	bad := fetch(newArchiveTamperer(t, e, crate), "cargo-bad")
	bad.mustFail(t, "cargo")
	pairs := bad.checkTampered(t, e.reg, crate, "pkg:cargo/dep@0.2.0", "crates.io index cksum")
	if len(pairs) != 1 || pairs[0].alg != "sha256" {
		t.Errorf("want the cksum (sha256) mismatch alone: %+v", pairs)
	}
	if !strings.Contains(bad.stderr, "failed to verify the checksum") {
		t.Errorf("cargo did not report the checksum failure:\n%s", bad.stderr)
	}
}

// Maven fetches a .sha1 after each file: every component of `mvn -B
// validate` is verified by it, and a jar that differs is a mismatch.
func TestE2EVerifyMaven(t *testing.T) {
	t.Parallel()
	mvn := requireClient(t, "mvn")
	e := newE2E(t, fakeregistry.Options{})
	e.writeFile("pom.xml", fakeregistry.MavenProjectPOM)
	validate := func(tam *fakeregistry.Tamperer, repo string) *verifyResult {
		return verifyBuild(e, tam, nil, mvn, "-B", "-f", filepath.Join(e.dir, "pom.xml"),
			"-Dmaven.repo.local="+filepath.Join(e.home, repo), "validate")
	}
	validate(newTamperer(t, e), "m2-good").checkClean(t, "Maven .sha1 sidecar",
		"pkg:maven/org.example.fixture/fixture-lib@1.0.0",
		"pkg:maven/org.example.fixture/fixture-ext@1.0.0",
		"pkg:maven/org.codehaus.plexus/plexus-utils@1.1",
		"pkg:maven/org.example.fixture/fixture-parent@1.0.0?type=pom")

	// Maven's default checksum policy only warns: the build goes on with
	// the tampered jar, and depaudit is what records it.
	jar := "https://repo.maven.apache.org/maven2/org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar"
	bad := validate(newTamperer(t, e, jar), "m2-bad")
	bad.mustSucceed(t)
	bad.checkTampered(t, e.reg, jar, "pkg:maven/org.example.fixture/fixture-lib@1.0.0", "Maven .sha1 sidecar")
	if !strings.Contains(bad.stdout+bad.stderr, "Checksum validation failed") {
		t.Errorf("mvn did not warn about the checksum:\nstdout:\n%s", bad.stdout)
	}
}

// curl checks nothing: depaudit is what catches a jar that differs from
// the .sha1 fetched before it, while curl succeeds.
func TestE2EVerifyMavenCurl(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	var jar, purl string
	for _, f := range e.reg.Manifest().Artifacts("maven") {
		if strings.HasSuffix(f.URL, "/fixture-lib-1.0.0.jar") {
			jar, purl = f.URL, f.PURL
		}
	}
	if jar == "" {
		t.Fatal("no fixture-lib jar in the manifest")
	}
	fetch := func(tam *fakeregistry.Tamperer, name string) *verifyResult {
		return verifyBuild(e, tam, nil, curl, "-fsS", "-o", filepath.Join(e.dir, name+".sha1"), jar+".sha1",
			"-o", filepath.Join(e.dir, name), jar)
	}
	fetch(newTamperer(t, e), "good.jar").checkClean(t, "Maven .sha1 sidecar", purl)

	bad := fetch(newTamperer(t, e, jar), "bad.jar")
	bad.mustSucceed(t)
	pairs := bad.checkTampered(t, e.reg, jar, purl, "Maven .sha1 sidecar")
	if len(pairs) != 1 || pairs[0].alg != "sha1" {
		t.Errorf("want the .sha1 mismatch alone: %+v", pairs)
	}
	body, err := os.ReadFile(filepath.Join(e.dir, "bad.jar"))
	if err != nil {
		t.Fatal(err)
	}
	if orig, _ := e.reg.Manifest().Lookup(jar); bytes.Equal(body, orig.Body) {
		t.Errorf("curl saved the original jar: the registry did not tamper it")
	}
}

// Without metadata (curl of the artifacts alone) and --no-verify-fetch,
// the build reports each artifact unverifiable, with the reason.
func TestE2EVerifyWithoutMetadata(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	tgz := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	zip := "https://proxy.golang.org/github.com/example/mod/v2/@v/v2.1.0.zip"
	res := verifyBuild(e, newTamperer(t, e), []string{"--no-verify-fetch"}, curl, "-fsS", "-o", filepath.Join(e.dir, "a"), tgz, "-o", filepath.Join(e.dir, "b"), zip)
	res.mustSucceed(t)
	if !strings.Contains(res.stderr, "not fetched after the build (--no-verify-fetch;") {
		t.Errorf("the summary does not say the missing metadata was not fetched:\n%s", res.stderr)
	}
	for _, purl := range []string{"pkg:npm/hello-lib@1.2.0", "pkg:golang/github.com/example/mod/v2@v2.1.0"} {
		if got := res.verdict(t, purl); got != "unverifiable" {
			t.Errorf("%s without metadata: %s", purl, got)
		}
		if r := res.prop(t, purl, sbom.PropVerificationReason); len(r) != 1 || r[0] == "" {
			t.Errorf("%s: reason %q", purl, r)
		}
	}
	if got, want := res.summary(t), (verifyCounts{unverifiable: 2}); got != want {
		t.Errorf("summary %+v, want %+v", got, want)
	}
}

// By default depaudit fetches, after the build, the packument and checksum
// database lookup the build did not see (--no-verify-fetch: it does not). The CLI's fetching client dials
// the real registries (the test hooks do not reach it), so the build runs
// through the CLI and the fetch step is driven with a client routed to the
// Tamperer, on the capture log the build wrote.
func TestE2EVerifyFetch(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	tgzGood := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	tgzBad := "https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz"
	zip := "https://proxy.golang.org/github.com/example/mod/v2/@v/v2.1.0.zip"
	tam := newTamperer(t, e, tgzBad)
	res := verifyBuild(e, tam, []string{"--no-verify-fetch"}, curl, "-fsS", "-o", filepath.Join(e.dir, "a"), tgzGood, "-o", filepath.Join(e.dir, "b"), tgzBad,
		"-o", filepath.Join(e.dir, "c"), zip)
	res.mustSucceed(t)
	if got, want := res.summary(t), (verifyCounts{unverifiable: 3}); got != want {
		t.Errorf("before the fetch: summary %+v, want %+v", got, want)
	}

	// The same downloads by default: depaudit fetches the abbreviated
	// packument and the sumdb lookup after the build (through the test
	// hooks, from the fake registry) and reaches a verdict for each.
	fetched := verifyBuild(e, tam, nil, curl, "-fsS", "-o", filepath.Join(e.dir, "a"), tgzGood, "-o", filepath.Join(e.dir, "b"), tgzBad,
		"-o", filepath.Join(e.dir, "c"), zip)
	fetched.mustSucceed(t)
	for purl, want := range map[string]string{
		"pkg:npm/hello-lib@1.2.0":                     "verified",
		"pkg:npm/hello-dep@2.0.1":                     "mismatch",
		"pkg:golang/github.com/example/mod/v2@v2.1.0": "verified",
	} {
		if got := fetched.verdict(t, purl); got != want {
			t.Errorf("%s after --verify-fetch: %s, want %s", purl, got, want)
		}
	}
	fetched.checkTampered(t, e.reg, tgzBad, "pkg:npm/hello-dep@2.0.1", "npm packument")
	if !regexp.MustCompile(`3 metadata documents fetched after the build: 4 requests in \d+ms`).MatchString(fetched.stderr) {
		t.Errorf("summary does not say what was fetched after the build, and in how long:\n%s", fetched.stderr)
	}
	// The fetches are in the capture log, after its trailer: `depaudit
	// report` of it (offline: the report's client reaches no registry)
	// gives the build's SBOM without fetching again.
	if l := fetched.log; l.FetchEnd == nil || len(l.Fetches) != 4 || l.FetchEnd.Requests != 4 || l.FetchEnd.Failed != 0 || l.Damage != "" {
		t.Fatalf("capture log: %d fetch records, end %+v, damage %q", len(l.Fetches), l.FetchEnd, l.Damage)
	}
	// The packuments of hello-lib and hello-dep, then the module's lookup:
	// at the proxy's own checksum database endpoint first (the fake proxy
	// has none), then at sum.golang.org.
	var ok int
	for _, f := range fetched.log.Fetches {
		if f.Status == 200 && len(f.Digests) > 0 {
			ok++
		} else if !strings.Contains(f.URL, "proxy.golang.org/sumdb/") {
			t.Errorf("fetch record %s: status %d, %d digests, %s", f.URL, f.Status, len(f.Digests), f.Error)
		}
	}
	if ok != 3 {
		t.Errorf("%d documents read after the build, want 3", ok)
	}
	if strings.Contains(fetched.stderr, "failed") {
		t.Errorf("a candidate that another answered for is reported as a failure:\n%s", fetched.stderr)
	}
	e.checkReport(fetched.e2eResult)
}

// The helpers must tell a wrong verdict from a right one.
func TestVerifyResultHelpers(t *testing.T) {
	props := func(kv ...string) *[]cdx.Property {
		var ps []cdx.Property
		for i := 0; i < len(kv); i += 2 {
			ps = append(ps, cdx.Property{Name: kv[i], Value: kv[i+1]})
		}
		return &ps
	}
	sum := hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	r := &verifyResult{e2eResult: &e2eResult{stderr: "depaudit: verification: 1 verified, 2 mismatch, 3 unverifiable\n"},
		bom: &cdx.BOM{Components: &[]cdx.Component{{PackageURL: "pkg:npm/a@1", Properties: props(
			sbom.PropVerification, "mismatch",
			sbom.PropVerificationExpected, "sha256:"+sum+" (npm packument integrity)",
			sbom.PropVerificationReceived, "sha256:"+base64.StdEncoding.EncodeToString([]byte("x")))}}}}
	if got := r.summary(t); got != (verifyCounts{1, 2, 3}) {
		t.Errorf("summary %+v", got)
	}
	if got := r.verdict(t, "pkg:npm/a@1"); got != "mismatch" {
		t.Errorf("verdict %s", got)
	}
	p := r.mismatchPairs(t, "pkg:npm/a@1")
	if len(p) != 1 || p[0].alg != "sha256" || p[0].expected != sum || p[0].source != "npm packument integrity" || p[0].received != "eA==" {
		t.Errorf("pairs %+v", p)
	}
}

// TestE2EEnforceCutsMismatch: in enforce mode a tarball whose bytes differ
// from the integrity its packument published earlier in the run never
// reaches the client whole, so even a client that checks nothing (curl)
// fails at that download; in audit mode it gets the bytes, and depaudit
// reports the mismatch after the build.
func TestE2EEnforceCutsMismatch(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	packument := "https://registry.npmjs.org/hello-dep"
	tgz := "https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz"
	tam := newTamperer(t, e, tgz)
	for _, mode := range []string{"audit", "enforce"} {
		e.writeFile(mode+".yaml", "mode: "+mode+"\n")
		out := filepath.Join(e.dir, mode+".tgz")
		res := verifyBuild(e, tam, []string{"--rules", filepath.Join(e.dir, mode+".yaml"), "--no-verify-fetch"},
			curl, "-fsS", "-o", filepath.Join(e.dir, mode+".json"), packument, "-o", out, tgz)
		var x *capture.Exchange
		for i := range res.log.Exchanges {
			if res.log.Exchanges[i].URL == tgz {
				x = &res.log.Exchanges[i]
			}
		}
		if x == nil {
			t.Fatalf("%s: the tarball is not in the capture log:\n%s", mode, describeLog(res.log))
		}
		got, _ := os.ReadFile(out)
		if mode == "audit" {
			if res.code != 0 || !strings.Contains(res.stderr, "DIGEST MISMATCH: pkg:npm/hello-dep@2.0.1") {
				t.Errorf("audit: exit %d, want 0 with the mismatch reported:\n%s", res.code, res.stderr)
			}
			if !x.Complete || int64(len(got)) != x.Bytes {
				t.Errorf("audit: curl got %d bytes, the exchange %+v: want the tampered tarball whole", len(got), x)
			}
			continue
		}
		if res.code == 0 {
			t.Errorf("enforce: curl succeeded although the tarball differs from its integrity\n%s", res.stderr)
		}
		if x.Complete || !strings.Contains(x.Error, "digest mismatch: the body's sha512") || !strings.Contains(x.Error, "cut the transfer") {
			t.Errorf("enforce: the tarball is recorded complete=%v %q, want the cut", x.Complete, x.Error)
		}
		if x.Bytes == 0 || int64(len(got)) >= x.Bytes {
			t.Errorf("enforce: curl wrote %d bytes of the %d the registry sent: the body reached it whole", len(got), x.Bytes)
		}
	}
}
