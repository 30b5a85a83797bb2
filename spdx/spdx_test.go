package spdx_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/formatcheck"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/spdx"
	"github.com/depaudit/depaudit/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// buildBOM assembles the SBOM of testdata/build.capture.jsonl (a build of
// every ecosystem) with the real classifiers and verification, a mismatch
// planted on one artifact, and a rules file with one deny rule, as
// `depaudit report` would.
func buildBOM(t *testing.T) *cdx.BOM {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "build.capture.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := rules.Parse("rules.yaml", []byte("policy:\n  deny:\n    hosts: [get.example.dev]\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Analyze(context.Background(), l, audit.Config{Rules: r})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Artifacts {
		if strings.HasPrefix(a.Finding.PURL, "pkg:npm/left-pad@") {
			a.Verdict = verify.Verdict{PURL: a.Finding.PURL, SHA256: a.SHA256, Status: verify.StatusMismatch, Mismatches: []verify.Mismatch{
				{Algorithm: "sha512", Expected: "00ff", Received: a.SHA256, Source: "npm packument integrity"}}}
		}
	}
	bom, err := sbom.Render(rep, sbom.Options{
		ToolVersion:  "0.1.0",
		SerialNumber: "urn:uuid:6f1c2a9e-0b7d-4c3e-9a51-2d8f4e6b7c10",
		Timestamp:    time.Date(2026, 3, 2, 10, 15, 15, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return bom
}

func TestWriteGolden(t *testing.T) {
	bom := buildBOM(t)
	var out bytes.Buffer
	if err := spdx.Write(&out, bom); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "build.spdx.json")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("SPDX document differs from %s (run with -update and review the diff):\n%s", golden, out.String())
	}
	if _, err := formatcheck.SPDX(out.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// TestFromBOM checks the mapping: one package per component with its
// checksums, download location and purl, each a build dependency of the
// build package, and depaudit's facts in comments and annotations.
func TestFromBOM(t *testing.T) {
	bom := buildBOM(t)
	var out bytes.Buffer
	if err := spdx.Write(&out, bom); err != nil {
		t.Fatal(err)
	}
	doc, err := formatcheck.SPDX(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	comps := *bom.Components
	if got, want := len(doc.Packages), len(comps)+1; got != want {
		t.Fatalf("%d packages, want %d (the build and one per component)", got, want)
	}
	byPURL := map[string]int{}
	for i, p := range doc.Packages[1:] {
		c := comps[i]
		if len(p.PackageExternalReferences) != 1 || p.PackageExternalReferences[0].Locator != c.PackageURL ||
			p.PackageExternalReferences[0].RefType != common.TypePackageManagerPURL {
			t.Errorf("package %s: external refs %+v, want the purl %s", p.PackageSPDXIdentifier, p.PackageExternalReferences, c.PackageURL)
		}
		byPURL[c.PackageURL]++
		want := map[string]string{}
		for _, h := range *c.Hashes {
			want[string(h.Algorithm)] = h.Value
		}
		got := map[string]string{}
		for _, cs := range p.PackageChecksums {
			got[strings.Replace(string(cs.Algorithm), "SHA", "SHA-", 1)] = cs.Value
		}
		if len(got) != len(want) || got["SHA-256"] != want["SHA-256"] || got["SHA-512"] != want["SHA-512"] || got["SHA-1"] != want["SHA-1"] {
			t.Errorf("package %s: checksums %v, want %v", p.PackageSPDXIdentifier, got, want)
		}
		if p.PackageDownloadLocation != (*c.ExternalReferences)[0].URL {
			t.Errorf("package %s: downloadLocation %q, want %q", p.PackageSPDXIdentifier, p.PackageDownloadLocation, (*c.ExternalReferences)[0].URL)
		}
		if strings.HasPrefix(c.PackageURL, "pkg:npm/left-pad@") && !strings.HasPrefix(p.PackageComment, "DIGEST MISMATCH") {
			t.Errorf("package %s: comment %q, want the mismatch first", p.PackageSPDXIdentifier, p.PackageComment)
		}
		if len(p.Annotations) == 0 {
			t.Errorf("package %s has no annotations", p.PackageSPDXIdentifier)
		}
	}
	deps := 0
	for _, r := range doc.Relationships {
		if r.Relationship == common.TypeRelationshipBuildDependencyOf && string(r.RefB.ElementRefID) == strings.TrimPrefix(spdx.BuildID, "SPDXRef-") {
			deps++
		}
	}
	if deps != len(comps) {
		t.Errorf("%d BUILD_DEPENDENCY_OF relationships to the build, want %d", deps, len(comps))
	}
	violations := 0
	for _, p := range doc.Packages {
		if strings.Contains(p.PackageComment, "policy deny:") {
			violations++
		}
	}
	if violations == 0 {
		t.Error("no package comment names the deny violation")
	}
	if !strings.Contains(doc.DocumentComment, "telemetry") {
		t.Errorf("document comment does not name the unclassified hosts: %q", doc.DocumentComment)
	}
}

func TestFromBOMErrors(t *testing.T) {
	if _, err := spdx.FromBOM(nil); err == nil {
		t.Error("nil BOM: no error")
	}
	bom := buildBOM(t)
	bom.Metadata.Timestamp = "yesterday"
	if _, err := spdx.FromBOM(bom); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Errorf("bad timestamp: %v", err)
	}
	bom = buildBOM(t)
	bom.SerialNumber = ""
	if _, err := spdx.FromBOM(bom); err == nil {
		t.Error("no serial number: no error")
	}
}
