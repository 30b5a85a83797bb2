package verify

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/license"
)

// Facts a Maven POM publishes, recorded as capture.Digests with Source
// SourceFact and Subject the POM's coordinates as mavenKey writes them.
const (
	// FactLicense is a licence the POM's <licenses> names (its <name>,
	// else its <url>), verbatim.
	FactLicense = "license"
	// FactMavenParent is the POM's <parent>, as a mavenKey.
	FactMavenParent = "maven-parent"
	// FactMavenDependency is a <dependency> of the POM's <dependencies>,
	// as written: "GROUP:ARTIFACT|VERSION|SCOPE|OPTIONAL|TYPE|CLASSIFIER" (VERSION
	// may be empty or hold ${property} references; empty fields for
	// what the POM leaves out).
	FactMavenDependency = "maven-dependency"
	// FactMavenManaged is a <dependency> of the POM's
	// <dependencyManagement>, in the same form.
	FactMavenManaged = "maven-managed"
	// FactMavenProperty is a <properties> entry: "NAME=VALUE".
	FactMavenProperty = "maven-property"
)

// mavenDepFields are the fields of a FactMavenDependency value, in order.
var mavenDepFields = []string{"groupId", "artifactId", "version", "scope", "optional", "type", "classifier"}

// maxPOMDepth bounds the element nesting of a POM read.
const maxPOMDepth = 64

// mavenKey is the subject of a Maven POM's facts: "maven:GROUP:ARTIFACT:VERSION".
func mavenKey(group, artifact, version string) string {
	if group == "" || artifact == "" || version == "" {
		return ""
	}
	return "maven:" + group + ":" + artifact + ":" + version
}

// mavenPURLKey is the mavenKey of a Maven purl (any type: the jar, the
// POM), "" for another purl.
func mavenPURLKey(purl string) string {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Type != "maven" {
		return ""
	}
	return mavenKey(p.Namespace, p.Name, p.Version)
}

// parseMavenPOM streams a POM and emits its licences and its parent as
// facts of the POM's coordinates (from its URL's purl, which the
// repository layout fixes). Only the <project>'s own <licenses> and
// <parent> are read, token by token.
func parseMavenPOM(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := mavenPURLKey(p.f.PURL)
	if subject == "" {
		return nil
	}
	dec := xml.NewDecoder(r)
	dec.Strict = true
	var (
		path            []string
		parent          [3]string
		licName, licURL string
		licenses        []string
		text            strings.Builder
		dep             = map[string]string{}
		facts           []capture.Digest
	)
	fact := func(alg, v string) {
		facts = append(facts, capture.Digest{Subject: subject, Algorithm: alg, Value: v, Source: SourceFact})
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("maven pom: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) >= maxPOMDepth {
				return fmt.Errorf("maven pom: nested deeper than %d elements", maxPOMDepth)
			}
			path = append(path, t.Name.Local)
			text.Reset()
		case xml.CharData:
			if text.Len() < 4096 {
				text.Write(t)
			}
		case xml.EndElement:
			at := strings.Join(path, "/")
			v := strings.TrimSpace(text.String())
			switch at {
			case "project/parent/groupId":
				parent[0] = v
			case "project/parent/artifactId":
				parent[1] = v
			case "project/parent/version":
				parent[2] = v
			case "project/licenses/license/name":
				licName = v
			case "project/licenses/license/url":
				licURL = v
			case "project/licenses/license":
				if l := cmp.Or(licName, licURL); l != "" {
					licenses = append(licenses, l)
				}
				licName, licURL = "", ""
			case "project/dependencies/dependency", "project/dependencyManagement/dependencies/dependency":
				if dep["groupId"] != "" && dep["artifactId"] != "" {
					alg := FactMavenDependency
					if strings.HasPrefix(at, "project/dependencyManagement/") {
						alg = FactMavenManaged
					}
					fact(alg, dep["groupId"]+":"+dep["artifactId"]+"|"+dep["version"]+"|"+dep["scope"]+"|"+dep["optional"]+"|"+dep["type"]+"|"+dep["classifier"])
				}
				clear(dep)
			default:
				if len(path) == 3 && path[1] == "properties" && !strings.ContainsAny(path[2], "=") {
					fact(FactMavenProperty, path[2]+"="+v)
				} else if field := path[len(path)-1]; (len(path) == 4 && path[1] == "dependencies" ||
					len(path) == 5 && path[1] == "dependencyManagement" && path[2] == "dependencies") && slices.Contains(mavenDepFields, field) {
					dep[field] = strings.ReplaceAll(v, "|", "")
				}
			}
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			text.Reset()
		}
	}
	emit(capture.Digest{Subject: subject, Algorithm: FactManifest, Value: "pom.xml", Source: SourceFact})
	for _, l := range licenses {
		emit(capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	for _, f := range facts {
		emit(f)
	}
	if k := mavenKey(parent[0], parent[1], parent[2]); k != "" && !strings.Contains(k, "${") {
		emit(capture.Digest{Subject: subject, Algorithm: FactMavenParent, Value: k, Source: SourceFact})
	}
	return nil
}

// maxParents bounds a POM's parent chain.
const maxParents = 16

// mavenLicense returns the licences of the Maven artifact key: its POM's,
// else the nearest parent's the build fetched, and where they came from.
// e.mu must be held.
func (e *Evidence) mavenLicense(key string) ([]string, string) {
	for i := 0; key != "" && i < maxParents; i++ {
		if l := e.licenses[key]; len(l) > 0 {
			if i == 0 {
				return slices.Clone(l), license.SourceMavenPOM
			}
			return slices.Clone(l), license.SourceMavenParentPOM
		}
		key = e.parents[key]
	}
	return nil, ""
}

// Licenses returns the licences published for the artifact purl in what
// the build fetched, verbatim, and their source (a license.Source*
// value); for a crate, none and license.SourceNotPublished (the crates.io
// index publishes none); nil and "" when nothing is known.
func (e *Evidence) Licenses(purl string) ([]string, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if k := mavenPURLKey(purl); k != "" {
		return e.mavenLicense(k)
	}
	if k := npmSubject(purl); k != "" {
		if _, read := e.manifests[k]; read {
			return slices.Clone(e.licenses[k]), license.SourceNPMPackageJSON
		}
		return nil, ""
	}
	if k := pypiSubject(purl); k != "" {
		switch e.manifests[k] {
		case pypiManifestMETADATA:
			return slices.Clone(e.licenses[k]), license.SourcePyPICoreMetadata
		case pypiManifestJSONAPI:
			return slices.Clone(e.licenses[k]), license.SourcePyPIJSONAPI
		case pypiManifestPKGINFO, pypiManifestPKGINFODynamic:
			return slices.Clone(e.licenses[k]), license.SourcePyPISdist
		}
		return nil, ""
	}
	if k := crateSubject(purl); k != "" {
		if _, read := e.manifests[k]; read {
			return slices.Clone(e.licenses[k]), license.SourceCargoToml
		}
		// The index the build fetched publishes no licence.
		return nil, license.SourceNotPublished
	}
	return nil, ""
}
