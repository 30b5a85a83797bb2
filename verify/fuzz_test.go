package verify

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// fuzzParse runs one metadata parser over arbitrary input: it must not
// panic, and every digest it emits must be well-formed.
func fuzzParse(t *testing.T, kind bodyKind, rawURL string, data []byte) {
	u, _ := url.Parse(rawURL)
	p := plan{kind: kind, base: u, alg: AlgSHA1, subject: rawURL,
		f: classify.Default().Classify(classify.Request{URL: rawURL})}
	_ = parsers[kind](bytes.NewReader(data), p, func(d capture.Digest) {
		if d.Source == SourceDeclared {
			eco, isDecl := declaredEcosystem(d.Algorithm)
			if _, ok := declaredFinding(d.Value, eco); !ok || !isDecl || urlkey.Key(d.Subject) == "" {
				t.Fatalf("bad declaration %+v", d)
			}
			return
		}
		if d.Subject == "" || d.Source != SourcePublished {
			t.Fatalf("bad digest %+v", d)
		}
		if d.Algorithm == AlgH1 {
			if !validH1(d.Value) {
				t.Fatalf("bad h1 %+v", d)
			}
		} else if normalHex(d.Algorithm, d.Value) != d.Value {
			t.Fatalf("bad hex digest %+v", d)
		}
	})
}

func FuzzHelmIndex(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nentries:\n  nginx:\n  - apiVersion: v2\n    digest: " + strings.Repeat("ab", 32) +
		"\n    name: nginx\n    urls:\n    - https://charts.bitnami.com/bitnami/nginx-15.4.4.tgz\n    version: 15.4.4\ngenerated: x\n"))
	f.Add([]byte("entries:\n    a:\n      - name: 'a'\n        version: \"1.0.0\"\n        urls: [a-1.0.0.tgz, \"b/a-1.0.0.tgz\"]\n        digest: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyHelmIndex, "https://charts.bitnami.com/bitnami/index.yaml", data)
	})
}

func FuzzNPM(f *testing.F) {
	f.Add([]byte(`{"name":"a","versions":{"1.0.0":{"dist":{"integrity":"sha512-AAAA","shasum":"0123456789abcdef0123456789abcdef01234567","tarball":"/a/-/a-1.0.0.tgz"}}}}`))
	f.Add([]byte(`{"name":"a","version":"1.0.0","dist":{"integrity":"sha1-ASNFZ4mrze8BI0VniavN7wEjRWc= sha512-x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyNPM, "https://registry.npmjs.org/a", data) })
}

func FuzzPyPIHTML(f *testing.F) {
	f.Add([]byte(`<base href="https://x.test/"><a href="f-1.whl#sha256=` + "00000000000000000000000000000000000000000000000000000000000000ff" + `">f</a>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyPyPIHTML, "https://pypi.org/simple/f/", data) })
}

func FuzzPyPIJSON(f *testing.F) {
	f.Add([]byte(`{"files":[{"url":"../f-1.whl","hashes":{"sha256":"00000000000000000000000000000000000000000000000000000000000000ff"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyPyPIJSON, "https://pypi.org/simple/f/", data) })
}

func FuzzGoLookup(f *testing.F) {
	f.Add([]byte("1\nm v1.0.0 h1:2K3zAYmnTNqV73imy9J1T3WC+gmCePx2hEGkimedGto=\nm v1.0.0/go.mod h1:x\n\nnote"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyGoLookup, "https://sum.golang.org/lookup/m@v1.0.0", data)
	})
}

func FuzzCargoIndex(f *testing.F) {
	f.Add([]byte(`{"name":"a","vers":"1.0.0","cksum":"00000000000000000000000000000000000000000000000000000000000000ff"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyCargoIndex, "https://index.crates.io/1/a", data) })
}

func FuzzMavenSidecar(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef01234567  a-1.jar\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyMavenSidecar, "https://repo1.maven.org/maven2/g/a/1/a-1.jar.sha1", data)
	})
}

func FuzzGemInfo(f *testing.F) {
	f.Add([]byte("---\n1.0.0 dep:>= 0|checksum:00000000000000000000000000000000000000000000000000000000000000ff,ruby:>= 2.7\n" +
		"1.0.0-x86_64-linux |checksum:00000000000000000000000000000000000000000000000000000000000000ff\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyGemInfo, "https://index.rubygems.org/info/a", data) })
}

func FuzzComposer(f *testing.F) {
	f.Add([]byte(`{"packages":{"a/b":[{"version":"1.0.0","dist":{"url":"https://api.github.com/repos/a/b/zipball/0123","shasum":"0123456789abcdef0123456789abcdef01234567"}},{"version":"0.9.0"},{"version":"0.8.0","dist":"__unset"}]},"minified":"composer/2.0"}`))
	f.Add([]byte(`{"packages":{"a/b":{"1.0.0":{"version":"1.0.0","dist":{"url":"dist/a-b-1.0.0.zip"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyComposer, "https://repo.packagist.org/p2/a/b.json", data)
	})
}

func FuzzNuGet(f *testing.F) {
	f.Add([]byte(`{"items":[{"items":[{"catalogEntry":{"id":"A","version":"1.0.0","packageHash":"AAAA"},"packageContent":"https://api.nuget.org/v3-flatcontainer/a/1.0.0/a.1.0.0.nupkg"}]}]}`))
	f.Add([]byte(`{"id":"A","version":"1.0.0","packageHash":"z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==","packageHashAlgorithm":"SHA512"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyNuGet, "https://api.nuget.org/v3/registration5-gz-semver2/a/index.json", data)
	})
}

func FuzzCondaRepodata(f *testing.F) {
	f.Add([]byte(`{"info":{"subdir":"noarch","base_url":"../x"},"packages":{"a-1-0.tar.bz2":{"sha256":"00000000000000000000000000000000000000000000000000000000000000ff"}},"packages.conda":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyCondaRepodata, "https://conda.anaconda.org/c/noarch/repodata.json", data)
	})
}

func FuzzChecksums(f *testing.F) {
	f.Add([]byte("00000000000000000000000000000000000000000000000000000000000000ff  a-1.tar.gz\nSHA256 (b) = 00000000000000000000000000000000000000000000000000000000000000ff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyChecksums, "https://example.test/x/SHA256SUMS", data)
	})
}

func FuzzRustManifest(f *testing.F) {
	f.Add([]byte("[pkg.a.target.x]\nurl = \"https://static.rust-lang.org/dist/a.tar.gz\"\nhash = \"00000000000000000000000000000000000000000000000000000000000000ff\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyRustManifest, "https://static.rust-lang.org/dist/channel-rust-stable.toml", data)
	})
}

func FuzzAdoptium(f *testing.F) {
	f.Add([]byte(`[{"binaries":[{"package":{"checksum":"00000000000000000000000000000000000000000000000000000000000000ff","link":"https://github.com/a/b/releases/download/t/f.tar.gz"}}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyAdoptium, "https://api.adoptium.net/v3/assets/latest/21/hotspot", data)
	})
}

func FuzzPub(f *testing.F) {
	f.Add([]byte(`{"name":"a","versions":[{"version":"1.0.0","archive_url":"https://pub.dev/api/archives/a-1.0.0.tar.gz","archive_sha256":"00000000000000000000000000000000000000000000000000000000000000ff"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyPub, "https://pub.dev/api/packages/a", data) })
}

func FuzzHexPackage(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, bodyHexPackage, "https://repo.hex.pm/packages/a", data) })
}

func FuzzCRANPackages(f *testing.F) {
	f.Add([]byte("Package: a\nVersion: 1.0\nMD5sum: 027ebdd8affce8f0effaecfcd5f5ade2\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyCRANPackages, "https://cloud.r-project.org/src/contrib/PACKAGES", data)
	})
}

func FuzzPodspec(f *testing.F) {
	f.Add([]byte(`{"name":"A","version":"1.0","source":{"http":"https://x.test/a.zip","sha256":"00000000000000000000000000000000000000000000000000000000000000ff"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, bodyPodspec, "https://cdn.cocoapods.org/Specs/0/0/0/A/1.0/A.podspec.json", data)
	})
}
