package verify

import (
	"strings"
	"testing"
)

func TestGoSumDBWithheld(t *testing.T) {
	const lookup = sumDBLookup + "github.com/corp/!private/v2@v2.0.0"
	for _, tc := range []struct {
		env  map[string]string
		want string // "" when sum.golang.org may be asked
	}{
		{nil, ""},
		{map[string]string{"GOPRIVATE": "github.com/corp"}, "GOPRIVATE"},
		{map[string]string{"GOPRIVATE": "*.corp.example,github.com/corp/*"}, "GOPRIVATE"},
		{map[string]string{"GOPRIVATE": "github.com/other"}, ""},
		{map[string]string{"GOPRIVATE": "github.com/corp", "GONOSUMDB": "github.com/other"}, ""},
		{map[string]string{"GONOSUMDB": "github.com/corp/Private"}, "GONOSUMDB"},
		{map[string]string{"GONOSUMCHECK": "1"}, "GONOSUMCHECK"},
		{map[string]string{"GONOSUMCHECK": "0"}, ""},
		{map[string]string{"GOSUMDB": "off"}, "GOSUMDB=off"},
		{map[string]string{"GOSUMDB": "sum.golang.org"}, ""},
		{map[string]string{"GOSUMDB": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://sum.golang.google.cn"}, ""},
		{map[string]string{"GOSUMDB": "sumdb.corp.example+key"}, "sumdb.corp.example"},
		{map[string]string{"GOFLAGS": "-mod=mod -insecure"}, "GOFLAGS=-insecure"},
		{map[string]string{"GOFLAGS": "-insecure=false"}, ""},
	} {
		got := goSumDBWithheld(lookup, func(k string) string { return tc.env[k] })
		if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) || got != "" && !strings.HasPrefix(got, "private module") {
			t.Errorf("%v: %q, want one naming %q", tc.env, got, tc.want)
		}
	}
}

// TestSameService: a package's name goes only to the service the build
// fetched it from, or that service's own metadata host.
func TestSameService(t *testing.T) {
	for _, tc := range []struct {
		meta, artifact string
		want           bool
	}{
		{"https://registry.npmjs.org/a", "https://registry.npmjs.org/a/-/a-1.tgz", true},
		{"https://registry.npmjs.org/a", "https://npm.corp.example/a/-/a-1.tgz", false},
		{"https://registry.npmjs.org/a", "https://registry.yarnpkg.com/a/-/a-1.tgz", true},
		{"https://pypi.org/simple/a/", "https://files.pythonhosted.org/packages/x/a-1.tar.gz", true},
		{"https://pypi.org/simple/a/", "https://pypi.corp.example/packages/a-1.tar.gz", false},
		{"https://index.crates.io/3/a/abc", "https://static.crates.io/crates/abc/abc-1.crate", true},
		{"https://index.crates.io/3/a/abc", "https://cargo.corp.example/abc-1.crate", false},
		{"https://repo.corp.example/m/a.jar.sha1", "https://repo.corp.example/m/a.jar", true},
		{"https://proxy.golang.org/sumdb/sum.golang.org/lookup/x@v1", "https://proxy.golang.org/x/@v/v1.zip", true},
		{"https://registry.npmjs.org/a", "", false},
	} {
		if got := sameService(tc.meta, tc.artifact); got != tc.want {
			t.Errorf("sameService(%s, %s) = %v", tc.meta, tc.artifact, got)
		}
	}
}
