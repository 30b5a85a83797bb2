package verify

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

const wheelMETADATA = "Metadata-Version: 2.1\nName: tiny-wheel\nVersion: 1.0.0\nLicense-Expression: MIT\nRequires-Dist: tiny-dep>=0.3\n\nA description.\n"

// wheelZip is a wheel holding a module, the METADATA and a RECORD, each
// written as mode says: "stream" as Go's zip.Writer writes (deflated, sizes
// in a data descriptor after the data), "sized" with the sizes in the local
// headers (deflated, as Python's zipfile writes a wheel to a file), "stored"
// uncompressed with the sizes.
func wheelZip(t testing.TB, mode string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []struct{ name, body string }{
		{"tiny_wheel/__init__.py", "# a module\n" + string(bytes.Repeat([]byte("x = 1\n"), 5000))},
		{"tiny_wheel-1.0.0.dist-info/METADATA", wheelMETADATA},
		{"tiny_wheel-1.0.0.dist-info/RECORD", "tiny_wheel/__init__.py,,\n"},
	} {
		if mode == "stream" {
			w, err := zw.Create(f.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(f.body))
			continue
		}
		h := &zip.FileHeader{Name: f.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(f.body)), UncompressedSize64: uint64(len(f.body))}
		data := []byte(f.body)
		if mode == "sized" {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.DefaultCompression)
			fw.Write(data)
			fw.Close()
			h.Method, data = zip.Deflate, c.Bytes()
		}
		h.CompressedSize64 = uint64(len(data))
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWheelMetadataFacts: the METADATA inside a wheel gives its licence and
// requirements, on any index and on files.pythonhosted.org (teed with the
// BLAKE2b its URL names), whichever way the zip was written.
func TestWheelMetadataFacts(t *testing.T) {
	subject := "pkg:pypi/tiny-wheel@1.0.0"
	want := digestSet([]capture.Digest{
		{Subject: subject, Algorithm: FactManifest, Value: "METADATA", Source: SourceFact},
		{Subject: subject, Algorithm: FactLicense, Value: "MIT", Source: SourceFact},
		{Subject: subject, Algorithm: FactRequires, Value: "tiny-dep>=0.3", Source: SourceFact},
	})
	for _, mode := range []string{"stream", "sized", "stored"} {
		whl := wheelZip(t, mode)
		got := digestSet(inspect(t, "https://pypi.corp.example/packages/tiny_wheel-1.0.0-py3-none-any.whl", "application/octet-stream", "", whl))
		if got != want {
			t.Errorf("%s wheel: facts\n%s\nwant\n%s", mode, got, want)
		}
	}
	// On files.pythonhosted.org the wheel is teed to its BLAKE2b as well.
	const hosted = "https://files.pythonhosted.org/packages/ab/cd/0123456789012345678901234567890123456789012345678901234567ef/tiny_wheel-1.0.0-py3-none-any.whl"
	got := inspect(t, hosted, "application/octet-stream", "", wheelZip(t, "sized"))
	facts, blake := 0, 0
	for _, d := range got {
		switch {
		case d.Source == SourceFact:
			facts++
		case d.Algorithm == AlgBLAKE2b && d.Source == SourceComputed:
			blake++
		}
	}
	if facts != 3 || blake != 1 {
		t.Errorf("files.pythonhosted.org wheel: %d facts and %d BLAKE2b digests, want 3 and 1: %v", facts, blake, got)
	}
	// Without METADATA, or cut before it: no facts, no failure.
	whl := wheelZip(t, "sized")
	if got := inspect(t, "https://pypi.corp.example/packages/tiny_wheel-1.0.0-py3-none-any.whl", "application/octet-stream", "", whl[:200]); len(got) != 0 {
		t.Errorf("facts of a cut wheel: %v", got)
	}
}

func FuzzWheel(f *testing.F) {
	f.Add(wheelZip(f, "stream"))
	f.Add(wheelZip(f, "sized"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const u = "https://pypi.corp.example/packages/tiny_wheel-1.0.0-py3-none-any.whl"
		p := planFor(defaultClassifier().Classify(classifyReq(u)), u, "")
		_ = parseWheel(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Subject != "pkg:pypi/tiny-wheel@1.0.0" || d.Source != SourceFact {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}

// TestSdistPKGINFOFacts: an sdist's PKG-INFO gives its licence, and its
// requirements only when they are to be trusted (Metadata-Version 2.2 and
// not Dynamic); otherwise they stay unknown, not none.
func TestSdistPKGINFOFacts(t *testing.T) {
	const u = "https://pypi.corp.example/packages/source/t/tiny_wheel/tiny_wheel-1.0.0.tar.gz"
	subject := "pkg:pypi/tiny-wheel@1.0.0"
	for _, tc := range []struct {
		name, pkginfo string
		manifest      string
		requires      bool
	}{
		{"2.2", "Metadata-Version: 2.2\nName: tiny-wheel\nVersion: 1.0.0\nLicense: MIT\nRequires-Dist: tiny-dep>=0.3\n", pypiManifestPKGINFO, true},
		{"2.1", "Metadata-Version: 2.1\nName: tiny-wheel\nVersion: 1.0.0\nLicense: MIT\nRequires-Dist: tiny-dep>=0.3\n", pypiManifestPKGINFODynamic, false},
		{"2.4 dynamic", "Metadata-Version: 2.4\nName: tiny-wheel\nVersion: 1.0.0\nLicense-Expression: MIT\nDynamic: Requires-Dist\nRequires-Dist: tiny-dep>=0.3\n", pypiManifestPKGINFODynamic, false},
	} {
		sdist := tgzFiles(t, [][2]string{{"tiny_wheel-1.0.0/setup.py", "print()\n"}, {"tiny_wheel-1.0.0/PKG-INFO", tc.pkginfo}})
		want := []capture.Digest{
			{Subject: subject, Algorithm: FactManifest, Value: tc.manifest, Source: SourceFact},
			{Subject: subject, Algorithm: FactLicense, Value: "MIT", Source: SourceFact},
		}
		if tc.requires {
			want = append(want, capture.Digest{Subject: subject, Algorithm: FactRequires, Value: "tiny-dep>=0.3", Source: SourceFact})
		}
		digests := inspect(t, u, "application/gzip", "", sdist)
		if got := digestSet(digests); got != digestSet(want) {
			t.Errorf("%s: facts\n%s\nwant\n%s", tc.name, got, digestSet(want))
		}
		ev := collect(logOf(capture.Exchange{URL: u, Status: 200, Complete: true, Digests: digests}), defaultClassifier())
		if _, known := ev.Requires(subject); known != tc.requires {
			t.Errorf("%s: requirements known %v, want %v", tc.name, known, tc.requires)
		}
		if _, src := ev.Licenses(subject); src != "pypi sdist PKG-INFO" {
			t.Errorf("%s: licence source %q", tc.name, src)
		}
	}
}

func FuzzSdist(f *testing.F) {
	f.Add(tgzFiles(f, [][2]string{{"a-1.0/PKG-INFO", "Metadata-Version: 2.2\nName: a\nLicense: MIT\nRequires-Dist: b\n"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		const u = "https://pypi.corp.example/packages/source/a/a/a-1.0.tar.gz"
		p := planFor(defaultClassifier().Classify(classifyReq(u)), u, "")
		_ = parseSdist(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Subject != "pkg:pypi/a@1.0" || d.Source != SourceFact {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}
