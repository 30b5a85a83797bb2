package verify

import (
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func TestHuggingFaceHeaders(t *testing.T) {
	const (
		resolve = "https://huggingface.co/org/model/resolve/main/model.safetensors"
		cdn     = "https://cdn-lfs.hf.co/repos/aa/bb/0123"
		commit  = "0123456789abcdef0123456789abcdef01234567"
	)
	body := []byte("weights")
	s256, _, _, _ := sums(body)
	fn := NewInspectFunc(defaultClassifier(), Options{})
	head := &capture.Exchange{Method: "HEAD", URL: resolve, Status: 302, Location: cdn,
		Headers: map[string]string{"X-Linked-Etag": `"` + s256 + `"`, "X-Repo-Commit": commit, "Etag": `W/"abc"`}}
	in := fn(head)
	if in == nil {
		t.Fatal("no inspector for a hub redirect")
	}
	ds := in.Finish(true)
	purl := "pkg:huggingface/org/model@" + commit + "#model.safetensors"
	want := []capture.Digest{
		{Subject: resolve, Algorithm: "sha256", Value: s256, Source: "published"},
		{Subject: resolve, Algorithm: "purl", Value: purl, Source: "declared"},
	}
	if digestSet(ds) != digestSet(want) {
		t.Fatalf("got\n%s\nwant\n%s", digestSet(ds), digestSet(want))
	}
	l := logOf(capture.Exchange{Method: "HEAD", URL: resolve, Status: 302, Location: cdn, Digests: ds}, artifactExchange(cdn, body))
	a := Attribute(l, defaultClassifier())
	if f := a.Classify(classify.Request{URL: cdn}); f.PURL != purl {
		t.Fatalf("CDN file: %+v", f)
	}
	if v := collect(l, a).Check(purl, s256); v.Status != StatusVerified {
		t.Errorf("%+v", v)
	}
	// A weak ETag or a git blob id is not a SHA-256.
	if got := huggingFaceFacts(plan{}, resolve, 200, map[string]string{"Etag": `W/"0123"`}); len(got) != 0 {
		t.Errorf("%+v", got)
	}
}
