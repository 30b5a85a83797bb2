package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// FuzzParse checks that any input either loads or fails with one *Error of
// one line, and that loaded rules can be asked about a request.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*.yaml"))
	invalid, _ := filepath.Glob(filepath.Join(testdata, "invalid", "*.yaml"))
	for _, p := range append(files, invalid...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Parse("rules.yaml", []byte(src))
		if err != nil {
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *rules.Error: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "rules.yaml") {
				t.Fatalf("error does not name the file: %q", err)
			}
			return
		}
		for _, u := range []string{"https://registry.npmjs.org/evil-pkg/-/evil-pkg-1.0.0.tgz", "https://example.com/x", "https://npm.corp.example/api/npm/npm-remote/a"} {
			f := r.Classifier().Classify(classify.Request{URL: u})
			_ = r.Check("example.com", f)
			if g := r.Gate(); g != nil {
				_ = g(&capture.Exchange{Method: "GET", URL: u, Host: "example.com"})
			}
		}
	})
}
