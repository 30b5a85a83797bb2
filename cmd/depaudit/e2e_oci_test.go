package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// ociPart is what the OCI tests expect of one component: its purl, where
// it sits (its parent's purl, "" at the top) and what vouched for it.
type ociPart struct {
	purl, parent string
	sources      []string
}

// ociParts are the components of a pull of the fixture image: the index
// fetched by tag at the top, the amd64 manifest inside it, its config and
// layer inside that.
func ociParts(t *testing.T, reg *fakeregistry.Server) []ociPart {
	t.Helper()
	img, err := fakeregistry.OCIFixture(fakeregistry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	purl := func(u string) string {
		f, ok := reg.Manifest().Lookup(u)
		if !ok {
			t.Fatalf("%s is not in the manifest", u)
		}
		return f.PURL
	}
	index, manifest := purl(img.Index), purl(img.Manifest)
	return []ociPart{
		{purl: index, sources: []string{"Docker-Content-Digest header"}},
		{purl: manifest, parent: index, sources: []string{"Docker-Content-Digest header", "OCI digest in the URL", "OCI manifest SHA256"}},
		{purl: purl(img.Config), parent: manifest, sources: []string{"OCI digest in the URL", "OCI manifest SHA256"}},
		{purl: purl(img.LayerCDN), parent: manifest, sources: []string{"OCI digest in the URL", "OCI manifest SHA256"}},
	}
}

// flatten lists the components of comps and of every nested level, each
// with its parent's purl.
func flatten(comps *[]cdx.Component, parent string, out map[string]string, all *[]cdx.Component) {
	if comps == nil {
		return
	}
	for _, c := range *comps {
		out[c.PackageURL] = parent
		*all = append(*all, c)
		flatten(c.Components, c.PackageURL, out, all)
	}
}

// checkOCI checks an image pull's SBOM: exactly the expected components,
// each nested under its parent and verified by every expected source.
func checkOCI(t *testing.T, r *verifyResult, want []ociPart) {
	t.Helper()
	parents := map[string]string{}
	var all []cdx.Component
	flatten(r.bom.Components, "", parents, &all)
	if len(all) != len(want) {
		t.Errorf("%d components, want %d: %s", len(all), len(want), componentList(all))
	}
	for _, w := range want {
		p, ok := parents[w.purl]
		if !ok {
			t.Errorf("no component %s in %s", w.purl, componentList(all))
			continue
		}
		if p != w.parent {
			t.Errorf("%s is under %q, want %q", w.purl, p, w.parent)
		}
		i := slices.IndexFunc(all, func(c cdx.Component) bool { return c.PackageURL == w.purl })
		c := all[i]
		if v := propValues(c.Properties, sbom.PropVerification); len(v) != 1 || v[0] != "verified" {
			t.Errorf("%s: %q (%q)", w.purl, v, propValues(c.Properties, sbom.PropVerificationReason))
		}
		srcs := propValues(c.Properties, sbom.PropVerificationSource)
		for _, s := range w.sources {
			if !slices.Contains(srcs, s) {
				t.Errorf("%s: verified by %q, want %q among them", w.purl, srcs, s)
			}
		}
	}
	if got := r.summary(t); got != (verifyCounts{verified: len(want)}) {
		t.Errorf("summary %+v, want %d verified\n%s", got, len(want), r.stderr)
	}
}

// skopeoEnv makes skopeo read no system registry configuration.
func (e *e2eRun) skopeoEnv() {
	conf := filepath.Join(e.home, "registries.conf")
	if err := os.WriteFile(conf, []byte("unqualified-search-registries = []\n"), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.env["CONTAINERS_REGISTRIES_CONF"] = conf
	e.env["REGISTRY_AUTH_FILE"] = filepath.Join(e.home, "auth.json")
}

// TestE2ESkopeo copies the fixture image from Docker Hub (token auth, a
// multi-platform index, a layer redirected to the CDN) with skopeo.
func TestE2ESkopeo(t *testing.T) {
	t.Parallel()
	skopeo := requireClient(t, "skopeo")
	e := newE2E(t, fakeregistry.Options{})
	e.skopeoEnv()
	img, err := fakeregistry.OCIFixture(fakeregistry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	copyImage := func(tam *fakeregistry.Tamperer, dest string) *verifyResult {
		return verifyBuild(e, tam, nil, skopeo, "--insecure-policy", "--override-os", "linux", "--override-arch", "amd64",
			"copy", "--retry-times", "0", "docker://docker.io/"+fakeregistry.OCIRepository+":"+fakeregistry.OCITag, "dir:"+filepath.Join(e.dir, dest))
	}
	r := copyImage(newTamperer(t, e), "good")
	r.mustSucceed(t)
	checkServedWereCaptured(t, e.reg, r.log)
	checkArtifacts(t, e.reg, r.log, img.Index, img.Manifest, img.Config, img.LayerCDN)
	checkOCI(t, r, ociParts(t, e.reg))
	if _, err := os.Stat(filepath.Join(e.dir, "good", strings.TrimPrefix(img.LayerDigest, "sha256:"))); err != nil {
		t.Errorf("skopeo did not write the layer: %v", err)
	}
	for _, x := range r.log.Exchanges {
		if x.Host == fakeregistry.HostDockerAuth && strings.Contains(x.URL, "fixture-registry-token") {
			t.Errorf("the token reached the capture log: %s", x.URL)
		}
	}

	// The CDN serves other bytes for the layer: skopeo refuses them, and
	// depaudit records the mismatch against the digest in the blob's URL
	// and in the manifest.
	bad := copyImage(newTamperer(t, e, img.LayerCDN), "bad")
	bad.mustFail(t, "skopeo")
	layer := ociParts(t, e.reg)[3].purl
	parents := map[string]string{}
	var all []cdx.Component
	flatten(bad.bom.Components, "", parents, &all)
	i := slices.IndexFunc(all, func(c cdx.Component) bool { return c.PackageURL == layer })
	if i < 0 {
		t.Fatalf("no layer component in %s\nstderr:\n%s", componentList(all), bad.stderr)
	}
	if v := propValues(all[i].Properties, sbom.PropVerification); len(v) != 1 || v[0] != "mismatch" {
		t.Fatalf("tampered layer: %q\n%s", v, bad.stderr)
	}
	if exp := propValues(all[i].Properties, sbom.PropVerificationExpected); len(exp) != 2 {
		t.Errorf("tampered layer: expected %q, want the URL's and the manifest's digest", exp)
	}
	if !strings.Contains(bad.stderr, "DIGEST MISMATCH: "+layer) {
		t.Errorf("no mismatch printed:\n%s", bad.stderr)
	}
}

// TestE2ECrane pulls the same image with crane (go-containerregistry).
func TestE2ECrane(t *testing.T) {
	t.Parallel()
	crane, err := exec.LookPath("crane")
	if err != nil {
		if gopath, gerr := exec.Command("go", "env", "GOPATH").Output(); gerr == nil {
			if p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "crane"); fileExists(p) {
				crane, err = p, nil
			}
		}
	}
	if err != nil {
		missingClient(t, "crane", err)
	}
	e := newE2E(t, fakeregistry.Options{})
	e.env["DOCKER_CONFIG"] = filepath.Join(e.home, "docker")
	img, err := fakeregistry.OCIFixture(fakeregistry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := verifyBuild(e, newTamperer(t, e), nil, crane, "pull", "--platform", "linux/amd64", "--format", "oci",
		"docker.io/"+fakeregistry.OCIRepository+":"+fakeregistry.OCITag, filepath.Join(e.dir, "image"))
	r.mustSucceed(t)
	checkServedWereCaptured(t, e.reg, r.log)
	hub := func(u string) string {
		return strings.Replace(u, fakeregistry.HostDockerRegistry, fakeregistry.HostDockerIndex, 1)
	}
	checkArtifacts(t, e.reg, r.log, hub(img.Index), hub(img.Manifest), hub(img.Config), img.LayerCDN)
	checkOCI(t, r, ociParts(t, e.reg))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
