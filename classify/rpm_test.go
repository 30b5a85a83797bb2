package classify

import "testing"

func TestRPM(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		rpm       = EcosystemRPM
	)
	fedora := "https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/"
	runRows(t, []row{
		get(fedora+"Packages/c/curl-8.6.0-1.fc40.x86_64.rpm", A, rpm, "pkg:rpm/fedora/curl@8.6.0-1.fc40?arch=x86_64"),
		get("http://dl.fedoraproject.org/pub/fedora/linux/updates/40/Everything/x86_64/Packages/l/libcurl-minimal-8.6.0-10.fc40.x86_64.rpm", A, rpm,
			"pkg:rpm/fedora/libcurl-minimal@8.6.0-10.fc40?arch=x86_64"),
		get(fedora+"Packages/p/python3-pip-23.3.2-1.fc40.noarch.rpm", A, rpm, "pkg:rpm/fedora/python3-pip@23.3.2-1.fc40?arch=noarch"),
		get("https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/source/tree/Packages/c/curl-8.6.0-1.fc40.src.rpm", A, rpm,
			"pkg:rpm/fedora/curl@8.6.0-1.fc40?arch=src"),
		get("https://mirror.stream.centos.org/9-stream/BaseOS/x86_64/os/Packages/bash-5.1.8-9.el9.x86_64.rpm", A, rpm,
			"pkg:rpm/centos/bash@5.1.8-9.el9?arch=x86_64"),
		get("https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/Packages/b/bash-5.1.8-9.el9.x86_64.rpm", A, rpm,
			"pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64"),
		get("https://repo.almalinux.org/almalinux/9/BaseOS/x86_64/os/Packages/bash-5.1.8-9.el9.x86_64.rpm", A, rpm,
			"pkg:rpm/almalinux/bash@5.1.8-9.el9?arch=x86_64"),
		get("https://download.opensuse.org/tumbleweed/repo/oss/x86_64/curl-8.6.0-1.1.x86_64.rpm", A, rpm,
			"pkg:rpm/opensuse/curl@8.6.0-1.1?arch=x86_64"),
		get("https://al2023-repos-us-east-1-de612dc2.s3.dualstack.us-east-1.amazonaws.com/core/guids/abc/x86_64/../../../../blobstore/aa/curl-minimal-8.5.0-1.amzn2023.0.2.x86_64.rpm", A, rpm,
			"pkg:rpm/amzn/curl-minimal@8.5.0-1.amzn2023.0.2?arch=x86_64"),
		get("https://cdn-ubi.redhat.com/content/public/ubi/dist/ubi9/9/x86_64/baseos/os/Packages/b/bash-5.1.8-9.el9.x86_64.rpm", A, rpm,
			"pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64"),
		get(fedora+"Packages/v/vim-enhanced-9.1.031-1.fc40.x86_64.rpm", A, rpm, "pkg:rpm/fedora/vim-enhanced@9.1.031-1.fc40?arch=x86_64"),
		// Metadata.
		get(fedora+"repodata/repomd.xml", M, rpm, ""),
		get(fedora+"repodata/repomd.xml.asc", M, rpm, ""),
		get(fedora+"repodata/0123-primary.xml.zst", M, rpm, ""),
		get(fedora+"repodata/0123-filelists.xml.gz", M, rpm, ""),
		get("https://mirrors.fedoraproject.org/metalink?repo=fedora-40&arch=x86_64", M, rpm, ""),
		get("http://mirrorlist.centos.org/mirrorlist", M, rpm, ""),
		// Others.
		get(fedora, API, rpm, ""),
		get(fedora+"Packages/c/notanrpm.rpm", A, EcosystemGeneric,
			"pkg:generic/notanrpm.rpm?download_url=https:%2F%2Fdl.fedoraproject.org%2Fpub%2Ffedora%2Flinux%2Freleases%2F40%2FEverything%2Fx86_64%2Fos%2FPackages%2Fc%2Fnotanrpm.rpm"),
		none("https://example.amazonaws.com/x"),
	})
}

func TestRPMMirror(t *testing.T) {
	c, err := NewRPM("https://mirror.example.com/rocky/9/")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := c.Classify(Request{URL: "https://mirror.example.com/rocky/9/BaseOS/x86_64/os/Packages/b/bash-5.1.8-9.el9.x86_64.rpm"})
	if f.PURL != "pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64" {
		t.Errorf("%+v", f)
	}
	if got := RPMPURL("fedora", "shadow-utils", "2", "4.15.1", "2.fc40", "x86_64"); got != "pkg:rpm/fedora/shadow-utils@2:4.15.1-2.fc40?arch=x86_64" {
		t.Errorf("RPMPURL = %s", got)
	}
}

func FuzzRPM(f *testing.F) { fuzzClassifier(f, DefaultRPM()) }
