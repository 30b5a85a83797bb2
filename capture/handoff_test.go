package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// pipeClient returns an HTTP client whose every connection is one end of a
// pipe whose other end is handed to the proxy with info.
func pipeClient(p *Proxy, info ConnInfo, roots *x509.CertPool) *http.Client {
	dial := func(context.Context, string, string) (net.Conn, error) {
		c, s := net.Pipe()
		if err := p.ServeConn(s, info); err != nil {
			return nil, err
		}
		return c, nil
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:              nil,
		DialContext:        dial,
		TLSClientConfig:    &tls.Config{RootCAs: roots},
		DisableCompression: true,
	}, Timeout: 10 * time.Second}
}

func TestServeConnTransparent(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
		url  string
		want string
	}{
		{"TLS by SNI", true, "https://registry.example.com/pkg.tgz", "https://registry.example.com/pkg.tgz"},
		{"HTTP by Host", false, "http://registry.example.com/pkg.tgz", "http://registry.example.com/pkg.tgz"},
		{"TLS on another port", true, "https://registry.example.com:8443/pkg.tgz", "https://registry.example.com:8443/pkg.tgz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "tarball bytes")
			}), !tc.tls)
			port := uint16(443)
			if !tc.tls {
				port = 80
			}
			if tc.url == "https://registry.example.com:8443/pkg.tgz" {
				port = 8443
			}
			info := ConnInfo{Transparent: true, TLS: tc.tls, Dest: netip.AddrPortFrom(netip.MustParseAddr("198.18.0.1"), port), Name: "registry.example.com"}
			roots := x509.NewCertPool()
			roots.AddCert(tp.ca.Cert)
			resp, err := pipeClient(tp.Proxy, info, roots).Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "tarball bytes" {
				t.Errorf("body %q", body)
			}
			xs := tp.rec.waitFor(t, 1)
			if x := xs[0]; !x.Transparent || x.URL != tc.want || !x.Complete || x.SHA256 == "" {
				t.Errorf("recorded %+v", x)
			}
		})
	}
}

// A connection handed over as one to the proxy's port needs the run's
// credential unless the network vouches for it.
func TestServeConnProxyPort(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), true)
	for _, trusted := range []bool{false, true} {
		c, s := net.Pipe()
		if err := tp.ServeConn(s, ConnInfo{Trusted: trusted}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET http://plain.example/x HTTP/1.1\r\nHost: plain.example\r\n\r\n")
		buf := make([]byte, 12)
		io.ReadFull(c, buf)
		c.Close()
		want := "HTTP/1.1 407"
		if trusted {
			want = "HTTP/1.1 200"
		}
		if string(buf) != want {
			t.Errorf("trusted=%v: answer %q, want %q", trusted, buf, want)
		}
	}
	for _, x := range tp.rec.waitFor(t, 2) {
		if x.Transparent {
			t.Errorf("a proxy request recorded as transparent: %+v", x)
		}
	}
	tp.Close(time.Second)
	c, s := net.Pipe()
	defer c.Close()
	if err := tp.ServeConn(s, ConnInfo{}); err == nil {
		t.Error("a closed proxy took a connection")
	}
}
