package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// Ecosystem names, as Finding.Ecosystem and Classifier.Ecosystem report them.
const (
	EcosystemNPM     = "npm"
	EcosystemPyPI    = "pypi"
	EcosystemGo      = "golang"
	EcosystemMaven   = "maven"
	EcosystemCargo   = "cargo"
	EcosystemGitHub  = "github"
	EcosystemGeneric = "generic"
)

// Purl qualifier keys depaudit emits.
const (
	qualRepositoryURL = "repository_url"
	qualFileName      = "file_name"
	qualDownloadURL   = "download_url"
	qualClassifier    = "classifier"
	qualType          = "type"
)

// pkgRef is a package URL before it is printed.
type pkgRef struct {
	typ, namespace, name, version string
	// quals are key/value pairs; empty values are left out.
	quals []string
	// subpath is a path inside the package (a file of a model repository).
	subpath string
}

// canonical returns the purl with the type-specific rules depaudit applies:
// PyPI names PEP 503-normalised, GitHub owner and repository lower-cased,
// everything else (notably Go module paths) with its case kept.
// packageurl.PackageURL.Normalize is deliberately not called: it would
// lower-case Go module paths.
func (r pkgRef) canonical() packageurl.PackageURL {
	ns, name := r.namespace, r.name
	switch r.typ {
	case packageurl.TypePyPi:
		name = PEP503Name(name)
	case packageurl.TypeGithub:
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	}
	var qs packageurl.Qualifiers
	for i := 0; i+1 < len(r.quals); i += 2 {
		if r.quals[i+1] != "" {
			qs = append(qs, packageurl.Qualifier{Key: r.quals[i], Value: r.quals[i+1]})
		}
	}
	return packageurl.PackageURL{Type: r.typ, Namespace: ns, Name: name, Version: r.version, Qualifiers: qs, Subpath: r.subpath}
}

// String prints the canonical purl (qualifiers sorted by key).
func (r pkgRef) String() string {
	p := r.canonical()
	return p.ToString()
}

// finding builds the Finding for p; ref may be the zero pkgRef when the
// request names no package.
func finding(p *parsed, eco string, kind Kind, ref pkgRef) Finding {
	f := Finding{URL: p.req.URL, Kind: kind, Ecosystem: eco}
	if ref.name == "" {
		return f
	}
	c := ref.canonical()
	f.PURL = c.ToString()
	f.Group, f.Name, f.Version = c.Namespace, c.Name, c.Version
	return f
}

// PEP503Name normalises a Python distribution name as PEP 503 does: runs
// of "-", "_" and "." become one "-", letters are lower-cased.
func PEP503Name(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}
