package main

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// Recorded flows of clients that cannot be had here, each replayed clean
// and with its package tampered with.
func TestE2ERecordedRegistries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, userAgent string
		steps           []recordedStep
		follow          bool
		artifact, purl  string
		source, alg     string
	}{
		// dart pub get (pub's hosted source): the package document, then
		// its archive_url, which redirects to the storage bucket. pub
		// compares the archive with archive_sha256 itself.
		{name: "pub", userAgent: "Dart pub 3.3.0", follow: true,
			steps: []recordedStep{
				{url: "https://pub.dev/api/packages/fixture_pkg", headers: []string{"Accept: application/vnd.pub.v2+json"}},
				{url: fakeregistry.PubArchiveURL},
			},
			artifact: fakeregistry.PubStorageURL, purl: "pkg:pub/fixture_pkg@1.0.0",
			source: "pub.dev package document archive_sha256", alg: "sha256"},
		// mix deps.get (hex_core): the signed package resource, then the
		// tarball; hex_core checks the outer checksum itself.
		{name: "hex", userAgent: "hex/2.0.6 (elixir/1.16.1) (OTP/26.2)",
			steps: []recordedStep{
				{url: "https://repo.hex.pm/packages/fixture_hex"},
				{url: fakeregistry.HexTarballURL},
			},
			artifact: fakeregistry.HexTarballURL, purl: "pkg:hex/fixture_hex@1.0.0",
			source: "Hex registry outer_checksum", alg: "sha256"},
		// install.packages("fixturepkg") (R's available.packages reads
		// PACKAGES.gz when no PACKAGES.rds is offered, then
		// download.packages); R does not compare the MD5sum.
		{name: "cran", userAgent: "R (4.3.2 x86_64-pc-linux-gnu x86_64 linux-gnu)",
			steps: []recordedStep{
				{url: "https://cloud.r-project.org/src/contrib/PACKAGES.gz"},
				{url: fakeregistry.CRANTarballURL},
			},
			artifact: fakeregistry.CRANTarballURL, purl: "pkg:cran/fixturepkg@1.0-1",
			source: "CRAN PACKAGES MD5sum", alg: "md5"},
		// pod install with the CDN source: the shard's version list, the
		// podspec, then its source.http archive; cocoapods-downloader
		// checks the podspec's sha256 itself.
		{name: "cocoapods", userAgent: "CocoaPods/1.15.2 cocoapods-downloader/2.1",
			steps: []recordedStep{
				{url: "https://cdn.cocoapods.org/all_pods_versions_5_8_0.txt"},
				{url: fakeregistry.CocoaPodsSpecURL},
				{url: fakeregistry.CocoaPodsSourceURL},
			},
			artifact: fakeregistry.CocoaPodsSourceURL, purl: "pkg:cocoapods/FixturePod@1.0.0",
			source: "CocoaPods podspec sha256", alg: "sha256"},
		// helm repo add, then helm pull (Helm 3's getter): the chart
		// repository's index.yaml, then the chart's URL from it. helm
		// checks no digest unless told to verify a provenance file.
		{name: "helm", userAgent: "Helm/3.14.2",
			steps: []recordedStep{
				{url: fakeregistry.HelmIndexURL},
				{url: fakeregistry.HelmChartURL},
			},
			artifact: fakeregistry.HelmChartURL,
			purl:     "pkg:generic/fixture-chart@1.2.3?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami",
			source:   "Helm chart repository index digest", alg: "sha256"},
		// helm dependency build of a chart whose dependency the index
		// serves from another host (GitHub Pages): the index names it.
		{name: "helm-other-host", userAgent: "Helm/3.14.2",
			steps: []recordedStep{
				{url: fakeregistry.HelmIndexURL},
				{url: fakeregistry.HelmPagesChartURL},
			},
			artifact: fakeregistry.HelmPagesChartURL,
			purl:     "pkg:generic/dep-chart@0.4.0?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami",
			source:   "Helm chart repository index digest", alg: "sha256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, fakeregistry.Options{})
			cmd := func() []string {
				if tc.follow {
					return e.replayCommandFollow(t, tc.userAgent, tc.steps)
				}
				return e.replayCommand(t, tc.userAgent, tc.steps)
			}
			good := verifyBuild(e, newTamperer(t, e), nil, cmd()...)
			good.checkClean(t, tc.source, tc.purl)
			if n := len(good.components()); n != 1 {
				t.Errorf("%d components, want 1", n)
			}
			if eco := good.prop(t, tc.purl, sbom.PropEcosystem); strings.HasPrefix(tc.name, "helm") && (len(eco) != 1 || eco[0] != "helm") {
				t.Errorf("%s: ecosystem %q, want helm (a chart, not a generic download)", tc.purl, eco)
			}
			bad := verifyBuild(e, newTamperer(t, e, tc.artifact), nil, cmd()...)
			bad.mustSucceed(t)
			pairs := bad.mismatchPairs(t, tc.purl)
			orig, _ := e.reg.Manifest().Lookup(tc.artifact)
			want := map[string]string{"sha256": orig.SHA256, "md5": md5Of(orig.Body)}[tc.alg]
			if len(pairs) != 1 || pairs[0].alg != tc.alg || pairs[0].expected != want || pairs[0].source != tc.source {
				t.Errorf("pairs %+v, want %s %s from %s", pairs, tc.alg, want, tc.source)
			}
		})
	}
}

func md5Of(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
