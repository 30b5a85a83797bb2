package verify

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// sourceLink marks a document --verify-fetch follows: a NuGet
// registration leaf names its catalog leaf, where the package hash is. It
// is only emitted when fetching (plan.follow), never recorded.
const sourceLink = "link"

// nugetCatalogEntry is what is read of a catalog entry (inlined in a
// registration page, or a catalog leaf document).
type nugetCatalogEntry struct {
	ID                   string `json:"id"`
	Version              string `json:"version"`
	PackageHash          string `json:"packageHash"`
	PackageHashAlgorithm string `json:"packageHashAlgorithm"`
	PackageContent       string `json:"packageContent"`
}

// nugetObject collects the fields of one object of a registration or
// catalog document as they stream past.
type nugetObject struct {
	nugetCatalogEntry
	// entry is an inlined catalogEntry object; entryURL a catalogEntry
	// that is a link to the catalog leaf.
	entry    *nugetCatalogEntry
	entryURL string
}

// maxNuGetDepth bounds how deep registration documents nest (index →
// page → leaf → catalog entry).
const maxNuGetDepth = 8

// parseNuGet streams a NuGet registration document (index with inlined
// pages, page, or leaf) or catalog leaf. For every package version it
// declares the version's .nupkg (packageContent) the file of
// pkg:nuget/ID@VERSION with the id's case as published, and emits the
// SHA-512 packageHash a catalog entry publishes. Registration items are
// read one at a time.
func parseNuGet(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("nuget document: %w", err)
	}
	return walkNuGet(dec, p, emit, 0)
}

// walkNuGet reads the rest of an object whose "{" was read.
func walkNuGet(dec *json.Decoder, p plan, emit func(capture.Digest), depth int) error {
	if depth > maxNuGetDepth {
		return errDepth
	}
	var o nugetObject
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("nuget document: %w", err)
		}
		switch key {
		case "id", "version", "packageHash", "packageHashAlgorithm", "packageContent":
			var s string
			if err := dec.Decode(&s); err != nil {
				continue // a value of another type: ignored
			}
			switch key {
			case "id":
				o.ID = s
			case "version":
				o.Version = s
			case "packageHash":
				o.PackageHash = s
			case "packageHashAlgorithm":
				o.PackageHashAlgorithm = s
			case "packageContent":
				o.PackageContent = s
			}
		case "catalogEntry":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fmt.Errorf("nuget catalogEntry: %w", err)
			}
			var link string
			if json.Unmarshal(raw, &link) == nil {
				o.entryURL = link
				continue
			}
			var e nugetCatalogEntry
			if json.Unmarshal(raw, &e) == nil {
				o.entry = &e
			}
		case "items":
			tok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("nuget items: %w", err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				if _, isDelim := tok.(json.Delim); isDelim {
					if err := skipRest(dec); err != nil {
						return err
					}
				}
				continue
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return fmt.Errorf("nuget items: %w", err)
				}
				switch d, _ := tok.(json.Delim); d {
				case '{':
					if err := walkNuGet(dec, p, emit, depth+1); err != nil {
						return err
					}
				case '[':
					if err := skipRest(dec); err != nil {
						return err
					}
				}
			}
			if _, err := dec.Token(); err != nil {
				return fmt.Errorf("nuget items: %w", err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("nuget document: %w", err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("nuget document: %w", err)
	}
	emitNuGet(p, o, emit)
	return nil
}

// skipRest reads to the end of an array or object whose opening delimiter
// was read.
func skipRest(dec *json.Decoder) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// emitNuGet emits what one object says: a registration leaf item
// (packageContent and an inlined catalog entry or a link to it) or a
// catalog leaf (id, version and packageHash).
func emitNuGet(p plan, o nugetObject, emit func(capture.Digest)) {
	e := o.nugetCatalogEntry
	if o.entry != nil {
		e = *o.entry
		if o.PackageContent != "" {
			e.PackageContent = o.PackageContent
		}
	}
	if e.ID == "" || e.Version == "" {
		// A registration leaf document names its package only in its URL.
		if o.entryURL != "" && p.follow {
			if u := resolveURL(p.base, o.entryURL); u != "" {
				emit(capture.Digest{Subject: u, Source: sourceLink})
			}
		}
		return
	}
	purl := nugetSubject(p.f.PURL, e.ID, e.Version)
	if purl == "" {
		return
	}
	content := e.PackageContent
	if content == "" && p.base != nil && strings.EqualFold(p.base.Hostname(), "api.nuget.org") {
		id, v := strings.ToLower(e.ID), strings.ToLower(e.Version)
		content = "https://api.nuget.org/v3-flatcontainer/" + id + "/" + v + "/" + id + "." + v + ".nupkg"
	}
	if content != "" {
		if d, ok := declare(p, content, purl); ok {
			emit(d)
		}
	}
	if e.PackageHash == "" || (e.PackageHashAlgorithm != "" && !strings.EqualFold(e.PackageHashAlgorithm, "SHA512")) {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(e.PackageHash)
	if err != nil {
		return
	}
	v := normalHex(AlgSHA512, hex.EncodeToString(raw))
	if v == "" {
		return
	}
	emit(capture.Digest{Subject: purl, Algorithm: AlgSHA512, Value: v, Source: SourcePublished})
	if lower := strings.ToLower(purl); lower != purl {
		// The flat container URL only has the id lower-cased: a .nupkg
		// no registration named in the run has that purl.
		emit(capture.Digest{Subject: lower, Algorithm: AlgSHA512, Value: v, Source: SourcePublished})
	}
}

// nugetSubject is pkg:nuget/ID@VERSION with the repository_url of the
// document's own purl (base) when it has one; "" for an invalid id.
func nugetSubject(base, id, version string) string {
	if id == "" || version == "" || strings.ContainsAny(id, "/?#@ ") || strings.ContainsAny(version, "/?# ") {
		return ""
	}
	pu := packageurl.PackageURL{Type: packageurl.TypeNuget, Name: id, Version: version}
	if b, err := classify.ParsePURL(base); err == nil && base != "" {
		if repo := b.Qualifiers.Map()["repository_url"]; repo != "" {
			pu.Qualifiers = packageurl.Qualifiers{{Key: "repository_url", Value: repo}}
		}
	}
	return pu.ToString()
}
