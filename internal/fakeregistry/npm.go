package fakeregistry

import (
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// npmVersion is one published version of a fake npm package.
type npmVersion struct {
	version string
	deps    map[string]string
	tarball []byte
	// listed versions appear in the packument only, with digests of their
	// own but no tarball or version document behind them: they give a
	// package the long history of a popular one (thousands of versions)
	// without thousands of files.
	listed bool
}

// LongHistoryVersions is how many versions the packument of
// "long-history" lists (with Options.LongHistory): enough published
// digests to make a capture-log line of about two megabytes, as
// typescript's packument (3,478 versions) makes one of 1.5 MB.
const LongHistoryVersions = 5000

// npmPackage is a fake npm package.
type npmPackage struct {
	name     string // "hello-lib" or "@fixture/scoped"
	distTags map[string]string
	versions []*npmVersion
}

// basename is the package name without its scope, as in tarball names.
func (p *npmPackage) basename() string {
	if i := strings.LastIndex(p.name, "/"); i >= 0 {
		return p.name[i+1:]
	}
	return p.name
}

// npmPURL is the canonical purl of an npm package version.
func npmPURL(name, version string) string {
	if strings.HasPrefix(name, "@") {
		return "pkg:npm/%40" + name[1:] + "@" + version
	}
	return "pkg:npm/" + name + "@" + version
}

func npmTarball(name, version string, deps map[string]string, extra string) ([]byte, error) {
	pj := map[string]any{"name": name, "version": version, "main": "index.js", "license": "MIT"}
	if len(deps) > 0 {
		pj["dependencies"] = deps
	}
	pjb, err := json.MarshalIndent(pj, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("npm package.json: %w", err)
	}
	js := fmt.Sprintf("// %s@%s fixture%s\nmodule.exports = %q;\n", name, version, extra, name+"@"+version)
	return tarGz([]entry{{name: "package/package.json", body: pjb}, {name: "package/index.js", body: []byte(js)}})
}

func addNPM(b *builder) error {
	mk := func(name string, tags map[string]string, vs ...*npmVersion) (*npmPackage, error) {
		p := &npmPackage{name: name, distTags: tags, versions: vs}
		for _, v := range vs {
			if v.listed {
				continue
			}
			extra := ""
			if b.opts.Republish && name == "hello-lib" && v.version == "1.2.0" {
				extra = " (republished)"
			}
			tgz, err := npmTarball(name, v.version, v.deps, extra)
			if err != nil {
				return nil, err
			}
			v.tarball = tgz
		}
		return p, nil
	}
	depTags := map[string]string{"latest": "2.0.1"}
	depVersions := []*npmVersion{{version: "2.0.1"}}
	if b.opts.Upgrade {
		depTags["latest"] = "2.1.0"
		depVersions = append(depVersions, &npmVersion{version: "2.1.0"})
	}
	var pkgs []*npmPackage
	for _, spec := range []struct {
		name string
		tags map[string]string
		vs   []*npmVersion
	}{
		{"hello-lib", map[string]string{"latest": "1.2.0"}, []*npmVersion{{version: "1.2.0", deps: map[string]string{"hello-dep": "^2.0.0"}}}},
		{"hello-dep", depTags, depVersions},
		{"@fixture/scoped", map[string]string{"latest": "3.1.0"}, []*npmVersion{{version: "3.1.0"}}},
		{"multi-part-name", map[string]string{"latest": "1.9.0", "next": "2.0.0-rc.1"}, []*npmVersion{{version: "1.9.0"}, {version: "2.0.0-rc.1"}}},
	} {
		p, err := mk(spec.name, spec.tags, spec.vs...)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, p)
	}
	if b.opts.LongHistory {
		p, err := mk("long-history", map[string]string{"latest": "1.0.0"}, longHistory()...)
		if err != nil {
			return err
		}
		pkgs = append(pkgs, p)
	}
	for _, host := range []string{HostNPM, HostYarn} {
		for _, p := range pkgs {
			if err := addNPMPackage(b, host, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// longHistory is one real version, 1.0.0, after LongHistoryVersions-1
// listed ones (0.0.1, 0.0.2, …).
func longHistory() []*npmVersion {
	vs := make([]*npmVersion, 0, LongHistoryVersions)
	for i := 1; i < LongHistoryVersions; i++ {
		vs = append(vs, &npmVersion{version: fmt.Sprintf("0.0.%d", i), listed: true})
	}
	return append(vs, &npmVersion{version: "1.0.0"})
}

// npmTarballURL is where host serves a version's tarball.
func npmTarballURL(host string, p *npmPackage, version string) string {
	return "https://" + host + "/" + p.name + "/-/" + p.basename() + "-" + version + ".tgz"
}

func addNPMPackage(b *builder, host string, p *npmPackage) error {
	full := map[string]any{}
	corgi := map[string]any{}
	fullVersions := map[string]any{}
	corgiVersions := map[string]any{}
	times := map[string]string{"created": fixtureTime.Format("2006-01-02T15:04:05.000Z"), "modified": fixtureTime.Format("2006-01-02T15:04:05.000Z")}
	for _, v := range p.versions {
		var dist map[string]any
		if v.listed {
			// Digests of the version string: what matters is that there
			// are many of them.
			sum := sha512.Sum512([]byte(p.name + "@" + v.version))
			sum1 := sha1.Sum([]byte(p.name + "@" + v.version))
			dist = map[string]any{
				"shasum":    hex.EncodeToString(sum1[:]),
				"integrity": "sha512-" + base64.StdEncoding.EncodeToString(sum[:]),
				"tarball":   npmTarballURL(host, p, v.version),
				"fileCount": 2,
			}
			doc := map[string]any{"name": p.name, "version": v.version, "dist": dist}
			fullVersions[v.version], corgiVersions[v.version] = doc, doc
			times[v.version] = fixtureTime.Format("2006-01-02T15:04:05.000Z")
			continue
		}
		f := b.file(File{
			URL:         npmTarballURL(host, p, v.version),
			Ecosystem:   "npm",
			Kind:        KindArtifact,
			PURL:        npmPURL(p.name, v.version),
			ContentType: "application/octet-stream",
			Body:        v.tarball,
		})
		sum := sha512.Sum512(v.tarball)
		dist = map[string]any{
			"shasum":    f.SHA1,
			"integrity": "sha512-" + base64.StdEncoding.EncodeToString(sum[:]),
			"tarball":   f.URL,
			"fileCount": 2,
		}
		deps := v.deps
		if deps == nil {
			deps = map[string]string{}
		}
		fullVersions[v.version] = map[string]any{
			"name": p.name, "version": v.version, "main": "index.js", "license": "MIT",
			"dependencies": deps, "_id": p.name + "@" + v.version, "dist": dist,
			"description": "depaudit fixture " + p.name,
		}
		cv := map[string]any{"name": p.name, "version": v.version, "dist": dist}
		if len(v.deps) > 0 {
			cv["dependencies"] = v.deps
		}
		corgiVersions[v.version] = cv
		times[v.version] = fixtureTime.Format("2006-01-02T15:04:05.000Z")
	}
	full["_id"] = p.name
	full["name"] = p.name
	full["description"] = "depaudit fixture " + p.name
	full["dist-tags"] = p.distTags
	full["versions"] = fullVersions
	full["time"] = times
	full["license"] = "MIT"
	corgi["name"] = p.name
	corgi["dist-tags"] = p.distTags
	corgi["versions"] = corgiVersions
	corgi["modified"] = times["modified"]
	fullBody, err := json.Marshal(full)
	if err != nil {
		return fmt.Errorf("npm packument %s: %w", p.name, err)
	}
	corgiBody, err := json.Marshal(corgi)
	if err != nil {
		return fmt.Errorf("npm packument %s: %w", p.name, err)
	}
	escaped := "/" + strings.Replace(p.name, "/", "%2f", 1)
	pf := newFile(File{
		URL:         "https://" + host + escaped,
		Ecosystem:   "npm",
		Kind:        KindMetadata,
		PURL:        "",
		ContentType: "application/json",
		Body:        fullBody,
	})
	b.m.add(pf)
	// Decoded path: /@scope/name for %2f, %2F and a literal slash alike.
	b.serveFunc(host, "/"+p.name, func(w http.ResponseWriter, r *http.Request) {
		if accepts(r, "application/vnd.npm.install-v1+json") {
			writeBody(w, r, "application/vnd.npm.install-v1+json", corgiBody)
			return
		}
		writeBody(w, r, "application/json", fullBody)
	})
	// Version documents: /name/version and /name/latest (not for the
	// versions that are only listed).
	vers := make([]string, 0, len(fullVersions))
	for _, v := range p.versions {
		if !v.listed {
			vers = append(vers, v.version)
		}
	}
	sort.Strings(vers)
	for tag, v := range p.distTags {
		vb, err := json.Marshal(fullVersions[v])
		if err != nil {
			return fmt.Errorf("npm version doc: %w", err)
		}
		b.serveFunc(host, "/"+p.name+"/"+tag, func(w http.ResponseWriter, r *http.Request) { writeBody(w, r, "application/json", vb) })
	}
	for _, v := range vers {
		vb, err := json.Marshal(fullVersions[v])
		if err != nil {
			return fmt.Errorf("npm version doc: %w", err)
		}
		b.serveFunc(host, "/"+p.name+"/"+url.PathEscape(v), func(w http.ResponseWriter, r *http.Request) { writeBody(w, r, "application/json", vb) })
	}
	return nil
}
