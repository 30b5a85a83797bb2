package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// bodyOCIManifest is an OCI image manifest or index (or a Docker v2
// manifest or manifest list): the digests of the manifests, config and
// layers it names.
const bodyOCIManifest bodyKind = 200

// Fact names of OCI registries.
const (
	// FactOCIParent names, for a manifest or blob URL, the URL of the
	// manifest or index that referenced it.
	FactOCIParent = "oci-parent"
	// FactOCIPlatform is the platform ("linux/amd64") an index gives a
	// manifest it names.
	FactOCIPlatform = "oci-platform"
)

// maxManifest bounds a manifest document; registries refuse larger ones
// (4 MiB is the distribution specification's suggested limit).
const maxManifest = 4 << 20

// ociPlan decides what to do with an OCI registry body.
func ociPlan(p plan, f classify.Finding, u *url.URL) plan {
	if f.Kind == classify.KindArtifact && strings.Contains(u.Path, "/manifests/") {
		p.kind, p.source = bodyOCIManifest, "OCI manifest"
	}
	return p
}

// ociDescriptor is a content descriptor of a manifest or index.
type ociDescriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Platform  *struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Variant      string `json:"variant"`
	} `json:"platform"`
}

// ociManifest is what is read of a manifest or an index.
type ociManifest struct {
	Config    *ociDescriptor  `json:"config"`
	Layers    []ociDescriptor `json:"layers"`
	Manifests []ociDescriptor `json:"manifests"`
	Blobs     []ociDescriptor `json:"blobs"`
}

// ociRepoURL returns the URL of the repository a manifest or blob URL is
// under (…/v2/NAME), "" when it is not one.
func ociRepoURL(u *url.URL) string {
	path := u.EscapedPath()
	for _, sep := range []string{"/manifests/", "/blobs/"} {
		if i := strings.LastIndex(path, sep); i > 0 {
			return (&url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}).String() + path[:i]
		}
	}
	return ""
}

// parseOCIManifest reads a manifest or index and emits, for each
// descriptor it names, the descriptor's digest (subject: the URL the
// client fetches it at) and the fact that this document is its parent;
// an index also gives each manifest's platform.
func parseOCIManifest(r io.Reader, p plan, emit func(capture.Digest)) error {
	repo := ociRepoURL(p.base)
	if repo == "" {
		return nil
	}
	self := p.base.String()
	var m ociManifest
	if err := json.NewDecoder(io.LimitReader(r, maxManifest)).Decode(&m); err != nil {
		return fmt.Errorf("OCI manifest: %w", err)
	}
	add := func(d ociDescriptor, dir string) {
		alg, hex, ok := strings.Cut(d.Digest, ":")
		if !ok || alg != AlgSHA256 || normalHex(AlgSHA256, hex) == "" {
			return
		}
		hex = strings.ToLower(hex)
		subject := repo + "/" + dir + "/sha256:" + hex
		emit(capture.Digest{Subject: subject, Algorithm: AlgSHA256, Value: hex, Source: SourcePublished})
		emit(capture.Digest{Subject: subject, Algorithm: FactOCIParent, Value: self, Source: SourceFact})
		if pl := d.Platform; pl != nil && cleanFact(pl.OS) && cleanFact(pl.Architecture) && pl.Architecture != "" {
			v := pl.OS + "/" + pl.Architecture
			if pl.Variant != "" && cleanFact(pl.Variant) {
				v += "/" + pl.Variant
			}
			emit(capture.Digest{Subject: subject, Algorithm: FactOCIPlatform, Value: v, Source: SourceFact})
		}
	}
	if m.Config != nil {
		add(*m.Config, "blobs")
	}
	for _, d := range m.Layers {
		add(d, "blobs")
	}
	for _, d := range m.Blobs {
		add(d, "blobs")
	}
	for _, d := range m.Manifests {
		add(d, "manifests")
	}
	return nil
}

// ociFacts are what OCI registries published in a run: which document
// named each manifest and blob, and the digest of each manifest fetched by
// tag (the SHA-256 of the bytes received).
type ociFacts struct {
	// parent and platform are by URL key of the child.
	parent, platform map[string]string
	// tagDigest is by URL key of a manifest fetched by tag.
	tagDigest map[string]string
}

// addOCI records what an OCI registry exchange publishes: the digest in a
// manifest or blob URL, the Docker-Content-Digest of a manifest, and the
// facts its manifest body gave.
func (e *Evidence) addOCI(f classify.Finding, x *capture.Exchange, whole bool) {
	if f.Ecosystem != classify.EcosystemOCI || f.Kind != classify.KindArtifact {
		return
	}
	o := &e.oci
	if o.parent == nil {
		o.parent, o.platform, o.tagDigest = map[string]string{}, map[string]string{}, map[string]string{}
	}
	k := urlkey.Key(x.URL)
	if alg, hex, ok := strings.Cut(f.Version, ":"); ok && alg == AlgSHA256 {
		e.addPublished(capture.Digest{Subject: x.URL, Algorithm: AlgSHA256, Value: hex}, "OCI digest in the URL")
	} else if whole && f.Version == "" && strings.Contains(x.URL, "/manifests/") {
		if _, seen := o.tagDigest[k]; !seen {
			o.tagDigest[k] = strings.ToLower(x.SHA256)
		}
	}
	if alg, hex, ok := strings.Cut(x.ContentDigest, ":"); ok && alg == AlgSHA256 && normalHex(AlgSHA256, hex) != "" {
		e.addPublished(capture.Digest{Subject: x.URL, Algorithm: AlgSHA256, Value: hex}, "Docker-Content-Digest header")
	}
	for _, d := range x.Digests {
		if d.Source != SourceFact {
			continue
		}
		switch d.Algorithm {
		case FactOCIParent:
			if _, seen := o.parent[urlkey.Key(d.Subject)]; !seen {
				o.parent[urlkey.Key(d.Subject)] = d.Value
			}
		case FactOCIPlatform:
			o.platform[urlkey.Key(d.Subject)] = d.Value
		}
	}
}

// refine gives a manifest fetched by tag its digest and every manifest or
// blob that a fetched document named the purl of that document as Parent.
// c classifies the parent's URL.
func (o *ociFacts) refine(f classify.Finding, c Classifier) classify.Finding {
	if f.Ecosystem != classify.EcosystemOCI || f.Kind != classify.KindArtifact || o.parent == nil {
		return f
	}
	f = o.withDigest(f)
	if parent, ok := o.parent[urlkey.Key(f.URL)]; ok && parent != "" {
		pf := o.withDigest(c.Classify(classify.Request{URL: parent}))
		if pf.PURL != "" && pf.PURL != f.PURL {
			f.Parent = pf.PURL
		}
	}
	return f
}

// withDigest gives a manifest finding fetched by tag the digest of the
// bytes received for it.
func (o *ociFacts) withDigest(f classify.Finding) classify.Finding {
	if f.Version != "" || f.Ecosystem != classify.EcosystemOCI {
		return f
	}
	sum, ok := o.tagDigest[urlkey.Key(f.URL)]
	if !ok || sum == "" {
		return f
	}
	p, err := classify.ParsePURL(f.PURL)
	if err != nil {
		return f
	}
	q := p.Qualifiers.Map()
	f.Version = "sha256:" + sum
	f.PURL = classify.OCIPURL(q["repository_url"], f.Version, q["tag"])
	return f
}
