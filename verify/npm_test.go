package verify

import (
	"fmt"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// packument is a full npm packument in the registry's shape: a readme,
// the time map, users, and two versions with many fields around dist.
func packument(t *testing.T) (doc []byte, want []capture.Digest) {
	t.Helper()
	tgz1, tgz2 := []byte("tarball one"), []byte("tarball two")
	_, s512a, s1a, srIa := sums(tgz1)
	_, s512b, s1b, sriB := sums(tgz2)
	doc = fmt.Appendf(nil, `{"_id":"@babel/core","_rev":"12-abc","name":"@babel/core",
"dist-tags":{"latest":"7.23.0","next":"8.0.0-alpha.1"},
"readme":"# core\n\n{\"not\":\"versions\"} \"dist\": {}",
"versions":{
 "7.23.0":{"name":"@babel/core","version":"7.23.0","dependencies":{"a":"^1"},"scripts":{"test":"x"},
   "dist":{"integrity":%q,"shasum":%q,"tarball":"https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz","fileCount":3,
   "signatures":[{"keyid":"SHA256:x","sig":"MEUC"}]},"_npmUser":{"name":"n"},"directories":{}},
 "8.0.0-alpha.1":{"name":"@babel/core","version":"8.0.0-alpha.1",
   "dist":{"integrity":%q,"shasum":%q,"tarball":"/@babel/core/-/core-8.0.0-alpha.1.tgz"}}
},
"time":{"created":"2020-01-01T00:00:00.000Z","7.23.0":"2023-09-25T00:00:00.000Z"},
"users":{"someone":true},"maintainers":[{"name":"n"}],"license":"MIT"}`, srIa, s1a, sriB, s1b)
	u1 := "https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz"
	u2 := "https://registry.npmjs.org/@babel/core/-/core-8.0.0-alpha.1.tgz"
	want = []capture.Digest{
		{Subject: u1, Algorithm: "sha512", Value: s512a, Source: "published"},
		{Subject: u1, Algorithm: "sha1", Value: s1a, Source: "published"},
		{Subject: u2, Algorithm: "sha512", Value: s512b, Source: "published"},
		{Subject: u2, Algorithm: "sha1", Value: s1b, Source: "published"},
	}
	return doc, want
}

func TestNPMPackument(t *testing.T) {
	doc, want := packument(t)
	got := inspect(t, "https://registry.npmjs.org/@babel%2fcore", "application/json", "", doc)
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	// The same document gzip-encoded, as the registry serves it.
	got = inspect(t, "https://registry.npmjs.org/@babel%2fcore", "application/vnd.npm.install-v1+json", "gzip", gzipped(t, doc))
	if digestSet(got) != digestSet(want) {
		t.Errorf("gzip: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestNPMVersionDocument(t *testing.T) {
	_, s512, s1, sri := sums([]byte("x"))
	doc := fmt.Appendf(nil, `{"name":"wrappy","version":"1.0.2","dist":{"shasum":%q,"integrity":%q}}`, s1, sri)
	got := inspect(t, "https://registry.npmjs.org/wrappy/1.0.2", "application/json", "", doc)
	// No tarball URL: the subject is the version's purl.
	want := []capture.Digest{
		{Subject: "pkg:npm/wrappy@1.0.2", Algorithm: "sha512", Value: s512, Source: "published"},
		{Subject: "pkg:npm/wrappy@1.0.2", Algorithm: "sha1", Value: s1, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestNPMOldVersionShasumOnly(t *testing.T) {
	_, _, s1, _ := sums([]byte("old"))
	doc := fmt.Appendf(nil, `{"name":"old","versions":{"0.0.1":{"dist":{"shasum":%q,"tarball":"https://registry.npmjs.org/old/-/old-0.0.1.tgz"}}}}`, s1)
	got := inspect(t, "https://registry.npmjs.org/old", "application/json", "", doc)
	if len(got) != 1 || got[0].Algorithm != AlgSHA1 || got[0].Value != s1 {
		t.Errorf("got %v", got)
	}
}

func TestNPMTruncatedKeepsWholeVersions(t *testing.T) {
	doc, want := packument(t)
	cut := doc[:len(doc)-150] // inside "time", after both versions
	x := &capture.Exchange{Method: "GET", URL: "https://registry.npmjs.org/@babel%2fcore", Status: 200, ContentType: "application/json"}
	in := NewInspectFunc(defaultClassifier(), Options{})(x)
	in.Write(cut)
	got := in.Finish(false)
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}
