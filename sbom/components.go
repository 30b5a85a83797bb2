package sbom

import (
	"slices"
	"strconv"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/license"
)

// component renders an artifact as a CycloneDX component; verified says
// whether its verdict is to be written.
func component(a *audit.Artifact, verified bool) cdx.Component {
	group, name, version := a.Names()
	if a.Finding.Ecosystem == classify.EcosystemGo && group != "" {
		// A Go module is known by its whole path, as cyclonedx-gomod
		// names it: "github.com/Masterminds/semver/v3", not "v3" in
		// group "github.com/Masterminds/semver". The purl keeps the
		// spec's namespace and name.
		group, name = "", group+"/"+name
	}
	typ := cdx.ComponentTypeLibrary
	if a.Finding.Ecosystem == classify.EcosystemGeneric {
		typ = cdx.ComponentTypeFile
	}
	hashes := a.Hashes()
	urls := slices.Clone(a.URLs)
	slices.Sort(urls)
	refHashes := slices.Clone(hashes)
	props := []cdx.Property{
		prop(PropEcosystem, a.Finding.Ecosystem),
		prop(PropRequests, strconv.Itoa(a.Requests)),
		prop(PropBytes, strconv.FormatInt(a.Bytes, 10)),
	}
	if a.Encoding != "" {
		props = append(props, prop(PropContentEncoding, a.Encoding))
	}
	for _, u := range urls[1:] {
		props = append(props, prop(PropURL, u))
	}
	if a.Transparent {
		props = append(props, prop(PropTransparent, "true"))
	}
	from := slices.Clone(a.RedirectedFrom)
	slices.Sort(from)
	for _, u := range from {
		props = append(props, prop(PropRedirectedFrom, u))
	}
	if verified {
		props = append(props, verificationProps(a)...)
	}
	for _, v := range a.Violations {
		props = append(props, prop(PropViolation, v.String()))
	}
	if a.LicenseSource != "" {
		props = append(props, prop(PropLicenseSource, a.LicenseSource))
	}
	return cdx.Component{
		Licenses:   licenses(a.Licenses),
		BOMRef:     a.Ref,
		Type:       typ,
		Group:      group,
		Name:       name,
		Version:    version,
		PackageURL: a.Finding.PURL,
		Hashes:     &hashes,
		ExternalReferences: &[]cdx.ExternalReference{{
			Type:   cdx.ERTypeDistribution,
			URL:    urls[0],
			Hashes: &refHashes,
		}},
		Properties: propsOrNil(props),
	}
}

// licenses renders a component's licences: each an SPDX identifier or a
// name, or, for a single compound expression, that expression (CycloneDX
// does not mix expressions with licence objects in one list).
func licenses(ls []license.License) *cdx.Licenses {
	if len(ls) == 0 {
		return nil
	}
	if len(ls) == 1 && ls[0].Expression != "" {
		return &cdx.Licenses{{Expression: ls[0].Expression}}
	}
	out := make(cdx.Licenses, 0, len(ls))
	for _, l := range ls {
		name := l.Name
		if l.Expression != "" {
			name = l.Expression
		}
		out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l.ID, Name: name}})
	}
	return &out
}
