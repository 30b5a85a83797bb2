package fakeregistry

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// OCI registry fixtures: Docker Hub's registry-1.docker.io, which wants a
// bearer token from auth.docker.io for everything under /v2/ and
// redirects layer blobs to a CDN, serving the image docker.io/
// library/fixture:1.0 as a multi-platform index.
const (
	HostDockerRegistry = "registry-1.docker.io"
	// HostDockerIndex is the name go-containerregistry (crane) uses for
	// Docker Hub; it serves the same.
	HostDockerIndex = "index.docker.io"
	HostDockerAuth  = "auth.docker.io"
	HostDockerCDN   = "production.cloudflare.docker.com"
	// OCIRepository is the fixture image's repository on Docker Hub.
	OCIRepository = "library/fixture"
	// OCITag is the fixture image's tag.
	OCITag = "1.0"
	// ociToken is the bearer token auth.docker.io hands out.
	ociToken = "fixture-registry-token"
)

// OCI media types.
const (
	ociIndexType    = "application/vnd.oci.image.index.v1+json"
	ociManifestType = "application/vnd.oci.image.manifest.v1+json"
	ociConfigType   = "application/vnd.oci.image.config.v1+json"
	ociLayerType    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// OCIImage are the URLs of the fixture image's parts.
type OCIImage struct {
	// Index is the index fetched by tag; Manifest the linux/amd64 manifest
	// it names, by digest; Config and Layer its blobs; LayerCDN where the
	// layer blob redirects to.
	Index, Manifest, Config, Layer, LayerCDN string
	// IndexDigest, ManifestDigest, ConfigDigest and LayerDigest are their
	// digests ("sha256:…").
	IndexDigest, ManifestDigest, ConfigDigest, LayerDigest string
}

// ociDescriptorJSON is a content descriptor.
type ociDescriptorJSON struct {
	MediaType string            `json:"mediaType"`
	Digest    string            `json:"digest"`
	Size      int               `json:"size"`
	Platform  map[string]string `json:"platform,omitempty"`
}

// OCIFixture returns the URLs and digests of the fixture image served with
// opts.
func OCIFixture(opts Options) (OCIImage, error) {
	img, _, err := buildOCI(opts)
	return img, err
}

// ociFile is one document or blob of the fixture image.
type ociFile struct {
	url, contentType string
	body             []byte
}

// buildOCI builds the fixture image: a layer, a config, an amd64 manifest
// and an index naming it and an arm64 manifest (never fetched).
func buildOCI(opts Options) (OCIImage, []ociFile, error) {
	extra := ""
	if opts.Republish {
		extra = " (republished)"
	}
	if opts.Upgrade {
		extra += " upgraded"
	}
	layer, err := tarGz([]entry{{name: "etc/fixture-release", body: []byte("fixture image 1.0" + extra + "\n")}})
	if err != nil {
		return OCIImage{}, nil, fmt.Errorf("oci layer: %w", err)
	}
	tarBytes, err := gunzip(layer)
	if err != nil {
		return OCIImage{}, nil, fmt.Errorf("oci layer: %w", err)
	}
	diffID := hexDigest(tarBytes)
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Env": []string{"PATH=/usr/bin"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + diffID}},
	})
	if err != nil {
		return OCIImage{}, nil, err
	}
	manifest := func(cfg, lay []byte) ([]byte, error) {
		return json.Marshal(map[string]any{
			"schemaVersion": 2, "mediaType": ociManifestType,
			"config": ociDescriptorJSON{MediaType: ociConfigType, Digest: "sha256:" + hexDigest(cfg), Size: len(cfg)},
			"layers": []ociDescriptorJSON{{MediaType: ociLayerType, Digest: "sha256:" + hexDigest(lay), Size: len(lay)}},
		})
	}
	amd64, err := manifest(config, layer)
	if err != nil {
		return OCIImage{}, nil, err
	}
	arm64, err := manifest(append(append([]byte(nil), config...), ' '), layer)
	if err != nil {
		return OCIImage{}, nil, err
	}
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": ociIndexType,
		"manifests": []ociDescriptorJSON{
			{MediaType: ociManifestType, Digest: "sha256:" + hexDigest(amd64), Size: len(amd64), Platform: map[string]string{"architecture": "amd64", "os": "linux"}},
			{MediaType: ociManifestType, Digest: "sha256:" + hexDigest(arm64), Size: len(arm64), Platform: map[string]string{"architecture": "arm64", "os": "linux"}},
		},
	})
	if err != nil {
		return OCIImage{}, nil, err
	}
	base := "https://" + HostDockerRegistry + "/v2/" + OCIRepository
	img := OCIImage{
		IndexDigest: "sha256:" + hexDigest(index), ManifestDigest: "sha256:" + hexDigest(amd64),
		ConfigDigest: "sha256:" + hexDigest(config), LayerDigest: "sha256:" + hexDigest(layer),
	}
	img.Index = base + "/manifests/" + OCITag
	img.Manifest = base + "/manifests/" + img.ManifestDigest
	img.Config = base + "/blobs/" + img.ConfigDigest
	img.Layer = base + "/blobs/" + img.LayerDigest
	h := hexDigest(layer)
	img.LayerCDN = "https://" + HostDockerCDN + "/registry-v2/docker/registry/v2/blobs/sha256/" + h[:2] + "/" + h + "/data"
	files := []ociFile{
		{img.Index, ociIndexType, index},
		{img.Manifest, ociManifestType, amd64},
		{img.Config, "application/octet-stream", config},
		{img.LayerCDN, "application/octet-stream", layer},
	}
	return img, files, nil
}

func addOCI(b *builder) error {
	img, files, err := buildOCI(b.opts)
	if err != nil {
		return err
	}
	repo := "docker.io/" + OCIRepository
	purls := map[string]string{
		img.Index:    "pkg:oci/fixture@" + img.IndexDigest + "?repository_url=" + strings.ReplaceAll(repo, "/", "%2F") + "&tag=" + OCITag,
		img.Manifest: "pkg:oci/fixture@" + img.ManifestDigest + "?repository_url=" + strings.ReplaceAll(repo, "/", "%2F"),
		img.Config:   "pkg:oci/fixture@" + img.ConfigDigest + "?repository_url=" + strings.ReplaceAll(repo, "/", "%2F"),
	}
	index := func(u string) string { return strings.Replace(u, HostDockerRegistry, HostDockerIndex, 1) }
	for _, f := range files {
		purl, kind := purls[f.url], KindArtifact
		var aliases []string
		if f.url == img.LayerCDN {
			purl = "pkg:oci/fixture@" + img.LayerDigest + "?repository_url=" + strings.ReplaceAll(repo, "/", "%2F")
			aliases = []string{img.Layer, index(img.Layer)}
		} else {
			aliases = []string{index(f.url)}
		}
		nf := b.file(File{URL: f.url, Aliases: aliases, Ecosystem: "oci", Kind: kind, PURL: purl, ContentType: f.contentType, Body: f.body})
		for _, host := range []string{HostDockerRegistry, HostDockerIndex} {
			if f.url == img.LayerCDN {
				// The registry redirects the layer to its CDN, with a
				// signature the CDN does not check here.
				b.serveFunc(host, pathOf(img.Layer), ociAuth(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, img.LayerCDN+"?verify=1709294400-fixture&sig=0123", http.StatusTemporaryRedirect)
				}))
				continue
			}
			b.serveFunc(host, pathOf(f.url), ociAuth(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Docker-Content-Digest", "sha256:"+nf.SHA256)
				serveFile(w, r, nf)
			}))
		}
	}
	for _, host := range []string{HostDockerRegistry, HostDockerIndex} {
		b.serveFunc(host, "/v2/", ociAuth(func(w http.ResponseWriter, r *http.Request) {
			writeBody(w, r, "application/json", []byte("{}"))
		}))
	}
	b.serveFunc(HostDockerAuth, "/token", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("service") != "registry.docker.io" {
			http.Error(w, "fakeregistry: unknown service", http.StatusBadRequest)
			return
		}
		writeBody(w, r, "application/json", []byte(`{"token":"`+ociToken+`","access_token":"`+ociToken+`","expires_in":300,"issued_at":"2024-03-01T12:00:00Z"}`))
	})
	return nil
}

// ociAuth answers 401 with Docker Hub's bearer challenge unless the
// request carries the token.
func ociAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+ociToken {
			w.Header().Set("Www-Authenticate", `Bearer realm="https://`+HostDockerAuth+`/token",service="registry.docker.io"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`))
			return
		}
		h(w, r)
	}
}

// hexDigest is the hex SHA-256 of b.
func hexDigest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// gunzip decompresses b.
func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// pathOf is the path of an absolute fixture URL.
func pathOf(u string) string {
	rest := u[strings.Index(u, "://")+3:]
	return rest[strings.IndexByte(rest, '/'):]
}
