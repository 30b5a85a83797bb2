package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Format is a CycloneDX file format.
type Format string

// The formats Encode writes and Decode reads.
const (
	// FormatAuto lets Decode tell JSON from XML by the first
	// non-space byte; Encode does not accept it.
	FormatAuto Format = ""
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

// ErrNotBOM is wrapped by the errors of Decode, ParseBOM and ReadBOMFile
// for input that is not a CycloneDX BOM.
var ErrNotBOM = errors.New("not a CycloneDX BOM")

// Decode reads a CycloneDX BOM (any spec version cyclonedx-go knows) in
// the given format; with FormatAuto it tells JSON from XML by the first
// byte that is not white space (or a UTF-8 byte order mark). It checks
// that the document is a CycloneDX BOM but does not validate it against
// the schema. Errors about input that is no CycloneDX BOM wrap ErrNotBOM.
func Decode(r io.Reader, format Format) (*cdx.BOM, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read SBOM: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if format == FormatAuto {
		f, err := sniffFormat(data)
		if err != nil {
			return nil, err
		}
		format = f
	}
	// The same readers as ParseBOM, which name each problem precisely;
	// only the version floor of a diff does not apply here.
	switch format {
	case FormatJSON:
		return parseJSONBOM(data)
	case FormatXML:
		return parseXMLBOM(data)
	}
	return nil, fmt.Errorf("decode SBOM: unknown format %q", format)
}

// utf8BOM is the UTF-8 byte order mark some editors put in front of text.
const utf8BOM = "\xef\xbb\xbf"

// sniffFormat tells JSON from XML by the first byte that is not white space.
func sniffFormat(data []byte) (Format, error) {
	rest := bytes.TrimLeft(data, " \t\r\n")
	if len(rest) == 0 {
		return "", fmt.Errorf("%w: empty input", ErrNotBOM)
	}
	switch rest[0] {
	case '{':
		return FormatJSON, nil
	case '<':
		return FormatXML, nil
	}
	return "", fmt.Errorf("%w: starts with %q, neither JSON nor XML", ErrNotBOM, rest[:1])
}
