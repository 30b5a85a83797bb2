package capture

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// smallBodyOrigin serves a small body (with its length) in two halves,
// pause apart.
func smallBodyOrigin(pause time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := strings.Repeat("s", 2000)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body[:1000])
		w.(http.Flusher).Flush()
		time.Sleep(pause)
		io.WriteString(w, body[1000:])
	}
}

// tunnelGet opens a tunnel through tp, sends a GET for path and returns
// the TLS connection and a reader of it.
func tunnelGet(t *testing.T, tp *testProxy, path string) (*tls.Conn, *bufio.Reader) {
	t.Helper()
	conn := openTunnel(t, tp.Proxy, "example.com")
	t.Cleanup(func() { conn.Close() })
	pool := x509.NewCertPool()
	pool.AddCert(tp.ca.Cert)
	tc := tls.Client(conn, &tls.Config{ServerName: "example.com", RootCAs: pool})
	fmt.Fprintf(tc, "GET %s HTTP/1.1\r\nHost: example.com\r\n\r\n", path)
	return tc, bufio.NewReader(tc)
}

// TestSmallBodyClientAbortRecorded: a client that goes away while a small
// body is on its way did not receive it: the exchange is incomplete, with
// no digests of bytes the client never got.
func TestSmallBodyClientAbortRecorded(t *testing.T) {
	tp := newTestProxy(t, smallBodyOrigin(50*time.Millisecond), false)
	tc, _ := tunnelGet(t, tp, "/small.tgz")
	time.Sleep(20 * time.Millisecond)
	tc.Close()
	xs := tp.rec.waitFor(t, 1)
	x := xs[0]
	if x.Complete || x.SHA256 != "" || !strings.Contains(x.Error, "client closed the connection") {
		t.Errorf("aborted small download recorded as complete=%v sha256=%q error=%q", x.Complete, x.SHA256, x.Error)
	}
}

// TestSmallBodyNotHeldBack: the first bytes of a small body that is slow
// to come reach the client within a short bound, not at the body's end.
func TestSmallBodyNotHeldBack(t *testing.T) {
	const pause = 2 * time.Second
	tp := newTestProxy(t, smallBodyOrigin(pause), false)
	tc, br := tunnelGet(t, tp, "/slow-small.tgz")
	start := time.Now()
	tc.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > pause/2 {
		t.Errorf("the response head took %v, the body's second half comes after %v", took, pause)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != 2000 {
		t.Fatalf("body %d bytes, %v", len(b), err)
	}
	if xs := tp.rec.waitFor(t, 1); !xs[0].Complete || xs[0].Bytes != 2000 {
		t.Errorf("exchange %+v", xs[0])
	}
}
