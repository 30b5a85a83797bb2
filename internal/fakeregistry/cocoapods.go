package fakeregistry

import "encoding/json"

// HostCocoaPods is the CocoaPods CDN.
const HostCocoaPods = "cdn.cocoapods.org"

// CocoaPods fixture URLs: the podspec, and the source archive it names
// (on another host).
const (
	CocoaPodsSpecURL   = "https://" + HostCocoaPods + "/Specs/5/8/0/FixturePod/1.0.0/FixturePod.podspec.json"
	CocoaPodsSourceURL = "https://" + HostGeneric + "/pods/FixturePod-1.0.0.zip"
)

func addCocoaPods(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	zip, err := zipBytes([]entry{{name: "FixturePod/Sources/FixturePod.swift", body: []byte("// FixturePod 1.0.0, a depaudit fixture" + extra + ".\n")}})
	if err != nil {
		return err
	}
	f := b.file(File{URL: CocoaPodsSourceURL, Ecosystem: "cocoapods", Kind: KindArtifact, PURL: "pkg:cocoapods/FixturePod@1.0.0",
		ContentType: "application/zip", Body: zip})
	spec, err := json.Marshal(map[string]any{"name": "FixturePod", "version": "1.0.0", "license": "MIT",
		"source": map[string]string{"http": CocoaPodsSourceURL, "sha256": f.SHA256}, "platforms": map[string]string{"ios": "12.0"}})
	if err != nil {
		return err
	}
	b.file(File{URL: CocoaPodsSpecURL, Ecosystem: "cocoapods", Kind: KindMetadata, ContentType: "application/json", Body: spec})
	b.file(File{URL: "https://" + HostCocoaPods + "/all_pods_versions_5_8_0.txt", Ecosystem: "cocoapods", Kind: KindMetadata,
		ContentType: "text/plain", Body: []byte("FixturePod/1.0.0\n")})
	return nil
}
