package bomdiff

import (
	"fmt"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Category names one kind of difference between two BOMs. The names are
// those of the JSON arrays and of `depaudit diff --fail-on`.
type Category string

// The categories of a Diff, in the order the text output shows them.
const (
	// CategoryHashChanged: the same package URL, version included, with a
	// different digest of the same algorithm: bytes changed under a version.
	CategoryHashChanged Category = "hash_changed"
	// CategoryVerificationChanged: an artifact of the same package URL and
	// version whose verification verdict changed (verified → mismatch) or
	// whose Go checksum database hash (depaudit:golang:h1) changed.
	CategoryVerificationChanged Category = "verification_changed"
	// CategoryURLChanged: a package now served from a host it was not
	// served from before (a mirror switch, or dependency confusion).
	CategoryURLChanged Category = "url_changed"
	// CategoryAdded: a package, or one more version of it, that only the
	// new BOM has.
	CategoryAdded Category = "added"
	// CategoryRemoved: a package, or one of its versions, that only the old
	// BOM has.
	CategoryRemoved Category = "removed"
	// CategoryUpgraded: a version replaced by a higher one.
	CategoryUpgraded Category = "upgraded"
	// CategoryDowngraded: a version replaced by a lower one.
	CategoryDowngraded Category = "downgraded"
	// CategoryChanged: a version replaced by one that cannot be ordered
	// against it (unknown ecosystem, malformed or equivalent spellings).
	CategoryChanged Category = "changed"
	// CategoryServicesAdded: a service (for depaudit, a host the build
	// talked to outside any registry) that only the new BOM has.
	CategoryServicesAdded Category = "services_added"
	// CategoryServicesRemoved: a service that only the old BOM has.
	CategoryServicesRemoved Category = "services_removed"
)

// Categories returns every category, in display order.
func Categories() []Category {
	return []Category{
		CategoryHashChanged, CategoryVerificationChanged, CategoryURLChanged, CategoryAdded, CategoryRemoved,
		CategoryUpgraded, CategoryDowngraded, CategoryChanged,
		CategoryServicesAdded, CategoryServicesRemoved,
	}
}

// ParseCategories parses a comma-separated list of category names ("-"
// may stand for "_", case does not matter). "all" or an empty list means
// every category, "none" means no category.
func ParseCategories(s string) ([]Category, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "all") {
		return Categories(), nil
	}
	if strings.EqualFold(s, "none") {
		return []Category{}, nil
	}
	var out []Category
	for f := range strings.SplitSeq(s, ",") {
		name := Category(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(f)), "-", "_"))
		if name == "" {
			continue
		}
		if !slices.Contains(Categories(), name) {
			return nil, fmt.Errorf("unknown category %q (want %s)", strings.TrimSpace(f), categoryList())
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if out == nil {
		return Categories(), nil
	}
	return out, nil
}

// categoryList names every category for messages.
func categoryList() string {
	var names []string
	for _, c := range Categories() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// PackageRef names one package version of a BOM.
type PackageRef struct {
	// Key identifies the package across versions: its package URL without
	// version and without qualifiers that only say where it came from
	// (Maven's classifier and type and a Linux package's arch are kept), or
	// "group/name" for a component without a package URL.
	Key string `json:"key"`
	// PURL is the component's package URL as the BOM wrote it.
	PURL string `json:"purl,omitempty"`
	// Ecosystem is the package URL type ("npm", "golang", …).
	Ecosystem string `json:"ecosystem,omitempty"`
	Group     string `json:"group,omitempty"`
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	// Via is, for an added package, a shortest path to it from what the
	// project depends on directly ("name@version" each, the package itself
	// left out), from the new BOM's dependencies; empty when the package
	// is a direct dependency or the BOM states no graph.
	Via []string `json:"via,omitempty"`
}

// VersionChange is a package whose version changed.
type VersionChange struct {
	Key        string `json:"key"`
	Ecosystem  string `json:"ecosystem,omitempty"`
	Group      string `json:"group,omitempty"`
	Name       string `json:"name"`
	OldVersion string `json:"old_version"`
	NewVersion string `json:"new_version"`
	OldPURL    string `json:"old_purl,omitempty"`
	NewPURL    string `json:"new_purl,omitempty"`
}

// HashDelta is one hash algorithm's digests of an artifact in each BOM.
type HashDelta struct {
	Algorithm cdx.HashAlgorithm `json:"alg"`
	Old       []string          `json:"old"`
	New       []string          `json:"new"`
}

// HashChange is an artifact, same package URL and version in both BOMs,
// whose bytes differ: the new BOM has a digest the old one does not, for an
// algorithm both recorded.
type HashChange struct {
	PackageRef
	// Hashes lists each algorithm whose digests differ, strongest first.
	Hashes []HashDelta `json:"hashes"`
	// OldURLs and NewURLs are where the bytes came from (userinfo and
	// query removed).
	OldURLs []string `json:"old_urls,omitempty"`
	NewURLs []string `json:"new_urls,omitempty"`
	// Mutable is true for versions whose bytes may change by design
	// (Maven -SNAPSHOT).
	Mutable bool `json:"mutable,omitempty"`
}

// VerificationChange is an artifact, same package URL and version in both
// BOMs, whose verification verdict or Go checksum database hash differs.
type VerificationChange struct {
	PackageRef
	// OldStatus and NewStatus are the verdicts ("verified", "mismatch",
	// "unverifiable"); "" when a BOM has none.
	OldStatus string `json:"old_status,omitempty"`
	NewStatus string `json:"new_status,omitempty"`
	// OldGoH1 and NewGoH1 are the depaudit:golang:h1 hashes when they differ.
	OldGoH1 string `json:"old_golang_h1,omitempty"`
	NewGoH1 string `json:"new_golang_h1,omitempty"`
}

// URLChange is a package served, in the new BOM, from a host that served
// none of its versions in the old one.
type URLChange struct {
	Key       string   `json:"key"`
	Ecosystem string   `json:"ecosystem,omitempty"`
	Group     string   `json:"group,omitempty"`
	Name      string   `json:"name"`
	OldHosts  []string `json:"old_hosts"`
	NewHosts  []string `json:"new_hosts"`
	// Versions are the new BOM's versions fetched from a new host.
	Versions []string `json:"versions,omitempty"`
	// NewURLs are the new BOM's URLs on the new hosts (userinfo and query
	// removed).
	NewURLs []string `json:"new_urls,omitempty"`
}

// ServiceRef is a service of one BOM.
type ServiceRef struct {
	// Name is the service name; depaudit names a service by its host.
	Name string `json:"name"`
	// Endpoints are the service's endpoints (userinfo and query removed).
	Endpoints []string `json:"endpoints,omitempty"`
}

// Diff is what changed from an old BOM to a new one. Every list is sorted;
// a Diff of the same two BOMs is always the same.
type Diff struct {
	Added       []PackageRef    `json:"added"`
	Removed     []PackageRef    `json:"removed"`
	Upgraded    []VersionChange `json:"upgraded"`
	Downgraded  []VersionChange `json:"downgraded"`
	Changed     []VersionChange `json:"changed"`
	HashChanged []HashChange    `json:"hash_changed"`
	// VerificationChanged are artifacts whose verdict or Go h1 changed.
	VerificationChanged []VerificationChange `json:"verification_changed"`
	URLChanged          []URLChange          `json:"url_changed"`
	ServicesAdded       []ServiceRef         `json:"services_added"`
	ServicesRemoved     []ServiceRef         `json:"services_removed"`
	// Unchanged counts the package versions present in both BOMs with
	// nothing to report.
	Unchanged int `json:"unchanged"`
}

// Count returns the number of differences of one category.
func (d *Diff) Count(c Category) int {
	switch c {
	case CategoryHashChanged:
		return len(d.HashChanged)
	case CategoryVerificationChanged:
		return len(d.VerificationChanged)
	case CategoryURLChanged:
		return len(d.URLChanged)
	case CategoryAdded:
		return len(d.Added)
	case CategoryRemoved:
		return len(d.Removed)
	case CategoryUpgraded:
		return len(d.Upgraded)
	case CategoryDowngraded:
		return len(d.Downgraded)
	case CategoryChanged:
		return len(d.Changed)
	case CategoryServicesAdded:
		return len(d.ServicesAdded)
	case CategoryServicesRemoved:
		return len(d.ServicesRemoved)
	}
	return 0
}

// Equivalent reports whether the two BOMs show no difference at all.
func (d *Diff) Equivalent() bool { return !d.Has(Categories()...) }

// Has reports whether the diff has a difference of any of the categories.
func (d *Diff) Has(categories ...Category) bool {
	for _, c := range categories {
		if d.Count(c) > 0 {
			return true
		}
	}
	return false
}

// Summary is the diff in one line: the count of each category that has
// differences, and of unchanged package versions.
func (d *Diff) Summary() string {
	var parts []string
	for _, c := range Categories() {
		if n := d.Count(c); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, c))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("equivalent: no differences, %d unchanged", d.Unchanged)
	}
	return fmt.Sprintf("%s; %d unchanged", strings.Join(parts, ", "), d.Unchanged)
}
