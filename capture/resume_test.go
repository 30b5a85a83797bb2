package capture

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"
)

// A client that reconnects to a host it reached through the proxy resumes
// its TLS session (TLS 1.3 tickets, and TLS 1.2 ones), on another tunnel.
func TestClientSessionsResume(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), false)
	pool := x509.NewCertPool()
	pool.AddCert(tp.ca.Cert)
	for _, v := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		cache := tls.NewLRUClientSessionCache(8)
		var resumed []bool
		for range 3 {
			raw := openTunnel(t, tp.Proxy, "registry.npmjs.org")
			tc := tls.Client(raw, &tls.Config{ServerName: "registry.npmjs.org", RootCAs: pool, ClientSessionCache: cache, MaxVersion: v})
			if err := tc.Handshake(); err != nil {
				t.Fatal(err)
			}
			// A TLS 1.3 ticket arrives after the handshake: read a
			// request's answer so that the client has it.
			if _, err := tc.Write([]byte("GET / HTTP/1.1\r\nHost: registry.npmjs.org\r\n\r\n")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 1024)
			if _, err := tc.Read(buf); err != nil {
				t.Fatal(err)
			}
			resumed = append(resumed, tc.ConnectionState().DidResume)
			tc.Close()
		}
		if resumed[0] || !resumed[1] || !resumed[2] {
			t.Errorf("TLS %x: resumed %v, want [false true true]", v, resumed)
		}
	}
}
