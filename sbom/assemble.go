package sbom

import (
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/depgraph"
)

// Options are the facts of a build that its report does not hold.
type Options struct {
	// ProjectName and ProjectVersion describe the built project
	// (metadata.component); the name defaults to the base name of the
	// directory the build ran in.
	ProjectName    string
	ProjectVersion string
	// ToolVersion is depaudit's own version (metadata.tools).
	ToolVersion string
	// SerialNumber fixes the BOM's serial number ("urn:uuid:…"); empty
	// means a random one. Only tests fix it.
	SerialNumber string
	// Timestamp fixes metadata.timestamp; the zero value means now.
	Timestamp time.Time
}

// The JSON schema and XML namespace of CycloneDX 1.6, the version Render
// builds; Encode converts to the version asked for.
const (
	jsonSchema16   = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	xmlNamespace16 = "http://cyclonedx.org/schema/bom/1.6"
)

var serialNumberRE = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Render writes the report of a build as a CycloneDX 1.6 SBOM: one
// component per artifact (with its verification and violations), one
// service per host of the unclassified calls, and the metadata of the run
// and of the policy. It decides nothing: every fact comes from r. The BOM
// depends only on r and opts, except for a random serial number and the
// current time when opts leaves them unset.
func Render(r *audit.Report, opts Options) (*cdx.BOM, error) {
	if r == nil || r.Log == nil {
		return nil, errors.New("render SBOM: no report")
	}
	serial := opts.SerialNumber
	if serial == "" {
		serial = NewSerialNumber()
	} else if !serialNumberRE.MatchString(serial) {
		return nil, fmt.Errorf("render SBOM: serial number %q is not a lower-case urn:uuid", serial)
	}
	ts := opts.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}

	unreachable := map[string]bool{}
	if r.Graph != nil {
		for _, ref := range r.Graph.Unreachable {
			unreachable[ref] = true
		}
	}
	purlOf := make(map[string]string, len(r.Artifacts))
	for _, a := range r.Artifacts {
		purlOf[a.Ref] = a.Finding.PURL
	}
	comps := make([]cdx.Component, 0, len(r.Artifacts))
	for _, a := range r.Artifacts {
		c := component(a, r.Verified)
		if unreachable[a.Ref] {
			// Fetched, but reached from none of the project's own
			// requirements: not part of what was built.
			c.Scope = cdx.ScopeExcluded
		}
		if r.Graph != nil {
			for _, amb := range r.Graph.Ambiguous[a.Ref] {
				v := amb.Requirement + " →"
				for _, ref := range amb.Refs {
					v += " " + purlOf[ref]
				}
				props := append(derefProps(c.Properties), prop(PropDependencyAmbiguous, v))
				c.Properties = &props
			}
		}
		comps = append(comps, c)
	}
	comps = nestParts(comps, r.Artifacts)
	comps = append(comps, providedComponents(comps)...)
	svcs := make([]cdx.Service, 0, len(r.Services))
	for _, s := range r.Services {
		svcs = append(svcs, service(s))
	}
	svcs = append(svcs, connectionServices(r.Log.Connections)...)

	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.JSONSchema = jsonSchema16
	bom.XMLNS = xmlNamespace16
	bom.SerialNumber = serial
	bom.Metadata = metadata(r, opts, ts)
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(svcs) > 0 {
		bom.Services = &svcs
	}
	if r.Graph != nil {
		bom.Metadata.Component.BOMRef = projectRef
		bom.Dependencies = dependencies(r.Graph)
	}
	return bom, nil
}

// projectRef is the bom-ref of the built project (metadata.component) when
// the SBOM has a dependency graph.
const projectRef = "depaudit:project"

// dependencies renders a dependency graph: the project depends on the
// roots, each package whose requirements the build's metadata stated on
// what satisfies them. A package without an entry has dependencies the
// build fetched nothing about (CycloneDX: unknown, not none).
func dependencies(g *depgraph.Graph) *[]cdx.Dependency {
	roots := slices.Clone(g.Roots)
	deps := []cdx.Dependency{{Ref: projectRef, Dependencies: &roots}}
	refs := slices.Sorted(maps.Keys(g.DependsOn))
	for _, ref := range refs {
		on := slices.Clone(g.DependsOn[ref])
		d := cdx.Dependency{Ref: ref}
		if len(on) > 0 {
			d.Dependencies = &on
		} else {
			d.Dependencies = &[]string{}
		}
		deps = append(deps, d)
	}
	return &deps
}

// NewSerialNumber returns a random (version 4) UUID URN, for
// Options.SerialNumber: every rendering of one build with the same
// serial number and timestamp is the same document.
func NewSerialNumber() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
