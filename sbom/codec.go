package sbom

import (
	"fmt"
	"io"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Format is a CycloneDX file format.
type Format string

// The formats Encode writes.
const (
	// FormatJSON is CycloneDX JSON, the default.
	FormatJSON Format = "json"
	// FormatXML is CycloneDX XML.
	FormatXML Format = "xml"
)

// ParseFormat parses a --format value: "json" or "xml".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatJSON, FormatXML:
		return Format(s), nil
	}
	return "", fmt.Errorf("unknown SBOM format %q (want json or xml)", s)
}

// DefaultSpecVersion is the CycloneDX version written unless asked
// otherwise; Dependency-Track v4 accepts it.
const DefaultSpecVersion = cdx.SpecVersion1_6

// ParseSpecVersion parses a --spec-version value: "1.6" or "1.5".
func ParseSpecVersion(s string) (cdx.SpecVersion, error) {
	switch s {
	case cdx.SpecVersion1_6.String():
		return cdx.SpecVersion1_6, nil
	case cdx.SpecVersion1_5.String():
		return cdx.SpecVersion1_5, nil
	}
	return 0, fmt.Errorf("unsupported CycloneDX spec version %q (want 1.6 or 1.5)", s)
}

// Encode writes bom to w, pretty-printed, as CycloneDX version spec in the
// given format. Fields that version lacks are dropped; bom is not modified.
func Encode(w io.Writer, bom *cdx.BOM, format Format, spec cdx.SpecVersion) error {
	var enc cdx.BOMEncoder
	switch format {
	case FormatJSON:
		enc = cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON).SetEscapeHTML(false)
	case FormatXML:
		enc = cdx.NewBOMEncoder(w, cdx.BOMFileFormatXML)
	default:
		return fmt.Errorf("encode SBOM: unknown format %q", format)
	}
	enc.SetPretty(true)
	var err error
	if bom.SpecVersion == spec {
		// EncodeVersion would first deep-copy the BOM through encoding/gob
		// (milliseconds even for an empty BOM); there is nothing to convert.
		err = enc.Encode(bom)
	} else {
		err = enc.EncodeVersion(bom, spec)
	}
	if err != nil {
		return fmt.Errorf("encode SBOM as CycloneDX %s %s: %w", spec, format, err)
	}
	if format == FormatXML {
		// The XML encoder ends without a newline; the JSON one ends with one.
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("encode SBOM: %w", err)
		}
	}
	return nil
}
