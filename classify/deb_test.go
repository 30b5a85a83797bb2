package classify

import "testing"

func TestDeb(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		deb       = EcosystemDeb
	)
	runRows(t, []row{
		get("http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb", A, deb, "pkg:deb/debian/hello@2.10-3?arch=amd64"),
		get("https://deb.debian.org/debian/pool/main/c/curl/curl_7.88.1-10%2Bdeb12u5_amd64.deb", A, deb,
			"pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64"),
		get("http://deb.debian.org/debian/pool/main/a/attr/libattr1_2.5.1-4_arm64.deb", A, deb, "pkg:deb/debian/libattr1@2.5.1-4?arch=arm64"),
		get("http://deb.debian.org/debian/pool/main/d/debian-archive-keyring/debian-archive-keyring_2023.3%2Bdeb12u1_all.deb", A, deb,
			"pkg:deb/debian/debian-archive-keyring@2023.3%2Bdeb12u1?arch=all"),
		// An epoch percent-encoded into the file name is kept.
		get("http://deb.debian.org/debian/pool/main/a/attr/attr_1%3a2.4.47-2_amd64.deb", A, deb, "pkg:deb/debian/attr@1:2.4.47-2?arch=amd64"),
		get("http://deb.debian.org/debian/pool/main/d/dpkg/dpkg_1.21.22.dsc", A, deb, "pkg:deb/debian/dpkg@1.21.22?arch=source"),
		get("http://deb.debian.org/debian/pool/main/h/hello/hello_2.10.orig.tar.gz", A, deb, "pkg:deb/debian/hello@2.10?arch=source"),
		get("http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3.debian.tar.xz", A, deb, "pkg:deb/debian/hello@2.10-3?arch=source"),
		get("http://deb.debian.org/debian/pool/main/d/debian-installer/cdebconf-udeb_0.270_amd64.udeb", A, deb,
			"pkg:deb/debian/cdebconf-udeb@0.270?arch=amd64"),
		get("http://deb.debian.org/debian-security/pool/updates/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb", A, deb,
			"pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64"),
		get("http://security.debian.org/debian-security/pool/updates/main/o/openssl/openssl_3.0.15-1~deb12u1_amd64.deb", A, deb,
			"pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64"),
		get("http://archive.ubuntu.com/ubuntu/pool/main/d/dpkg/dpkg_1.19.0.4_amd64.deb", A, deb, "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64"),
		get("http://security.ubuntu.com/ubuntu/pool/main/c/curl/curl_8.5.0-2ubuntu10.6_amd64.deb", A, deb,
			"pkg:deb/ubuntu/curl@8.5.0-2ubuntu10.6?arch=amd64"),
		get("http://ports.ubuntu.com/ubuntu-ports/pool/main/c/curl/curl_8.5.0-2ubuntu10.6_arm64.deb", A, deb,
			"pkg:deb/ubuntu/curl@8.5.0-2ubuntu10.6?arch=arm64"),
		// Metadata: everything under dists/.
		get("http://deb.debian.org/debian/dists/bookworm/InRelease", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/Release", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/Release.gpg", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/main/source/Sources.gz", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/main/i18n/Translation-en.bz2", M, deb, ""),
		get("http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/"+
			"a0c2e9dc2a2b0d0d0c5a3b8b18ef4f1e5e8d1a94b01b8b3a8d2b1d0c9f1e2d3c", M, deb, ""),
		get("http://deb.debian.org/debian-security/dists/bookworm-security/InRelease", M, deb, ""),
		get("https://archive.ubuntu.com/ubuntu/dists/noble-updates/main/binary-amd64/Packages.gz", M, deb, ""),
		// Other pages of a known archive.
		get("http://deb.debian.org/debian/", API, deb, ""),
		get("http://deb.debian.org/debian/README", API, deb, ""),
		{method: "POST", url: "http://deb.debian.org/debian/dists/bookworm/InRelease", kind: API, eco: deb},
		// Malformed pool files fall through to generic downloads.
		get("http://deb.debian.org/debian/pool/main/h/hello/hello-2.10.deb", A, EcosystemGeneric,
			"pkg:generic/hello@2.10?download_url=http:%2F%2Fdeb.debian.org%2Fdebian%2Fpool%2Fmain%2Fh%2Fhello%2Fhello-2.10.deb"),
		// Elsewhere on the host is not the archive.
		none("http://deb.debian.org/other/thing"),
	})
}

func TestDebMirror(t *testing.T) {
	c, err := NewDeb("https://mirror.example.com/debian/")
	if err != nil {
		t.Fatal(err)
	}
	set := Default().Prepend(c)
	f := set.Classify(Request{URL: "https://mirror.example.com/debian/pool/main/h/hello/hello_2.10-3_amd64.deb"})
	if f.Kind != KindArtifact || f.PURL != "pkg:deb/debian/hello@2.10-3?arch=amd64" {
		t.Errorf("mirror .deb: %+v", f)
	}
	if f := set.Classify(Request{URL: "https://mirror.example.com/debian/dists/bookworm/InRelease"}); f.Kind != KindMetadata {
		t.Errorf("mirror InRelease: %+v", f)
	}
	u, err := NewDeb("http://mirror.example.com/ubuntu")
	if err != nil {
		t.Fatal(err)
	}
	if f := u.classifyURL("http://mirror.example.com/ubuntu/pool/main/c/curl/curl_8.5.0-2ubuntu10.6_amd64.deb"); f.PURL != "pkg:deb/ubuntu/curl@8.5.0-2ubuntu10.6?arch=amd64" {
		t.Errorf("ubuntu mirror: %+v", f)
	}
	if _, err := NewDeb("ftp://mirror.example.com/debian"); err == nil {
		t.Error("ftp base accepted")
	}
}

func (c *Deb) classifyURL(u string) Finding {
	f, _ := c.Classify(Request{URL: u})
	return f
}

func TestDebPURL(t *testing.T) {
	for _, tc := range []struct{ vendor, name, version, arch, distro, want string }{
		{"debian", "attr", "1:2.4.47-2+b1", "amd64", "", "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64"},
		{"debian", "curl", "7.50.3-1", "i386", "jessie", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"},
	} {
		if got := DebPURL(tc.vendor, tc.name, tc.version, tc.arch, tc.distro); got != tc.want {
			t.Errorf("DebPURL = %q, want %q", got, tc.want)
		}
	}
}

func FuzzDeb(f *testing.F) { fuzzClassifier(f, DefaultDeb()) }
