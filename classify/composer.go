package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemComposer names Composer (Packagist).
const EcosystemComposer = "composer"

// Composer recognises Packagist's metadata: packages.json, the p2
// metadata of each package (/p2/VENDOR/NAME.json and ~dev.json) and the
// legacy /p/ provider files. Packagist serves no files: the dist zips its
// metadata names are on GitHub (or other hosts), and are attributed to
// their package through that metadata (see verify.Attribute).
type Composer struct {
	sites []site
}

// DefaultComposer recognises repo.packagist.org and packagist.org.
func DefaultComposer() *Composer {
	return &Composer{sites: []site{publicSite("repo.packagist.org"), publicSite("packagist.org")}}
}

// NewComposer recognises a Composer repository (Satis, Private
// Packagist, Artifactory, Nexus) served under base; its purls carry base as
// repository_url.
func NewComposer(base string) (*Composer, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("composer: %w", err)
	}
	return &Composer{sites: []site{s}}, nil
}

// Ecosystem returns "composer".
func (c *Composer) Ecosystem() string { return EcosystemComposer }

// Classify implements Classifier.
func (c *Composer) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Composer) classify(p *parsed) (Finding, bool) {
	s, rest, ok := matchSites(c.sites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemComposer, KindAPI, pkgRef{}), true
	}
	n := len(rest)
	switch {
	case n == 1 && rest[0] == "packages.json":
		return finding(p, EcosystemComposer, KindMetadata, pkgRef{}), true
	case n == 3 && (rest[0] == "p2" || rest[0] == "p"):
		name, ok := strings.CutSuffix(rest[2], ".json")
		name, _, _ = strings.Cut(name, "~") // ~dev.json
		name, _, _ = strings.Cut(name, "$") // legacy p/ files: NAME$SHA256.json
		if ok && ComposerName(rest[1]) && ComposerName(name) {
			return finding(p, EcosystemComposer, KindMetadata, composerRef(s, rest[1], name, "")), true
		}
		return finding(p, EcosystemComposer, KindMetadata, pkgRef{}), true
	case n >= 1 && (rest[0] == "p" || rest[0] == "provider" || strings.HasPrefix(rest[0], "provider-")):
		return finding(p, EcosystemComposer, KindMetadata, pkgRef{}), true
	}
	return unrecognised(p, EcosystemComposer)
}

// ComposerRef returns the purl of a Composer package version:
// pkg:composer/VENDOR/NAME@VERSION (lower-cased, as Packagist names are).
func ComposerRef(vendor, name, version string) string {
	return composerRef(&site{}, vendor, name, version).String()
}

func composerRef(s *site, vendor, name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeComposer, namespace: strings.ToLower(vendor), name: strings.ToLower(name), version: version,
		quals: []string{qualRepositoryURL, s.repositoryURL}}
}

// ComposerName reports a valid vendor or package name as Composer's
// schema defines it: lower-case letters and digits, with single ".", "_"
// or "-" (runs of "-" allowed) between them.
func ComposerName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c >= 'a' && c <= 'z') || isDigit(c):
		case c == '.' || c == '_' || c == '-':
			if i == 0 || i == len(s)-1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
