package fakeregistry

import (
	"bytes"
	"compress/gzip"
	"fmt"
)

// HostCRAN is the CRAN mirror R uses by default.
const HostCRAN = "cloud.r-project.org"

// CRANTarballURL is the fixture source package.
const CRANTarballURL = "https://" + HostCRAN + "/src/contrib/fixturepkg_1.0-1.tar.gz"

func addCRAN(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	tarball, err := tarGz([]entry{
		{name: "fixturepkg/DESCRIPTION", body: []byte("Package: fixturepkg\nVersion: 1.0-1\nTitle: depaudit fixture" + extra + "\nLicense: MIT\n")},
		{name: "fixturepkg/NAMESPACE", body: []byte("export(hello)\n")},
		{name: "fixturepkg/R/hello.R", body: []byte("hello <- function() \"hello\"\n")},
	})
	if err != nil {
		return err
	}
	f := b.file(File{URL: CRANTarballURL, Ecosystem: "cran", Kind: KindArtifact, PURL: "pkg:cran/fixturepkg@1.0-1",
		ContentType: "application/x-gzip", Body: tarball})
	index := fmt.Sprintf("Package: fixturepkg\nVersion: 1.0-1\nLicense: MIT\nMD5sum: %s\nNeedsCompilation: no\n", md5Hex(f.Body))
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.ModTime = fixtureTime
	zw.Write([]byte(index))
	if err := zw.Close(); err != nil {
		return err
	}
	b.file(File{URL: "https://" + HostCRAN + "/src/contrib/PACKAGES.gz", Ecosystem: "cran", Kind: KindMetadata,
		ContentType: "application/x-gzip", Body: z.Bytes()})
	b.file(File{URL: "https://" + HostCRAN + "/src/contrib/PACKAGES", Ecosystem: "cran", Kind: KindMetadata,
		ContentType: "text/plain", Body: []byte(index)})
	return nil
}
