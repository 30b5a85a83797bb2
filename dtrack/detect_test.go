package dtrack_test

import (
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
	})
}
