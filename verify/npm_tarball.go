package verify

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// FactManifest says which manifest of a package version was read (its
// Value, "package.json"): the package's requirements are known even when
// it states none.
const FactManifest = "manifest"

// maxPackageJSON bounds the package.json read out of an npm tarball.
const maxPackageJSON = 1 << 20

// npmPackageJSON is what is read of a tarball's package.json.
type npmPackageJSON struct {
	License              json.RawMessage   `json:"license"`
	Licenses             []json.RawMessage `json:"licenses"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

// parseNPMTarball reads, as an npm tarball streams, its top directory's
// package.json, the manifest npm installs from, and emits as facts of the
// package version (its purl without qualifiers) its licence(s) and what it
// depends on at run time: dependencies, optionalDependencies and
// peerDependencies, each "NAME RANGE" (FactRequires). devDependencies are
// not installed with a package and are left out. Reading stops at the
// package.json; a tarball without one gives nothing.
func parseNPMTarball(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := npmSubject(p.f.PURL)
	if subject == "" {
		return nil
	}
	data, err := topFile(r, "package.json", maxPackageJSON)
	if err != nil || data == nil {
		return err
	}
	var m npmPackageJSON
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("npm tarball: package.json: %w", err)
	}
	emit(capture.Digest{Subject: subject, Algorithm: FactManifest, Value: "package.json", Source: SourceFact})
	for _, l := range npmLicenses(m) {
		emit(capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	// Peers too, optional ones included: an edge is only drawn to a
	// version the build fetched, which npm then installed for it.
	deps := map[string]string{}
	for n, r := range m.PeerDependencies {
		deps[n] = r
	}
	for _, set := range []map[string]string{m.OptionalDependencies, m.Dependencies} {
		for n, r := range set {
			deps[n] = r
		}
	}
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		emit(capture.Digest{Subject: subject, Algorithm: FactRequires, Value: n + " " + deps[n], Source: SourceFact})
	}
	return nil
}

// topFile reads, from a gzip-compressed tar as it streams, the file named
// name in the archive's top directory (package/package.json,
// serde-1.0.0/Cargo.toml), at most max bytes; nil when there is none.
// Reading stops there.
func topFile(r io.Reader, name string, max int64) ([]byte, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		clean := strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
		if dir, file := path.Split(clean); file != name || strings.Count(dir, "/") != 1 || hdr.Size > max {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, max))
		if err != nil {
			return nil, fmt.Errorf("archive: %s: %w", clean, err)
		}
		return data, nil
	}
}

// npmLicenses reads package.json's license (a string, or the old
// {"type": …} object) and the old licenses array.
func npmLicenses(m npmPackageJSON) []string {
	var out []string
	add := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
			return
		}
		var o struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &o) == nil && strings.TrimSpace(o.Type) != "" && !slices.Contains(out, strings.TrimSpace(o.Type)) {
			out = append(out, strings.TrimSpace(o.Type))
		}
	}
	if len(m.License) > 0 {
		add(m.License)
	}
	for _, l := range m.Licenses {
		add(l)
	}
	return out
}

// npmSubject is the subject of an npm package version's facts: its purl
// without qualifiers; "" for another purl.
func npmSubject(purl string) string {
	return plainPURL(purl, "npm")
}

// plainPURL is purl without qualifiers and subpath when it is a versioned
// purl of type typ, else "".
func plainPURL(purl, typ string) string {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Type != typ || p.Version == "" {
		return ""
	}
	p.Qualifiers, p.Subpath = nil, ""
	return p.ToString()
}
