package audit_test

import (
	"context"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// TestExpectedMisses: the go command's 404/410 for the version lists of a
// module path's prefixes are expected misses, not failures; a 404 for a
// module zip, and a failed version list, are failures.
func TestExpectedMisses(t *testing.T) {
	l := &capture.Log{Trailer: &capture.Trailer{}}
	for i, c := range []struct {
		url    string
		status int
		err    string
	}{
		{"https://proxy.golang.org/github.com/@v/list", 404, ""},
		{"https://proxy.golang.org/github.com/owner/@v/list", 410, ""},
		{"https://proxy.golang.org/github.com/owner/@latest", 404, ""},
		{"https://proxy.golang.org/github.com/owner/repo/@v/list", 200, ""},
		{"https://proxy.golang.org/github.com/owner/repo/@v/v1.0.0.zip", 404, ""},
		{"https://proxy.golang.org/github.com/owner/other/@v/list", 0, "dial tcp: refused"},
	} {
		l.Exchanges = append(l.Exchanges, capture.Exchange{ID: int64(i + 1), Method: "GET", URL: c.url, Host: urlkey.Host(c.url),
			Status: c.status, Error: c.err, Complete: c.err == "", ContentLength: -1})
	}
	r, err := audit.Analyze(context.Background(), l, audit.Config{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Summary; s.Requests != 6 || s.ExpectedMisses != 3 || s.Failures != 2 {
		t.Errorf("%d requests, %d expected misses, %d failed; want 6, 3, 2", s.Requests, s.ExpectedMisses, s.Failures)
	}
}
