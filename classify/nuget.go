package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemNuGet names NuGet.
const EcosystemNuGet = "nuget"

// NuGet recognises NuGet v3 feeds: the service index, the flat container
// (package base address: version lists, .nupkg and .nuspec files), the
// registration (package metadata) and catalog resources, and nuget.org's
// legacy v2 download endpoint.
//
// A flat container URL carries the package id and version lower-cased, so
// its purl is lower-case (pkg:nuget/newtonsoft.json@13.0.3); the
// registration metadata of the run, which names the same URL with the id
// as published, gives it its case (see verify.Attribute).
type NuGet struct {
	sites []site
	// loose accepts any path under a site whose last segments have the
	// flat container's shape (private feeds put it anywhere).
	loose bool
}

// DefaultNuGet recognises api.nuget.org and www.nuget.org.
func DefaultNuGet() *NuGet {
	return &NuGet{sites: []site{publicSite("api.nuget.org"), publicSite("www.nuget.org")}}
}

// NewNuGet recognises a NuGet v3 feed served under base (Azure Artifacts,
// GitHub Packages, Artifactory, Nexus, BaGet); its purls carry base as
// repository_url.
func NewNuGet(base string) (*NuGet, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("nuget: %w", err)
	}
	return &NuGet{sites: []site{s}, loose: true}, nil
}

// Ecosystem returns "nuget".
func (c *NuGet) Ecosystem() string { return EcosystemNuGet }

// Classify implements Classifier.
func (c *NuGet) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *NuGet) classify(p *parsed) (Finding, bool) {
	s, rest, ok := matchSites(c.sites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemNuGet, KindAPI, pkgRef{}), true
	}
	n := len(rest)
	flat := c.loose || (n > 0 && rest[0] == "v3-flatcontainer")
	switch {
	case n >= 3 && flat && strings.HasSuffix(strings.ToLower(rest[n-1]), ".nupkg"):
		if id, version, ok := nupkgPath(rest[n-3], rest[n-2], rest[n-1]); ok {
			return finding(p, EcosystemNuGet, KindArtifact, nugetRef(s, id, version)), true
		}
	case n >= 3 && flat && strings.HasSuffix(strings.ToLower(rest[n-1]), ".nuspec") && strings.EqualFold(rest[n-1], rest[n-3]+".nuspec"):
		return finding(p, EcosystemNuGet, KindMetadata, nugetRef(s, rest[n-3], rest[n-2])), true
	case n >= 2 && flat && rest[n-1] == "index.json" && nugetID(rest[n-2]) && (c.loose || n == 3):
		return finding(p, EcosystemNuGet, KindMetadata, nugetRef(s, rest[n-2], "")), true
	case n == 5 && rest[0] == "api" && rest[1] == "v2" && rest[2] == "package" && nugetID(rest[3]) && nugetVersion(rest[4]):
		// www.nuget.org/api/v2/package/{id}/{version}: redirects to the
		// flat container; the id is as the client wrote it.
		return finding(p, EcosystemNuGet, KindArtifact, nugetRef(s, rest[3], rest[4])), true
	}
	if n >= 2 && rest[n-1] == "index.json" || n >= 1 && strings.HasSuffix(rest[n-1], ".json") && nugetMetadataPath(rest) {
		return finding(p, EcosystemNuGet, KindMetadata, nugetMetadataRef(s, rest)), true
	}
	return unrecognised(p, EcosystemNuGet)
}

// nugetMetadataPath reports the service index, registration and catalog
// documents: v3/index.json, …/registration*/{id}/…, …/catalog0/….
func nugetMetadataPath(rest []string) bool {
	for _, seg := range rest {
		if seg == "index.json" || strings.HasPrefix(seg, "registration") || strings.HasPrefix(seg, "catalog") {
			return true
		}
	}
	return false
}

// nugetMetadataRef is the package a registration document is about:
// …/registration*/{id}/index.json, /page/…, /{version}.json.
func nugetMetadataRef(s *site, rest []string) pkgRef {
	for i, seg := range rest {
		if !strings.HasPrefix(seg, "registration") || i+2 >= len(rest) || !nugetID(rest[i+1]) {
			continue
		}
		version := ""
		if i+3 == len(rest) {
			if v, ok := strings.CutSuffix(rest[i+2], ".json"); ok && v != "index" && nugetVersion(v) {
				version = v
			}
		}
		return nugetRef(s, rest[i+1], version)
	}
	return pkgRef{}
}

// nupkgPath reads {id}/{version}/{id}.{version}.nupkg.
func nupkgPath(id, version, file string) (string, string, bool) {
	if !nugetID(id) || !nugetVersion(version) || !strings.EqualFold(file, id+"."+version+".nupkg") {
		return "", "", false
	}
	return id, version, true
}

func nugetRef(s *site, id, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeNuget, name: id, version: version,
		quals: []string{qualRepositoryURL, s.repositoryURL}}
}

// nugetID reports a valid package id: letters, digits, ".", "-" and "_",
// at most 100 characters, starting with a letter, digit or "_".
func nugetID(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// nugetVersion reports a NuGet version as URLs carry it: numbers, then an
// optional -prerelease of letters, digits, "." and "-" (and +metadata).
func nugetVersion(s string) bool {
	if !startsWithDigit(s) || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}
