package bomdiff

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

func TestDecodeDetectsFormat(t *testing.T) {
	const jsonBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"a"}]}`
	const xmlBOM = `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components><component type="library"><name>a</name></component></components></bom>`
	for _, tc := range []struct {
		name, in string
		spec     cdx.SpecVersion
	}{
		{"json", jsonBOM, cdx.SpecVersion1_6},
		{"json after space", " \r\n\t" + jsonBOM, cdx.SpecVersion1_6},
		{"json after byte order mark", "\xef\xbb\xbf\n" + jsonBOM, cdx.SpecVersion1_6},
		{"xml", xmlBOM, cdx.SpecVersion1_5},
		{"xml after space", "\n\n  " + xmlBOM, cdx.SpecVersion1_5},
		{"xml after much space", strings.Repeat(" ", 10000) + xmlBOM, cdx.SpecVersion1_5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bom, err := Decode(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if bom.SpecVersion != tc.spec || bom.Components == nil || (*bom.Components)[0].Name != "a" {
				t.Errorf("decoded %+v", bom)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		notBOM   bool
	}{
		{"empty", "", true},
		{"only space", "  \n ", true},
		{"text", "hello", true},
		{"json array", `[1,2]`, true},
		{"json not a BOM", `{"name":"x"}`, true},
		{"json without version", `{"bomFormat":"CycloneDX"}`, true},
		{"json bad version", `{"bomFormat":"CycloneDX","specVersion":"9.9"}`, false},
		{"json cut", `{"bomFormat":"CycloneDX",`, false},
		{"xml other root", `<project/>`, false},
		{"xml other namespace", `<bom xmlns="urn:example" version="1"/>`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.notBOM && !errors.Is(err, ErrNotBOM) {
				t.Errorf("error %v is not ErrNotBOM", err)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, and
// anything it accepts is a BOM of a known spec version.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"a","purl":"pkg:npm/a@1"}]}`))
	f.Add([]byte(`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components><component type="library"><name>a</name></component></components></bom>`))
	f.Add([]byte("\xef\xbb\xbf {"))
	f.Add([]byte(" <"))
	f.Fuzz(func(t *testing.T, data []byte) {
		bom, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		if bom == nil {
			t.Fatal("nil BOM without error")
		}
		if bom.SpecVersion < cdx.SpecVersion1_0 || bom.SpecVersion > cdx.SpecVersion1_7 {
			t.Fatalf("accepted a BOM of unknown spec version %d", bom.SpecVersion)
		}
	})
}
