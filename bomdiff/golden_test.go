package bomdiff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateDiff = flag.Bool("update-diff", false, "rewrite the diff golden files in testdata/diff")

// TestDiffGolden diffs each BOM pair in testdata/diff/<case>/ (old.cdx.json
// or .xml against new.cdx.*) and compares the text, JSON and markdown
// renderings with the files expected.txt, expected.json and expected.md.
func TestDiffGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "diff", "*"))
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, dir := range dirs {
		oldPath := firstMatch(filepath.Glob(filepath.Join(dir, "old.cdx.*")))
		newPath := firstMatch(filepath.Glob(filepath.Join(dir, "new.cdx.*")))
		if oldPath == "" || newPath == "" {
			continue
		}
		ran++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			old, err := ReadBOMFile(oldPath)
			if err != nil {
				t.Fatal(err)
			}
			new, err := ReadBOMFile(newPath)
			if err != nil {
				t.Fatal(err)
			}
			d := DiffBOMs(old, new)
			var text, js, md bytes.Buffer
			if err := d.WriteText(&text, false); err != nil {
				t.Fatal(err)
			}
			if err := d.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if err := d.WriteMarkdown(&md); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(js.Bytes()) {
				t.Fatalf("JSON output is not valid JSON:\n%s", js.String())
			}
			diffGolden(t, filepath.Join(dir, "expected.txt"), text.Bytes())
			diffGolden(t, filepath.Join(dir, "expected.json"), js.Bytes())
			diffGolden(t, filepath.Join(dir, "expected.md"), md.Bytes())
			// The same pair diffs the same way every time.
			again := DiffBOMs(old, new)
			var js2 bytes.Buffer
			if err := again.WriteJSON(&js2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js.Bytes(), js2.Bytes()) {
				t.Error("a second diff of the same BOMs differs")
			}
		})
	}
	if ran < 5 {
		t.Fatalf("only %d golden BOM pairs found", ran)
	}
}

func firstMatch(list []string, err error) string {
	if err != nil || len(list) == 0 {
		return ""
	}
	return list[0]
}

// diffGolden compares got with a golden file, or rewrites the file with
// -update-diff.
func diffGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *updateDiff {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bomdiff -run TestDiffGolden -update-diff to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
