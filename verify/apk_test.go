package verify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// TestAPK checks both halves: the index publishes the control segment's
// SHA-1, the package's inspector computes it (and the data segment's
// SHA-256 against the control segment's datahash); a package whose data
// segment was altered is a mismatch although its control segment is not.
func TestAPK(t *testing.T) {
	apk, q1, err := fakeregistry.APKPackage("curl", "8.5.0-r0", "")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(q1[2:])
	control := hex.EncodeToString(raw)
	u := fakeregistry.APKDir + "curl-8.5.0-r0.apk"
	got := inspect(t, u, "application/octet-stream", "", apk)
	var computed, datahash, dataSum string
	for _, d := range got {
		switch {
		case d.Algorithm == AlgAPKControl && d.Source == SourceComputed:
			computed = d.Value
		case d.Algorithm == AlgAPKData && d.Source == SourcePublished:
			datahash = d.Value
		case d.Algorithm == AlgAPKData && d.Source == SourceComputed:
			dataSum = d.Value
		}
	}
	if computed != control || datahash == "" || datahash != dataSum {
		t.Fatalf("computed control %s (index says %s), datahash %s, data %s", computed, control, datahash, dataSum)
	}

	index := []byte("C:" + q1 + "\nP:curl\nV:8.5.0-r0\nA:x86_64\n\nC:Q1bad\nP:bad\nV:1-r0\n\n")
	var digests []capture.Digest
	err = parseAPKIndexText(bytes.NewReader(index), mustURL(t, fakeregistry.APKDir), func(d capture.Digest) { digests = append(digests, d) })
	want := []capture.Digest{{Subject: u, Algorithm: AlgAPKControl, Value: control, Source: SourcePublished}}
	if err != nil || digestSet(digests) != digestSet(want) {
		t.Fatalf("index: %v\n%s\nwant\n%s", err, digestSet(digests), digestSet(want))
	}

	// The data segment altered, the control segment kept.
	tampered := append(append([]byte(nil), apk[:len(apk)-8]...), 0, 0, 0, 0, 0, 0, 0, 0)
	bad := inspect(t, u, "application/octet-stream", "", tampered)
	sum, _, _, _ := sums(tampered)
	l := &capture.Log{Exchanges: []capture.Exchange{
		{Method: "GET", URL: fakeregistry.APKDir + "APKINDEX.tar.gz", Status: 200, Complete: true, SHA256: debSumA, Digests: digests},
		{Method: "GET", URL: u, Status: 200, Complete: true, SHA256: sum, Digests: bad},
	}}
	v := collect(l, classify.Default()).Check("pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64", sum)
	if v.Status != StatusMismatch || len(v.Mismatches) != 1 || v.Mismatches[0].Algorithm != AlgAPKData {
		t.Errorf("tampered data segment: %+v", v)
	}
}

func FuzzAPKIndex(f *testing.F) {
	f.Add([]byte("C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1-r0\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = parseAPKIndexText(bytes.NewReader(data), mustURL(t, fakeregistry.APKDir), func(d capture.Digest) {
			if d.Algorithm != AlgAPKControl || len(d.Value) != 40 || d.Subject == "" {
				t.Fatalf("bad digest %+v", d)
			}
		})
	})
}

func FuzzAPKFile(f *testing.F) {
	apk, _, err := fakeregistry.APKPackage("a", "1-r0", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(apk)
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = apkControlSHA1(bytes.NewReader(data), "https://x.test/a-1-r0.apk", func(d capture.Digest) {
			if d.Algorithm == AlgAPKControl && len(d.Value) != 40 || d.Algorithm == AlgAPKData && len(d.Value) != 64 {
				t.Fatalf("bad digest %+v", d)
			}
		})
	})
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
