package classify

import (
	"net/url"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemHelm names Helm chart repositories (the classic layout: an
// index.yaml beside the charts' .tgz files). The purl specification has no
// Helm type: a chart is pkg:generic/NAME@VERSION with the chart
// repository's URL as repository_url. A chart kept in an OCI registry is an
// OCI artifact (see OCI).
const EcosystemHelm = "helm"

// Helm recognises the index.yaml of a chart repository on any host, and
// the charts of well-known chart repositories by their file names. A chart
// served from elsewhere gets its purl from the index that names its URL
// (see verify's declarations).
type Helm struct {
	sites []site
}

// DefaultHelm recognises the index of any chart repository and the charts
// of charts.bitnami.com, charts.helm.sh and the Kubernetes project's
// chart repositories.
func DefaultHelm() *Helm {
	return &Helm{sites: []site{publicSite("charts.bitnami.com"), publicSite("charts.helm.sh"),
		publicSite("kubernetes.github.io"), publicSite("kubernetes-sigs.github.io"), publicSite("charts.jetstack.io"),
		publicSite("prometheus-community.github.io"), publicSite("grafana.github.io")}}
}

// Ecosystem returns "helm".
func (c *Helm) Ecosystem() string { return EcosystemHelm }

// Classify implements Classifier.
func (c *Helm) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Helm) classify(p *parsed) (Finding, bool) {
	if !p.readOnly() || p.dir {
		return Finding{}, false
	}
	last := p.last()
	if last == "index.yaml" {
		return finding(p, EcosystemHelm, KindMetadata, pkgRef{}), true
	}
	if _, _, ok := matchSites(c.sites, p); !ok {
		return Finding{}, false
	}
	if stem, ok := strings.CutSuffix(last, ".tgz"); ok {
		if name, version, ok := SplitChartFile(stem); ok {
			return finding(p, EcosystemHelm, KindArtifact, helmRef(chartRepository(p.u), name, version)), true
		}
	}
	if strings.HasSuffix(last, ".tgz.prov") {
		return finding(p, EcosystemHelm, KindSidecar, pkgRef{}), true
	}
	return Finding{}, false
}

// HelmPURL is the purl of a chart: pkg:generic/NAME@VERSION with the chart
// repository as repository_url.
func HelmPURL(repository, name, version string) string {
	return helmRef(repository, name, version).String()
}

func helmRef(repository, name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeGeneric, name: name, version: version, quals: []string{qualRepositoryURL, repository}}
}

// chartRepository is the repository of a chart or index URL: its
// directory, without query.
func chartRepository(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.User, c.RawPath = "", "", nil, ""
	if i := strings.LastIndex(c.Path, "/"); i >= 0 {
		c.Path = c.Path[:i]
	}
	return c.String()
}

// ChartRepository is the chart repository of an index.yaml or chart URL
// (its directory), "" when rawURL does not parse.
func ChartRepository(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return chartRepository(u)
}

// SplitChartFile splits a chart file's name without ".tgz"
// ("ingress-nginx-4.10.0", "nginx-15.4.4-rc.1") into the chart's name and
// its SemVer version: at the first "-" followed by a version.
func SplitChartFile(stem string) (name, version string, ok bool) {
	for i := 1; i < len(stem)-1; i++ {
		if stem[i] == '-' && isDigit(stem[i+1]) && npmVersion(stem[i+1:]) {
			return stem[:i], stem[i+1:], true
		}
	}
	return "", "", false
}
