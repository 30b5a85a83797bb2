package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// helmEnv gives helm its own configuration, cache and data directories.
func (e *e2eRun) helmEnv() {
	for _, k := range []string{"HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME"} {
		e.env[k] = filepath.Join(e.home, k)
	}
}

// TestE2EHelmPull: a real `helm pull` from a classic chart repository
// (index.yaml, then the chart), for a chart beside the index and one the
// index serves from another host; then with the chart tampered: helm
// checks no digest and takes it, depaudit records the mismatch against
// the index's digest.
func TestE2EHelmPull(t *testing.T) {
	t.Parallel()
	helm := requireClient(t, "helm")
	e := newE2E(t, fakeregistry.Options{})
	e.helmEnv()
	pull := func(tam *fakeregistry.Tamperer, dest string) *verifyResult {
		dir := filepath.Join(e.dir, dest)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return verifyBuild(e, tam, nil, "sh", "-c",
			helm+` pull fixture-chart --repo `+fakeregistry.HelmRepo+` --version 1.2.3 -d `+dir+` && `+
				helm+` pull dep-chart --repo `+fakeregistry.HelmRepo+` --version 0.4.0 -d `+dir)
	}
	chart := "pkg:generic/fixture-chart@1.2.3?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami"
	dep := "pkg:generic/dep-chart@0.4.0?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami"
	good := pull(newTamperer(t, e), "good")
	good.checkClean(t, "Helm chart repository index digest", chart, dep)
	checkServedWereCaptured(t, e.reg, good.log)
	// (The chart on the other host is known as a chart only from the
	// index, after the fact: it gets every digest as it streams.)
	checkArtifacts(t, e.reg, good.log, fakeregistry.HelmChartURL)
	for _, f := range []string{"good/fixture-chart-1.2.3.tgz", "good/dep-chart-0.4.0.tgz"} {
		if _, err := os.Stat(filepath.Join(e.dir, f)); err != nil {
			t.Errorf("helm did not write %s: %v", f, err)
		}
	}
	bad := pull(newTamperer(t, e, fakeregistry.HelmChartURL), "bad")
	bad.mustSucceed(t) // helm takes the chart: it verifies only a provenance file, when told to
	orig, _ := e.reg.Manifest().Lookup(fakeregistry.HelmChartURL)
	if pairs := bad.mismatchPairs(t, chart); len(pairs) != 1 || pairs[0].alg != "sha256" || pairs[0].expected != orig.SHA256 {
		t.Errorf("tampered chart: %+v, want a sha256 mismatch against the index's %s", pairs, orig.SHA256)
	}
}
