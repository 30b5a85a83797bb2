package verify

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// maxCoreMetadata bounds the headers read of a core metadata file; its
// body (the long description) is never read.
const maxCoreMetadata = 1 << 20

// pypiLicenseClassifiers are the licence classifiers that name one SPDX
// licence without doubt; the others ("BSD License", "Apache Software
// License": which version?) are kept as names.
var pypiLicenseClassifiers = map[string]string{
	"License :: OSI Approved :: MIT License":                          "MIT",
	"License :: OSI Approved :: MIT No Attribution License (MIT-0)":   "MIT-0",
	"License :: OSI Approved :: ISC License (ISCL)":                   "ISC",
	"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
	"License :: OSI Approved :: The Unlicense (Unlicense)":            "Unlicense",
	"License :: OSI Approved :: Zero-Clause BSD (0BSD)":               "0BSD",
	"License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
	"License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}

// parsePyPICoreMetadata reads the headers of a distribution's core
// metadata (a PEP 658 .metadata file: the wheel's METADATA) and emits as
// facts of the package version its licence and its Requires-Dist lines.
// The licence is License-Expression (PEP 639) when present; else the
// License field when it is one short line (it often holds a whole licence
// text) and not UNKNOWN; else the "License ::" classifiers, as SPDX
// identifiers where unambiguous and verbatim otherwise. Requirements are
// kept verbatim, markers and extras included (PEP 508), for package
// depgraph to evaluate.
func parsePyPICoreMetadata(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := pypiSubject(p.f.PURL)
	if subject == "" {
		return nil
	}
	return emitCoreMetadata(subject, r, emit)
}

// Manifests of PyPI facts (FactManifest values): what the facts were read
// from.
const (
	pypiManifestMETADATA = "METADATA"
	pypiManifestJSONAPI  = "PyPI JSON API"
	pypiManifestPKGINFO  = "PKG-INFO"
	// pypiManifestPKGINFODynamic is an sdist's PKG-INFO whose
	// requirements are not to be trusted: older than Metadata-Version 2.2,
	// or marking Requires-Dist dynamic (PEP 643).
	pypiManifestPKGINFODynamic = "PKG-INFO (dynamic requirements)"
)

// emitCoreMetadata reads core metadata from r and emits its facts as those
// of subject.
func emitCoreMetadata(subject string, r io.Reader, emit func(capture.Digest)) error {
	h, err := readCoreMetadataHeaders(r)
	if err != nil {
		return err
	}
	return emitCoreHeaders(subject, h, pypiManifestMETADATA, emit)
}

// emitCoreHeaders emits the facts of core metadata headers h, read from
// manifest: the licence, and the requirements unless the manifest says
// they are not to be trusted.
func emitCoreHeaders(subject string, h coreHeaders, manifest string, emit func(capture.Digest)) error {
	if h.get("Metadata-Version") == "" || h.get("Name") == "" {
		return errors.New("PyPI core metadata: no Metadata-Version or Name header")
	}
	emit(capture.Digest{Subject: subject, Algorithm: FactManifest, Value: manifest, Source: SourceFact})
	for _, l := range pypiLicenses(h) {
		emit(capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	if manifest == pypiManifestPKGINFODynamic {
		return nil
	}
	for _, req := range h["requires-dist"] {
		if req := strings.Join(strings.Fields(req.value), " "); req != "" {
			emit(capture.Digest{Subject: subject, Algorithm: FactRequires, Value: req, Source: SourceFact})
		}
	}
	return nil
}

// pypiLicenses are the licences core metadata headers h state.
func pypiLicenses(h coreHeaders) []string {
	if e := strings.TrimSpace(h.get("License-Expression")); e != "" {
		return []string{e}
	}
	if ls := h["license"]; len(ls) == 1 && !ls[0].folded {
		if l := strings.TrimSpace(ls[0].value); l != "" && len(l) <= 80 && !strings.EqualFold(l, "UNKNOWN") {
			return []string{l}
		}
	}
	var out []string
	for _, c := range h["classifier"] {
		v := strings.Join(strings.Fields(c.value), " ")
		if !strings.HasPrefix(v, "License ::") {
			continue
		}
		if id, ok := pypiLicenseClassifiers[v]; ok {
			out = append(out, id)
		} else if i := strings.LastIndex(v, " :: "); i >= 0 && v != "License :: OSI Approved" {
			out = append(out, v[i+4:])
		}
	}
	return out
}

// coreHeader is one header field of core metadata: its value, with folded
// lines joined by a newline, and whether it was folded.
type coreHeader struct {
	value  string
	folded bool
}

// coreHeaders are the header fields of core metadata by lower-case name,
// in order.
type coreHeaders map[string][]coreHeader

// get returns the first value of the field name, "" when absent.
func (h coreHeaders) get(name string) string {
	if v := h[strings.ToLower(name)]; len(v) > 0 {
		return v[0].value
	}
	return ""
}

// readCoreMetadataHeaders reads the RFC 822 style header fields of core
// metadata up to the blank line that starts the body, at most
// maxCoreMetadata bytes of them. A line that starts with white space
// continues the field before it.
func readCoreMetadataHeaders(r io.Reader) (coreHeaders, error) {
	lr := &io.LimitedReader{R: r, N: maxCoreMetadata}
	br := bufio.NewReader(lr)
	h := coreHeaders{}
	var last *coreHeader
	for {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("PyPI core metadata: %w", err)
		}
		if err == io.EOF && lr.N <= 0 {
			return nil, fmt.Errorf("PyPI core metadata: headers longer than %d bytes", maxCoreMetadata)
		}
		text := strings.TrimRight(line, "\r\n")
		switch {
		case text == "":
			return h, nil
		case text[0] == ' ' || text[0] == '\t':
			if last == nil {
				return nil, errors.New("PyPI core metadata: continuation line before any field")
			}
			last.value += "\n" + strings.TrimSpace(text)
			last.folded = true
		default:
			name, value, ok := strings.Cut(text, ":")
			if !ok || strings.TrimSpace(name) != name || name == "" {
				return nil, fmt.Errorf("PyPI core metadata: not a header field: %.40q", text)
			}
			key := strings.ToLower(name)
			h[key] = append(h[key], coreHeader{value: strings.TrimSpace(value)})
			last = &h[key][len(h[key])-1]
		}
		if err == io.EOF {
			return h, nil
		}
	}
}

// pypiSubject is the subject of a PyPI package version's facts: its purl
// without qualifiers; "" for another purl.
func pypiSubject(purl string) string {
	return plainPURL(purl, "pypi")
}

// pypiJSONInfo is what the PyPI JSON API's "info" states of a version.
type pypiJSONInfo struct {
	Name              string   `json:"name"`
	Version           string   `json:"version"`
	LicenseExpression string   `json:"license_expression"`
	License           string   `json:"license"`
	Classifiers       []string `json:"classifiers"`
	RequiresDist      []string `json:"requires_dist"`
}

// pypiJSONFile is a file entry of the PyPI JSON API ("urls", "releases").
type pypiJSONFile struct {
	URL     string            `json:"url"`
	Digests map[string]string `json:"digests"`
}

// parsePyPIJSONAPI streams a PyPI JSON API document (/pypi/NAME/json or
// /pypi/NAME/VERSION/json): the digests of its files ("urls", and every
// version's in "releases"), and, as facts of the version "info" describes
// (the latest for the project document), its licence and Requires-Dist
// as core metadata gives them (see parsePyPICoreMetadata). One value of
// the top-level object is held in memory at a time.
func parsePyPIJSONAPI(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("PyPI JSON API: %w", err)
	}
	files := func(fs []pypiJSONFile) {
		for _, f := range fs {
			emitFileHashes(resolveURL(p.base, f.URL), f.Digests, emit)
		}
	}
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("PyPI JSON API: %w", err)
		}
		switch key {
		case "info":
			var info pypiJSONInfo
			if err := dec.Decode(&info); err != nil {
				return fmt.Errorf("PyPI JSON API info: %w", err)
			}
			pypiJSONFacts(p.f.PURL, info, emit)
		case "urls":
			var fs []pypiJSONFile
			if err := dec.Decode(&fs); err != nil {
				return fmt.Errorf("PyPI JSON API urls: %w", err)
			}
			files(fs)
		case "releases":
			if err := expectDelim(dec, '{'); err != nil {
				return fmt.Errorf("PyPI JSON API releases: %w", err)
			}
			for dec.More() {
				if _, err := objectKey(dec); err != nil {
					return fmt.Errorf("PyPI JSON API releases: %w", err)
				}
				var fs []pypiJSONFile
				if err := dec.Decode(&fs); err != nil {
					return fmt.Errorf("PyPI JSON API release: %w", err)
				}
				files(fs)
			}
			if err := expectDelim(dec, '}'); err != nil {
				return fmt.Errorf("PyPI JSON API releases: %w", err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("PyPI JSON API: %w", err)
			}
		}
	}
	return nil
}

// pypiJSONFacts emits the licence and requirements info states, as facts
// of the version it describes of the project purl (the document's).
func pypiJSONFacts(purl string, info pypiJSONInfo, emit func(capture.Digest)) {
	pp, err := classify.ParsePURL(purl)
	version := strings.TrimSpace(info.Version)
	if err != nil || pp.Type != "pypi" || version == "" || (pp.Version != "" && pp.Version != version) {
		return
	}
	pp.Version = version
	subject := pypiSubject(pp.ToString())
	if subject == "" {
		return
	}
	h := coreHeaders{}
	add := func(k, v string) {
		if v != "" {
			h[k] = append(h[k], coreHeader{value: v, folded: strings.ContainsAny(strings.TrimSpace(v), "\r\n")})
		}
	}
	add("license-expression", info.LicenseExpression)
	add("license", info.License)
	for _, c := range info.Classifiers {
		add("classifier", c)
	}
	emit(capture.Digest{Subject: subject, Algorithm: FactManifest, Value: pypiManifestJSONAPI, Source: SourceFact})
	for _, l := range pypiLicenses(h) {
		emit(capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	for _, req := range info.RequiresDist {
		if req = strings.Join(strings.Fields(req), " "); req != "" {
			emit(capture.Digest{Subject: subject, Algorithm: FactRequires, Value: req, Source: SourceFact})
		}
	}
}
