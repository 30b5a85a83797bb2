package fakeregistry

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

func startT(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func get(t *testing.T, s *Server, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", url, err)
	}
	return resp, body
}

func hexSHA256(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestManifestFilesServedWithTheirDigests(t *testing.T) {
	s := startT(t, Options{})
	files := s.Manifest().Files()
	if len(files) < 40 {
		t.Fatalf("manifest has %d files, want the fixtures of every ecosystem", len(files))
	}
	ecos := map[string]int{}
	for _, f := range files {
		ecos[f.Ecosystem]++
		resp, body := get(t, s, f.URL, "Authorization", "Bearer "+ociToken) // registry-1.docker.io wants a token
		if resp.StatusCode == http.StatusFound {
			loc := resp.Header.Get("Location")
			if _, ok := s.Manifest().Lookup(loc); !ok {
				t.Errorf("%s redirects to %s, which is not an alias in the manifest", f.URL, loc)
			}
			resp, body = get(t, s, loc)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", f.URL, resp.StatusCode)
			continue
		}
		if got := hexSHA256(body); got != f.SHA256 {
			t.Errorf("GET %s: sha256 %s, manifest says %s", f.URL, got, f.SHA256)
		}
		if f.Kind == KindArtifact && f.PURL == "" {
			t.Errorf("artifact %s has no purl", f.URL)
		}
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("GET %s: Content-Length %d for %d bytes", f.URL, resp.ContentLength, len(body))
		}
	}
	for _, e := range []string{"npm", "pypi", "golang", "cargo", "maven", "github", "generic", "gem", "composer", "nuget", "conda", "toolchain", "huggingface", "pub", "hex", "cran", "cocoapods"} {
		if len(s.Manifest().Artifacts(e)) == 0 {
			t.Errorf("no %s artifacts in the manifest", e)
		}
	}
}

func TestServedRecordsEveryResponse(t *testing.T) {
	s := startT(t, Options{})
	f := s.Manifest().Artifacts("cargo")[0]
	get(t, s, f.URL)
	get(t, s, "https://"+HostNPM+"/no-such-package")
	sv := s.Served()
	if len(sv) != 2 {
		t.Fatalf("Served() = %d responses, want 2: %+v", len(sv), sv)
	}
	if sv[0].URL != f.URL || sv[0].Status != 200 || sv[0].SHA256 != f.SHA256 || sv[0].SHA1 != f.SHA1 ||
		sv[0].SHA512 != f.SHA512 || sv[0].Bytes != int64(len(f.Body)) {
		t.Errorf("Served()[0] = %+v, want the artifact %s", sv[0], f.URL)
	}
	if sv[1].Status != http.StatusNotFound {
		t.Errorf("Served()[1].Status = %d, want 404", sv[1].Status)
	}
	s.ResetServed()
	if n := len(s.Served()); n != 0 {
		t.Errorf("after ResetServed, %d responses", n)
	}
}

func TestNPMPackuments(t *testing.T) {
	s := startT(t, Options{})
	for _, tc := range []struct{ path, name, version string }{
		{"/hello-lib", "hello-lib", "1.2.0"},
		{"/@fixture%2fscoped", "@fixture/scoped", "3.1.0"},
		{"/@fixture%2Fscoped", "@fixture/scoped", "3.1.0"},
		{"/multi-part-name", "multi-part-name", "2.0.0-rc.1"},
	} {
		for _, corgi := range []bool{false, true} {
			var hdr []string
			if corgi {
				hdr = []string{"Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"}
			}
			resp, body := get(t, s, "https://"+HostNPM+tc.path, hdr...)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", tc.path, resp.StatusCode)
			}
			ct := resp.Header.Get("Content-Type")
			if corgi != strings.HasPrefix(ct, "application/vnd.npm.install-v1+json") {
				t.Errorf("GET %s corgi=%v: Content-Type %q", tc.path, corgi, ct)
			}
			var doc struct {
				Name     string `json:"name"`
				ID       string `json:"_id"`
				Versions map[string]struct {
					Dist struct{ Tarball, Shasum, Integrity string }
				}
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("packument %s: %v", tc.path, err)
			}
			if doc.Name != tc.name || (corgi != (doc.ID == "")) {
				t.Errorf("packument %s corgi=%v: name %q _id %q", tc.path, corgi, doc.Name, doc.ID)
			}
			d, ok := doc.Versions[tc.version]
			if !ok {
				t.Fatalf("packument %s lacks %s", tc.path, tc.version)
			}
			f, ok := s.Manifest().Lookup(d.Dist.Tarball)
			if !ok {
				t.Fatalf("tarball %s not in manifest", d.Dist.Tarball)
			}
			_, tgz := get(t, s, d.Dist.Tarball)
			sum := sha512.Sum512(tgz)
			if want := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); d.Dist.Integrity != want {
				t.Errorf("%s integrity %s, want %s", d.Dist.Tarball, d.Dist.Integrity, want)
			}
			if d.Dist.Shasum != f.SHA1 {
				t.Errorf("%s shasum %s, manifest sha1 %s", d.Dist.Tarball, d.Dist.Shasum, f.SHA1)
			}
			if f.PURL != npmPURL(tc.name, tc.version) {
				t.Errorf("%s purl %s", d.Dist.Tarball, f.PURL)
			}
		}
	}
	if f, ok := s.Manifest().Lookup("https://" + HostNPM + "/@fixture/scoped/-/scoped-3.1.0.tgz"); !ok || f.PURL != "pkg:npm/%40fixture/scoped@3.1.0" {
		t.Errorf("scoped tarball: %+v %v", f.PURL, ok)
	}
}

func TestPyPISimpleIndex(t *testing.T) {
	s := startT(t, Options{})
	resp, page := get(t, s, "https://"+HostPyPI+"/simple/tiny-wheel/")
	if ct := resp.Header.Get("Content-Type"); ct != "text/html" {
		t.Errorf("HTML index Content-Type %q", ct)
	}
	links := regexp.MustCompile(`href="([^"#]+)#sha256=([0-9a-f]{64})"`).FindAllStringSubmatch(string(page), -1)
	if len(links) != 2 {
		t.Fatalf("index has %d links, want a wheel and an sdist:\n%s", len(links), page)
	}
	for _, l := range links {
		_, body := get(t, s, l[1])
		if hexSHA256(body) != l[2] {
			t.Errorf("%s: sha256 differs from the #sha256 fragment", l[1])
		}
	}
	resp, js := get(t, s, "https://"+HostPyPI+"/simple/tiny-wheel/", "Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01")
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.pypi.simple.v1+json" {
		t.Errorf("JSON index Content-Type %q", ct)
	}
	var doc struct {
		Files []struct {
			Filename string
			URL      string
			Hashes   map[string]string
		}
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Files) != 2 {
		t.Fatalf("JSON index has %d files", len(doc.Files))
	}
	for _, f := range doc.Files {
		mf, ok := s.Manifest().Lookup(f.URL)
		if !ok || mf.SHA256 != f.Hashes["sha256"] {
			t.Errorf("%s: manifest %v, index sha256 %s", f.URL, ok, f.Hashes["sha256"])
		}
		if !strings.HasSuffix(mf.PURL, "?file_name="+f.Filename) {
			t.Errorf("%s purl %s", f.Filename, mf.PURL)
		}
	}
	resp, _ = get(t, s, "https://"+HostPyPI+"/simple/tiny_wheel/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/simple/tiny-wheel/" {
		t.Errorf("non-normalised name: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPyPIWheelContents(t *testing.T) {
	s := startT(t, Options{})
	var whl File
	for _, f := range s.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, "/tiny_wheel-1.0.0-py3-none-any.whl") {
			whl = f
		}
	}
	if whl.URL == "" {
		t.Fatal("no tiny_wheel wheel")
	}
	zr, err := zip.NewReader(bytes.NewReader(whl.Body), int64(len(whl.Body)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		names[f.Name] = b
	}
	rec := string(names["tiny_wheel-1.0.0.dist-info/RECORD"])
	for name, body := range names {
		if strings.HasSuffix(name, "/RECORD") {
			continue
		}
		sum := sha256.Sum256(body)
		line := name + ",sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]) + ","
		if !strings.Contains(rec, line) {
			t.Errorf("RECORD lacks a correct line for %s:\n%s", name, rec)
		}
	}
	if !strings.Contains(string(names["tiny_wheel-1.0.0.dist-info/METADATA"]), "Requires-Dist: tiny-dep>=0.3") {
		t.Error("METADATA lacks the dependency")
	}
	// The files.pythonhosted.org path is the BLAKE2b-256 of the file.
	if whl.URL != pypiFilesURL(whl.Body, "tiny_wheel-1.0.0-py3-none-any.whl") {
		t.Errorf("wheel URL %s", whl.URL)
	}
}

func TestGoModuleZipsAreValid(t *testing.T) {
	s := startT(t, Options{})
	dir := t.TempDir()
	for _, tc := range []struct{ path, version string }{
		{"github.com/Example/Upper", "v1.0.0"},
		{"github.com/example/mod/v2", "v2.1.0"},
	} {
		esc, _ := module.EscapePath(tc.path)
		base := "https://" + HostGoProxy + "/" + esc + "/@v/"
		// The go command percent-encodes the '!' of case-encoding.
		_, list := get(t, s, strings.ReplaceAll(base, "!", "%21")+"list")
		if !strings.Contains(string(list), tc.version+"\n") {
			t.Errorf("%s list = %q", tc.path, list)
		}
		resp, zb := get(t, s, base+tc.version+".zip")
		if resp.StatusCode != 200 {
			t.Fatalf("%s zip: %d", tc.path, resp.StatusCode)
		}
		zf := filepath.Join(dir, strings.ReplaceAll(tc.path, "/", "_")+".zip")
		if err := os.WriteFile(zf, zb, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := modzip.CheckZip(module.Version{Path: tc.path, Version: tc.version}, zf); err != nil {
			t.Errorf("CheckZip %s: %v", tc.path, err)
		}
		f, ok := s.Manifest().Lookup(base + tc.version + ".zip")
		if !ok || f.PURL != "pkg:golang/"+tc.path+"@"+tc.version {
			t.Errorf("%s zip purl %q", tc.path, f.PURL)
		}
		_, mod := get(t, s, base+tc.version+".mod")
		if !strings.HasPrefix(string(mod), "module "+tc.path+"\n") {
			t.Errorf("%s go.mod = %q", tc.path, mod)
		}
	}
}

func TestCargoIndexChecksums(t *testing.T) {
	s := startT(t, Options{})
	_, cfg := get(t, s, "https://"+HostCratesIndex+"/config.json")
	var c struct{ DL string }
	if err := json.Unmarshal(cfg, &c); err != nil || c.DL != "https://static.crates.io/crates" {
		t.Fatalf("config.json = %s (%v)", cfg, err)
	}
	for _, path := range []string{"/fi/xt/fixture-crate", "/3/d/dep"} {
		_, idx := get(t, s, "https://"+HostCratesIndex+path)
		for _, line := range strings.Split(strings.TrimSpace(string(idx)), "\n") {
			var v struct{ Name, Vers, Cksum string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatal(err)
			}
			_, crate := get(t, s, c.DL+"/"+v.Name+"/"+v.Vers+"/download")
			if hexSHA256(crate) != v.Cksum {
				t.Errorf("%s %s: cksum mismatch", v.Name, v.Vers)
			}
		}
	}
	resp, _ := get(t, s, "https://"+HostCrates+"/api/v1/crates/dep/0.2.0/download")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://static.crates.io/crates/dep/dep-0.2.0.crate" {
		t.Errorf("legacy download: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Revalidation answers 304.
	f := s.Manifest().Artifacts("cargo")[0]
	resp, _ = get(t, s, f.URL, "If-None-Match", `"`+f.SHA256[:32]+`"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
}

func TestMavenSidecars(t *testing.T) {
	s := startT(t, Options{})
	n := 0
	for _, f := range s.Manifest().Files() {
		if f.Ecosystem != "maven" || f.Kind == KindSidecar {
			continue
		}
		n++
		_, side := get(t, s, f.URL+".sha1")
		if string(side) != f.SHA1 {
			t.Errorf("%s.sha1 = %q, want %s", f.URL, side, f.SHA1)
		}
	}
	if n != 14 {
		t.Errorf("%d maven poms and jars, want 14 (7 per host)", n)
	}
	if _, ok := s.Manifest().ByPURL("pkg:maven/org.codehaus.plexus/plexus-utils@1.1"); !ok {
		t.Error("plexus-utils 1.1 jar missing")
	}
}

func TestGitHubRedirectsAndGit(t *testing.T) {
	s := startT(t, Options{})
	resp, _ := get(t, s, GitHubReleaseAssetURL)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != GitHubAssetObjectURL {
		t.Fatalf("release asset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s.GitCommit() == "" {
		t.Skip("git is not installed")
	}
	for _, u := range []string{GitRepoURL, strings.TrimSuffix(GitRepoURL, ".git")} {
		resp, body := get(t, s, u+"/info/refs?service=git-upload-pack")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-git-upload-pack-advertisement" {
			t.Fatalf("%s info/refs: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !bytes.Contains(body, []byte(s.GitCommit()+" refs/tags/v1.2.3")) {
			t.Errorf("info/refs lacks the tag:\n%s", body)
		}
	}
	resp, _ = get(t, s, GitRepoURL+"/info/refs?service=git-receive-pack")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("receive-pack: %d, want 403", resp.StatusCode)
	}
}

func TestDialContextRefusesOtherHosts(t *testing.T) {
	s := startT(t, Options{})
	ctx := context.Background()
	for _, addr := range []string{"example.com:443", "registry.npmjs.org.evil.example:443", "8.8.8.8:53"} {
		if c, err := s.DialContext(ctx, "tcp", addr); err == nil {
			c.Close()
			t.Errorf("DialContext(%s) succeeded", addr)
		}
	}
	if _, err := s.DialContext(ctx, "tcp", "pypi.org:8443"); err == nil {
		t.Error("DialContext to an unserved port succeeded")
	}
	// Plain HTTP on port 80 reaches the same fixtures.
	c := &http.Client{Transport: &http.Transport{DialContext: s.DialContext}}
	f := s.Manifest().Artifacts("generic")[0]
	resp, err := c.Get(strings.Replace(f.URL, "https://", "http://", 1))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if hexSHA256(body) != f.SHA256 {
		t.Errorf("plain HTTP %s: wrong bytes", f.URL)
	}
}

func TestDeterministicAndVariants(t *testing.T) {
	a := startT(t, Options{})
	b := startT(t, Options{})
	up := startT(t, Options{Upgrade: true})
	rep := startT(t, Options{Republish: true})
	digests := func(s *Server) map[string]string {
		m := map[string]string{}
		for _, f := range s.Manifest().Artifacts("") {
			m[f.PURL+" "+f.URL] = f.SHA256
		}
		return m
	}
	da, db := digests(a), digests(b)
	if len(da) != len(db) {
		t.Fatalf("two base registries differ in size: %d, %d", len(da), len(db))
	}
	for k, v := range da {
		if db[k] != v {
			t.Errorf("%s differs between two base registries", k)
		}
	}
	for _, purl := range []string{"pkg:npm/hello-dep@2.1.0", "pkg:cargo/dep@0.2.1", "pkg:golang/github.com/Example/Upper@v1.1.0",
		"pkg:maven/org.example.fixture/fixture-lib@1.1.0"} {
		if _, ok := up.Manifest().ByPURL(purl); !ok {
			t.Errorf("Upgrade lacks %s", purl)
		}
		if _, ok := a.Manifest().ByPURL(purl); ok {
			t.Errorf("base has %s", purl)
		}
	}
	for _, purl := range []string{"pkg:npm/hello-lib@1.2.0", "pkg:cargo/fixture-crate@0.1.0", "pkg:golang/github.com/Example/Upper@v1.0.0",
		"pkg:maven/org.example.fixture/fixture-lib@1.0.0", "pkg:pypi/tiny-wheel@1.0.0?file_name=tiny_wheel-1.0.0-py3-none-any.whl"} {
		fa, ok1 := a.Manifest().ByPURL(purl)
		fr, ok2 := rep.Manifest().ByPURL(purl)
		if !ok1 || !ok2 || fa.SHA256 == fr.SHA256 {
			t.Errorf("Republish of %s: present %v/%v, same bytes %v", purl, ok1, ok2, fa.SHA256 == fr.SHA256)
		}
	}
}

// TestStartFailureNamesItsCause: a start step that fails returns its error
// (here the temp dir), not a panic of the cleanup.
func TestStartFailureNamesItsCause(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	s, err := Start(Options{})
	if err == nil {
		s.Close()
		t.Fatal("Start succeeded without a temp dir")
	}
	if s != nil || !strings.Contains(err.Error(), "fake registry temp dir") {
		t.Errorf("Start = %v, %v; want nil and the temp dir error", s, err)
	}
}
