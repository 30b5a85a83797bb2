package bomdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func TestReadBOMFileFormats(t *testing.T) {
	tests := []struct {
		file       string
		spec       cdx.SpecVersion
		components int
	}{
		{"npm-bump/old.cdx.json", cdx.SpecVersion1_6, 9},
		{"other-generator/old.cdx.json", cdx.SpecVersion1_5, 5},
		{"xml/old.cdx.xml", cdx.SpecVersion1_4, 3},
		{"xml/new.cdx.xml", cdx.SpecVersion1_5, 3},
	}
	for _, tt := range tests {
		bom, err := ReadBOMFile(filepath.Join("testdata", "diff", tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if bom.SpecVersion != tt.spec {
			t.Errorf("%s: spec %s, want %s", tt.file, bom.SpecVersion, tt.spec)
		}
		if bom.Components == nil || len(*bom.Components) != tt.components {
			t.Errorf("%s: %v top-level components, want %d", tt.file, bom.Components, tt.components)
		}
	}
}

func TestReadBOMFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		file string
		want string // in the message, after the file name
	}{
		{"bad/truncated.cdx.json", "truncated JSON"},
		{"bad/truncated.cdx.xml", "truncated XML"},
		{"bad/spdx.json", "not a CycloneDX BOM: no bomFormat"},
		{"bad/spec-1.2.cdx.json", "CycloneDX 1.2 is not supported, need 1.3 or newer"},
		{"bad/spec-1.2.cdx.xml", "CycloneDX 1.2 is not supported, need 1.3 or newer"},
		{"bad/spec-9.9.cdx.json", `unsupported CycloneDX specVersion "\"9.9\""`},
		{"bad/pom.xml", "not a CycloneDX BOM: XML root element is <\"project\">"},
		{"bad/empty.cdx.json", "empty file"},
		{"bad/bom.yaml", "neither JSON nor XML"},
		{"bad/array.json", "not a CycloneDX BOM"},
		{"bad/components-object.cdx.json", "not a CycloneDX BOM: \"components\""},
		{"no/such/file.cdx.json", "no such file"},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", "diff", tt.file)
		_, err := ReadBOMFile(path)
		if err == nil {
			t.Errorf("%s: no error", tt.file)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: error %q, want %q after the file name", tt.file, msg, tt.want)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error spans lines: %q", tt.file, msg)
		}
	}
	if _, err := ReadBOMFile(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestParseBOMSkipsByteOrderMarkAndSpace(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "diff", "equivalent", "old.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	bom, err := ParseBOM(append([]byte("\xef\xbb\xbf \n\t"), data...))
	if err != nil {
		t.Fatal(err)
	}
	if bom.Components == nil || len(*bom.Components) != 4 {
		t.Fatalf("components = %v, want 4", bom.Components)
	}
}
