package view_test

import (
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/verify"
	"github.com/depaudit/depaudit/view"
)

func TestNew(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	l := &capture.Log{Header: capture.Header{Start: start}, Trailer: &capture.Trailer{End: start.Add(1500 * time.Millisecond), ExitCode: 1}}
	deny := rules.Violation{Level: rules.Deny, Rule: "policy.deny.purls[0]", Subject: "pkg:npm/%40babel/core@7", Reason: "d"}
	warn := rules.Violation{Level: rules.Warn, Rule: "policy.unclassified", Subject: "x.example", Reason: "w"}
	r := &audit.Report{
		Log:        l,
		Verified:   true,
		Violations: []rules.Violation{deny, warn},
		Artifacts: []*audit.Artifact{
			{Finding: classify.Finding{Ecosystem: "npm", PURL: "pkg:npm/%40babel/core@7", Group: "@babel", Name: "core", Version: "7"},
				SHA256: "ab", Bytes: 42, Requests: 1, URLs: []string{"https://registry.npmjs.org/@babel/core/-/core-7.tgz"},
				Verdict:    verify.Verdict{Status: verify.StatusMismatch, Mismatches: []verify.Mismatch{{Algorithm: "sha512", Expected: "aa", Received: "bb", Source: "x"}}},
				Violations: []rules.Violation{deny}},
			{Finding: classify.Finding{Ecosystem: "", PURL: "pkg:generic/tool.sh"}, URLs: []string{"https://get.example/tool.sh"}, Requests: 1,
				Verdict: verify.Verdict{Status: verify.StatusUnverifiable, Reason: "none"}},
		},
	}
	bom := &cdx.BOM{Metadata: &cdx.Metadata{
		Component:  &cdx.Component{Name: "web", Version: "2"},
		Properties: &[]cdx.Property{{Name: "depaudit:command", Value: "npm ci"}},
	}}
	b := view.New(view.Input{Report: r, BOM: bom})
	if b.Project != "web 2" || b.Command != "npm ci" || b.ExitCode != 1 || b.Duration() != 1500*time.Millisecond {
		t.Errorf("build %q %q exit %d duration %v", b.Project, b.Command, b.ExitCode, b.Duration())
	}
	if len(b.Violations) != 2 || !b.Violations[0].Deny || b.Violations[1].Deny || b.Denied() != 1 {
		t.Errorf("violations %+v (deny first)", b.Violations)
	}
	p := b.Packages[0]
	if p.Name != "@babel/core" || p.Ecosystem != "npm" || p.Bytes != 42 || p.Host != "registry.npmjs.org" || p.SHA256 != "ab" ||
		len(p.Expected) != 1 || p.Expected[0] != "sha512:aa (x)" || len(p.Received) != 1 || len(p.Violations) != 1 {
		t.Errorf("package %+v", p)
	}
	if q := b.Packages[1]; q.Ecosystem != "generic" || q.Reason != "none" || q.Name != "tool.sh" {
		t.Errorf("package %+v", q)
	}
	if m := b.Mismatches(); len(m) != 1 || m[0].PURL != "pkg:npm/%40babel/core@7" {
		t.Errorf("mismatches %+v", m)
	}
	if b.Counts[view.Mismatch] != 1 || b.Counts[view.Unverifiable] != 1 {
		t.Errorf("counts %v", b.Counts)
	}
	// No trailer: exit code and duration unknown.
	l.Trailer = nil
	if b := view.New(view.Input{Report: &audit.Report{Log: l}}); b.ExitCode != -1 || b.Duration() != 0 {
		t.Errorf("no trailer: exit %d duration %v", b.ExitCode, b.Duration())
	}
}
