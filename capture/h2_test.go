package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// startH2Only serves h over HTTP/2 only, on TLS with a certificate for
// example.com from its own CA: an HTTP/1.1 request gets the connection
// closed, as such servers do. It returns the address and the CA's roots.
func startH2Only(t *testing.T, h http.Handler) (string, *x509.CertPool) {
	t.Helper()
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf("example.com")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{*leaf}, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	srv := &http2.Server{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				if err := c.(*tls.Conn).Handshake(); err != nil {
					c.Close()
					return
				}
				srv.ServeConn(c, &http2.ServeConnOpts{Handler: h, BaseConfig: &http.Server{ErrorLog: log.New(io.Discard, "", 0)}})
			}()
		}
	}()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	return ln.Addr().String(), roots
}

// TestHTTP2OnlyUpstream: a server that speaks only HTTP/2 is asked over
// HTTP/2, and the download is recorded whole.
func TestHTTP2OnlyUpstream(t *testing.T) {
	var h2Requests atomic.Int32
	addr, roots := startH2Only(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h2Requests.Add(1)
		if r.ProtoMajor != 2 {
			t.Errorf("request over %s", r.Proto)
		}
		io.WriteString(w, "served over h2")
	}))
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	p, err := NewProxy(ProxyConfig{CA: ca, Record: rec.record, UpstreamRootCAs: roots,
		UpstreamDial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(time.Second) })
	tp := &testProxy{Proxy: p, rec: rec, ca: ca}
	c := tp.client(t, false)
	for i := 0; i < 2; i++ {
		resp, err := c.Get("https://example.com/h2-only.tgz")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "served over h2" {
			t.Fatalf("answer %d %q", resp.StatusCode, b)
		}
	}
	for _, x := range rec.waitFor(t, 2) {
		if !x.Complete || x.Status != 200 || x.Bytes != int64(len("served over h2")) || x.Error != "" {
			t.Errorf("exchange %+v", x)
		}
	}
	if n := h2Requests.Load(); n != 2 {
		t.Errorf("the server got %d requests, want 2", n)
	}
}
