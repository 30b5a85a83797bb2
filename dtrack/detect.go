package dtrack

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format is the encoding of a CycloneDX BOM.
type Format string

// The CycloneDX encodings Dependency-Track accepts.
const (
	FormatJSON Format = "JSON"
	FormatXML  Format = "XML"
)

// BOMInfo describes a CycloneDX document found by DetectBOM.
type BOMInfo struct {
	Format      Format
	SpecVersion string
}

// String returns e.g. "CycloneDX JSON 1.6".
func (i BOMInfo) String() string { return "CycloneDX " + string(i.Format) + " " + i.SpecVersion }

// ContentType is the media type of the BOM, e.g. application/vnd.cyclonedx+json.
func (i BOMInfo) ContentType() string {
	if i.Format == FormatXML {
		return "application/vnd.cyclonedx+xml"
	}
	return "application/vnd.cyclonedx+json"
}

const xmlNamespacePrefix = "http://cyclonedx.org/schema/bom/"

// jsonSpecVersions are the JSON spec versions Dependency-Track 4.14 (1.2–1.6)
// and 5 (adds 1.7) accept; it rejects JSON 1.0 and 1.1.
var jsonSpecVersions = map[string]bool{"1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true, "1.7": true}

// xmlSpecVersions are the XML spec versions Dependency-Track accepts.
var xmlSpecVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true, "1.7": true}

// DetectBOM checks that data is a CycloneDX BOM that Dependency-Track can
// accept, in JSON (spec 1.2 or later) or XML, and reports which. It does not
// validate against the schema; the server does that.
func DetectBOM(data []byte) (BOMInfo, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return BOMInfo{}, errors.New("the file is empty, not a CycloneDX BOM")
	}
	switch trimmed[0] {
	case '{':
		return detectJSON(trimmed)
	case '<':
		return detectXML(trimmed)
	}
	return BOMInfo{}, errors.New("not a CycloneDX BOM: the file is neither JSON nor XML")
}

func detectJSON(data []byte) (BOMInfo, error) {
	var head struct {
		BOMFormat   *string `json:"bomFormat"`
		SpecVersion *string `json:"specVersion"`
		SPDXID      *string `json:"SPDXID"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return BOMInfo{}, fmt.Errorf("not a CycloneDX BOM: invalid JSON: %w", err)
	}
	if head.BOMFormat == nil || *head.BOMFormat != "CycloneDX" {
		if head.SPDXID != nil {
			return BOMInfo{}, errors.New(`not a CycloneDX BOM: this is an SPDX document; Dependency-Track's BOM upload takes CycloneDX only`)
		}
		got := "missing"
		if head.BOMFormat != nil {
			got = fmt.Sprintf("%q", *head.BOMFormat)
		}
		return BOMInfo{}, fmt.Errorf(`not a CycloneDX BOM: JSON whose "bomFormat" is %s, not "CycloneDX"`, got)
	}
	info := BOMInfo{Format: FormatJSON}
	if head.SpecVersion == nil {
		return info, errors.New(`CycloneDX JSON without "specVersion": Dependency-Track cannot tell which schema to validate it against`)
	}
	info.SpecVersion = *head.SpecVersion
	if !jsonSpecVersions[info.SpecVersion] {
		if info.SpecVersion == "1.0" || info.SpecVersion == "1.1" {
			return info, fmt.Errorf("CycloneDX JSON %s: Dependency-Track accepts JSON from spec version 1.2 on; write the BOM as 1.6 (depaudit report --spec-version 1.6) or as XML", info.SpecVersion)
		}
		return info, fmt.Errorf("CycloneDX JSON with unknown specVersion %q: Dependency-Track accepts 1.2 to 1.6 (1.7 from version 5)", info.SpecVersion)
	}
	return info, nil
}

// maxXMLDepth bounds how deeply an XML BOM's elements nest: a CycloneDX
// document needs a few levels per nested component, far fewer than this.
const maxXMLDepth = 512

// detectXML reads the whole document before anything is sent, as a JSON
// BOM is read whole: a DTD (whose entities make billion-laughs expansion
// and external-entity reads possible in the server's parser) is refused,
// and so are elements nested deeper than maxXMLDepth, undefined entities
// and malformed XML.
func detectXML(data []byte) (BOMInfo, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var info *BOMInfo
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if info == nil {
				return BOMInfo{}, errors.New("not a CycloneDX BOM: XML without a root element")
			}
			return *info, nil
		}
		if err != nil {
			return BOMInfo{}, fmt.Errorf("not a CycloneDX BOM: invalid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			d := strings.ToUpper(strings.TrimSpace(string(t)))
			if strings.HasPrefix(d, "DOCTYPE") || strings.HasPrefix(d, "ENTITY") {
				return BOMInfo{}, fmt.Errorf("XML BOM with a document type declaration (line %d): refused, as its entities could "+
					"expand without bound (billion laughs) or read files (XXE) in the server's parser; CycloneDX needs none", lineOf(data, dec.InputOffset()))
			}
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return BOMInfo{}, fmt.Errorf("XML BOM nested more than %d elements deep (line %d): refused", maxXMLDepth, lineOf(data, dec.InputOffset()))
			}
			if info != nil {
				continue
			}
			if t.Name.Local != "bom" || !strings.HasPrefix(t.Name.Space, xmlNamespacePrefix) {
				return BOMInfo{}, fmt.Errorf("not a CycloneDX BOM: XML root element is {%s}%s, not {%sVERSION}bom", t.Name.Space, t.Name.Local, xmlNamespacePrefix)
			}
			info = &BOMInfo{Format: FormatXML, SpecVersion: strings.TrimPrefix(t.Name.Space, xmlNamespacePrefix)}
			if !xmlSpecVersions[info.SpecVersion] {
				return *info, fmt.Errorf("CycloneDX XML with unknown spec version %q (namespace %s)", info.SpecVersion, t.Name.Space)
			}
		}
	}
}

// lineOf returns the line of data at offset.
func lineOf(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}
