package capture

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestHashesChosenPerRequest checks that the Hashes hook decides, per
// request, which digests beyond SHA-256 a body gets, for small bodies
// (hashed inline), large ones (hashed in the background) and empty ones.
func TestHashesChosenPerRequest(t *testing.T) {
	small := []byte("a small body")
	large := bytes.Repeat([]byte("depaudit-"), 50000)
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "empty"):
		case strings.Contains(r.URL.Path, "large"):
			w.Write(large)
		default:
			w.Write(small)
		}
	}), false, func(c *ProxyConfig) {
		c.Hashes = func(x *Exchange) Hashes {
			switch {
			case strings.HasSuffix(x.URL, "/all"):
				return AllHashes
			case strings.HasSuffix(x.URL, "/sha512"):
				return HashSHA512
			case strings.HasSuffix(x.URL, "/sha1"):
				return HashSHA1
			case strings.HasSuffix(x.URL, "/panic"):
				panic("a broken hook")
			}
			return 0
		}
	})
	cl := tp.client(t, false)
	cases := []struct {
		path         string
		body         []byte
		sha512, sha1 bool
	}{
		{"/small/none", small, false, false},
		{"/small/all", small, true, true},
		{"/large/none", large, false, false},
		{"/large/sha512", large, true, false},
		{"/large/sha1", large, false, true},
		{"/large/all", large, true, true},
		{"/empty/none", nil, false, false},
		{"/empty/sha1", nil, false, true},
		{"/small/panic", small, true, true},
	}
	for i, c := range cases {
		resp, err := cl.Get("https://example.com" + c.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		x := tp.rec.waitFor(t, i+1)[i]
		if x.SHA256 != sha256hex(c.body) {
			t.Errorf("%s: sha256 %q, want %q", c.path, x.SHA256, sha256hex(c.body))
		}
		s512, s1 := sha512.Sum512(c.body), sha1.Sum(c.body)
		want512, want1 := "", ""
		if c.sha512 {
			want512 = hex.EncodeToString(s512[:])
		}
		if c.sha1 {
			want1 = hex.EncodeToString(s1[:])
		}
		if x.SHA512 != want512 || x.SHA1 != want1 {
			t.Errorf("%s: sha512 %q sha1 %q, want %q %q", c.path, x.SHA512, x.SHA1, want512, want1)
		}
	}
}

// TestHasherSubsets checks NewHasher's digests against the standard
// library's for every subset, across the inline limit.
func TestHasherSubsets(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*inlineLimit/16+7)
	for _, hs := range []Hashes{0, HashSHA512, HashSHA1, AllHashes} {
		for _, n := range []int{0, 1, inlineLimit, len(data)} {
			h := NewHasher(hs)
			for p := data[:n]; len(p) > 0; {
				k := min(len(p), 1000)
				h.Write(p[:k])
				p = p[k:]
			}
			got := h.Sum()
			want := NewMultiHasher()
			want.Write(data[:n])
			if w := want.Sum().only(hs); got != w {
				t.Errorf("hashes %b, %d bytes: %+v, want %+v", hs, n, got, w)
			}
			if got.SHA256 != sha256hex(data[:n]) {
				t.Errorf("hashes %b, %d bytes: sha256 %s", hs, n, got.SHA256)
			}
		}
	}
}
