package sbom

import (
	"fmt"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/verify"
)

// Property names of the verification of a component against the digests
// its registry published.
const (
	// PropVerification is "verified", "mismatch" or "unverifiable".
	PropVerification = "depaudit:verification"
	// PropVerificationSource names what vouched for a verified component
	// (one property per source), e.g. "npm packument integrity".
	PropVerificationSource = "depaudit:verification:source"
	// PropVerificationExpected and PropVerificationReceived are, for a
	// mismatch, the published digest and the one of the bytes received, as
	// "ALGORITHM:VALUE" (one pair per differing digest, in the same order).
	PropVerificationExpected = "depaudit:verification:expected"
	PropVerificationReceived = "depaudit:verification:received"
	// PropVerificationReason explains an unverifiable component.
	PropVerificationReason = "depaudit:verification:reason"
	// PropGolangH1 is the Go checksum database hash (dirhash h1) of a Go
	// module zip: CycloneDX hashes are file hashes, h1 is not one.
	PropGolangH1 = "depaudit:golang:h1"
)

// verificationProps renders an artifact's verdict as properties.
func verificationProps(a *audit.Artifact) []cdx.Property {
	vd := a.Verdict
	if vd.Status == "" {
		return nil
	}
	props := []cdx.Property{prop(PropVerification, string(vd.Status))}
	for _, s := range vd.Sources {
		props = append(props, prop(PropVerificationSource, s))
	}
	for _, m := range vd.Mismatches {
		what := ""
		if m.What != "" {
			what = m.What + " "
		}
		props = append(props,
			prop(PropVerificationExpected, fmt.Sprintf("%s%s (%s)", what, verify.DigestText(m.Algorithm, m.Expected), m.Source)),
			prop(PropVerificationReceived, what+verify.DigestText(m.Algorithm, m.Received)))
	}
	if vd.Reason != "" {
		props = append(props, prop(PropVerificationReason, vd.Reason))
	}
	if vd.GoH1 != "" {
		props = append(props, prop(PropGolangH1, vd.GoH1))
	}
	return props
}
