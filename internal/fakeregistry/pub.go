package fakeregistry

import "encoding/json"

// pub.dev hosts: the repository and the bucket its archives redirect to.
const (
	HostPub        = "pub.dev"
	HostPubStorage = "storage.googleapis.com"
)

// PubArchiveURL is the archive_url of the fixture package; it redirects to
// PubStorageURL.
const (
	PubArchiveURL = "https://" + HostPub + "/api/archives/fixture_pkg-1.0.0.tar.gz"
	PubStorageURL = "https://" + HostPubStorage + "/pub-packages/packages/fixture_pkg-1.0.0.tar.gz"
)

func addPub(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	archive, err := tarGz([]entry{
		{name: "pubspec.yaml", body: []byte("name: fixture_pkg\nversion: 1.0.0\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\n")},
		{name: "lib/fixture_pkg.dart", body: []byte("// fixture_pkg 1.0.0, a depaudit fixture" + extra + ".\nconst version = '1.0.0';\n")},
	})
	if err != nil {
		return err
	}
	f := b.file(File{URL: PubArchiveURL, Aliases: []string{PubStorageURL}, Ecosystem: "pub", Kind: KindArtifact,
		PURL: "pkg:pub/fixture_pkg@1.0.0", ContentType: "application/octet-stream", Body: archive})
	b.redirect(HostPub, "/api/archives/fixture_pkg-1.0.0.tar.gz", PubStorageURL)
	v := map[string]any{"version": "1.0.0", "pubspec": map[string]any{"name": "fixture_pkg", "version": "1.0.0"},
		"archive_url": PubArchiveURL, "archive_sha256": f.SHA256, "published": "2024-03-01T12:00:00.000Z"}
	doc, err := json.Marshal(map[string]any{"name": "fixture_pkg", "latest": v, "versions": []any{v}})
	if err != nil {
		return err
	}
	b.file(File{URL: "https://" + HostPub + "/api/packages/fixture_pkg", Ecosystem: "pub", Kind: KindMetadata,
		ContentType: "application/vnd.pub.v2+json", Body: doc})
	return nil
}
