package verify

import (
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func TestOCIManifest(t *testing.T) {
	const (
		a = "1111111111111111111111111111111111111111111111111111111111111111"
		b = "2222222222222222222222222222222222222222222222222222222222222222"
		c = "3333333333333333333333333333333333333333333333333333333333333333"
	)
	repo := "https://ghcr.io/v2/owner/tool"
	index := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
		{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + a + `","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
		{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha512:` + a + a + `","size":1},
		{"digest":"sha256:short"}]}`)
	got := inspect(t, repo+"/manifests/v1", "application/vnd.oci.image.index.v1+json", "", index)
	want := []capture.Digest{
		{Subject: repo + "/manifests/sha256:" + a, Algorithm: "sha256", Value: a, Source: "published"},
		{Subject: repo + "/manifests/sha256:" + a, Algorithm: FactOCIParent, Value: repo + "/manifests/v1", Source: "fact"},
		{Subject: repo + "/manifests/sha256:" + a, Algorithm: FactOCIPlatform, Value: "linux/arm64/v8", Source: "fact"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("index: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	manifest := []byte(`{"schemaVersion":2,"config":{"digest":"sha256:` + b + `"},"layers":[{"digest":"sha256:` + c + `"}]}`)
	self := repo + "/manifests/sha256:" + a
	got = inspect(t, self, "application/vnd.oci.image.manifest.v1+json", "", manifest)
	want = []capture.Digest{
		{Subject: repo + "/blobs/sha256:" + b, Algorithm: "sha256", Value: b, Source: "published"},
		{Subject: repo + "/blobs/sha256:" + b, Algorithm: FactOCIParent, Value: self, Source: "fact"},
		{Subject: repo + "/blobs/sha256:" + c, Algorithm: "sha256", Value: c, Source: "published"},
		{Subject: repo + "/blobs/sha256:" + c, Algorithm: FactOCIParent, Value: self, Source: "fact"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("manifest: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func FuzzOCIManifest(f *testing.F) {
	f.Add([]byte(`{"config":{"digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333"},"layers":[{"digest":"sha256:x"}]}`))
	f.Add([]byte(`{"manifests":[{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","platform":{"os":"linux","architecture":"amd64"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFacts(t, bodyOCIManifest, "https://ghcr.io/v2/o/x/manifests/1", "ghcr.io/v2/o/x/", data)
	})
}
