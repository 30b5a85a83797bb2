// Package view gathers what people are shown of one build — the figures,
// the packages with their verification, the digest mismatches and the
// policy violations — from the build's report (package audit), for the
// outputs written for people (the HTML report, the CI step summary and
// annotations). It classifies and verifies nothing itself.
package view

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/verify"
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
	Summary audit.Summary
	// Packages are the SBOM's components, in its order.
	Packages []Package
	// Counts counts the packages per verification status ("" for none).
	Counts map[string]int
	// Violations are the policy's violations, deny first.
	Violations []Violation
	// Warnings are the build's warnings.
	Warnings []string
	// Diff is the difference from a baseline SBOM; nil without one.
	Diff *bomdiff.Diff
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
	// Report is the build's analysis.
	Report *audit.Report
	// BOM is the SBOM rendered from Report (for the project's name and
	// the build command as the SBOM records them); nil leaves them empty.
	BOM *cdx.BOM
	// BaselineName names the baseline of Report.Diff.
	BaselineName string
}

// New gathers the view of a build.
func New(in Input) *Build {
	b := &Build{ExitCode: -1, Counts: map[string]int{}, BaselineName: in.BaselineName}
	r := in.Report
	if r == nil {
		return b
	}
	if l := r.Log; l != nil {
		b.Start = l.Header.Start
		if l.Trailer != nil {
			b.End = l.Trailer.End
			b.ExitCode = l.Trailer.ExitCode
			b.Signal = l.Trailer.Signal
		}
	}
	b.Diff = r.Diff
	b.Summary = r.Summary
	b.Warnings = r.Warnings
	if in.BOM != nil && in.BOM.Metadata != nil {
		m := in.BOM.Metadata
		if m.Component != nil {
			b.Project = m.Component.Name
			if m.Component.Version != "" {
				b.Project += " " + m.Component.Version
			}
		}
		for _, p := range deref(m.Properties) {
			if p.Name == sbom.PropCommand {
				b.Command = p.Value
			}
		}
	}
	// Report.Violations are deny first already.
	for _, v := range r.Violations {
		b.Violations = append(b.Violations, Violation{Deny: v.Level == rules.Deny, Text: v.String()})
	}
	for _, a := range r.Artifacts {
		p := packageOf(a)
		b.Counts[p.Verification]++
		b.Packages = append(b.Packages, p)
	}
	return b
}

func packageOf(a *audit.Artifact) Package {
	group, name, version := a.Names()
	p := Package{Name: name, Version: version, PURL: a.Finding.PURL, Requests: a.Requests,
		Ecosystem: cmp.Or(a.Finding.Ecosystem, "generic"), Bytes: a.Bytes, SHA256: a.SHA256}
	if group != "" {
		p.Name = group + "/" + name
	}
	urls := slices.Clone(a.URLs)
	slices.Sort(urls)
	p.URL = urls[0]
	if u, err := url.Parse(p.URL); err == nil {
		p.Host = u.Host
	}
	vd := a.Verdict
	p.Verification = string(vd.Status)
	p.Sources = vd.Sources
	p.Reason = vd.Reason
	for _, m := range vd.Mismatches {
		what := ""
		if m.What != "" {
			what = m.What + " "
		}
		p.Expected = append(p.Expected, fmt.Sprintf("%s%s (%s)", what, verify.DigestText(m.Algorithm, m.Expected), m.Source))
		p.Received = append(p.Received, what+verify.DigestText(m.Algorithm, m.Received))
	}
	for _, v := range a.Violations {
		p.Violations = append(p.Violations, v.String())
	}
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
