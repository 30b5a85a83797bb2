package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemDeb names Debian and Ubuntu apt repositories.
const EcosystemDeb = "deb"

// Deb recognises apt repositories laid out as an archive root with dists/
// (Release files and indexes: metadata) and pool/ (packages: artifacts).
// A binary package .deb (or .udeb) becomes
// pkg:deb/{debian|ubuntu}/NAME@VERSION?arch=ARCH; the version is the one in
// the file name, which drops the epoch: the Packages index that lists the
// file restores it (see verify).
type Deb struct {
	sites []debSite
}

type debSite struct {
	site
	// vendor is the purl namespace: "debian" or "ubuntu".
	vendor string
}

// DefaultDeb recognises the Debian and Ubuntu archives: deb.debian.org,
// security.debian.org, archive.ubuntu.com, security.ubuntu.com and
// ports.ubuntu.com, over http and https.
func DefaultDeb() *Deb {
	return &Deb{sites: []debSite{
		{site: publicSite("deb.debian.org/debian"), vendor: "debian"},
		{site: publicSite("deb.debian.org/debian-security"), vendor: "debian"},
		{site: publicSite("deb.debian.org/debian-ports"), vendor: "debian"},
		{site: publicSite("security.debian.org/debian-security"), vendor: "debian"},
		{site: publicSite("security.debian.org"), vendor: "debian"},
		{site: publicSite("archive.ubuntu.com/ubuntu"), vendor: "ubuntu"},
		{site: publicSite("security.ubuntu.com/ubuntu"), vendor: "ubuntu"},
		{site: publicSite("ports.ubuntu.com/ubuntu-ports"), vendor: "ubuntu"},
		{site: publicSite("ports.ubuntu.com"), vendor: "ubuntu"},
	}}
}

// NewDeb recognises an apt mirror whose archive root (the directory that
// holds dists/ and pool/) is base. The purl namespace is "ubuntu" when the
// base URL names Ubuntu, else "debian".
func NewDeb(base string) (*Deb, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("deb: %w", err)
	}
	vendor := "debian"
	if strings.Contains(strings.ToLower(base), "ubuntu") {
		vendor = "ubuntu"
	}
	// An apt mirror serves the distribution's own packages: the purl is
	// the same wherever it was fetched, so no repository_url.
	s.repositoryURL = ""
	return &Deb{sites: []debSite{{site: s, vendor: vendor}}}, nil
}

// Ecosystem returns "deb".
func (c *Deb) Ecosystem() string { return EcosystemDeb }

// Classify implements Classifier.
func (c *Deb) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Deb) classify(p *parsed) (Finding, bool) {
	for i := range c.sites {
		s := &c.sites[i]
		rest, ok := s.match(p)
		if !ok {
			continue
		}
		if len(rest) == 0 {
			if s.prefix == nil {
				continue
			}
			return finding(p, EcosystemDeb, KindAPI, pkgRef{}), true
		}
		switch {
		case !p.readOnly():
			return finding(p, EcosystemDeb, KindAPI, pkgRef{}), true
		case rest[0] == "dists":
			return finding(p, EcosystemDeb, KindMetadata, pkgRef{}), true
		case rest[0] == "pool" && !p.dir:
			if ref, ok := ParseDebFile(rest[len(rest)-1]); ok && len(rest) >= 3 {
				ref.Namespace = s.vendor
				return finding(p, EcosystemDeb, KindArtifact, debRef(ref)), true
			}
		}
		if s.prefix == nil && rest[0] != "pool" {
			// A bare host (security.debian.org, ports.ubuntu.com) also
			// serves other archives under other roots.
			continue
		}
		return unrecognised(p, EcosystemDeb)
	}
	return Finding{}, false
}

// DebFile is what a pool file name says of a package.
type DebFile struct {
	// Namespace is the vendor ("debian", "ubuntu"), set by the caller.
	Namespace string
	// Name is the binary package's name, or the source package's for a
	// source file.
	Name string
	// Version is the version as the file name carries it: without the
	// epoch (unless the archive percent-encoded one into the name), and for
	// an .orig tarball only the upstream version.
	Version string
	// Arch is the architecture ("amd64", "all", …), "source" for the files
	// of a source package.
	Arch string
}

// sourceExts end the files of a source package, longest first where one
// ends another.
var sourceExts = []string{".dsc", ".diff.gz", ".debian.tar.xz", ".debian.tar.gz", ".debian.tar.bz2",
	".tar.xz", ".tar.gz", ".tar.bz2", ".tar.lzma", ".tar.zst"}

// ParseDebFile reads a pool file name: NAME_VERSION_ARCH.deb (or .udeb,
// .ddeb) for a binary package, NAME_VERSION.dsc and the tarballs next to it
// for a source package.
func ParseDebFile(file string) (DebFile, bool) {
	for _, ext := range []string{".deb", ".udeb", ".ddeb"} {
		stem, ok := strings.CutSuffix(file, ext)
		if !ok {
			continue
		}
		parts := strings.Split(stem, "_")
		if len(parts) != 3 || !debName(parts[0]) || !debVersion(parts[1]) || !debArch(parts[2]) {
			return DebFile{}, false
		}
		return DebFile{Name: parts[0], Version: parts[1], Arch: parts[2]}, true
	}
	for _, ext := range sourceExts {
		stem, ok := strings.CutSuffix(file, ext)
		if !ok {
			continue
		}
		// NAME_VERSION.orig.tar.gz, NAME_VERSION.orig-COMPONENT.tar.gz
		if i := strings.Index(stem, ".orig"); i > 0 && strings.HasPrefix(ext, ".tar") {
			stem = stem[:i]
		}
		name, version, ok := strings.Cut(stem, "_")
		if !ok || !debName(name) || !debVersion(version) {
			return DebFile{}, false
		}
		return DebFile{Name: name, Version: version, Arch: "source"}, true
	}
	return DebFile{}, false
}

// debRef builds the purl of a Debian package.
func debRef(f DebFile) pkgRef {
	return pkgRef{typ: packageurl.TypeDebian, namespace: f.Namespace, name: f.Name, version: f.Version,
		quals: []string{"arch", f.Arch}}
}

// DebPURL returns the purl of a Debian package with version (epoch
// included, as the Packages index gives it) and, when known, the
// distribution's codename.
func DebPURL(vendor, name, version, arch, distro string) string {
	r := debRef(DebFile{Namespace: vendor, Name: name, Version: version, Arch: arch})
	r.quals = append(r.quals, "distro", distro)
	return r.String()
}

// debName reports a Debian package name: lower-case letters, digits, "+",
// "-" and ".", starting with a letter or digit.
func debName(s string) bool {
	if s == "" || len(s) > 128 || !(isLower(s[0]) || isDigit(s[0])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLower(c) || isDigit(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// debVersion reports a Debian version: letters, digits and ".+~-:",
// starting with a digit.
func debVersion(s string) bool {
	if !startsWithDigit(s) || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || strings.IndexByte(".+~-:", c) >= 0) {
			return false
		}
	}
	return true
}

// debArch reports an architecture name: lower-case letters, digits and "-".
func debArch(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLower(c) || isDigit(c) || c == '-') {
			return false
		}
	}
	return true
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
