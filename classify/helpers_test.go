package classify

import (
	"strings"
	"testing"

	"github.com/package-url/packageurl-go"
)

// row is one table test: a request and what depaudit must make of it.
type row struct {
	method, url string
	status      int
	ctype       string
	location    string

	kind Kind
	eco  string
	purl string
}

// get is a GET row with an unknown status.
func get(url string, kind Kind, eco, purl string) row {
	return row{url: url, kind: kind, eco: eco, purl: purl}
}

// none is a row no classifier recognises.
func none(url string) row { return row{url: url, kind: KindUnclassified} }

func (r row) request() Request {
	return Request{Method: r.method, URL: r.url, Status: r.status, ContentType: r.ctype, Location: r.location}
}

// builtin returns the default classifier of an ecosystem.
func builtin(eco string) []Classifier {
	var out []Classifier
	for _, c := range Default().Classifiers() {
		if c.Ecosystem() == eco {
			out = append(out, c)
		}
	}
	return out
}

// runRows checks every row through the default Set and, for recognised
// rows, through the ecosystem's own classifier.
func runRows(t *testing.T, rows []row) {
	t.Helper()
	set := Default()
	for _, r := range rows {
		name := r.method + " " + r.url
		t.Run(name, func(t *testing.T) {
			f := set.Classify(r.request())
			if f.URL != r.url {
				t.Errorf("URL = %q, want %q", f.URL, r.url)
			}
			if f.Kind != r.kind || f.Ecosystem != r.eco || f.PURL != r.purl {
				t.Fatalf("got  %s %s %s\nwant %s %s %s", f.Kind, f.Ecosystem, f.PURL, r.kind, r.eco, r.purl)
			}
			if f.PURL != "" {
				checkPURL(t, f)
			}
			if r.eco == "" {
				return
			}
			// The first of the ecosystem's classifiers that recognises
			// the request agrees with the Set.
			for _, c := range builtin(r.eco) {
				if g, ok := c.Classify(r.request()); ok {
					if g != f {
						t.Errorf("%s classifier alone: %+v; the Set said %+v", r.eco, g, f)
					}
					return
				}
			}
			t.Errorf("no %s classifier alone recognises the request", r.eco)
		})
	}
}

// purlTypes maps each ecosystem to the purl type it emits.
var purlTypes = map[string]string{
	EcosystemNPM:         packageurl.TypeNPM,
	EcosystemPyPI:        packageurl.TypePyPi,
	EcosystemGo:          packageurl.TypeGolang,
	EcosystemMaven:       packageurl.TypeMaven,
	EcosystemCargo:       packageurl.TypeCargo,
	EcosystemGitHub:      packageurl.TypeGithub,
	EcosystemGeneric:     packageurl.TypeGeneric,
	EcosystemGem:         packageurl.TypeGem,
	EcosystemComposer:    packageurl.TypeComposer,
	EcosystemNuGet:       packageurl.TypeNuget,
	EcosystemConda:       packageurl.TypeConda,
	EcosystemToolchain:   packageurl.TypeGeneric,
	EcosystemHelm:        packageurl.TypeGeneric,
	EcosystemDeb:         packageurl.TypeDebian,
	EcosystemOCI:         packageurl.TypeOCI,
	EcosystemRPM:         packageurl.TypeRPM,
	EcosystemHuggingFace: packageurl.TypeHuggingface,
	EcosystemPub:         packageurl.TypePub,
	EcosystemHex:         packageurl.TypeHex,
	EcosystemCRAN:        packageurl.TypeCran,
	EcosystemCocoaPods:   packageurl.TypeCocoapods,
	EcosystemAPK:         packageurl.TypeApk,
}

// checkPURL parses f.PURL back and checks it against the finding's fields:
// type, namespace, name and version agree, and printing the parsed purl
// gives the same string (Go purls: the same apart from case, because the
// library lower-cases Go module paths when it parses).
func checkPURL(t testing.TB, f Finding) {
	t.Helper()
	p, err := packageurl.FromString(f.PURL)
	if err != nil {
		t.Fatalf("purl %q does not parse: %v", f.PURL, err)
	}
	if want := purlTypes[f.Ecosystem]; p.Type != want {
		t.Fatalf("purl %q has type %q, want %q", f.PURL, p.Type, want)
	}
	if f.Ecosystem == EcosystemGo {
		if !strings.EqualFold(p.ToString(), f.PURL) || !strings.EqualFold(p.Namespace, f.Group) || !strings.EqualFold(p.Name, f.Name) || p.Version != f.Version {
			t.Fatalf("purl %q round-trips to %q (%q %q %q), finding has %q %q %q",
				f.PURL, p.ToString(), p.Namespace, p.Name, p.Version, f.Group, f.Name, f.Version)
		}
		return
	}
	if p.ToString() != f.PURL || p.Namespace != f.Group || p.Name != f.Name || p.Version != f.Version {
		t.Fatalf("purl %q round-trips to %q (%q %q %q), finding has %q %q %q",
			f.PURL, p.ToString(), p.Namespace, p.Name, p.Version, f.Group, f.Name, f.Version)
	}
}
