package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// verifyRun is one recorded run with the verification inspectors, in front
// of a fake registry that may serve tampered artifacts.
type verifyRun struct {
	code   int
	stderr string
	log    *capture.Log
	v      *verification
	bom    *cdx.BOM
	report string
}

// runVerified runs command behind the proxy with the build's inspect hook
// (as `depaudit build` wires it), routed to tam, then verifies the capture
// log as build and report do. The client may fail.
func runVerified(t *testing.T, e *e2eRun, tam *fakeregistry.Tamperer, command ...string) *verifyRun {
	t.Helper()
	var logBuf, stdout, stderr bytes.Buffer
	environ := e.environ()
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	res, err := capture.Run(ctx, capture.RunConfig{
		Command: command, Environ: environ,
		Getenv: func(k string) string {
			for _, kv := range environ {
				if key, v, _ := strings.Cut(kv, "="); key == k {
					return v
				}
			}
			return ""
		},
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Log: &logBuf, Version: "test",
		UpstreamDial: tam.DialContext, UpstreamRootCAs: tam.RootCAs(),
		Inspect: verifyInspect(classify.Default()),
	})
	if err != nil {
		t.Fatalf("run %v: %v", command, err)
	}
	l, err := capture.ReadLog(&logBuf)
	if err != nil {
		t.Fatal(err)
	}
	v := newVerificationWith(ctx, l, classify.Default(), nil)
	r, err := sbom.Assemble(l, classify.Default(), sbom.Options{Verify: v.sbomHook()})
	if err != nil {
		t.Fatal(err)
	}
	var rep bytes.Buffer
	v.printSummary(&rep)
	out := &verifyRun{code: res.ExitCode, stderr: stderr.String(), log: l, v: v, bom: r.BOM, report: rep.String()}
	if testing.Verbose() {
		t.Logf("%v: exit %d\n%s%s", command, res.ExitCode, describeLog(l), out.report)
	}
	return out
}

// verdictOf returns the depaudit:verification property of the component
// with purl, "" when there is none.
func (r *verifyRun) verdictOf(t *testing.T, purl string) string {
	t.Helper()
	if r.bom.Components == nil {
		t.Fatalf("no components; stderr:\n%s\ncapture:\n%s", r.stderr, describeLog(r.log))
	}
	for _, c := range *r.bom.Components {
		if c.PackageURL != purl || c.Properties == nil {
			continue
		}
		for _, p := range *c.Properties {
			if p.Name == sbom.PropVerification {
				return p.Value
			}
		}
	}
	t.Fatalf("no verified component %s in %s\nstderr:\n%s", purl, componentList(*r.bom.Components), r.stderr)
	return ""
}

// allVerified checks that every component of an ecosystem is verified.
func (r *verifyRun) allVerified(t *testing.T, eco string) {
	t.Helper()
	n := 0
	for _, c := range *r.bom.Components {
		if !strings.HasPrefix(c.PackageURL, "pkg:"+eco+"/") {
			continue
		}
		n++
		if got := r.verdictOf(t, c.PackageURL); got != "verified" {
			t.Errorf("%s: %s, want verified\n%s", c.PackageURL, got, r.report)
		}
	}
	if n == 0 {
		t.Errorf("no %s component", eco)
	}
}

func newTamperer(t *testing.T, e *e2eRun, urls ...string) *fakeregistry.Tamperer {
	t.Helper()
	tam, err := e.reg.Tamper(urls...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tam.Close)
	return tam
}

// The npm client refuses a tarball whose integrity differs (EINTEGRITY);
// depaudit records the mismatch all the same.
func TestE2EVerifyNpm(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.writeFile("package.json", `{"name":"e2e-app","version":"1.0.0","private":true}`+"\n")
	e.env["npm_config_fetch_retries"] = "0"
	install := func(tam *fakeregistry.Tamperer, cache string) *verifyRun {
		return runVerified(t, e, tam, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, cache),
			"--no-audit", "--no-fund", "--loglevel=error", "hello-lib", "@fixture/scoped")
	}
	good := install(newTamperer(t, e), "cache-good")
	if good.code != 0 {
		t.Fatalf("npm install: exit %d\n%s", good.code, good.stderr)
	}
	good.allVerified(t, "npm")
	if n := good.v.mismatches(); len(n) != 0 {
		t.Errorf("mismatches: %v", n)
	}

	os.RemoveAll(filepath.Join(e.dir, "node_modules"))
	os.Remove(filepath.Join(e.dir, "package-lock.json"))
	bad := install(newTamperer(t, e, "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"), "cache-bad")
	if bad.code == 0 {
		t.Errorf("npm accepted a tampered tarball")
	}
	if got := bad.verdictOf(t, "pkg:npm/hello-lib@1.2.0"); got != "mismatch" {
		t.Errorf("tampered hello-lib: %s\n%s", got, bad.report)
	}
	if ms := bad.v.mismatches(); len(ms) != 1 || ms[0].PURL != "pkg:npm/hello-lib@1.2.0" {
		t.Errorf("mismatches: %v", ms)
	}
	if !strings.Contains(bad.report, "DIGEST MISMATCH: pkg:npm/hello-lib@1.2.0") || !strings.Contains(bad.report, "npm packument integrity") {
		t.Errorf("report:\n%s", bad.report)
	}
}

// curl checks nothing: depaudit is what catches a jar that differs from
// the .sha1 fetched before it.
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
	fetch := func(tam *fakeregistry.Tamperer) *verifyRun {
		r := runVerified(t, e, tam, curl, "-fsS", "-o", filepath.Join(e.dir, "lib.jar.sha1"), jar+".sha1", "-o", filepath.Join(e.dir, "lib.jar"), jar)
		if r.code != 0 {
			t.Fatalf("curl: exit %d\n%s", r.code, r.stderr)
		}
		return r
	}
	if got := fetch(newTamperer(t, e)).verdictOf(t, purl); got != "verified" {
		t.Errorf("original jar: %s", got)
	}
	bad := fetch(newTamperer(t, e, jar))
	if got := bad.verdictOf(t, purl); got != "mismatch" {
		t.Errorf("tampered jar: %s\n%s", got, bad.report)
	}
	if !strings.Contains(bad.report, "Maven .sha1 sidecar") {
		t.Errorf("report:\n%s", bad.report)
	}
}

// The go command checks module zips against the checksum database and
// refuses a tampered one; depaudit compares the same h1 it saw in the
// lookup with the dirhash of the zip it received.
func TestE2EVerifyGo(t *testing.T) {
	t.Parallel()
	goBin := requireClient(t, "go")
	e := newE2E(t, fakeregistry.Options{})
	e.env["GOFLAGS"] = "-modcacherw"
	e.env["GOTOOLCHAIN"] = "local"
	e.env["GOENV"] = "off"
	e.env["GO111MODULE"] = "on"
	e.env["GOPROXY"] = "https://proxy.golang.org"
	download := func(tam *fakeregistry.Tamperer, cache string) *verifyRun {
		e.env["GOMODCACHE"] = filepath.Join(e.home, cache)
		e.env["GOPATH"] = filepath.Join(e.home, "gopath-"+cache)
		e.env["GOCACHE"] = filepath.Join(e.home, "gocache")
		e.env["GOSUMDB"] = tam.GoSumDB()
		return runVerified(t, e, tam, goBin, "-C", e.dir, "mod", "download", "-json",
			"github.com/Example/Upper@v1.0.0", "github.com/example/mod/v2@v2.1.0")
	}
	good := download(newTamperer(t, e), "good")
	if good.code != 0 {
		t.Fatalf("go mod download: exit %d\n%s", good.code, good.stderr)
	}
	good.allVerified(t, "golang")
	for _, c := range *good.bom.Components {
		if !hasProperty(c, sbom.PropGolangH1) {
			t.Errorf("%s has no %s", c.PackageURL, sbom.PropGolangH1)
		}
	}

	bad := download(newTamperer(t, e, "https://proxy.golang.org/github.com/!example/!upper/@v/v1.0.0.zip"), "bad")
	if bad.code == 0 {
		t.Errorf("go accepted a tampered zip")
	}
	if got := bad.verdictOf(t, "pkg:golang/github.com/Example/Upper@v1.0.0"); got != "mismatch" {
		t.Errorf("tampered zip: %s\n%s", got, bad.report)
	}
	if !strings.Contains(bad.report, "Go checksum database h1") {
		t.Errorf("report:\n%s", bad.report)
	}
}

func hasProperty(c cdx.Component, name string) bool {
	if c.Properties == nil {
		return false
	}
	for _, p := range *c.Properties {
		if p.Name == name && p.Value != "" {
			return true
		}
	}
	return false
}

// --verify-fetch: an npm tarball and a Go module zip fetched with no
// metadata seen (curl) are unverifiable until the packument and the
// checksum database lookup are fetched after the build.
func TestE2EVerifyFetch(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	tam := newTamperer(t, e, "https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz")
	tgzGood := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	tgzBad := "https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz"
	zip := "https://proxy.golang.org/github.com/example/mod/v2/@v/v2.1.0.zip"
	r := runVerified(t, e, tam, curl, "-fsS", "-o", filepath.Join(e.dir, "a"), tgzGood, "-o", filepath.Join(e.dir, "b"), tgzBad,
		"-o", filepath.Join(e.dir, "c"), zip)
	if r.code != 0 {
		t.Fatalf("curl: exit %d\n%s", r.code, r.stderr)
	}
	if c := r.verdictOf(t, "pkg:npm/hello-lib@1.2.0"); c != "unverifiable" {
		t.Errorf("without metadata: %s", c)
	}
	client := &http.Client{Transport: &http.Transport{DialContext: tam.DialContext, TLSClientConfig: &tls.Config{RootCAs: tam.RootCAs()}}}
	v := newVerificationWith(context.Background(), r.log, classify.Default(), client)
	res, err := sbom.Assemble(r.log, classify.Default(), sbom.Options{Verify: v.sbomHook()})
	if err != nil {
		t.Fatal(err)
	}
	fetched := &verifyRun{bom: res.BOM, log: r.log}
	for purl, want := range map[string]string{
		"pkg:npm/hello-lib@1.2.0":                     "verified",
		"pkg:npm/hello-dep@2.0.1":                     "mismatch",
		"pkg:golang/github.com/example/mod/v2@v2.1.0": "verified",
	} {
		if got := fetched.verdictOf(t, purl); got != want {
			t.Errorf("%s after --verify-fetch: %s, want %s", purl, got, want)
		}
	}
	var rep bytes.Buffer
	v.printSummary(&rep)
	if !strings.Contains(rep.String(), "fetched after the build") || !strings.Contains(rep.String(), "2 verified, 1 mismatch, 0 unverifiable") {
		t.Errorf("report:\n%s", rep.String())
	}
}

// runLiveVerified runs command against the real registries behind the
// proxy with the build's inspect hook, and checks that every component of
// the ecosystem is verified. Opt-in: DEPAUDIT_LIVE=1.
func runLiveVerified(t *testing.T, dir string, extra []string, eco string, command ...string) {
	t.Helper()
	var logBuf, out bytes.Buffer
	environ := append(os.Environ(), extra...)
	res, err := capture.Run(context.Background(), capture.RunConfig{
		Command: command, Dir: dir, Environ: environ, Getenv: os.Getenv,
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Log: &logBuf, Version: "test",
		Inspect: verifyInspect(classify.Default()),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("%v: exit %d\n%s", command, res.ExitCode, out.String())
	}
	l, err := capture.ReadLog(&logBuf)
	if err != nil {
		t.Fatal(err)
	}
	v := newVerificationWith(context.Background(), l, classify.Default(), nil)
	r, err := sbom.Assemble(l, classify.Default(), sbom.Options{Verify: v.sbomHook()})
	if err != nil {
		t.Fatal(err)
	}
	run := &verifyRun{bom: r.BOM, log: l}
	var rep bytes.Buffer
	v.printSummary(&rep)
	run.report = rep.String()
	t.Log(run.report)
	run.allVerified(t, eco)
}

func TestLiveVerifyNPMInstall(t *testing.T) {
	requireLive(t)
	npm := requireClient(t, "npm")
	dir := t.TempDir()
	pkg := `{"name":"live","version":"1.0.0","private":true,"dependencies":{"chalk":"4.1.2","@types/node":"20.0.0","@sindresorhus/is":"4.6.0"}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	runLiveVerified(t, dir, []string{"npm_config_cache=" + filepath.Join(dir, "cache"), "npm_config_update_notifier=false"}, "npm",
		npm, "install", "--no-audit", "--no-fund")
}

func TestLiveVerifyGoModDownload(t *testing.T) {
	requireLive(t)
	goBin := requireClient(t, "go")
	dir := t.TempDir()
	cache := filepath.Join(dir, "modcache")
	runLiveVerified(t, dir, []string{"GOMODCACHE=" + cache, "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local", "GOPROXY=https://proxy.golang.org", "GOSUMDB=sum.golang.org", "GONOSUMDB=", "GOPRIVATE=", "GONOSUMCHECK="}, "golang",
		goBin, "mod", "download", "-json", "golang.org/x/text@v0.34.0", "gopkg.in/yaml.v3@v3.0.1", "github.com/BurntSushi/toml@v1.4.0")
}
