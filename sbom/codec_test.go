package sbom

import (
	"bytes"
	"reflect"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/bomdiff"
)

// TestDecodeRoundTrip encodes the build's BOM in every supported format and
// version and checks that cyclonedx-go (through bomdiff.Decode) reads back the same
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
			{
				got, err := bomdiff.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("Decode: %v", err)
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
	if err := Encode(&bytes.Buffer{}, cdx.NewBOM(), Format(""), cdx.SpecVersion1_6); err == nil {
		t.Error("Encode accepted an empty format")
	}
}
