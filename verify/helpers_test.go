package verify

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// inspect streams body through the inspector NewInspectFunc picks for a
// 200 response to rawURL, in small chunks as the proxy would, and returns
// the digests it records. It fails when no inspector is chosen.
func inspect(t *testing.T, rawURL, contentType, encoding string, body []byte) []capture.Digest {
	t.Helper()
	x := &capture.Exchange{Method: "GET", URL: rawURL, Status: 200, ContentType: contentType, ContentEncoding: encoding, ContentLength: int64(len(body))}
	in := NewInspectFunc(classify.Default(), Options{TempDir: t.TempDir()})(x)
	if in == nil {
		t.Fatalf("no inspector for %s (%s)", rawURL, contentType)
	}
	for rest := body; len(rest) > 0; {
		n := min(len(rest), 7)
		if _, err := in.Write(rest[:n]); err != nil {
			t.Fatalf("inspector write: %v", err)
		}
		rest = rest[n:]
	}
	return in.Finish(true)
}

// digestSet prints digests one per line, sorted, for comparison.
func digestSet(ds []capture.Digest) string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Subject + " " + d.Algorithm + " " + d.Value + " " + d.Source
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func sums(b []byte) (s256, s512, s1, sri string) {
	a := sha256.Sum256(b)
	c := sha512.Sum512(b)
	d := sha1.Sum(b)
	return hex.EncodeToString(a[:]), hex.EncodeToString(c[:]), hex.EncodeToString(d[:]), "sha512-" + base64.StdEncoding.EncodeToString(c[:])
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func defaultClassifier() Classifier { return classify.Default() }

// classifyReq is a GET of rawURL.
func classifyReq(rawURL string) classify.Request { return classify.Request{URL: rawURL} }
