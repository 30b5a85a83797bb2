package capture

import (
	"net/http"
	"strings"
	"testing"
)

func TestDigestHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-Linked-Etag", ` "abc" `)
	h.Set("X-Repo-Commit", "0123")
	h.Set("Set-Cookie", "session=secret")
	h.Set("Authorization", "Bearer secret")
	h.Set("Docker-Content-Digest", "sha256:00") // kept in Exchange.ContentDigest
	h.Set("Repr-Digest", "sha-256=:AA=:")
	h.Set("Etag", strings.Repeat("x", maxHeaderValue+1))
	got := digestHeaders(h)
	want := map[string]string{"X-Linked-Etag": `"abc"`, "X-Repo-Commit": "0123", "Repr-Digest": "sha-256=:AA=:"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if digestHeaders(http.Header{"Content-Type": {"text/plain"}}) != nil {
		t.Error("headers kept from a response without digest headers")
	}
}
