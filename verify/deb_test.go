package verify

import (
	"bytes"
	"compress/gzip"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

const (
	debSumA = "1111111111111111111111111111111111111111111111111111111111111111"
	debSumB = "2222222222222222222222222222222222222222222222222222222222222222"
)

// debPackagesText is a Packages index: a package with an epoch, one
// without, a stanza with a malformed digest, one with no file.
var debPackagesText = []byte(`Package: attr
Version: 1:2.4.47-2+b1
Architecture: amd64
Description: extended attributes
 A continuation line: SHA256: ` + debSumB + `
Filename: pool/main/a/attr/attr_2.4.47-2+b1_amd64.deb
Size: 10
SHA256: ` + debSumA + `

Package: hello
Version: 2.10-3
Architecture: amd64
Filename: pool/main/h/hello/hello_2.10-3_amd64.deb
SHA256: ` + debSumB + `

Package: broken
Version: 1.0
Filename: pool/main/b/broken/broken_1.0_amd64.deb
SHA256: nothex

Package: escape
Version: 1.0
Filename: ../../etc/passwd
SHA256: ` + debSumA + `
`)

func debCompressed(t *testing.T, kind string, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	switch kind {
	case "plain":
		return b
	case "gz":
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		w.Close()
	case "zst":
		w, err := zstd.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		w.Close()
	}
	return out.Bytes()
}

func TestDebPackages(t *testing.T) {
	want := []capture.Digest{
		{Subject: "http://deb.debian.org/debian/pool/main/a/attr/attr_2.4.47-2+b1_amd64.deb", Algorithm: "sha256", Value: debSumA, Source: "published"},
		{Subject: "http://deb.debian.org/debian/pool/main/a/attr/attr_2.4.47-2+b1_amd64.deb", Algorithm: FactDebVersion, Value: "1:2.4.47-2+b1", Source: "fact"},
		{Subject: "http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb", Algorithm: "sha256", Value: debSumB, Source: "published"},
	}
	for _, tc := range []struct{ kind, url string }{
		{"plain", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages"},
		{"gz", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.gz"},
		{"xz", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz"},
		{"zst", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.zst"},
		// By hash, the name says nothing of the compression.
		{"xz", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/" + debSumA},
	} {
		t.Run(tc.kind+" "+tc.url, func(t *testing.T) {
			got := inspect(t, tc.url, "application/octet-stream", "", debCompressed(t, tc.kind, debPackagesText))
			if digestSet(got) != digestSet(want) {
				t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
			}
		})
	}
}

// debInRelease is a clearsigned Release file.
var debInRelease = []byte(`-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

Origin: Debian
Suite: stable
Codename: bookworm
Acquire-By-Hash: yes
MD5Sum:
 0123456789abcdef0123456789abcdef 100 main/binary-amd64/Packages.xz
SHA256:
 ` + debSumA + `   1234 main/binary-amd64/Packages.xz
 ` + debSumB + `     56 main/i18n/Translation-en
 bad 1 main/x
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCgAdFiEE
-----END PGP SIGNATURE-----
`)

func TestDebRelease(t *testing.T) {
	got := inspect(t, "http://deb.debian.org/debian/dists/bookworm/InRelease", "text/plain", "", debInRelease)
	d := "http://deb.debian.org/debian/dists/bookworm/"
	want := []capture.Digest{
		{Subject: d, Algorithm: FactDebCodename, Value: "bookworm", Source: "fact"},
		{Subject: d + "main/binary-amd64/Packages.xz", Algorithm: "sha256", Value: debSumA, Source: "published"},
		{Subject: d + "main/binary-amd64/by-hash/SHA256/" + debSumA, Algorithm: "sha256", Value: debSumA, Source: "published"},
		{Subject: d + "main/i18n/Translation-en", Algorithm: "sha256", Value: debSumB, Source: "published"},
		{Subject: d + "main/i18n/by-hash/SHA256/" + debSumB, Algorithm: "sha256", Value: debSumB, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

// TestDebEvidence checks verdicts and refined purls over a log: the .deb
// listed with an epoch gets it back, both get the codename, a tampered
// index fetched by hash is a metadata mismatch.
func TestDebEvidence(t *testing.T) {
	base := "http://deb.debian.org/debian/"
	pkgs := debCompressed(t, "xz", debPackagesText)
	pkgSum, _, _, _ := sums(pkgs)
	attr := []byte("attr deb")
	attrSum, _, _, _ := sums(attr)
	text := bytes.ReplaceAll(debPackagesText, []byte(debSumA), []byte(attrSum))
	pkgs = debCompressed(t, "xz", text)
	pkgSum, _, _, _ = sums(pkgs)
	release := bytes.ReplaceAll(debInRelease, []byte(debSumA), []byte(pkgSum))
	relSum, _, _, _ := sums(release)
	byHash := base + "dists/bookworm/main/binary-amd64/by-hash/SHA256/" + pkgSum
	// apt percent-encodes the "+" the index's Filename has.
	attrURL := base + "pool/main/a/attr/attr_2.4.47-2%2bb1_amd64.deb"
	l := &capture.Log{}
	add := func(u string, body []byte, sum string) {
		ds := inspect(t, u, "application/octet-stream", "", body)
		l.Exchanges = append(l.Exchanges, capture.Exchange{Method: "GET", URL: u, Status: 200, Complete: true, SHA256: sum, Digests: ds})
	}
	add(base+"dists/bookworm/InRelease", release, relSum)
	add(byHash, pkgs, pkgSum)
	l.Exchanges = append(l.Exchanges, capture.Exchange{Method: "GET", URL: attrURL, Status: 200, Complete: true, SHA256: attrSum})
	ev := collect(l, classify.Default())
	f := ev.Refined(classify.Default()).Classify(classify.Request{URL: attrURL})
	const wantPURL = "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=bookworm"
	if f.PURL != wantPURL || f.Version != "1:2.4.47-2+b1" {
		t.Fatalf("refined %+v, want %s", f, wantPURL)
	}
	if v := ev.Check(f.PURL, attrSum); v.Status != StatusVerified || v.Sources[0] != "apt Packages index SHA256" {
		t.Errorf("attr: %+v", v)
	}
	meta := ev.Metadata()
	if len(meta) != 1 || meta[0].Status != StatusVerified || len(meta[0].Sources) != 2 {
		t.Errorf("metadata verdicts %+v, want the by-hash index verified by the Release file and its URL", meta)
	}

	// The same index served with other bytes under its by-hash URL.
	l.Exchanges[1].SHA256 = debSumB
	meta = collect(l, classify.Default()).Metadata()
	if len(meta) != 1 || meta[0].Status != StatusMismatch || len(meta[0].Mismatches) != 2 {
		t.Errorf("tampered index: %+v", meta)
	}
}

func TestDebIndexURLs(t *testing.T) {
	ev := collect(nil, classify.Default())
	for _, tc := range []struct {
		purl, url string
		want      []string
	}{
		{"pkg:deb/debian/hello@2.10-3?arch=amd64&distro=bookworm", "http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb",
			[]string{"http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz", "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.gz"}},
		{"pkg:deb/debian/data@1?arch=all&distro=bookworm-security", "http://deb.debian.org/debian-security/pool/updates/contrib/d/data/data_1_all.deb",
			[]string{"http://deb.debian.org/debian-security/dists/bookworm-security/contrib/binary-amd64/Packages.xz",
				"http://deb.debian.org/debian-security/dists/bookworm-security/contrib/binary-amd64/Packages.gz"}},
		{"pkg:deb/ubuntu/hello@2.10-3?arch=amd64", "http://archive.ubuntu.com/ubuntu/pool/main/h/hello/hello_2.10-3_amd64.deb", nil},
		{"pkg:npm/hello@1", "http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb", nil},
	} {
		got := ev.debIndexURLs(tc.purl, tc.url)
		if len(got) != len(tc.want) || (len(got) > 0 && (got[0] != tc.want[0] || got[1] != tc.want[1])) {
			t.Errorf("%s: %q, want %q", tc.purl, got, tc.want)
		}
	}
}

func FuzzDebPackages(f *testing.F) {
	f.Add(debPackagesText)
	f.Add([]byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2})
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFacts(t, bodyDebPackages, "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages", "deb.debian.org/debian/", data)
	})
}

func FuzzDebRelease(f *testing.F) {
	f.Add(debInRelease)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFacts(t, bodyDebRelease, "http://deb.debian.org/debian/dists/bookworm/InRelease", "deb.debian.org/debian/dists/bookworm/", data)
	})
}

// fuzzFacts runs a parser that emits digests and facts over arbitrary
// input: no panic, every digest well-formed, every record about a URL
// under prefix (host and path) and every fact non-empty.
func fuzzFacts(t *testing.T, kind bodyKind, rawURL, prefix string, data []byte) {
	u, _ := url.Parse(rawURL)
	p := plan{kind: kind, base: u, f: classify.Default().Classify(classify.Request{URL: rawURL})}
	_ = parsers[kind](bytes.NewReader(data), p, func(d capture.Digest) {
		su, err := url.Parse(d.Subject)
		if err != nil || !strings.HasPrefix(su.Host+su.Path, prefix) {
			t.Fatalf("subject outside the archive: %+v", d)
		}
		switch d.Source {
		case SourcePublished:
			if normalHex(d.Algorithm, d.Value) != d.Value {
				t.Fatalf("bad digest %+v", d)
			}
		case SourceFact:
			if d.Value == "" {
				t.Fatalf("empty fact %+v", d)
			}
		default:
			t.Fatalf("bad source %+v", d)
		}
	})
}
