package verify

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// TestParseHelmIndex reads the index.yaml helm writes, and the forms it
// accepts: charts beside the index and on other hosts, relative URLs,
// quoted scalars, flow-style urls, other indentation, descriptions with
// block scalars, a chart without a digest.
func TestParseHelmIndex(t *testing.T) {
	d1, d2, d3 := strings.Repeat("a1", 32), strings.Repeat("b2", 32), strings.Repeat("c3", 32)
	doc := `apiVersion: v1
entries:
  fixture-chart:
  - annotations:
      category: Infrastructure
    apiVersion: v2
    created: "2024-03-01T12:00:00Z"
    description: |
      A chart.
      - not a chart version
    digest: ` + d1 + `
    name: fixture-chart
    urls:
    - https://charts.example.com/repo/fixture-chart-1.2.3.tgz
    - https://mirror.example.org/fixture-chart-1.2.3.tgz
    version: 1.2.3
  - apiVersion: v2
    digest: "` + d2 + `"
    name: fixture-chart
    urls:
    - fixture-chart-1.2.2.tgz
    version: '1.2.2'
  no-digest:
  - name: no-digest
    urls:
    - no-digest-0.1.0.tgz
    version: 0.1.0
generated: "2024-03-01T12:00:00Z"
`
	alt := "entries:\n    other:\n        - name: other\n          version: 2.0.0\n          urls: [\"https://cdn.example.net/other-2.0.0.tgz\"]\n          digest: " + d3 + "\n"
	repo := "?repository_url=https:%2F%2Fcharts.example.com%2Frepo"
	got := digestSet(inspect(t, "https://charts.example.com/repo/index.yaml", "application/x-yaml", "", []byte(doc)))
	want := digestSet([]capture.Digest{
		{Subject: "https://charts.example.com/repo/fixture-chart-1.2.3.tgz", Algorithm: "purl:helm", Value: "pkg:generic/fixture-chart@1.2.3" + repo, Source: SourceDeclared},
		{Subject: "https://charts.example.com/repo/fixture-chart-1.2.3.tgz", Algorithm: AlgSHA256, Value: d1, Source: SourcePublished},
		{Subject: "https://mirror.example.org/fixture-chart-1.2.3.tgz", Algorithm: "purl:helm", Value: "pkg:generic/fixture-chart@1.2.3" + repo, Source: SourceDeclared},
		{Subject: "https://mirror.example.org/fixture-chart-1.2.3.tgz", Algorithm: AlgSHA256, Value: d1, Source: SourcePublished},
		{Subject: "https://charts.example.com/repo/fixture-chart-1.2.2.tgz", Algorithm: "purl:helm", Value: "pkg:generic/fixture-chart@1.2.2" + repo, Source: SourceDeclared},
		{Subject: "https://charts.example.com/repo/fixture-chart-1.2.2.tgz", Algorithm: AlgSHA256, Value: d2, Source: SourcePublished},
		{Subject: "https://charts.example.com/repo/no-digest-0.1.0.tgz", Algorithm: "purl:helm", Value: "pkg:generic/no-digest@0.1.0" + repo, Source: SourceDeclared},
	})
	if got != want {
		t.Errorf("index.yaml:\n%s\nwant:\n%s", got, want)
	}
	got = digestSet(inspect(t, "https://charts.example.com/repo/index.yaml", "text/yaml", "", []byte(alt)))
	if !strings.Contains(got, "https://cdn.example.net/other-2.0.0.tgz sha256 "+d3) || !strings.Contains(got, "pkg:generic/other@2.0.0"+repo) {
		t.Errorf("flow-style urls, deeper indentation:\n%s", got)
	}
}
