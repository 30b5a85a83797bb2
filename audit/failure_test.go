package audit_test

import (
	"context"
	"slices"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/sbom"
)

// TestFailedDownloadInSBOM: a download that failed upstream is in the
// SBOM with its error, on the service of the host it went to, and is
// counted once.
func TestFailedDownloadInSBOM(t *testing.T) {
	for _, u := range []string{
		"https://downloads.example/tool-1.0.tar.gz",
		"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
	} {
		l := &capture.Log{Trailer: &capture.Trailer{}, Exchanges: []capture.Exchange{{
			ID: 1, Method: "GET", URL: u, Host: urlkey.Host(u), ContentLength: -1, Status: 502,
			Error: "upstream: dial tcp: connection refused",
		}}}
		r, err := audit.Analyze(context.Background(), l, audit.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Requests != 1 || r.Summary.Failures != 1 {
			t.Errorf("%s: %d requests, %d failed, want 1 and 1", u, r.Summary.Requests, r.Summary.Failures)
		}
		bom, err := sbom.Render(r, sbom.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		if bom.Services != nil {
			for _, s := range *bom.Services {
				if s.Properties == nil {
					continue
				}
				for _, p := range *s.Properties {
					if p.Name == sbom.PropError {
						errs = append(errs, s.Name+" "+p.Value)
					}
				}
			}
		}
		want := urlkey.Host(u) + " " + u + ": upstream: dial tcp: connection refused"
		if !slices.Equal(errs, []string{want}) {
			t.Errorf("%s: error properties %q, want %q", u, errs, want)
		}
	}
}
