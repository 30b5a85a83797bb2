package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemCRAN names CRAN (R).
const EcosystemCRAN = "cran"

// CRAN recognises CRAN and its mirrors: source packages
// (/src/contrib/NAME_VERSION.tar.gz and /src/contrib/Archive/NAME/…) and
// the repository index (/src/contrib/PACKAGES, .gz, .rds), which lists each
// package's MD5sum.
type CRAN struct{}

// DefaultCRAN returns the CRAN classifier.
func DefaultCRAN() *CRAN { return &CRAN{} }

// Ecosystem returns "cran".
func (c *CRAN) Ecosystem() string { return EcosystemCRAN }

// Classify implements Classifier.
func (c *CRAN) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var cranSites = []site{publicSite("cran.r-project.org"), publicSite("cloud.r-project.org"), publicSite("cran.rstudio.com")}

func (c *CRAN) classify(p *parsed) (Finding, bool) {
	_, rest, ok := matchSites(cranSites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemCRAN, KindAPI, pkgRef{}), true
	}
	if len(rest) >= 3 && rest[0] == "src" && rest[1] == "contrib" {
		file := rest[len(rest)-1]
		switch {
		case strings.HasPrefix(file, "PACKAGES"):
			return finding(p, EcosystemCRAN, KindMetadata, pkgRef{}), true
		case len(rest) == 3 || (len(rest) == 5 && rest[2] == "Archive"):
			if name, version, ok := CRANFile(file); ok && (len(rest) == 3 || rest[3] == name) {
				return finding(p, EcosystemCRAN, KindArtifact, pkgRef{typ: packageurl.TypeCran, name: name, version: version}), true
			}
		}
	}
	return unrecognised(p, EcosystemCRAN)
}

// CRANFile takes apart a source package's file name, NAME_VERSION.tar.gz.
func CRANFile(file string) (name, version string, ok bool) {
	stem, found := strings.CutSuffix(file, ".tar.gz")
	if !found {
		return "", "", false
	}
	name, version, found = strings.Cut(stem, "_")
	if !found || name == "" || !isLetter(name[0]) || !startsWithDigit(version) {
		return "", "", false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(isLetter(c) || isDigit(c) || c == '.') {
			return "", "", false
		}
	}
	for i := 0; i < len(version); i++ {
		if c := version[i]; !(isDigit(c) || c == '.' || c == '-') {
			return "", "", false
		}
	}
	return name, version, true
}
