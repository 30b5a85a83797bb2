// Package classify turns observed HTTP requests into findings: which
// ecosystem a request belongs to, whether it fetched an installable artifact,
// registry metadata, a checksum/signature sidecar or another registry API, and
// the package URL (purl) of what it fetched.
//
// Classifiers are pure functions of their input: no I/O, no global state.
package classify

// Kind says what a request fetched.
type Kind string

// The kinds of request, as printed by `depaudit classify`.
const (
	// KindArtifact is an installable payload; it becomes an SBOM component.
	KindArtifact Kind = "artifact"
	// KindMetadata is an index, packument, version list or sumdb record.
	KindMetadata Kind = "metadata"
	// KindSidecar is a checksum or signature file (.sha1, .asc, …).
	KindSidecar Kind = "sidecar"
	// KindAPI is another endpoint of a known registry (audit, search, login, VCS).
	KindAPI Kind = "api"
	// KindUnclassified is a request to no known registry.
	KindUnclassified Kind = "unclassified"
)

// Request is what a classifier sees of one exchange. Only URL is required;
// the other fields refine the answer when they are known.
type Request struct {
	// Method is the HTTP method ("GET" when empty).
	Method string
	// URL is the absolute request URL.
	URL string
	// Status is the response status code, 0 when unknown.
	Status int
	// ContentType is the response Content-Type.
	ContentType string
	// Location is the redirect target of a 3xx response.
	Location string
}

// Finding is what a classifier makes of one request.
type Finding struct {
	// URL is the request URL the finding is about.
	URL string `json:"url"`
	// Kind says what the request fetched.
	Kind Kind `json:"kind"`
	// Ecosystem names the classifier that recognised the request ("npm",
	// "pypi", "golang", "maven", "cargo", "github", "generic"), empty for
	// unclassified requests.
	Ecosystem string `json:"ecosystem,omitempty"`
	// PURL is the canonical package URL of the artifact (or of the package
	// the metadata describes, when known).
	PURL string `json:"purl,omitempty"`
	// Group, Name and Version are the purl's namespace, name and version as
	// the SBOM shows them (group "@babel" for npm, the module path prefix
	// for Go, the groupId for Maven), with the package's own case kept.
	Group   string `json:"-"`
	Name    string `json:"-"`
	Version string `json:"-"`
	// FileVersion is the version as the downloaded file's name carries it
	// when that differs from Version: a Maven SNAPSHOT's timestamped
	// version (1.0-20240101.120000-3 for Version 1.0-SNAPSHOT).
	FileVersion string `json:"-"`
	// Error says why a classifier failed on the request (it panicked); the
	// finding is then what the other classifiers made of it, so one bad
	// classifier never loses the record of the exchange.
	Error string `json:"error,omitempty"`
	// Parent is the purl of the artifact this one is part of, when the
	// run's metadata says so: an OCI image's manifests, config and layers
	// name the index or manifest that listed them.
	Parent string `json:"-"`
}

// Classifier recognises the requests of one ecosystem.
type Classifier interface {
	// Ecosystem names what the classifier recognises.
	Ecosystem() string
	// Classify returns the finding for r and true when r belongs to the
	// classifier's ecosystem, or false to let other classifiers try.
	Classify(r Request) (Finding, bool)
}
