package classify

import "testing"

func TestComposer(t *testing.T) {
	const (
		M, API   = KindMetadata, KindAPI
		composer = EcosystemComposer
	)
	runRows(t, []row{
		get("https://repo.packagist.org/packages.json", M, composer, ""),
		get("https://repo.packagist.org/p2/monolog/monolog.json", M, composer, "pkg:composer/monolog/monolog"),
		get("https://repo.packagist.org/p2/monolog/monolog~dev.json", M, composer, "pkg:composer/monolog/monolog"),
		get("https://repo.packagist.org/p2/symfony/polyfill-php80.json", M, composer, "pkg:composer/symfony/polyfill-php80"),
		get("https://repo.packagist.org/p/monolog/monolog$0123abcd.json", M, composer, "pkg:composer/monolog/monolog"),
		get("https://repo.packagist.org/p/provider-2024$0123.json", M, composer, ""),
		get("https://repo.packagist.org/p2/Bad/Name.json", M, composer, ""),
		{method: "POST", url: "https://packagist.org/downloads/", kind: API, eco: composer},
		get("https://packagist.org/search.json?q=monolog", API, composer, ""),
		get("https://packagist.org/packages/monolog/monolog", API, composer, ""),
		// The dists are elsewhere: GitHub's zipball is a GitHub archive
		// until the run's metadata declares it (verify.Attribute).
		get("https://api.github.com/repos/Seldaek/monolog/zipball/c915e2634718dbc8a4a15c61b0e62e7a44e14448", KindArtifact, EcosystemGitHub,
			"pkg:github/seldaek/monolog@c915e2634718dbc8a4a15c61b0e62e7a44e14448?download_url=https:%2F%2Fapi.github.com%2Frepos%2FSeldaek%2Fmonolog%2Fzipball%2Fc915e2634718dbc8a4a15c61b0e62e7a44e14448"),
		none("https://repo.packagist.org.evil.example/p2/monolog/monolog.json"),
	})
}

func TestNewComposer(t *testing.T) {
	c, err := NewComposer("https://satis.corp.example/php")
	if err != nil {
		t.Fatal(err)
	}
	f := NewSet(c).Classify(Request{URL: "https://satis.corp.example/php/p2/acme/tool.json"})
	if f.Kind != KindMetadata || f.PURL != "pkg:composer/acme/tool?repository_url=https:%2F%2Fsatis.corp.example%2Fphp" {
		t.Errorf("%+v", f)
	}
	if _, err := NewComposer("satis"); err == nil {
		t.Error("NewComposer accepted a base without scheme")
	}
	if got := ComposerRef("Monolog", "Monolog", "3.5.0"); got != "pkg:composer/monolog/monolog@3.5.0" {
		t.Errorf("ComposerRef = %s", got)
	}
}
