package fakeregistry

import (
	"fmt"
	"strings"
)

// Helm chart repository hosts: a classic repository (index.yaml beside the
// charts) and a GitHub Pages site that one chart of its index is served
// from.
const (
	HostHelm      = "charts.bitnami.com"
	HostHelmPages = "fixture-org.github.io"
)

// The fixture charts: HelmChartURL beside the index, HelmPagesChartURL on
// another host, named by the index.
const (
	HelmRepo          = "https://" + HostHelm + "/bitnami"
	HelmIndexURL      = HelmRepo + "/index.yaml"
	HelmChartURL      = HelmRepo + "/fixture-chart-1.2.3.tgz"
	HelmPagesChartURL = "https://" + HostHelmPages + "/charts/dep-chart-0.4.0.tgz"
)

func addHelm(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = "# republished\n"
	}
	chart := func(name, version string) ([]byte, error) {
		return tarGz([]entry{
			{name: name + "/Chart.yaml", body: []byte("apiVersion: v2\nname: " + name + "\nversion: " + version + "\n" + extra)},
			{name: name + "/values.yaml", body: []byte("replicaCount: 1\n")},
		})
	}
	purl := func(name, version string) string {
		return "pkg:generic/" + name + "@" + version + "?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami"
	}
	one, err := chart("fixture-chart", "1.2.3")
	if err != nil {
		return err
	}
	two, err := chart("dep-chart", "0.4.0")
	if err != nil {
		return err
	}
	f1 := b.file(File{URL: HelmChartURL, Ecosystem: "helm", Kind: KindArtifact, PURL: purl("fixture-chart", "1.2.3"),
		ContentType: "application/x-tar", Body: one})
	f2 := b.file(File{URL: HelmPagesChartURL, Ecosystem: "helm", Kind: KindArtifact, PURL: purl("dep-chart", "0.4.0"),
		ContentType: "application/octet-stream", Body: two})
	// The layout helm writes: keys sorted, block style.
	var idx strings.Builder
	idx.WriteString("apiVersion: v1\nentries:\n")
	fmt.Fprintf(&idx, "  dep-chart:\n  - apiVersion: v2\n    created: \"2024-03-01T12:00:00Z\"\n    description: |\n      A dependency chart.\n      - with a dash\n"+
		"    digest: %s\n    name: dep-chart\n    urls:\n    - %s\n    version: 0.4.0\n", f2.SHA256, HelmPagesChartURL)
	fmt.Fprintf(&idx, "  fixture-chart:\n  - apiVersion: v2\n    created: \"2024-03-01T12:00:00Z\"\n    digest: %s\n    name: fixture-chart\n"+
		"    urls:\n    - fixture-chart-1.2.3.tgz\n    version: 1.2.3\n", f1.SHA256)
	idx.WriteString("generated: \"2024-03-01T12:00:00Z\"\n")
	b.file(File{URL: HelmIndexURL, Ecosystem: "helm", Kind: KindMetadata, ContentType: "application/x-yaml", Body: []byte(idx.String())})
	return nil
}
