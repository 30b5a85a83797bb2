package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
)

// TestBuildNamesProjectFromManifest: a build in a Go module's directory
// names the SBOM's project by the module path (with its purl), records it
// in the capture log's header, and `report` of the log names it the same.
func TestBuildNamesProjectFromManifest(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/acme/tool\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	env, _, read := testEnv(t)
	capturePath, sbomPath := filepath.Join(dir, "c.jsonl"), filepath.Join(dir, "s.json")
	if code := run(context.Background(), env, []string{"depaudit", "build", "--capture", capturePath, "-o", sbomPath, "--", "go", "version"}); code != 0 {
		_, errOut := read()
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	bom, err := bomdiff.ParseBOM(data)
	if err != nil {
		t.Fatal(err)
	}
	if mc := bom.Metadata.Component; mc.Name != "example.com/acme/tool" || mc.PackageURL != "pkg:golang/example.com/acme/tool" {
		t.Errorf("metadata.component %q %q, want the module path and its purl", mc.Name, mc.PackageURL)
	}
	f, err := os.Open(capturePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil || l.Header.Project == nil || l.Header.Project.Manifest != "go.mod" {
		t.Fatalf("capture header project: %+v, %v", l.Header.Project, err)
	}
	// `report` elsewhere (the manifest gone) names it from the log.
	if err := os.Remove(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatal(err)
	}
	r := newReportEnv("")
	again := filepath.Join(dir, "again.json")
	if code := r.run("report", "-o", again, capturePath); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, r.stderr)
	}
	data, _ = os.ReadFile(again)
	if bom2, err := bomdiff.ParseBOM(data); err != nil || bom2.Metadata.Component.Name != "example.com/acme/tool" {
		t.Errorf("report names the project %+v (%v)", bom2.Metadata.Component, err)
	}
}
