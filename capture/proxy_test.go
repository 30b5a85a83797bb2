package capture

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestProxyRecordsHTTPSDownload(t *testing.T) {
	body := bytes.Repeat([]byte("depaudit-"), 50000) // 450 KB: hashed in the background
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}), false)
	resp, err := tp.client(t, false).Get("https://example.com/pkg/-/pkg-1.0.0.tgz")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("client got %d bytes, want the %d served", len(got), len(body))
	}
	if resp.ContentLength != int64(len(body)) {
		t.Errorf("Content-Length not passed through: %d", resp.ContentLength)
	}
	xs := tp.rec.waitFor(t, 1)
	x := xs[0]
	if !x.Complete || x.Error != "" {
		t.Fatalf("exchange not complete: %+v", x)
	}
	if x.SHA256 != sha256hex(body) || x.Bytes != int64(len(body)) {
		t.Errorf("sha256 %s bytes %d, want %s %d", x.SHA256, x.Bytes, sha256hex(body), len(body))
	}
	if x.URL != "https://example.com/pkg/-/pkg-1.0.0.tgz" || x.Host != "example.com" || x.Method != "GET" || x.Status != 200 {
		t.Errorf("exchange fields: %+v", x)
	}
	if x.SHA512 == "" || x.SHA1 == "" || x.ContentType != "application/octet-stream" {
		t.Errorf("missing fields: %+v", x)
	}
}

func TestProxyPassesEncodedBodiesUnchanged(t *testing.T) {
	gz := []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not really gzip")
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding not kept: %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
	}), false)
	req, _ := http.NewRequest("GET", "https://example.com/index.json", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := tp.client(t, false).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, gz) {
		t.Fatalf("body changed in transit: %q", got)
	}
	x := tp.rec.waitFor(t, 1)[0]
	if x.SHA256 != sha256hex(gz) || x.ContentEncoding != "gzip" {
		t.Errorf("hash over decoded bytes or encoding lost: %+v", x)
	}
}

func TestProxyPlainHTTPAndChunked(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
		}
	}), true)
	resp, err := tp.client(t, false).Get("http://example.com/stream")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	x := tp.rec.waitFor(t, 1)[0]
	if !x.Complete || x.ContentLength != -1 || x.Bytes != int64(len(got)) || x.SHA256 != sha256hex(got) {
		t.Errorf("chunked exchange: %+v (client got %q)", x, got)
	}
	if x.URL != "http://example.com/stream" {
		t.Errorf("url %q", x.URL)
	}
}

func TestProxyRequiresCredential(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request reached upstream without credential: %s", r.URL)
	}), false)
	anon := tp.client(t, true)
	_, err := anon.Get("https://example.com/secret")
	if err == nil || !strings.Contains(err.Error(), "Proxy Authentication Required") {
		t.Errorf("CONNECT without credential: err = %v, want 407", err)
	}
	// Plain HTTP, and a wrong credential.
	for _, auth := range []string{"", "Basic " + base64.StdEncoding.EncodeToString([]byte("depaudit:wrong"))} {
		conn, err := net.Dial("tcp", tp.Addr())
		if err != nil {
			t.Fatal(err)
		}
		req := "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n"
		if auth != "" {
			req += "Proxy-Authorization: " + auth + "\r\n"
		}
		fmt.Fprint(conn, req+"\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusProxyAuthRequired || resp.Header.Get("Proxy-Authenticate") == "" {
			t.Errorf("plain HTTP with auth %q: status %d, want 407 with a challenge", auth, resp.StatusCode)
		}
		conn.Close()
	}
	xs := tp.rec.waitFor(t, 3)
	for _, x := range xs {
		if x.Status != http.StatusProxyAuthRequired || x.Error == "" || !x.ProxyAuthRefused() {
			t.Errorf("rejected request not recorded as such: %+v", x)
		}
	}
}

func TestProxyListensOnLoopbackOnly(t *testing.T) {
	tp := newTestProxy(t, http.NotFoundHandler(), false)
	host, _, _ := net.SplitHostPort(tp.Addr())
	if host != "127.0.0.1" {
		t.Fatalf("proxy listens on %s", tp.Addr())
	}
	if !strings.HasPrefix(tp.URL(), "http://depaudit:") || len(tp.token) < 32 {
		t.Errorf("proxy URL %q lacks a random credential", tp.URL())
	}
}

func TestUpstreamCertificateIsVerified(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from an impostor")
	}), false)
	// Forget the origin's certificate: it is now untrusted.
	tp.transport.TLSClientConfig.RootCAs = x509.NewCertPool()
	resp, err := tp.client(t, false).Get("https://example.com/pkg.tgz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || bytes.Contains(b, []byte("impostor")) {
		t.Errorf("client got %d %q; want 502 and nothing from the untrusted upstream", resp.StatusCode, b)
	}
	x := tp.rec.waitFor(t, 1)[0]
	if x.Complete || !strings.Contains(x.Error, "certificate") || x.Status != 0 {
		t.Errorf("exchange should record the verification failure: %+v", x)
	}
}

func TestSecretsAreNotRecorded(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cr3t-bearer" {
			t.Errorf("Authorization not passed upstream")
		}
		io.WriteString(w, "ok")
	}), false)
	var log bytes.Buffer
	lw, err := NewLogWriter(&log, Header{Command: RedactArgs([]string{"curl", "-H", "x", "--token=s3cr3t-flag", "https://u:s3cr3t-pass@example.com/"})})
	if err != nil {
		t.Fatal(err)
	}
	tp.cfg.Record = func(x *Exchange) { tp.rec.record(x); lw.WriteExchange(x) }
	req, _ := http.NewRequest("GET", "https://example.com/api?token=s3cr3t-query&name=ok", nil)
	req.Header.Set("Authorization", "Bearer s3cr3t-bearer")
	req.Header.Set("Cookie", "session=s3cr3t-cookie")
	resp, err := tp.client(t, false).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	x := tp.rec.waitFor(t, 1)[0]
	lw.Close(Trailer{})
	if bytes.Contains(log.Bytes(), []byte("s3cr3t")) {
		t.Fatalf("a secret reached the capture log:\n%s", log.String())
	}
	if !x.Authenticated || !strings.Contains(x.URL, "token=REDACTED") || !strings.Contains(x.URL, "name=ok") {
		t.Errorf("exchange: %+v", x)
	}
}

func TestBodyCutByUpstreamIsIncomplete(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, bw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
		bw.Write(bytes.Repeat([]byte("x"), 40000))
		bw.Flush()
		conn.Close()
	}), false)
	resp, err := tp.client(t, false).Get("https://example.com/big.tgz")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("client did not see the cut")
	}
	x := tp.rec.waitFor(t, 1)[0]
	if x.Complete || x.Error == "" || x.SHA256 != "" || x.Bytes != 40000 || x.ContentLength != 100000 {
		t.Errorf("cut body: %+v", x)
	}
}

func TestClientAbortIsIncomplete(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000")
		chunk := bytes.Repeat([]byte("y"), 64<<10)
		for i := 0; i < 152; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}), false)
	resp, err := tp.client(t, false).Get("https://example.com/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	io.CopyN(io.Discard, resp.Body, 100000)
	resp.Body.Close()
	x := tp.rec.waitFor(t, 1)[0]
	if x.Complete || x.Error == "" || x.SHA256 != "" {
		t.Errorf("aborted download recorded as %+v", x)
	}
}

func TestBodilessResponses(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/head":
			w.Header().Set("Content-Length", "1234")
		case "/304":
			w.WriteHeader(http.StatusNotModified)
		case "/204":
			w.WriteHeader(http.StatusNoContent)
		case "/range":
			http.ServeContent(w, r, "f", time.Time{}, strings.NewReader("0123456789"))
		case "/empty":
			w.Header().Set("Content-Length", "0")
		}
	}), false)
	c := tp.client(t, false)
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"HEAD", "/head", 200, ""},
		{"GET", "/304", 304, ""},
		{"GET", "/204", 204, ""},
		{"GET", "/range", 206, "234"},
		{"GET", "/empty", 200, ""},
	} {
		req, _ := http.NewRequest(tc.method, "https://example.com"+tc.path, nil)
		if tc.path == "/range" {
			req.Header.Set("Range", "bytes=2-4")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(b) != tc.body {
			t.Errorf("%s %s: %d %q", tc.method, tc.path, resp.StatusCode, b)
		}
		if tc.method == "HEAD" && resp.ContentLength != 1234 {
			t.Errorf("HEAD lost Content-Length: %d", resp.ContentLength)
		}
	}
	xs := tp.rec.waitFor(t, 5)
	for _, x := range xs {
		if strings.HasSuffix(x.URL, "/empty") && x.SHA256 != sha256hex(nil) {
			t.Errorf("empty 200 body: sha256 %q, want the empty digest", x.SHA256)
		}
		if !x.Complete || x.Error != "" {
			t.Errorf("%s %s: %+v", x.Method, x.URL, x)
		}
		if strings.HasSuffix(x.URL, "/range") && (x.Status != 206 || x.SHA256 != sha256hex([]byte("234"))) {
			t.Errorf("range exchange %+v", x)
		}
	}
}

func TestExpectContinueUpload(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "got %d", len(b))
	}), false)
	payload := bytes.Repeat([]byte("u"), 200000)
	req, _ := http.NewRequest("PUT", "https://example.com/upload", bytes.NewReader(payload))
	req.Header.Set("Expect", "100-continue")
	c := tp.client(t, false)
	c.Transport.(*http.Transport).ExpectContinueTimeout = 5 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "got 200000" {
		t.Errorf("upload answered %q", b)
	}
	if x := tp.rec.waitFor(t, 1)[0]; x.Method != "PUT" || !x.Complete {
		t.Errorf("%+v", x)
	}
}

// TestHTTP10AndKeepAliveInTunnel speaks raw HTTP through a CONNECT tunnel:
// a CONNECT sent as HTTP/1.0 (as pip does), then two requests on one
// TLS connection.
func TestHTTP10AndKeepAliveInTunnel(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}), false)
	conn, err := net.Dial("tcp", tp.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT example.com:443 HTTP/1.0\r\nProxy-Authorization: %s\r\n\r\n", tp.authValue)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: "CONNECT"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(tp.ca.Cert)
	tc := tls.Client(conn, &tls.Config{ServerName: "example.com", RootCAs: pool})
	tbr := bufio.NewReader(tc)
	for _, p := range []string{"/one", "/two"} {
		fmt.Fprintf(tc, "GET %s HTTP/1.1\r\nHost: example.com\r\n\r\n", p)
		resp, err := http.ReadResponse(tbr, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != p {
			t.Errorf("got %q for %s", b, p)
		}
	}
	fmt.Fprintf(tc, "GET /old HTTP/1.0\r\nHost: example.com\r\n\r\n")
	resp, err = http.ReadResponse(tbr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "/old" {
		t.Errorf("HTTP/1.0 request got %q", b)
	}
	xs := tp.rec.waitFor(t, 3)
	for _, x := range xs {
		if !x.Complete {
			t.Errorf("%+v", x)
		}
	}
}

func TestUpgradeIsTunnelled(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" {
			http.Error(w, "want upgrade", 400)
			return
		}
		conn, bw, _ := w.(http.Hijacker).Hijack()
		defer conn.Close()
		bw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		bw.Flush()
		line, _ := bw.ReadString('\n')
		bw.WriteString("echo:" + line)
		bw.Flush()
	}), false)
	conn := openTunnel(t, tp.Proxy, "example.com")
	defer conn.Close()
	pool := x509.NewCertPool()
	pool.AddCert(tp.ca.Cert)
	tc := tls.Client(conn, &tls.Config{ServerName: "example.com", RootCAs: pool})
	fmt.Fprintf(tc, "GET /ws HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	tbr := bufio.NewReader(tc)
	resp, err := http.ReadResponse(tbr, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	io.WriteString(tc, "hello\n")
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := tbr.ReadString('\n')
	if err != nil || line != "echo:hello\n" {
		t.Fatalf("tunnelled data: %q %v", line, err)
	}
	if x := tp.rec.waitFor(t, 1)[0]; x.Status != 101 {
		t.Errorf("%+v", x)
	}
}

func TestUntrustingClientIsRecorded(t *testing.T) {
	tp := newTestProxy(t, http.NotFoundHandler(), false)
	c := tp.client(t, false)
	c.Transport.(*http.Transport).TLSClientConfig.RootCAs = x509.NewCertPool() // does not trust the run's CA
	if _, err := c.Get("https://pinned.example.com/"); err == nil {
		t.Fatal("client trusted an unknown CA")
	}
	x := tp.rec.waitFor(t, 1)[0]
	if x.Method != "CONNECT" || x.Host != "pinned.example.com" || !strings.Contains(x.Error, "did not trust") {
		t.Errorf("handshake failure recorded as %+v", x)
	}
}

func TestLeafCertificatesAreCachedPerHost(t *testing.T) {
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a1, _ := ca.Leaf("Registry.npmjs.org:443")
	a2, _ := ca.Leaf("registry.npmjs.org")
	b, _ := ca.Leaf("pypi.org")
	if a1 != a2 || a1 == b {
		t.Error("leaf cache is not per host")
	}
	if err := a1.Leaf.VerifyHostname("registry.npmjs.org"); err != nil {
		t.Error(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	if _, err := a1.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "registry.npmjs.org"}); err != nil {
		t.Errorf("leaf does not chain to the CA: %v", err)
	}
	if k, ok := a1.PrivateKey.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("leaf key type %T, want ECDSA P-256", a1.PrivateKey)
	}
	if ip, _ := ca.Leaf("127.0.0.1"); len(ip.Leaf.IPAddresses) != 1 {
		t.Error("IP leaf has no IP SAN")
	}
}

func TestHashesOfLargeBodyMatch(t *testing.T) {
	// Bodies larger than the inline prefix are hashed on background
	// goroutines; the digests must still equal a one-shot hash.
	for _, n := range []int{0, 1, inlineLimit - 1, inlineLimit, inlineLimit + 1, 3*chunkSize + 17} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		m := NewMultiHasher()
		for rest := data; len(rest) > 0; {
			k := min(len(rest), 1000+n%4096)
			m.Write(rest[:k])
			rest = rest[k:]
		}
		if got := m.Sum(); got.SHA256 != sha256hex(data) {
			t.Errorf("n=%d: sha256 %s, want %s", n, got.SHA256, sha256hex(data))
		}
	}
}

// A client that opens a tunnel and leaves without a handshake (Go's
// transport does when a dial race is won by another connection) is not
// reported as a client that distrusts the CA.
func TestAbandonedTunnelIsNotADistrust(t *testing.T) {
	tp := newTestProxy(t, http.NotFoundHandler(), false)
	conn := openTunnel(t, tp.Proxy, "example.com")
	conn.Write([]byte{0x16, 0x03, 0x01}) // the start of a ClientHello, then nothing
	conn.Close()
	// A distrusting client in the same proxy is still reported.
	c := tp.client(t, false)
	c.Transport.(*http.Transport).TLSClientConfig.RootCAs = x509.NewCertPool()
	c.Get("https://pinned.example.com/")
	xs := tp.rec.waitFor(t, 1)
	time.Sleep(100 * time.Millisecond)
	xs = tp.rec.all()
	if len(xs) != 1 || xs[0].Host != "pinned.example.com" {
		for _, x := range xs {
			t.Errorf("recorded %s %s: %s", x.Method, x.Host, x.Error)
		}
	}
}
