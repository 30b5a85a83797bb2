package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// upstreamPool sends the common request, a GET, HEAD or OPTIONS without a
// body, to the origin over a pooled HTTP/1.1 connection, writing the request
// and reading the response head on the calling goroutine; the body is read
// from the same connection by whoever reads the response. net/http's
// Transport hands each request to a writer goroutine and each response back
// from a reader goroutine: on a busy two-core machine those hand-offs are
// most of what a proxied keep-alive request adds. Every other request (with
// a body, an upgrade, or through an upstream proxy) goes through the
// Transport.
//
// Connections are TLS-verified as the Transport's are (same root pool,
// same minimum version, the request's host as server name) and speak
// HTTP/1.1 only, as the Transport does with a custom TLS configuration.
type upstreamPool struct {
	dial             func(ctx context.Context, network, addr string) (net.Conn, error)
	tlsConfig        *tls.Config // template; ServerName is set per host
	handshakeTimeout time.Duration
	headerTimeout    time.Duration
	idleTimeout      time.Duration
	maxIdlePerHost   int
	maxIdle          int

	mu        sync.Mutex
	idle      map[string][]*upstreamConn // by scheme://host:port, newest last
	idleCount int
	lastSweep time.Time
	closed    bool
}

// upstreamConn is one connection to an origin.
type upstreamConn struct {
	key string
	// raw is the TCP connection under conn.
	raw       net.Conn
	conn      net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
}

// errBeforeHead marks a failure before a whole response head arrived, for
// another reason than a timeout: on a pooled connection, the sign that the
// origin closed it, or broke it with bytes beyond a response, while it sat
// idle.
type errBeforeHead struct{ err error }

func (e errBeforeHead) Error() string { return e.err.Error() }
func (e errBeforeHead) Unwrap() error { return e.err }

// takes reports whether the pool sends req itself.
func (u *upstreamPool) takes(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return false
	}
	if req.URL == nil || (req.URL.Scheme != "https" && req.URL.Scheme != "http") || req.URL.Host == "" {
		return false
	}
	if req.Body != nil && req.Body != http.NoBody || req.ContentLength > 0 || len(req.TransferEncoding) > 0 {
		return false
	}
	return req.Header.Get("Upgrade") == "" && req.Header.Get("Expect") == ""
}

// RoundTrip sends req and reads the response head. When a pooled
// connection fails before the response head, the request is sent once more
// on a new connection.
func (u *upstreamPool) RoundTrip(req *http.Request) (*http.Response, error) {
	key := poolKey(req.URL)
	fresh := false
	for {
		c, reused, err := u.get(req.Context(), key, req.URL, fresh)
		if err != nil {
			return nil, err
		}
		resp, err := u.exchange(req, c)
		if err == nil {
			return resp, nil
		}
		var early errBeforeHead
		if reused && errors.As(err, &early) && req.Context().Err() == nil {
			fresh = true
			continue
		}
		if !reused && req.URL.Scheme == "https" && refusesHTTP1(err) && req.Context().Err() == nil {
			return nil, errHTTP1Refused{err}
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, err
	}
}

// exchange writes req on c and reads the response head. On failure c is
// closed.
func (u *upstreamPool) exchange(req *http.Request, c *upstreamConn) (*http.Response, error) {
	ctx := req.Context()
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Unix(1, 0)) })
	fail := func(err error) (*http.Response, error) {
		stop()
		c.conn.Close()
		return nil, err
	}
	if err := req.Write(c.bw); err != nil {
		return fail(errBeforeHead{fmt.Errorf("write request: %w", err)})
	}
	if err := c.bw.Flush(); err != nil {
		return fail(errBeforeHead{fmt.Errorf("write request: %w", err)})
	}
	if u.headerTimeout > 0 {
		c.conn.SetReadDeadline(time.Now().Add(u.headerTimeout))
	}
	var resp *http.Response
	for {
		r, err := http.ReadResponse(c.br, req)
		if err != nil {
			if isTimeout(err) && ctx.Err() == nil {
				return fail(headerTimeoutError(u.headerTimeout, err))
			}
			return fail(errBeforeHead{fmt.Errorf("read response: %w", err)})
		}
		// Interim answers (100 Continue, 103 Early Hints) precede the
		// response; the client asked for no upgrade, so no 101 is final.
		if r.StatusCode >= 100 && r.StatusCode < 200 {
			continue
		}
		resp = r
		break
	}
	c.conn.SetReadDeadline(time.Time{})
	reusable := !resp.Close && !req.Close
	if resp.Body == nil || resp.Body == http.NoBody {
		resp.Body = http.NoBody
		u.release(c, stop, reusable)
		return resp, nil
	}
	resp.Body = &upstreamBody{rc: resp.Body, u: u, c: c, stop: stop, reusable: reusable}
	return resp, nil
}

// release ends an exchange on c: a connection that can carry another
// request, whose cancellation did not fire, with nothing unread, goes back
// to the pool; any other is closed.
func (u *upstreamPool) release(c *upstreamConn, stop func() bool, reusable bool) {
	if !stop() || !reusable || c.br.Buffered() > 0 {
		// The origin sent more than the response (a wrong
		// Content-Length), or the exchange was cancelled.
		c.conn.Close()
		return
	}
	c.conn.SetDeadline(time.Time{})
	u.put(c)
}

// upstreamBody is a response body read from a pooled connection; the
// connection returns to the pool when the body has been read to its end.
type upstreamBody struct {
	rc       io.ReadCloser
	u        *upstreamPool
	c        *upstreamConn
	stop     func() bool
	reusable bool
	done     bool
}

func (b *upstreamBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if err != nil {
		// Only a body read to its end leaves the connection reusable.
		b.done = true
		b.u.release(b.c, b.stop, b.reusable && err == io.EOF)
	}
	return n, err
}

// Close closes the connection when the body was not read to its end: what
// is left of it is not worth reading.
func (b *upstreamBody) Close() error {
	if !b.done {
		b.done = true
		b.u.release(b.c, b.stop, false)
	}
	return nil
}

// get returns an idle connection for key, or (always when fresh) dials a
// new one. Idle connections the origin has closed or written to since are
// closed and skipped.
func (u *upstreamPool) get(ctx context.Context, key string, target *url.URL, fresh bool) (c *upstreamConn, reused bool, err error) {
	for !fresh {
		now := time.Now()
		u.mu.Lock()
		if u.closed {
			u.mu.Unlock()
			return nil, false, errors.New("proxy is shutting down")
		}
		conns := u.idle[key]
		if len(conns) == 0 {
			u.mu.Unlock()
			break
		}
		c = conns[len(conns)-1]
		u.idleCount--
		if len(conns) == 1 {
			delete(u.idle, key)
		} else {
			u.idle[key] = conns[:len(conns)-1]
		}
		u.mu.Unlock()
		if now.Sub(c.idleSince) < u.idleTimeout && c.quiet() {
			return c, true, nil
		}
		c.conn.Close()
	}
	c, err = u.dialConn(ctx, key, target)
	return c, false, err
}

// dialConn opens a connection to target's host, with verified TLS for
// https.
func (u *upstreamPool) dialConn(ctx context.Context, key string, target *url.URL) (*upstreamConn, error) {
	addr := canonicalAddr(target)
	raw, err := u.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	conn := raw
	if target.Scheme == "https" {
		cfg := u.tlsConfig.Clone()
		cfg.ServerName = target.Hostname()
		tc := tls.Client(raw, cfg)
		hctx, cancel := context.WithTimeout(ctx, u.handshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			raw.Close()
			return nil, err
		}
		conn = tc
	}
	return &upstreamConn{
		key:  key,
		raw:  raw,
		conn: conn,
		br:   bufio.NewReaderSize(conn, 64<<10),
		bw:   bufio.NewWriterSize(conn, 4<<10),
	}, nil
}

// quiet reports whether an idle connection has nothing to read: the origin
// has neither closed it nor sent bytes no request asked for. It peeks at
// the socket without blocking; connections that cannot be peeked at are
// taken as quiet (a failure then retries on a new connection).
func (c *upstreamConn) quiet() bool {
	if c.br.Buffered() > 0 {
		return false
	}
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	quiet := true
	var buf [1]byte
	rc.Read(func(fd uintptr) bool {
		// Nothing to read is EAGAIN; a byte or the end of the stream
		// (0 bytes, no error) mean the connection cannot carry a request.
		_, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		quiet = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK
		return true
	})
	return quiet
}

// put returns an idle connection to the pool, and closes connections that
// have been idle too long.
func (u *upstreamPool) put(c *upstreamConn) {
	now := time.Now()
	c.idleSince = now
	var drop []*upstreamConn
	u.mu.Lock()
	if u.closed || len(u.idle[c.key]) >= u.maxIdlePerHost || u.idleCount >= u.maxIdle {
		drop = append(drop, c)
	} else {
		u.idle[c.key] = append(u.idle[c.key], c)
		u.idleCount++
	}
	if now.Sub(u.lastSweep) > u.idleTimeout/2 {
		u.lastSweep = now
		for key, conns := range u.idle {
			kept := conns[:0]
			for _, ic := range conns {
				if now.Sub(ic.idleSince) < u.idleTimeout {
					kept = append(kept, ic)
				} else {
					drop = append(drop, ic)
					u.idleCount--
				}
			}
			if len(kept) == 0 {
				delete(u.idle, key)
			} else {
				u.idle[key] = kept
			}
		}
	}
	u.mu.Unlock()
	for _, d := range drop {
		d.conn.Close()
	}
}

// close closes every idle connection and refuses new requests.
func (u *upstreamPool) close() {
	u.mu.Lock()
	u.closed = true
	idle := u.idle
	u.idle = map[string][]*upstreamConn{}
	u.idleCount = 0
	u.mu.Unlock()
	for _, conns := range idle {
		for _, c := range conns {
			c.conn.Close()
		}
	}
}

// poolKey identifies the origin of u.
func poolKey(u *url.URL) string { return u.Scheme + "://" + canonicalAddr(u) }

// canonicalAddr returns u's host:port, with the scheme's default port.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// headerTimeoutError says that no response head came within timeout; it
// wraps err, the read's timeout, so that it stays a timeout to errors.As
// (and is never retried).
func headerTimeoutError(timeout time.Duration, err error) error {
	return fmt.Errorf("timeout awaiting response headers (%v): %w", timeout, err)
}

// isTimeout reports whether err is a network timeout (a deadline that
// passed).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
