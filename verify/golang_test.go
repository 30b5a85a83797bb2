package verify

import (
	"os"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// The testdata are go.uber.org/goleak v1.3.0 as proxy.golang.org and
// sum.golang.org serve them.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/golang/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	goleakZipH1 = "h1:2K3zAYmnTNqV73imy9J1T3WC+gmCePx2hEGkimedGto="
	goleakModH1 = "h1:CoHD4mav9JJNrW/WLlf7HGZPjdw8EucARQHekz1X6bE="
)

func TestGoLookup(t *testing.T) {
	body := readTestdata(t, "goleak@v1.3.0.lookup")
	want := []capture.Digest{
		{Subject: "golang:go.uber.org/goleak@v1.3.0", Algorithm: "h1", Value: goleakZipH1, Source: "published"},
		{Subject: "golang:go.uber.org/goleak@v1.3.0/go.mod", Algorithm: "h1", Value: goleakModH1, Source: "published"},
	}
	for _, u := range []string{
		"https://sum.golang.org/lookup/go.uber.org/goleak@v1.3.0",
		"https://proxy.golang.org/sumdb/sum.golang.org/lookup/go.uber.org/goleak@v1.3.0",
	} {
		got := inspect(t, u, "text/plain; charset=utf-8", "", body)
		if digestSet(got) != digestSet(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", u, digestSet(got), digestSet(want))
		}
	}
}

func TestGoZipAndModH1(t *testing.T) {
	got := inspect(t, "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.zip", "application/zip", "", readTestdata(t, "v1.3.0.zip"))
	want := []capture.Digest{{Subject: "golang:go.uber.org/goleak@v1.3.0", Algorithm: "h1", Value: goleakZipH1, Source: "computed"}}
	if digestSet(got) != digestSet(want) {
		t.Errorf("zip: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	got = inspect(t, "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.mod", "text/plain; charset=utf-8", "", readTestdata(t, "v1.3.0.mod"))
	// Its h1, and its require lines as facts of the module.
	want = []capture.Digest{{Subject: "golang:go.uber.org/goleak@v1.3.0/go.mod", Algorithm: "h1", Value: goleakModH1, Source: "computed"}}
	for _, r := range []string{"github.com/davecgh/go-spew@v1.1.1", "github.com/kr/pretty@v0.1.0", "github.com/pmezard/go-difflib@v1.0.0",
		"github.com/stretchr/testify@v1.8.0", "gopkg.in/check.v1@v1.0.0-20180628173108-788fd7840127", "gopkg.in/yaml.v3@v3.0.1"} {
		want = append(want, capture.Digest{Subject: "golang:go.uber.org/goleak@v1.3.0", Algorithm: FactRequires, Value: r, Source: SourceFact})
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("mod: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestGoZipIncompleteOrTooLargeGetsNoH1(t *testing.T) {
	zip := readTestdata(t, "v1.3.0.zip")
	x := &capture.Exchange{Method: "GET", URL: "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.zip", Status: 200}
	dir := t.TempDir()
	in := NewInspectFunc(defaultClassifier(), Options{TempDir: dir})(x)
	in.Write(zip[:1000])
	if got := in.Finish(false); len(got) != 0 {
		t.Errorf("incomplete zip: %v", got)
	}
	in = NewInspectFunc(defaultClassifier(), Options{TempDir: dir, MaxZip: 1000})(x)
	in.Write(zip)
	if got := in.Finish(true); len(got) != 0 {
		t.Errorf("zip over MaxZip: %v", got)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spooled zips left behind: %v", left)
	}
}

// TestGoModWithoutZip: a go.mod fetched without its module's zip is
// checked against the checksum database's /go.mod line: verified when the
// bytes match, a mismatch when a tampered go.mod was served.
func TestGoModWithoutZip(t *testing.T) {
	lookupURL := "https://proxy.golang.org/sumdb/sum.golang.org/lookup/go.uber.org/goleak@v1.3.0"
	modURL := "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.mod"
	lookup := inspect(t, lookupURL, "text/plain; charset=utf-8", "", readTestdata(t, "goleak@v1.3.0.lookup"))
	mod := readTestdata(t, "v1.3.0.mod")
	for _, c := range []struct {
		body []byte
		want Status
	}{{mod, StatusVerified}, {append(append([]byte{}, mod...), "\nrequire evil.example/x v1.0.0\n"...), StatusMismatch}} {
		computed := inspect(t, modURL, "text/plain; charset=utf-8", "", c.body)
		l := logOf(capture.Exchange{URL: lookupURL, Digests: lookup}, artifactExchange(modURL, c.body, computed...))
		meta := collect(l, defaultClassifier()).Metadata()
		if len(meta) != 1 || meta[0].Status != c.want || meta[0].PURL != "go.uber.org/goleak@v1.3.0/go.mod" {
			t.Errorf("want %s: %+v", c.want, meta)
		}
	}
}
