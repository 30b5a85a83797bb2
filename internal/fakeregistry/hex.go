package fakeregistry

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"

	"google.golang.org/protobuf/encoding/protowire"
)

// HostHex is the Hex repository.
const HostHex = "repo.hex.pm"

// HexTarballURL is the fixture release's tarball.
const HexTarballURL = "https://" + HostHex + "/tarballs/fixture_hex-1.0.0.tar"

func addHex(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	contents, err := tarGz([]entry{{name: "lib/fixture_hex.ex", body: []byte("defmodule FixtureHex do\n  # a depaudit fixture" + extra + "\nend\n")}})
	if err != nil {
		return err
	}
	// A Hex tarball: an uncompressed tar of VERSION, metadata.config and
	// contents.tar.gz (hex_tarball); its outer checksum is its SHA-256.
	tarball, err := tarUSTAR([]entry{
		{name: "VERSION", body: []byte("3")},
		{name: "metadata.config", body: []byte("{<<\"name\">>,<<\"fixture_hex\">>}.\n{<<\"version\">>,<<\"1.0.0\">>}.\n")},
		{name: "contents.tar.gz", body: contents},
	})
	if err != nil {
		return err
	}
	f := b.file(File{URL: HexTarballURL, Ecosystem: "hex", Kind: KindArtifact, PURL: "pkg:hex/fixture_hex@1.0.0",
		ContentType: "application/octet-stream", Body: tarball})
	outer, _ := hex.DecodeString(f.SHA256)
	var rel []byte
	rel = protowire.AppendTag(rel, 1, protowire.BytesType)
	rel = protowire.AppendString(rel, "1.0.0")
	rel = protowire.AppendTag(rel, 5, protowire.BytesType)
	rel = protowire.AppendBytes(rel, outer)
	var pkg []byte
	pkg = protowire.AppendTag(pkg, 1, protowire.BytesType)
	pkg = protowire.AppendBytes(pkg, rel)
	pkg = protowire.AppendTag(pkg, 2, protowire.BytesType)
	pkg = protowire.AppendString(pkg, "fixture_hex")
	pkg = protowire.AppendTag(pkg, 3, protowire.BytesType)
	pkg = protowire.AppendString(pkg, "hexpm")
	var signed []byte
	signed = protowire.AppendTag(signed, 1, protowire.BytesType)
	signed = protowire.AppendBytes(signed, pkg)
	signed = protowire.AppendTag(signed, 2, protowire.BytesType)
	signed = protowire.AppendBytes(signed, []byte("depaudit fixture signature"))
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.ModTime = fixtureTime
	zw.Write(signed)
	if err := zw.Close(); err != nil {
		return err
	}
	b.file(File{URL: "https://" + HostHex + "/packages/fixture_hex", Ecosystem: "hex", Kind: KindMetadata,
		ContentType: "application/octet-stream", Body: z.Bytes()})
	return nil
}
