package verify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func TestChecksumFiles(t *testing.T) {
	a, _, _, _ := sums([]byte("a"))
	b, s512, _, _ := sums([]byte("b"))
	for _, tc := range []struct {
		url, body string
		want      []capture.Digest
	}{
		{"https://nodejs.org/dist/v20.11.1/SHASUMS256.txt",
			a + "  node-v20.11.1-linux-x64.tar.xz\n" + strings.ToUpper(b) + " *node-v20.11.1-win-x64.zip\nnot a line\n",
			[]capture.Digest{
				{Subject: "https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz", Algorithm: "sha256", Value: a, Source: "published"},
				{Subject: "https://nodejs.org/dist/v20.11.1/node-v20.11.1-win-x64.zip", Algorithm: "sha256", Value: b, Source: "published"},
			}},
		{"https://nodejs.org/dist/v20.11.1/SHASUMS256.txt.asc",
			"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + a + "  node-v20.11.1.tar.gz\n-----BEGIN PGP SIGNATURE-----\nxyz\n",
			[]capture.Digest{{Subject: "https://nodejs.org/dist/v20.11.1/node-v20.11.1.tar.gz", Algorithm: "sha256", Value: a, Source: "published"}}},
		{"https://services.gradle.org/distributions/gradle-8.6-bin.zip.sha256", a,
			[]capture.Digest{{Subject: "https://services.gradle.org/distributions/gradle-8.6-bin.zip", Algorithm: "sha256", Value: a, Source: "published"}}},
		{"https://releases.hashicorp.com/terraform/1.7.0/terraform_1.7.0_SHA256SUMS", a + "  terraform_1.7.0_linux_amd64.zip\n",
			[]capture.Digest{{Subject: "https://releases.hashicorp.com/terraform/1.7.0/terraform_1.7.0_linux_amd64.zip", Algorithm: "sha256", Value: a, Source: "published"}}},
		{"https://downloads.example.test/x/1.0/SHA512SUMS", "SHA512 (x-1.0.tar.gz) = " + s512 + "\n",
			[]capture.Digest{{Subject: "https://downloads.example.test/x/1.0/x-1.0.tar.gz", Algorithm: "sha512", Value: s512, Source: "published"}}},
		{"https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_checksums.txt", b + "  gh_2.45.0_linux_amd64.tar.gz\n",
			[]capture.Digest{{Subject: "https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_linux_amd64.tar.gz", Algorithm: "sha256", Value: b, Source: "published"}}},
	} {
		got := inspect(t, tc.url, "text/plain", "", []byte(tc.body))
		if digestSet(got) != digestSet(tc.want) {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.url, digestSet(got), digestSet(tc.want))
		}
	}
}

// A GitHub release asset is fetched from the CDN its URL redirects to:
// the release's checksums.txt still vouches for it, through its purl.
func TestChecksumsGitHubRelease(t *testing.T) {
	body := []byte("gh tarball")
	s256, _, _, _ := sums(body)
	asset := "https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_linux_amd64.tar.gz"
	sumsURL := "https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_checksums.txt"
	ds := inspect(t, sumsURL, "text/plain", "", []byte(s256+"  gh_2.45.0_linux_amd64.tar.gz\n"))
	cdn := artifactExchange("https://objects.githubusercontent.com/github-production-release-asset/1/2", body)
	ev := collect(logOf(capture.Exchange{URL: sumsURL, Digests: ds}, cdn), defaultClassifier())
	purl := classify.Default().Classify(classify.Request{URL: asset}).PURL
	if v := ev.Check(purl, s256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "GitHub release gh_2.45.0_checksums.txt sha256" {
		t.Errorf("%+v", v)
	}
}

func TestRustManifest(t *testing.T) {
	a, _, _, _ := sums([]byte("a"))
	b, _, _, _ := sums([]byte("b"))
	doc := fmt.Sprintf(`manifest-version = "2"
date = "2024-02-08"
[pkg.rustc]
version = "1.76.0 (07dca489a 2024-02-04)"
[pkg.rustc.target.x86_64-unknown-linux-gnu]
available = true
url = "https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.gz"
hash = "%s"
xz_url = "https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz"
xz_hash = "%s"
[pkg.rustc.target.aarch64-apple-darwin]
available = false
hash = "%s"
[renames.rls]
to = "rls-preview"
`, a, b, a)
	got := inspect(t, "https://static.rust-lang.org/dist/channel-rust-stable.toml", "application/toml", "", []byte(doc))
	want := []capture.Digest{
		{Subject: "https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.gz", Algorithm: "sha256", Value: a, Source: "published"},
		{Subject: "https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz", Algorithm: "sha256", Value: b, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestAdoptiumAssets(t *testing.T) {
	a, _, _, _ := sums([]byte("jdk"))
	doc := `[{"binaries":[{"architecture":"x64","image_type":"jdk","os":"linux","package":{"checksum":"` + a + `",
"checksum_link":"https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz.sha256.txt",
"link":"https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz","name":"x","size":1},
"installer":{"checksum":"bad","link":"https://github.com/x/y/releases/download/1/i.msi"}}],"release_name":"jdk-21.0.2+13"}]`
	got := inspect(t, "https://api.adoptium.net/v3/assets/latest/21/hotspot?os=linux", "application/json", "", []byte(doc))
	want := []capture.Digest{{Subject: "https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz",
		Algorithm: "sha256", Value: a, Source: "published"}}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

// A release's checksums.txt fetched from the CDN its github.com URL
// redirects to is read as that URL's body (the inspector remembers the
// redirect), and the asset fetched the same way is known by both URLs.
func TestChecksumsThroughRedirects(t *testing.T) {
	body := []byte("cli tarball")
	s256, _, _, _ := sums(body)
	const (
		sumsURL  = "https://github.com/example/cli/releases/download/v2.0.0/checksums.txt"
		sumsCDN  = "https://objects.githubusercontent.com/github-production-release-asset-2e65be/2/0c5f"
		assetURL = "https://github.com/example/cli/releases/download/v2.0.0/cli_linux_amd64.tar.gz"
		assetCDN = "https://objects.githubusercontent.com/github-production-release-asset-2e65be/1/9a1e"
	)
	fn := NewInspectFunc(defaultClassifier(), Options{})
	redirect := &capture.Exchange{Method: "GET", URL: sumsURL, Status: 302, Location: sumsCDN}
	if in := fn(redirect); in != nil {
		t.Fatal("a redirect was given an inspector")
	}
	x := &capture.Exchange{Method: "GET", URL: sumsCDN, Status: 200}
	in := fn(x)
	if in == nil {
		t.Fatal("the CDN body of a checksums file was not inspected")
	}
	in.Write([]byte(s256 + "  cli_linux_amd64.tar.gz\n"))
	ds := in.Finish(true)
	if len(ds) != 1 || ds[0].Subject != assetURL {
		t.Fatalf("digests %+v", ds)
	}
	l := logOf(capture.Exchange{URL: sumsURL, Status: 302, Location: sumsCDN}, capture.Exchange{URL: sumsCDN, Digests: ds},
		capture.Exchange{URL: assetURL, Status: 302, Location: assetCDN}, artifactExchange(assetCDN, body))
	ev := collect(l, defaultClassifier())
	purl := classify.Default().Classify(classify.Request{URL: assetURL}).PURL
	if v := ev.Check(purl, s256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "GitHub release checksums.txt sha256" {
		t.Errorf("%+v", v)
	}
}
