package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemPub names pub.dev (Dart and Flutter).
const EcosystemPub = "pub"

// Pub recognises pub.dev (and pub.dartlang.org): package archives
// (/api/archives/NAME-VERSION.tar.gz, /packages/NAME/versions/VERSION.tar.gz)
// and the repository API's package documents, which name each version's
// archive_url and archive_sha256.
type Pub struct{}

// DefaultPub returns the pub.dev classifier.
func DefaultPub() *Pub { return &Pub{} }

// Ecosystem returns "pub".
func (c *Pub) Ecosystem() string { return EcosystemPub }

// Classify implements Classifier.
func (c *Pub) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var pubSites = []site{publicSite("pub.dev"), publicSite("pub.dartlang.org")}

func (c *Pub) classify(p *parsed) (Finding, bool) {
	_, rest, ok := matchSites(pubSites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemPub, KindAPI, pkgRef{}), true
	}
	n := len(rest)
	switch {
	case n == 3 && rest[0] == "api" && rest[1] == "archives":
		stem, ok := strings.CutSuffix(rest[2], ".tar.gz")
		if name, version, found := strings.Cut(stem, "-"); ok && found && pubName(name) && pubVersion(version) {
			return finding(p, EcosystemPub, KindArtifact, pubRef(name, version)), true
		}
	case n == 4 && rest[0] == "packages" && rest[2] == "versions" && strings.HasSuffix(rest[3], ".tar.gz"):
		version := strings.TrimSuffix(rest[3], ".tar.gz")
		if pubName(rest[1]) && pubVersion(version) {
			return finding(p, EcosystemPub, KindArtifact, pubRef(rest[1], version)), true
		}
	case n >= 3 && rest[0] == "api" && rest[1] == "packages" && pubName(rest[2]):
		version := ""
		if n == 5 && rest[3] == "versions" && pubVersion(rest[4]) {
			version = rest[4]
		}
		return finding(p, EcosystemPub, KindMetadata, pubRef(rest[2], version)), true
	case n >= 1 && rest[0] == "api":
		return finding(p, EcosystemPub, KindAPI, pkgRef{}), true
	}
	return unrecognised(p, EcosystemPub)
}

func pubRef(name, version string) pkgRef {
	return pkgRef{typ: packageurl.TypePub, name: name, version: version}
}

// pubName reports a valid package name: lower-case letters, digits and "_".
func pubName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

// pubVersion reports a semantic version as pub writes it.
func pubVersion(s string) bool { return startsWithDigit(s) && npmVersion(s) }
