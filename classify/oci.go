package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemOCI names OCI (Docker) registries.
const EcosystemOCI = "oci"

// OCI recognises registries speaking the OCI distribution API under /v2/:
// a manifest or index (/v2/NAME/manifests/REF) and a blob
// (/v2/NAME/blobs/DIGEST) are artifacts, pkg:oci/LAST@DIGEST with the
// repository (registry host and full name, without scheme, as the purl
// specification's examples write it) as repository_url and the tag a
// manifest was fetched by as tag. A manifest fetched by tag has no digest
// in its URL: the bytes received give it (see verify). The version check
// (/v2/), tag lists, the catalog, uploads and token endpoints are api.
type OCI struct {
	sites []ociSite
}

type ociSite struct {
	site
	// repo is the registry name in repository_url ("docker.io" for
	// registry-1.docker.io).
	repo string
	// suffix, when set, makes the site match every host ending in it
	// (*.gcr.io, *-docker.pkg.dev).
	suffix string
	// auth is a token service only (auth.docker.io).
	auth bool
}

// DefaultOCI recognises Docker Hub (registry-1.docker.io, its token service
// auth.docker.io), ghcr.io, quay.io, gcr.io and its regional hosts,
// Artifact Registry (*-docker.pkg.dev), public.ecr.aws,
// mcr.microsoft.com and registry.k8s.io.
func DefaultOCI() *OCI {
	sites := []ociSite{
		{site: publicSite("registry-1.docker.io"), repo: "docker.io"},
		{site: publicSite("auth.docker.io"), auth: true},
		{site: publicSite("index.docker.io"), repo: "docker.io"},
	}
	for _, h := range []string{"ghcr.io", "quay.io", "gcr.io", "public.ecr.aws", "mcr.microsoft.com", "registry.k8s.io", "k8s.gcr.io"} {
		sites = append(sites, ociSite{site: publicSite(h), repo: h})
	}
	sites = append(sites, ociSite{suffix: ".gcr.io"}, ociSite{suffix: "-docker.pkg.dev"})
	return &OCI{sites: sites}
}

// NewOCI recognises a registry at base (for example
// "https://registry.corp.example" or "https://nexus.corp.example/docker/"
// when the /v2/ API lives under a path).
func NewOCI(base string) (*OCI, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("oci: %w", err)
	}
	repo := s.host
	if s.port != "" {
		repo += ":" + s.port
	}
	return &OCI{sites: []ociSite{{site: s, repo: repo}}}, nil
}

// Ecosystem returns "oci".
func (c *OCI) Ecosystem() string { return EcosystemOCI }

// Classify implements Classifier.
func (c *OCI) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *OCI) classify(p *parsed) (Finding, bool) {
	for i := range c.sites {
		s := &c.sites[i]
		var rest []string
		repo := s.repo
		if s.suffix != "" {
			if !strings.HasSuffix(p.host, s.suffix) || (p.port != "443" && p.port != "80") {
				continue
			}
			rest, repo = p.segs, p.host
		} else {
			r, ok := s.match(p)
			if !ok {
				continue
			}
			rest = r
		}
		if s.auth || len(rest) == 0 || rest[0] != "v2" {
			// Token services (auth.docker.io/token, ghcr.io/token,
			// quay.io's /v2/auth) and web pages.
			return finding(p, EcosystemOCI, KindAPI, pkgRef{}), true
		}
		if !p.readOnly() || p.dir {
			return finding(p, EcosystemOCI, KindAPI, pkgRef{}), true
		}
		ref, kind, ok := ParseOCIPath(rest[1:])
		if !ok {
			return finding(p, EcosystemOCI, KindAPI, pkgRef{}), true
		}
		ref.Repository = repo + "/" + ref.Name
		return finding(p, EcosystemOCI, kind, ociRef(ref)), true
	}
	return Finding{}, false
}

// OCIRef is what an OCI distribution API path names.
type OCIRef struct {
	// Name is the repository name ("library/alpine").
	Name string
	// Repository is the registry and name ("docker.io/library/alpine").
	Repository string
	// Digest is the digest in the path ("sha256:…"), "" for a tag.
	Digest string
	// Tag is the tag in the path, "" for a digest.
	Tag string
	// Blob reports a blob (config or layer) rather than a manifest.
	Blob bool
}

// ParseOCIPath reads the path segments after /v2/: NAME.../manifests/REF
// or NAME.../blobs/DIGEST. Other paths (tags/list, uploads, referrers) are
// not artifacts: ok is false.
func ParseOCIPath(segs []string) (ref OCIRef, kind Kind, ok bool) {
	n := len(segs)
	if n < 3 {
		return OCIRef{}, "", false
	}
	name := segs[:n-2]
	for _, seg := range name {
		if !ociNameComponent(seg) {
			return OCIRef{}, "", false
		}
	}
	ref.Name = strings.Join(name, "/")
	last := segs[n-1]
	switch segs[n-2] {
	case "manifests":
		switch {
		case ociDigest(last):
			ref.Digest = last
		case ociTag(last):
			ref.Tag = last
		default:
			return OCIRef{}, "", false
		}
	case "blobs":
		if !ociDigest(last) {
			return OCIRef{}, "", false
		}
		ref.Digest, ref.Blob = last, true
	default:
		return OCIRef{}, "", false
	}
	return ref, KindArtifact, true
}

// ociRef builds the purl of an OCI artifact.
func ociRef(r OCIRef) pkgRef {
	name := r.Name[strings.LastIndexByte(r.Name, '/')+1:]
	return pkgRef{typ: packageurl.TypeOCI, name: strings.ToLower(name), version: r.Digest,
		quals: []string{qualRepositoryURL, r.Repository, "tag", r.Tag}}
}

// OCIPURL returns the purl of the OCI artifact at repository (registry and
// name) with digest, fetched by tag ("" when by digest).
func OCIPURL(repository, digest, tag string) string {
	name := repository
	if i := strings.IndexByte(repository, '/'); i >= 0 {
		name = repository[i+1:]
	}
	return ociRef(OCIRef{Name: name, Repository: repository, Digest: digest, Tag: tag}).String()
}

// ociNameComponent reports a path component of a repository name:
// [a-z0-9]+ with ".", "_", "__" or "-" runs as separators.
func ociNameComponent(s string) bool {
	if s == "" || len(s) > 255 || !isLower(s[0]) && !isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLower(c) || isDigit(c) || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	last := s[len(s)-1]
	return isLower(last) || isDigit(last)
}

// ociTag reports a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func ociTag(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// ociDigest reports a digest: ALGORITHM:HEX, with sha256 (64 hex digits)
// and sha512 (128) the algorithms registries use.
func ociDigest(s string) bool {
	alg, hex, ok := strings.Cut(s, ":")
	want := map[string]int{"sha256": 64, "sha512": 128}[alg]
	if !ok || want == 0 || len(hex) != want {
		return false
	}
	for i := 0; i < len(hex); i++ {
		c := hex[i]
		if !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
