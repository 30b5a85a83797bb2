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
