package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/classify"

	"github.com/depaudit/depaudit/capture"
)

// npmDist is the dist object of an npm version.
type npmDist struct {
	Integrity string `json:"integrity"`
	Shasum    string `json:"shasum"`
	Tarball   string `json:"tarball"`
}

// npmVersion is what is read of one version object.
type npmVersion struct {
	Version string  `json:"version"`
	Dist    npmDist `json:"dist"`
}

// parseNPM streams an npm packument (full or abbreviated) or version
// document and emits, per version, the tarball's published SHA-512
// (dist.integrity) and SHA-1 (dist.shasum). The document is read token by
// token; only one version object is held in memory at a time.
func parseNPM(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("npm document: %w", err)
	}
	var top npmVersion
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("npm document: %w", err)
		}
		switch key {
		case "versions":
			if err := expectDelim(dec, '{'); err != nil {
				return fmt.Errorf("npm versions: %w", err)
			}
			for dec.More() {
				version, err := objectKey(dec)
				if err != nil {
					return fmt.Errorf("npm versions: %w", err)
				}
				var v npmVersion
				if err := dec.Decode(&v); err != nil {
					return fmt.Errorf("npm version %q: %w", version, err)
				}
				emitNPM(p, version, v.Dist, emit)
			}
			if err := expectDelim(dec, '}'); err != nil {
				return fmt.Errorf("npm versions: %w", err)
			}
		case "version":
			if err := dec.Decode(&top.Version); err != nil {
				return fmt.Errorf("npm version document: %w", err)
			}
		case "dist":
			if err := dec.Decode(&top.Dist); err != nil {
				return fmt.Errorf("npm version document: %w", err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("npm document: %w", err)
			}
		}
	}
	if top.Version != "" {
		emitNPM(p, top.Version, top.Dist, emit)
	}
	return nil
}

// emitNPM emits the digests of one version's tarball. The subject is the
// tarball URL, or the version's purl when the document gives none.
func emitNPM(p plan, version string, d npmDist, emit func(capture.Digest)) {
	subject := ""
	if d.Tarball != "" {
		subject = resolveURL(p.base, d.Tarball)
	}
	if subject != "" && p.base != nil && !sameHost(subject, p.base) {
		// A tarball served from another host (a CDN, a mirror) is that
		// version's file because the packument says so.
		if dg, ok := declare(p, subject, withVersion(p.f.PURL, "", version)); ok {
			emit(dg)
		}
	}
	if subject == "" {
		subject = withVersion(p.f.PURL, "", version)
	}
	if subject == "" {
		return
	}
	for _, dg := range parseSRI(d.Integrity) {
		dg.Subject = subject
		emit(dg)
	}
	if v := normalHex(AlgSHA1, d.Shasum); v != "" {
		emit(capture.Digest{Subject: subject, Algorithm: AlgSHA1, Value: v, Source: SourcePublished})
	}
}

// sameHost reports whether rawURL is on base's host (and port).
func sameHost(rawURL string, base *url.URL) bool {
	u, err := url.Parse(rawURL)
	return err == nil && strings.EqualFold(u.Host, base.Host)
}

// withVersion returns purl with its version (and, when name is not empty,
// its name) replaced; "" when purl does not parse.
func withVersion(purl, name, version string) string {
	if purl == "" {
		return ""
	}
	pu, err := classify.ParsePURL(purl)
	if err != nil {
		return ""
	}
	if name != "" {
		pu.Name = name
	}
	pu.Version = version
	return pu.ToString()
}

// expectDelim reads the next token and checks that it is delim.
func expectDelim(dec *json.Decoder, delim json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != delim {
		return fmt.Errorf("want %q, got %v", delim, tok)
	}
	return nil
}

// objectKey reads an object's next key.
func objectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("want an object key, got %v", tok)
	}
	return s, nil
}

// errDepth stops skipping a value nested beyond reason.
var errDepth = errors.New("JSON nested too deeply")

// skipValue reads past the next value token by token, so that a large
// value (a readme, the time map) never sits in memory whole.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
				if depth > 10000 {
					return errDepth
				}
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
