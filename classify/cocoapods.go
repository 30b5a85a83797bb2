package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemCocoaPods names CocoaPods.
const EcosystemCocoaPods = "cocoapods"

// CocoaPods recognises the CocoaPods CDN (cdn.cocoapods.org): the version
// lists (all_pods_versions_A_B_C.txt) and the podspecs
// (/Specs/A/B/C/NAME/VERSION/NAME.podspec.json), which name each pod's
// source; the source archives are on other hosts (GitHub mostly) and are
// attributed to the pod through its podspec (see verify.Attribute).
type CocoaPods struct{}

// DefaultCocoaPods returns the CocoaPods classifier.
func DefaultCocoaPods() *CocoaPods { return &CocoaPods{} }

// Ecosystem returns "cocoapods".
func (c *CocoaPods) Ecosystem() string { return EcosystemCocoaPods }

// Classify implements Classifier.
func (c *CocoaPods) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var cocoaPodsSite = publicSite("cdn.cocoapods.org")

func (c *CocoaPods) classify(p *parsed) (Finding, bool) {
	rest, ok := cocoaPodsSite.match(p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemCocoaPods, KindAPI, pkgRef{}), true
	}
	n := len(rest)
	switch {
	case n == 7 && rest[0] == "Specs" && rest[6] == rest[4]+".podspec.json" && podName(rest[4]) && cleanSegment(rest[5]):
		return finding(p, EcosystemCocoaPods, KindMetadata, cocoaPodsRef(rest[4], rest[5])), true
	case n == 1 && (strings.HasPrefix(rest[0], "all_pods_versions_") || rest[0] == "CocoaPods-version.yml" || rest[0] == "deprecated_podspecs.txt"):
		return finding(p, EcosystemCocoaPods, KindMetadata, pkgRef{}), true
	}
	return unrecognised(p, EcosystemCocoaPods)
}

// cocoaPodsRef is pkg:cocoapods/NAME@VERSION (a subspec's name, "Pod/Sub",
// goes to the subpath).
func cocoaPodsRef(name, version string) pkgRef {
	pod, sub, _ := strings.Cut(name, "/")
	return pkgRef{typ: packageurl.TypeCocoapods, name: pod, version: version, subpath: sub}
}

// podName reports a pod name: no spaces, no "/" (a URL segment).
func podName(s string) bool { return cleanSegment(s) && !strings.ContainsAny(s, "+") }

// CocoaPodsPURL is the purl of a pod version.
func CocoaPodsPURL(name, version string) string { return cocoaPodsRef(name, version).String() }
