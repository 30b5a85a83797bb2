package fakeregistry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// memFile is an in-memory file for golang.org/x/mod/zip.Create.
type memFile struct {
	path string
	body []byte
}

func (f memFile) Path() string                 { return f.path }
func (f memFile) Lstat() (os.FileInfo, error)  { return memInfo{f}, nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.body)), nil }

type memInfo struct{ f memFile }

func (i memInfo) Name() string       { return i.f.path[strings.LastIndex(i.f.path, "/")+1:] }
func (i memInfo) Size() int64        { return int64(len(i.f.body)) }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return fixtureTime }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// goModule is one version of a fake Go module.
type goModule struct {
	path, version string
	files         []memFile // must include go.mod
}

func (m goModule) goMod() []byte {
	for _, f := range m.files {
		if f.path == "go.mod" {
			return f.body
		}
	}
	return nil
}

func goSource(pkg, version, extra string) []byte {
	return []byte(fmt.Sprintf("// Package %s is a depaudit fixture%s.\npackage %s\n\n// Version is the module version.\nconst Version = %q\n", pkg, extra, pkg, version))
}

func addGo(b *builder) error {
	upperExtra := ""
	if b.opts.Republish {
		upperExtra = " (republished)"
	}
	upperMod := []byte("module github.com/Example/Upper\n\ngo 1.21\n")
	mods := []goModule{
		{path: "github.com/Example/Upper", version: "v1.0.0", files: []memFile{
			{"go.mod", upperMod}, {"upper.go", goSource("upper", "v1.0.0", upperExtra)}}},
		{path: "github.com/example/mod/v2", version: "v2.1.0", files: []memFile{
			{"go.mod", []byte("module github.com/example/mod/v2\n\ngo 1.21\n\nrequire github.com/Example/Upper v1.0.0 // indirect\n")}, {"mod.go", goSource("mod", "v2.1.0", "")}}},
	}
	if b.opts.Upgrade {
		mods = append(mods, goModule{path: "github.com/Example/Upper", version: "v1.1.0", files: []memFile{
			{"go.mod", upperMod}, {"upper.go", goSource("upper", "v1.1.0", "")}}})
	}
	lists := map[string][]string{}
	var order []string
	for _, m := range mods {
		if err := addGoModule(b, m); err != nil {
			return err
		}
		if _, ok := lists[m.path]; !ok {
			order = append(order, m.path)
		}
		lists[m.path] = append(lists[m.path], m.version)
	}
	for _, p := range order {
		esc, err := module.EscapePath(p)
		if err != nil {
			return fmt.Errorf("go module path %s: %w", p, err)
		}
		vs := lists[p]
		list := []byte(strings.Join(vs, "\n") + "\n")
		latest, err := goInfo(vs[len(vs)-1])
		if err != nil {
			return err
		}
		b.serveFunc(HostGoProxy, "/"+esc+"/@v/list", func(w http.ResponseWriter, r *http.Request) {
			writeBody(w, r, "text/plain; charset=utf-8", list)
		})
		b.serveFunc(HostGoProxy, "/"+esc+"/@latest", func(w http.ResponseWriter, r *http.Request) {
			writeBody(w, r, "application/json", latest)
		})
	}
	// The checksum database is not served: tests run with GOSUMDB=off, and a
	// 404 here makes the go command fall back to sum.golang.org directly.
	b.serveFunc(HostGoProxy, "/sumdb/sum.golang.org/supported", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not found", http.StatusNotFound)
	})
	return nil
}

func goInfo(version string) ([]byte, error) {
	info, err := json.Marshal(map[string]string{"Version": version, "Time": fixtureTime.Format(time.RFC3339)})
	if err != nil {
		return nil, fmt.Errorf("go info %s: %w", version, err)
	}
	return info, nil
}

func addGoModule(b *builder, m goModule) error {
	esc, err := module.EscapePath(m.path)
	if err != nil {
		return fmt.Errorf("go module path %s: %w", m.path, err)
	}
	files := make([]modzip.File, len(m.files))
	for i, f := range m.files {
		files[i] = f
	}
	var zbuf bytes.Buffer
	if err := modzip.Create(&zbuf, module.Version{Path: m.path, Version: m.version}, files); err != nil {
		return fmt.Errorf("go module zip %s@%s: %w", m.path, m.version, err)
	}
	info, err := goInfo(m.version)
	if err != nil {
		return err
	}
	base := "https://" + HostGoProxy + "/" + esc + "/@v/" + m.version
	purl := "pkg:golang/" + m.path + "@" + m.version
	b.file(File{URL: base + ".info", Ecosystem: "golang", Kind: KindMetadata, ContentType: "application/json", Body: info})
	b.file(File{URL: base + ".mod", Ecosystem: "golang", Kind: KindMetadata, ContentType: "text/plain; charset=utf-8", Body: m.goMod()})
	b.file(File{URL: base + ".zip", Ecosystem: "golang", Kind: KindArtifact, PURL: purl, ContentType: "application/zip", Body: zbuf.Bytes()})
	return nil
}
