package fakeregistry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Hostnames the fake registry serves.
const (
	HostNPM          = "registry.npmjs.org"
	HostYarn         = "registry.yarnpkg.com"
	HostPyPI         = "pypi.org"
	HostPyPIFiles    = "files.pythonhosted.org"
	HostGoProxy      = "proxy.golang.org"
	HostCratesIndex  = "index.crates.io"
	HostCratesStatic = "static.crates.io"
	HostCrates       = "crates.io"
	HostMaven        = "repo.maven.apache.org"
	HostMaven1       = "repo1.maven.org"
	HostGitHub       = "github.com"
	HostCodeload     = "codeload.github.com"
	HostGitHubAssets = "objects.githubusercontent.com"
	HostGeneric      = "downloads.example-tools.test"
	// The hosts of the other ecosystems are named in their own files.
)

// Options select a variant of the fixtures. The zero value is the base
// registry; variants let diff tests compare two builds.
type Options struct {
	// Upgrade adds a newer version of one package per ecosystem, which the
	// clients then resolve instead of the base one (npm hello-dep 2.1.0,
	// PyPI tiny-dep 0.4, cargo dep 0.2.1, the generic tool 1.5.0, …).
	Upgrade bool
	// Republish serves different bytes for the same versions of one
	// artifact per ecosystem (npm hello-lib 1.2.0, PyPI tiny-wheel 1.0.0,
	// crate fixture-crate 0.1.0, the Maven jar fixture-lib 1.0.0, the Go
	// module github.com/Example/Upper v1.0.0 and the generic binary).
	Republish bool
	// LongHistory also serves the npm package long-history, whose packument
	// lists LongHistoryVersions versions (one of them real, 1.0.0): the
	// published digests of a popular package, without its files. Off by
	// default, because building that packument costs every start.
	LongHistory bool
	// NoCoreMetadata serves PyPI's wheels without their PEP 658 core
	// metadata files, as many private mirrors do: pip then reads what it
	// needs from the wheels themselves.
	NoCoreMetadata bool
	// ErrorLog receives the HTTP servers' errors; nil discards them.
	ErrorLog *log.Logger
}

// Served is one response the fake registry sent.
type Served struct {
	Method string
	// URL is the absolute request URL as received (scheme from the listener).
	URL    string
	Host   string
	Status int
	// Bytes is the number of body bytes written.
	Bytes int64
	// SHA256, SHA512 and SHA1 are hex digests of the body bytes written.
	SHA256, SHA512, SHA1 string
}

// Server is a running fake registry. Create it with Start; Close it.
type Server struct {
	opts     Options
	ca       *testCA
	manifest *Manifest
	hosts    map[string]http.Handler
	tlsLn    net.Listener
	httpLn   net.Listener
	tlsSrv   *http.Server
	httpSrv  *http.Server
	tmpDir   string
	git      *gitBackend
	wg       sync.WaitGroup

	mu     sync.Mutex
	served []Served
}

// Start generates the fixtures, the test CA and its certificate, and starts
// the TLS and plain-HTTP listeners on 127.0.0.1.
func Start(opts Options) (*Server, error) {
	s := &Server{opts: opts, manifest: newManifest(), hosts: map[string]http.Handler{}}
	if err := s.start(opts); err != nil {
		if cerr := s.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("clean up: %w", cerr))
		}
		return nil, err
	}
	return s, nil
}

// start does the steps of Start on s; on an error, Close undoes what was done.
func (s *Server) start(opts Options) (err error) {
	s.tmpDir, err = os.MkdirTemp("", "fakeregistry-")
	if err != nil {
		return fmt.Errorf("fake registry temp dir: %w", err)
	}
	b := newBuilder(opts, s.manifest)
	for _, add := range []func(*builder) error{addNPM, addPyPI, addGo, addCargo, addMaven, addGitHub, addGeneric,
		addDeb, addOCI, addRPM, addGem, addComposer, addNuGet, addConda, addToolchains, addAPK, addHuggingFace,
		addPub, addHex, addCRAN, addCocoaPods, addHelm} {
		if err := add(b); err != nil {
			return err
		}
	}
	git, err := newGitBackend(s.tmpDir)
	if err != nil {
		return err
	}
	s.git = git
	b.handle(HostGitHub, git)
	for h := range b.hosts {
		s.hosts[h] = b.hosts[h]
	}
	hosts := s.Hosts()
	s.ca, err = newTestCA(hosts)
	if err != nil {
		return fmt.Errorf("fake registry CA: %w", err)
	}
	errLog := opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	s.tlsLn, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("fake registry TLS listener: %w", err)
	}
	s.httpLn, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("fake registry HTTP listener: %w", err)
	}
	s.tlsSrv = &http.Server{
		Handler:           s.handler("https"),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{s.ca.leaf}, MinVersion: tls.VersionTLS12},
		ErrorLog:          errLog,
		ReadHeaderTimeout: 30 * time.Second,
	}
	s.httpSrv = &http.Server{Handler: s.handler("http"), ErrorLog: errLog, ReadHeaderTimeout: 30 * time.Second}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); _ = s.tlsSrv.ServeTLS(s.tlsLn, "", "") }()
	go func() { defer s.wg.Done(); _ = s.httpSrv.Serve(s.httpLn) }()
	return nil
}

// Close stops the listeners and removes the temporary git repository.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range []*http.Server{s.tlsSrv, s.httpSrv} {
		if srv != nil {
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, srv.Close())
			}
		}
	}
	if s.tlsSrv == nil && s.tlsLn != nil {
		s.tlsLn.Close()
	}
	if s.httpSrv == nil && s.httpLn != nil {
		s.httpLn.Close()
	}
	s.wg.Wait()
	if s.tmpDir != "" {
		errs = append(errs, os.RemoveAll(s.tmpDir))
	}
	return errors.Join(errs...)
}

// Hosts returns the served hostnames, sorted.
func (s *Server) Hosts() []string {
	out := make([]string, 0, len(s.hosts))
	for h := range s.hosts {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// RootCAs returns a pool holding only the fake registry's test CA.
func (s *Server) RootCAs() *x509.CertPool { return s.ca.pool }

// CAPEM returns the test CA certificate in PEM form.
func (s *Server) CAPEM() []byte { return append([]byte(nil), s.ca.certPEM...) }

// TLSAddr returns the TLS listener's address (127.0.0.1:port).
func (s *Server) TLSAddr() string { return s.tlsLn.Addr().String() }

// HTTPAddr returns the plain-HTTP listener's address (127.0.0.1:port).
func (s *Server) HTTPAddr() string { return s.httpLn.Addr().String() }

// GitCommit returns the commit that branch main and tag v1.2.3 of
// GitRepoURL point at, empty when git is not installed.
func (s *Server) GitCommit() string { return s.git.commit }

// Manifest returns the list of fixed files served.
func (s *Server) Manifest() *Manifest { return s.manifest }

// DialContext routes a served hostname to the fake registry: host:443 to
// the TLS listener, host:80 to the plain-HTTP one. Loopback addresses are
// dialled as they are; any other address is refused, so that a test can
// never reach the network. It has the signature of net.Dialer.DialContext.
func (s *Server) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fakeregistry: dial %q: %w", addr, err)
	}
	var d net.Dialer
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if _, ok := s.hosts[h]; ok {
		switch port {
		case "443", "https":
			return d.DialContext(ctx, "tcp", s.TLSAddr())
		case "80", "http":
			return d.DialContext(ctx, "tcp", s.HTTPAddr())
		}
		return nil, fmt.Errorf("fakeregistry: %s is served on ports 443 and 80 only, not %s", h, port)
	}
	if ip := net.ParseIP(h); (ip != nil && ip.IsLoopback()) || h == "localhost" {
		return d.DialContext(ctx, network, addr)
	}
	return nil, fmt.Errorf("fakeregistry: no route to %s: tests must not reach the network", addr)
}

// Client returns an HTTP client that reaches the fake registry's hosts
// directly (no proxy), trusting its CA. Redirects are not followed, and
// bodies are returned as served (a gzip-encoded one is not decoded).
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:        s.DialContext,
			TLSClientConfig:    &tls.Config{RootCAs: s.RootCAs()},
			Proxy:              nil,
			DisableCompression: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Served returns every response sent so far, in the order they finished.
func (s *Server) Served() []Served {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Served(nil), s.served...)
}

// ResetServed forgets the responses sent so far.
func (s *Server) ResetServed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served = nil
}

func (s *Server) record(sv Served) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served = append(s.served, sv)
}

// handler routes by Host and records every response.
func (s *Server) handler(scheme string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		hw := newHashingWriter(w)
		defer func() {
			u := url.URL{Scheme: scheme, Host: host, Opaque: ""}
			s.record(Served{
				Method: r.Method,
				URL:    u.String() + r.RequestURI,
				Host:   host,
				Status: hw.status(),
				Bytes:  hw.n,
				SHA256: hw.sum256(), SHA512: hw.sum512(), SHA1: hw.sum1(),
			})
		}()
		h, ok := s.hosts[host]
		if !ok {
			http.Error(hw, "fakeregistry: unknown host "+host, http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(hw, r)
	})
}
