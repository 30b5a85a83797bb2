package fakeregistry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Private registry bases: StartPrivate serves the public fixtures under
// them, as a company's Artifactory or Nexus proxying the public registries
// would, with the URLs inside metadata (npm tarball URLs, PyPI file links)
// rewritten to point back at the private base.
const (
	// PrivateNPMBase is an Artifactory npm remote of registry.npmjs.org.
	PrivateNPMBase = "https://npm.corp.example/api/npm/npm-remote/"
	// PrivatePyPIBase is a Nexus PyPI proxy: simple/ is pypi.org's
	// index, packages/ are files.pythonhosted.org's files.
	PrivatePyPIBase = "https://nexus.corp.example/repository/pypi-proxy/"
	// PrivateGoBase is an Artifactory Go remote of proxy.golang.org.
	PrivateGoBase = "https://artifactory.corp.example/api/go/go/"
	// PrivateMavenBase is a Nexus Maven group of Maven Central.
	PrivateMavenBase = "https://nexus.corp.example/repository/maven-public/"
)

// privateMount is one private base and the public bases it serves.
type privateMount struct {
	base string
	// routes map a path below base (longest first) to a public base.
	routes [][2]string
	// rewrite are old, new pairs replaced in metadata bodies.
	rewrite []string
}

var privateMounts = []privateMount{
	{base: PrivateNPMBase, routes: [][2]string{{"", "https://" + HostNPM + "/"}},
		rewrite: []string{"https://" + HostNPM + "/", PrivateNPMBase}},
	{base: PrivatePyPIBase, routes: [][2]string{{"packages/", "https://" + HostPyPIFiles + "/packages/"}, {"", "https://" + HostPyPI + "/"}},
		rewrite: []string{"https://" + HostPyPIFiles + "/", PrivatePyPIBase, "https://" + HostPyPI + "/", PrivatePyPIBase}},
	{base: PrivateGoBase, routes: [][2]string{{"", "https://" + HostGoProxy + "/"}}},
	{base: PrivateMavenBase, routes: [][2]string{{"", "https://" + HostMaven + "/maven2/"}}},
}

// PrivateServer is a fake registry that also serves the public fixtures
// under private hostnames (PrivateNPMBase, PrivatePyPIBase, PrivateGoBase,
// PrivateMavenBase), over TLS with a certificate of its own test CA. It
// embeds the public Server, which keeps serving the public hostnames;
// Served lists the responses of both, private ones under their private URL.
type PrivateServer struct {
	*Server
	ca    *testCA
	pool  *x509.CertPool
	ln    net.Listener
	srv   *http.Server
	hosts map[string]bool
	wg    sync.WaitGroup
}

// StartPrivate starts a public fake registry with opts and the private
// registries in front of it.
func StartPrivate(opts Options) (p *PrivateServer, err error) {
	pub, err := Start(opts)
	if err != nil {
		return nil, err
	}
	p = &PrivateServer{Server: pub, hosts: map[string]bool{}}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	for _, m := range privateMounts {
		u, err := url.Parse(m.base)
		if err != nil {
			return nil, fmt.Errorf("private registry base %s: %w", m.base, err)
		}
		p.hosts[u.Hostname()] = true
	}
	p.ca, err = newTestCA(p.Hosts())
	if err != nil {
		return nil, fmt.Errorf("private registry CA: %w", err)
	}
	p.pool = x509.NewCertPool()
	p.pool.AppendCertsFromPEM(pub.CAPEM())
	p.pool.AppendCertsFromPEM(p.ca.certPEM)
	p.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("private registry listener: %w", err)
	}
	errLog := pub.tlsSrv.ErrorLog
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serve),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{p.ca.leaf}, MinVersion: tls.VersionTLS12},
		ErrorLog:          errLog,
		ReadHeaderTimeout: 30 * time.Second,
	}
	p.wg.Add(1)
	go func() { defer p.wg.Done(); _ = p.srv.ServeTLS(p.ln, "", "") }()
	return p, nil
}

// Close stops the private and the public registries.
func (p *PrivateServer) Close() error {
	var errs []error
	if p.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := p.srv.Shutdown(ctx); err != nil {
			errs = append(errs, p.srv.Close())
		}
		cancel()
	} else if p.ln != nil {
		p.ln.Close()
	}
	p.wg.Wait()
	errs = append(errs, p.Server.Close())
	return errors.Join(errs...)
}

// Hosts returns the private hostnames, sorted.
func (p *PrivateServer) Hosts() []string {
	out := make([]string, 0, len(p.hosts))
	for h := range p.hosts {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// RootCAs returns a pool holding the test CAs of the public and the
// private registries.
func (p *PrivateServer) RootCAs() *x509.CertPool { return p.pool }

// CAPEM returns both test CA certificates in PEM form.
func (p *PrivateServer) CAPEM() []byte {
	return append(p.Server.CAPEM(), p.ca.certPEM...)
}

// DialContext routes the private hostnames (port 443) to the private
// registry and everything else as Server.DialContext does.
func (p *PrivateServer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fakeregistry: dial %q: %w", addr, err)
	}
	if h := strings.TrimSuffix(strings.ToLower(host), "."); p.hosts[h] {
		if port != "443" && port != "https" {
			return nil, fmt.Errorf("fakeregistry: private host %s is served on port 443 only, not %s", h, port)
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", p.ln.Addr().String())
	}
	return p.Server.DialContext(ctx, network, addr)
}

// PublicURL returns the public URL a private URL serves, for looking its
// file up in the Manifest.
func (p *PrivateServer) PublicURL(privateURL string) (string, bool) {
	for _, m := range privateMounts {
		rest, ok := strings.CutPrefix(privateURL, m.base)
		if !ok {
			continue
		}
		for _, r := range m.routes {
			if strings.HasPrefix(rest, r[0]) {
				return r[1] + rest[len(r[0]):], true
			}
		}
	}
	return "", false
}

// serve answers a request to a private host with the public registry's
// response for the matching public URL, its metadata rewritten.
func (p *PrivateServer) serve(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	privateURL := "https://" + host + r.URL.EscapedPath()
	hw := newHashingWriter(w)
	defer func() {
		p.record(Served{Method: r.Method, URL: "https://" + host + r.RequestURI, Host: host, Status: hw.status(),
			Bytes: hw.n, SHA256: hw.sum256(), SHA512: hw.sum512(), SHA1: hw.sum1()})
	}()
	var mount *privateMount
	for i := range privateMounts {
		if strings.HasPrefix(privateURL, privateMounts[i].base) {
			mount = &privateMounts[i]
			break
		}
	}
	target, ok := p.PublicURL(privateURL)
	if mount == nil || !ok {
		http.Error(hw, "fakeregistry: not found: "+privateURL, http.StatusNotFound)
		return
	}
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	tu, err := url.Parse(target)
	if err != nil {
		http.Error(hw, "fakeregistry: bad path", http.StatusBadRequest)
		return
	}
	h, ok := p.Server.hosts[tu.Host]
	if !ok {
		http.Error(hw, "fakeregistry: no public host "+tu.Host, http.StatusMisdirectedRequest)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL = tu
	r2.Host = tu.Host
	r2.RequestURI = tu.RequestURI()
	if len(mount.rewrite) == 0 {
		h.ServeHTTP(hw, r2)
		return
	}
	// Metadata names the public hosts: buffer the response and point
	// those URLs at the private base, as a registry proxy does.
	r2.Header.Del("Range")
	r2.Header.Del("If-None-Match")
	r2.Header.Del("If-Modified-Since")
	buf := &bufferedResponse{header: http.Header{}}
	h.ServeHTTP(buf, r2)
	body := buf.body.Bytes()
	if buf.code == 0 || buf.code == http.StatusOK {
		ct := buf.header.Get("Content-Type")
		if strings.Contains(ct, "json") || strings.Contains(ct, "html") {
			body = bytes.Clone(body)
			for i := 0; i+1 < len(mount.rewrite); i += 2 {
				body = bytes.ReplaceAll(body, []byte(mount.rewrite[i]), []byte(mount.rewrite[i+1]))
			}
			buf.header.Del("ETag")
			if r.Method != http.MethodHead {
				buf.header.Set("Content-Length", strconv.Itoa(len(body)))
			}
		}
	}
	for k, vs := range buf.header {
		hw.Header()[k] = vs
	}
	code := buf.code
	if code == 0 {
		code = http.StatusOK
	}
	hw.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = hw.Write(body)
	}
}

// bufferedResponse keeps a whole response in memory.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}
