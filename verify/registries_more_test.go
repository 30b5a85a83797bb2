package verify

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func TestPubPackageDocument(t *testing.T) {
	a, _, _, _ := sums([]byte("http 1.2.0"))
	b, _, _, _ := sums([]byte("http 1.1.0"))
	doc := fmt.Sprintf(`{"name":"http","latest":{"version":"1.2.0","pubspec":{"name":"http"},"archive_url":"https://pub.dev/api/archives/http-1.2.0.tar.gz","archive_sha256":%q},
"versions":[{"version":"1.1.0","pubspec":{"environment":{"sdk":">=3.0.0"}},"archive_url":"https://pub.dev/api/archives/http-1.1.0.tar.gz","archive_sha256":%q,"published":"2023-01-01"},
{"version":"1.2.0","archive_url":"https://pub.dev/api/archives/http-1.2.0.tar.gz","archive_sha256":%q}]}`, a, b, a)
	got := inspect(t, "https://pub.dev/api/packages/http", "application/vnd.pub.v2+json", "", []byte(doc))
	want := []capture.Digest{
		{Subject: "https://pub.dev/api/archives/http-1.2.0.tar.gz", Algorithm: "purl", Value: "pkg:pub/http@1.2.0", Source: "declared"},
		{Subject: "https://pub.dev/api/archives/http-1.2.0.tar.gz", Algorithm: "sha256", Value: a, Source: "published"},
		{Subject: "https://pub.dev/api/archives/http-1.1.0.tar.gz", Algorithm: "purl", Value: "pkg:pub/http@1.1.0", Source: "declared"},
		{Subject: "https://pub.dev/api/archives/http-1.1.0.tar.gz", Algorithm: "sha256", Value: b, Source: "published"},
	}
	if digestSet(dedup(got)) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	// The archive, fetched from the storage bucket the URL redirects to,
	// is verified by it.
	body := []byte("http 1.2.0")
	const gcs = "https://storage.googleapis.com/pub-packages/packages/http-1.2.0.tar.gz"
	l := logOf(capture.Exchange{URL: "https://pub.dev/api/packages/http", Digests: got},
		capture.Exchange{URL: "https://pub.dev/api/archives/http-1.2.0.tar.gz", Status: 302, Location: gcs}, artifactExchange(gcs, body))
	a2 := Attribute(l, defaultClassifier())
	if f := a2.Classify(classify.Request{URL: gcs}); f.PURL != "pkg:pub/http@1.2.0" {
		t.Fatalf("%+v", f)
	}
	if v := collect(l, a2).Check("pkg:pub/http@1.2.0", a); v.Status != StatusVerified {
		t.Errorf("%+v", v)
	}
}

func dedup(ds []capture.Digest) []capture.Digest {
	var out []capture.Digest
	seen := map[capture.Digest]bool{}
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// hexPackageResource builds repo.hex.pm's /packages/NAME for releases.
func hexPackageResource(t *testing.T, name string, releases map[string][]byte) []byte {
	t.Helper()
	var pkg []byte
	for v, sum := range releases {
		var rel []byte
		rel = protowire.AppendTag(rel, 1, protowire.BytesType)
		rel = protowire.AppendString(rel, v)
		rel = protowire.AppendTag(rel, 2, protowire.BytesType)
		rel = protowire.AppendBytes(rel, []byte("inner checksum is over the contents"))
		rel = protowire.AppendTag(rel, 4, protowire.VarintType) // an unknown field is skipped
		rel = protowire.AppendVarint(rel, 1)
		rel = protowire.AppendTag(rel, 5, protowire.BytesType)
		rel = protowire.AppendBytes(rel, sum)
		pkg = protowire.AppendTag(pkg, 1, protowire.BytesType)
		pkg = protowire.AppendBytes(pkg, rel)
	}
	pkg = protowire.AppendTag(pkg, 2, protowire.BytesType)
	pkg = protowire.AppendString(pkg, name)
	var signed []byte
	signed = protowire.AppendTag(signed, 1, protowire.BytesType)
	signed = protowire.AppendBytes(signed, pkg)
	signed = protowire.AppendTag(signed, 2, protowire.BytesType)
	signed = protowire.AppendBytes(signed, []byte("signature"))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(signed)
	zw.Close()
	return buf.Bytes()
}

func TestHexPackage(t *testing.T) {
	tar := []byte("jason 1.4.1 tarball")
	s, _, _, _ := sums(tar)
	raw, _ := hex.DecodeString(s)
	doc := hexPackageResource(t, "jason", map[string][]byte{"1.4.1": raw, "1.4.0": []byte("short")})
	got := inspect(t, "https://repo.hex.pm/packages/jason", "application/octet-stream", "", doc)
	want := []capture.Digest{{Subject: "pkg:hex/jason@1.4.1", Algorithm: "sha256", Value: s, Source: "published"}}
	if digestSet(got) != digestSet(want) {
		t.Fatalf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	art := artifactExchange("https://repo.hex.pm/tarballs/jason-1.4.1.tar", tar)
	if v := collect(logOf(capture.Exchange{URL: "https://repo.hex.pm/packages/jason", Digests: got}, art), defaultClassifier()).Check("pkg:hex/jason@1.4.1", art.SHA256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "Hex registry outer_checksum" {
		t.Errorf("%+v", v)
	}
}

func TestCRANPackages(t *testing.T) {
	tarball := []byte("jsonlite 1.8.8")
	md5 := md5Hex(tarball)
	idx := "Package: A3\nVersion: 1.0.0\nDepends: R (>= 2.15.0), xtable,\n        pbapply\nMD5sum: 027ebdd8affce8f0effaecfcd5f5ade2\nNeedsCompilation: no\n\n" +
		"Package: jsonlite\nVersion: 1.8.8\nImports: methods\nMD5sum: " + strings.ToUpper(md5) + "\n\nPackage: broken\nVersion: 1\n"
	for name, body := range map[string][]byte{"PACKAGES": []byte(idx), "PACKAGES.gz": gzipped(t, []byte(idx))} {
		got := inspect(t, "https://cloud.r-project.org/src/contrib/"+name, "text/plain", "", body)
		want := []capture.Digest{
			{Subject: "https://cloud.r-project.org/src/contrib/A3_1.0.0.tar.gz", Algorithm: "md5", Value: "027ebdd8affce8f0effaecfcd5f5ade2", Source: "published"},
			{Subject: "https://cloud.r-project.org/src/contrib/jsonlite_1.8.8.tar.gz", Algorithm: "md5", Value: md5, Source: "published"},
		}
		if digestSet(got) != digestSet(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, digestSet(got), digestSet(want))
		}
	}
	// The tarball's MD5 is computed as it streams, and compared.
	u := "https://cloud.r-project.org/src/contrib/jsonlite_1.8.8.tar.gz"
	computed := inspect(t, u, "application/x-gzip", "", tarball)
	got := inspect(t, "https://cloud.r-project.org/src/contrib/PACKAGES", "text/plain", "", []byte(idx))
	art := artifactExchange(u, tarball, computed...)
	ev := collect(logOf(capture.Exchange{URL: "https://cloud.r-project.org/src/contrib/PACKAGES", Digests: got}, art), defaultClassifier())
	if v := ev.Check("pkg:cran/jsonlite@1.8.8", art.SHA256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "CRAN PACKAGES MD5sum" {
		t.Errorf("%+v", v)
	}
}

func TestPodspec(t *testing.T) {
	a, _, _, _ := sums([]byte("zip"))
	doc := `{"name":"Firebase","version":"10.22.0","source":{"http":"https://dl.google.com/firebase/ios/10.22.0/Firebase.zip","sha256":"` + a + `"},"platforms":{"ios":"11.0"}}`
	got := inspect(t, "https://cdn.cocoapods.org/Specs/0/3/5/Firebase/10.22.0/Firebase.podspec.json", "application/json", "", []byte(doc))
	want := []capture.Digest{
		{Subject: "https://dl.google.com/firebase/ios/10.22.0/Firebase.zip", Algorithm: "purl", Value: "pkg:cocoapods/Firebase@10.22.0", Source: "declared"},
		{Subject: "https://dl.google.com/firebase/ios/10.22.0/Firebase.zip", Algorithm: "sha256", Value: a, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	git := `{"name":"Alamofire","version":"5.9.0","source":{"git":"https://github.com/Alamofire/Alamofire.git","tag":"5.9.0"}}`
	x := &capture.Exchange{Method: "GET", URL: "https://cdn.cocoapods.org/Specs/d/a/2/Alamofire/5.9.0/Alamofire.podspec.json", Status: 200}
	in := NewInspectFunc(defaultClassifier(), Options{})(x)
	in.Write([]byte(git))
	if ds := in.Finish(true); len(ds) != 0 {
		t.Errorf("a git source declared %+v", ds)
	}
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
