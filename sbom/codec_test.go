package sbom

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TestDecodeRoundTrip encodes the build's BOM in every supported format and
// version and checks that cyclonedx-go (through Decode) reads back the same
// components and services.
func TestDecodeRoundTrip(t *testing.T) {
	res := assembleBuild(t, fixedOptions())
	for _, tc := range []struct {
		format Format
		spec   cdx.SpecVersion
	}{
		{FormatJSON, cdx.SpecVersion1_6},
		{FormatJSON, cdx.SpecVersion1_5},
		{FormatXML, cdx.SpecVersion1_6},
	} {
		t.Run(string(tc.format)+"-"+tc.spec.String(), func(t *testing.T) {
			data := encodeValid(t, res.BOM, tc.format, tc.spec)
			for _, f := range []Format{tc.format, FormatAuto} {
				got, err := Decode(bytes.NewReader(data), f)
				if err != nil {
					t.Fatalf("Decode(%q): %v", f, err)
				}
				if got.SpecVersion != tc.spec {
					t.Errorf("spec version %s, want %s", got.SpecVersion, tc.spec)
				}
				if got.SerialNumber != res.BOM.SerialNumber {
					t.Errorf("serial number %q", got.SerialNumber)
				}
				if !reflect.DeepEqual(got.Components, res.BOM.Components) {
					t.Errorf("components differ after the round trip:\n got  %+v\n want %+v", *got.Components, *res.BOM.Components)
				}
				if !reflect.DeepEqual(normalizeServices(got.Services), normalizeServices(res.BOM.Services)) {
					t.Errorf("services differ after the round trip:\n got  %+v\n want %+v", *got.Services, *res.BOM.Services)
				}
				if !reflect.DeepEqual(got.Metadata.Component, res.BOM.Metadata.Component) || !reflect.DeepEqual(got.Metadata.Properties, res.BOM.Metadata.Properties) {
					t.Errorf("metadata differs after the round trip: %+v", got.Metadata)
				}
			}
		})
	}
}

// normalizeServices drops an explicit authenticated=false, which encoding
// leaves out.
func normalizeServices(svcs *[]cdx.Service) []cdx.Service {
	if svcs == nil {
		return nil
	}
	out := make([]cdx.Service, len(*svcs))
	for i, s := range *svcs {
		if s.Authenticated != nil && !*s.Authenticated {
			s.Authenticated = nil
		}
		out[i] = s
	}
	return out
}

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
			bom, err := Decode(strings.NewReader(tc.in), FormatAuto)
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
		format   Format
		notBOM   bool
	}{
		{"empty", "", FormatAuto, true},
		{"only space", "  \n ", FormatAuto, true},
		{"text", "hello", FormatAuto, true},
		{"json array", `[1,2]`, FormatAuto, true},
		{"json not a BOM", `{"name":"x"}`, FormatAuto, true},
		{"json without version", `{"bomFormat":"CycloneDX"}`, FormatAuto, true},
		{"json bad version", `{"bomFormat":"CycloneDX","specVersion":"9.9"}`, FormatAuto, false},
		{"json cut", `{"bomFormat":"CycloneDX",`, FormatJSON, false},
		{"xml other root", `<project/>`, FormatAuto, false},
		{"xml other namespace", `<bom xmlns="urn:example" version="1"/>`, FormatAuto, true},
		{"xml as json", `<bom/>`, FormatJSON, false},
		{"unknown format", `{}`, Format("yaml"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in), tc.format)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.notBOM && !errors.Is(err, ErrNotBOM) {
				t.Errorf("error %v is not ErrNotBOM", err)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	for in, want := range map[string]Format{"json": FormatJSON, "xml": FormatXML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "JSON", "yaml", "auto"} {
		if _, err := ParseFormat(bad); err == nil {
			t.Errorf("ParseFormat(%q) accepted", bad)
		}
	}
	for in, want := range map[string]cdx.SpecVersion{"1.6": cdx.SpecVersion1_6, "1.5": cdx.SpecVersion1_5} {
		if got, err := ParseSpecVersion(in); err != nil || got != want {
			t.Errorf("ParseSpecVersion(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1.7", "1.4", "16"} {
		if _, err := ParseSpecVersion(bad); err == nil {
			t.Errorf("ParseSpecVersion(%q) accepted", bad)
		}
	}
	if err := Encode(&bytes.Buffer{}, cdx.NewBOM(), FormatAuto, cdx.SpecVersion1_6); err == nil {
		t.Error("Encode accepted FormatAuto")
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
		bom, err := Decode(bytes.NewReader(data), FormatAuto)
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
