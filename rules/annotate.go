package rules

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/sbom"
)

// SBOM property names the rules add, in depaudit's namespace.
const (
	// PropViolation is one violation, as Violation.String prints it: on
	// the metadata for every violation, and on each component and service
	// the violation is about.
	PropViolation = "depaudit:violation"
	// PropPolicyMode is the rules file's mode (audit or enforce), on the
	// metadata.
	PropPolicyMode = "depaudit:policy:mode"
	// PropRulesFile is the rules file's base name, on the metadata.
	PropRulesFile = "depaudit:rules:file"
)

// Annotate records the rules and their violations in bom as properties:
// the mode, the rules file and every violation on the metadata, and each
// violation also on the components it is about (same package URL, or
// fetched from one of its URLs) and on the services of its hosts. It keeps
// the BOM deterministic: violations are added in the order given, which
// Evaluate sorts.
func (r *Rules) Annotate(bom *cdx.BOM, vs []Violation) {
	if bom == nil {
		return
	}
	if bom.Metadata == nil {
		bom.Metadata = &cdx.Metadata{}
	}
	meta := []cdx.Property{{Name: PropPolicyMode, Value: string(r.mode)}}
	if r.path != "" {
		meta = append(meta, cdx.Property{Name: PropRulesFile, Value: baseName(r.path)})
	}
	for _, v := range vs {
		meta = append(meta, cdx.Property{Name: PropViolation, Value: v.String()})
	}
	bom.Metadata.Properties = appendProps(bom.Metadata.Properties, meta...)
	if len(vs) == 0 {
		return
	}
	if bom.Components != nil {
		comps := *bom.Components
		for i := range comps {
			c := &comps[i]
			urls := componentURLs(c)
			for _, v := range vs {
				if (c.PackageURL != "" && c.PackageURL == v.Subject) || anyURL(v.URLs, urls) {
					c.Properties = appendProps(c.Properties, cdx.Property{Name: PropViolation, Value: v.String()})
				}
			}
		}
	}
	if bom.Services != nil {
		svcs := *bom.Services
		for i := range svcs {
			s := &svcs[i]
			for _, v := range vs {
				if violationHosts(v)[urlkey.HostPort("", s.Name)] {
					s.Properties = appendProps(s.Properties, cdx.Property{Name: PropViolation, Value: v.String()})
				}
			}
		}
	}
}

func appendProps(ps *[]cdx.Property, add ...cdx.Property) *[]cdx.Property {
	var out []cdx.Property
	if ps != nil {
		out = *ps
	}
	out = append(out, add...)
	return &out
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// componentURLs are the URLs a component's bytes came from, by urlKey.
func componentURLs(c *cdx.Component) map[string]bool {
	out := map[string]bool{}
	if c.ExternalReferences != nil {
		for _, ref := range *c.ExternalReferences {
			if ref.Type == cdx.ERTypeDistribution {
				out[urlkey.Key(ref.URL)] = true
			}
		}
	}
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if p.Name == sbom.PropURL || p.Name == sbom.PropRedirectedFrom {
				out[urlkey.Key(p.Value)] = true
			}
		}
	}
	return out
}

func anyURL(urls []string, set map[string]bool) bool {
	for _, u := range urls {
		if set[urlkey.Key(u)] {
			return true
		}
	}
	return false
}

// violationHosts are the hosts of a violation's requests, in the form of
// capture.Exchange.Host (urlkey.Host).
func violationHosts(v Violation) map[string]bool {
	out := map[string]bool{}
	for _, raw := range v.URLs {
		if h := urlkey.Host(raw); h != "" {
			out[h] = true
		}
	}
	return out
}
