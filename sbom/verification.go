package sbom

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
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

// Verification is the outcome of checking one component's bytes.
type Verification struct {
	// Status is "verified", "mismatch" or "unverifiable"; empty leaves the
	// component unannotated.
	Status string
	// Sources name what vouched for the bytes.
	Sources []string
	// Expected and Received pair up the differing digests of a mismatch
	// ("ALGORITHM:VALUE", the expected one followed by its source).
	Expected, Received []string
	// Reason explains an unverifiable verdict.
	Reason string
	// GoH1 is the h1 of a Go module zip.
	GoH1 string
}

// VerifyFunc gives the verification of the component with the given purl
// whose bytes have the given (lower-case hex) SHA-256.
type VerifyFunc func(purl, sha256 string) Verification

// annotateVerification adds the verification properties to each component;
// a nil verify leaves them as they are.
func annotateVerification(comps []cdx.Component, verify VerifyFunc) {
	if verify == nil {
		return
	}
	for i := range comps {
		c := &comps[i]
		sum := ""
		if c.Hashes != nil {
			for _, h := range *c.Hashes {
				if h.Algorithm == cdx.HashAlgoSHA256 {
					sum = strings.ToLower(h.Value)
				}
			}
		}
		v := verify(c.PackageURL, sum)
		if v.Status == "" {
			continue
		}
		var props []cdx.Property
		if c.Properties != nil {
			props = *c.Properties
		}
		props = append(props, prop(PropVerification, v.Status))
		for _, s := range v.Sources {
			props = append(props, prop(PropVerificationSource, s))
		}
		for j := range v.Expected {
			props = append(props, prop(PropVerificationExpected, v.Expected[j]))
			if j < len(v.Received) {
				props = append(props, prop(PropVerificationReceived, v.Received[j]))
			}
		}
		if v.Reason != "" {
			props = append(props, prop(PropVerificationReason, v.Reason))
		}
		if v.GoH1 != "" {
			props = append(props, prop(PropGolangH1, v.GoH1))
		}
		c.Properties = propsOrNil(props)
	}
}
