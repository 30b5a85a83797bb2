package fakeregistry

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
)

// HostSumDB is the checksum database host a Tamperer serves.
const HostSumDB = "sum.golang.org"

// Tamperer stands in front of a Server and serves other bytes for chosen
// artifact URLs while every metadata document (packuments, simple pages,
// index files, .sha1 sidecars) keeps advertising the original digests: a
// compromised mirror or CDN. It also serves a Go checksum database on
// sum.golang.org, signed with its own key (GoSumDB), that vouches for the
// original module zips. Route clients to it with DialContext and RootCAs.
type Tamperer struct {
	s      *Server
	srv    *httptest.Server
	sumSrv *httptest.Server
	// httpSrv serves the same over plain HTTP (apt's default).
	httpSrv *httptest.Server
	pool    *x509.CertPool
	// bodies are the tampered bodies by host+path.
	bodies map[string][]byte
	vkey   string
}

// Tamper starts a Tamperer serving altered bytes for each of urls (which
// must be artifacts of the manifest). Zips stay valid zips with one file
// changed; other files get bytes appended.
func (s *Server) Tamper(urls ...string) (*Tamperer, error) {
	bodies := map[string][]byte{}
	for _, raw := range urls {
		f, ok := s.manifest.Lookup(raw)
		if !ok {
			return nil, fmt.Errorf("tamper: %s is not a fixture", raw)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("tamper: %w", err)
		}
		b, err := tampered(f.Body)
		if err != nil {
			return nil, err
		}
		bodies[u.Host+u.Path] = b
	}
	return s.startTamperer(bodies)
}

// GoSumDB is the GOSUMDB value that makes the go command trust the
// Tamperer's checksum database.
func (t *Tamperer) GoSumDB() string { return t.vkey }

// RootCAs trusts the fake registry and the checksum database.
func (t *Tamperer) RootCAs() *x509.CertPool { return t.pool }

// Close stops the Tamperer (not the Server behind it).
func (t *Tamperer) Close() {
	t.srv.Close()
	t.sumSrv.Close()
	t.httpSrv.Close()
}

// DialContext routes the served hostnames to the Tamperer and
// sum.golang.org to its checksum database; the rest as Server.DialContext.
func (t *Tamperer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("tamperer: dial %q: %w", addr, err)
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	var d net.Dialer
	if _, ok := t.s.hosts[h]; ok && port == "80" {
		return d.DialContext(ctx, "tcp", t.httpSrv.Listener.Addr().String())
	}
	if port == "443" {
		if h == HostSumDB {
			return d.DialContext(ctx, "tcp", t.sumSrv.Listener.Addr().String())
		}
		if _, ok := t.s.hosts[h]; ok {
			return d.DialContext(ctx, "tcp", t.srv.Listener.Addr().String())
		}
	}
	return t.s.DialContext(ctx, network, addr)
}

func (t *Tamperer) serve(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(r.Host), ":443"), ":80")
	if b, ok := t.bodies[host+r.URL.Path]; ok {
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(b))
		return
	}
	t.s.handler("https").ServeHTTP(w, r)
}

// tampered returns other bytes than b: a zip with its last file changed
// (still a valid zip), anything else with bytes appended.
func tampered(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return append(append([]byte(nil), b...), "\ntampered\n"...), nil
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("tamper zip: %w", err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("tamper zip: %w", err)
		}
		if i == len(zr.File)-1 {
			body = append(body, "\n// tampered\n"...)
		}
		fw, err := zw.Create(f.Name)
		if err != nil {
			return nil, fmt.Errorf("tamper zip: %w", err)
		}
		if _, err := fw.Write(body); err != nil {
			return nil, fmt.Errorf("tamper zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("tamper zip: %w", err)
	}
	return out.Bytes(), nil
}

// GoSum returns the go.sum lines of a fixture module version (its zip's
// and its go.mod's h1), as the checksum database vouches for them: what a
// project that built with it once has in its go.sum.
func (s *Server) GoSum(path, vers string) ([]byte, error) { return s.goSum(path, vers) }

// goSum returns the go.sum lines of a fixture module version, from its
// original zip and go.mod.
func (s *Server) goSum(path, vers string) ([]byte, error) {
	base := "https://" + HostGoProxy + "/" + escapeGoPath(path) + "/@v/" + vers
	zf, ok1 := s.manifest.Lookup(base + ".zip")
	mf, ok2 := s.manifest.Lookup(base + ".mod")
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("no module %s@%s", path, vers)
	}
	tmp, err := os.CreateTemp("", "fakeregistry-*.zip")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(zf.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	zh, err := dirhash.HashZip(tmp.Name(), dirhash.Hash1)
	if err != nil {
		return nil, err
	}
	mh, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(mf.Body)), nil
	})
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%s %s %s\n%s %s/go.mod %s\n", path, vers, zh, path, vers, mh), nil
}

// newX509Pool is a certificate pool trusting several test CAs.
func newX509Pool(cas ...*testCA) *x509.CertPool {
	p := x509.NewCertPool()
	for _, ca := range cas {
		p.AppendCertsFromPEM(ca.certPEM)
	}
	return p
}

// escapeGoPath is module.EscapePath for fixture paths (always valid).
func escapeGoPath(p string) string {
	e, err := module.EscapePath(p)
	if err != nil {
		return p
	}
	return e
}
