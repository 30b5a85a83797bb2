package audit

import (
	"cmp"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/license"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/verify"
)

// Artifact is one distinct download: a package URL and the SHA-256 of the
// bytes received for it, with every request that received those bytes.
type Artifact struct {
	// Finding is the finding of the first request that fetched the bytes;
	// its PURL is never empty.
	Finding classify.Finding
	// SHA256 is the lower-case hex SHA-256 of the bytes as served; SHA512
	// and SHA1 are the other digests recorded, "" when none was.
	SHA256, SHA512, SHA1 string
	// Bytes is the size of the download.
	Bytes int64
	// Encoding is the Content-Encoding the bytes were served with (the
	// digests are over the bytes as served).
	Encoding string
	// Licenses are the package's licences as the metadata the build
	// fetched publishes them (normalised: see package license), and
	// LicenseSource where they came from (license.Source*); both empty
	// when nothing is known.
	Licenses      []license.License
	LicenseSource string
	// FirstID is the capture log ID of the first request that fetched it.
	FirstID int64
	// Requests counts the requests that received these bytes.
	Requests int
	// Transparent reports that a request came around the proxy (a client
	// that ignored the proxy settings in a sealed build).
	Transparent bool
	// URLs are the distinct URLs the bytes came from, in the order first
	// seen.
	URLs []string
	// RedirectedFrom are the distinct URLs whose redirects led to the
	// download, in the order first seen.
	RedirectedFrom []string
	// Ref is the artifact's unique reference (the SBOM's bom-ref): its
	// package URL, with "#2", "#3", … for a package URL served with other
	// bytes again.
	Ref string
	// Verdict is the verification of the bytes against what the registry
	// published; the zero value when the report was made without
	// verification (Report.Verified is false).
	Verdict verify.Verdict
	// Violations are the policy violations about this artifact (its
	// package URL, or one of its URLs), in the order of Report.Violations.
	Violations []rules.Violation
}

// Names returns the group, name and version the artifact goes by: the
// finding's, else the package URL's, else the last segment of its first
// URL for a name.
func (a *Artifact) Names() (group, name, version string) {
	group, name, version = a.Finding.Group, a.Finding.Name, a.Finding.Version
	if name == "" {
		if p, err := classify.ParsePURL(a.Finding.PURL); err == nil {
			group, name, version = p.Namespace, p.Name, p.Version
		}
	}
	if name == "" {
		name = path.Base(a.URLs[0])
	}
	return group, name, version
}

// Hashes returns the digests of the artifact's bytes, SHA-256 first.
func (a *Artifact) Hashes() []cdx.Hash {
	hashes := []cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: a.SHA256}}
	if a.SHA512 != "" {
		hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgoSHA512, Value: a.SHA512})
	}
	if a.SHA1 != "" {
		hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgoSHA1, Value: a.SHA1})
	}
	return hashes
}

// artifactSet collects the completed downloads of classified artifacts,
// one entry per distinct (purl, SHA-256), observation by observation. It
// warns about artifact downloads that failed, were cut short or carry no
// usable hash (they never become artifacts) and about a purl served with
// different bytes; gathering.add adds to its warnings the artifact
// findings without a purl that attribution.settle demoted.
type artifactSet struct {
	s        *Summary
	byKey    map[[2]string]*Artifact
	seenURL  uniques
	arts     []*Artifact
	warnings warningList
}

func newArtifactSet(s *Summary) *artifactSet {
	return &artifactSet{s: s, byKey: make(map[[2]string]*Artifact), seenURL: uniques{},
		warnings: warningList{what: "artifact downloads left out of the SBOM or treated as unclassified"}}
}

// add collects one observation, settled (attribution.settle: an artifact
// finding has a purl).
func (as *artifactSet) add(o *observe.Observation) {
	x := o.Exchange
	if o.Tunnel() || o.Finding.Kind != classify.KindArtifact {
		return
	}
	problem, download := downloadProblem(o)
	if !download {
		return
	}
	if problem != "" {
		as.s.FailedDownloads++
		as.warnings.add(fmt.Sprintf("%s is not in the SBOM: %s (%s)", o.Finding.PURL, problem, x.URL))
		return
	}
	sum := strings.ToLower(x.SHA256)
	key := [2]string{o.Finding.PURL, sum}
	a := as.byKey[key]
	if a == nil {
		a = &Artifact{Finding: o.Finding, SHA256: sum, Bytes: x.Bytes, FirstID: x.ID}
		as.byKey[key] = a
		as.arts = append(as.arts, a)
	}
	a.Requests++
	a.Transparent = a.Transparent || x.Transparent
	if a.SHA512 == "" && isHex(x.SHA512, 128) {
		a.SHA512 = strings.ToLower(x.SHA512)
	}
	if a.SHA1 == "" && isHex(x.SHA1, 40) {
		a.SHA1 = strings.ToLower(x.SHA1)
	}
	a.Encoding = cmp.Or(a.Encoding, x.ContentEncoding)
	as.seenURL.add(&a.URLs, x.URL)
	if o.RedirectedFrom != "" {
		as.seenURL.add(&a.RedirectedFrom, o.RedirectedFrom)
	}
}

// finish returns the artifacts sorted by purl and then by the first
// request that fetched them, each with its Ref, and the warnings.
func (as *artifactSet) finish() (arts []*Artifact, warnings []string) {
	arts, warnings = as.arts, as.warnings.lines()
	slices.SortStableFunc(arts, func(a, b *Artifact) int {
		return cmp.Or(strings.Compare(a.Finding.PURL, b.Finding.PURL), cmp.Compare(a.FirstID, b.FirstID))
	})
	seen := make(map[string]*Artifact)
	count := make(map[string]int)
	for _, a := range arts {
		purl := a.Finding.PURL
		count[purl]++
		first := seen[purl]
		if first == nil {
			a.Ref = purl
			seen[purl] = a
			continue
		}
		a.Ref = purl + "#" + strconv.Itoa(count[purl])
		warnings = append(warnings, fmt.Sprintf("%s was served with different bytes: sha256 %s (%s) and sha256 %s (%s)",
			purl, first.SHA256, first.URLs[0], a.SHA256, a.URLs[0]))
	}
	return arts, warnings
}

// downloadProblem says why an artifact request did not deliver a usable
// download ("" when it did); download is false for requests that are not
// downloads at all (HEAD, redirects).
func downloadProblem(o *observe.Observation) (problem string, download bool) {
	x := o.Exchange
	switch {
	case x.Method == http.MethodHead:
		return "", false
	case x.Status == http.StatusNotModified:
		return "not modified: the client used a cached copy depaudit did not see", true
	case x.Status >= 300 && x.Status < 400:
		return "", false
	case x.Status == 0 && x.Error != "":
		return "no response: " + x.Error, true
	case x.Status == 0:
		return "no response", true
	case x.Status < 200 || x.Status >= 300:
		return "status " + strconv.Itoa(x.Status), true
	case !x.Complete:
		p := fmt.Sprintf("incomplete: %d bytes received", x.Bytes)
		if x.ContentLength >= 0 {
			p = fmt.Sprintf("incomplete: %d of %d bytes received", x.Bytes, x.ContentLength)
		}
		if x.Error != "" {
			p += ", " + x.Error
		}
		return p, true
	case x.Error != "":
		return "failed: " + x.Error, true
	case !isHex(x.SHA256, 64):
		return "no SHA-256 of the body was recorded", true
	}
	return "", true
}

// pomSet is the Maven versions (group, artifact, version) of which the
// build fetched a file that is an artifact (a jar, …), to tell the POMs
// fetched alone.
type pomSet map[[3]string]bool

// note records o's Maven artifact.
func (p pomSet) note(o *observe.Observation) {
	if f := &o.Finding; f.Ecosystem == classify.EcosystemMaven && f.Kind == classify.KindArtifact {
		p[[3]string{f.Group, f.Name, f.Version}] = true
	}
}

// promote turns a Maven .pom into an artifact when no other file of its
// group, artifact and version was fetched: a parent POM or an imported
// BOM is a real input of the build although it is "only" metadata. A POM
// fetched next to its jar stays metadata.
func (p pomSet) promote(o *observe.Observation) {
	f := &o.Finding
	if f.Ecosystem == classify.EcosystemMaven && f.Kind == classify.KindMetadata && f.PURL != "" &&
		strings.Contains(f.PURL, "type=pom") && !p[[3]string{f.Group, f.Name, f.Version}] &&
		strings.HasSuffix(strings.SplitN(o.Exchange.URL, "?", 2)[0], ".pom") {
		f.Kind = classify.KindArtifact
	}
}

// isHex reports whether s is n hexadecimal digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// uniques remembers the values each of many lists holds, so that adding a
// value to a list unless it is there already costs the same however long
// the list: collecting a build's URLs and hosts stays linear.
type uniques map[uniqueKey]struct{}

// uniqueKey is one value of one list, the list known by its address.
type uniqueKey struct {
	list *[]string
	v    string
}

// add appends s to *list unless it is already there.
func (u uniques) add(list *[]string, s string) {
	k := uniqueKey{list, s}
	if _, ok := u[k]; ok {
		return
	}
	u[k] = struct{}{}
	*list = append(*list, s)
}
