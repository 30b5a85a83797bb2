package sbom

import (
	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/classify"
)

// PropProvidedBy names, on a component that no download was on its own,
// the component whose file provides it (the Go standard library a Go
// toolchain's module zip carries).
const PropProvidedBy = "depaudit:provided-by"

// providedComponents are the components other components' files provide
// under another identity: the Go standard library of a Go toolchain
// fetched from a module proxy, as pkg:golang/stdlib@VERSION, the purl
// vulnerability scanners (grype, Dependency-Track) look it up by. Each is
// listed once, without hashes (it is not a file of its own).
func providedComponents(comps []cdx.Component) []cdx.Component {
	var out []cdx.Component
	seen := map[string]bool{}
	for _, c := range comps {
		seen[c.PackageURL] = true
		seen[c.BOMRef] = true
	}
	for _, c := range comps {
		purl, ok := classify.GoStdlib(c.PackageURL)
		if !ok || seen[purl] {
			continue
		}
		seen[purl] = true
		p, err := classify.ParsePURL(purl)
		if err != nil {
			continue
		}
		name, version := p.Name, p.Version
		props := []cdx.Property{prop(PropEcosystem, classify.EcosystemGo), prop(PropProvidedBy, c.PackageURL)}
		out = append(out, cdx.Component{BOMRef: purl, Type: cdx.ComponentTypeLibrary, Name: name, Version: version,
			PackageURL: purl, Properties: &props})
	}
	return out
}
