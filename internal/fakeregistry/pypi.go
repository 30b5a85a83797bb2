package fakeregistry

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// pypiFile is one distribution file of a fake PyPI project.
type pypiFile struct {
	filename string
	version  string
	body     []byte
	metadata []byte // the wheel's METADATA, served as PEP 658 .metadata; nil for sdists
	url      string
	kind     string // "bdist_wheel" or "sdist"
}

// pypiProject is a fake PyPI project.
type pypiProject struct {
	normalized string // PEP 503 name, as in /simple/<name>/
	files      []*pypiFile
}

// pypiFilesURL is Warehouse's file URL: the path is the BLAKE2b-256 of the file.
func pypiFilesURL(body []byte, filename string) string {
	sum := blake2b.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return "https://" + HostPyPIFiles + "/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/" + filename
}

func recordHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// pypiWheel builds a pure-python wheel that pip accepts: a module, METADATA
// (with the licence header lines license, "License: MIT" when empty),
// WHEEL and RECORD.
func pypiWheel(dist, name, version, build, license string, requires []string, extra string) (whl, metadata []byte, filename string, err error) {
	distInfo := dist + "-" + version + ".dist-info"
	if license == "" {
		license = "License: MIT\n"
	}
	var md strings.Builder
	fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: depaudit fixture %s\n%sRequires-Python: >=3.7\n", name, version, name, license)
	for _, r := range requires {
		fmt.Fprintf(&md, "Requires-Dist: %s\n", r)
	}
	md.WriteString("\n")
	wheel := "Wheel-Version: 1.0\nGenerator: depaudit-fakeregistry\nRoot-Is-Purelib: true\n"
	if build != "" {
		wheel += "Build: " + build + "\n"
	}
	wheel += "Tag: py3-none-any\n\n"
	files := []entry{
		{name: dist + "/__init__.py", body: []byte(fmt.Sprintf("# %s %s fixture%s\n__version__ = %q\n", name, version, extra, version))},
		{name: distInfo + "/METADATA", body: []byte(md.String())},
		{name: distInfo + "/WHEEL", body: []byte(wheel)},
	}
	var rec strings.Builder
	for _, f := range files {
		fmt.Fprintf(&rec, "%s,%s,%d\n", f.name, recordHash(f.body), len(f.body))
	}
	fmt.Fprintf(&rec, "%s/RECORD,,\n", distInfo)
	files = append(files, entry{name: distInfo + "/RECORD", body: []byte(rec.String())})
	whl, err = zipBytes(files)
	if err != nil {
		return nil, nil, "", fmt.Errorf("wheel %s: %w", name, err)
	}
	filename = dist + "-" + version
	if build != "" {
		filename += "-" + build
	}
	filename += "-py3-none-any.whl"
	return whl, []byte(md.String()), filename, nil
}

// pypiSdist builds a PEP 625 sdist whose pyproject.toml names an in-tree
// PEP 517 backend with no build requirements, so that pip can prepare its
// metadata offline, without setuptools or wheel.
func pypiSdist(dist, name, version string, requires []string) ([]byte, string, error) {
	root := dist + "-" + version
	var md strings.Builder
	fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nLicense: MIT\nRequires-Python: >=3.7\n", name, version)
	for _, r := range requires {
		fmt.Fprintf(&md, "Requires-Dist: %s\n", r)
	}
	pyproject := "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend\"\nbackend-path = [\".\"]\n"
	backend := fmt.Sprintf(`"""In-tree PEP 517 backend of a depaudit fixture: metadata only."""
import os

METADATA = %q
DIST_INFO = %q


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    path = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "METADATA"), "w") as f:
        f.write(METADATA)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("depaudit fixture: building is not supported")


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("depaudit fixture: building is not supported")
`, md.String(), dist+"-"+version+".dist-info")
	body, err := tarGz([]entry{
		{name: root + "/PKG-INFO", body: []byte(md.String())},
		{name: root + "/pyproject.toml", body: []byte(pyproject)},
		{name: root + "/fixture_backend.py", body: []byte(backend)},
		{name: root + "/" + dist + "/__init__.py", body: []byte(fmt.Sprintf("__version__ = %q\n", version))},
	})
	if err != nil {
		return nil, "", fmt.Errorf("sdist %s: %w", name, err)
	}
	return body, root + ".tar.gz", nil
}

// pypiPURL is the expected purl of a PyPI file.
func pypiPURL(normalized, version, filename string) string {
	return "pkg:pypi/" + normalized + "@" + version + "?file_name=" + filename
}

func addPyPI(b *builder) error {
	wheelExtra := ""
	if b.opts.Republish {
		wheelExtra = " (republished)"
	}
	// What pip leaves out: an extra nobody asked for, another platform.
	mainRequires := []string{"tiny-dep>=0.3", `tiny-extra>=1; extra == "fast"`, `colorama>=0.4; sys_platform == "win32"`}
	mainWhl, mainMD, mainName, err := pypiWheel("tiny_wheel", "tiny-wheel", "1.0.0", "", "License-Expression: MIT OR Apache-2.0\n", mainRequires, wheelExtra)
	if err != nil {
		return err
	}
	sdist, sdistName, err := pypiSdist("tiny_wheel", "tiny-wheel", "1.0.0", []string{"tiny-dep>=0.3"})
	if err != nil {
		return err
	}
	main := &pypiProject{normalized: "tiny-wheel", files: []*pypiFile{
		{filename: mainName, version: "1.0.0", body: mainWhl, metadata: mainMD, kind: "bdist_wheel"},
		{filename: sdistName, version: "1.0.0", body: sdist, kind: "sdist"},
	}}
	dep := &pypiProject{normalized: "tiny-dep"}
	depVersions := []string{"0.3"}
	if b.opts.Upgrade {
		depVersions = append(depVersions, "0.4")
	}
	for _, v := range depVersions {
		whl, md, name, err := pypiWheel("tiny_dep", "tiny-dep", v, "1", "Classifier: License :: OSI Approved :: ISC License (ISCL)\n", nil, "")
		if err != nil {
			return err
		}
		dep.files = append(dep.files, &pypiFile{filename: name, version: v, body: whl, metadata: md, kind: "bdist_wheel"})
	}
	for _, p := range []*pypiProject{main, dep} {
		if err := addPyPIProject(b, p); err != nil {
			return err
		}
	}
	return nil
}

func addPyPIProject(b *builder, p *pypiProject) error {
	type jsonFile struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python"`
		CoreMetadata   any               `json:"core-metadata"`
		DistInfoMeta   any               `json:"dist-info-metadata"`
		Size           int               `json:"size"`
		UploadTime     string            `json:"upload-time"`
		Yanked         bool              `json:"yanked"`
	}
	var jfiles []jsonFile
	var links strings.Builder
	var versions []string
	seen := map[string]bool{}
	var urls []map[string]any
	for _, pf := range p.files {
		pf.url = pypiFilesURL(pf.body, pf.filename)
		f := b.file(File{
			URL:         pf.url,
			Ecosystem:   "pypi",
			Kind:        KindArtifact,
			PURL:        pypiPURL(p.normalized, pf.version, pf.filename),
			ContentType: "application/octet-stream",
			Body:        pf.body,
		})
		jf := jsonFile{Filename: pf.filename, URL: pf.url, Hashes: map[string]string{"sha256": f.SHA256},
			RequiresPython: ">=3.7", CoreMetadata: false, DistInfoMeta: false, Size: len(pf.body),
			UploadTime: fixtureTime.Format("2006-01-02T15:04:05.000000Z")}
		attrs := ""
		if pf.metadata != nil && !b.opts.NoCoreMetadata {
			mf := b.file(File{URL: pf.url + ".metadata", Ecosystem: "pypi", Kind: KindMetadata,
				ContentType: "binary/octet-stream", Body: pf.metadata})
			jf.CoreMetadata = map[string]string{"sha256": mf.SHA256}
			jf.DistInfoMeta = jf.CoreMetadata
			attrs = fmt.Sprintf(` data-dist-info-metadata="sha256=%s" data-core-metadata="sha256=%s"`, mf.SHA256, mf.SHA256)
		}
		jfiles = append(jfiles, jf)
		fmt.Fprintf(&links, "    <a href=\"%s#sha256=%s\" data-requires-python=\"%s\"%s>%s</a><br />\n",
			html.EscapeString(pf.url), f.SHA256, html.EscapeString(">=3.7"), attrs, html.EscapeString(pf.filename))
		if !seen[pf.version] {
			seen[pf.version] = true
			versions = append(versions, pf.version)
		}
		md5sum := md5.Sum(pf.body)
		b2 := blake2b.Sum256(pf.body)
		urls = append(urls, map[string]any{"filename": pf.filename, "url": pf.url, "packagetype": pf.kind,
			"version": pf.version, "size": len(pf.body),
			"digests": map[string]string{"md5": hex.EncodeToString(md5sum[:]), "sha256": f.SHA256, "blake2b_256": hex.EncodeToString(b2[:])}})
	}
	htmlBody := fmt.Sprintf("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n%s  </body>\n</html>\n",
		p.normalized, p.normalized, links.String())
	jsonBody, err := json.Marshal(map[string]any{
		"meta":     map[string]string{"api-version": "1.1"},
		"name":     p.normalized,
		"files":    jfiles,
		"versions": versions,
	})
	if err != nil {
		return fmt.Errorf("pypi simple json %s: %w", p.normalized, err)
	}
	b.m.add(newFile(File{URL: "https://" + HostPyPI + "/simple/" + p.normalized + "/", Ecosystem: "pypi", Kind: KindMetadata,
		ContentType: "text/html", Body: []byte(htmlBody)}))
	b.serveFunc(HostPyPI, "/simple/"+p.normalized+"/", func(w http.ResponseWriter, r *http.Request) {
		if accepts(r, "application/vnd.pypi.simple.v1+json") {
			writeBody(w, r, "application/vnd.pypi.simple.v1+json", jsonBody)
			return
		}
		writeBody(w, r, "text/html", []byte(htmlBody))
	})
	b.redirect(HostPyPI, "/simple/"+p.normalized, "/simple/"+p.normalized+"/")
	if alt := strings.ReplaceAll(p.normalized, "-", "_"); alt != p.normalized {
		b.redirect(HostPyPI, "/simple/"+alt+"/", "/simple/"+p.normalized+"/")
	}
	latest := versions[len(versions)-1]
	releases := map[string][]map[string]any{}
	var latestURLs []map[string]any
	for _, u := range urls {
		v := u["version"].(string)
		releases[v] = append(releases[v], u)
		if v == latest {
			latestURLs = append(latestURLs, u)
		}
	}
	api, err := json.Marshal(map[string]any{
		"info":     map[string]any{"name": p.normalized, "version": latest, "summary": "depaudit fixture"},
		"urls":     latestURLs,
		"releases": releases,
	})
	if err != nil {
		return fmt.Errorf("pypi json api %s: %w", p.normalized, err)
	}
	b.serveFunc(HostPyPI, "/pypi/"+p.normalized+"/json", func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, r, "application/json", api)
	})
	return nil
}
