package sbom

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
)

// artifact is one distinct download: a purl and the SHA-256 of the bytes
// received for it, with every request that received those bytes.
type artifact struct {
	f        classify.Finding
	sha256   string
	sha512   string
	sha1     string
	bytes    int64
	encoding string
	firstID  int64
	requests int
	urls     []string
	from     []string
	ref      string
	// transparent: a request came around the proxy (a sealed build).
	transparent bool
}

// artifacts collects the completed downloads of classified artifacts, one
// entry per distinct (purl, SHA-256), sorted by purl and then by the first
// request that fetched them. It warns about artifact downloads that failed,
// were cut short or carry no usable hash (they never become components) and
// about a purl served with different bytes. An artifact finding without a
// purl is demoted to unclassified.
func artifacts(obs []observation, s *Summary) (arts []*artifact, warnings []string) {
	promoteSolePOMs(obs)
	byKey := make(map[[2]string]*artifact)
	for i := range obs {
		o := &obs[i]
		if o.tunnel() || o.f.Kind != classify.KindArtifact {
			continue
		}
		if o.f.PURL == "" {
			warnings = append(warnings, fmt.Sprintf("artifact without a package URL treated as unclassified: %s", o.x.URL))
			o.f.Kind = classify.KindUnclassified
			continue
		}
		problem, download := downloadProblem(o)
		if !download {
			continue
		}
		if problem != "" {
			s.FailedDownloads++
			warnings = append(warnings, fmt.Sprintf("%s is not in the SBOM: %s (%s)", o.f.PURL, problem, o.x.URL))
			continue
		}
		sum := strings.ToLower(o.x.SHA256)
		key := [2]string{o.f.PURL, sum}
		a := byKey[key]
		if a == nil {
			a = &artifact{f: o.f, sha256: sum, bytes: o.x.Bytes, firstID: o.x.ID}
			byKey[key] = a
			arts = append(arts, a)
		}
		a.requests++
		a.transparent = a.transparent || o.x.Transparent
		if a.sha512 == "" && isHex(o.x.SHA512, 128) {
			a.sha512 = strings.ToLower(o.x.SHA512)
		}
		if a.sha1 == "" && isHex(o.x.SHA1, 40) {
			a.sha1 = strings.ToLower(o.x.SHA1)
		}
		if a.encoding == "" {
			a.encoding = o.x.ContentEncoding
		}
		a.urls = appendUnique(a.urls, o.x.URL)
		if o.redirectedFrom != "" {
			a.from = appendUnique(a.from, o.redirectedFrom)
		}
	}
	slices.SortStableFunc(arts, func(a, b *artifact) int {
		if c := strings.Compare(a.f.PURL, b.f.PURL); c != 0 {
			return c
		}
		return cmp.Compare(a.firstID, b.firstID)
	})
	seen := make(map[string]*artifact)
	count := make(map[string]int)
	for _, a := range arts {
		count[a.f.PURL]++
		first := seen[a.f.PURL]
		if first == nil {
			a.ref = a.f.PURL
			seen[a.f.PURL] = a
			continue
		}
		a.ref = a.f.PURL + "#" + strconv.Itoa(count[a.f.PURL])
		warnings = append(warnings, fmt.Sprintf("%s was served with different bytes: sha256 %s (%s) and sha256 %s (%s)",
			a.f.PURL, first.sha256, first.urls[0], a.sha256, a.urls[0]))
	}
	return arts, warnings
}

// downloadProblem says why an artifact request did not deliver a usable
// download ("" when it did); download is false for requests that are not
// downloads at all (HEAD, redirects).
func downloadProblem(o *observation) (problem string, download bool) {
	x := o.x
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

// component renders an artifact as a CycloneDX component.
func (a *artifact) component() cdx.Component {
	group, name, version := a.f.Group, a.f.Name, a.f.Version
	if name == "" {
		group, name, version = purlParts(a.f.PURL)
	}
	if name == "" {
		name = path.Base(a.urls[0])
	}
	if a.f.Ecosystem == classify.EcosystemGo && group != "" {
		// A Go module is known by its whole path, as cyclonedx-gomod
		// names it: "github.com/Masterminds/semver/v3", not "v3" in
		// group "github.com/Masterminds/semver". The purl keeps the
		// spec's namespace and name.
		group, name = "", group+"/"+name
	}
	typ := cdx.ComponentTypeLibrary
	if a.f.Ecosystem == ecosystemGeneric {
		typ = cdx.ComponentTypeFile
	}
	hashes := []cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: a.sha256}}
	if a.sha512 != "" {
		hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgoSHA512, Value: a.sha512})
	}
	if a.sha1 != "" {
		hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgoSHA1, Value: a.sha1})
	}
	urls := slices.Clone(a.urls)
	slices.Sort(urls)
	refHashes := slices.Clone(hashes)
	props := []cdx.Property{
		prop(PropEcosystem, a.f.Ecosystem),
		prop(PropRequests, strconv.Itoa(a.requests)),
		prop(PropBytes, strconv.FormatInt(a.bytes, 10)),
	}
	if a.encoding != "" {
		props = append(props, prop(PropContentEncoding, a.encoding))
	}
	for _, u := range urls[1:] {
		props = append(props, prop(PropURL, u))
	}
	if a.transparent {
		props = append(props, prop(PropTransparent, "true"))
	}
	from := slices.Clone(a.from)
	slices.Sort(from)
	for _, u := range from {
		props = append(props, prop(PropRedirectedFrom, u))
	}
	return cdx.Component{
		BOMRef:     a.ref,
		Type:       typ,
		Group:      group,
		Name:       name,
		Version:    version,
		PackageURL: a.f.PURL,
		Hashes:     &hashes,
		ExternalReferences: &[]cdx.ExternalReference{{
			Type:   cdx.ERTypeDistribution,
			URL:    urls[0],
			Hashes: &refHashes,
		}},
		Properties: propsOrNil(props),
	}
}

// purlParts returns the namespace, name and version of a purl, empty when
// it does not parse.
func purlParts(purl string) (group, name, version string) {
	p, err := classify.ParsePURL(purl)
	if err != nil {
		return "", "", ""
	}
	return p.Namespace, p.Name, p.Version
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

// appendUnique appends s to list unless it is already there.
func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// promoteSolePOMs turns a Maven .pom into a component when no other file of
// its group, artifact and version was fetched: a parent POM or an imported
// BOM is a real input of the build although it is "only" metadata. A POM
// fetched next to its jar stays metadata.
func promoteSolePOMs(obs []observation) {
	type gav struct{ g, a, v string }
	fetched := make(map[gav]bool)
	for i := range obs {
		f := &obs[i].f
		if f.Ecosystem == classify.EcosystemMaven && f.Kind == classify.KindArtifact {
			fetched[gav{f.Group, f.Name, f.Version}] = true
		}
	}
	for i := range obs {
		f := &obs[i].f
		if f.Ecosystem == classify.EcosystemMaven && f.Kind == classify.KindMetadata && f.PURL != "" &&
			strings.Contains(f.PURL, "type=pom") && !fetched[gav{f.Group, f.Name, f.Version}] &&
			strings.HasSuffix(strings.SplitN(obs[i].x.URL, "?", 2)[0], ".pom") {
			f.Kind = classify.KindArtifact
		}
	}
}
