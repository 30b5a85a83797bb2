package sbom

import (
	"context"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
)

// TestMetadataComponentFromManifest: the project's own manifest names the
// SBOM's metadata.component (name, version, purl); --name replaces it,
// --version replaces only the version, in the purl too.
func TestMetadataComponentFromManifest(t *testing.T) {
	l := &capture.Log{Header: capture.Header{Format: capture.LogFormat, Dir: "/src/checkout",
		Project: &capture.Project{Name: "@acme/web-shop", Version: "2.1.0", PURL: "pkg:npm/%40acme/web-shop@2.1.0", Manifest: "package.json"}}}
	r, err := audit.Analyze(context.Background(), l, audit.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, version             string
		wantName, wantV, wantPURL string
	}{
		{"", "", "@acme/web-shop", "2.1.0", "pkg:npm/%40acme/web-shop@2.1.0"},
		{"", "2.2.0-rc.1", "@acme/web-shop", "2.2.0-rc.1", "pkg:npm/%40acme/web-shop@2.2.0-rc.1"},
		{"shop", "", "shop", "", ""},
	} {
		bom, err := Render(r, Options{ProjectName: c.name, ProjectVersion: c.version, ToolVersion: "test"})
		if err != nil {
			t.Fatal(err)
		}
		mc := bom.Metadata.Component
		if mc.Name != c.wantName || mc.Version != c.wantV || mc.PackageURL != c.wantPURL {
			t.Errorf("--name %q --version %q: component %q %q %q, want %q %q %q", c.name, c.version,
				mc.Name, mc.Version, mc.PackageURL, c.wantName, c.wantV, c.wantPURL)
		}
	}
	// Without a manifest, the directory's name, as before.
	l.Header.Project = nil
	r, _ = audit.Analyze(context.Background(), l, audit.Config{})
	if bom, _ := Render(r, Options{ToolVersion: "test"}); bom.Metadata.Component.Name != "checkout" || bom.Metadata.Component.PackageURL != "" {
		t.Errorf("without a manifest: %+v", bom.Metadata.Component)
	}
}
