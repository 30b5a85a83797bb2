package verify

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// TestEnforceHooksExpect: once a packument has streamed, the tarballs it
// names are expected to have its digests; an OCI blob its URL's; other
// URLs nothing.
func TestEnforceHooksExpect(t *testing.T) {
	inspect, _, expect := NewEnforceHooks(classify.Default(), Options{TempDir: t.TempDir()}, 0)
	tgz := &capture.Exchange{Method: "GET", URL: "https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz", Status: 200}
	if got := expect(tgz); len(got) != 0 {
		t.Fatalf("before the packument: %v", got)
	}
	doc, _ := packument(t)
	in := inspect(&capture.Exchange{Method: "GET", URL: "https://registry.npmjs.org/@babel%2fcore", Status: 200, ContentType: "application/json"})
	if in == nil {
		t.Fatal("no inspector for the packument")
	}
	in.Write(doc)
	in.Finish(true)
	_, s512, s1, _ := sums([]byte("tarball one"))
	got := digestSet(expect(tgz))
	if !strings.Contains(got, s512) || !strings.Contains(got, s1) {
		t.Errorf("expected for the tarball:\n%s\nwant its sha512 %s and sha1 %s", got, s512, s1)
	}
	blob := "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:" + strings.Repeat("ab", 32)
	if got := expect(&capture.Exchange{URL: blob}); len(got) != 1 || got[0].Value != strings.Repeat("ab", 32) || got[0].Algorithm != AlgSHA256 {
		t.Errorf("OCI blob: %v", got)
	}
	for _, u := range []string{"https://registry-1.docker.io/v2/library/alpine/manifests/3.19", "https://example.com/x.tgz",
		"https://registry-1.docker.io/v2/x/blobs/sha256:zz"} {
		if got := expect(&capture.Exchange{URL: u}); len(got) != 0 {
			t.Errorf("%s: expected %v", u, got)
		}
	}
}
