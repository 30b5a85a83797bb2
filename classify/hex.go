package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemHex names Hex (Erlang and Elixir).
const EcosystemHex = "hex"

// Hex recognises repo.hex.pm: tarballs (/tarballs/NAME-VERSION.tar, or
// /repos/ORG/tarballs/… for an organisation's private packages), the
// signed registry resources (/names, /versions, /packages/NAME) and the
// hex.pm API.
type Hex struct{}

// DefaultHex returns the Hex classifier.
func DefaultHex() *Hex { return &Hex{} }

// Ecosystem returns "hex".
func (c *Hex) Ecosystem() string { return EcosystemHex }

// Classify implements Classifier.
func (c *Hex) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var hexSites = []site{publicSite("repo.hex.pm"), publicSite("hex.pm")}

func (c *Hex) classify(p *parsed) (Finding, bool) {
	s, rest, ok := matchSites(hexSites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir || s.host == "hex.pm" {
		return finding(p, EcosystemHex, KindAPI, pkgRef{}), true
	}
	org := ""
	if len(rest) >= 3 && rest[0] == "repos" {
		org, rest = rest[1], rest[2:]
		if !hexName(org) {
			return unrecognised(p, EcosystemHex)
		}
	}
	switch {
	case len(rest) == 2 && rest[0] == "tarballs":
		stem, ok := strings.CutSuffix(rest[1], ".tar")
		if name, version, found := strings.Cut(stem, "-"); ok && found && hexName(name) && startsWithDigit(version) && npmVersion(version) {
			return finding(p, EcosystemHex, KindArtifact, hexRef(org, name, version)), true
		}
	case len(rest) == 1 && (rest[0] == "names" || rest[0] == "versions" || rest[0] == "public_key"):
		return finding(p, EcosystemHex, KindMetadata, pkgRef{}), true
	case len(rest) == 2 && rest[0] == "packages" && hexName(rest[1]):
		return finding(p, EcosystemHex, KindMetadata, hexRef(org, rest[1], "")), true
	case len(rest) == 2 && rest[0] == "installs":
		return finding(p, EcosystemHex, KindMetadata, pkgRef{}), true
	}
	return unrecognised(p, EcosystemHex)
}

// hexRef is pkg:hex/[ORG/]NAME@VERSION, lower-cased as the spec says.
func hexRef(org, name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypeHex, namespace: strings.ToLower(org), name: strings.ToLower(name), version: version}
}

// hexName reports a package or organisation name: letters, digits, "_".
func hexName(s string) bool {
	if s == "" || len(s) > 128 || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}
