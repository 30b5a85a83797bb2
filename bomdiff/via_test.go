package bomdiff

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TestDiffAddedVia: an added package is shown with a shortest path to it
// from the project's direct dependencies, in all three formats; a direct
// dependency and a BOM without a graph have none.
func TestDiffAddedVia(t *testing.T) {
	comp := func(ref, name, version string) cdx.Component {
		return cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: name, Version: version,
			PackageURL: "pkg:npm/" + name + "@" + version}
	}
	old := &cdx.BOM{Components: &[]cdx.Component{comp("e", "express", "4.18.2"), comp("b", "body-parser", "1.20.1")}}
	newComps := []cdx.Component{comp("e", "express", "4.18.2"), comp("b", "body-parser", "1.20.1"),
		comp("d", "debug", "4.3.5"), comp("l", "left-pad", "1.3.0")}
	deps := []cdx.Dependency{
		{Ref: "project", Dependencies: &[]string{"e", "l"}},
		{Ref: "e", Dependencies: &[]string{"b"}},
		{Ref: "b", Dependencies: &[]string{"d"}},
	}
	nb := &cdx.BOM{Metadata: &cdx.Metadata{Component: &cdx.Component{BOMRef: "project", Name: "shop"}},
		Components: &newComps, Dependencies: &deps}
	d := DiffBOMs(old, nb)
	var got []string
	for _, a := range d.Added {
		got = append(got, a.Name+": "+strings.Join(a.Via, " > "))
	}
	if want := []string{"debug: express@4.18.2 > body-parser@1.20.1", "left-pad: "}; !slices.Equal(got, want) {
		t.Fatalf("added %q, want %q", got, want)
	}
	var text, md strings.Builder
	d.WriteText(&text, false)
	d.WriteMarkdown(&md)
	js, _ := json.Marshal(d)
	for format, out := range map[string]string{"text": text.String(), "markdown": md.String(), "json": string(js)} {
		if !strings.Contains(out, "express@4.18.2") || !strings.Contains(out, "body-parser@1.20.1") {
			t.Errorf("%s does not show the path:\n%s", format, out)
		}
	}
	nb.Dependencies = nil
	for _, a := range DiffBOMs(old, nb).Added {
		if len(a.Via) != 0 {
			t.Errorf("no graph, yet %s via %v", a.Name, a.Via)
		}
	}
}
