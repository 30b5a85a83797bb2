package bomdiff

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseBOM checks that the diff's BOM reader never panics, accepts
// only CycloneDX 1.3 or newer, and that any BOM it accepts diffs as
// equivalent to itself and renders in every format.
func FuzzParseBOM(f *testing.F) {
	for _, glob := range []string{"testdata/diff/*/*.json", "testdata/diff/*/*.xml", "testdata/diff/bad/*"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bom, err := ParseBOM(data)
		if err != nil {
			if bytes.Contains([]byte(err.Error()), []byte("\n")) {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if bom.SpecVersion < MinDiffSpecVersion {
			t.Fatalf("accepted spec %s", bom.SpecVersion)
		}
		d := DiffBOMs(bom, bom)
		if !d.Equivalent() {
			t.Fatalf("a BOM differs from itself: %s", d.Summary())
		}
		var buf bytes.Buffer
		if err := d.WriteText(&buf, true); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteMarkdown(&buf); err != nil {
			t.Fatal(err)
		}
	})
}
