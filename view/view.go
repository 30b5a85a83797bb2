// Package view gathers what people are shown of one build — the figures,
// the packages with their verification, the digest mismatches and the
// policy violations — from the build's capture log and the SBOM assembled
// from it, for the outputs written for people (the HTML report, the CI
// step summary and annotations). It reads the SBOM's depaudit properties;
// it classifies and verifies nothing itself.
package view

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
)

// Verification statuses, as the SBOM records them.
const (
	Verified     = "verified"
	Mismatch     = "mismatch"
	Unverifiable = "unverifiable"
)

// Build is one build as people see it.
type Build struct {
	// Project names the built project.
	Project string
	// Command is the build command, secrets redacted.
	Command string
	// Start and End bound the run; End is zero when the capture log has
	// no trailer.
	Start, End time.Time
	// ExitCode is the command's exit code, -1 when unknown; Signal names
	// the signal that killed it.
	ExitCode int
	Signal   string
	// Summary holds the request figures.
	Summary sbom.Summary
	// Packages are the SBOM's components, in its order.
	Packages []Package
	// Counts counts the packages per verification status ("" for none).
	Counts map[string]int
	// Violations are the policy's violations, deny first.
	Violations []Violation
	// Warnings are the build's warnings.
	Warnings []string
	// Diff is the difference from a baseline SBOM; nil without one.
	Diff *sbom.Diff
	// BaselineName names the baseline.
	BaselineName string
}

// Package is one component of the SBOM.
type Package struct {
	Ecosystem, Name, Version, PURL string
	// URL is where the bytes were downloaded from; Host its host.
	URL, Host string
	Bytes     int64
	Requests  int
	SHA256    string
	// Verification is "verified", "mismatch", "unverifiable" or "".
	Verification string
	// Sources vouched for verified bytes; Reason explains unverifiable.
	Sources []string
	Reason  string
	// Expected and Received are a mismatch's digests, paired.
	Expected, Received []string
	// Violations are the policy violations about this package.
	Violations []string
}

// Violation is one broken rule of the policy.
type Violation struct {
	// Deny is true for a deny rule, false for a warning.
	Deny bool
	// Text is the violation in one line.
	Text string
}

// Input is what a Build is made from.
type Input struct {
	Log *capture.Log
	// Result is the SBOM assembled from Log, with verification and
	// violations recorded as its properties.
	Result *sbom.Result
	// Diff is the difference from a baseline, and BaselineName its name.
	Diff         *sbom.Diff
	BaselineName string
}

// New gathers the view of a build.
func New(in Input) *Build {
	b := &Build{ExitCode: -1, Counts: map[string]int{}, Diff: in.Diff, BaselineName: in.BaselineName}
	if l := in.Log; l != nil {
		b.Start = l.Header.Start
		if l.Trailer != nil {
			b.End = l.Trailer.End
			b.ExitCode = l.Trailer.ExitCode
			b.Signal = l.Trailer.Signal
		}
	}
	if in.Result == nil || in.Result.BOM == nil {
		return b
	}
	b.Summary = in.Result.Summary
	b.Warnings = in.Result.Warnings
	bom := in.Result.BOM
	if m := bom.Metadata; m != nil {
		if m.Component != nil {
			b.Project = m.Component.Name
			if m.Component.Version != "" {
				b.Project += " " + m.Component.Version
			}
		}
		for _, p := range deref(m.Properties) {
			switch p.Name {
			case sbom.PropCommand:
				b.Command = p.Value
			case rules.PropViolation:
				b.Violations = append(b.Violations, Violation{Deny: strings.HasPrefix(p.Value, "deny:"), Text: p.Value})
			}
		}
	}
	slices.SortStableFunc(b.Violations, func(x, y Violation) int {
		if x.Deny == y.Deny {
			return 0
		}
		if x.Deny {
			return -1
		}
		return 1
	})
	for _, c := range deref(bom.Components) {
		p := packageOf(&c)
		b.Counts[p.Verification]++
		b.Packages = append(b.Packages, p)
	}
	return b
}

func packageOf(c *cdx.Component) Package {
	p := Package{Name: c.Name, Version: c.Version, PURL: c.PackageURL, Requests: 1}
	if c.Group != "" {
		p.Name = c.Group + "/" + c.Name
	}
	for _, h := range deref(c.Hashes) {
		if h.Algorithm == cdx.HashAlgoSHA256 {
			p.SHA256 = strings.ToLower(h.Value)
		}
	}
	for _, r := range deref(c.ExternalReferences) {
		if r.Type == cdx.ERTypeDistribution && p.URL == "" {
			p.URL = r.URL
		}
	}
	if u, err := url.Parse(p.URL); err == nil {
		p.Host = u.Host
	}
	for _, pr := range deref(c.Properties) {
		switch pr.Name {
		case sbom.PropEcosystem:
			p.Ecosystem = pr.Value
		case sbom.PropBytes:
			p.Bytes, _ = strconv.ParseInt(pr.Value, 10, 64)
		case sbom.PropRequests:
			p.Requests, _ = strconv.Atoi(pr.Value)
		case sbom.PropVerification:
			p.Verification = pr.Value
		case sbom.PropVerificationSource:
			p.Sources = append(p.Sources, pr.Value)
		case sbom.PropVerificationReason:
			p.Reason = pr.Value
		case sbom.PropVerificationExpected:
			p.Expected = append(p.Expected, pr.Value)
		case sbom.PropVerificationReceived:
			p.Received = append(p.Received, pr.Value)
		case rules.PropViolation:
			p.Violations = append(p.Violations, pr.Value)
		}
	}
	p.Ecosystem = cmp.Or(p.Ecosystem, "generic")
	return p
}

// Mismatches are the packages whose bytes differ from what their registry
// published.
func (b *Build) Mismatches() []Package {
	var out []Package
	for _, p := range b.Packages {
		if p.Verification == Mismatch {
			out = append(out, p)
		}
	}
	return out
}

// Denied counts the deny violations.
func (b *Build) Denied() int {
	n := 0
	for _, v := range b.Violations {
		if v.Deny {
			n++
		}
	}
	return n
}

// Duration is the run's length, zero when unknown.
func (b *Build) Duration() time.Duration {
	if b.Start.IsZero() || b.End.IsZero() {
		return 0
	}
	return b.End.Sub(b.Start)
}

// Ecosystems lists the ecosystems with packages, sorted.
func (b *Build) Ecosystems() []string {
	var out []string
	for e := range b.Summary.Packages {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
