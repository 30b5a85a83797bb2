package verify

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func tgz(t testing.TB, files map[string]string) []byte {
	var list [][2]string
	for _, name := range []string{"package/README.md", "package/lib/package.json", "package/package.json", "node/package.json"} {
		if body, ok := files[name]; ok {
			list = append(list, [2]string{name, body})
		}
	}
	return tgzFiles(t, list)
}

// tgzFiles is a gzip-compressed tar of the files (name, body), in order.
func tgzFiles(t testing.TB, files [][2]string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1]))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f[1]))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// TestNPMTarballFacts: the top directory's package.json gives the
// licence (string, old object, old array) and the run-time requirements
// (dependencies, optional ones, peers, optional peers too, which npm
// installs when present; not devDependencies); a nested package.json is
// not the package's.
func TestNPMTarballFacts(t *testing.T) {
	const url = "https://registry.npmjs.org/@acme/web/-/web-1.0.0.tgz"
	body := tgz(t, map[string]string{
		"package/README.md":        "# web",
		"package/lib/package.json": `{"license":"WTFPL","dependencies":{"nested":"1"}}`,
		"package/package.json": `{"name":"@acme/web","version":"1.0.0","license":{"type":"ISC"},"licenses":[{"type":"MIT"}],
			"dependencies":{"debug":"^4.1.0"},"optionalDependencies":{"fsevents":"~2.3"},
			"peerDependencies":{"react":">=18 <20","typescript":"*"},"peerDependenciesMeta":{"typescript":{"optional":true}},
			"devDependencies":{"jest":"29"}}`,
	})
	got := digestSet(inspect(t, url, "application/octet-stream", "", body))
	subject := "pkg:npm/%40acme/web@1.0.0"
	var want []capture.Digest
	want = append(want, capture.Digest{Subject: subject, Algorithm: FactManifest, Value: "package.json", Source: SourceFact})
	for _, l := range []string{"ISC", "MIT"} {
		want = append(want, capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	for _, r := range []string{"debug ^4.1.0", "fsevents ~2.3", "react >=18 <20", "typescript *"} {
		want = append(want, capture.Digest{Subject: subject, Algorithm: FactRequires, Value: r, Source: SourceFact})
	}
	if got != digestSet(want) {
		t.Errorf("facts:\n%s\nwant\n%s", got, digestSet(want))
	}
	// Another top directory name (some publishers') works; no manifest, no facts.
	if got := digestSet(inspect(t, url, "", "", tgz(t, map[string]string{"node/package.json": `{"license":"MIT"}`}))); !strings.Contains(got, "license MIT") {
		t.Errorf("top directory node/: %s", got)
	}
	if got := inspect(t, url, "", "", tgz(t, map[string]string{"package/README.md": "x"})); len(got) != 0 {
		t.Errorf("no package.json: %v", got)
	}
}

func FuzzNPMTarball(f *testing.F) {
	f.Add(tgz(f, map[string]string{"package/package.json": `{"license":"MIT","dependencies":{"a":"1"}}`}))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := planFor(defaultClassifier().Classify(classifyReq("https://registry.npmjs.org/a/-/a-1.0.0.tgz")), "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "")
		_ = parseNPMTarball(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Subject != "pkg:npm/a@1.0.0" || d.Source != SourceFact {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}
