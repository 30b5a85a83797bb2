package verify

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// sumDBTransport answers checksum database lookups at sum.golang.org with
// body and everything else (the module proxy's own endpoint) with 404.
type sumDBTransport struct {
	body  []byte
	asked []string
}

func (s *sumDBTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.asked = append(s.asked, r.URL.String())
	status, body := http.StatusNotFound, ""
	if r.URL.Host == "sum.golang.org" {
		status, body = http.StatusOK, string(s.body)
	}
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)),
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Request: r}, nil
}

// TestFetchGoModWithoutZip: a build with a filled go.sum fetches go.mod
// files of modules whose zip it never needs and asks no checksum
// database; the fetch after the build looks each up (the module proxy
// first) so that its "/go.mod" line vouches for the go.mod, as a lookup
// the build made would have. A private module is not looked up.
func TestFetchGoModWithoutZip(t *testing.T) {
	modURL := "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.mod"
	lookup := readTestdata(t, "goleak@v1.3.0.lookup")
	mod := readTestdata(t, "v1.3.0.mod")
	for _, c := range []struct {
		name    string
		body    []byte
		private string
		want    Status
		asked   int
	}{
		{"clean", mod, "", StatusVerified, 2},
		{"tampered", append(append([]byte{}, mod...), "\nrequire evil.example/x v1.0.0\n"...), "", StatusMismatch, 2},
		{"private", mod, "go.uber.org", "", 0},
	} {
		computed := inspect(t, modURL, "text/plain; charset=utf-8", "", c.body)
		l := logOf(artifactExchange(modURL, c.body, computed...))
		e := collect(l, defaultClassifier())
		if meta := e.Metadata(); len(meta) != 0 {
			t.Fatalf("%s: before the fetch: %+v", c.name, meta)
		}
		tr := &sumDBTransport{body: lookup}
		env := map[string]string{"GOPRIVATE": c.private}
		res := e.Fetch(context.Background(), &http.Client{Transport: tr}, FetchOptions{Getenv: func(k string) string { return env[k] }})
		if len(tr.asked) != c.asked || res.End.Requests != c.asked || res.End.Failed != 0 {
			t.Errorf("%s: asked %q (%d requests, %d failed), want %d requests", c.name, tr.asked, res.End.Requests, res.End.Failed, c.asked)
		}
		if c.asked > 0 && (len(tr.asked) == 0 || tr.asked[0] != "https://proxy.golang.org/sumdb/sum.golang.org/lookup/go.uber.org/goleak@v1.3.0") {
			t.Errorf("%s: asked %q, the module proxy first", c.name, tr.asked)
		}
		meta := e.Metadata()
		if c.want == "" {
			if len(meta) != 0 {
				t.Errorf("%s: %+v", c.name, meta)
			}
			continue
		}
		if len(meta) != 1 || meta[0].Status != c.want || meta[0].PURL != "go.uber.org/goleak@v1.3.0/go.mod" {
			t.Errorf("%s: want %s: %+v", c.name, c.want, meta)
		}
		// The capture log's records give the same verdicts.
		again := collect(l, defaultClassifier())
		again.Replay(res.Records, res.End)
		if got := again.Metadata(); len(got) != 1 || got[0].Status != c.want {
			t.Errorf("%s: replayed: %+v", c.name, got)
		}
	}
}

// A go.mod whose lookup fails is named in the fetch's failures.
func TestFetchGoModWithoutZipFails(t *testing.T) {
	modURL := "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.mod"
	mod := readTestdata(t, "v1.3.0.mod")
	l := logOf(artifactExchange(modURL, mod, inspect(t, modURL, "text/plain; charset=utf-8", "", mod)...))
	tr := &failingTransport{}
	res := collect(l, defaultClassifier()).Fetch(context.Background(), &http.Client{Transport: tr}, FetchOptions{})
	want := []capture.Withheld{{PURL: "go.uber.org/goleak@v1.3.0/go.mod"}}
	if res.End.Failed != 1 || len(res.End.Withheld) != 1 || res.End.Withheld[0].PURL != want[0].PURL ||
		!strings.HasPrefix(res.End.Withheld[0].Reason, "fetch failed: ") || res.Errors() == nil {
		t.Errorf("fetch end %+v, errors %v", res.End, res.Errors())
	}
}
