package classify

import (
	"strings"
	"testing"
)

// failing is a classifier that panics on every request.
type failing struct{}

func (failing) Ecosystem() string                { return "broken" }
func (failing) Classify(Request) (Finding, bool) { panic("index out of range") }

// TestSetSurvivesPanic: a classifier that panics is taken as declining; the
// next classifier decides and the finding names the failure.
func TestSetSurvivesPanic(t *testing.T) {
	set := Default().Prepend(failing{})
	const tgz = "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"
	got := set.Classify(Request{URL: tgz})
	if got.Kind != KindArtifact || got.PURL != "pkg:npm/left-pad@1.3.0" {
		t.Errorf("finding %+v, want the npm artifact", got)
	}
	if !strings.Contains(got.Error, "broken classifier failed on "+tgz) || !strings.Contains(got.Error, "index out of range") {
		t.Errorf("error %q does not name the failure", got.Error)
	}
	got = NewSet(failing{}).Classify(Request{URL: tgz})
	if got.Kind != KindUnclassified || got.URL != tgz || got.Error == "" {
		t.Errorf("finding %+v, want unclassified with the failure", got)
	}
	if got := Default().Classify(Request{URL: tgz}); got.Error != "" {
		t.Errorf("error %q without a failure", got.Error)
	}
}
