package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// connCounter counts the connections requests arrive on, by the client
// address the origin sees.
type connCounter struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *connCounter) saw(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[r.RemoteAddr] = true
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

func getBody(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The common requests reuse upstream connections: sequential GETs from one
// client cost one upstream connection, and HEAD and 304 answers (no body)
// give theirs back too.
func TestUpstreamConnectionsAreReused(t *testing.T) {
	var conns connCounter
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns.saw(r)
		if r.Header.Get("If-None-Match") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprintf(w, "answer to %s %s", r.Method, r.URL.Path)
	}), false)
	c := tp.client(t, false)
	for i := range 10 {
		u := fmt.Sprintf("https://example.com/file/%d", i)
		if got, want := getBody(t, c, u), "answer to GET /file/"+fmt.Sprint(i); got != want {
			t.Fatalf("body %q, want %q", got, want)
		}
		resp, err := c.Head(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("If-None-Match", `"x"`)
		if resp, err = c.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
			t.Fatalf("conditional GET: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	xs := tp.rec.waitFor(t, 30)
	for _, x := range xs {
		if !x.Complete || x.Error != "" {
			t.Errorf("exchange %s %s: %+v", x.Method, x.URL, x)
		}
	}
	if n := conns.count(); n != 1 {
		t.Errorf("origin accepted %d connections for 30 sequential requests, want 1", n)
	}
}

// An origin that closes idle connections (here after every answer, without
// saying so) costs new connections, never a failed request.
func TestUpstreamIdleConnectionsClosedByOrigin(t *testing.T) {
	var conns connCounter
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns.saw(r)
		w.Header().Set("Content-Length", "2")
		io.WriteString(w, "ok")
		w.(http.Flusher).Flush()
		// Close the connection behind the server's back once the answer
		// is out, as an origin's idle timeout would.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			go func() { time.Sleep(time.Millisecond); conn.Close() }()
		}
	}), false)
	c := tp.client(t, false)
	const n = 20
	for i := range n {
		if got := getBody(t, c, fmt.Sprintf("https://example.com/idle/%d", i)); got != "ok" {
			t.Fatalf("request %d: body %q", i, got)
		}
		if i%2 == 0 {
			// Half the time the close has arrived before the next
			// request, half the time it arrives while it is sent.
			time.Sleep(5 * time.Millisecond)
		}
	}
	xs := tp.rec.waitFor(t, n)
	for _, x := range xs {
		if !x.Complete || x.Error != "" || x.Bytes != 2 {
			t.Errorf("exchange %s: %+v", x.URL, x)
		}
	}
	if got := conns.count(); got != n {
		t.Errorf("origin accepted %d connections, want %d (one per request)", got, n)
	}
}

// Bytes an origin sends beyond a response (a Content-Length shorter than
// the body) never reach the next response: the connection is not reused.
func TestUpstreamSurplusBytesAreNotTheNextResponse(t *testing.T) {
	var conns connCounter
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns.saw(r)
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil")
		bw.Flush()
		// Keep the connection open, as a keep-alive origin would.
		time.Sleep(50 * time.Millisecond)
	}), false)
	c := tp.client(t, false)
	for i := range 3 {
		if got := getBody(t, c, fmt.Sprintf("https://example.com/surplus/%d", i)); got != "hello" {
			t.Fatalf("request %d: body %q, want hello", i, got)
		}
	}
	for _, x := range tp.rec.waitFor(t, 3) {
		if !x.Complete || x.Bytes != 5 || x.SHA256 != sha256hex([]byte("hello")) {
			t.Errorf("exchange %s: %+v", x.URL, x)
		}
	}
	if got := conns.count(); got != 3 {
		t.Errorf("origin accepted %d connections, want 3", got)
	}
}

// Requests with a body go through the standard transport, and both paths
// share the proxy: concurrent GETs and POSTs all arrive whole.
func TestUpstreamMixedMethodsConcurrently(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	}), false)
	c := tp.client(t, false)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp *http.Response
			var err error
			want := fmt.Sprintf("GET /m/%d ", i)
			if i%2 == 1 {
				want = fmt.Sprintf("POST /m/%d body%d", i, i)
				resp, err = c.Post(fmt.Sprintf("https://example.com/m/%d", i), "text/plain", strings.NewReader(fmt.Sprintf("body%d", i)))
			} else {
				resp, err = c.Get(fmt.Sprintf("https://example.com/m/%d", i))
			}
			if err != nil {
				errs <- err
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != want {
				errs <- fmt.Errorf("got %q, want %q", b, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, x := range tp.rec.waitFor(t, 32) {
		if !x.Complete {
			t.Errorf("exchange %s %s: %+v", x.Method, x.URL, x)
		}
	}
}

// Idle connections are capped per origin and in all; those beyond a cap,
// and all of them when the pool closes, are closed.
func TestUpstreamIdleCaps(t *testing.T) {
	u := &upstreamPool{idleTimeout: time.Minute, maxIdlePerHost: 2, maxIdle: 3, idle: map[string][]*upstreamConn{}}
	closed := func(c *upstreamConn) bool {
		_, err := c.conn.Write([]byte{0})
		return err != nil
	}
	var conns []*upstreamConn
	for _, key := range []string{"https://a:443", "https://a:443", "https://a:443", "https://b:443", "https://c:443"} {
		local, remote := net.Pipe()
		go io.Copy(io.Discard, remote)
		t.Cleanup(func() { remote.Close() })
		c := &upstreamConn{key: key, conn: local, raw: local}
		c.br = bufio.NewReader(local)
		conns = append(conns, c)
		u.put(c)
	}
	for i, want := range []bool{false, false, true, false, true} {
		if got := closed(conns[i]); got != want {
			t.Errorf("connection %d (%s): closed %v, want %v", i, conns[i].key, got, want)
		}
	}
	if c, reused, err := u.get(t.Context(), "https://a:443", nil, false); err != nil || !reused || c != conns[1] {
		t.Errorf("get: %v %v %v, want the newest idle connection to a", c, reused, err)
	}
	u.close()
	for _, i := range []int{0, 3} {
		if !closed(conns[i]) {
			t.Errorf("connection %d still open after close", i)
		}
	}
	if _, _, err := u.get(t.Context(), "https://a:443", nil, false); err == nil {
		t.Error("a closed pool hands out connections")
	}
}

// countingConn counts the bytes read from a connection.
type countingConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// socketBacklog returns how many bytes wait unread in c's receive queue.
func socketBacklog(t *testing.T, c *net.TCPConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<16)
	n := 0
	rc.Read(func(fd uintptr) bool {
		n, _, _ = syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	})
	return max(n, 0)
}

// A small response has reached the client whole, head and body, when its
// exchange is recorded: the proxy does not hold the body back behind the
// log line, however the origin's body reader reports its end (net/http's
// reports it with the last bytes when the length is known).
func TestSmallResponseIsSentBeforeItIsRecorded(t *testing.T) {
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a small answer")
	}))
	defer origin.Close()
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(origin.Certificate())
	var client *net.TCPConn
	backlog := make(chan int, 10)
	p, err := NewProxy(ProxyConfig{
		CA: ca,
		// Runs on the proxy's goroutine for the exchange, after the
		// answer was written: it must all be in the client's socket.
		Record:          func(*Exchange) { backlog <- socketBacklog(t, client) },
		UpstreamRootCAs: roots,
		UpstreamDial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, origin.Listener.Addr().String())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(time.Second)
	raw := openTunnel(t, p, "example.com")
	defer raw.Close()
	client = raw.(*net.TCPConn)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	counted := &countingConn{Conn: raw}
	tc := tls.Client(counted, &tls.Config{RootCAs: pool, ServerName: "example.com"})
	br := bufio.NewReader(tc)
	for i := range 5 {
		before := counted.n.Load()
		fmt.Fprintf(tc, "GET /%d HTTP/1.1\r\nHost: example.com\r\n\r\n", i)
		// Read nothing until the exchange is recorded.
		waiting := <-backlog
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "a small answer" {
			t.Fatalf("body %q", b)
		}
		if i == 0 {
			// The first answer shares the socket with the end of the
			// handshake (session tickets); the others stand alone.
			continue
		}
		if got := int(counted.n.Load() - before); waiting != got || br.Buffered() != 0 {
			t.Fatalf("answer %d came in %d bytes, of which %d were in the socket when it was recorded", i, got, waiting)
		}
	}
}

// An idle connection the origin has closed, or written to unasked, is not
// handed out again: the pool dials a new one instead of letting a request
// fail on it. (Through the proxy, its one retry would hide a pool that
// reused such connections; here nothing does.)
func TestUpstreamPoolSkipsClosedOrChattyIdleConnections(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	var d net.Dialer
	u := &upstreamPool{dial: d.DialContext, idleTimeout: time.Minute, maxIdlePerHost: 4, maxIdle: 4, idle: map[string][]*upstreamConn{}}
	defer u.close()
	target := &url.URL{Scheme: "http", Host: l.Addr().String()}
	key := poolKey(target)
	for _, tc := range []struct {
		name  string
		to    func(net.Conn)
		reuse bool
	}{
		{"quiet", func(net.Conn) {}, true},
		{"closed by the origin", func(c net.Conn) { c.Close() }, false},
		{"unsolicited bytes", func(c net.Conn) { io.WriteString(c, "HTTP/1.1 200 OK\r\n") }, false},
	} {
		c, reused, err := u.get(t.Context(), key, target, false)
		if err != nil || reused {
			t.Fatalf("%s: first get: reused %v, %v", tc.name, reused, err)
		}
		server := nextAccepted(t, accepted)
		u.put(c)
		tc.to(server)
		// Let the close or the bytes reach the pool's socket.
		time.Sleep(20 * time.Millisecond)
		again, reused, err := u.get(t.Context(), key, target, false)
		if err != nil {
			t.Fatal(err)
		}
		if reused != tc.reuse || (again == c) != tc.reuse {
			t.Fatalf("%s: idle connection reused: %v, want %v", tc.name, reused, tc.reuse)
		}
		if !tc.reuse {
			nextAccepted(t, accepted).Close() // the new connection's other end
		}
		again.conn.Close()
		server.Close()
	}
}

// nextAccepted returns the next connection a test listener accepted.
func nextAccepted(t *testing.T, accepted <-chan net.Conn) net.Conn {
	t.Helper()
	select {
	case c := <-accepted:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted")
		return nil
	}
}
