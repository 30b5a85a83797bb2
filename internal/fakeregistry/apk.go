package fakeregistry

import (
	"archive/tar"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"strings"
)

// Alpine repository fixtures on dl-cdn.alpinelinux.org (v3.19/main/x86_64).
const (
	HostAlpine = "dl-cdn.alpinelinux.org"
	// APKDir is the repository directory of the fixtures.
	APKDir = "https://" + HostAlpine + "/alpine/v3.19/main/x86_64/"
)

// tarMember gzips a tar of entries, without the end-of-archive blocks when
// cut is set (as abuild writes the signature and control segments).
func tarMember(entries []entry, cut bool) ([]byte, error) {
	var t bytes.Buffer
	tw := tar.NewWriter(&t)
	for _, e := range entries {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o644, Size: int64(len(e.body)), ModTime: fixtureTime, Format: tar.FormatUSTAR}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	raw := t.Bytes()
	if cut {
		raw = raw[:len(raw)-1024]
	}
	return gzBytes(raw)
}

// APKPackage builds an .apk of three gzip streams (signature, control with
// .PKGINFO naming the data's SHA-256, data) and returns it with its
// APKINDEX checksum ("Q1" + base64 SHA-1 of the control stream).
func APKPackage(name, version, extra string) (apk []byte, checksum string, err error) {
	data, err := tarMember([]entry{{name: "usr/share/doc/" + name + "/README", body: []byte(name + " " + version + extra + "\n")}}, false)
	if err != nil {
		return nil, "", err
	}
	pkginfo := fmt.Sprintf("pkgname = %s\npkgver = %s\narch = x86_64\nsize = 10\ndatahash = %s\n", name, version, hexDigest(data))
	control, err := tarMember([]entry{{name: ".PKGINFO", body: []byte(pkginfo)}}, true)
	if err != nil {
		return nil, "", err
	}
	sig, err := tarMember([]entry{{name: ".SIGN.RSA.fixture.rsa.pub", body: []byte("not a real signature")}}, true)
	if err != nil {
		return nil, "", err
	}
	sum := sha1.Sum(control)
	return append(append(sig, control...), data...), "Q1" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

func addAPK(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	pkgs := [][2]string{{"curl", "8.5.0-r0"}, {"ca-certificates-bundle", "20240226-r0"}}
	if b.opts.Upgrade {
		pkgs[0][1] = "8.5.0-r1"
	}
	var index strings.Builder
	for _, p := range pkgs {
		body, sum, err := APKPackage(p[0], p[1], extra)
		if err != nil {
			return fmt.Errorf("apk %s: %w", p[0], err)
		}
		b.file(File{URL: APKDir + p[0] + "-" + p[1] + ".apk", Ecosystem: "apk", Kind: KindArtifact,
			PURL: "pkg:apk/alpine/" + p[0] + "@" + p[1] + "?arch=x86_64", ContentType: "application/octet-stream", Body: body})
		fmt.Fprintf(&index, "C:%s\nP:%s\nV:%s\nA:x86_64\nS:%d\nI:10\nT:fixture\nU:https://example.com/\nL:MIT\n\n", sum, p[0], p[1], len(body))
	}
	sig, err := tarMember([]entry{{name: ".SIGN.RSA.fixture.rsa.pub", body: []byte("not a real signature")}}, true)
	if err != nil {
		return err
	}
	idx, err := tarMember([]entry{{name: "DESCRIPTION", body: []byte("v3.19-fixture\n")}, {name: "APKINDEX", body: []byte(index.String())}}, false)
	if err != nil {
		return err
	}
	b.file(File{URL: APKDir + "APKINDEX.tar.gz", Ecosystem: "apk", Kind: KindMetadata, ContentType: "application/octet-stream", Body: append(sig, idx...)})
	return nil
}
