package fakeregistry

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// HostNuGet is nuget.org's API host.
const HostNuGet = "api.nuget.org"

// NuGet resource bases, as the fixture's service index names them.
const (
	NuGetFlatContainer = "https://" + HostNuGet + "/v3-flatcontainer/"
	NuGetRegistration  = "https://" + HostNuGet + "/v3/registration5-gz-semver2/"
	nugetCatalogData   = "https://" + HostNuGet + "/v3/catalog0/data/2024.03.01.12.00.00/"
)

// nugetPackage is one published version of a fake NuGet package; id and
// version keep the case they were published with.
type nugetPackage struct {
	id, version string
	deps        map[string]string // id → version range
	extra       string
}

func nugetPackages(opts Options) []nugetPackage {
	extra := ""
	if opts.Republish {
		extra = " (republished)"
	}
	return []nugetPackage{
		{id: "Fixture.NuGet", version: "1.0.0", deps: map[string]string{"Fixture.Dep": "[2.0.0-Beta.1, )"}, extra: extra},
		{id: "Fixture.Dep", version: "2.0.0-Beta.1"},
	}
}

// NuGetPackageURL is the flat container URL of a fixture package's .nupkg
// (id and version lower-cased, as the protocol requires).
func NuGetPackageURL(id, version string) string {
	id, version = strings.ToLower(id), strings.ToLower(version)
	return NuGetFlatContainer + id + "/" + version + "/" + id + "." + version + ".nupkg"
}

// NuGetCatalogLeafURL is the catalog leaf of a fixture package version.
func NuGetCatalogLeafURL(id, version string) string {
	return nugetCatalogData + strings.ToLower(id) + "." + strings.ToLower(version) + ".json"
}

func addNuGet(b *builder) error {
	index := map[string]any{"version": "3.0.0", "resources": []map[string]string{
		{"@id": NuGetFlatContainer, "@type": "PackageBaseAddress/3.0.0"},
		{"@id": NuGetRegistration, "@type": "RegistrationsBaseUrl/3.6.0"},
		{"@id": "https://" + HostNuGet + "/v3/catalog0/index.json", "@type": "Catalog/3.0.0"},
	}}
	doc, err := json.Marshal(index)
	if err != nil {
		return err
	}
	b.file(File{URL: "https://" + HostNuGet + "/v3/index.json", Ecosystem: "nuget", Kind: KindMetadata, ContentType: "application/json", Body: doc})
	for _, p := range nugetPackages(b.opts) {
		lid, lver := strings.ToLower(p.id), strings.ToLower(p.version)
		nuspec := nuspecXML(p)
		nupkg, err := zipBytes([]entry{
			{name: p.id + ".nuspec", body: []byte(nuspec)},
			{name: "lib/netstandard2.0/" + p.id + ".txt", body: []byte(fmt.Sprintf("%s %s, a depaudit fixture%s.\n", p.id, p.version, p.extra))},
		})
		if err != nil {
			return fmt.Errorf("nupkg %s: %w", p.id, err)
		}
		f := b.file(File{URL: NuGetPackageURL(p.id, p.version), Ecosystem: "nuget", Kind: KindArtifact,
			PURL: "pkg:nuget/" + p.id + "@" + p.version, ContentType: "application/octet-stream", Body: nupkg})
		b.file(File{URL: NuGetFlatContainer + lid + "/index.json", Ecosystem: "nuget", Kind: KindMetadata,
			ContentType: "application/json", Body: []byte(`{"versions":["` + lver + `"]}`)})
		b.file(File{URL: NuGetFlatContainer + lid + "/" + lver + "/" + lid + ".nuspec", Ecosystem: "nuget", Kind: KindMetadata,
			ContentType: "application/xml", Body: []byte(nuspec)})

		sum := sha512.Sum512(f.Body)
		entry := map[string]any{"@id": NuGetCatalogLeafURL(p.id, p.version), "@type": "PackageDetails",
			"id": p.id, "version": p.version, "authors": "depaudit", "listed": true, "published": "2024-03-01T12:00:00+00:00"}
		leaf := map[string]any{}
		for k, v := range entry {
			leaf[k] = v
		}
		leaf["packageHash"] = base64.StdEncoding.EncodeToString(sum[:])
		leaf["packageHashAlgorithm"] = "SHA512"
		leaf["packageSize"] = len(f.Body)
		leafDoc, err := json.Marshal(leaf)
		if err != nil {
			return err
		}
		b.file(File{URL: NuGetCatalogLeafURL(p.id, p.version), Ecosystem: "nuget", Kind: KindMetadata,
			ContentType: "application/json", Body: leafDoc})

		reg := NuGetRegistration + lid + "/"
		item := map[string]any{"@id": reg + lver + ".json", "@type": "Package", "catalogEntry": entry,
			"packageContent": NuGetPackageURL(p.id, p.version), "registration": reg + "index.json"}
		regIndex := map[string]any{"@id": reg + "index.json", "count": 1, "items": []any{map[string]any{
			"@id": reg + "index.json#page/" + lver + "/" + lver, "count": 1, "lower": lver, "upper": lver, "items": []any{item}}}}
		regLeaf := map[string]any{"@id": reg + lver + ".json", "catalogEntry": NuGetCatalogLeafURL(p.id, p.version), "listed": true,
			"packageContent": NuGetPackageURL(p.id, p.version), "published": "2024-03-01T12:00:00+00:00", "registration": reg + "index.json"}
		for path, v := range map[string]any{reg + "index.json": regIndex, reg + lver + ".json": regLeaf} {
			if err := gzipJSONFile(b, path, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// gzipJSONFile serves v as JSON with Content-Encoding: gzip, as nuget.org
// serves its registration5-gz-* documents.
func gzipJSONFile(b *builder, rawURL string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.ModTime = fixtureTime
	if _, err := zw.Write(doc); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	f := b.file(File{URL: rawURL, Ecosystem: "nuget", Kind: KindMetadata, ContentType: "application/json", Body: z.Bytes()})
	b.serveFunc(HostNuGet, strings.TrimPrefix(rawURL, "https://"+HostNuGet), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("ETag", `"`+f.SHA256[:32]+`"`)
		http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(f.Body))
	})
	return nil
}

// nuspecXML is the package's manifest.
func nuspecXML(p nugetPackage) string {
	var deps strings.Builder
	for _, d := range sortedKeys(p.deps) {
		fmt.Fprintf(&deps, `        <dependency id="%s" version="%s" />`+"\n", d, p.deps[d])
	}
	return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>` + p.id + `</id>
    <version>` + p.version + `</version>
    <authors>depaudit</authors>
    <description>depaudit fixture</description>
    <dependencies>
      <group targetFramework=".NETStandard2.0">
` + deps.String() + `      </group>
    </dependencies>
  </metadata>
</package>
`
}
