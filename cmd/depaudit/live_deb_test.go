package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/sbom"
)

// TestLiveApt runs apt-get update and apt-get download against the Debian
// mirror this machine's own sources name (read, never written: apt's
// state and cache are private to the test). Every .deb is a pkg:deb
// component verified against the Packages index of the same run, no index
// is a component, and the indexes are verified against the Release file.
// libcap2's version has an epoch its file name drops.
func TestLiveApt(t *testing.T) {
	requireLive(t)
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("apt-get not installed")
	}
	arch, err := exec.Command("dpkg", "--print-architecture").Output()
	if err != nil {
		t.Skipf("dpkg --print-architecture: %v", err)
	}
	root := t.TempDir()
	if d := os.Getenv("DEPAUDIT_LIVE_KEEP"); d != "" {
		root = d
	}
	apt, dest := aptIn(t, root, "/etc/apt/sources.list", "/etc/apt/sources.list.d", strings.TrimSpace(string(arch)))
	r := liveBuild(t, root, nil, "sh", "-c", aptScript(apt, dest, true, "hello", "jq", "libjq1", "libcap2"))
	debs, _ := filepath.Glob(filepath.Join(dest, "*.deb"))
	if len(debs) != 4 {
		t.Fatalf("apt-get download wrote %v", debs)
	}
	comps := r.components()
	if len(comps) != len(debs) {
		t.Errorf("%d components for %d .deb files: %s", len(comps), len(debs), componentList(comps))
	}
	epoch := false
	for _, c := range comps {
		if !strings.HasPrefix(c.PackageURL, "pkg:deb/debian/") || !strings.Contains(c.PackageURL, "distro=") {
			t.Errorf("component %s is not a pkg:deb with its distribution", c.PackageURL)
		}
		epoch = epoch || strings.HasPrefix(c.PackageURL, "pkg:deb/debian/libcap2@1:")
		if v := propValues(c.Properties, sbom.PropVerification); len(v) != 1 || v[0] != "verified" {
			t.Errorf("%s: %q (%q)", c.PackageURL, v, propValues(c.Properties, sbom.PropVerificationReason))
		}
	}
	if !epoch {
		t.Errorf("libcap2 lost its epoch: %s", componentList(comps))
	}
	if !strings.Contains(r.stderr, "depaudit: metadata verification: ") || strings.Contains(r.stderr, "MISMATCH") {
		t.Errorf("indexes not verified against the Release file:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "state", "lists")); err != nil {
		t.Errorf("apt did not use the private state directory: %v", err)
	}
}
