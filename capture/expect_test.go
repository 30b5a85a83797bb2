package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestExpectCutsMismatchingBody: a body whose digest differs from the one
// expected never reaches the client whole, over HTTPS or plain HTTP, small
// (held whole) or large; one that matches reaches it unchanged.
func TestExpectCutsMismatchingBody(t *testing.T) {
	bodies := map[string][]byte{
		"/small": []byte("a small tarball"),
		"/large": bytes.Repeat([]byte("0123456789abcdef"), 40000), // 640 KB
	}
	served := func(path string) []byte { return bodies[strings.TrimSuffix(strings.TrimSuffix(path, "-bad"), "-good")] }
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(served(r.URL.Path)) })
	expect := func(x *Exchange) []Digest {
		sum := sha256.Sum256(served(strings.TrimPrefix(x.URL[strings.Index(x.URL, "//")+2:], x.Host)))
		v := hex.EncodeToString(sum[:])
		if strings.HasSuffix(x.URL, "-bad") {
			v = strings.Repeat("0", 64)
		}
		return []Digest{{Algorithm: "sha256", Value: v, Source: "published"}}
	}
	for _, plain := range []bool{false, true} {
		tp := newTestProxy(t, handler, plain, func(c *ProxyConfig) { c.Expect = expect })
		scheme := "https://"
		if plain {
			scheme = "http://"
		}
		c := tp.client(t, false)
		for _, path := range []string{"/small", "/large"} {
			for _, variant := range []string{"-good", "-bad"} {
				u := scheme + "registry.example.com" + path + variant
				resp, err := c.Get(u)
				var got []byte
				if err == nil {
					got, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				want := bodies[path]
				if variant == "-good" {
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("%s: %d bytes, %v; want the body whole", u, len(got), err)
					}
					continue
				}
				if err == nil || len(got) >= len(want) {
					t.Errorf("%s: got %d of %d bytes, err %v: the mismatching body reached the client whole", u, len(got), len(want), err)
				}
			}
		}
		xs := tp.rec.waitFor(t, 4)
		for _, x := range xs {
			bad := strings.HasSuffix(x.URL, "-bad")
			switch {
			case bad && (x.Complete || !strings.Contains(x.Error, "digest mismatch") || !strings.Contains(x.Error, "cut the transfer")):
				t.Errorf("%s recorded complete=%v %q, want the cut", x.URL, x.Complete, x.Error)
			case !bad && (!x.Complete || x.Error != ""):
				t.Errorf("%s recorded complete=%v %q", x.URL, x.Complete, x.Error)
			}
		}
	}
}
