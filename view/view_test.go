package view_test

import (
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/view"
)

func TestNew(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	l := &capture.Log{Header: capture.Header{Start: start}, Trailer: &capture.Trailer{End: start.Add(1500 * time.Millisecond), ExitCode: 1}}
	props := func(kv ...string) *[]cdx.Property {
		var ps []cdx.Property
		for i := 0; i < len(kv); i += 2 {
			ps = append(ps, cdx.Property{Name: kv[i], Value: kv[i+1]})
		}
		return &ps
	}
	bom := &cdx.BOM{
		Metadata: &cdx.Metadata{
			Component:  &cdx.Component{Name: "web", Version: "2"},
			Properties: props("depaudit:command", "npm ci", "depaudit:violation", "warn: w", "depaudit:violation", "deny: d"),
		},
		Components: &[]cdx.Component{
			{Name: "core", Group: "@babel", Version: "7", PackageURL: "pkg:npm/%40babel/core@7",
				Hashes:             &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: "AB"}},
				ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: "https://registry.npmjs.org/@babel/core/-/core-7.tgz"}},
				Properties: props("depaudit:ecosystem", "npm", "depaudit:bytes", "42", "depaudit:verification", "mismatch",
					"depaudit:verification:expected", "sha512:aa (x)", "depaudit:verification:received", "sha512:bb", "depaudit:violation", "deny: d")},
			{Name: "tool.sh", PackageURL: "pkg:generic/tool.sh", Properties: props("depaudit:verification", "unverifiable", "depaudit:verification:reason", "none")},
		},
	}
	b := view.New(view.Input{Log: l, Result: &sbom.Result{BOM: bom}})
	if b.Project != "web 2" || b.Command != "npm ci" || b.ExitCode != 1 || b.Duration() != 1500*time.Millisecond {
		t.Errorf("build %q %q exit %d duration %v", b.Project, b.Command, b.ExitCode, b.Duration())
	}
	if len(b.Violations) != 2 || !b.Violations[0].Deny || b.Violations[1].Deny || b.Denied() != 1 {
		t.Errorf("violations %+v (deny first)", b.Violations)
	}
	p := b.Packages[0]
	if p.Name != "@babel/core" || p.Ecosystem != "npm" || p.Bytes != 42 || p.Host != "registry.npmjs.org" || p.SHA256 != "ab" ||
		len(p.Expected) != 1 || len(p.Received) != 1 || len(p.Violations) != 1 {
		t.Errorf("package %+v", p)
	}
	if q := b.Packages[1]; q.Ecosystem != "generic" || q.Reason != "none" {
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
	if b := view.New(view.Input{Log: l}); b.ExitCode != -1 || b.Duration() != 0 {
		t.Errorf("no trailer: exit %d duration %v", b.ExitCode, b.Duration())
	}
}
