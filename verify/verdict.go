package verify

import (
	"fmt"
	"strings"
)

// Status is the outcome of verifying one artifact.
type Status string

// The verification outcomes.
const (
	// StatusVerified: a published digest was seen and the bytes match it.
	StatusVerified Status = "verified"
	// StatusMismatch: a published digest was seen and the bytes differ.
	StatusMismatch Status = "mismatch"
	// StatusUnverifiable: no published digest could be compared.
	StatusUnverifiable Status = "unverifiable"
)

// Verdict is the verification result of one artifact: a purl and the
// SHA-256 of the bytes received for it.
type Verdict struct {
	PURL   string
	SHA256 string
	Status Status
	// Sources name what vouched for the artifact (verified), sorted, e.g.
	// "npm packument integrity".
	Sources []string
	// Mismatches are the published digests the bytes do not match.
	Mismatches []Mismatch
	// Reason explains an unverifiable verdict.
	Reason string
	// GoH1 is the dirhash h1 computed over a Go module zip, "" otherwise.
	GoH1 string
}

// Mismatch is one published digest that the received bytes do not match.
type Mismatch struct {
	// What is the file the digest is of when it is not the artifact itself
	// ("go.mod"), else "".
	What      string
	Algorithm string
	Expected  string
	Received  string
	// Source names the metadata that published Expected.
	Source string
}

// String describes the mismatch on one line.
func (m Mismatch) String() string {
	what := ""
	if m.What != "" {
		what = m.What + " "
	}
	return fmt.Sprintf("%s%s expected %s (%s), received %s", what, m.Algorithm, m.Expected, m.Source, m.Received)
}

// String describes the verdict on one line.
func (v Verdict) String() string {
	switch v.Status {
	case StatusVerified:
		return fmt.Sprintf("%s verified by %s", v.PURL, strings.Join(v.Sources, ", "))
	case StatusMismatch:
		parts := make([]string, len(v.Mismatches))
		for i, m := range v.Mismatches {
			parts[i] = m.String()
		}
		return fmt.Sprintf("%s (sha256 %s) does not match what its registry published: %s", v.PURL, v.SHA256, strings.Join(parts, "; "))
	}
	return fmt.Sprintf("%s unverifiable: %s", v.PURL, v.Reason)
}

// Counts tallies verdicts by status.
type Counts struct {
	Verified, Mismatch, Unverifiable int
}

// Count tallies vs.
func Count(vs []Verdict) Counts {
	var c Counts
	for _, v := range vs {
		switch v.Status {
		case StatusVerified:
			c.Verified++
		case StatusMismatch:
			c.Mismatch++
		default:
			c.Unverifiable++
		}
	}
	return c
}

// Mismatches returns the verdicts of vs that are mismatches, for policy:
// a build can be failed when the list is not empty.
func Mismatches(vs []Verdict) []Verdict {
	var out []Verdict
	for _, v := range vs {
		if v.Status == StatusMismatch {
			out = append(out, v)
		}
	}
	return out
}

// DigestText writes a digest as "ALGORITHM:VALUE", once: a Go h1 value
// already carries its "h1:".
func DigestText(alg, value string) string {
	if strings.HasPrefix(value, alg+":") {
		return value
	}
	return alg + ":" + value
}
