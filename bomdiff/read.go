package bomdiff

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// MinDiffSpecVersion is the oldest CycloneDX specification version that
// ReadBOMFile and ParseBOM accept: 1.3 is the first with component hashes
// on external references and the service fields a diff compares.
const MinDiffSpecVersion = cdx.SpecVersion1_3

// maxBOMSize bounds what ParseBOM reads, so that a wrong path (a disk image,
// a device) fails with a clear error instead of exhausting memory.
const maxBOMSize = 1 << 30

// ReadBOMFile reads a CycloneDX BOM in JSON or XML, whichever the file
// holds, for diffing. Errors name the file and say what is wrong with it in
// one line: missing, empty, truncated or malformed, not CycloneDX, or a
// specification version older than 1.3.
func ReadBOMFile(path string) (*cdx.BOM, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a BOM", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBOMSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading: %w", path, err)
	}
	bom, err := ParseBOM(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return bom, nil
}

// ParseBOM decodes a CycloneDX BOM from JSON or XML, as Parse does, and
// checks that it is CycloneDX 1.3 or newer, which a diff needs.
func ParseBOM(data []byte) (*cdx.BOM, error) {
	bom, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if bom.SpecVersion < MinDiffSpecVersion {
		return nil, fmt.Errorf("CycloneDX %s is not supported, need %s or newer", bom.SpecVersion, MinDiffSpecVersion)
	}
	return bom, nil
}

// ErrNotBOM is wrapped by the errors of Decode, Parse, ParseBOM and
// ReadBOMFile for input that is not a CycloneDX BOM.
var ErrNotBOM = errors.New("not a CycloneDX BOM")

// Decode reads a CycloneDX BOM of any spec version cyclonedx-go knows
// from r, as Parse does.
func Decode(r io.Reader) (*cdx.BOM, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBOMSize+1))
	if err != nil {
		return nil, fmt.Errorf("read SBOM: %w", err)
	}
	return Parse(data)
}

// Parse decodes a CycloneDX BOM (any spec version cyclonedx-go knows) from
// JSON or XML, told apart by the first byte that is not white space or a
// UTF-8 byte order mark. It is the one BOM reader of depaudit: diff,
// --baseline and upload all read through it. It checks that the document is
// a CycloneDX BOM but does not validate it against the schema: a diff must
// also work on BOMs of other generators that stretch it. Errors say what is
// wrong in one line; those about input that is no CycloneDX BOM wrap
// ErrNotBOM.
func Parse(data []byte) (*cdx.BOM, error) {
	if len(data) > maxBOMSize {
		return nil, fmt.Errorf("larger than %d MiB, not read", maxBOMSize>>20)
	}
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	body = bytes.TrimLeft(body, " \t\r\n")
	if len(body) == 0 {
		return nil, fmt.Errorf("empty file, %w", ErrNotBOM)
	}
	var (
		bom *cdx.BOM
		err error
	)
	switch body[0] {
	case '{', '[', '"':
		bom, err = parseJSONBOM(body)
	case '<':
		bom, err = parseXMLBOM(body)
	default:
		return nil, fmt.Errorf("%w: neither JSON nor XML", ErrNotBOM)
	}
	if err != nil {
		return nil, err
	}
	return bom, nil
}

// parseJSONBOM decodes a JSON BOM after checking bomFormat and specVersion,
// so that each failure gets its own message.
func parseJSONBOM(data []byte) (*cdx.BOM, error) {
	var head struct {
		BOMFormat   *string         `json:"bomFormat"`
		SpecVersion json.RawMessage `json:"specVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonProblem(data, err)
	}
	switch {
	case head.BOMFormat == nil:
		return nil, fmt.Errorf("%w: no bomFormat", ErrNotBOM)
	case *head.BOMFormat != "CycloneDX":
		return nil, fmt.Errorf("%w: bomFormat is %s", ErrNotBOM, quoteShort(*head.BOMFormat))
	case head.SpecVersion == nil:
		return nil, fmt.Errorf("%w: no specVersion", ErrNotBOM)
	}
	var sv cdx.SpecVersion
	if err := json.Unmarshal(head.SpecVersion, &sv); err != nil {
		return nil, fmt.Errorf("unsupported CycloneDX specVersion %s", quoteShort(string(head.SpecVersion)))
	}
	bom := new(cdx.BOM)
	if err := json.Unmarshal(data, bom); err != nil {
		return nil, jsonProblem(data, err)
	}
	return bom, nil
}

// jsonProblem describes a JSON decoding error in one line.
func jsonProblem(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && (syn.Offset >= int64(len(data)) || strings.Contains(syn.Error(), "unexpected end")):
		return fmt.Errorf("truncated JSON: input ends after %d bytes", len(data))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated JSON: input ends after %d bytes", len(data))
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d: %s", syn.Offset, oneLine(syn.Error()))
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "top level"
		}
		return fmt.Errorf("%w: %s is a JSON %s", ErrNotBOM, quoteShort(where), typ.Value)
	}
	return fmt.Errorf("malformed CycloneDX JSON: %s", oneLine(err.Error()))
}

// parseXMLBOM decodes an XML BOM; the specification version comes from the
// CycloneDX namespace of the root element.
func parseXMLBOM(data []byte) (*cdx.BOM, error) {
	root, err := xmlRoot(data)
	if err != nil {
		return nil, err
	}
	if root.Local != "bom" {
		return nil, fmt.Errorf("%w: XML root element is <%s>", ErrNotBOM, quoteShort(root.Local))
	}
	if !strings.HasPrefix(root.Space, "http://cyclonedx.org/schema/bom/") {
		return nil, fmt.Errorf("%w: XML namespace is %s", ErrNotBOM, quoteShort(root.Space))
	}
	bom := new(cdx.BOM)
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(bom); err != nil {
		return nil, xmlProblem(err)
	}
	if bom.SpecVersion == 0 {
		return nil, fmt.Errorf("unsupported CycloneDX version: XML namespace %s", quoteShort(root.Space))
	}
	bom.BOMFormat = cdx.BOMFormat
	return bom, nil
}

// xmlRoot returns the name of the root element of an XML document.
func xmlRoot(data []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.Name{}, xmlProblem(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

// xmlProblem describes an XML decoding error in one line.
func xmlProblem(err error) error {
	var syn *xml.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated XML: no complete document")
	case errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF"):
		return fmt.Errorf("truncated XML: input ends at line %d", syn.Line)
	case errors.As(err, &syn):
		return fmt.Errorf("invalid XML at line %d: %s", syn.Line, oneLine(syn.Msg))
	}
	return fmt.Errorf("malformed CycloneDX XML: %s", oneLine(err.Error()))
}

// quoteShort quotes s for an error message, cut to a readable length.
func quoteShort(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
