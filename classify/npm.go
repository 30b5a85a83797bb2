package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"
	"golang.org/x/mod/semver"
)

// NPM recognises the npm registry protocol: tarballs
// (/{name}/-/{name}-{version}.tgz, scoped /@{scope}/{name}/-/{name}-{version}.tgz),
// packuments (/{name}, /@{scope}%2f{name}), version documents and the
// registry's other endpoints (/-/…, writes).
type NPM struct {
	sites []site
	// anywhere recognises tarballs, by their layout alone, on any host.
	anywhere bool
}

// DefaultNPM recognises the public npm registry and its yarn mirror
// (registry.npmjs.org, registry.yarnpkg.com).
func DefaultNPM() *NPM {
	return &NPM{sites: []site{publicSite("registry.npmjs.org"), publicSite("registry.yarnpkg.com")}}
}

// NewNPM recognises an npm registry served under base (for example
// "https://nexus.example.com/repository/npm-proxy/"); its purls carry base as
// repository_url.
func NewNPM(base string) (*NPM, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("npm: %w", err)
	}
	return &NPM{sites: []site{s}}, nil
}

// Ecosystem returns "npm".
func (c *NPM) Ecosystem() string { return EcosystemNPM }

// Classify implements Classifier.
func (c *NPM) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *NPM) classify(p *parsed) (Finding, bool) {
	if c.anywhere {
		return npmAnywhere(p)
	}
	s, rest, ok := matchSites(c.sites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || len(rest) == 0 || rest[0] == "-" {
		// Publish, login, audit, search, whoami, dist-tags, the root.
		return finding(p, EcosystemNPM, KindAPI, pkgRef{}), true
	}
	if i := slices.Index(rest, "-"); i > 0 {
		scope, name, ok := npmName(rest[:i])
		if !ok {
			return unrecognised(p, EcosystemNPM)
		}
		version, ok := npmTarball(scope, name, rest[i+1:])
		if !ok {
			return unrecognised(p, EcosystemNPM)
		}
		return finding(p, EcosystemNPM, KindArtifact, npmRef(s, scope, name, version)), true
	}
	// Packument or version document: /{name}[/{version|tag}].
	n := 1
	if strings.HasPrefix(rest[0], "@") && !strings.Contains(rest[0], "/") {
		n = 2
	}
	if len(rest) < n || len(rest) > n+1 {
		return unrecognised(p, EcosystemNPM)
	}
	scope, name, ok := npmName(rest[:n])
	if !ok {
		return unrecognised(p, EcosystemNPM)
	}
	version := ""
	if len(rest) == n+1 && npmVersion(rest[n]) {
		version = rest[n]
	} else if len(rest) == n+1 && !cleanSegment(rest[n]) {
		return unrecognised(p, EcosystemNPM)
	}
	return finding(p, EcosystemNPM, KindMetadata, npmRef(s, scope, name, version)), true
}

// npmAnywhere recognises a tarball on any host by the registry layout
// .../{name}/-/{name}-{version}.tgz (scoped: .../@{scope}/{name}/-/…); the
// path before the name is the registry's, its repository_url.
func npmAnywhere(p *parsed) (Finding, bool) {
	n := len(p.segs)
	if !p.readOnly() || p.dir || n < 3 || p.segs[n-2] != "-" {
		return Finding{}, false
	}
	start := n - 3
	if start > 0 && strings.HasPrefix(p.segs[start-1], "@") {
		start--
	}
	scope, name, ok := npmName(p.segs[start : n-2])
	if !ok {
		return Finding{}, false
	}
	version, ok := npmTarball(scope, name, p.segs[n-1:])
	if !ok {
		return Finding{}, false
	}
	s := siteAt(p, start)
	return finding(p, EcosystemNPM, KindArtifact, npmRef(&s, scope, name, version)), true
}

func npmRef(s *site, scope, name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeNPM, namespace: scope, name: name, version: version,
		quals: []string{qualRepositoryURL, s.repositoryURL}}
}

// npmName reads a package name from its path segments: ["name"],
// ["@scope", "name"] or ["@scope/name"] (a decoded %2f).
func npmName(parts []string) (scope, name string, ok bool) {
	switch len(parts) {
	case 1:
		if strings.HasPrefix(parts[0], "@") {
			scope, name, ok = strings.Cut(parts[0], "/")
		} else {
			name, ok = parts[0], true
		}
	case 2:
		scope, name, ok = parts[0], parts[1], strings.HasPrefix(parts[0], "@")
	}
	if !ok || !cleanSegment(name) || strings.HasPrefix(name, "@") || strings.Contains(name, "/") {
		return "", "", false
	}
	if scope != "" && (len(scope) < 2 || !cleanSegment(scope) || strings.Contains(scope[1:], "@")) {
		return "", "", false
	}
	return scope, name, true
}

// npmTarball reads the version from a tarball's file segments: the file name
// is {name}-{version}.tgz; the known name is stripped, never split at a
// hyphen (versions such as 1.0.0-beta.1 contain hyphens). Some registries
// put the scope in front of the file name ("@scope/name-1.0.0.tgz").
func npmTarball(scope, name string, file []string) (string, bool) {
	switch {
	case len(file) == 1:
	case len(file) == 2 && scope != "" && file[0] == scope:
		file = file[1:]
	default:
		return "", false
	}
	f, ok := strings.CutSuffix(file[0], ".tgz")
	if !ok {
		return "", false
	}
	v, ok := strings.CutPrefix(f, name+"-")
	if !ok || !npmVersion(v) {
		return "", false
	}
	return v, true
}

// npmVersion reports a full semantic version (major.minor.patch with an
// optional pre-release and build), as the npm registry requires.
func npmVersion(v string) bool {
	if !startsWithDigit(v) || !semver.IsValid("v"+v) {
		return false
	}
	core := v
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	return strings.Count(core, ".") == 2
}

// unrecognised is the answer for a request to a known registry whose path
// does not parse: a downloadable-looking file is left to the generic
// classifier (so a human sees it), anything else is the registry's API.
func unrecognised(p *parsed, eco string) (Finding, bool) {
	if p.readOnly() && downloadExt(p.last()) != "" {
		return Finding{}, false
	}
	return finding(p, eco, KindAPI, pkgRef{}), true
}
