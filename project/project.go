// Package project reads the identity of the project a build builds from
// its own manifest, for the SBOM's metadata.component: go.mod's module
// path, package.json's name and version, pom.xml's coordinates,
// Cargo.toml's and pyproject.toml's package name and version. Each reader
// is a pure function of the manifest's bytes; Detect reads the files of a
// directory.
package project

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/package-url/packageurl-go"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// Project is a project's identity as its manifest states it.
type Project struct {
	// Name is the project's name as its ecosystem shows it: the Go module
	// path, the npm name (with its scope), the Maven groupId:artifactId,
	// the crate or Python distribution name.
	Name string `json:"name"`
	// Version is the version the manifest states, "" when it states none
	// (a go.mod never does).
	Version string `json:"version,omitempty"`
	// PURL is the project's package URL.
	PURL string `json:"purl,omitempty"`
	// Manifest is the manifest's file name (go.mod, package.json, …).
	Manifest string `json:"manifest"`
	// Ecosystem is the manifest's ecosystem ("golang", "npm", …), and
	// Requires what the project depends on directly as the manifest
	// states it, in the form package depgraph reads ("PATH@VERSION" for
	// Go, "NAME RANGE" for npm); empty for the manifests whose
	// requirements are not read.
	Ecosystem string   `json:"ecosystem,omitempty"`
	Requires  []string `json:"requires,omitempty"`
}

// maxManifest bounds a manifest read.
const maxManifest = 4 << 20

// readers are the manifests in the order Detect tries them when the build
// command names no ecosystem.
var readers = []struct {
	file string
	// commands are the build commands that use this manifest.
	commands []string
	read     func([]byte) (Project, error)
}{
	{"package.json", []string{"npm", "npx", "yarn", "pnpm", "node", "bun"}, PackageJSON},
	{"go.mod", []string{"go"}, GoMod},
	{"pom.xml", []string{"mvn", "mvnw", "./mvnw"}, POM},
	{"Cargo.toml", []string{"cargo"}, CargoToml},
	{"pyproject.toml", []string{"pip", "pip3", "python", "python3", "poetry", "uv", "pdm", "hatch"}, PyProject},
}

// Detect returns the project whose manifest is in dir. When several
// manifests are there, the one of the build command's ecosystem (npm's
// package.json for `npm ci`, go.mod for `go build`, …) wins, else the
// first of package.json, go.mod, pom.xml, Cargo.toml, pyproject.toml. It
// returns ok false when none is there or none states a name; a manifest
// that does not parse is an error naming it.
func Detect(dir string, command []string) (p Project, ok bool, err error) {
	order := make([]int, 0, len(readers))
	if len(command) > 0 {
		base := filepath.Base(command[0])
		for i, r := range readers {
			for _, c := range r.commands {
				if c == base || c == command[0] {
					order = append(order, i)
				}
			}
		}
	}
	for i := range readers {
		order = append(order, i)
	}
	for _, i := range order {
		r := readers[i]
		data, err := readManifest(filepath.Join(dir, r.file))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Project{}, false, err
		}
		p, err := r.read(data)
		if err != nil {
			return Project{}, false, fmt.Errorf("%s: %w", filepath.Join(dir, r.file), err)
		}
		if p.Name != "" {
			p.Manifest = r.file
			return p, true, nil
		}
	}
	return Project{}, false, nil
}

func readManifest(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxManifest {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxManifest)
	}
	return os.ReadFile(path)
}

func purl(typ, namespace, name, version string) string {
	return packageurl.NewPackageURL(typ, namespace, name, version, nil, "").ToString()
}

// checked returns p when its purl is a valid one, else an error: a
// manifest whose name makes no package URL (an empty npm scope's name, a
// module path "/") names no project.
func checked(p Project) (Project, error) {
	if _, err := packageurl.FromString(p.PURL); err != nil {
		return Project{}, fmt.Errorf("%q is not a valid package name: %w", p.Name, err)
	}
	return p, nil
}

// GoMod reads a go.mod: the module path; no version (a module's version is
// its tag, not in the file).
func GoMod(data []byte) (Project, error) {
	path := modfile.ModulePath(data)
	if path == "" {
		if _, err := modfile.ParseLax("go.mod", data, nil); err != nil {
			return Project{}, err
		}
		return Project{}, nil
	}
	ns, name := "", path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		ns, name = path[:i], path[i+1:]
	}
	if err := module.CheckImportPath(path); err != nil {
		return Project{}, fmt.Errorf("module path: %w", err)
	}
	p := Project{Name: path, PURL: purl(packageurl.TypeGolang, ns, name, ""), Ecosystem: "golang"}
	if f, err := modfile.ParseLax("go.mod", data, nil); err == nil {
		for _, r := range f.Require {
			p.Requires = append(p.Requires, r.Mod.Path+"@"+r.Mod.Version)
		}
	}
	return checked(p)
}

// PackageJSON reads an npm package.json: name (with its scope) and version.
func PackageJSON(data []byte) (Project, error) {
	var m struct {
		Name                 string            `json:"name"`
		Version              string            `json:"version"`
		Dependencies         map[string]string `json:"dependencies"`
		DevDependencies      map[string]string `json:"devDependencies"`
		OptionalDependencies map[string]string `json:"optionalDependencies"`
		PeerDependencies     map[string]string `json:"peerDependencies"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return Project{}, err
	}
	if m.Name == "" {
		return Project{}, nil
	}
	// The project's own devDependencies are installed with it (npm ci,
	// npm install); a package's are not.
	deps := map[string]string{}
	for _, set := range []map[string]string{m.PeerDependencies, m.DevDependencies, m.OptionalDependencies, m.Dependencies} {
		for n, r := range set {
			deps[n] = r
		}
	}
	var reqs []string
	for _, n := range slices.Sorted(maps.Keys(deps)) {
		reqs = append(reqs, n+" "+deps[n])
	}
	ns, name := "", m.Name
	if strings.HasPrefix(m.Name, "@") {
		if s, n, ok := strings.Cut(m.Name, "/"); ok {
			ns, name = s, n
		}
	}
	return checked(Project{Name: m.Name, Version: m.Version, PURL: purl(packageurl.TypeNPM, ns, name, m.Version), Ecosystem: "npm", Requires: reqs})
}

// POM reads a Maven pom.xml: groupId (or the parent's), artifactId and
// version (or the parent's); a version or groupId that is a property
// reference (${revision}) is left out.
func POM(data []byte) (Project, error) {
	var m struct {
		GroupID    string `xml:"groupId"`
		ArtifactID string `xml:"artifactId"`
		Version    string `xml:"version"`
		Parent     struct {
			GroupID string `xml:"groupId"`
			Version string `xml:"version"`
		} `xml:"parent"`
	}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	d.Strict = true
	if err := d.Decode(&m); err != nil {
		return Project{}, err
	}
	group := strings.TrimSpace(m.GroupID)
	if group == "" {
		group = strings.TrimSpace(m.Parent.GroupID)
	}
	version := strings.TrimSpace(m.Version)
	if version == "" {
		version = strings.TrimSpace(m.Parent.Version)
	}
	artifact := strings.TrimSpace(m.ArtifactID)
	if strings.Contains(group, "${") || strings.Contains(artifact, "${") {
		return Project{}, nil
	}
	if strings.Contains(version, "${") {
		version = ""
	}
	if artifact == "" || group == "" {
		return Project{}, nil
	}
	return checked(Project{Name: group + ":" + artifact, Version: version, PURL: purl(packageurl.TypeMaven, group, artifact, version)})
}

// CargoToml reads a Cargo.toml's [package] name and version (a version
// inherited from the workspace is left out).
func CargoToml(data []byte) (Project, error) {
	var m struct {
		Package struct {
			Name    string `toml:"name"`
			Version any    `toml:"version"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &m); err != nil {
		return Project{}, err
	}
	if m.Package.Name == "" {
		return Project{}, nil
	}
	version, _ := m.Package.Version.(string)
	return checked(Project{Name: m.Package.Name, Version: version, PURL: purl(packageurl.TypeCargo, "", m.Package.Name, version)})
}

// pep503 normalises a Python distribution name.
var pep503 = regexp.MustCompile(`[-_.]+`)

// PyProject reads a pyproject.toml's [project] name and version (PEP 621),
// or Poetry's [tool.poetry]; a dynamic version is left out.
func PyProject(data []byte) (Project, error) {
	var m struct {
		Project struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"project"`
		Tool struct {
			Poetry struct {
				Name    string `toml:"name"`
				Version string `toml:"version"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(data), &m); err != nil {
		return Project{}, err
	}
	name, version := m.Project.Name, m.Project.Version
	if name == "" {
		name, version = m.Tool.Poetry.Name, m.Tool.Poetry.Version
	}
	if name == "" {
		return Project{}, nil
	}
	norm := strings.ToLower(pep503.ReplaceAllString(name, "-"))
	return checked(Project{Name: name, Version: version, PURL: purl(packageurl.TypePyPi, "", norm, version)})
}
