package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemGem names RubyGems.
const EcosystemGem = "gem"

// qualPlatform is the gem purl's platform qualifier.
const qualPlatform = "platform"

// Gem recognises RubyGems servers: gem files (/gems/NAME-VERSION[-PLATFORM].gem),
// the compact index (/versions, /names, /info/NAME), the legacy index
// (specs.4.8.gz, quick/Marshal.4.8/*.gemspec.rz) and the JSON API.
type Gem struct {
	sites []site
}

// DefaultGem recognises rubygems.org and index.rubygems.org (where gem
// sends its compact index requests for rubygems.org).
func DefaultGem() *Gem {
	return &Gem{sites: []site{publicSite("rubygems.org"), publicSite("index.rubygems.org")}}
}

// NewGem recognises a gem server (Gemstash, Artifactory, Nexus, a gem
// mirror) served under base, such as "https://gems.example.com/private/";
// its purls carry base as repository_url.
func NewGem(base string) (*Gem, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("gem: %w", err)
	}
	return &Gem{sites: []site{s}}, nil
}

// Ecosystem returns "gem".
func (g *Gem) Ecosystem() string { return EcosystemGem }

// Classify implements Classifier.
func (g *Gem) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return g.classify(p)
}

func (g *Gem) classify(p *parsed) (Finding, bool) {
	s, rest, ok := matchSites(g.sites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() {
		return finding(p, EcosystemGem, KindAPI, pkgRef{}), true
	}
	n := len(rest)
	switch {
	case n == 2 && rest[0] == "gems" && !p.dir:
		if name, version, platform, ok := GemFile(rest[1]); ok {
			return finding(p, EcosystemGem, KindArtifact, gemRef(s, name, version, platform)), true
		}
	case n == 1 && !p.dir && (rest[0] == "versions" || rest[0] == "names"):
		return finding(p, EcosystemGem, KindMetadata, pkgRef{}), true
	case n == 2 && rest[0] == "info" && !p.dir && gemName(rest[1]):
		return finding(p, EcosystemGem, KindMetadata, gemRef(s, rest[1], "", "")), true
	case n == 1 && !p.dir && isGemSpecsIndex(rest[0]):
		return finding(p, EcosystemGem, KindMetadata, pkgRef{}), true
	case n == 3 && rest[0] == "quick" && strings.HasPrefix(rest[1], "Marshal.") && !p.dir:
		stem, ok := strings.CutSuffix(rest[2], ".gemspec.rz")
		if name, version, platform, ok2 := gemFullName(stem); ok && ok2 {
			return finding(p, EcosystemGem, KindMetadata, gemRef(s, name, version, platform)), true
		}
		return finding(p, EcosystemGem, KindMetadata, pkgRef{}), true
	case n >= 2 && rest[0] == "api":
		// /api/v1/dependencies, /api/v1/versions/NAME.json,
		// /api/v2/rubygems/NAME/versions/V.json describe gems; the rest
		// (search, owners, push) is the registry's other API.
		if n >= 3 && (rest[2] == "dependencies" || rest[2] == "versions" || rest[2] == "rubygems" || rest[2] == "gems") {
			return finding(p, EcosystemGem, KindMetadata, pkgRef{}), true
		}
		return finding(p, EcosystemGem, KindAPI, pkgRef{}), true
	}
	// rubygems.org's web pages, sign-in and the like; a download the
	// layout does not explain is left to the generic classifier.
	return unrecognised(p, EcosystemGem)
}

// isGemSpecsIndex reports the legacy index files: specs.4.8(.gz),
// latest_specs.4.8(.gz), prerelease_specs.4.8(.gz).
func isGemSpecsIndex(f string) bool {
	f = strings.TrimSuffix(f, ".gz")
	for _, p := range [...]string{"specs.", "latest_specs.", "prerelease_specs."} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

func gemRef(s *site, name, version, platform string) pkgRef {
	if platform == "ruby" {
		platform = ""
	}
	return pkgRef{typ: packageurl.TypeGem, name: name, version: version,
		quals: []string{qualPlatform, platform, qualRepositoryURL, s.repositoryURL}}
}

// GemFile takes apart a gem file name, NAME-VERSION[-PLATFORM].gem (the
// platform is left out for "ruby" gems). Names and platforms may contain
// "-", versions may not: the version is the first "-"-separated token,
// after the first, that reads as a version.
func GemFile(file string) (name, version, platform string, ok bool) {
	stem, found := strings.CutSuffix(file, ".gem")
	if !found {
		return "", "", "", false
	}
	return gemFullName(stem)
}

// gemFullName takes apart NAME-VERSION[-PLATFORM].
func gemFullName(stem string) (name, version, platform string, ok bool) {
	parts := strings.Split(stem, "-")
	for i := 1; i < len(parts); i++ {
		if !gemVersion(parts[i]) {
			continue
		}
		name = strings.Join(parts[:i], "-")
		version = parts[i]
		platform = strings.Join(parts[i+1:], "-")
		if !gemName(name) || (i+1 < len(parts) && !gemPlatform(platform)) {
			return "", "", "", false
		}
		return name, version, platform, true
	}
	return "", "", "", false
}

// gemName reports a valid gem name: letters, digits, ".", "-" and "_",
// with a letter or digit somewhere (RubyGems' own rule is
// /\A[a-zA-Z0-9\.\-\_]+\z/ plus "not only punctuation").
func gemName(s string) bool {
	if s == "" || len(s) > 200 || !cleanSegment(s) {
		return false
	}
	alnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c) || isDigit(c):
			alnum = true
		case c == '.' || c == '-' || c == '_':
		default:
			return false
		}
	}
	return alnum
}

// gemVersion reports a version Gem::Version accepts as a file name carries
// it: a number, then "."-separated segments of letters and digits (a "-"
// would split it in the file name).
func gemVersion(s string) bool {
	if !startsWithDigit(s) || len(s) > 128 {
		return false
	}
	first, rest, _ := strings.Cut(s, ".")
	for i := 0; i < len(first); i++ {
		if !isDigit(first[i]) {
			return false
		}
	}
	if rest == "" {
		return !strings.HasSuffix(s, ".")
	}
	for _, seg := range strings.Split(rest, ".") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if !(isLetter(seg[i]) || isDigit(seg[i])) {
				return false
			}
		}
	}
	return true
}

// gemPlatform reports a platform string as file names carry it
// (x86_64-linux, arm64-darwin, java, x64-mingw-ucrt, universal-darwin-22).
func gemPlatform(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
