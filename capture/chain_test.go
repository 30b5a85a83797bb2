package capture

import (
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestUpstreamProxyChaining: with HTTPS_PROXY in depaudit's own
// environment (a corporate network), upstream requests go through that
// proxy, except for hosts in its NO_PROXY.
func TestUpstreamProxyChaining(t *testing.T) {
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from "+r.Host)
	}))
	defer origin.Close()
	originAddr := origin.Listener.Addr().String()

	var mu sync.Mutex
	var tunnelHosts []string
	corporate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		tunnelHosts = append(tunnelHosts, r.Host)
		mu.Unlock()
		up, err := net.Dial("tcp", originAddr)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, bw, _ := w.(http.Hijacker).Hijack()
		bw.Flush()
		// Read through bw: it may hold the start of the client's TLS
		// handshake, sent right behind the CONNECT.
		go func() { io.Copy(up, bw); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	}))
	defer corporate.Close()

	ca, _ := NewCA(time.Now())
	roots := x509.NewCertPool()
	roots.AddCert(origin.Certificate())
	rec := &recorder{}
	env := map[string]string{"HTTPS_PROXY": corporate.URL, "NO_PROXY": "direct.example.com"}
	p, err := NewProxy(ProxyConfig{
		CA: ca, Record: rec.record, UpstreamRootCAs: roots,
		Getenv: func(k string) string { return env[k] },
		UpstreamDial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			if strings.HasSuffix(addr, ".example.com:443") || strings.HasSuffix(addr, "example.com:443") {
				return d.DialContext(ctx, network, originAddr) // a direct connection
			}
			return d.DialContext(ctx, network, addr) // the corporate proxy itself
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(time.Second)
	tp := &testProxy{Proxy: p, rec: rec, ca: ca}
	c := tp.client(t, false)
	for _, host := range []string{"example.com", "direct.example.com"} {
		resp, err := c.Get("https://" + host + "/x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "from "+host {
			t.Errorf("%s: got %q", host, b)
		}
	}
	// Every tunnel through the corporate proxy is for example.com (the
	// transport may open more than one); direct.example.com is in NO_PROXY.
	mu.Lock()
	hosts := append([]string(nil), tunnelHosts...)
	mu.Unlock()
	if len(hosts) == 0 {
		t.Error("the corporate proxy saw no tunnel")
	}
	for _, h := range hosts {
		if h != "example.com:443" {
			t.Errorf("corporate proxy tunnelled to %s; want only example.com:443 (direct.example.com is in NO_PROXY)", h)
		}
	}
	for _, x := range rec.waitFor(t, 2) {
		if !x.Complete {
			t.Errorf("%+v", x)
		}
	}
}
