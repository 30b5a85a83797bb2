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
// finding names no package of that type. Build it with Attribute, or with
// NewAttributed, Declare and Done for a log read exchange by exchange.
type Attributed struct {
	c Classifier
	// declared maps URL keys to the declared purl and its ecosystem.
	declared map[string]classify.Finding
	// hops are the redirects of the run, from and to URL keys, each once
	// in the order first started, until Done.
	hops    [][2]string
	hopSeen map[[2]string]bool
}

// Attribute returns c extended with the declarations recorded in l.
func Attribute(l *capture.Log, c Classifier) *Attributed {
	a := NewAttributed(c)
	if l == nil {
		return a
	}
	xs := make([]*capture.Exchange, len(l.Exchanges))
	for i := range l.Exchanges {
		xs[i] = &l.Exchanges[i]
	}
	slices.SortStableFunc(xs, func(p, q *capture.Exchange) int { return cmp.Compare(p.ID, q.ID) })
	for _, x := range xs {
		a.Declare(x)
	}
	a.Done()
	return a
}

// NewAttributed returns c, to be extended with the declarations of a run's
// exchanges (Declare) before it classifies anything (Done).
func NewAttributed(c Classifier) *Attributed {
	return &Attributed{c: c, declared: map[string]classify.Finding{}}
}

// Declare reads the declarations recorded on x, the next exchange of the
// run in the order they started; the first declaration of a URL is kept.
func (a *Attributed) Declare(x *capture.Exchange) {
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
	if x.Status < 300 || x.Status > 399 || x.Location == "" || x.Method == http.MethodConnect {
		return
	}
	from, to := urlkey.Key(x.URL), urlkey.Key(urlkey.Resolve(x.URL, x.Location))
	if h := [2]string{from, to}; from != "" && to != "" && !a.hopSeen[h] {
		if a.hopSeen == nil {
			a.hopSeen = map[[2]string]bool{}
		}
		a.hopSeen[h] = true
		a.hops = append(a.hops, h)
	}
}

// Done ends the declarations: a declared URL that redirects passes its
// package on to the target.
func (a *Attributed) Done() {
	if len(a.declared) > 0 {
		for _, h := range a.hops {
			f, ok := a.declared[h[0]]
			if !ok {
				continue
			}
			if _, seen := a.declared[h[1]]; !seen {
				a.declared[h[1]] = f
			}
		}
	}
	a.hops, a.hopSeen = nil, nil
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
