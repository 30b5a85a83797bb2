// Package spdx renders a build's SBOM as an SPDX 2.3 document (JSON), with
// github.com/spdx/tools-golang.
//
// Its input is the CycloneDX BOM that package sbom renders: every
// component becomes an SPDX package (checksums, download location, purl
// external reference), related to the built project by
// BUILD_DEPENDENCY_OF; depaudit's own facts (verification and its source,
// ecosystem, bytes, policy violations), which SPDX has no fields for, are
// package annotations and comments; the hosts that served no package
// (CycloneDX services) are named in the document's comment. The mapping is
// documented in docs/formats.md.
package spdx

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	v23 "github.com/spdx/tools-golang/spdx/v2/v2_3"
	"github.com/spdx/tools-golang/spdxlib"
)

// BuildID is the SPDX identifier of the package that stands for the built
// project (the BOM's metadata.component).
const BuildID = "SPDXRef-Build"

// namespacePrefix starts every document namespace; the BOM's serial number
// (a UUID) makes it unique, as SPDX asks.
const namespacePrefix = "https://spdx.org/spdxdocs/depaudit/"

// FromBOM converts a BOM rendered by package sbom into an SPDX 2.3
// document. The conversion depends only on the BOM, so the same BOM always
// gives the same document.
func FromBOM(bom *cdx.BOM) (*v23.Document, error) {
	if bom == nil || bom.Metadata == nil {
		return nil, errors.New("spdx: the BOM has no metadata")
	}
	m := bom.Metadata
	created, err := creationTime(m.Timestamp)
	if err != nil {
		return nil, err
	}
	tool := "depaudit"
	if v := toolVersion(m); v != "" {
		tool += "-" + v
	}
	project, projectVersion := "unnamed", ""
	if m.Component != nil {
		project = cmp.Or(m.Component.Name, project)
		projectVersion = m.Component.Version
	}
	docName := project
	if projectVersion != "" {
		docName += "-" + projectVersion
	}
	serial := strings.TrimPrefix(bom.SerialNumber, "urn:uuid:")
	if serial == "" {
		return nil, errors.New("spdx: the BOM has no serial number")
	}
	annotator := common.Annotator{AnnotatorType: "Tool", Annotator: tool}
	annotate := func(props *[]cdx.Property) []v23.Annotation {
		var out []v23.Annotation
		for _, p := range deref(props) {
			if strings.HasPrefix(p.Name, "depaudit:") {
				out = append(out, v23.Annotation{
					Annotator:         annotator,
					AnnotationDate:    created,
					AnnotationType:    "OTHER",
					AnnotationComment: p.Name + "=" + p.Value,
				})
			}
		}
		return out
	}

	build := &v23.Package{
		PackageName:               project,
		PackageSPDXIdentifier:     common.ElementID(strings.TrimPrefix(BuildID, "SPDXRef-")),
		PackageVersion:            projectVersion,
		PackageDownloadLocation:   "NOASSERTION",
		FilesAnalyzed:             false,
		IsFilesAnalyzedTagPresent: true,
		PrimaryPackagePurpose:     "APPLICATION",
		PackageComment:            buildComment(m),
		Annotations:               annotate(m.Properties),
	}
	doc := &v23.Document{
		SPDXVersion:       v23.Version,
		DataLicense:       v23.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      docName,
		DocumentNamespace: namespacePrefix + url.PathEscape(docName) + "-" + serial,
		DocumentComment:   servicesComment(bom),
		CreationInfo: &v23.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: tool}},
			Created:  created,
			CreatorComment: "Made by depaudit from what the build fetched over the network, " +
				"converted from the CycloneDX SBOM " + bom.SerialNumber + ".",
		},
		Packages: []*v23.Package{build},
		Relationships: []*v23.Relationship{{
			RefA:         common.MakeDocElementID("", "DOCUMENT"),
			RefB:         common.MakeDocElementID("", string(build.PackageSPDXIdentifier)),
			Relationship: common.TypeRelationshipDescribe,
		}},
	}
	ids := map[common.ElementID]bool{build.PackageSPDXIdentifier: true}
	for _, c := range deref(bom.Components) {
		p := componentPackage(&c, ids)
		p.Annotations = annotate(c.Properties)
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, &v23.Relationship{
			RefA:                common.MakeDocElementID("", string(p.PackageSPDXIdentifier)),
			RefB:                common.MakeDocElementID("", string(build.PackageSPDXIdentifier)),
			Relationship:        common.TypeRelationshipBuildDependencyOf,
			RelationshipComment: "fetched over the network during the build",
		})
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		return nil, fmt.Errorf("spdx: %w", err)
	}
	return doc, nil
}

// Write renders bom as an indented SPDX 2.3 JSON document to w.
func Write(w io.Writer, bom *cdx.BOM) error {
	doc, err := FromBOM(bom)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return fmt.Errorf("spdx: encode: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// creationTime converts the BOM's timestamp to SPDX's form
// (YYYY-MM-DDThh:mm:ssZ, UTC, no fraction).
func creationTime(ts string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return "", fmt.Errorf("spdx: BOM timestamp %q: %w", ts, err)
	}
	return t.UTC().Format("2006-01-02T15:04:05Z"), nil
}

// toolVersion is depaudit's version in the BOM's metadata.tools.
func toolVersion(m *cdx.Metadata) string {
	if m.Tools == nil || m.Tools.Components == nil {
		return ""
	}
	for _, t := range *m.Tools.Components {
		if t.Name == "depaudit" {
			return t.Version
		}
	}
	return ""
}

// componentPackage converts one component; ids holds the identifiers taken
// so far and gets the new one.
func componentPackage(c *cdx.Component, ids map[common.ElementID]bool) *v23.Package {
	p := &v23.Package{
		PackageName:               packageName(c),
		PackageVersion:            c.Version,
		PackageDownloadLocation:   "NOASSERTION",
		FilesAnalyzed:             false,
		IsFilesAnalyzedTagPresent: true,
		PrimaryPackagePurpose:     "LIBRARY",
	}
	if c.Type == cdx.ComponentTypeFile {
		p.PrimaryPackagePurpose = "FILE"
	}
	var sha256 string
	for _, h := range deref(c.Hashes) {
		alg, ok := checksumAlgorithms[h.Algorithm]
		if !ok {
			continue
		}
		p.PackageChecksums = append(p.PackageChecksums, common.Checksum{Algorithm: alg, Value: strings.ToLower(h.Value)})
		if alg == common.SHA256 {
			sha256 = strings.ToLower(h.Value)
		}
	}
	for _, r := range deref(c.ExternalReferences) {
		if r.Type == cdx.ERTypeDistribution && p.PackageDownloadLocation == "NOASSERTION" {
			p.PackageDownloadLocation = r.URL
		}
	}
	if c.PackageURL != "" {
		p.PackageExternalReferences = []*v23.PackageExternalReference{{
			Category: common.CategoryPackageManager,
			RefType:  common.TypePackageManagerPURL,
			Locator:  c.PackageURL,
		}}
	}
	p.PackageLicenseDeclared, p.PackageLicenseComments = declaredLicense(c)
	p.PackageSourceInfo = sourceInfo(c, p.PackageDownloadLocation)
	p.PackageComment = verificationComment(c)
	id := elementID(c, sha256)
	for n := 2; ids[id]; n++ {
		id = common.ElementID(fmt.Sprintf("%s-%d", elementID(c, sha256), n))
	}
	ids[id] = true
	p.PackageSPDXIdentifier = id
	return p
}

// checksumAlgorithms maps the CycloneDX hash algorithms depaudit writes to
// SPDX's.
var checksumAlgorithms = map[cdx.HashAlgorithm]common.ChecksumAlgorithm{
	cdx.HashAlgoSHA1:   common.SHA1,
	cdx.HashAlgoSHA256: common.SHA256,
	cdx.HashAlgoSHA512: common.SHA512,
}

// packageName is the name a package manager users know the component by:
// scope/name for npm, group:name for Maven, group/name elsewhere.
func packageName(c *cdx.Component) string {
	if c.Group == "" {
		return c.Name
	}
	if p, err := packageurl.FromString(c.PackageURL); err == nil && p.Type == packageurl.TypeMaven {
		return c.Group + ":" + c.Name
	}
	return c.Group + "/" + c.Name
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// elementID derives a stable identifier from a component's purl type, name,
// version and the start of its SHA-256 (a purl may be served with two sets
// of bytes; each is its own component).
func elementID(c *cdx.Component, sha256 string) common.ElementID {
	typ := "file"
	if p, err := packageurl.FromString(c.PackageURL); err == nil {
		typ = p.Type
	}
	s := "Package-" + typ + "-" + packageName(c)
	if c.Version != "" {
		s += "-" + c.Version
	}
	if len(sha256) >= 8 {
		s += "-" + sha256[:8]
	}
	return common.ElementID(strings.Trim(idUnsafe.ReplaceAllString(s, "-"), "-"))
}

// sourceInfo says where the bytes came from: the registry host, the URLs
// and how many requests fetched them.
func sourceInfo(c *cdx.Component, download string) string {
	props := deref(c.Properties)
	var b strings.Builder
	b.WriteString("fetched during the build")
	if u, err := url.Parse(download); err == nil && u.Host != "" {
		b.WriteString(" from " + u.Host)
	}
	if eco := propValue(props, "depaudit:ecosystem"); eco != "" {
		b.WriteString(" (" + eco + ")")
	}
	if n := propValue(props, "depaudit:requests"); n != "" && n != "1" {
		b.WriteString(", " + n + " requests")
	}
	if n := propValue(props, "depaudit:bytes"); n != "" {
		b.WriteString(", " + n + " bytes")
	}
	if more := propValues(props, "depaudit:url"); len(more) > 0 {
		b.WriteString("; also served at " + strings.Join(more, ", "))
	}
	if from := propValues(props, "depaudit:redirected-from"); len(from) > 0 {
		b.WriteString("; redirected from " + strings.Join(from, ", "))
	}
	return b.String()
}

// verificationComment states the component's verification in one
// sentence, mismatch and violations first.
func verificationComment(c *cdx.Component) string {
	props := deref(c.Properties)
	var parts []string
	switch propValue(props, "depaudit:verification") {
	case "verified":
		parts = append(parts, "verified: the bytes received match the digests published by "+
			cmp.Or(strings.Join(propValues(props, "depaudit:verification:source"), ", "), "the registry"))
	case "mismatch":
		exp := propValues(props, "depaudit:verification:expected")
		got := propValues(props, "depaudit:verification:received")
		parts = append(parts, fmt.Sprintf("DIGEST MISMATCH: published %s, received %s",
			strings.Join(exp, ", "), strings.Join(got, ", ")))
	case "unverifiable":
		parts = append(parts, "unverifiable: "+cmp.Or(propValue(props, "depaudit:verification:reason"), "no published digest"))
	}
	for _, v := range propValues(props, "depaudit:violation") {
		parts = append(parts, "policy "+v)
	}
	return strings.Join(parts, "; ")
}

// buildComment describes the build run: command, exit code and times.
func buildComment(m *cdx.Metadata) string {
	props := deref(m.Properties)
	var parts []string
	if cmd := propValue(props, "depaudit:command"); cmd != "" {
		parts = append(parts, "command: "+cmd)
	}
	if code := propValue(props, "depaudit:exit-code"); code != "" {
		parts = append(parts, "exit code "+code)
	}
	if s, e := propValue(props, "depaudit:start"), propValue(props, "depaudit:end"); s != "" {
		parts = append(parts, "ran from "+s+" to "+cmp.Or(e, "(unknown: the capture log has no end)"))
	}
	if propValue(props, "depaudit:capture:truncated") == "true" {
		parts = append(parts, "the capture log ended early")
	}
	if len(parts) == 0 {
		return ""
	}
	return "The build depaudit recorded: " + strings.Join(parts, "; ") + "."
}

// servicesComment names the hosts the build contacted that served no
// package (SPDX has no element for a service).
func servicesComment(bom *cdx.BOM) string {
	svcs := deref(bom.Services)
	if len(svcs) == 0 {
		return ""
	}
	lines := make([]string, 0, len(svcs))
	for _, s := range svcs {
		line := s.Name
		props := deref(s.Properties)
		if n := propValue(props, "depaudit:requests"); n == "1" {
			line += " (1 request)"
		} else if n != "" {
			line += " (" + n + " requests)"
		}
		for _, v := range propValues(props, "depaudit:violation") {
			line += "; policy " + v
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return "Hosts the build contacted that served no package (calls to no known registry, or a registry's " +
		"metadata and API), with the requests each got: " + strings.Join(lines, "; ") + "."
}

func propValue(ps []cdx.Property, name string) string {
	for _, p := range ps {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func propValues(ps []cdx.Property, name string) []string {
	var out []string
	for _, p := range ps {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// declaredLicense is a component's licences as SPDX declares them: an
// expression of SPDX identifiers and expressions (joined with AND), or,
// when one is a name no SPDX identifier stands for, NOASSERTION with the
// names in the licence comments; "" when the component has none.
func declaredLicense(c *cdx.Component) (declared, comments string) {
	if c.Licenses == nil {
		return "", ""
	}
	var exprs, names []string
	for _, l := range *c.Licenses {
		switch {
		case l.Expression != "" && len(*c.Licenses) == 1:
			exprs = append(exprs, l.Expression)
		case l.Expression != "":
			exprs = append(exprs, "("+l.Expression+")")
		case l.License != nil && l.License.ID != "":
			exprs = append(exprs, l.License.ID)
		case l.License != nil && l.License.Name != "":
			names = append(names, l.License.Name)
		}
	}
	switch {
	case len(names) > 0:
		return "NOASSERTION", "Licences as published: " + strings.Join(append(exprs, names...), "; ")
	case len(exprs) > 0:
		return strings.Join(exprs, " AND "), ""
	}
	return "", ""
}
