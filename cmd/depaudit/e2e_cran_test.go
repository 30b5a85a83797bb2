package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// rInstall is install.packages of the fixture package from the fake CRAN
// into a library under HOME.
func (e *e2eRun) rInstall(t *testing.T, lib string) []string {
	t.Helper()
	rscript := requireClient(t, "Rscript")
	dir := filepath.Join(e.home, lib)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.env["R_LIBS_USER"] = dir
	e.env["R_ENVIRON_USER"] = filepath.Join(e.home, "no-Renviron")
	e.env["R_PROFILE_USER"] = filepath.Join(e.home, "no-Rprofile")
	return []string{rscript, "--vanilla", "-e", `options(timeout = 60); install.packages("fixturepkg", repos = "https://cloud.r-project.org", lib = "` +
		dir + `", method = "libcurl"); if (!requireNamespace("fixturepkg", lib.loc = "` + dir + `", quietly = TRUE)) quit(status = 1)`}
}

// Rscript's install.packages, for real: it reads the repository index
// (PACKAGES.rds, which the fake does not offer, then PACKAGES.gz) and
// downloads the source package, which the index's MD5sum verifies. R does
// not compare the MD5sum itself: it unpacks the altered tarball and fails
// only because the altered R file no longer parses.
func TestE2ERscript(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	const purl = "pkg:cran/fixturepkg@1.0-1"
	good := verifyBuild(e, newTamperer(t, e), nil, e.rInstall(t, "lib-good")...)
	good.checkClean(t, "CRAN PACKAGES MD5sum", purl)
	checkArtifacts(t, e.reg, good.log, fakeregistry.CRANTarballURL)

	bad := verifyBuild(e, newArchiveTamperer(t, e, fakeregistry.CRANTarballURL), nil, e.rInstall(t, "lib-bad")...)
	bad.mustFail(t, "Rscript")
	pairs := bad.checkTampered(t, e.reg, fakeregistry.CRANTarballURL, purl, "CRAN PACKAGES MD5sum")
	if len(pairs) != 1 || pairs[0].alg != "md5" {
		t.Errorf("want the MD5sum mismatch alone: %+v", pairs)
	}
	if out := bad.stdout + bad.stderr; !strings.Contains(out, "unable to collate and parse R files") {
		t.Errorf("R output:\n%s", out)
	}
}
