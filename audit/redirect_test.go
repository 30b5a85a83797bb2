package audit_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/verify"
)

const (
	release  = "https://github.com/o/r/releases/download/v1/tool.tgz"
	cdnHost  = "objects.githubusercontent.com"
	cdnPath  = "/github-production-release-asset-2e65be/700000001/abc"
	cdn      = "https://" + cdnHost + cdnPath
	query    = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=REDACTED"
	reversed = "?X-Amz-Signature=REDACTED&X-Amz-Algorithm=AWS4-HMAC-SHA256"
)

// hop is one request of a redirect chain: its URL as the client sent it,
// and the Location it got (none for the download that ends the chain).
type hop struct{ url, location string }

// chainLog records the hops in order; the last one is the download.
func chainLog(hops []hop) *capture.Log {
	l := &capture.Log{Trailer: &capture.Trailer{}}
	for i, h := range hops {
		x := capture.Exchange{ID: int64(i + 1), Method: "GET", URL: h.url, Host: urlkey.Host(h.url), ContentLength: -1}
		if h.location != "" {
			x.Status, x.Location, x.Complete = 302, h.location, true
		} else {
			x.Status, x.Complete, x.Bytes, x.ContentLength = 200, true, 5, 5
			x.SHA256 = strings.Repeat("ab", 32)
			x.ContentType = "application/octet-stream"
		}
		l.Exchanges = append(l.Exchanges, x)
	}
	return l
}

// TestRedirectAttribution runs redirect chains from a GitHub release
// asset to its CDN through Analyze once each and checks that the SBOM,
// verification and the policy all name the download pkg:github/…,
// whatever the query order, port spelling, host case, percent-encoding,
// relative Location or number of hops.
func TestRedirectAttribution(t *testing.T) {
	cases := []struct {
		name string
		hops []hop
	}{
		{"same query", []hop{{release, cdn + query}, {cdn + query, ""}}},
		{"query in another order", []hop{{release, cdn + query}, {cdn + reversed, ""}}},
		{"query differs alone", []hop{{release, cdn + "?X-Amz-Signature=S1&X-Amz-Date=1"}, {cdn + "?X-Amz-Signature=%5BREDACTED%5D&x-id=GetObject", ""}}},
		{"no query in the request", []hop{{release, cdn + query}, {cdn, ""}}},
		{"default port in the Location", []hop{{release, "https://" + cdnHost + ":443" + cdnPath + query}, {cdn + reversed, ""}}},
		{"default port in the request", []hop{{release, cdn + query}, {"https://" + cdnHost + ":443" + cdnPath + reversed, ""}}},
		{"host case", []hop{{release, "https://Objects.GitHubUserContent.com" + cdnPath + query}, {cdn + query, ""}}},
		{"percent-encoding", []hop{{release, "https://" + cdnHost + strings.Replace(cdnPath, "abc", "%61bc", 1) + query}, {cdn + reversed, ""}}},
		{"relative Location, then the CDN", []hop{
			{release, "/o/r/releases/download/v1/tool.tgz?redirected=1"},
			{release + "?redirected=1", cdn + query},
			{cdn + reversed, ""},
		}},
		{"chain through two CDNs", []hop{
			{release, cdn + query},
			{cdn + reversed, "https://release-assets.githubusercontent.com/asset/1?sp=r&sig=X"},
			{"https://release-assets.githubusercontent.com/asset/1?sig=X&sp=r", ""},
		}},
		{"relative Location on the CDN", []hop{
			{release, cdn + query},
			{cdn + query, "def?sig=2"},
			{"https://" + cdnHost + "/github-production-release-asset-2e65be/700000001/def?sig=2", ""},
		}},
	}
	policy, err := rules.Parse("rules.yaml", []byte(`
policy:
  deny:
    purls: ["pkg:github/o/r*"]
  unclassified: deny
  generic_downloads: deny
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := chainLog(tc.hops)
			download := tc.hops[len(tc.hops)-1].url
			r, err := audit.Analyze(context.Background(), l, audit.Config{Rules: policy})
			if err != nil {
				t.Fatal(err)
			}

			// The SBOM: one pkg:github component, redirected from the
			// release, and no service for the CDN.
			bom, err := sbom.Render(r, sbom.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bom.Components == nil || len(*bom.Components) != 1 {
				t.Fatalf("SBOM components %+v, want one", bom.Components)
			}
			c := (*bom.Components)[0]
			if !strings.HasPrefix(c.PackageURL, "pkg:github/o/r@v1") {
				t.Errorf("SBOM component %s, want pkg:github/o/r@v1", c.PackageURL)
			}
			if from := props(c, sbom.PropRedirectedFrom); !slices.Equal(from, []string{release}) {
				t.Errorf("redirected-from %v, want %s", from, release)
			}
			if bom.Services != nil || len(r.Unclassified) != 0 {
				t.Errorf("services %+v, unclassified %+v: want none", bom.Services, r.Unclassified)
			}
			if v := props(c, sbom.PropViolation); len(v) != 1 || !strings.Contains(v[0], "policy.deny.purls[0]") {
				t.Errorf("component violations %q, want the deny rule", v)
			}

			// Verification: the verifier's own index holds the download
			// under the same purl, and the verdict is about it.
			obs, _ := observe.Attribute(l.Exchanges, classify.Default())
			ev := verify.Collect(obs, classify.Default())
			var seen []string
			for _, v := range ev.Artifacts() {
				seen = append(seen, v.PURL)
			}
			if !slices.Equal(seen, []string{c.PackageURL}) {
				t.Errorf("verification saw artifacts %v, want [%s]", seen, c.PackageURL)
			}
			if vd := r.Artifacts[0].Verdict; vd.PURL != c.PackageURL || vd.SHA256 != strings.Repeat("ab", 32) {
				t.Errorf("verdict %+v", vd)
			}

			// The policy: the deny rule covers the download, nothing
			// calls it unclassified or a generic download.
			if len(r.Violations) != 1 {
				t.Fatalf("violations %+v, want one", r.Violations)
			}
			v := r.Violations[0]
			if v.Rule != "policy.deny.purls[0]" || v.Subject != c.PackageURL || v.Requests != len(tc.hops) || !slices.Contains(v.URLs, download) {
				t.Errorf("violation %+v: want %s over all %d requests, %s among them", v, c.PackageURL, len(tc.hops), download)
			}
		})
	}
}

// props returns the values of a component's properties named name.
func props(c cdx.Component, name string) []string {
	var out []string
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if p.Name == name {
				out = append(out, p.Value)
			}
		}
	}
	return out
}
