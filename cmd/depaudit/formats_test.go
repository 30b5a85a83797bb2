package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/internal/formatcheck"
)

// checkStandardFormats regenerates a build's outputs in the other
// standard formats from its capture log (`depaudit report --format
// spdx-json`) and checks each against its schema and library, and that it
// names exactly the packages of the CycloneDX SBOM bom, with the same
// SHA-256.
func checkStandardFormats(t *testing.T, capturePath string, bom *cdx.BOM) {
	t.Helper()
	dir := t.TempDir()
	spdxPath := filepath.Join(dir, "build.spdx.json")
	r := newReportEnv("")
	if code := r.run("report", "--format", "spdx-json", "-o", spdxPath, capturePath); code != 0 {
		t.Fatalf("report --format spdx-json: exit %d\n%s", code, r.stderr)
	}
	data, err := os.ReadFile(spdxPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := formatcheck.SPDX(data)
	if err != nil {
		t.Fatalf("%s: %v", spdxPath, err)
	}
	var want, got []string
	if bom.Components != nil {
		for _, c := range *bom.Components {
			for _, h := range *c.Hashes {
				if h.Algorithm == cdx.HashAlgoSHA256 {
					want = append(want, c.PackageURL+" "+h.Value)
				}
			}
		}
	}
	for _, p := range doc.Packages {
		for _, ref := range p.PackageExternalReferences {
			if ref.RefType != "purl" {
				continue
			}
			for _, cs := range p.PackageChecksums {
				if cs.Algorithm == "SHA256" {
					got = append(got, ref.Locator+" "+cs.Value)
				}
			}
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("SPDX packages (purl sha256):\n%s\nwant the SBOM's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReportSPDX(t *testing.T) {
	dir := t.TempDir()
	r := newReportEnv("")
	if code := r.run("report", "-o", filepath.Join(dir, "cdx.json"), buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	checkStandardFormats(t, buildCapture, decodeFile(t, filepath.Join(dir, "cdx.json")))

	// The default file name follows the format.
	r = newReportEnv("")
	r.env.getenv = func(string) string { return "" }
	wd, _ := os.Getwd()
	t.Chdir(dir)
	if code := r.run("report", "--format", "spdx-json", filepath.Join(wd, buildCapture)); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, defaultSBOMSPDX))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := formatcheck.SPDX(data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stderr.String(), "SBOM (SPDX 2.3 JSON) to "+defaultSBOMSPDX) {
		t.Errorf("stderr: %s", r.stderr)
	}
}
