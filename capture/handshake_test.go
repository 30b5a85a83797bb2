package capture

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// closeOnFirstRead is a client connection that closes itself as soon as
// the server's first bytes arrive, as Node does when it rejects the
// certificate: no alert reaches the server.
type closeOnFirstRead struct {
	net.Conn
	once sync.Once
}

func (c *closeOnFirstRead) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.once.Do(func() { c.Conn.Close() })
	}
	return n, err
}

// TestSilentCertificateRefusalRecorded: a client that closes the tunnel
// without an alert after it received depaudit's certificate refused it:
// the refusal is recorded and named, unlike a tunnel abandoned before its
// ClientHello, which is still not shown, and one to a host that another
// connection of the run reached.
func TestSilentCertificateRefusalRecorded(t *testing.T) {
	tp := newTestProxy(t, http.NotFoundHandler(), false)
	// Abandoned before the ClientHello ended: not shown.
	conn := openTunnel(t, tp.Proxy, "abandoned.example.com")
	conn.Write([]byte{0x16, 0x03, 0x01})
	conn.Close()
	// Refused silently, after the certificate.
	raw := openTunnel(t, tp.Proxy, "registry.npmjs.org")
	tc := tls.Client(&closeOnFirstRead{Conn: raw}, &tls.Config{ServerName: "registry.npmjs.org", RootCAs: x509.NewCertPool()})
	if err := tc.Handshake(); err == nil {
		t.Fatal("handshake succeeded")
	}
	// Refused after the certificate, by a client that reached the same
	// host through another connection (Go's transport dropping a dial it
	// no longer needs): not a refusal.
	resp, err := tp.client(t, false).Get("http://reached.example/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	raw = openTunnel(t, tp.Proxy, "reached.example")
	tc = tls.Client(&closeOnFirstRead{Conn: raw}, &tls.Config{ServerName: "reached.example", RootCAs: x509.NewCertPool()})
	if err := tc.Handshake(); err == nil {
		t.Fatal("handshake succeeded")
	}
	// The refusal is decided when the run ends.
	time.Sleep(200 * time.Millisecond)
	tp.Proxy.Close(time.Second)
	xs := tp.rec.all()
	xs = slices.DeleteFunc(xs, func(x *Exchange) bool { return x.Host == "reached.example" && x.Method == http.MethodGet })
	if len(xs) != 1 {
		for _, x := range xs {
			t.Errorf("recorded %s %s: %s", x.Method, x.Host, x.Error)
		}
		t.Fatalf("%d exchanges recorded, want the refusal only", len(xs))
	}
	x := xs[0]
	if x.Method != http.MethodConnect || x.Host != "registry.npmjs.org" ||
		!strings.Contains(x.Error, "after receiving depaudit's certificate") || !strings.Contains(x.Error, "did not trust depaudit's CA") {
		t.Errorf("refusal recorded as %s %s: %q", x.Method, x.Host, x.Error)
	}
}
