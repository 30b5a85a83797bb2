package main

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// toolchainInstall is what install scripts and CI set-up steps do with
// curl: fetch a toolchain or release binary and the checksum file its
// publisher serves beside it (nvm/setup-node: SHASUMS256.txt; HashiCorp's
// installers: PRODUCT_VERSION_SHA256SUMS; the Gradle wrapper:
// distributionSha256Sum from the .sha256; rustup: the channel manifest;
// a GitHub release with checksums.txt; setup-java: the Adoptium API, then
// its binary endpoint).
func toolchainInstall() []recordedStep {
	return []recordedStep{
		{url: fakeregistry.NodeShasumsURL},
		{url: fakeregistry.NodeTarballURL},
		{url: fakeregistry.TerraformZipURL},
		{url: fakeregistry.TerraformSumsURL},
		{url: fakeregistry.GradleDistURL + ".sha256"},
		{url: fakeregistry.GradleDistURL},
		{url: fakeregistry.RustManifestURL},
		{url: fakeregistry.RustcTarballURL},
		{url: fakeregistry.CLIChecksumsURL},
		{url: fakeregistry.CLIReleaseAssetURL},
		{url: fakeregistry.TemurinAssetsURL},
		{url: fakeregistry.TemurinBinaryURL},
	}
}

// Every toolchain and release binary is a named component verified by the
// checksum its publisher serves; one whose bytes differ is a mismatch.
func TestE2EToolchains(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	var want []string
	for _, u := range []string{fakeregistry.NodeTarballURL, fakeregistry.TerraformZipURL, fakeregistry.GradleDistURL,
		fakeregistry.RustcTarballURL, fakeregistry.CLIReleaseAssetURL, fakeregistry.TemurinReleaseAsset} {
		f, ok := e.reg.Manifest().Lookup(u)
		if !ok {
			t.Fatalf("%s is not a fixture", u)
		}
		want = append(want, f.PURL)
	}
	good := verifyBuild(e, newTamperer(t, e), nil, e.replayCommandFollow(t, "curl/7.88.1", toolchainInstall())...)
	good.checkClean(t, "", want...)
	sources := map[string]string{
		want[0]: "Node.js SHASUMS256.txt sha256",
		want[1]: "HashiCorp SHA256SUMS sha256",
		want[2]: "Gradle .sha256 sha256",
		want[3]: "Rust channel manifest sha256",
		want[4]: "GitHub release cli_2.0.0_checksums.txt sha256",
		want[5]: "Adoptium API checksum",
	}
	for purl, src := range sources {
		if got := good.prop(t, purl, "depaudit:verification:source"); !strings.Contains(strings.Join(got, "|"), src) {
			t.Errorf("%s verified by %q, want %q", purl, got, src)
		}
	}
	if n := len(good.components()); n != len(want) {
		t.Errorf("%d components, want %d", n, len(want))
	}

	bad := verifyBuild(e, newTamperer(t, e, fakeregistry.NodeTarballURL), nil, e.replayCommandFollow(t, "curl/7.88.1", toolchainInstall())...)
	bad.mustSucceed(t) // curl checks nothing
	bad.checkTampered(t, e.reg, fakeregistry.NodeTarballURL, want[0], "Node.js SHASUMS256.txt")
}
