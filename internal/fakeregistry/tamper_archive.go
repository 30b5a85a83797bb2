package fakeregistry

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
)

// TamperArchives is Tamper for gzip-compressed tarballs (npm packages,
// crates, sdists): each of urls is served as a valid .tar.gz whose last
// regular file has other contents, so that a client decompresses and
// unpacks it without error and can only notice the change by its digest.
// Other files are altered as Tamper does.
func (s *Server) TamperArchives(urls ...string) (*Tamperer, error) {
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
		b, err := tamperedTarGz(f.Body)
		if errors.Is(err, gzip.ErrHeader) {
			b, err = tampered(f.Body)
		}
		if err != nil {
			return nil, fmt.Errorf("tamper %s: %w", raw, err)
		}
		bodies[u.Host+u.Path] = b
	}
	return s.startTamperer(bodies)
}

// startTamperer starts a Tamperer serving bodies (by host+path) and a
// checksum database vouching for the original modules. The bodies are set
// before the servers start, so no request can see them change.
func (s *Server) startTamperer(bodies map[string][]byte) (*Tamperer, error) {
	t := &Tamperer{s: s, bodies: bodies}
	skey, vkey, err := note.GenerateKey(rand.Reader, HostSumDB)
	if err != nil {
		return nil, fmt.Errorf("tamper: sumdb key: %w", err)
	}
	t.vkey = vkey
	sumCA, err := newTestCA([]string{HostSumDB})
	if err != nil {
		return nil, err
	}
	t.pool = newX509Pool(s.ca, sumCA)
	t.srv = httptest.NewUnstartedServer(http.HandlerFunc(t.serve))
	t.srv.TLS = &tls.Config{Certificates: []tls.Certificate{s.ca.leaf}, MinVersion: tls.VersionTLS12}
	t.srv.StartTLS()
	t.httpSrv = httptest.NewServer(http.HandlerFunc(t.serve))
	t.sumSrv = httptest.NewUnstartedServer(sumdb.NewServer(sumdb.NewTestServer(skey, s.goSum)))
	t.sumSrv.TLS = &tls.Config{Certificates: []tls.Certificate{sumCA.leaf}, MinVersion: tls.VersionTLS12}
	t.sumSrv.StartTLS()
	return t, nil
}

// tamperedTarGz returns b, a gzip-compressed tar archive, with a line
// appended to its last regular file: still a valid .tar.gz. It fails with
// gzip.ErrHeader when b is not gzip data.
func tamperedTarGz(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	type entry struct {
		hdr  *tar.Header
		body []byte
	}
	var entries []entry
	last := -1
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read tar: %w", err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("read tar: %w", err)
		}
		if h.Typeflag == tar.TypeReg {
			last = len(entries)
		}
		entries = append(entries, entry{h, body})
	}
	if last < 0 {
		return nil, errors.New("no regular file in the archive")
	}
	entries[last].body = append(entries[last].body, "\n// tampered\n"...)
	entries[last].hdr.Size = int64(len(entries[last].body))
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		if err := tw.WriteHeader(e.hdr); err != nil {
			return nil, fmt.Errorf("write tar: %w", err)
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, fmt.Errorf("write tar: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("write tar: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("write gzip: %w", err)
	}
	return out.Bytes(), nil
}
