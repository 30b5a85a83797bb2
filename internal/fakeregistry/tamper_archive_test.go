package fakeregistry

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"io"
	"net/http"
	"testing"
)

// tarEntries lists the names and contents of a .tar.gz, failing the test
// when it is not a valid one.
func tarEntries(t *testing.T, b []byte) (names []string, bodies [][]byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not a tar: %v", err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names, bodies = append(names, h.Name), append(bodies, body)
	}
	if _, err := io.ReadAll(zr); err != nil {
		t.Fatalf("gzip trailer: %v", err)
	}
	return names, bodies
}

func TestTamperArchives(t *testing.T) {
	s := startT(t, Options{})
	tgz := "https://" + HostNPM + "/hello-lib/-/hello-lib-1.2.0.tgz"
	jar := "https://" + HostMaven + "/maven2/org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar"
	tam, err := s.TamperArchives(tgz, jar)
	if err != nil {
		t.Fatal(err)
	}
	defer tam.Close()
	client := &http.Client{Transport: &http.Transport{DialContext: tam.DialContext, TLSClientConfig: &tls.Config{RootCAs: tam.RootCAs()}}}
	fetch := func(u string) []byte {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		return b
	}
	orig, ok := s.Manifest().Lookup(tgz)
	if !ok {
		t.Fatalf("%s is not in the manifest", tgz)
	}
	got := fetch(tgz)
	if bytes.Equal(got, orig.Body) {
		t.Fatal("the tarball was served unchanged")
	}
	wantNames, wantBodies := tarEntries(t, orig.Body)
	names, bodies := tarEntries(t, got)
	if len(names) != len(wantNames) {
		t.Fatalf("entries %q, want %q", names, wantNames)
	}
	changed := 0
	for i := range names {
		if names[i] != wantNames[i] {
			t.Errorf("entry %d: %s, want %s", i, names[i], wantNames[i])
		}
		if !bytes.Equal(bodies[i], wantBodies[i]) {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("%d entries changed, want 1", changed)
	}

	// Not a .tar.gz: altered as Tamper does.
	if j, ok := s.Manifest().Lookup(jar); !ok {
		t.Fatalf("%s is not in the manifest", jar)
	} else if b := fetch(jar); bytes.Equal(b, j.Body) {
		t.Error("the jar was served unchanged")
	}
	// Metadata keeps the original digests.
	if b := fetch("https://" + HostNPM + "/hello-lib"); !bytes.Contains(b, []byte(`"`+orig.SHA1+`"`)) {
		t.Errorf("the packument lost the original shasum %s", orig.SHA1)
	}
	if _, err := s.TamperArchives("https://" + HostNPM + "/no-such/-/no-such-1.0.0.tgz"); err == nil {
		t.Error("TamperArchives accepted a URL that is not a fixture")
	}
}
