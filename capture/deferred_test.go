package capture

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A packument's digests of versions the build never downloaded stay out
// of the log; those of the files it requested (on any host) come after
// the last exchange and are read back into the packument's exchange.
func TestDeferredDigestsKeepRequestedFiles(t *testing.T) {
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Start: time.Unix(0, 0).UTC()})
	if err != nil {
		t.Fatal(err)
	}
	spill, err := os.Create(filepath.Join(t.TempDir(), "spill"))
	if err != nil {
		t.Fatal(err)
	}
	defer spill.Close()
	lw.Defer(spill)
	tgz := func(v string) string { return "https://registry.npmjs.org/a/-/a-" + v + ".tgz" }
	packument := &Exchange{ID: 1, Method: "GET", URL: "https://registry.npmjs.org/a", Status: 200, Complete: true, Digests: []Digest{
		{Subject: tgz("1.0.0"), Algorithm: "sha512", Value: "11", Source: "published"},
		{Subject: tgz("2.0.0"), Algorithm: "sha512", Value: "22", Source: "published"},
		{Subject: tgz("2.0.0"), Algorithm: "sha1", Value: "2a", Source: "published"},
		{Subject: "https://registry.yarnpkg.com/a/-/a-3.0.0.tgz", Algorithm: "sha512", Value: "33", Source: "published"},
		{Subject: "pkg:npm/a@2.0.0", Algorithm: "license", Value: "MIT", Source: "fact"},
		{Subject: "https://registry.npmjs.org/a", Algorithm: "sha256", Value: "aa", Source: "computed"},
	}}
	for _, x := range []*Exchange{
		packument,
		{ID: 2, Method: "GET", URL: tgz("2.0.0"), Status: 200, Complete: true},
		// The same file from another host keeps its digest.
		{ID: 3, Method: "GET", URL: "https://mirror.example/npm/a/-/a-3.0.0.tgz", Status: 200, Complete: true},
	} {
		if err := lw.WriteExchange(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := lw.Close(Trailer{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 6 || !strings.Contains(lines[4], `"record":"digests","exchange":1`) || !strings.Contains(lines[5], `"record":"trailer"`) {
		t.Fatalf("log layout:\n%s", b.String())
	}
	if strings.Contains(b.String(), "a-1.0.0.tgz") {
		t.Errorf("the digest of a version never downloaded is in the log:\n%s", b.String())
	}
	if strings.Contains(lines[1], "a-2.0.0.tgz") {
		t.Errorf("the packument's line carries deferred digests: %s", lines[1])
	}
	l, err := ReadLog(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if l.Truncated() || len(l.Exchanges) != 3 {
		t.Fatalf("read back %+v", l)
	}
	var got []string
	for _, d := range l.Exchanges[0].Digests {
		got = append(got, d.Subject+" "+d.Algorithm+" "+d.Value)
	}
	want := []string{
		"pkg:npm/a@2.0.0 license MIT",
		"https://registry.npmjs.org/a sha256 aa",
		tgz("2.0.0") + " sha512 22",
		tgz("2.0.0") + " sha1 2a",
		"https://registry.yarnpkg.com/a/-/a-3.0.0.tgz sha512 33",
	}
	if !slices.Equal(got, want) {
		t.Errorf("packument digests read back:\n got %q\nwant %q", got, want)
	}
}

// Digests of an exchange the log does not hold are damage, not a crash.
func TestReadLogDigestsOfUnknownExchange(t *testing.T) {
	data := `{"record":"header","format":"depaudit.capture/v1"}` + "\n" +
		`{"record":"exchange","id":1,"url":"https://e.com/"}` + "\n" +
		`{"record":"digests","exchange":9,"digests":[{"subject":"https://e.com/x","alg":"sha256","value":"00"}]}` + "\n" +
		`{"record":"trailer","exchanges":1}` + "\n" +
		`{"record":"digests","exchange":1,"digests":[]}` + "\n"
	l, err := ReadLog(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if l.DamagedLines != 2 || !strings.Contains(l.Damage, "line 3: digests of exchange 9") || len(l.Exchanges[0].Digests) != 0 {
		t.Errorf("damage %d %q, digests %v", l.DamagedLines, l.Damage, l.Exchanges[0].Digests)
	}
}

// failingSpill takes ok writes, then cuts the next one short and fails
// every later one.
type failingSpill struct {
	*os.File
	ok int
}

func (f *failingSpill) Write(p []byte) (int, error) {
	if f.ok == 0 {
		n, _ := f.File.Write(p[:len(p)/2])
		f.ok = -1
		return n, errors.New("disk full")
	}
	if f.ok < 0 {
		return 0, errors.New("disk full")
	}
	f.ok--
	return f.File.Write(p)
}

// A spill that fails loses nothing: the digests of the exchange whose line
// it cut, and of every later one, stay in their exchange's line; those
// spilled before come back; the trailer is written.
func TestDeferredSpillFailureLosesNothing(t *testing.T) {
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Start: time.Unix(0, 0).UTC()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "spill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lw.Defer(&failingSpill{File: f, ok: 1})
	for i, name := range []string{"a", "b", "c"} {
		x := &Exchange{ID: int64(i + 1), Method: "GET", URL: "https://registry.npmjs.org/" + name, Status: 200, Complete: true,
			Digests: []Digest{{Subject: "https://registry.npmjs.org/" + name + "/-/" + name + "-1.0.0.tgz", Algorithm: "sha512", Value: name, Source: "published"}}}
		if err := lw.WriteExchange(x); err != nil {
			t.Fatal(err)
		}
		if err := lw.WriteExchange(&Exchange{ID: int64(10 + i), Method: "GET", URL: "https://registry.npmjs.org/" + name + "/-/" + name + "-1.0.0.tgz", Status: 200, Complete: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lw.Close(Trailer{}); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLog(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if l.Truncated() {
		t.Fatalf("log truncated: %q\n%s", l.Damage, b.String())
	}
	for _, x := range l.Exchanges {
		if x.ID < 10 && (len(x.Digests) != 1 || !strings.HasSuffix(x.Digests[0].Subject, x.URL[len(x.URL)-1:]+"-1.0.0.tgz")) {
			t.Errorf("exchange %d (%s): digests %v", x.ID, x.URL, x.Digests)
		}
	}
}
