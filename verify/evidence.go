package verify

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/observe"
)

// published is one digest a registry published.
type published struct {
	alg, value string
	// source describes the metadata it came from.
	source string
}

// body is what is known of the bytes with one SHA-256.
type body struct {
	sha512, sha1 string
	// urls are the matching keys of the URLs the bytes were fetched from,
	// in the order first seen (urlSet holds them too: many URLs can
	// answer the same bytes, "{}" from a thousand API calls).
	urls   []string
	urlSet map[string]bool
	// computed are the digests computed over the bytes, by algorithm.
	computed map[string]string
	// subjects are the subjects of the computed digests.
	subjects []string
}

// addURL adds the URL key u to b's, unless it is empty or there.
func (b *body) addURL(u string) {
	if u == "" || b.urlSet[u] {
		return
	}
	if b.urlSet == nil {
		b.urlSet = map[string]bool{}
	}
	b.urlSet[u] = true
	b.urls = append(b.urls, u)
}

// artifactRef is one artifact download seen in the log.
type artifactRef struct {
	purl, sha256, url string
}

// keyKind says what an index key names.
type keyKind uint8

// The kinds of index keys.
const (
	// keyURL is the urlkey.Key of a URL.
	keyURL keyKind = iota + 1
	// keyPURL is a package URL as written.
	keyPURL
	// keyBarePURL is a package URL without repository_url or download_url.
	keyBarePURL
	// keySubject is a digest's subject as recorded, such as the Go checksum
	// database's "golang:MODULE@VERSION" and ".../go.mod".
	keySubject
)

// indexKey is one key of the published digests' index.
type indexKey struct {
	kind  keyKind
	value string
}

// Evidence is every digest a run recorded, published and computed, indexed
// for checking artifacts. Build it with Collect; it is safe for concurrent
// use.
type Evidence struct {
	c Classifier

	mu        sync.Mutex
	published map[indexKey][]published
	bodies    map[string]*body
	// computed holds computed digests by subject (the go.mod h1s).
	computed  map[string][]string
	artifacts []artifactRef
	// metadata are the metadata downloads whose own digest a registry
	// publishes (apt indexes).
	metadata []artifactRef
	// refs are the artifacts and metadata listed, each once however often
	// it was downloaded.
	refs map[artifactRef]bool
	deb  debFacts
	oci  ociFacts
	rpm  rpmFacts
	// requires holds what each package's metadata says it depends on, by
	// fact subject ("golang:MODULE@VERSION", an npm or cargo purl,
	// "maven:G:A:V"); manifests the manifests read (package.json,
	// Cargo.toml), licenses the licences stated, parents each POM's parent.
	requires  map[string][]string
	manifests map[string]string
	licenses  map[string][]string
	parents   map[string]string
	// maven holds the other facts of Maven POMs, by fact name
	// (FactMavenDependency, FactMavenManaged, FactMavenProperty) and
	// subject, in the order stated.
	maven map[string]map[string][]string
	// withheld says, by purl, why Fetch did not look an artifact up: the
	// build kept its name from the service (a private Go module).
	withheld map[string]string
}

// Collect reads the digests recorded on the observed exchanges, each
// judged by the finding it is attributed to (observe.Attribute), so that
// an artifact a redirect led to is verified as the package it is. c
// classifies the URLs that published digests name (a packument's
// tarball URL, an OCI manifest's parent), to index them by package URL
// too.
func Collect(obs []observe.Observation, c Classifier) *Evidence {
	e := NewEvidence(c)
	for i := range obs {
		e.Add(&obs[i])
	}
	return e
}

// NewEvidence returns an Evidence that observations are added to one at a
// time, in the order they started (Collect does it for a slice); c is as
// for Collect.
func NewEvidence(c Classifier) *Evidence {
	return &Evidence{c: c, published: map[indexKey][]published{}, bodies: map[string]*body{}, computed: map[string][]string{},
		refs: map[artifactRef]bool{}}
}

// Add indexes one observation. It keeps what the exchange's digests and
// body say, not the exchange.
func (e *Evidence) Add(o *observe.Observation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if o.Tunnel() {
		return
	}
	x, f := o.Exchange, o.Finding
	p := planFor(f, x.URL, x.ContentType)
	if o.Inherited && o.RedirectedFrom != "" {
		// Digests read from a CDN body are described as the inspector
		// read them: as the body of the URL that redirected there.
		p = planFor(f, o.RedirectedFrom, x.ContentType)
	}
	sum := normalHex(AlgSHA256, x.SHA256)
	whole := x.Complete && x.Error == "" && x.Status >= 200 && x.Status < 300 && sum != ""
	var b *body
	if whole {
		b = e.bodies[sum]
		if b == nil {
			b = &body{computed: map[string]string{}}
			e.bodies[sum] = b
		}
		b.sha512 = cmp.Or(b.sha512, normalHex(AlgSHA512, x.SHA512))
		b.sha1 = cmp.Or(b.sha1, normalHex(AlgSHA1, x.SHA1))
		if k := urlkey.Key(x.URL); k != "" {
			for _, u := range []string{k, reencodedURLKey(x.URL)} {
				b.addURL(u)
			}
			for _, v := range o.Via {
				b.addURL(urlkey.Key(v))
			}
		}
		if f.Kind == classify.KindArtifact && f.PURL != "" && x.Method != http.MethodHead {
			e.addRef(&e.artifacts, artifactRef{purl: f.PURL, sha256: sum, url: x.URL})
		}
		if selfVerifyingMetadata(f) && x.Method != http.MethodHead {
			e.addRef(&e.metadata, artifactRef{sha256: sum, url: x.URL})
		}
	}
	e.deb.add(p, x)
	e.addOCI(f, x, whole)
	e.rpm.addRecords(x.Digests)
	for _, d := range x.Digests {
		if d.Source != SourceFact {
			continue
		}
		switch {
		case d.Algorithm == FactRequires:
			if e.requires == nil {
				e.requires = map[string][]string{}
			}
			e.requires[d.Subject] = appendNew(e.requires[d.Subject], d.Value)
		case d.Algorithm == FactManifest:
			if e.manifests == nil {
				e.manifests = map[string]string{}
			}
			e.manifests[d.Subject] = d.Value
		case d.Algorithm == FactMavenParent:
			if e.parents == nil {
				e.parents = map[string]string{}
			}
			e.parents[d.Subject] = d.Value
		case d.Algorithm == FactMavenDependency || d.Algorithm == FactMavenManaged || d.Algorithm == FactMavenProperty:
			if e.maven == nil {
				e.maven = map[string]map[string][]string{}
			}
			if e.maven[d.Algorithm] == nil {
				e.maven[d.Algorithm] = map[string][]string{}
			}
			e.maven[d.Algorithm][d.Subject] = append(e.maven[d.Algorithm][d.Subject], d.Value)
		case d.Algorithm == FactLicense:
			if e.licenses == nil {
				e.licenses = map[string][]string{}
			}
			e.licenses[d.Subject] = appendNew(e.licenses[d.Subject], d.Value)
		}
	}
	for _, d := range x.Digests {
		switch d.Source {
		case SourcePublished:
			e.addPublished(d, p.describe(d.Algorithm))
		case SourceComputed:
			if b == nil {
				continue
			}
			b.computed[d.Algorithm] = d.Value
			if !slices.Contains(b.subjects, d.Subject) {
				b.subjects = append(b.subjects, d.Subject)
			}
			if strings.HasPrefix(d.Subject, goSubjectPrefix) && d.Algorithm == AlgH1 {
				e.computed[d.Subject] = appendNew(e.computed[d.Subject], d.Value)
			}
		}
	}
}

// addRef appends ref to *list unless it is listed already.
func (e *Evidence) addRef(list *[]artifactRef, ref artifactRef) {
	if !e.refs[ref] {
		e.refs[ref] = true
		*list = append(*list, ref)
	}
}

// addPublished indexes a published digest under every key of its subject.
func (e *Evidence) addPublished(d capture.Digest, source string) {
	pub := published{alg: strings.ToLower(d.Algorithm), value: d.Value, source: source}
	if pub.alg != AlgH1 {
		pub.value = strings.ToLower(pub.value)
	}
	for _, k := range e.subjectKeys(d.Subject) {
		if !slices.Contains(e.published[k], pub) {
			e.published[k] = append(e.published[k], pub)
		}
	}
}

// subjectKeys are the index keys of a digest's subject: a URL is also
// indexed by the purl it classifies as, a purl also by its bare form.
func (e *Evidence) subjectKeys(subject string) []indexKey {
	switch {
	case strings.HasPrefix(subject, goSubjectPrefix):
		return []indexKey{{keySubject, subject}}
	case strings.HasPrefix(subject, "pkg:"):
		return purlKeys(subject)
	}
	k := urlkey.Key(subject)
	if k == "" {
		return nil
	}
	keys := []indexKey{{keyURL, k}}
	if f := e.c.Classify(classify.Request{URL: subject}); f.Kind == classify.KindArtifact && f.PURL != "" {
		keys = append(keys, purlKeys(f.PURL)...)
	}
	return keys
}

// purlKeys are the keys of a purl: itself, its bare form (no
// repository_url or download_url), and for Go modules the checksum
// database's "golang:MODULE@VERSION".
func purlKeys(purl string) []indexKey {
	keys := []indexKey{{keyPURL, purl}}
	if b := barePURL(purl); b != "" {
		keys = append(keys, indexKey{keyBarePURL, b})
	}
	if g := goSubject(purl); g != "" {
		keys = append(keys, indexKey{keySubject, g})
	}
	return keys
}

// barePURL drops the qualifiers that say where a package came from, not
// which file it is.
func barePURL(purl string) string {
	p, err := classify.ParsePURL(purl)
	if err != nil {
		return ""
	}
	var qs packageurl.Qualifiers
	for _, q := range p.Qualifiers {
		if q.Key != "repository_url" && q.Key != "download_url" {
			qs = append(qs, q)
		}
	}
	p.Qualifiers = qs
	return p.ToString()
}

// goSubject is "golang:MODULE@VERSION" for a Go module purl, else "".
func goSubject(purl string) string {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Type != packageurl.TypeGolang || p.Version == "" {
		return ""
	}
	mod := p.Name
	if p.Namespace != "" {
		mod = p.Namespace + "/" + p.Name
	}
	return goSubjectPrefix + mod + "@" + p.Version
}

// Check gives the verdict of the artifact purl whose bytes have the given
// SHA-256: every published digest that names the artifact (by URL, purl or
// Go module version) is compared with the same digest of the bytes.
func (e *Evidence) Check(purl, sha256 string) Verdict {
	e.mu.Lock()
	defer e.mu.Unlock()
	sha256 = strings.ToLower(sha256)
	v := Verdict{PURL: purl, SHA256: sha256}
	b := e.bodies[sha256]
	if b == nil {
		b = &body{}
	}
	v.GoH1 = b.computed[AlgH1]
	var keys []indexKey
	for _, u := range b.urls {
		keys = append(keys, indexKey{keyURL, u})
	}
	for _, s := range b.subjects {
		keys = append(keys, indexKey{keySubject, s})
	}
	keys = append(keys, indexKey{keyPURL, purl})
	if g := goSubject(purl); g != "" {
		keys = append(keys, indexKey{keySubject, g})
	}
	pubs := e.gather(keys)
	if len(pubs) == 0 {
		if bare := barePURL(purl); bare != "" {
			pubs = e.gather([]indexKey{{keyBarePURL, bare}})
		}
	}
	received := func(alg string) string {
		switch alg {
		case AlgSHA256:
			return sha256
		case AlgSHA512:
			return b.sha512
		case AlgSHA1:
			return b.sha1
		}
		return b.computed[alg]
	}
	var uncompared []string
	for _, p := range pubs {
		got := received(p.alg)
		switch {
		case got == "":
			uncompared = appendNew(uncompared, p.alg)
		case got == p.value:
			v.Sources = appendNew(v.Sources, p.source)
		default:
			v.Mismatches = append(v.Mismatches, Mismatch{Algorithm: p.alg, Expected: p.value, Received: got, Source: p.source})
		}
	}
	// A Go module's go.mod is vouched for by the same lookup.
	if g := goSubject(purl); g != "" {
		for _, p := range e.gather([]indexKey{{keySubject, g + "/go.mod"}}) {
			for _, got := range e.computed[g+"/go.mod"] {
				if got != p.value {
					v.Mismatches = append(v.Mismatches, Mismatch{What: "go.mod", Algorithm: p.alg, Expected: p.value, Received: got, Source: p.source})
				}
			}
		}
	}
	slices.Sort(v.Sources)
	switch {
	case len(v.Mismatches) > 0:
		v.Status = StatusMismatch
	case len(v.Sources) > 0:
		v.Status = StatusVerified
	case len(pubs) == 0 && e.withheld[purl] != "":
		v.Status, v.Reason = StatusUnverifiable, e.withheld[purl]
	case len(pubs) == 0:
		v.Status, v.Reason = StatusUnverifiable, "no published digest seen"
	default:
		v.Status = StatusUnverifiable
		v.Reason = "published " + strings.Join(uncompared, ", ") + " digest not computed over the bytes received"
	}
	return v
}

// gather returns the published digests under keys, without duplicates.
func (e *Evidence) gather(keys []indexKey) []published {
	var out []published
	for _, k := range keys {
		for _, p := range e.published[k] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Artifacts returns the verdict of every distinct artifact download in
// the log (by purl and SHA-256), in the order first seen.
func (e *Evidence) Artifacts() []Verdict {
	e.mu.Lock()
	refs := slices.Clone(e.artifacts)
	e.mu.Unlock()
	seen := map[[2]string]bool{}
	var out []Verdict
	for _, a := range refs {
		k := [2]string{a.purl, a.sha256}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e.Check(a.purl, a.sha256))
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Requires returns what the metadata the build fetched says the package
// purl depends on ("NAME@VERSION-OR-RANGE", see FactRequires), and whether
// that metadata was fetched at all: known is false when the build fetched
// nothing that says (then the package's dependencies are unknown, not
// none).
func (e *Evidence) Requires(purl string) (reqs []string, known bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if subject := cmp.Or(npmSubject(purl), crateSubject(purl), pypiSubject(purl)); subject != "" {
		reqs, known = e.requires[subject]
		if !known {
			// A manifest read states the package's requirements, unless
			// it says they are not to be trusted.
			m, read := e.manifests[subject]
			known = read && m != pypiManifestPKGINFODynamic
		}
		return slices.Clone(reqs), known
	}
	if key := mavenPURLKey(purl); key != "" {
		if _, read := e.manifests[key]; !read {
			return nil, false
		}
		return e.mavenRequires(key), true
	}
	subject := goSubject(purl)
	if subject == "" {
		return nil, false
	}
	reqs, known = e.requires[subject]
	if !known {
		// A go.mod without require lines states no dependency: it is
		// known when its h1 was computed.
		_, known = e.computed[subject+"/go.mod"]
	}
	return slices.Clone(reqs), known
}
