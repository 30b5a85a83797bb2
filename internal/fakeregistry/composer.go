package fakeregistry

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Hostnames of Composer: Packagist's metadata, and the GitHub API host its
// dist URLs name (which redirects to codeload.github.com).
const (
	HostPackagist = "repo.packagist.org"
	HostGitHubAPI = "api.github.com"
)

// composerPackage is one published version of a fake Composer package.
type composerPackage struct {
	vendor, name, version string
	require               map[string]string
	// owner/repo on GitHub and the commit the dist zip is made from; a
	// package without one is served from HostGeneric with a shasum.
	owner, repo, ref string
	extra            string
}

func composerPackages(opts Options) []composerPackage {
	extra := ""
	if opts.Republish {
		extra = " (republished)"
	}
	pkgs := []composerPackage{
		{vendor: "fixture", name: "composer-lib", version: "1.0.0", require: map[string]string{"fixture/composer-dep": "^0.2"},
			owner: "Fixture-Org", repo: "composer-lib", ref: "1111111111111111111111111111111111111111", extra: extra},
		{vendor: "fixture", name: "composer-dep", version: "0.2.0"},
	}
	if opts.Upgrade {
		pkgs = append(pkgs, composerPackage{vendor: "fixture", name: "composer-dep", version: "0.2.1"})
	}
	return pkgs
}

// ComposerDistURL is the dist URL Packagist's metadata names for a fixture
// package version: GitHub's zipball API for composer-lib, a plain download
// with a published shasum for composer-dep.
func ComposerDistURL(name, version string) string {
	for _, p := range composerPackages(Options{Upgrade: true}) {
		if p.name == name && p.version == version {
			return p.distURL()
		}
	}
	return ""
}

func (p composerPackage) distURL() string {
	if p.owner != "" {
		return "https://" + HostGitHubAPI + "/repos/" + p.owner + "/" + p.repo + "/zipball/" + p.ref
	}
	return "https://" + HostGeneric + "/composer/" + p.vendor + "-" + p.name + "-" + p.version + ".zip"
}

// codeloadURL is where GitHub's zipball API redirects.
func (p composerPackage) codeloadURL() string {
	return "https://" + HostCodeload + "/" + p.owner + "/" + p.repo + "/legacy.zip/" + p.ref
}

func addComposer(b *builder) error {
	b.file(File{URL: "https://" + HostPackagist + "/packages.json", Ecosystem: "composer", Kind: KindMetadata,
		ContentType: "application/json",
		Body:        []byte(`{"packages":[],"metadata-url":"/p2/%package%.json","providers-api":"https://packagist.org/providers/%package%.json"}`)})
	versions := map[string][]map[string]any{}
	var order []string
	for _, p := range composerPackages(b.opts) {
		full := p.vendor + "/" + p.name
		manifest := map[string]any{"name": full, "type": "library", "license": "MIT",
			"autoload": map[string]any{"psr-4": map[string]string{"Fixture\\": "src/"}}}
		if len(p.require) > 0 {
			manifest["require"] = p.require
		}
		cj, err := json.MarshalIndent(manifest, "", "    ")
		if err != nil {
			return fmt.Errorf("composer %s: %w", full, err)
		}
		top := p.vendor + "-" + p.name + "-" + p.version
		if p.owner != "" {
			top = p.owner + "-" + p.repo + "-" + p.ref[:7]
		}
		src := fmt.Sprintf("<?php\n// %s %s, a depaudit fixture%s.\n", full, p.version, p.extra)
		zip, err := zipBytes([]entry{
			{name: top + "/composer.json", body: append(cj, '\n')},
			{name: top + "/src/" + p.name + ".php", body: []byte(src)},
		})
		if err != nil {
			return fmt.Errorf("composer %s: %w", full, err)
		}
		f := File{URL: p.distURL(), Ecosystem: "composer", Kind: KindArtifact,
			PURL: "pkg:composer/" + full + "@" + p.version, ContentType: "application/zip", Body: zip}
		shasum := ""
		if p.owner != "" {
			f.Aliases = []string{p.codeloadURL()}
			b.redirect(HostGitHubAPI, "/repos/"+p.owner+"/"+p.repo+"/zipball/"+p.ref, p.codeloadURL())
		} else {
			sum := sha1.Sum(zip)
			shasum = hex.EncodeToString(sum[:])
		}
		b.file(f)
		entry := map[string]any{"name": full, "version": p.version, "version_normalized": p.version + ".0",
			"type": "library", "license": []string{"MIT"},
			"dist":     map[string]any{"type": "zip", "url": p.distURL(), "reference": p.ref, "shasum": shasum},
			"autoload": manifest["autoload"]}
		if len(p.require) > 0 {
			entry["require"] = p.require
		}
		if _, ok := versions[full]; !ok {
			order = append(order, full)
		}
		// Packagist lists the newest version first.
		versions[full] = append([]map[string]any{entry}, versions[full]...)
	}
	for _, full := range order {
		doc, err := json.Marshal(map[string]any{"packages": map[string]any{full: versions[full]}, "minified": "composer/2.0"})
		if err != nil {
			return fmt.Errorf("composer %s: %w", full, err)
		}
		b.file(File{URL: "https://" + HostPackagist + "/p2/" + full + ".json", Ecosystem: "composer", Kind: KindMetadata,
			ContentType: "application/json", Body: doc})
	}
	return nil
}
