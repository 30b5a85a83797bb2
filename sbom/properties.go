package sbom

import (
	"regexp"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/bomdiff"
)

// Property names depaudit writes, all in the `depaudit:` namespace and
// following the CycloneDX property taxonomy rules (colon-separated segments
// of ASCII letters, digits, '-', '_' and space).
const (
	// PropEcosystem names the classifier that recognised a component.
	PropEcosystem = "depaudit:ecosystem"
	// PropBytes is the size of a component's download, or the bytes a
	// service sent back in all.
	PropBytes = "depaudit:bytes"
	// PropRequests counts the requests that fetched a component or went
	// to a service.
	PropRequests = "depaudit:requests"
	// PropError is a request that failed, "URL: error", on the service
	// it went to.
	PropError = "depaudit:error"
	// PropURL is a further URL the same bytes were fetched from, beyond
	// the distribution reference.
	PropURL = bomdiff.PropURL
	// PropRedirectedFrom is a URL that redirected to the download.
	PropRedirectedFrom = "depaudit:redirected-from"
	// PropContentEncoding is the Content-Encoding the bytes were served
	// with; the hashes are over the bytes as served.
	PropContentEncoding = "depaudit:content-encoding"
	// PropLicenseSource says where a component's licences come from
	// ("maven pom", "maven parent pom"), or that the metadata the build
	// fetched publishes none ("not published in what the build fetched").
	PropLicenseSource = "depaudit:license:source"
	// PropDependencyAmbiguous is a requirement of the component's metadata
	// that more than one fetched version satisfies: "REQUIREMENT → PURL
	// PURL…". The dependencies list an edge to each; which one the client
	// used is not in what the build fetched.
	PropDependencyAmbiguous = "depaudit:dependency:ambiguous"
	// PropServiceRole is what the build used a service's host for (one
	// property per role): registry-metadata, registry-api, vcs,
	// unclassified, failed-download, tunnel (see audit.Role*).
	PropServiceRole = "depaudit:service:role"
	// PropHTTPMethod is an HTTP method used with a service (one property
	// per distinct method).
	PropHTTPMethod = "depaudit:http:method"
	// PropHTTPStatus is a response status a service gave (one property per
	// distinct status).
	PropHTTPStatus = "depaudit:http:status"
	// PropCommand is the build command, secrets redacted.
	PropCommand = "depaudit:command"
	// PropExitCode is the build command's exit code.
	PropExitCode = "depaudit:exit-code"
	// PropSignal names the signal that killed the build command.
	PropSignal = "depaudit:signal"
	// PropStart and PropEnd are when the build started and ended (RFC 3339).
	PropStart = "depaudit:start"
	PropEnd   = "depaudit:end"
	// PropCaptureVersion is the depaudit version that wrote the capture log.
	PropCaptureVersion = "depaudit:capture:version"
	// PropCaptureTruncated is "true" when the capture log ended early.
	PropCaptureTruncated = "depaudit:capture:truncated"
	// PropViolation is one policy violation, as rules.Violation.String
	// prints it: on the metadata for every violation, and on each
	// component and service the violation is about.
	PropViolation = "depaudit:violation"
	// PropPolicyMode is the rules file's mode (audit or enforce), on the
	// metadata of a build judged by a policy.
	PropPolicyMode = "depaudit:policy:mode"
	// PropRulesFile is the rules file's base name, on the metadata.
	PropRulesFile = "depaudit:rules:file"
)

// propertyNameRE is the CycloneDX property taxonomy syntax for names in
// depaudit's namespace.
var propertyNameRE = regexp.MustCompile(`^depaudit(:[A-Za-z0-9_ -]+)+$`)

// ValidPropertyName reports whether name is a well-formed property name in
// depaudit's namespace.
func ValidPropertyName(name string) bool { return propertyNameRE.MatchString(name) }

// prop builds one property.
func prop(name, value string) cdx.Property { return cdx.Property{Name: name, Value: value} }

// propsOrNil returns a pointer to ps, or nil when ps is empty, so that
// empty lists are left out of the output.
func propsOrNil(ps []cdx.Property) *[]cdx.Property {
	if len(ps) == 0 {
		return nil
	}
	return &ps
}

// derefProps returns the properties ps points to, nil for none.
func derefProps(ps *[]cdx.Property) []cdx.Property {
	if ps == nil {
		return nil
	}
	return *ps
}
