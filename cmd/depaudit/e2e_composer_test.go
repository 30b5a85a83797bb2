package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// composerProject makes e.dir a PHP project that requires
// fixture/composer-lib (which requires fixture/composer-dep), with
// Composer's home and cache under HOME.
func (e *e2eRun) composerProject() {
	e.env["COMPOSER_HOME"] = filepath.Join(e.home, "composer")
	e.env["COMPOSER_CACHE_DIR"] = filepath.Join(e.home, "composer-cache")
	e.env["COMPOSER_ALLOW_SUPERUSER"] = "1"
	e.env["COMPOSER_NO_INTERACTION"] = "1"
	e.env["COMPOSER_DISABLE_XDEBUG_WARN"] = "1"
	e.writeFile("composer.json", `{"name":"depaudit/e2e-app","require":{"fixture/composer-lib":"^1.0"},"config":{"notify-on-install":false}}`+"\n")
}

// composerDists are the dist URLs composer install downloads: the GitHub
// zipball of composer-lib (which redirects to codeload) and the plain zip
// of composer-dep.
func composerDists() []string {
	return []string{
		fakeregistry.ComposerDistURL("composer-lib", "1.0.0"),
		fakeregistry.ComposerDistURL("composer-dep", "0.2.0"),
	}
}

// composerInstall is the command line of composer install in e.dir.
func (e *e2eRun) composerInstall(composer string) []string {
	return []string{composer, "install", "--no-interaction", "--no-progress", "--working-dir", e.dir}
}

// TestE2EComposer runs composer install: Packagist's p2 metadata names the
// dist zips, which live on GitHub and another host; each becomes its
// Composer package because the metadata the build fetched declared it.
func TestE2EComposer(t *testing.T) {
	t.Parallel()
	composer := requireClient(t, "composer")
	e := newE2E(t, fakeregistry.Options{})
	e.composerProject()
	res := e.build(e.composerInstall(composer)...)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, composerDists()[1],
		"https://codeload.github.com/Fixture-Org/composer-lib/legacy.zip/1111111111111111111111111111111111111111")
	checkSBOM(t, e.reg, res, sbomWant{artifacts: composerDists()})
	if _, err := os.Stat(filepath.Join(e.dir, "vendor", "fixture", "composer-dep", "src", "composer-dep.php")); err != nil {
		t.Errorf("composer did not install composer-dep: %v\n%s", err, res.stderr)
	}
}

// composer-dep's dist has a shasum in the metadata and is verified by it;
// composer-lib's GitHub zip has none (as on Packagist) and stays
// unverifiable. A composer-dep zip that differs is a mismatch, and
// composer refuses it.
func TestE2EVerifyComposer(t *testing.T) {
	t.Parallel()
	composer := requireClient(t, "composer")
	e := newE2E(t, fakeregistry.Options{})
	e.composerProject()
	install := func(tam *fakeregistry.Tamperer, cache string) *verifyResult {
		e.env["COMPOSER_CACHE_DIR"] = filepath.Join(e.home, cache)
		os.RemoveAll(filepath.Join(e.dir, "vendor"))
		os.Remove(filepath.Join(e.dir, "composer.lock"))
		return verifyBuild(e, tam, nil, e.composerInstall(composer)...)
	}
	good := install(newTamperer(t, e), "cache-good")
	good.mustSucceed(t)
	const dep, lib = "pkg:composer/fixture/composer-dep@0.2.0", "pkg:composer/fixture/composer-lib@1.0.0"
	if v := good.verdict(t, dep); v != "verified" {
		t.Errorf("%s: %s", dep, v)
	}
	if src := good.prop(t, dep, "depaudit:verification:source"); len(src) != 1 || src[0] != "Packagist metadata dist shasum" {
		t.Errorf("%s verified by %q", dep, src)
	}
	if v := good.verdict(t, lib); v != "unverifiable" {
		t.Errorf("%s: %s", lib, v)
	}
	if got := good.summary(t); got != (verifyCounts{verified: 1, unverifiable: 1}) {
		t.Errorf("summary %+v", got)
	}

	zip := fakeregistry.ComposerDistURL("composer-dep", "0.2.0")
	bad := install(newTamperer(t, e, zip), "cache-bad")
	bad.mustFail(t, "composer")
	if v := bad.verdict(t, dep); v != "mismatch" {
		t.Fatalf("tampered %s: %s\n%s", dep, v, bad.stderr)
	}
	pairs := bad.mismatchPairs(t, dep)
	orig, _ := e.reg.Manifest().Lookup(zip)
	if len(pairs) != 1 || pairs[0].alg != "sha1" || pairs[0].expected != orig.SHA1 || pairs[0].source != "Packagist metadata dist shasum" {
		t.Errorf("pairs %+v, want the shasum %s", pairs, orig.SHA1)
	}
	if !strings.Contains(bad.stdout+bad.stderr, "checksum verification") {
		t.Errorf("composer did not report the checksum:\n%s\n%s", bad.stdout, bad.stderr)
	}
}
