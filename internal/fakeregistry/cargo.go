package fakeregistry

import (
	"encoding/json"
	"fmt"
	"strings"
)

// crateVersion is one published version of a fake crate.
type crateVersion struct {
	name, version string
	deps          map[string]string // name → version requirement
	extra         string
}

// cargoIndexPath is the sparse-index path of a crate name.
func cargoIndexPath(name string) string {
	n := strings.ToLower(name)
	switch len(n) {
	case 1:
		return "1/" + n
	case 2:
		return "2/" + n
	case 3:
		return "3/" + n[:1] + "/" + n
	default:
		return n[:2] + "/" + n[2:4] + "/" + n
	}
}

func crateFile(c crateVersion) ([]byte, error) {
	root := c.name + "-" + c.version
	var toml strings.Builder
	fmt.Fprintf(&toml, "[package]\nedition = \"2021\"\nname = %q\nversion = %q\ndescription = \"depaudit fixture\"\nlicense = \"MIT\"\n\n[lib]\npath = \"src/lib.rs\"\n", c.name, c.version)
	for _, d := range sortedKeys(c.deps) {
		fmt.Fprintf(&toml, "\n[dependencies.%s]\nversion = %q\n", d, c.deps[d])
	}
	lib := fmt.Sprintf("//! %s %s, a depaudit fixture%s.\n\n/// The crate version.\npub const VERSION: &str = %q;\n", c.name, c.version, c.extra, c.version)
	return tarGz([]entry{
		{name: root + "/Cargo.toml", body: []byte(toml.String())},
		{name: root + "/src/lib.rs", body: []byte(lib)},
	})
}

func addCargo(b *builder) error {
	config := []byte(`{"dl":"https://` + HostCratesStatic + `/crates","api":"https://` + HostCrates + `"}`)
	b.file(File{URL: "https://" + HostCratesIndex + "/config.json", Ecosystem: "cargo", Kind: KindMetadata,
		ContentType: "application/json", Body: config})
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	crates := []crateVersion{
		{name: "fixture-crate", version: "0.1.0", deps: map[string]string{"dep": "^0.2"}, extra: extra},
		{name: "dep", version: "0.2.0"},
	}
	if b.opts.Upgrade {
		crates = append(crates, crateVersion{name: "dep", version: "0.2.1"})
	}
	index := map[string][]string{}
	var order []string
	for _, c := range crates {
		body, err := crateFile(c)
		if err != nil {
			return fmt.Errorf("crate %s %s: %w", c.name, c.version, err)
		}
		legacy := "https://" + HostCrates + "/api/v1/crates/" + c.name + "/" + c.version + "/download"
		canonical := "https://" + HostCratesStatic + "/crates/" + c.name + "/" + c.name + "-" + c.version + ".crate"
		f := b.file(File{
			URL:         "https://" + HostCratesStatic + "/crates/" + c.name + "/" + c.version + "/download",
			Aliases:     []string{canonical, legacy},
			Ecosystem:   "cargo",
			Kind:        KindArtifact,
			PURL:        "pkg:cargo/" + c.name + "@" + c.version,
			ContentType: "application/gzip",
			Body:        body,
		})
		b.redirect(HostCrates, "/api/v1/crates/"+c.name+"/"+c.version+"/download", canonical)
		deps := []map[string]any{}
		for _, d := range sortedKeys(c.deps) {
			deps = append(deps, map[string]any{"name": d, "req": c.deps[d], "features": []string{}, "optional": false,
				"default_features": true, "target": nil, "kind": "normal"})
		}
		line, err := json.Marshal(map[string]any{"name": c.name, "vers": c.version, "deps": deps, "cksum": f.SHA256,
			"features": map[string]any{}, "yanked": false})
		if err != nil {
			return fmt.Errorf("crate index line: %w", err)
		}
		if _, ok := index[c.name]; !ok {
			order = append(order, c.name)
		}
		index[c.name] = append(index[c.name], string(line))
	}
	for _, name := range order {
		b.file(File{URL: "https://" + HostCratesIndex + "/" + cargoIndexPath(name), Ecosystem: "cargo", Kind: KindMetadata,
			ContentType: "text/plain", Body: []byte(strings.Join(index[name], "\n") + "\n")})
	}
	return nil
}
