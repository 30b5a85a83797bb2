package classify

import "testing"

func TestNuGet(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		nuget     = EcosystemNuGet
	)
	runRows(t, []row{
		get("https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg", A, nuget, "pkg:nuget/newtonsoft.json@13.0.3"),
		get("https://api.nuget.org/v3-flatcontainer/fixture.dep/2.0.0-beta.1/fixture.dep.2.0.0-beta.1.nupkg", A, nuget, "pkg:nuget/fixture.dep@2.0.0-beta.1"),
		{url: "https://www.nuget.org/api/v2/package/Newtonsoft.Json/13.0.3", status: 302,
			location: "https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg", kind: A, eco: nuget,
			purl: "pkg:nuget/Newtonsoft.Json@13.0.3"},
		get("https://api.nuget.org/v3/index.json", M, nuget, ""),
		get("https://api.nuget.org/v3-flatcontainer/newtonsoft.json/index.json", M, nuget, "pkg:nuget/newtonsoft.json"),
		get("https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.nuspec", M, nuget, "pkg:nuget/newtonsoft.json@13.0.3"),
		get("https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/index.json", M, nuget, "pkg:nuget/newtonsoft.json"),
		get("https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/page/1.0.0/13.0.3.json", M, nuget, "pkg:nuget/newtonsoft.json"),
		get("https://api.nuget.org/v3/registration5-semver1/newtonsoft.json/13.0.3.json", M, nuget, "pkg:nuget/newtonsoft.json@13.0.3"),
		get("https://api.nuget.org/v3/catalog0/index.json", M, nuget, ""),
		get("https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json", M, nuget, ""),
		get("https://api.nuget.org/v3-vulnerabilities/index.json", M, nuget, ""),
		get("https://api.nuget.org/v3/something", API, nuget, ""),
		{method: "PUT", url: "https://www.nuget.org/api/v2/package", kind: API, eco: nuget},
		// Mismatched file names are not the package.
		get("https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/other.13.0.3.nupkg", A, EcosystemGeneric,
			"pkg:generic/other.13.0.3.nupkg?download_url=https:%2F%2Fapi.nuget.org%2Fv3-flatcontainer%2Fnewtonsoft.json%2F13.0.3%2Fother.13.0.3.nupkg"),
		none("https://api.nuget.org.evil.example/v3/index.json"),
	})
}

func TestNewNuGet(t *testing.T) {
	c, err := NewNuGet("https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/")
	if err != nil {
		t.Fatal(err)
	}
	const repo = "?repository_url=https:%2F%2Fpkgs.dev.azure.com%2Forg%2F_packaging%2Ffeed%2Fnuget%2Fv3"
	set := NewSet(c)
	for url, want := range map[string]Finding{
		"https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/flat2/acme.lib/1.0.0/acme.lib.1.0.0.nupkg": {Kind: KindArtifact, PURL: "pkg:nuget/acme.lib@1.0.0" + repo},
		"https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/index.json":                                {Kind: KindMetadata},
		"https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/flat2/acme.lib/index.json":                 {Kind: KindMetadata, PURL: "pkg:nuget/acme.lib" + repo},
		"https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/registrations2/acme.lib/1.0.0.json":        {Kind: KindMetadata, PURL: "pkg:nuget/acme.lib@1.0.0" + repo},
	} {
		f := set.Classify(Request{URL: url})
		if f.Kind != want.Kind || f.PURL != want.PURL {
			t.Errorf("%s: %s %s, want %s %s", url, f.Kind, f.PURL, want.Kind, want.PURL)
		}
	}
}
