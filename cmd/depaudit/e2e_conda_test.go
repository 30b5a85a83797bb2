package main

import (
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// condaUserAgent is what conda 24 with the libmamba solver sends.
const condaUserAgent = "conda/24.1.2 requests/2.31.0 CPython/3.11.7 Linux/6.1.0 debian/12 glibc/2.36 solver/libmamba conda-libmamba-solver/24.1.0 libmambapy/1.5.6"

// condaCreateFlow is `conda create -n x -c conda-forge condafixture`
// (conda.gateways.repodata, conda.core.package_cache_data): the channel's
// repodata.json.zst for the platform's subdir and noarch, then each
// package file of the solution.
func condaCreateFlow() []recordedStep {
	base := "https://" + fakeregistry.HostConda + "/conda-forge/"
	return []recordedStep{
		{url: base + "linux-64/repodata.json.zst", headers: []string{"Accept: application/json"}},
		{url: base + "noarch/repodata.json.zst", headers: []string{"Accept: application/json"}},
		{url: fakeregistry.CondaPackageURL("linux-64", "condafixture-1.0.0-py312h0000000_0.conda")},
		{url: fakeregistry.CondaPackageURL("noarch", "condafixture-dep-0.2.0-pyhd8ed1ab_0.tar.bz2")},
	}
}

// Each package is verified against the sha256 its subdir's repodata
// (zstd-compressed, parsed as it streams) published; a package whose bytes
// differ is a mismatch. conda itself compares the downloaded file with the
// repodata's sha256 too and stops with ChecksumMismatchError.
func TestE2ECondaRecorded(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	const (
		pkg = "pkg:conda/condafixture@1.0.0?build=py312h0000000_0&channel=conda-forge&subdir=linux-64&type=conda"
		dep = "pkg:conda/condafixture-dep@0.2.0?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=tar.bz2"
	)
	good := verifyBuild(e, newTamperer(t, e), nil, e.replayCommand(t, condaUserAgent, condaCreateFlow())...)
	good.checkClean(t, "conda repodata sha256", pkg, dep)
	checkServedWereCaptured(t, e.reg, good.log)

	file := fakeregistry.CondaPackageURL("linux-64", "condafixture-1.0.0-py312h0000000_0.conda")
	bad := verifyBuild(e, newTamperer(t, e, file), nil, e.replayCommand(t, condaUserAgent, condaCreateFlow())...)
	bad.mustSucceed(t)
	pairs := bad.checkTampered(t, e.reg, file, pkg, "conda repodata sha256")
	if len(pairs) != 1 || pairs[0].alg != "sha256" {
		t.Errorf("want the sha256 mismatch alone: %+v", pairs)
	}
}
