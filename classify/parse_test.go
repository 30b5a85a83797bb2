package classify

import (
	"strings"
	"testing"

	"github.com/package-url/packageurl-go"
)

func TestParsePURLKeepsGoCase(t *testing.T) {
	for _, tc := range []struct{ in, ns, name, version string }{
		{"pkg:golang/github.com/BurntSushi/toml@v1.6.0", "github.com/BurntSushi", "toml", "v1.6.0"},
		{"pkg:golang/github.com/Masterminds/semver/v3@v3.3.1", "github.com/Masterminds/semver", "v3", "v3.3.1"},
		{"pkg:golang/github.com/Azure/Azure-SDK@v1.0.0?type=module#sub", "github.com/Azure", "Azure-SDK", "v1.0.0"},
		{"pkg:golang/golang.org/x/text@v0.34.0", "golang.org/x", "text", "v0.34.0"},
		{"pkg:golang/github.com/foo/bar@v2.0.0%2Bincompatible", "github.com/foo", "bar", "v2.0.0+incompatible"},
		{"pkg:npm/%40babel/core@7.23.0", "@babel", "core", "7.23.0"},
		{"pkg:pypi/django@1.11.1", "", "django", "1.11.1"},
	} {
		p, err := ParsePURL(tc.in)
		if err != nil || p.Namespace != tc.ns || p.Name != tc.name || p.Version != tc.version {
			t.Errorf("ParsePURL(%s) = %q %q %q, %v; want %q %q %q", tc.in, p.Namespace, p.Name, p.Version, err, tc.ns, tc.name, tc.version)
		}
	}
	if _, err := ParsePURL("not a purl"); err == nil {
		t.Error("ParsePURL accepted garbage")
	}
}

func FuzzParsePURL(f *testing.F) {
	f.Add("pkg:golang/github.com/BurntSushi/toml@v1.6.0")
	f.Add("pkg:golang/a/%41b@v1?x=y#z")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePURL(s)
		q, qerr := packageurl.FromString(s)
		if (err == nil) != (qerr == nil) {
			t.Fatalf("ParsePURL and FromString disagree on %q: %v / %v", s, err, qerr)
		}
		if err != nil {
			return
		}
		// Case is the only thing ParsePURL may change from FromString.
		if !strings.EqualFold(p.Namespace, q.Namespace) || !strings.EqualFold(p.Name, q.Name) ||
			p.Version != q.Version || p.Type != q.Type || p.Subpath != q.Subpath || p.Qualifiers.String() != q.Qualifiers.String() {
			t.Errorf("ParsePURL(%q) = %+v, FromString = %+v", s, p, q)
		}
	})
}
