package audit_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// A build that fails the same kind of download over and over keeps the
// first thousand warnings and counts the rest, every failure counted in
// its figures.
func TestFailureWarningsBounded(t *testing.T) {
	const n = 1500
	l := &capture.Log{Trailer: &capture.Trailer{}}
	for i := range n {
		u := fmt.Sprintf("https://registry.npmjs.org/p%d/-/p%d-1.0.0.tgz", i, i)
		l.Exchanges = append(l.Exchanges, capture.Exchange{ID: int64(i + 1), Method: "GET", URL: u, Host: "registry.npmjs.org",
			ContentLength: -1, Status: 404})
	}
	r, err := audit.Analyze(context.Background(), l, audit.Config{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	kept, last := 0, ""
	for _, w := range r.Warnings {
		if strings.Contains(w, "is not in the SBOM") {
			kept++
		}
		last = w
	}
	if r.Summary.FailedDownloads != n || kept != 1000 || !strings.HasPrefix(last, "500 more artifact downloads") {
		t.Errorf("%d failed downloads, %d warnings kept, last %q", r.Summary.FailedDownloads, kept, last)
	}
}
