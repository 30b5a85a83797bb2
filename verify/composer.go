package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// composerDist is a version's dist object.
type composerDist struct {
	URL    string `json:"url"`
	Shasum string `json:"shasum"`
}

// composerVersion is what is read of one version object; Dist is kept raw
// to tell a missing key (inherited in the minified format) from
// "__unset".
type composerVersion struct {
	Version string          `json:"version"`
	Dist    json.RawMessage `json:"dist"`
}

// parseComposer streams Composer repository metadata (Packagist's p2
// files, minified or not; a Satis packages.json with inline packages) and,
// for every version, declares its dist URL the file of
// pkg:composer/VENDOR/NAME@VERSION and emits the dist's SHA-1 (shasum)
// when one is published (Packagist leaves it empty for GitHub zips). In
// the minified format (composer/2.0) a version repeats only what changed
// since the one before it, so the dist is carried over.
func parseComposer(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("composer metadata: %w", err)
	}
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("composer metadata: %w", err)
		}
		if key != "packages" {
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("composer metadata: %w", err)
			}
			continue
		}
		if err := parseComposerPackages(dec, p, emit); err != nil {
			return err
		}
	}
	return nil
}

// parseComposerPackages reads the packages object: package name → list of
// versions (p2) or map of version → version object (packages.json).
func parseComposerPackages(dec *json.Decoder, p plan, emit func(capture.Digest)) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("composer packages: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if d, ok := tok.(json.Delim); ok && d == '[' { // an empty list: no packages
			for dec.More() {
				if err := skipValue(dec); err != nil {
					return fmt.Errorf("composer packages: %w", err)
				}
			}
			_, err := dec.Token()
			return err
		}
		return fmt.Errorf("composer packages: want an object, got %v", tok)
	}
	for dec.More() {
		name, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("composer packages: %w", err)
		}
		open, err := dec.Token()
		if err != nil {
			return fmt.Errorf("composer package %q: %w", name, err)
		}
		d, ok := open.(json.Delim)
		if !ok || (d != '[' && d != '{') {
			return fmt.Errorf("composer package %q: want a list or an object, got %v", name, open)
		}
		var dist json.RawMessage
		for dec.More() {
			if d == '{' {
				if _, err := objectKey(dec); err != nil {
					return fmt.Errorf("composer package %q: %w", name, err)
				}
			}
			var v composerVersion
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("composer package %q: %w", name, err)
			}
			inherited := v.Dist == nil
			if !inherited {
				dist = v.Dist
			}
			emitComposer(p, name, v.Version, dist, !inherited, emit)
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("composer package %q: %w", name, err)
		}
	}
	_, err = dec.Token()
	return err
}

// emitComposer declares one version's dist and, when the version states
// it (own) rather than inherits it, emits its shasum.
func emitComposer(p plan, name, version string, rawDist json.RawMessage, own bool, emit func(capture.Digest)) {
	var dist composerDist
	if version == "" || len(rawDist) == 0 || json.Unmarshal(rawDist, &dist) != nil || dist.URL == "" {
		return
	}
	purl := composerSubject(p.f.PURL, name, version)
	d, ok := declare(p, dist.URL, purl)
	if !ok {
		return
	}
	emit(d)
	if v := normalHex(AlgSHA1, dist.Shasum); v != "" && own {
		emit(capture.Digest{Subject: d.Subject, Algorithm: AlgSHA1, Value: v, Source: SourcePublished})
	}
}

// composerSubject is the purl of version of package name ("vendor/name"),
// with the repository_url of the metadata's own purl (base) when it has
// one; "" for a name that is not vendor/name.
func composerSubject(base, name, version string) string {
	vendor, pkg, ok := strings.Cut(name, "/")
	if !ok || !classify.ComposerName(vendor) || !classify.ComposerName(pkg) {
		return ""
	}
	purl := classify.ComposerRef(vendor, pkg, version)
	if base == "" {
		return purl
	}
	b, err := classify.ParsePURL(base)
	if err != nil {
		return purl
	}
	repo := b.Qualifiers.Map()["repository_url"]
	if repo == "" {
		return purl
	}
	pu, err := classify.ParsePURL(purl)
	if err != nil {
		return purl
	}
	pu.Qualifiers = packageurl.Qualifiers{{Key: "repository_url", Value: repo}}
	return pu.ToString()
}
