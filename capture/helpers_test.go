package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// recorder collects exchanges.
type recorder struct {
	mu sync.Mutex
	xs []*Exchange
}

func (r *recorder) record(x *Exchange) {
	r.mu.Lock()
	r.xs = append(r.xs, x)
	r.mu.Unlock()
}

func (r *recorder) all() []*Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Exchange(nil), r.xs...)
}

// waitFor polls until n exchanges were recorded (they are recorded when the
// client has read the body, which may be just after the client returns).
func (r *recorder) waitFor(t *testing.T, n int) []*Exchange {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if xs := r.all(); len(xs) >= n {
			return xs
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("recorded %d exchanges, want %d", len(r.all()), n)
	return nil
}

// testProxy is a Proxy whose upstream connections all go to one origin.
type testProxy struct {
	*Proxy
	rec    *recorder
	ca     *CA
	origin *httptest.Server
}

// newTestProxy starts origin (TLS unless plain) with handler and a proxy
// that routes every upstream host to it and trusts its certificate; opts
// may change the proxy's configuration.
func newTestProxy(t *testing.T, handler http.Handler, plain bool, opts ...func(*ProxyConfig)) *testProxy {
	t.Helper()
	origin := httptest.NewUnstartedServer(handler)
	origin.Config.ErrorLog = log.New(io.Discard, "", 0)
	if plain {
		origin.Start()
	} else {
		origin.StartTLS()
	}
	t.Cleanup(origin.Close)
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !plain {
		roots.AddCert(origin.Certificate())
	}
	rec := &recorder{}
	addr := origin.Listener.Addr().String()
	cfg := ProxyConfig{
		CA:              ca,
		Record:          rec.record,
		UpstreamRootCAs: roots,
		UpstreamDial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := NewProxy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(time.Second) })
	return &testProxy{Proxy: p, rec: rec, ca: ca, origin: origin}
}

// client returns an HTTP client that uses the proxy with its credential
// (or without, when anonymous) and trusts the proxy's CA.
func (tp *testProxy) client(t *testing.T, anonymous bool) *http.Client {
	t.Helper()
	pu, err := url.Parse(tp.URL())
	if err != nil {
		t.Fatal(err)
	}
	if anonymous {
		pu.User = nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(tp.ca.Cert)
	return &http.Client{
		Transport: &http.Transport{
			Proxy:              http.ProxyURL(pu),
			TLSClientConfig:    &tls.Config{RootCAs: pool},
			DisableCompression: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// openTunnel connects to the proxy p and opens a CONNECT tunnel to host
// (port 443) with the run's credential, returning the raw connection,
// ready for the client's TLS handshake. The caller closes it.
func openTunnel(t *testing.T, p *Proxy, host string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "CONNECT %s:443 HTTP/1.1\r\nHost: %s:443\r\nProxy-Authorization: %s\r\n\r\n", host, host, p.authValue)
	// Nothing follows the answer until the client speaks, so the reader
	// holds nothing more than it.
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != http.StatusOK {
		conn.Close()
		t.Fatalf("CONNECT %s: %v %v", host, resp, err)
	}
	return conn
}
