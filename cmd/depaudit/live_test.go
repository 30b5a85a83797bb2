package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// The live suite talks to the real npm registry and Go module proxy. It is
// opt-in: DEPAUDIT_LIVE=1 go test -run Live ./cmd/depaudit/

func requireLive(t *testing.T) {
	t.Helper()
	if os.Getenv("DEPAUDIT_LIVE") != "1" {
		t.Skip("live test: set DEPAUDIT_LIVE=1 to run against the real registries")
	}
}

// liveBuild runs `depaudit build -- COMMAND…` against the real registries,
// with the test's environment plus extra and the outputs in dir, and
// returns the result (its SBOM checked against the CycloneDX schema).
// Commands name dir themselves (npm --prefix, go -C): the working
// directory of the test process is not changed.
func liveBuild(t *testing.T, dir string, extra []string, command ...string) *verifyResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	environ := append(os.Environ(), extra...)
	env := &appEnv{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv:  lookupEnv(environ),
		environ: func() []string { return environ },
		signals: make(chan os.Signal),
	}
	res := &e2eResult{capturePath: filepath.Join(dir, "live.capture.jsonl"), sbomPath: filepath.Join(dir, "live.cdx.json"),
		unclassifiedPath: filepath.Join(dir, "live.unclassified.json")}
	args := append([]string{"depaudit", "build", "--capture", res.capturePath, "-o", res.sbomPath,
		"--unclassified", res.unclassifiedPath, "--"}, command...)
	res.code = run(context.Background(), env, args)
	res.stdout, res.stderr = stdout.String(), stderr.String()
	t.Logf("stderr:\n%s", res.stderr)
	res.mustSucceed(t)
	return &verifyResult{e2eResult: res, bom: readBOM(t, res)}
}

func componentHash(c cdx.Component, alg cdx.HashAlgorithm) string {
	if c.Hashes == nil {
		return ""
	}
	for _, h := range *c.Hashes {
		if h.Algorithm == alg {
			return h.Value
		}
	}
	return ""
}

// TestLiveNPMInstall: one component per package-lock.json entry, each
// SHA-512 equal to that entry's integrity. typescript is there for its
// packument: about 10 MB listing thousands of versions, whose published
// digests make a capture log line of over a megabyte.
func TestLiveNPMInstall(t *testing.T) {
	requireLive(t)
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not installed")
	}
	dir := t.TempDir()
	pkg := `{"name":"live","version":"1.0.0","private":true,"dependencies":{"chalk":"4.1.2","@types/node":"20.0.0","@sindresorhus/is":"4.6.0","typescript":"5.6.3"}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := liveBuild(t, dir, []string{"npm_config_cache=" + filepath.Join(dir, "cache"), "npm_config_audit=false", "npm_config_fund=false", "npm_config_update_notifier=false"},
		"npm", "install", "--prefix", dir, "--no-audit", "--no-fund")
	// Every tarball is verified against its packument's integrity.
	r.checkClean(t, "npm packument integrity")
	bom := r.bom
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lf struct {
		Packages map[string]struct {
			Version   string `json:"version"`
			Integrity string `json:"integrity"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(lock, &lf); err != nil {
		t.Fatal(err)
	}
	bySHA512 := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		bySHA512[componentHash(c, cdx.HashAlgoSHA512)] = c
	}
	entries := 0
	for path, p := range lf.Packages {
		if path == "" {
			continue
		}
		entries++
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(p.Integrity, "sha512-"))
		if err != nil || !strings.HasPrefix(p.Integrity, "sha512-") {
			t.Errorf("%s: integrity %q", path, p.Integrity)
			continue
		}
		c, ok := bySHA512[hex.EncodeToString(raw)]
		name := strings.TrimPrefix(path, "node_modules/")
		if !ok {
			t.Errorf("%s@%s: no component with its integrity", name, p.Version)
			continue
		}
		wantPurl := "pkg:npm/" + strings.Replace(name, "@", "%40", 1) + "@" + p.Version
		if c.PackageURL != wantPurl {
			t.Errorf("component purl %s, want %s", c.PackageURL, wantPurl)
		}
	}
	if entries < 5 || len(*bom.Components) != entries {
		t.Errorf("%d components for %d package-lock entries", len(*bom.Components), entries)
	}
}

// TestLiveGoModDownload: purls keep the module path's case, and each zip's
// SHA-256 equals the file in the module cache.
func TestLiveGoModDownload(t *testing.T) {
	requireLive(t)
	dir := t.TempDir()
	gomod := "module live\n\ngo 1.26\n\nrequire (\n\tgithub.com/BurntSushi/toml v1.6.0\n\tgithub.com/Masterminds/semver/v3 v3.3.1\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "modcache")
	r := liveBuild(t, dir, []string{"GOMODCACHE=" + cache, "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local", "GOPROXY=https://proxy.golang.org"},
		"go", "-C", dir, "mod", "download", "all")
	// Every zip is verified against the checksum database (through the
	// proxy).
	r.checkClean(t, "Go checksum database h1")
	bom := r.bom
	want := map[string]string{
		"pkg:golang/github.com/BurntSushi/toml@v1.6.0":       "github.com/!burnt!sushi/toml/@v/v1.6.0.zip",
		"pkg:golang/github.com/Masterminds/semver/v3@v3.3.1": "github.com/!masterminds/semver/v3/@v/v3.3.1.zip",
	}
	found := map[string]bool{}
	for _, c := range *bom.Components {
		rel, ok := want[c.PackageURL]
		if !ok {
			continue
		}
		found[c.PackageURL] = true
		b, err := os.ReadFile(filepath.Join(cache, "cache", "download", rel))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := componentHash(c, cdx.HashAlgoSHA256); got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: sha256 %s, module cache has %x", c.PackageURL, got, sum)
		}
	}
	for p := range want {
		if !found[p] {
			t.Errorf("no component %s (case lost?)", p)
		}
	}
}
