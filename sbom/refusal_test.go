package sbom

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// A client that retries after the proxy's 407 challenge (git, through
// libcurl) leaves a refusal in the log that is not a failure; a client
// that never got through is reported.
func TestProxyAuthRefusals(t *testing.T) {
	l := &capture.Log{
		Trailer: &capture.Trailer{},
		Exchanges: []capture.Exchange{
			{ID: 1, Method: "CONNECT", URL: "https://github.com/", Host: "github.com", Status: 407, ContentLength: -1, Error: capture.ErrProxyAuthRequired, Outcome: capture.OutcomeProxyAuthRequired},
			{ID: 2, Method: "GET", URL: "https://github.com/o/r.git/info/refs?service=git-upload-pack", Host: "github.com", Status: 200, Complete: true, SHA256: strings.Repeat("a", 64)},
			{ID: 3, Method: "CONNECT", URL: "https://repo.example/", Host: "repo.example", Status: 407, ContentLength: -1, Error: capture.ErrProxyAuthRequired, Outcome: capture.OutcomeProxyAuthRequired},
			{ID: 4, Method: "CONNECT", URL: "https://repo.example/", Host: "repo.example", Status: 407, ContentLength: -1, Error: capture.ErrProxyAuthRequired, Outcome: capture.OutcomeProxyAuthRequired},
		},
	}
	res, err := assemble(l, fakeClassifier{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, w := range res.Warnings {
		if strings.Contains(w, "proxy credential") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "2 request(s) to repo.example") {
		t.Errorf("warnings %q: want one about repo.example only", res.Warnings)
	}
	if res.Summary.Requests != 3 || res.Summary.Failures != 2 {
		t.Errorf("requests %d failures %d, want 3 and 2 (the retried refusal is not counted)", res.Summary.Requests, res.Summary.Failures)
	}
	for _, s := range *res.BOM.Services {
		if s.Name == "repo.example" {
			t.Error("a refused host became a service")
		}
	}
}
