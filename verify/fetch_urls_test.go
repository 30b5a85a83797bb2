package verify

import (
	"slices"
	"testing"
)

// --verify-fetch asks the Go module proxy the module came from for its
// checksum database first, as the go command does, then sum.golang.org.
func TestMetadataURLsGoProxyFirst(t *testing.T) {
	for _, tc := range []struct {
		purl, artifact string
		want           []string
	}{
		{"pkg:golang/github.com/BurntSushi/toml@v1.6.0", "https://proxy.golang.org/github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip", []string{
			"https://proxy.golang.org/sumdb/sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.6.0",
			"https://sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.6.0"}},
		{"pkg:golang/golang.org/x/text@v0.34.0", "https://artifactory.corp.example/api/go/go/golang.org/x/text/@v/v0.34.0.zip", []string{
			"https://artifactory.corp.example/api/go/go/sumdb/sum.golang.org/lookup/golang.org/x/text@v0.34.0",
			"https://sum.golang.org/lookup/golang.org/x/text@v0.34.0"}},
		{"pkg:golang/golang.org/x/text@v0.34.0", "", []string{"https://sum.golang.org/lookup/golang.org/x/text@v0.34.0"}},
		{"pkg:npm/left-pad@1.3.0", "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", []string{"https://registry.npmjs.org/left-pad"}},
	} {
		got, _ := metadataURLs(tc.purl, tc.artifact)
		if !slices.Equal(got, tc.want) {
			t.Errorf("metadataURLs(%s, %s) =\n%q\nwant\n%q", tc.purl, tc.artifact, got, tc.want)
		}
	}
}

func TestMetadataURLsMoreRegistries(t *testing.T) {
	for _, tc := range []struct{ purl, artifact, want string }{
		{"pkg:gem/rake@13.1.0", "https://rubygems.org/gems/rake-13.1.0.gem", "https://index.rubygems.org/info/rake"},
		{"pkg:nuget/Newtonsoft.Json@13.0.3", "", "https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/13.0.3.json"},
		{"pkg:conda/numpy@1.26.4?channel=conda-forge", "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312_0.conda",
			"https://conda.anaconda.org/conda-forge/linux-64/repodata.json"},
		{"pkg:pub/http@1.2.0", "", "https://pub.dev/api/packages/http"},
		{"pkg:hex/acme/lib@1.0.0", "", "https://repo.hex.pm/repos/acme/packages/lib"},
		{"pkg:cran/jsonlite@1.8.8", "https://cloud.r-project.org/src/contrib/jsonlite_1.8.8.tar.gz", "https://cloud.r-project.org/src/contrib/PACKAGES.gz"},
		{"pkg:cran/jsonlite@1.8.7", "https://cloud.r-project.org/src/contrib/Archive/jsonlite/jsonlite_1.8.7.tar.gz", ""},
		// The CDN shards podspecs by the first three hex digits of md5(name).
		{"pkg:cocoapods/Alamofire@5.9.0", "", "https://cdn.cocoapods.org/Specs/d/a/2/Alamofire/5.9.0/Alamofire.podspec.json"},
	} {
		got, _ := metadataURL(tc.purl, tc.artifact)
		if got != tc.want {
			t.Errorf("metadataURL(%s) = %q, want %q", tc.purl, got, tc.want)
		}
	}
}
