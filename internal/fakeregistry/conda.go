package fakeregistry

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// HostConda is anaconda.org's channel host.
const HostConda = "conda.anaconda.org"

// condaPackage is one package file of the fake conda-forge channel.
type condaPackage struct {
	name, version, build, subdir, ext string
	depends                           []string
	extra                             string
}

func (c condaPackage) file() string { return c.name + "-" + c.version + "-" + c.build + c.ext }

func condaPackages(opts Options) []condaPackage {
	extra := ""
	if opts.Republish {
		extra = " (republished)"
	}
	return []condaPackage{
		{name: "condafixture", version: "1.0.0", build: "py312h0000000_0", subdir: "linux-64", ext: ".conda",
			depends: []string{"condafixture-dep >=0.2"}, extra: extra},
		{name: "condafixture-dep", version: "0.2.0", build: "pyhd8ed1ab_0", subdir: "noarch", ext: ".tar.bz2"},
	}
}

// CondaPackageURL is the URL of a fixture conda package in conda-forge.
func CondaPackageURL(subdir, file string) string {
	return "https://" + HostConda + "/conda-forge/" + subdir + "/" + file
}

func addConda(b *builder) error {
	repodata := map[string]map[string]map[string]map[string]any{}
	for _, sub := range []string{"linux-64", "noarch"} {
		repodata[sub] = map[string]map[string]map[string]any{"packages": {}, "packages.conda": {}}
	}
	for _, c := range condaPackages(b.opts) {
		var body []byte
		if c.ext == ".conda" {
			z, err := zipBytes([]entry{{name: "metadata.json", body: []byte(`{"conda_pkg_format_version": 2}`)},
				{name: "pkg-" + c.name + "-" + c.version + "-" + c.build + ".tar.zst", body: []byte(c.name + " " + c.version + c.extra + "\n")}})
			if err != nil {
				return fmt.Errorf("conda %s: %w", c.file(), err)
			}
			body = z
		} else {
			body = pseudoBinary("conda "+c.file()+c.extra, 4<<10)
		}
		purl := purlWith("conda", "", c.name, c.version, "build", c.build, "channel", "conda-forge", "subdir", c.subdir, "type", c.ext[1:])
		f := b.file(File{URL: CondaPackageURL(c.subdir, c.file()), Ecosystem: "conda", Kind: KindArtifact, PURL: purl,
			ContentType: "application/octet-stream", Body: body})
		key := "packages"
		if c.ext == ".conda" {
			key = "packages.conda"
		}
		repodata[c.subdir][key][c.file()] = map[string]any{"name": c.name, "version": c.version, "build": c.build, "build_number": 0,
			"depends": c.depends, "license": "MIT", "md5": md5Hex(body), "sha256": f.SHA256, "size": len(body), "subdir": c.subdir,
			"timestamp": fixtureTime.UnixMilli()}
	}
	for _, sub := range []string{"linux-64", "noarch"} {
		doc, err := json.Marshal(map[string]any{"info": map[string]string{"subdir": sub}, "packages": repodata[sub]["packages"],
			"packages.conda": repodata[sub]["packages.conda"], "removed": []string{}, "repodata_version": 1})
		if err != nil {
			return err
		}
		base := "https://" + HostConda + "/conda-forge/" + sub + "/"
		b.file(File{URL: base + "repodata.json", Ecosystem: "conda", Kind: KindMetadata, ContentType: "application/json", Body: doc})
		var z bytes.Buffer
		zw, err := zstd.NewWriter(&z, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return err
		}
		if _, err := zw.Write(doc); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		b.file(File{URL: base + "repodata.json.zst", Ecosystem: "conda", Kind: KindMetadata, ContentType: "application/octet-stream", Body: z.Bytes()})
	}
	return nil
}
