package project

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/package-url/packageurl-go"
)

func TestReaders(t *testing.T) {
	for _, c := range []struct {
		name string
		read func([]byte) (Project, error)
		in   string
		want Project
		err  bool
	}{
		{"go.mod", GoMod, "module github.com/depaudit/depaudit\n\ngo 1.26\n\nrequire (\n\tgolang.org/x/mod v0.43.0\n\tgithub.com/a/b v1.0.0 // indirect\n)\n",
			Project{Name: "github.com/depaudit/depaudit", PURL: "pkg:golang/github.com/depaudit/depaudit", Ecosystem: "golang",
				Requires: []string{"golang.org/x/mod@v0.43.0", "github.com/a/b@v1.0.0"}}, false},
		{"go.mod one element", GoMod, "module example\n", Project{Name: "example", PURL: "pkg:golang/example", Ecosystem: "golang"}, false},
		{"go.mod without module", GoMod, "go 1.26\n", Project{}, false},
		{"package.json", PackageJSON, `{"name":"@acme/web-shop","version":"2.1.0","private":true,"dependencies":{"express":"^4.18.0"},"devDependencies":{"jest":"29"}}`,
			Project{Name: "@acme/web-shop", Version: "2.1.0", PURL: "pkg:npm/%40acme/web-shop@2.1.0", Ecosystem: "npm",
				Requires: []string{"express ^4.18.0", "jest 29"}}, false},
		{"package.json unnamed", PackageJSON, `{"private":true}`, Project{}, false},
		{"package.json broken", PackageJSON, `{"name":`, Project{}, true},
		{"pom.xml", POM, `<project><modelVersion>4.0.0</modelVersion><groupId>org.acme</groupId><artifactId>shop</artifactId><version>1.4.0</version></project>`,
			Project{Name: "org.acme:shop", Version: "1.4.0", PURL: "pkg:maven/org.acme/shop@1.4.0"}, false},
		{"pom.xml from parent", POM, `<project><parent><groupId>org.acme</groupId><artifactId>parent</artifactId><version>7</version></parent><artifactId>shop</artifactId></project>`,
			Project{Name: "org.acme:shop", Version: "7", PURL: "pkg:maven/org.acme/shop@7"}, false},
		{"pom.xml property version", POM, `<project><groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version></project>`,
			Project{Name: "g:a", PURL: "pkg:maven/g/a"}, false},
		{"pom.xml broken", POM, `<project><groupId>g</groupId>`, Project{}, true},
		{"Cargo.toml", CargoToml, "[package]\nname = \"shop\"\nversion = \"0.3.1\"\n",
			Project{Name: "shop", Version: "0.3.1", PURL: "pkg:cargo/shop@0.3.1"}, false},
		{"Cargo.toml workspace version", CargoToml, "[package]\nname = \"shop\"\nversion.workspace = true\n",
			Project{Name: "shop", PURL: "pkg:cargo/shop"}, false},
		{"Cargo.toml workspace root", CargoToml, "[workspace]\nmembers = [\"a\"]\n", Project{}, false},
		{"pyproject.toml", PyProject, "[project]\nname = \"Web_Shop\"\nversion = \"1.0\"\n",
			Project{Name: "Web_Shop", Version: "1.0", PURL: "pkg:pypi/web-shop@1.0"}, false},
		{"pyproject.toml poetry", PyProject, "[tool.poetry]\nname = \"shop\"\nversion = \"2.0.0\"\n",
			Project{Name: "shop", Version: "2.0.0", PURL: "pkg:pypi/shop@2.0.0"}, false},
		{"pyproject.toml broken", PyProject, "[project\n", Project{}, true},
	} {
		got, err := c.read([]byte(c.in))
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, %v; want %+v (error %v)", c.name, got, err, c.want, c.err)
		}
	}
}

// TestDetect: the build command's manifest wins where there are several;
// otherwise the fixed order; none, or a manifest that names nothing, is no
// project; a broken one is an error naming it.
func TestDetect(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := Detect(dir, []string{"make"}); ok || err != nil {
		t.Fatalf("empty dir: ok %v, %v", ok, err)
	}
	write("go.mod", "module example.com/tool\n")
	write("package.json", `{"name":"tool-ui","version":"0.1.0"}`)
	for cmd, want := range map[string]string{"go": "go.mod", "npm": "package.json", "/usr/bin/go": "go.mod", "make": "package.json"} {
		p, ok, err := Detect(dir, []string{cmd, "build"})
		if !ok || err != nil || p.Manifest != want {
			t.Errorf("%s: %+v %v %v, want %s", cmd, p, ok, err, want)
		}
	}
	write("package.json", `{"name":`)
	if _, _, err := Detect(dir, []string{"npm"}); err == nil {
		t.Error("a broken package.json is no error")
	}
}

// FuzzReaders: no manifest crashes a reader, and every purl read parses.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{"module a/b\n", `{"name":"@s/n","version":"1"}`, "<project><groupId>g</groupId><artifactId>a</artifactId></project>",
		"[package]\nname=\"x\"\n", "[project]\nname=\"X.y\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func([]byte) (Project, error){GoMod, PackageJSON, POM, CargoToml, PyProject} {
			p, err := read(data)
			if err != nil || p.PURL == "" {
				continue
			}
			if _, err := packageurl.FromString(p.PURL); err != nil {
				t.Fatalf("%+v: purl does not parse: %v", p, err)
			}
		}
	})
}
