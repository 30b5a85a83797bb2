package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// Cargo recognises crates.io: crate downloads from the CDN
// (/crates/{n}/{n}-{v}.crate, /crates/{n}/{v}/download) and through the
// redirecting API (/api/v1/crates/{n}/{v}/download), the sparse index
// (config.json and the per-crate files) and the other API endpoints.
type Cargo struct {
	sites []cargoSite
	// anywhere recognises crate downloads, by their layout alone, on any
	// host.
	anywhere bool
}

type cargoSite struct {
	site
	// index serves config.json and the sparse index, dl the crate files,
	// api the web API (including the redirecting download endpoint).
	index, dl, api bool
}

// DefaultCargo recognises index.crates.io, static.crates.io and crates.io.
func DefaultCargo() *Cargo {
	return &Cargo{sites: []cargoSite{
		{site: publicSite("index.crates.io"), index: true},
		{site: publicSite("static.crates.io"), dl: true},
		{site: publicSite("crates.io"), api: true},
	}}
}

// NewCargo recognises a Cargo registry served under base, index and
// downloads alike (for example "https://cargo.example.com/index/"); its
// purls carry base as repository_url.
func NewCargo(base string) (*Cargo, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("cargo: %w", err)
	}
	return &Cargo{sites: []cargoSite{{site: s, index: true, dl: true, api: true}}}, nil
}

// Ecosystem returns "cargo".
func (c *Cargo) Ecosystem() string { return EcosystemCargo }

// Classify implements Classifier.
func (c *Cargo) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Cargo) classify(p *parsed) (Finding, bool) {
	if c.anywhere {
		return cargoAnywhere(p)
	}
	for i := range c.sites {
		s := &c.sites[i]
		rest, ok := s.match(p)
		if !ok {
			continue
		}
		if !p.readOnly() || p.dir {
			return finding(p, EcosystemCargo, KindAPI, pkgRef{}), true
		}
		if s.api && len(rest) == 6 && rest[0] == "api" && rest[1] == "v1" && rest[2] == "crates" && rest[5] == "download" {
			if crateName(rest[3]) && npmVersion(rest[4]) {
				return finding(p, EcosystemCargo, KindArtifact, cargoRef(&s.site, rest[3], rest[4])), true
			}
		}
		if s.dl {
			if name, version, ok := crateFile(rest, s.repositoryURL == ""); ok {
				return finding(p, EcosystemCargo, KindArtifact, cargoRef(&s.site, name, version)), true
			}
		}
		if s.index {
			if len(rest) == 1 && rest[0] == "config.json" {
				return finding(p, EcosystemCargo, KindMetadata, pkgRef{}), true
			}
			if name, ok := sparseIndexPath(rest); ok {
				return finding(p, EcosystemCargo, KindMetadata, cargoRef(&s.site, name, "")), true
			}
		}
		if s.api && len(rest) > 0 && rest[0] == "api" {
			return finding(p, EcosystemCargo, KindAPI, pkgRef{}), true
		}
		return unrecognised(p, EcosystemCargo)
	}
	return Finding{}, false
}

// cargoAnywhere recognises a crate download on any host:
// .../api/v1/crates/{name}/{version}/download (the registry's path before
// "api" is its repository_url) or .../{name}/{name}-{version}.crate (the
// path before the name).
func cargoAnywhere(p *parsed) (Finding, bool) {
	n := len(p.segs)
	if !p.readOnly() || p.dir || n < 2 {
		return Finding{}, false
	}
	start := n - 2
	if n >= 6 && p.segs[n-6] == "api" && p.segs[n-5] == "v1" && p.segs[n-4] == "crates" && p.segs[n-1] == "download" {
		start = n - 6
	} else if !strings.HasSuffix(p.segs[n-1], ".crate") {
		return Finding{}, false
	}
	name, version, ok := crateFile(p.segs[start:], false)
	if !ok {
		return Finding{}, false
	}
	s := siteAt(p, start)
	return finding(p, EcosystemCargo, KindArtifact, cargoRef(&s, name, version)), true
}

func cargoRef(s *site, name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeCargo, name: name, version: version,
		quals: []string{qualRepositoryURL, s.repositoryURL}}
}

// crateFile reads a crate download path: .../{n}/{n}-{v}.crate or
// .../{n}/{v}/download; on crates.io's CDN (exact) the path is exactly
// /crates/… .
func crateFile(rest []string, exact bool) (name, version string, ok bool) {
	n := len(rest)
	if n >= 2 && strings.HasSuffix(rest[n-1], ".crate") && (!exact || (n == 3 && rest[0] == "crates")) {
		name = rest[n-2]
		v, ok := strings.CutPrefix(strings.TrimSuffix(rest[n-1], ".crate"), name+"-")
		if ok && crateName(name) && npmVersion(v) {
			return name, v, true
		}
		return "", "", false
	}
	if n >= 3 && rest[n-1] == "download" && (!exact || (n == 4 && rest[0] == "crates")) {
		name, version = rest[n-3], rest[n-2]
		if crateName(name) && npmVersion(version) {
			return name, version, true
		}
	}
	return "", "", false
}

// sparseIndexPath reads a sparse index file path: 1/{n}, 2/{n}, 3/{c}/{n}
// or {ab}/{cd}/{n} for names of four or more characters (lower-cased).
func sparseIndexPath(rest []string) (string, bool) {
	if len(rest) < 2 {
		return "", false
	}
	name := rest[len(rest)-1]
	if !crateName(name) || strings.ToLower(name) != name {
		return "", false
	}
	var want []string
	switch len(name) {
	case 1:
		want = []string{"1"}
	case 2:
		want = []string{"2"}
	case 3:
		want = []string{"3", name[:1]}
	default:
		want = []string{name[:2], name[2:4]}
	}
	if len(rest) != len(want)+1 {
		return "", false
	}
	for i, w := range want {
		if rest[i] != w {
			return "", false
		}
	}
	return name, true
}

// crateName reports a valid crate name: ASCII letters, digits, "-" and "_",
// starting with a letter, at most 64 characters.
func crateName(s string) bool {
	if s == "" || len(s) > 64 || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
