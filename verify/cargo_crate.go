package verify

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/depaudit/depaudit/capture"
)

// maxCargoToml bounds the Cargo.toml read out of a .crate.
const maxCargoToml = 1 << 20

// cargoDep is one entry of a Cargo.toml dependency table: a version
// requirement, or a table with one.
type cargoDep struct {
	Version string
	Package string // the crate's name when the entry renames it
}

func (d *cargoDep) UnmarshalTOML(v any) error {
	switch t := v.(type) {
	case string:
		d.Version = t
	case map[string]any:
		d.Version, _ = t["version"].(string)
		d.Package, _ = t["package"].(string)
	}
	return nil
}

// cargoManifest is what is read of a .crate's Cargo.toml.
type cargoManifest struct {
	Package struct {
		License string `toml:"license"`
	} `toml:"package"`
	Dependencies      map[string]cargoDep `toml:"dependencies"`
	BuildDependencies map[string]cargoDep `toml:"build-dependencies"`
	Target            map[string]struct {
		Dependencies      map[string]cargoDep `toml:"dependencies"`
		BuildDependencies map[string]cargoDep `toml:"build-dependencies"`
	} `toml:"target"`
}

// parseCrate reads, as a .crate streams, its top directory's Cargo.toml
// (the manifest cargo publish normalised) and emits as facts of the crate
// version its licence (package.license, an SPDX expression by cargo's
// rules) and what it depends on: [dependencies] and [build-dependencies],
// of every target, each "NAME REQ" (FactRequires; a renamed entry under
// the crate's own name). [dev-dependencies] are not built for a
// dependent and are left out.
func parseCrate(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := crateSubject(p.f.PURL)
	if subject == "" {
		return nil
	}
	data, err := topFile(r, "Cargo.toml", maxCargoToml)
	if err != nil || data == nil {
		return err
	}
	var m cargoManifest
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
		return fmt.Errorf("crate: Cargo.toml: %w", err)
	}
	emit(capture.Digest{Subject: subject, Algorithm: FactManifest, Value: "Cargo.toml", Source: SourceFact})
	if l := strings.TrimSpace(m.Package.License); l != "" {
		emit(capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
	}
	reqs := map[string]bool{}
	add := func(set map[string]cargoDep) {
		for key, d := range set {
			crate := key
			if d.Package != "" {
				crate = d.Package
			}
			if d.Version == "" {
				continue // a path or git dependency: no registry crate
			}
			reqs[crate+" "+d.Version] = true
		}
	}
	add(m.Dependencies)
	add(m.BuildDependencies)
	for _, t := range m.Target {
		add(t.Dependencies)
		add(t.BuildDependencies)
	}
	list := make([]string, 0, len(reqs))
	for r := range reqs {
		list = append(list, r)
	}
	sort.Strings(list)
	for _, r := range list {
		emit(capture.Digest{Subject: subject, Algorithm: FactRequires, Value: r, Source: SourceFact})
	}
	return nil
}

// crateSubject is the subject of a crate version's facts: its purl without
// qualifiers; "" for another purl.
func crateSubject(purl string) string {
	return plainPURL(purl, "cargo")
}
