package bomdiff

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/depgraph"
)

// diffArtifact is one component of a BOM as the diff sees it: several
// components with the same artifact identity (a purl served with different
// bytes) are merged into one, with every digest.
type diffArtifact struct {
	ref PackageRef
	// id identifies the artifact within its package version: the purl
	// without volatile qualifiers, or group/name@version.
	id string
	// hashes maps an algorithm to its distinct lower-case digests, sorted.
	hashes map[cdx.HashAlgorithm][]string
	// urls are the distribution URLs, sanitised and sorted.
	urls []string
	// verification and goH1 are the component's depaudit:verification
	// and depaudit:golang:h1.
	verification, goH1 string
}

// diffPackage is every version of one package in a BOM.
type diffPackage struct {
	key       string
	ecosystem string
	group     string
	name      string
	// versions maps a version to its artifacts, keyed by artifact id.
	versions map[string]map[string]*diffArtifact
}

// diffIndex is a BOM reduced to what a diff compares.
type diffIndex struct {
	packages map[string]*diffPackage
	services map[string]*ServiceRef
	graph    *depGraph
}

// depGraph is what a BOM's dependencies section says (the graph, by
// bom-ref), with each component's bom-ref by purl and display label.
type depGraph struct {
	g     depgraph.Graph
	refOf map[string]string // purl → bom-ref
	label map[string]string // bom-ref → "name@version"
}

// via returns the labels of a shortest path from a root to the component
// purl, without the component itself; nil when it has none.
func (g *depGraph) via(purl string) []string {
	if g == nil {
		return nil
	}
	path := g.g.Path(g.refOf[purl])
	if len(path) < 2 {
		return nil
	}
	out := make([]string, len(path)-1)
	for i, ref := range path[:len(path)-1] {
		out[i] = g.label[ref]
	}
	return out
}

// SetGraph gives the side the dependency graph of its components:
// roots are the refs the project depends on, dependsOn each ref's,
// components maps each ref to its purl and label ("name@version").
func (s *Side) SetGraph(roots []string, dependsOn map[string][]string, purls, labels map[string]string) {
	g := &depGraph{g: depgraph.Graph{Roots: roots, DependsOn: dependsOn}, refOf: map[string]string{}, label: labels}
	for ref, purl := range purls {
		g.refOf[purl] = ref
	}
	s.ix.graph = g
}

// bomGraph reads a BOM's dependencies section; nil without one.
func bomGraph(bom *cdx.BOM) *depGraph {
	if bom.Dependencies == nil || len(*bom.Dependencies) == 0 {
		return nil
	}
	g := &depGraph{g: depgraph.Graph{DependsOn: map[string][]string{}}, refOf: map[string]string{}, label: map[string]string{}}
	var walk func(cs []cdx.Component, depth int)
	walk = func(cs []cdx.Component, depth int) {
		for i := range cs {
			c := &cs[i]
			if c.BOMRef != "" {
				if c.PackageURL != "" {
					g.refOf[c.PackageURL] = c.BOMRef
				}
				label := c.Name
				if c.Group != "" {
					label = c.Group + "/" + c.Name
				}
				if c.Version != "" {
					label += "@" + c.Version
				}
				g.label[c.BOMRef] = label
			}
			if c.Components != nil && depth < maxNesting {
				walk(*c.Components, depth+1)
			}
		}
	}
	if bom.Components != nil {
		walk(*bom.Components, 0)
	}
	project := ""
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		project = bom.Metadata.Component.BOMRef
	}
	for _, d := range *bom.Dependencies {
		if d.Dependencies == nil {
			continue
		}
		if d.Ref == project && project != "" {
			g.g.Roots = append(g.g.Roots, *d.Dependencies...)
			continue
		}
		g.g.DependsOn[d.Ref] = append(g.g.DependsOn[d.Ref], *d.Dependencies...)
	}
	return g
}

// volatileQualifiers say where a package came from or how it was checked,
// not which artifact it is; they never take part in an identity.
var volatileQualifiers = map[string]bool{
	"download_url": true, "repository_url": true, "vcs_url": true,
	"checksum": true, "checksums": true,
}

// keyQualifiers are the qualifiers that make a different package of the
// same name, per purl type; other non-volatile qualifiers only tell apart
// the artifacts of one version (a wheel and an sdist).
var keyQualifiers = map[string][]string{
	packageurl.TypeMaven:  {"classifier", "type"},
	packageurl.TypeDebian: {"arch"},
	packageurl.TypeRPM:    {"arch"},
	packageurl.TypeApk:    {"arch"},
	packageurl.TypeAlpm:   {"arch"},
}

// indexBOM reduces a BOM to its packages and services, nested components
// and services included.
func indexBOM(bom *cdx.BOM) *diffIndex {
	ix := &diffIndex{
		packages: make(map[string]*diffPackage),
		services: make(map[string]*ServiceRef),
	}
	if bom == nil {
		return ix
	}
	if bom.Components != nil {
		ix.addComponents(*bom.Components, 0)
	}
	if bom.Services != nil {
		ix.addServices(*bom.Services, 0)
	}
	ix.graph = bomGraph(bom)
	return ix
}

// maxNesting bounds how deep nested components and services are followed.
const maxNesting = 64

func (ix *diffIndex) addComponents(cs []cdx.Component, depth int) {
	if depth > maxNesting {
		return
	}
	for i := range cs {
		ix.addComponent(&cs[i])
		if cs[i].Components != nil {
			ix.addComponents(*cs[i].Components, depth+1)
		}
	}
}

func (ix *diffIndex) addServices(ss []cdx.Service, depth int) {
	if depth > maxNesting {
		return
	}
	for i := range ss {
		s := &ss[i]
		name := strings.TrimSpace(s.Name)
		if s.Group != "" {
			name = s.Group + "/" + name
		}
		if s.Endpoints != nil {
			ix.addService(name, *s.Endpoints)
		} else {
			ix.addService(name, nil)
		}
		if s.Services != nil {
			ix.addServices(*s.Services, depth+1)
		}
	}
}

// PropURL is the property that names a further URL a component's bytes
// were fetched from, beyond its distribution reference (the sbom package
// writes it); a diff reads it as one of the component's URLs.
const PropURL = "depaudit:url"

// Component is what a diff compares of one component.
type Component struct {
	// PURL is the package URL, "" when there is none.
	PURL string
	// Group, Name and Version name a component without a usable purl.
	Group, Name, Version string
	// Hashes are the digests of the component's bytes.
	Hashes []cdx.Hash
	// URLs are where the bytes came from; a purl's download_url is added.
	URLs []string
	// Verification is the verdict on the bytes ("verified", "mismatch",
	// "unverifiable"; the depaudit:verification property), "" when none.
	Verification string
	// GoH1 is a Go module's checksum database hash (depaudit:golang:h1).
	GoH1 string
}

// The component properties a diff reads besides depaudit:url.
const (
	propVerification = "depaudit:verification"
	propGolangH1     = "depaudit:golang:h1"
)

// Side is one side of a diff: a BOM reduced to what a diff compares.
// Build it with BOMSide, or with NewSide and Add* from what a build
// recorded, so that a build is compared with a baseline without writing
// its SBOM first.
type Side struct{ ix *diffIndex }

// NewSide returns an empty side.
func NewSide() *Side { return &Side{ix: indexBOM(nil)} }

// BOMSide reduces a decoded BOM (nil: an empty one) to a side.
func BOMSide(bom *cdx.BOM) *Side { return &Side{ix: indexBOM(bom)} }

// AddComponent adds one component.
func (s *Side) AddComponent(c Component) { s.ix.add(c) }

// AddService adds one service by name, with its endpoints.
func (s *Side) AddService(name string, endpoints []string) { s.ix.addService(name, endpoints) }

// addService files one service by name with its endpoints, sanitised.
func (ix *diffIndex) addService(name string, endpoints []string) {
	if name == "" {
		return
	}
	ref := ix.services[name]
	if ref == nil {
		ref = &ServiceRef{Name: name}
		ix.services[name] = ref
	}
	// (A service of a build that called 10^5 URLs has as many endpoints.)
	seen := make(map[string]bool, len(ref.Endpoints)+len(endpoints))
	for _, u := range ref.Endpoints {
		seen[u] = true
	}
	for _, e := range endpoints {
		if u := sanitizeURL(e); u != "" && !seen[u] {
			seen[u] = true
			ref.Endpoints = append(ref.Endpoints, u)
		}
	}
	slices.Sort(ref.Endpoints)
}

// addComponent files one component under its package, version and artifact.
func (ix *diffIndex) addComponent(c *cdx.Component) {
	comp := Component{PURL: c.PackageURL, Group: c.Group, Name: c.Name, Version: c.Version}
	hashes := c.Hashes
	if hashes == nil || len(*hashes) == 0 {
		hashes = distributionHashes(c)
	}
	if hashes != nil {
		comp.Hashes = *hashes
	}
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			if r.Type == cdx.ERTypeDistribution {
				comp.URLs = append(comp.URLs, r.URL)
			}
		}
	}
	if c.Properties != nil {
		for _, p := range *c.Properties {
			switch p.Name {
			case PropURL:
				comp.URLs = append(comp.URLs, p.Value)
			case propVerification:
				comp.Verification = p.Value
			case propGolangH1:
				comp.GoH1 = p.Value
			}
		}
	}
	ix.add(comp)
}

// add files one component under its package, version and artifact.
func (ix *diffIndex) add(c Component) {
	ref, id, ok := componentIdentity(&c)
	if !ok {
		return
	}
	p := ix.packages[ref.Key]
	if p == nil {
		p = &diffPackage{
			key: ref.Key, ecosystem: ref.Ecosystem, group: ref.Group, name: ref.Name,
			versions: make(map[string]map[string]*diffArtifact),
		}
		ix.packages[ref.Key] = p
	}
	arts := p.versions[ref.Version]
	if arts == nil {
		arts = make(map[string]*diffArtifact)
		p.versions[ref.Version] = arts
	}
	a := arts[id]
	if a == nil {
		a = &diffArtifact{ref: ref, id: id, hashes: make(map[cdx.HashAlgorithm][]string)}
		arts[id] = a
	}
	for _, h := range c.Hashes {
		v := strings.ToLower(strings.TrimSpace(h.Value))
		if v == "" || h.Algorithm == "" {
			continue
		}
		if !slices.Contains(a.hashes[h.Algorithm], v) {
			a.hashes[h.Algorithm] = append(a.hashes[h.Algorithm], v)
			slices.Sort(a.hashes[h.Algorithm])
		}
	}
	a.verification = cmp.Or(a.verification, strings.TrimSpace(c.Verification))
	a.goH1 = cmp.Or(a.goH1, strings.TrimSpace(c.GoH1))
	for _, u := range componentURLs(&c) {
		if !slices.Contains(a.urls, u) {
			a.urls = append(a.urls, u)
		}
	}
	slices.Sort(a.urls)
}

// componentIdentity returns how a component is named in a diff and its
// artifact id; false when it has neither a usable purl nor a name.
func componentIdentity(c *Component) (PackageRef, string, bool) {
	if c.PURL != "" {
		if p, err := classify.ParsePURL(strings.TrimSpace(c.PURL)); err == nil && p.Name != "" {
			return purlIdentity(p, c)
		}
	}
	name := strings.TrimSpace(c.Name)
	if name == "" {
		return PackageRef{}, "", false
	}
	group := strings.TrimSpace(c.Group)
	key := name
	if group != "" {
		key = group + "/" + name
	}
	ref := PackageRef{Key: key, PURL: c.PURL, Group: group, Name: name, Version: strings.TrimSpace(c.Version)}
	return ref, key + "@" + ref.Version, true
}

// purlIdentity names a component by its parsed package URL.
func purlIdentity(p packageurl.PackageURL, c *Component) (PackageRef, string, bool) {
	if p.Type == packageurl.TypePyPi {
		p.Name = classify.PEP503Name(p.Name)
	}
	ver := p.Version
	if ver == "" {
		ver = strings.TrimSpace(c.Version)
	}
	quals := p.Qualifiers.Map()
	keyQ := map[string]string{}
	for _, q := range keyQualifiers[p.Type] {
		if v, ok := quals[q]; ok && v != "" {
			keyQ[q] = v
		}
	}
	if p.Type == packageurl.TypeMaven && keyQ["type"] == "jar" {
		delete(keyQ, "type") // jar is Maven's default type
	}
	artQ := map[string]string{}
	for q, v := range quals {
		if !volatileQualifiers[q] && v != "" {
			artQ[q] = v
		}
	}
	if p.Type == packageurl.TypeMaven && artQ["type"] == "jar" {
		delete(artQ, "type")
	}
	key := packageurl.NewPackageURL(p.Type, p.Namespace, p.Name, "", packageurl.QualifiersFromMap(keyQ), p.Subpath).ToString()
	id := packageurl.NewPackageURL(p.Type, p.Namespace, p.Name, ver, packageurl.QualifiersFromMap(artQ), p.Subpath).ToString()
	group := strings.TrimSpace(c.Group)
	if group == "" {
		group = p.Namespace
	}
	name := p.Name
	ref := PackageRef{
		Key: key, PURL: c.PURL, Ecosystem: p.Type,
		Group: group, Name: name, Version: ver,
	}
	return ref, id, true
}

// distributionHashes returns the hashes recorded on a component's
// distribution references, for BOMs that put them only there.
func distributionHashes(c *cdx.Component) *[]cdx.Hash {
	if c.ExternalReferences == nil {
		return nil
	}
	var out []cdx.Hash
	for _, r := range *c.ExternalReferences {
		if r.Type == cdx.ERTypeDistribution && r.Hashes != nil {
			out = append(out, *r.Hashes...)
		}
	}
	return &out
}

// componentURLs returns where a component's bytes came from: its
// distribution references, depaudit's further URLs, and a purl
// download_url, sanitised.
func componentURLs(c *Component) []string {
	raw := slices.Clone(c.URLs)
	if p, err := classify.ParsePURL(c.PURL); err == nil {
		if u := p.Qualifiers.Map()["download_url"]; u != "" {
			raw = append(raw, u)
		}
	}
	var out []string
	for _, r := range raw {
		if u := sanitizeURL(r); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// sanitizeURL drops what may carry a secret (userinfo, query, fragment)
// from an absolute URL; it returns "" for anything that is not one.
func sanitizeURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

// hashStrength orders hash algorithms strongest first for display.
func hashStrength(a cdx.HashAlgorithm) int {
	order := []cdx.HashAlgorithm{
		cdx.HashAlgoSHA512, cdx.HashAlgoSHA3_512, cdx.HashAlgoBlake2b_512, cdx.HashAlgoBlake3,
		cdx.HashAlgoSHA384, cdx.HashAlgoSHA3_384, cdx.HashAlgoBlake2b_384,
		cdx.HashAlgoSHA256, cdx.HashAlgoSHA3_256, cdx.HashAlgoBlake2b_256,
		cdx.HashAlgoSHA1, cdx.HashAlgoMD5,
	}
	if i := slices.Index(order, a); i >= 0 {
		return i
	}
	return len(order)
}

// compareHashAlgorithms sorts algorithms strongest first, then by name.
func compareHashAlgorithms(a, b cdx.HashAlgorithm) int {
	return cmp.Or(cmp.Compare(hashStrength(a), hashStrength(b)), strings.Compare(string(a), string(b)))
}

// clone copies the index deeply enough for matchLoosely, which re-files
// packages under other keys.
func (ix *diffIndex) clone() *diffIndex {
	out := &diffIndex{
		packages: make(map[string]*diffPackage, len(ix.packages)),
		services: ix.services,
		graph:    ix.graph,
	}
	for k, p := range ix.packages {
		cp := *p
		out.packages[k] = &cp
	}
	return out
}
