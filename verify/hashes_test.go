package verify

import (
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// TestHooksChooseDigestsByEcosystem checks the digests the build hook asks
// for: SHA-512 and SHA-1 where the ecosystem publishes them, SHA-256 alone
// elsewhere, the origin's choice for a CDN URL a registry redirected to,
// and the extra digests (from the rules) on every body.
func TestHooksChooseDigestsByEcosystem(t *testing.T) {
	inspect, hashes := NewHooks(defaultClassifier(), Options{}, 0)
	const (
		assetURL = "https://github.com/example/cli/releases/download/v2.0.0/cli_linux_amd64.tar.gz"
		assetCDN = "https://objects.githubusercontent.com/github-production-release-asset-2e65be/1/9a1e"
	)
	get := func(u string) *capture.Exchange { return &capture.Exchange{Method: "GET", URL: u, Status: 200} }
	cases := []struct {
		url  string
		want capture.Hashes
	}{
		{"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", capture.AllHashes},
		{"https://repo.maven.apache.org/maven2/junit/junit/4.13.2/junit-4.13.2.jar", capture.AllHashes},
		{"https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg", capture.HashSHA512},
		{"https://files.pythonhosted.org/packages/ab/cd/requests-2.31.0-py3-none-any.whl", capture.AllHashes},
		{"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.zip", 0},
		{"https://static.crates.io/crates/serde/serde-1.0.0.crate", 0},
		{"https://rubygems.org/gems/rake-13.0.6.gem", 0},
		{"https://example.com/tools/tool-1.2.tar.gz", capture.AllHashes},
		{"https://example.com/some/page", 0},
		{"https://repo.maven.apache.org/maven2/junit/junit/4.13.2/junit-4.13.2.pom", capture.AllHashes},
		{"https://proxy.golang.org/golang.org/x/text/@v/list", 0},
		{assetCDN, 0},
	}
	for _, c := range cases {
		if got := hashes(get(c.url)); got != c.want {
			t.Errorf("%s: hashes %b, want %b", c.url, got, c.want)
		}
	}
	// Once github.com redirected there, the CDN body is a release asset.
	inspect(&capture.Exchange{Method: "GET", URL: assetURL, Status: 302, Location: assetCDN})
	if got := hashes(get(assetCDN)); got != capture.AllHashes {
		t.Errorf("redirected release asset: hashes %b, want all", got)
	}
	_, extra := NewHooks(defaultClassifier(), Options{}, capture.HashSHA512)
	if got := extra(get("https://example.com/some/page")); got != capture.HashSHA512 {
		t.Errorf("rules' extra digests: hashes %b", got)
	}
}
