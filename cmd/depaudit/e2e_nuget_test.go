package main

import (
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// nugetUserAgent is what dotnet restore sends (NuGet.Protocol's
// UserAgentStringBuilder).
const nugetUserAgent = "NuGet .NET Core MSBuild Task/6.8.0 (Linux 6.1.0 #1 SMP)"

// nugetRestoreFlow is `dotnet restore` of a project referencing
// Fixture.NuGet 1.0.0: NuGet.Protocol reads the service index, then for
// each id the flat container's version list (HttpFileSystemBasedFindPackageByIdResource)
// and the .nupkg; ids and versions lower-cased in every URL.
func nugetRestoreFlow() []recordedStep {
	flat := fakeregistry.NuGetFlatContainer
	return []recordedStep{
		{url: "https://api.nuget.org/v3/index.json"},
		{url: flat + "fixture.nuget/index.json"},
		{url: fakeregistry.NuGetPackageURL("Fixture.NuGet", "1.0.0")},
		{url: flat + "fixture.dep/index.json"},
		{url: fakeregistry.NuGetPackageURL("Fixture.Dep", "2.0.0-Beta.1")},
	}
}

// nugetAddFlow is `dotnet add package Fixture.NuGet`: before the restore,
// the command looks up the newest version in the registration
// (PackageMetadataResourceV3, registration5-gz-semver2, gzip-encoded),
// which names each .nupkg with the id as published.
func nugetAddFlow() []recordedStep {
	reg := fakeregistry.NuGetRegistration
	flow := []recordedStep{{url: "https://api.nuget.org/v3/index.json"}, {url: reg + "fixture.nuget/index.json"}, {url: reg + "fixture.dep/index.json"}}
	return append(flow, nugetRestoreFlow()[1:]...)
}

// A restore fetches no registration: the .nupkg purls are lower-case and
// unverifiable from the run; the fetch after the build (with
// --no-verify-fetch, none) follows the registration leaf to the catalog
// leaf and verifies them by its packageHash.
func TestE2ENuGetRestoreRecorded(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	tam := newTamperer(t, e)
	res := verifyBuild(e, tam, []string{"--no-verify-fetch"}, e.replayCommand(t, nugetUserAgent, nugetRestoreFlow())...)
	res.mustSucceed(t)
	lib, dep := "pkg:nuget/fixture.nuget@1.0.0", "pkg:nuget/fixture.dep@2.0.0-beta.1"
	for _, p := range []string{lib, dep} {
		if v := res.verdict(t, p); v != "unverifiable" {
			t.Errorf("%s: %s", p, v)
		}
	}
	// By default, depaudit fetches what the build did not.
	res = verifyBuild(e, tam, nil, e.replayCommand(t, nugetUserAgent, nugetRestoreFlow())...)
	res.checkClean(t, "NuGet catalog packageHash (fetched after the build)", lib, dep)
}

// With the registration in the run, the packages get the id's published
// case and are verified by --verify-fetch; a .nupkg that differs from the
// catalog's packageHash is a mismatch. (dotnet itself accepts an unsigned
// package whose bytes changed unless a packages.lock.json pins its
// contentHash: NU1403 in locked mode.)
func TestE2ENuGetAddRecorded(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	lib, dep := "pkg:nuget/Fixture.NuGet@1.0.0", "pkg:nuget/Fixture.Dep@2.0.0-Beta.1"
	good := verifyBuild(e, newTamperer(t, e), []string{"--verify-fetch"}, e.replayCommand(t, nugetUserAgent, nugetAddFlow())...)
	good.checkClean(t, "NuGet catalog packageHash (fetched after the build)", lib, dep)
	if n := good.component(t, lib).Name; n != "Fixture.NuGet" {
		t.Errorf("component name %q", n)
	}

	nupkg := fakeregistry.NuGetPackageURL("Fixture.Dep", "2.0.0-Beta.1")
	bad := verifyBuild(e, newTamperer(t, e, nupkg), []string{"--verify-fetch"}, e.replayCommand(t, nugetUserAgent, nugetAddFlow())...)
	bad.mustSucceed(t) // curl checks nothing
	pairs := bad.checkTampered(t, e.reg, nupkg, dep, "NuGet catalog packageHash")
	if len(pairs) != 1 || pairs[0].alg != "sha512" {
		t.Errorf("want the packageHash (sha512) mismatch alone: %+v", pairs)
	}
}
