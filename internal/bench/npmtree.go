package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha512"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// npmTree is a fake npm registry on loopback serving a tree of packages as
// a real-sized install sees it: each package has a packument listing many
// published versions (with their integrity and shasum, as the npm
// registry's do) and one tarball of a realistic size for the version the
// tree requires; package i depends on 2i+1 and 2i+2.
type npmTree struct {
	url    string // the registry's base URL, with a trailing slash
	server *http.Server
	files  map[string][]byte
	served atomic.Int64
}

// npmTreeVersions is how many versions each packument lists; the npm
// registry's packuments list 30 on the median of a real install's and
// thousands for the largest.
const npmTreeVersions = 60

// startNPMTree serves n packages whose tarballs hold size bytes of
// incompressible data each, at https://localhost:PORT/ (npm does not
// check an IP address's certificate through a proxy: it checks the name
// "localhost" instead), on both loopback addresses where there are two.
func startNPMTree(ca *capture.CA, n, size int) (*npmTree, error) {
	cert, err := ca.Leaf("localhost")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	listeners := []net.Listener{l}
	if l6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port)); err == nil {
		listeners = append(listeners, l6)
	}
	t := &npmTree{url: fmt.Sprintf("https://localhost:%d/", port), files: map[string][]byte{}}
	r := rand.New(rand.NewChaCha8([32]byte{'n', 'p', 'm'}))
	for i := range n {
		name := npmTreeName(i)
		deps := map[string]string{}
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < n {
				deps[npmTreeName(c)] = "^1.0.0"
			}
		}
		tgz, err := npmTreeTarball(name, deps, size, r)
		if err != nil {
			return nil, err
		}
		tarball := name + "/-/" + name + "-1.0.0.tgz"
		t.files[tarball] = tgz
		versions := map[string]any{}
		times := map[string]string{}
		for v := range npmTreeVersions {
			version := fmt.Sprintf("0.%d.%d", v/10, v%10)
			integrity, shasum := make([]byte, 64), make([]byte, 20)
			for j := range integrity {
				integrity[j] = byte(r.Uint32())
			}
			for j := range shasum {
				shasum[j] = byte(r.Uint32())
			}
			if v == npmTreeVersions-1 {
				version = "1.0.0"
				s512, s1 := sha512.Sum512(tgz), sha1.Sum(tgz)
				integrity, shasum = s512[:], s1[:]
			}
			versions[version] = map[string]any{
				"name": name, "version": version, "dependencies": deps, "license": "MIT",
				"description": "a package of the depaudit benchmark's tree",
				"dist": map[string]any{
					"tarball":   t.url + name + "/-/" + name + "-" + version + ".tgz",
					"integrity": "sha512-" + base64.StdEncoding.EncodeToString(integrity),
					"shasum":    hex.EncodeToString(shasum),
				},
			}
			times[version] = "2024-01-01T00:00:00.000Z"
		}
		doc, err := json.Marshal(map[string]any{"name": name, "dist-tags": map[string]string{"latest": "1.0.0"}, "versions": versions, "time": times})
		if err != nil {
			return nil, err
		}
		t.files[name] = doc
	}
	t.server = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, ok := t.files[strings.TrimPrefix(req.URL.Path, "/")]
			if !ok {
				http.NotFound(w, req)
				return
			}
			if strings.HasSuffix(req.URL.Path, ".tgz") {
				w.Header().Set("Content-Type", "application/octet-stream")
			} else {
				w.Header().Set("Content-Type", "application/json")
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			n, _ := w.Write(body)
			t.served.Add(int64(n))
		}),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{*cert}},
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	for _, l := range listeners {
		go t.server.ServeTLS(l, "", "")
	}
	return t, nil
}

func npmTreeName(i int) string { return fmt.Sprintf("bench-pkg-%03d", i) }

// npmTreeTarball is a package tarball: package/package.json and size
// bytes of data that gzip cannot shrink.
func npmTreeTarball(name string, deps map[string]string, size int, r *rand.Rand) ([]byte, error) {
	pj, err := json.Marshal(map[string]any{"name": name, "version": "1.0.0", "license": "MIT", "dependencies": deps})
	if err != nil {
		return nil, err
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		body []byte
	}{{"package/package.json", pj}, {"package/data.bin", data}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (t *npmTree) close() { t.server.Close() }

// npmInstallFigures are what one install of the tree measured.
type npmInstallFigures struct {
	wall time.Duration
	// peak is the peak RSS of depaudit's own process (not npm's).
	peak int64
	// logBytes is the capture log's size, served the bytes the registry
	// sent.
	logBytes, served int64
	packages         int
}

// npmInstall installs the tree's root package with npm into a new
// directory under dir, directly (bin empty) or under `bin build`, and
// measures it. caFile is the registry's CA.
func npmInstall(dir, bin string, tree *npmTree, caFile string, run int) (npmInstallFigures, error) {
	var f npmInstallFigures
	npm, err := exec.LookPath("npm")
	if err != nil {
		return f, fmt.Errorf("npm not installed: %w", err)
	}
	proj := filepath.Join(dir, fmt.Sprintf("npm-tree-%d", run))
	if err := os.MkdirAll(proj, 0o755); err != nil {
		return f, err
	}
	pkg := `{"name":"bench-app","version":"1.0.0","private":true,"dependencies":{"` + npmTreeName(0) + `":"^1.0.0"}}`
	if err := os.WriteFile(filepath.Join(proj, "package.json"), []byte(pkg), 0o644); err != nil {
		return f, err
	}
	rules := filepath.Join(proj, "rules.yaml")
	if err := os.WriteFile(rules, []byte("registries:\n  - url: "+tree.url+"\n    ecosystem: npm\n"), 0o644); err != nil {
		return f, err
	}
	capturePath := filepath.Join(proj, "capture.jsonl")
	args := []string{npm, "install", "--prefix", proj, "--registry", tree.url, "--cache", filepath.Join(proj, "cache"),
		"--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"}
	if bin != "" {
		args = append([]string{bin, "build", "--rules", rules, "--capture", capturePath, "-o", filepath.Join(proj, "sbom.cdx.json"), "--"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caFile, "SSL_CERT_FILE="+caFile, "npm_config_update_notifier=false")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	before := tree.served.Load()
	// (The peak is depaudit's own: npm's memory is not counted.)
	var peak int64
	f.wall, peak, err = runWatched(cmd)
	if bin != "" {
		f.peak = peak
	}
	if err != nil {
		return f, fmt.Errorf("%s: %v\n%s", strings.Join(args[:2], " "), err, stderr.String())
	}
	f.served = tree.served.Load() - before
	if bin != "" {
		fi, err := os.Stat(capturePath)
		if err != nil {
			return f, err
		}
		f.logBytes = fi.Size()
		l, err := readLog(capturePath)
		if err != nil {
			return f, err
		}
		for _, x := range l.Exchanges {
			if strings.HasSuffix(x.URL, ".tgz") && x.Complete {
				f.packages++
			}
		}
	}
	return f, nil
}
