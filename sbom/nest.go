package sbom

import (
	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
)

// nestParts puts each component whose finding names a Parent (an OCI
// image's manifests, config and layers) inside that parent's component, as
// CycloneDX nested components, when the parent is a component of the same
// SBOM; the others stay at the top level. comps[i] is arts[i]'s component.
// The order of each level is kept.
func nestParts(comps []cdx.Component, arts []*audit.Artifact) []cdx.Component {
	byPURL := make(map[string]int, len(arts))
	for i, a := range arts {
		if _, dup := byPURL[a.Finding.PURL]; !dup {
			byPURL[a.Finding.PURL] = i
		}
	}
	parent := make([]int, len(arts))
	children := make(map[int][]int)
	nested := false
	for i, a := range arts {
		parent[i] = -1
		if j, ok := byPURL[a.Finding.Parent]; ok && a.Finding.Parent != "" && j != i {
			parent[i] = j
			children[j] = append(children[j], i)
			nested = true
		}
	}
	if !nested {
		return comps
	}
	placed := make([]bool, len(arts))
	var build func(i int) cdx.Component
	build = func(i int) cdx.Component {
		placed[i] = true
		c := comps[i]
		var kids []cdx.Component
		for _, k := range children[i] {
			if !placed[k] {
				kids = append(kids, build(k))
			}
		}
		if len(kids) > 0 {
			c.Components = &kids
		}
		return c
	}
	var out []cdx.Component
	for i := range arts {
		if parent[i] < 0 {
			out = append(out, build(i))
		}
	}
	// A parent chain that loops has no root: its members stay on top.
	for i := range arts {
		if !placed[i] {
			out = append(out, build(i))
		}
	}
	return out
}
