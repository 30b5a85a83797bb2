package verify

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// A declaration is a fact registry metadata states about an artifact URL:
// "this URL is the file of that package version". It is recorded as a
// capture.Digest whose Source is SourceDeclared, Algorithm AlgPURL,
// Subject the artifact URL and Value the package's purl, so that readers
// that do not know it skip it like any digest of an unknown source.
const (
	// SourceDeclared marks a declaration.
	SourceDeclared = "declared"
	// AlgPURL is a declaration's "algorithm": its value is a purl.
	AlgPURL = "purl"
)

// declare returns the declaration that metadata names rawURL (resolved
// against base) as the file of purl; ok is false when either is empty.
func declare(p plan, rawURL, purl string) (capture.Digest, bool) {
	return declareAs(p, rawURL, purl, "")
}

// declareAs is declare for a purl whose type does not name its ecosystem
// (a Helm chart is pkg:generic): the declaration's algorithm is then
// "purl:ECOSYSTEM".
func declareAs(p plan, rawURL, purl, ecosystem string) (capture.Digest, bool) {
	u := resolveURL(p.base, rawURL)
	if urlkey.Key(u) == "" || purl == "" {
		return capture.Digest{}, false
	}
	alg := AlgPURL
	if ecosystem != "" {
		alg += ":" + ecosystem
	}
	return capture.Digest{Subject: u, Algorithm: alg, Value: purl, Source: SourceDeclared}, true
}

// declaredEcosystem returns the ecosystem a declaration's algorithm names
// ("" for a plain "purl": the purl's type), and whether alg is one.
func declaredEcosystem(alg string) (string, bool) {
	if alg == AlgPURL {
		return "", true
	}
	eco, ok := strings.CutPrefix(alg, AlgPURL+":")
	return eco, ok && eco != ""
}

// Attributed is a classifier that also knows which artifact URLs the
// registry metadata of one run declared for which package (Composer's dist
// zips on GitHub, npm tarballs on another host): a download of such a URL,
// or one a redirect from it led to, gets that package's purl when its own
// finding names no package of that type. Build it with Attribute.
type Attributed struct {
	c Classifier
	// declared maps URL keys to the declared purl and its ecosystem.
	declared map[string]classify.Finding
}

// Attribute returns c extended with the declarations recorded in l.
func Attribute(l *capture.Log, c Classifier) *Attributed {
	a := &Attributed{c: c, declared: map[string]classify.Finding{}}
	if l == nil {
		return a
	}
	xs := make([]*capture.Exchange, 0, len(l.Exchanges))
	for i := range l.Exchanges {
		x := &l.Exchanges[i]
		xs = append(xs, x)
		for _, d := range x.Digests {
			eco, isDecl := declaredEcosystem(d.Algorithm)
			if d.Source != SourceDeclared || !isDecl {
				continue
			}
			k := urlkey.Key(d.Subject)
			if _, seen := a.declared[k]; k == "" || seen {
				continue
			}
			if f, ok := declaredFinding(d.Value, eco); ok {
				a.declared[k] = f
			}
		}
	}
	if len(a.declared) == 0 {
		return a
	}
	// A declared URL that redirects passes its package on to the target.
	slices.SortStableFunc(xs, func(p, q *capture.Exchange) int { return cmp.Compare(p.ID, q.ID) })
	for _, x := range xs {
		if x.Status < 300 || x.Status > 399 || x.Location == "" || x.Method == http.MethodConnect {
			continue
		}
		f, ok := a.declared[urlkey.Key(x.URL)]
		if !ok {
			continue
		}
		if k := urlkey.Key(urlkey.Resolve(x.URL, x.Location)); k != "" {
			if _, seen := a.declared[k]; !seen {
				a.declared[k] = f
			}
		}
	}
	return a
}

// declaredFinding is the artifact finding of a declared purl, of the
// ecosystem eco ("": the purl's type).
func declaredFinding(purl, eco string) (classify.Finding, bool) {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Name == "" || p.Version == "" {
		return classify.Finding{}, false
	}
	if eco == "" {
		eco = p.Type
	}
	return classify.Finding{Kind: classify.KindArtifact, Ecosystem: eco, PURL: purl,
		Group: p.Namespace, Name: p.Name, Version: p.Version}, true
}

// Classify returns the finding of the wrapped classifier, or the declared
// package's when the request fetched a declared URL and its own finding
// is not another package's artifact of the same type: unclassified, a
// generic download, a GitHub archive, or the same package as the metadata
// states it more precisely (a NuGet flat container URL has the id
// lower-cased, the registration has it as published; a Hugging Face URL
// names a branch, the hub the commit it resolved to).
func (a *Attributed) Classify(r classify.Request) classify.Finding {
	f := a.c.Classify(r)
	if len(a.declared) == 0 || (f.Kind != classify.KindArtifact && f.Kind != classify.KindUnclassified) {
		return f
	}
	d, ok := a.declared[urlkey.Key(r.URL)]
	if !ok || (f.Kind == classify.KindArtifact && f.Ecosystem == d.Ecosystem && !samePackage(f, d)) {
		return f
	}
	d.URL = r.URL
	return d
}

// samePackage reports two findings of one package (namespace and name
// equal without regard to case), whatever their versions.
func samePackage(a, b classify.Finding) bool {
	return strings.EqualFold(a.Group, b.Group) && strings.EqualFold(a.Name, b.Name)
}
