package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/internal/formatcheck"
	"github.com/depaudit/depaudit/sbom"
)

// validateBOM16 validates a JSON BOM against the official CycloneDX 1.6 schema.
func validateBOM16(t *testing.T, data []byte) {
	t.Helper()
	if err := formatcheck.CycloneDX(data, "1.6"); err != nil {
		t.Errorf("SBOM: %v", err)
	}
}

// sbomWant is what a client's SBOM must hold.
type sbomWant struct {
	// artifacts are the URLs (as the client requested them) of the
	// manifest files that must each be exactly one component, with the
	// manifest's purl and digests. No other component may appear.
	artifacts []string
	// unclassifiedHosts are the hosts that must appear, and the only ones,
	// among the services and in the unclassified list.
	unclassifiedHosts []string
}

// checkSBOM checks the build's SBOM and unclassified list against the fake
// registry's manifest.
func checkSBOM(t *testing.T, reg *fakeregistry.Server, res *e2eResult, want sbomWant) {
	t.Helper()
	data, err := os.ReadFile(res.sbomPath)
	if err != nil {
		t.Fatalf("SBOM: %v", err)
	}
	validateBOM16(t, data)
	bom, err := bomdiff.ParseBOM(data)
	if err != nil {
		t.Fatalf("SBOM %s: %v", res.sbomPath, err)
	}
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	byPURL := map[string][]cdx.Component{}
	for _, c := range comps {
		byPURL[c.PackageURL] = append(byPURL[c.PackageURL], c)
	}
	wantPURLs := map[string]bool{}
	for _, u := range want.artifacts {
		f, ok := reg.Manifest().Lookup(u)
		if !ok {
			t.Fatalf("%s is not in the fake registry's manifest", u)
		}
		wantPURLs[f.PURL] = true
		got := byPURL[f.PURL]
		if len(got) != 1 {
			t.Errorf("SBOM has %d components with purl %s, want 1; components: %s", len(got), f.PURL, componentList(comps))
			continue
		}
		hashes := map[cdx.HashAlgorithm]string{}
		if got[0].Hashes != nil {
			for _, h := range *got[0].Hashes {
				hashes[h.Algorithm] = h.Value
			}
		}
		want512, want1 := publishedDigests(f)
		if hashes[cdx.HashAlgoSHA256] != f.SHA256 || hashes[cdx.HashAlgoSHA512] != want512 || hashes[cdx.HashAlgoSHA1] != want1 {
			t.Errorf("component %s: hashes %v, want the served file's sha256 %s sha512 %.16s… sha1 %s",
				f.PURL, hashes, f.SHA256, f.SHA512, f.SHA1)
		}
	}
	for _, c := range comps {
		if !wantPURLs[c.PackageURL] {
			t.Errorf("unexpected component %s (%s)", c.PackageURL, c.BOMRef)
		}
	}
	checkStandardFormats(t, res.capturePath, bom)
	// Every host the build contacted is in the SBOM: a service with its
	// roles, or the download location of a component. The unclassified
	// ones are those wanted.
	var svcHosts []string
	inSBOM := map[string]bool{}
	if bom.Services != nil {
		for _, s := range *bom.Services {
			roles := propValues(s.Properties, sbom.PropServiceRole)
			if len(roles) == 0 {
				t.Errorf("service %s has no role", s.Name)
			}
			if slices.Contains(roles, audit.RoleUnclassified) {
				svcHosts = append(svcHosts, s.Name)
			}
			inSBOM[s.Name] = true
		}
	}
	for _, c := range comps {
		var urls []string
		if c.ExternalReferences != nil {
			for _, r := range *c.ExternalReferences {
				urls = append(urls, r.URL)
			}
		}
		// A URL that redirected to the download (a release asset to its CDN).
		urls = append(urls, propValues(c.Properties, sbom.PropRedirectedFrom)...)
		urls = append(urls, propValues(c.Properties, sbom.PropURL)...)
		for _, raw := range urls {
			if u, err := url.Parse(raw); err == nil {
				inSBOM[u.Host] = true
			}
		}
	}
	for _, x := range res.log.Exchanges {
		if x.Status != http.StatusProxyAuthRequired && !inSBOM[x.Host] {
			t.Errorf("host %s (%s %s) is nowhere in the SBOM", x.Host, x.Method, x.URL)
		}
	}
	wantHosts := append([]string(nil), want.unclassifiedHosts...)
	sort.Strings(wantHosts)
	sort.Strings(svcHosts)
	if strings.Join(svcHosts, ",") != strings.Join(wantHosts, ",") {
		t.Errorf("SBOM services with role unclassified %v, want %v", svcHosts, wantHosts)
	}
	ub, err := os.ReadFile(res.unclassifiedPath)
	if err != nil {
		t.Fatalf("unclassified list: %v", err)
	}
	var calls []audit.UnclassifiedCall
	if err := json.Unmarshal(ub, &calls); err != nil {
		t.Fatalf("unclassified list %s: %v", res.unclassifiedPath, err)
	}
	hosts := map[string]bool{}
	for _, c := range calls {
		hosts[c.Host] = true
	}
	var gotHosts []string
	for h := range hosts {
		gotHosts = append(gotHosts, h)
	}
	sort.Strings(gotHosts)
	if strings.Join(gotHosts, ",") != strings.Join(wantHosts, ",") {
		t.Errorf("unclassified calls from hosts %v, want %v:\n%s", gotHosts, wantHosts, ub)
	}
}

func componentList(comps []cdx.Component) string {
	var out []string
	for _, c := range comps {
		out = append(out, c.PackageURL)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
