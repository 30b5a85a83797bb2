package classify

import "testing"

func TestGem(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		gem       = EcosystemGem
	)
	runRows(t, []row{
		get("https://rubygems.org/gems/rake-13.1.0.gem", A, gem, "pkg:gem/rake@13.1.0"),
		get("https://rubygems.org/gems/nokogiri-1.16.0-x86_64-linux.gem", A, gem, "pkg:gem/nokogiri@1.16.0?platform=x86_64-linux"),
		get("https://rubygems.org/gems/nokogiri-1.16.0.gem", A, gem, "pkg:gem/nokogiri@1.16.0"),
		get("https://rubygems.org/gems/jruby-launcher-1.1.2-java.gem", A, gem, "pkg:gem/jruby-launcher@1.1.2?platform=java"),
		get("https://rubygems.org/gems/ffi-1.16.3-x64-mingw-ucrt.gem", A, gem, "pkg:gem/ffi@1.16.3?platform=x64-mingw-ucrt"),
		get("https://rubygems.org/gems/rails-7.1.0.beta1.gem", A, gem, "pkg:gem/rails@7.1.0.beta1"),
		get("https://rubygems.org/gems/net-http-0.4.1.gem", A, gem, "pkg:gem/net-http@0.4.1"),
		get("https://rubygems.org/gems/aws-sdk-s3-1.142.0.gem", A, gem, "pkg:gem/aws-sdk-s3@1.142.0"),
		get("https://rubygems.org/gems/grpc-1.60.0-universal-darwin.gem", A, gem, "pkg:gem/grpc@1.60.0?platform=universal-darwin"),
		// The compact index and the legacy index are metadata.
		{method: "HEAD", url: "https://index.rubygems.org/versions", kind: M, eco: gem},
		get("https://index.rubygems.org/versions", M, gem, ""),
		get("https://index.rubygems.org/names", M, gem, ""),
		get("https://index.rubygems.org/info/nokogiri", M, gem, "pkg:gem/nokogiri"),
		get("https://rubygems.org/info/rake", M, gem, "pkg:gem/rake"),
		get("https://rubygems.org/specs.4.8.gz", M, gem, ""),
		get("https://rubygems.org/latest_specs.4.8.gz", M, gem, ""),
		get("https://rubygems.org/prerelease_specs.4.8.gz", M, gem, ""),
		get("https://rubygems.org/quick/Marshal.4.8/rake-13.1.0.gemspec.rz", M, gem, "pkg:gem/rake@13.1.0"),
		get("https://rubygems.org/quick/Marshal.4.8/nokogiri-1.16.0-x86_64-linux.gemspec.rz", M, gem,
			"pkg:gem/nokogiri@1.16.0?platform=x86_64-linux"),
		get("https://rubygems.org/api/v1/dependencies?gems=rake", M, gem, ""),
		get("https://rubygems.org/api/v1/versions/rake.json", M, gem, ""),
		get("https://rubygems.org/api/v2/rubygems/rake/versions/13.1.0.json", M, gem, ""),
		// The rest of rubygems.org.
		get("https://rubygems.org/api/v1/search.json?query=rake", API, gem, ""),
		{method: "POST", url: "https://rubygems.org/api/v1/gems", kind: API, eco: gem},
		get("https://rubygems.org/gems/rake", API, gem, ""),
		get("https://rubygems.org/", API, gem, ""),
		// Malformed names fall to the generic classifier or stay the
		// registry's API.
		get("https://rubygems.org/gems/rake.gem", A, EcosystemGeneric, "pkg:generic/rake.gem?download_url=https:%2F%2Frubygems.org%2Fgems%2Frake.gem"),
		get("https://rubygems.org/gems/-1.0.gem", A, EcosystemGeneric, "pkg:generic/-1.0.gem?download_url=https:%2F%2Frubygems.org%2Fgems%2F-1.0.gem"),
		get("https://rubygems.org.evil.example/gems/rake-13.1.0.gem", A, EcosystemGeneric,
			"pkg:generic/rake@13.1.0?download_url=https:%2F%2Frubygems.org.evil.example%2Fgems%2Frake-13.1.0.gem"),
		none("https://rubygems.org.evil.example/info/rake"),
		none("https://rubygems.org:8443/info/rake"),
	})
}

func TestNewGem(t *testing.T) {
	g, err := NewGem("https://gems.example.com/private/")
	if err != nil {
		t.Fatal(err)
	}
	const repo = "repository_url=https:%2F%2Fgems.example.com%2Fprivate"
	set := NewSet(g)
	for url, want := range map[string]Finding{
		"https://gems.example.com/private/gems/acme-2.0.0.gem":              {Kind: KindArtifact, PURL: "pkg:gem/acme@2.0.0?" + repo},
		"https://gems.example.com/private/gems/acme-2.0.0-arm64-darwin.gem": {Kind: KindArtifact, PURL: "pkg:gem/acme@2.0.0?platform=arm64-darwin&" + repo},
		"https://gems.example.com/private/info/acme":                        {Kind: KindMetadata, PURL: "pkg:gem/acme?" + repo},
		"https://gems.example.com/private/versions":                         {Kind: KindMetadata},
		"https://gems.example.com/private/elsewhere":                        {Kind: KindAPI},
		"https://gems.example.com/other/gems/acme-2.0.0.gem":                {Kind: KindUnclassified},
	} {
		f := set.Classify(Request{URL: url})
		if f.Kind != want.Kind || f.PURL != want.PURL {
			t.Errorf("%s: %s %s, want %s %s", url, f.Kind, f.PURL, want.Kind, want.PURL)
		}
	}
	if _, err := NewGem("ftp://gems.example.com/"); err == nil {
		t.Error("NewGem accepted an ftp URL")
	}
}

func TestGemFile(t *testing.T) {
	for _, tc := range []struct {
		file                    string
		name, version, platform string
		ok                      bool
	}{
		{"rake-13.1.0.gem", "rake", "13.1.0", "", true},
		{"nokogiri-1.16.0-aarch64-linux.gem", "nokogiri", "1.16.0", "aarch64-linux", true},
		{"ruby-3d-1.0.gem", "ruby-3d", "1.0", "", true},
		{"rails-7.1.0.rc2.gem", "rails", "7.1.0.rc2", "", true},
		{"rails-7..1.gem", "", "", "", false},
		{"x-1.gem", "x", "1", "", true},
		{"rake-13.1.0", "", "", "", false},
		{"rake.gem", "", "", "", false},
		{"rake-13.1.0-x86_64 linux.gem", "", "", "", false},
		{"rake-1.0-.gem", "", "", "", false},
	} {
		n, v, p, ok := GemFile(tc.file)
		if ok != tc.ok || (ok && (n != tc.name || v != tc.version || p != tc.platform)) {
			t.Errorf("GemFile(%q) = %q %q %q %v, want %q %q %q %v", tc.file, n, v, p, ok, tc.name, tc.version, tc.platform, tc.ok)
		}
	}
}
