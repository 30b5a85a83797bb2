package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"
)

// PyPI recognises the Python package index: the simple index
// (/simple/{name}/), the JSON API (/pypi/{name}[/{version}]/json),
// distribution files (wheels and sdists, PEP 658 .metadata files, .asc
// signatures) and the index's other endpoints.
type PyPI struct {
	sites []pypiSite
	// anywhere recognises distributions, by their file names and layout
	// alone, on any host.
	anywhere bool
}

type pypiSite struct {
	site
	// index serves /simple/ and /pypi/…/json; files serves distributions.
	index, files bool
}

// DefaultPyPI recognises pypi.org (index and JSON API) and
// files.pythonhosted.org (files).
func DefaultPyPI() *PyPI {
	return &PyPI{sites: []pypiSite{
		{site: publicSite("pypi.org"), index: true},
		{site: publicSite("files.pythonhosted.org"), files: true},
	}}
}

// NewPyPI recognises a Python package index served under base (for example
// "https://nexus.example.com/repository/pypi-proxy/", whose simple index is
// base + "simple/"); its purls carry base as repository_url.
func NewPyPI(base string) (*PyPI, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("pypi: %w", err)
	}
	return &PyPI{sites: []pypiSite{{site: s, index: true, files: true}}}, nil
}

// Ecosystem returns "pypi".
func (c *PyPI) Ecosystem() string { return EcosystemPyPI }

// Classify implements Classifier.
func (c *PyPI) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *PyPI) classify(p *parsed) (Finding, bool) {
	if c.anywhere {
		return pypiAnywhere(p)
	}
	for i := range c.sites {
		s := &c.sites[i]
		rest, ok := s.match(p)
		if !ok {
			continue
		}
		if !p.readOnly() {
			return finding(p, EcosystemPyPI, KindAPI, pkgRef{}), true
		}
		if s.index {
			if f, ok := pypiIndex(p, &s.site, rest); ok {
				return f, true
			}
		}
		if s.files && !p.dir && len(rest) > 0 {
			if f, ok := pypiFile(p, &s.site, rest); ok {
				return f, true
			}
		}
		return unrecognised(p, EcosystemPyPI)
	}
	return Finding{}, false
}

// pypiIndex classifies the simple index and the JSON API.
func pypiIndex(p *parsed, s *site, rest []string) (Finding, bool) {
	if len(rest) == 0 {
		return Finding{}, false
	}
	switch rest[0] {
	case "simple", "+simple":
		switch len(rest) {
		case 1:
			return finding(p, EcosystemPyPI, KindMetadata, pkgRef{}), true
		case 2:
			if !pyName(rest[1]) {
				return Finding{}, false
			}
			return finding(p, EcosystemPyPI, KindMetadata, pypiRef(s, rest[1], "", "")), true
		}
	case "pypi":
		if rest[len(rest)-1] != "json" || !pyName(safeIndex(rest, 1)) {
			return Finding{}, false
		}
		switch len(rest) {
		case 3:
			return finding(p, EcosystemPyPI, KindMetadata, pypiRef(s, rest[1], "", "")), true
		case 4:
			if !pyVersion(rest[2]) {
				return Finding{}, false
			}
			return finding(p, EcosystemPyPI, KindMetadata, pypiRef(s, rest[1], rest[2], "")), true
		}
	}
	return Finding{}, false
}

func safeIndex(segs []string, i int) string {
	if i < len(segs) {
		return segs[i]
	}
	return ""
}

// pypiFile classifies a distribution file, its PEP 658 metadata and its
// signature.
func pypiFile(p *parsed, s *site, rest []string) (Finding, bool) {
	file := rest[len(rest)-1]
	// Legacy links name the project: /packages/source/{c}/{project}/{file}
	// and /packages/{pyver}/{c}/{project}/{file}.
	hint := ""
	if len(rest) == 5 && rest[0] == "packages" && len(rest[2]) == 1 && rest[3] != "" &&
		strings.EqualFold(rest[2], rest[3][:1]) {
		hint = rest[3]
	}
	kind := KindArtifact
	dist := file
	if f, ok := strings.CutSuffix(file, ".metadata"); ok {
		kind, dist = KindMetadata, f
	} else if f, ok := strings.CutSuffix(file, ".asc"); ok {
		kind, dist = KindSidecar, f
	}
	name, version, ok := pyDist(dist, hint)
	if !ok {
		return Finding{}, false
	}
	fileName := dist
	if kind == KindMetadata {
		fileName = ""
	}
	return finding(p, EcosystemPyPI, kind, pypiRef(s, name, version, fileName)), true
}

// pypiAnywhere recognises, on any host, a wheel (its file name is
// distinctive) anywhere and a source distribution under a /packages/
// layout; the path up to "packages" (or the wheel's directory) is the
// index's, its repository_url.
func pypiAnywhere(p *parsed) (Finding, bool) {
	n := len(p.segs)
	if !p.readOnly() || p.dir || n == 0 {
		return Finding{}, false
	}
	start := slices.Index(p.segs[:n-1], "packages")
	if start < 0 {
		if !strings.HasSuffix(p.segs[n-1], ".whl") {
			return Finding{}, false
		}
		start = n - 1
	}
	rest := p.segs[start:]
	if !strings.HasSuffix(p.segs[n-1], ".whl") && len(rest) != 5 {
		// An sdist's name is only distinctive in PyPI's layout:
		// /packages/{xx}/{yy}/{hash}/{file} or /packages/source/{c}/{project}/{file}.
		return Finding{}, false
	}
	s := siteAt(p, start)
	f, ok := pypiFile(p, &s, rest)
	if !ok || f.Kind != KindArtifact {
		return Finding{}, false
	}
	return f, true
}

func pypiRef(s *site, name, version, fileName string) pkgRef {
	return pkgRef{typ: packageurl.TypePyPi, name: name, version: version,
		quals: []string{qualFileName, fileName, qualRepositoryURL, s.repositoryURL}}
}

// sdistExts are the source distribution endings, current and legacy.
var sdistExts = [...]string{".tar.gz", ".tar.bz2", ".tar.xz", ".tar.Z", ".tgz", ".tbz", ".zip", ".tar"}

// pyDist reads the distribution name and version from a wheel, egg or
// sdist file name. hint, when not empty, is the project name the URL
// carries; it resolves legacy sdist names such as python-dateutil-2.8.2.
func pyDist(file, hint string) (name, version string, ok bool) {
	if stem, ok := strings.CutSuffix(file, ".whl"); ok {
		// {dist}-{ver}(-{build})?-{py}-{abi}-{plat}
		f := strings.Split(stem, "-")
		if len(f) != 5 && !(len(f) == 6 && startsWithDigit(f[2])) {
			return "", "", false
		}
		return checkPy(f[0], f[1])
	}
	if stem, ok := strings.CutSuffix(file, ".egg"); ok {
		// {dist}-{ver}(-py{X.Y}(-{plat})?)?
		f := strings.Split(stem, "-")
		if len(f) < 2 {
			return "", "", false
		}
		return checkPy(f[0], f[1])
	}
	for _, ext := range sdistExts {
		stem, ok := strings.CutSuffix(file, ext)
		if !ok {
			continue
		}
		if hint != "" {
			want := PEP503Name(hint)
			for i := strings.IndexByte(stem, '-'); i > 0; i = nextHyphen(stem, i) {
				if PEP503Name(stem[:i]) == want {
					return checkPy(stem[:i], stem[i+1:])
				}
			}
		}
		// Split at the rightmost "-" followed by a digit.
		for i := len(stem) - 2; i > 0; i-- {
			if stem[i] == '-' && isDigit(stem[i+1]) {
				return checkPy(stem[:i], stem[i+1:])
			}
		}
		return "", "", false
	}
	return "", "", false
}

func nextHyphen(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '-')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func checkPy(name, version string) (string, string, bool) {
	if !pyName(name) || !pyVersion(version) {
		return "", "", false
	}
	return name, version, true
}

// pyName reports a plausible distribution name: ASCII letters, digits,
// "-", "_" and ".", starting and ending with a letter or digit.
func pyName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return (isLetter(s[0]) || isDigit(s[0])) && (isLetter(s[len(s)-1]) || isDigit(s[len(s)-1]))
}

// pyVersion reports a plausible version: it starts with a digit and holds
// no character that a file name or URL segment would not.
func pyVersion(s string) bool {
	return startsWithDigit(s) && cleanSegment(s) && !strings.ContainsAny(s, "?#")
}
