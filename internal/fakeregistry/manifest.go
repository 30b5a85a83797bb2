package fakeregistry

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// File kinds, matching depaudit's classification kinds.
const (
	// KindArtifact is an installable payload that must become a component.
	KindArtifact = "artifact"
	// KindMetadata is an index, packument or version document.
	KindMetadata = "metadata"
	// KindSidecar is a checksum file such as a Maven .sha1.
	KindSidecar = "sidecar"
)

// File is one fixture the fake registry serves with fixed bytes.
type File struct {
	// URL is the URL a client requests for the file (https scheme).
	URL string
	// Aliases are other URLs that lead to the same bytes: redirect targets
	// and alternative paths (for example a crate's legacy download URL).
	Aliases []string
	// Ecosystem is the classifier expected to recognise the file ("npm",
	// "pypi", "golang", "cargo", "maven", "github", "generic").
	Ecosystem string
	// Kind is one of KindArtifact, KindMetadata, KindSidecar.
	Kind string
	// PURL is the canonical package URL an artifact should be classified as;
	// empty for metadata and sidecars.
	PURL string
	// ContentType is the Content-Type the file is served with.
	ContentType string
	// Body is the file's bytes as served.
	Body []byte
	// SHA256, SHA512 and SHA1 are lower-case hex digests of Body.
	SHA256, SHA512, SHA1 string
}

func newFile(f File) *File {
	s256 := sha256.Sum256(f.Body)
	s512 := sha512.Sum512(f.Body)
	s1 := sha1.Sum(f.Body)
	f.SHA256 = hex.EncodeToString(s256[:])
	f.SHA512 = hex.EncodeToString(s512[:])
	f.SHA1 = hex.EncodeToString(s1[:])
	return &f
}

// Manifest lists every fixed file a Server serves.
type Manifest struct {
	files []*File
	byURL map[string]*File
}

func newManifest() *Manifest { return &Manifest{byURL: map[string]*File{}} }

func (m *Manifest) add(f *File) {
	m.files = append(m.files, f)
	for _, u := range append([]string{f.URL}, f.Aliases...) {
		m.byURL[u] = f
		m.byURL[stripQuery(u)] = f
	}
}

// Files returns every file, sorted by URL.
func (m *Manifest) Files() []File {
	out := make([]File, 0, len(m.files))
	for _, f := range m.files {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

// Artifacts returns the artifacts of one ecosystem ("" for all), sorted by URL.
func (m *Manifest) Artifacts(ecosystem string) []File {
	var out []File
	for _, f := range m.Files() {
		if f.Kind == KindArtifact && (ecosystem == "" || f.Ecosystem == ecosystem) {
			out = append(out, f)
		}
	}
	return out
}

// Lookup finds the file served at rawURL, which may be the file's URL or one
// of its aliases. A URL whose query string was redacted or dropped still
// matches on scheme, host and path, and an http:// URL matches the file
// served at the same https:// URL (the plain-HTTP listener serves the same
// files).
func (m *Manifest) Lookup(rawURL string) (File, bool) {
	if f, ok := m.byURL[rawURL]; ok {
		return *f, true
	}
	if f, ok := m.byURL[stripQuery(rawURL)]; ok {
		return *f, true
	}
	if rest, ok := strings.CutPrefix(rawURL, "http://"); ok {
		return m.Lookup("https://" + rest)
	}
	return File{}, false
}

// ByPURL returns the artifact with the given purl.
func (m *Manifest) ByPURL(purl string) (File, bool) {
	for _, f := range m.files {
		if f.Kind == KindArtifact && f.PURL == purl {
			return *f, true
		}
	}
	return File{}, false
}

// stripQuery returns u without query and fragment, with its path in
// decoded form, so that percent-encoding differences do not matter.
func stripQuery(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.Scheme + "://" + p.Host + p.Path
}
