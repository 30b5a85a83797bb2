package dtrack_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/dtrack"
)

func TestDetectBOM(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     dtrack.BOMInfo
		err      string
	}{
		{"json 1.6", `{"bomFormat":"CycloneDX","specVersion":"1.6"}`, dtrack.BOMInfo{Format: dtrack.FormatJSON, SpecVersion: "1.6"}, ""},
		{"json with byte-order mark", "\xef\xbb\xbf\n {\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\"}", dtrack.BOMInfo{Format: dtrack.FormatJSON, SpecVersion: "1.2"}, ""},
		{"xml 1.0", `<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.0"/>`, dtrack.BOMInfo{Format: dtrack.FormatXML, SpecVersion: "1.0"}, ""},
		{"json 1.1", `{"bomFormat":"CycloneDX","specVersion":"1.1"}`, dtrack.BOMInfo{}, "from spec version 1.2"},
		{"json 9.9", `{"bomFormat":"CycloneDX","specVersion":"9.9"}`, dtrack.BOMInfo{}, "unknown specVersion"},
		{"json no spec", `{"bomFormat":"CycloneDX"}`, dtrack.BOMInfo{}, "specVersion"},
		{"json other", `{"hello":"world"}`, dtrack.BOMInfo{}, `"bomFormat" is missing`},
		{"spdx", `{"SPDXID":"SPDXRef-DOCUMENT"}`, dtrack.BOMInfo{}, "SPDX"},
		{"broken json", `{"bomFormat":"CycloneDX",`, dtrack.BOMInfo{}, "invalid JSON"},
		{"xml other root", `<project xmlns="urn:x"/>`, dtrack.BOMInfo{}, "root element"},
		{"xml other version", `<bom xmlns="http://cyclonedx.org/schema/bom/3.0"/>`, dtrack.BOMInfo{}, "unknown spec version"},
		{"broken xml", `<bom`, dtrack.BOMInfo{}, "invalid XML"},
		{"empty", "  \n", dtrack.BOMInfo{}, "empty"},
		{"text", "hello", dtrack.BOMInfo{}, "neither JSON nor XML"},
	} {
		got, err := dtrack.DetectBOM([]byte(tc.in))
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.err)
		}
	}
}

func FuzzDetectBOM(f *testing.F) {
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6"}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>`,
		`{"SPDXID":"x"}`, "", "\xef\xbb\xbf<", "{",
		`<!DOCTYPE bom [<!ENTITY x "y">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6">&x;</bom>`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><a><a></a></a></bom>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := dtrack.DetectBOM(data)
		if err == nil && info.Format != dtrack.FormatJSON && info.Format != dtrack.FormatXML {
			t.Fatalf("accepted with format %q", info.Format)
		}
		if err == nil && info.SpecVersion == "" {
			t.Fatal("accepted without a spec version")
		}
		if err == nil && info.Format == dtrack.FormatXML && bytes.Contains(bytes.ToUpper(data), []byte("<!DOCTYPE")) {
			if _, xerr := xmlTokens(data); xerr == nil {
				t.Fatalf("accepted XML with a DOCTYPE: %q", data)
			}
		}
	})
}

// xmlTokens counts the tokens of data, failing where Go's decoder does;
// a DOCTYPE inside a comment or CDATA is not one.
func xmlTokens(data []byte) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n, errors.New("no DOCTYPE directive")
		}
		if err != nil {
			return n, err
		}
		if dir, ok := tok.(xml.Directive); ok && bytes.HasPrefix(bytes.ToUpper(bytes.TrimSpace(dir)), []byte("DOCTYPE")) {
			return n, nil
		}
		n++
	}
}

func TestDetectBOMRefusesHostileXML(t *testing.T) {
	const ns = `http://cyclonedx.org/schema/bom/1.6`
	for _, doc := range []string{
		`<!DOCTYPE bom [<!ENTITY x "y">]><bom xmlns="` + ns + `">&x;</bom>`,
		`<?xml version="1.0"?><!doctype bom SYSTEM "http://evil.example/x.dtd"><bom xmlns="` + ns + `"/>`,
		`<bom xmlns="` + ns + `">` + strings.Repeat("<c>", 600) + strings.Repeat("</c>", 600) + `</bom>`,
		`<bom xmlns="` + ns + `">&undefined;</bom>`,
		`<bom xmlns="` + ns + `"><a></bom>`,
	} {
		if info, err := dtrack.DetectBOM([]byte(doc)); err == nil {
			t.Errorf("DetectBOM(%.80q) = %v, accepted", doc, info)
		}
	}
	if _, err := dtrack.DetectBOM([]byte(`<bom xmlns="` + ns + `">` + strings.Repeat("<c>", 100) + strings.Repeat("</c>", 100) + `</bom>`)); err != nil {
		t.Errorf("a BOM 100 deep: %v", err)
	}
}
