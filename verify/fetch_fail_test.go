package verify

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// failingTransport refuses every request, as an unreachable registry does.
type failingTransport struct{ asked []string }

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.asked = append(f.asked, r.URL.String())
	return nil, errors.New("dial tcp: connection refused")
}

// TestFetchFailedReason: metadata that cannot be fetched makes each
// artifact it is about unverifiable with the reason "fetch failed: …",
// not "no published digest seen"; versions of one package share one
// request.
func TestFetchFailedReason(t *testing.T) {
	a := artifactExchange("https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz", []byte("a"))
	b := artifactExchange("https://registry.npmjs.org/hello-lib/-/hello-lib-1.3.0.tgz", []byte("b"))
	e := collect(logOf(a, b), defaultClassifier())
	tr := &failingTransport{}
	res := e.Fetch(context.Background(), &http.Client{Transport: tr}, FetchOptions{})
	fetched, err := res.Fetched(), res.Errors()
	if len(fetched) != 0 || err == nil || len(tr.asked) != 1 {
		t.Fatalf("fetched %v, err %v, asked %v", fetched, err, tr.asked)
	}
	for _, v := range e.Artifacts() {
		if v.Status != StatusUnverifiable || !strings.HasPrefix(v.Reason, "fetch failed: ") || !strings.Contains(v.Reason, "connection refused") {
			t.Errorf("%s: %s %q, want unverifiable, fetch failed", v.PURL, v.Status, v.Reason)
		}
	}
}
