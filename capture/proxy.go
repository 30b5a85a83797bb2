package capture

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/elazarl/goproxy"
	"golang.org/x/net/http/httpproxy"

	"github.com/depaudit/depaudit/internal/urlkey"
)

// ProxyConfig configures a Proxy.
type ProxyConfig struct {
	// CA signs the certificates presented to clients. Required.
	CA *CA
	// Record receives each finished exchange. It is called from many
	// goroutines, once per exchange, in the order exchanges finish. Required.
	Record func(*Exchange)
	// Getenv reads depaudit's own environment: HTTPS_PROXY, HTTP_PROXY and
	// NO_PROXY there chain upstream requests through the user's proxy.
	// Nil means no upstream proxy.
	Getenv func(string) string
	// UpstreamRootCAs verifies upstream servers; nil means the system roots.
	UpstreamRootCAs *x509.CertPool
	// UpstreamDial, when set, replaces the dialer for upstream connections.
	// It exists for tests that route public host names to local servers.
	UpstreamDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// IdleTimeout drops client connections that send nothing for this long
	// (default 2 minutes); HeaderTimeout bounds reading a request's headers,
	// from their first byte, on the proxy connection and inside tunnels
	// (default 30 seconds); StallTimeout drops clients that stop reading a
	// response, and ends exchanges whose upstream sends no response head or
	// no body bytes for that long (default 2 minutes).
	IdleTimeout, HeaderTimeout, StallTimeout time.Duration
	// Inspect, when set, may inspect each response body as it streams.
	Inspect InspectFunc
	// Hashes, when set, decides which digests beyond SHA-256 each body
	// gets; nil gives every body SHA-256, SHA-512 and SHA-1.
	Hashes HashesFunc
	// Expect, when set, gives the digests a body must have; a body that
	// has others never reaches the client whole (see ExpectFunc).
	Expect ExpectFunc
	// Gate, when set, is asked before each request goes upstream; a
	// non-empty denial stops it with 403 Forbidden and that text as the
	// body, so the client fails at the right place with a readable reason.
	// x holds the request fields; it must not be kept.
	Gate func(x *Exchange) (denial string)
	// BuildRoot, when set, returns the pid of the build's first process
	// (0 before it starts). A client refused for want of the credential
	// is then recorded only when its socket is held by that process or
	// one of its descendants; others are strangers (see Strangers). Nil
	// records every refusal.
	BuildRoot func() int
	// Warnf receives diagnostics; nil discards them.
	Warnf func(format string, args ...any)
}

// Proxy is a MITM HTTP(S) proxy on loopback that records every exchange.
type Proxy struct {
	cfg       ProxyConfig
	gp        *goproxy.ProxyHttpServer
	transport *http.Transport
	// pool sends the common requests itself (see upstreamPool); the
	// others go through transport.
	pool     *upstreamPool
	listener *trackingListener
	// jvmListener admits connections without the credential when the
	// connecting socket is owned by depaudit's own user (see peer.go).
	// Admission belongs to the connection (timeoutConn.sameUser), never to
	// an address another socket could reuse.
	jvmListener *trackingListener
	server      *http.Server
	// handoff and handoffTrusted serve the connections to the proxy's
	// port handed over with ServeConn (handoffTrusted admits them without
	// the credential); transparent, with transparentServer, those that
	// came around the proxy (see handoff.go).
	handoff, handoffTrusted *trackingListener
	transparent             *chanListener
	transparentServer       *http.Server
	user                    string
	token                   string
	authValue               string // expected Proxy-Authorization value

	nextID atomic.Int64
	// epoch is when the proxy started; exchanges are timed from it (see now).
	epoch time.Time
	// recordMu makes exchanges reach Record in the order they finish.
	recordMu sync.Mutex

	// ctx is cancelled when Close gives up waiting: every upstream request
	// still in flight is aborted and recorded.
	ctx    context.Context
	cancel context.CancelFunc

	pending   pendingCount
	strangers strangerCount
	served    chan struct{}
	closing   atomic.Bool
	// h2 sends requests to the hosts that speak only HTTP/2.
	h2 *h2Upstream
	// handshakes tells a client that refused depaudit's certificate from
	// one that abandoned its tunnel (see handshake.go).
	handshakes   handshakes
	certRefusals certRefusals
}

// tunnelMark is the goproxy UserData of an authenticated CONNECT tunnel;
// goproxy copies it into every request read from the tunnel. conn is the
// client connection the tunnel runs over, nil if unknown.
type tunnelMark struct {
	host string
	conn *timeoutConn
}

// connKey is the request context key of the client connection a request
// arrived on (see http.Server.ConnContext).
type connKey struct{}

// NewProxy listens on 127.0.0.1 on a random port and starts serving.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if cfg.CA == nil || cfg.Record == nil {
		return nil, errors.New("capture: ProxyConfig needs CA and Record")
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	if cfg.HeaderTimeout == 0 {
		cfg.HeaderTimeout = 30 * time.Second
	}
	if cfg.StallTimeout == 0 {
		cfg.StallTimeout = 2 * time.Minute
	}
	if warnf := cfg.Warnf; warnf != nil {
		// Diagnostics quote URLs and headers (goproxy's "Cannot parse
		// URL" warnings, upstream errors): nothing printed may hold what
		// the log would redact.
		cfg.Warnf = func(format string, args ...any) { warnf("%s", RedactText(fmt.Sprintf(format, args...))) }
	}
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("proxy credential: %w", err)
	}
	p := &Proxy{
		cfg:    cfg,
		user:   "depaudit",
		token:  hex.EncodeToString(token),
		served: make(chan struct{}),
		epoch:  time.Now(),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.authValue = "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.token))
	p.transport = newUpstreamTransport(cfg)
	p.h2 = newH2Upstream(p.transport)
	if p.transport.Proxy == nil {
		p.pool = newUpstreamPool(cfg, p.transport)
	}

	gp := goproxy.NewProxyHttpServer()
	gp.Tr = p.transport
	gp.KeepAcceptEncoding = true
	gp.KeepDestinationHeaders = true
	gp.Logger = goproxyLogger{p}
	gp.ConnectDial = func(network, addr string) (net.Conn, error) {
		return nil, errors.New("capture: CONNECT without MITM is not allowed")
	}
	gp.OnRequest().HandleConnectFunc(p.handleConnect)
	gp.OnRequest().DoFunc(p.handleRequest)
	p.gp = gp

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen on 127.0.0.1: %w", err)
	}
	p.listener = newTrackingListener(l, cfg.IdleTimeout, cfg.HeaderTimeout, cfg.StallTimeout)
	jl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("proxy listen on 127.0.0.1: %w", err)
	}
	p.jvmListener = newTrackingListener(jl, cfg.IdleTimeout, cfg.HeaderTimeout, cfg.StallTimeout)
	p.jvmListener.admit = p.admitSameUser
	p.server = &http.Server{
		Handler: gp,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ReadHeaderTimeout: cfg.HeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          log.New(warnWriter{cfg.Warnf}, "", 0),
	}
	var serving sync.WaitGroup
	serving.Add(2)
	go func() { defer serving.Done(); p.server.Serve(p.listener) }()
	go func() { defer serving.Done(); p.server.Serve(p.jvmListener) }()
	p.startHandoff(&serving)
	go func() { serving.Wait(); close(p.served) }()
	return p, nil
}

// Addr returns the proxy's host:port.
func (p *Proxy) Addr() string { return p.listener.Addr().String() }

// URL returns the proxy URL with the run's credential, for the child.
func (p *Proxy) URL() string {
	return (&url.URL{Scheme: "http", User: url.UserPassword(p.user, p.token), Host: p.Addr()}).String()
}

// JVMURL returns the URL of the port for JVM clients, which cannot send
// the credential for HTTPS tunnels: it admits only connections from
// sockets owned by depaudit's own user.
func (p *Proxy) JVMURL() string {
	return (&url.URL{Scheme: "http", User: url.UserPassword(p.user, p.token), Host: p.jvmListener.Addr().String()}).String()
}

// admitSameUser lets a connection to the JVM port in when its socket
// belongs to depaudit's own user.
func (p *Proxy) admitSameUser(c net.Conn) bool {
	local, ok1 := c.LocalAddr().(*net.TCPAddr)
	remote, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		return false
	}
	// The client's socket has the client's address as its local end.
	uid, err := socketOwner(remote, local)
	if err != nil || uid != os.Getuid() {
		if p.strangers.add(StrangerSample{Time: p.now(), UID: uid, Port: "jvm"}) && p.cfg.Warnf != nil {
			p.cfg.Warnf("refused a connection to the JVM port from %s (uid %d, %v)", remote, uid, err)
		}
		return false
	}
	return true
}

// Strangers returns the count of processes outside the build refused so
// far, with the first few.
func (p *Proxy) Strangers() Strangers { return p.strangers.get() }

// now returns the current time on the proxy's timeline: the wall-clock
// time it started plus the monotonic time since. The start times and
// durations of one run's exchanges are then consistent with each other,
// and with the order of the records, even when the system clock is set or
// slewed during the build.
func (p *Proxy) now() time.Time {
	return p.epoch.Add(time.Since(p.epoch))
}

// Credential returns the user name and token the proxy requires.
func (p *Proxy) Credential() (user, token string) { return p.user, p.token }

// newUpstreamTransport builds the transport for upstream requests: verified
// TLS, bytes passed through unchanged, pooled connections.
func newUpstreamTransport(cfg ProxyConfig) *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: dialer.DialContext,
		// Sessions are resumed on new connections to a registry the run
		// reached before: the certificate chain was verified on the first.
		TLSClientConfig:       &tls.Config{RootCAs: cfg.UpstreamRootCAs, MinVersion: tls.VersionTLS12, ClientSessionCache: tls.NewLRUClientSessionCache(256)},
		TLSHandshakeTimeout:   20 * time.Second,
		ResponseHeaderTimeout: cfg.StallTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true,
		WriteBufferSize:       64 << 10,
		ReadBufferSize:        64 << 10,
	}
	if cfg.UpstreamDial != nil {
		tr.DialContext = cfg.UpstreamDial
	}
	if cfg.Getenv != nil {
		pc := &httpproxy.Config{
			HTTPProxy:  firstEnv(cfg.Getenv, "HTTP_PROXY", "http_proxy"),
			HTTPSProxy: firstEnv(cfg.Getenv, "HTTPS_PROXY", "https_proxy"),
			NoProxy:    firstEnv(cfg.Getenv, "NO_PROXY", "no_proxy"),
		}
		if pc.HTTPProxy != "" || pc.HTTPSProxy != "" {
			f := pc.ProxyFunc()
			tr.Proxy = func(r *http.Request) (*url.URL, error) { return f(r.URL) }
		}
	}
	return tr
}

// newUpstreamPool builds the pool for the common requests, with the
// transport's dialer, TLS settings and timeouts.
func newUpstreamPool(cfg ProxyConfig, tr *http.Transport) *upstreamPool {
	return &upstreamPool{
		dial:             tr.DialContext,
		tlsConfig:        tr.TLSClientConfig,
		handshakeTimeout: tr.TLSHandshakeTimeout,
		headerTimeout:    tr.ResponseHeaderTimeout,
		idleTimeout:      tr.IdleConnTimeout,
		maxIdlePerHost:   tr.MaxIdleConnsPerHost,
		maxIdle:          tr.MaxIdleConns,
		idle:             map[string][]*upstreamConn{},
	}
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// authorized reports whether req carries the run's proxy credential or
// arrived on a connection the JVM port admitted for its socket's owner.
func (p *Proxy) authorized(req *http.Request) bool {
	got := req.Header.Get("Proxy-Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte(p.authValue)) == 1 {
		return true
	}
	c, _ := req.Context().Value(connKey{}).(*timeoutConn)
	return c != nil && c.sameUser
}

func (p *Proxy) proxyAuthRequired(req *http.Request) *http.Response {
	resp := goproxy.NewResponse(req, goproxy.ContentTypeText, http.StatusProxyAuthRequired,
		"depaudit: proxy authentication required\n")
	resp.Header.Set("Proxy-Authenticate", `Basic realm="depaudit"`)
	// The connection ends with the answer: clients that first try without
	// the credential (libcurl with CURLAUTH_ANY, as git uses) reconnect.
	resp.Header.Set("Connection", "close")
	resp.Close = true
	return resp
}

func (p *Proxy) handleConnect(host string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
	if !p.authorized(ctx.Req) {
		ctx.Resp = p.proxyAuthRequired(ctx.Req)
		p.recordRejected(ctx.Req, "CONNECT", "https://"+host+"/")
		return goproxy.RejectConnect, host
	}
	c := p.clientConn(ctx.Req, ctx)
	ctx.UserData = &tunnelMark{host: host, conn: c}
	if c != nil {
		c.startTunnel(func(first []byte, requests int) { p.recordOtherProtocol(host, first, requests) })
		// The TLS handshake and the first request head come next.
		c.awaitHead()
	}
	return &goproxy.ConnectAction{
		Action: goproxy.ConnectMitm,
		TLSConfig: func(h string, gctx *goproxy.ProxyCtx) (*tls.Config, error) {
			return p.handshakes.config(gctx.Session, p.cfg.CA.TLSConfig(h)), nil
		},
	}, host
}

func (p *Proxy) handleRequest(req *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
	_, transparent := transparentInfo(req)
	if _, ok := ctx.UserData.(*tunnelMark); !ok && !transparent && !p.authorized(req) {
		p.recordRejected(req, req.Method, req.URL.String())
		return req, p.proxyAuthRequired(req)
	}
	if c := p.clientConn(req, ctx); c != nil {
		c.headRead()
	}
	ctx.RoundTripper = goproxy.RoundTripperFunc(p.roundTrip)
	return req, nil
}

// recordOtherProtocol records a CONNECT tunnel whose client sent neither
// TLS nor an HTTP request through it (an SSH session, a database
// protocol): traffic depaudit cannot see, which the log must still show.
// A TLS tunnel (its failures are recorded where the handshake fails), a
// tunnel that carried requests, and one the client closed without a word
// are not recorded.
func (p *Proxy) recordOtherProtocol(host string, first []byte, requests int) {
	if requests > 0 || len(first) == 0 || first[0] == tlsHandshakeRecord {
		return
	}
	p.record(&Exchange{
		ID:            p.nextID.Add(1),
		Start:         p.now(),
		Method:        http.MethodConnect,
		URL:           "https://" + stripPort(host) + "/",
		Host:          hostOf(&url.URL{Scheme: "https", Host: host}, host),
		ContentLength: -1,
		Error: fmt.Sprintf("the client sent %s, not TLS, through the tunnel: closed, nothing of it seen",
			describeFirstBytes(first)),
	}, time.Time{})
}

// tlsHandshakeRecord is the first byte of a TLS client hello.
const tlsHandshakeRecord = 0x16

// describeFirstBytes names the protocol that starts with first, without
// quoting the bytes (they may hold a secret).
func describeFirstBytes(first []byte) string {
	s := string(first)
	switch {
	case strings.HasPrefix(s, "SSH-"):
		return "an SSH banner"
	case strings.HasPrefix(s, "PRI * HTTP/2"):
		return "an HTTP/2 cleartext preface"
	case first[0] == 0x04 || first[0] == 0x05:
		return "what looks like a SOCKS greeting"
	case first[0] == 0x80 && len(first) > 2 && first[2] == 0x01:
		return "an SSLv2 client hello"
	}
	printable := true
	for _, b := range first {
		if (b < 0x20 || b > 0x7e) && b != '\r' && b != '\n' && b != '\t' {
			printable = false
			break
		}
	}
	if printable {
		return "printable text that is not an HTTP request"
	}
	return "binary data"
}

// clientConn returns the client connection req arrived on: from the
// request's context, or for requests read inside a tunnel, from the
// tunnel's mark. It is nil when unknown.
func (p *Proxy) clientConn(req *http.Request, ctx *goproxy.ProxyCtx) *timeoutConn {
	if c, ok := req.Context().Value(connKey{}).(*timeoutConn); ok {
		return c
	}
	if m, ok := ctx.UserData.(*tunnelMark); ok {
		return m.conn
	}
	return nil
}

// recordRejected records a request refused for want of the credential: a
// client in the build that could not authenticate shows up in the log. A
// stranger's is counted apart instead (see Strangers).
func (p *Proxy) recordRejected(req *http.Request, method, rawURL string) {
	if p.cfg.BuildRoot != nil {
		c, _ := req.Context().Value(connKey{}).(*timeoutConn)
		build, uid, checked := false, -1, true
		if c != nil {
			build, uid, checked = inBuild(c.Conn, p.cfg.BuildRoot(), p.strangers.check)
		}
		if !checked {
			p.strangers.unchecked()
		}
		if !build {
			if p.strangers.add(StrangerSample{Time: p.now(), UID: uid, Port: "main", Method: method, Host: hostOf(req.URL, req.Host)}) &&
				p.cfg.Warnf != nil {
				p.cfg.Warnf("refused a request from a process outside the build (uid %d)", uid)
			}
			return
		}
	}
	u, _ := RedactURL(rawURL)
	x := &Exchange{
		ID:            p.nextID.Add(1),
		Start:         p.now(),
		Method:        method,
		URL:           u,
		Host:          hostOf(req.URL, req.Host),
		Status:        http.StatusProxyAuthRequired,
		ContentLength: -1,
		UserAgent:     req.Header.Get("User-Agent"),
		Error:         ErrProxyAuthRequired,
		Outcome:       OutcomeProxyAuthRequired,
	}
	p.record(x, time.Time{})
}

// roundTrip sends req upstream and wraps the response body so that the
// exchange is hashed as it streams and recorded when it ends.
func (p *Proxy) roundTrip(req *http.Request, pctx *goproxy.ProxyCtx) (*http.Response, error) {
	start := p.now()
	redacted, _ := RedactURL(req.URL.String())
	x := &Exchange{
		ID:            p.nextID.Add(1),
		Start:         start,
		Method:        req.Method,
		URL:           redacted,
		Host:          hostOf(req.URL, req.Host),
		ContentLength: -1,
		UserAgent:     req.Header.Get("User-Agent"),
		Authenticated: req.Header.Get("Authorization") != "" || req.Header.Get("Cookie") != "" || req.URL.User != nil,
	}
	_, x.Transparent = transparentInfo(req)
	p.pending.add()
	conn := p.clientConn(req, pctx)
	defer func() {
		if conn != nil {
			// The next request head may start once this answer is
			// written (with a body: once the body has ended).
			conn.awaitHead()
		}
	}()
	if denial := p.gate(x); denial != "" {
		x.Status = http.StatusForbidden
		x.Error = deniedErrorPrefix + denial
		x.Outcome = OutcomeDenied
		x.ContentLength = -1
		p.finish(x, start)
		return deniedResponse(req, denial), nil
	}
	rctx, rcancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(p.ctx, rcancel)
	release := func() { stop(); rcancel() }
	// The senders retry on their own, once, what a pooled connection the
	// upstream broke while it sat idle made fail before any answer; no
	// other failure is retried, so a request reaches the upstream at
	// most once more, never after a timeout.
	resp, err := p.send(req.WithContext(rctx))
	if err != nil {
		release()
		if p.ctx.Err() != nil {
			x.Error = "depaudit stopped before the response arrived"
		} else {
			x.Error = upstreamError(err)
		}
		p.finish(x, start)
		return badGateway(req, x.Error), nil
	}
	x.Status = resp.StatusCode
	x.ContentType = resp.Header.Get("Content-Type")
	x.ContentEncoding = resp.Header.Get("Content-Encoding")
	x.Headers = digestHeaders(resp.Header)
	x.ContentLength = resp.ContentLength
	x.ContentDigest = resp.Header.Get("Docker-Content-Digest")
	if loc := resp.Header.Get("Location"); loc != "" {
		if lu, err := req.URL.Parse(loc); err == nil {
			loc = lu.String()
		}
		x.Location, _ = RedactURL(loc)
	}
	if !hasBody(req, resp) {
		x.Complete = true
		if p.cfg.Inspect != nil {
			// A response without a body (a redirect, a HEAD) is shown
			// to the inspector too, as an empty body.
			if in := p.cfg.Inspect(x); in != nil {
				x.Digests = in.Finish(true)
			}
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			// An upgraded connection lives on after this exchange; closing
			// the proxy still ends it through p.ctx.
			release()
		} else if conn != nil {
			// What follows is no longer HTTP: no header timeout.
			conn.headRead()
			conn = nil
		}
		p.finish(x, start)
		return resp, nil
	}
	var expected []Digest
	if p.cfg.Expect != nil && x.Status == http.StatusOK && req.Method == http.MethodGet {
		expected = p.cfg.Expect(x)
	}
	rb := &recordingBody{rc: resp.Body, h: NewHasher(p.hashes(x) | expectHashes(expected)), x: x, p: p, start: start, release: release, cancel: rcancel,
		client: req.Context(), expected: expected}
	if bi := p.inspector(x); bi != nil {
		rb.inspect = bi
	}
	if _, tunnelled := pctx.UserData.(*tunnelMark); tunnelled && conn != nil &&
		resp.ContentLength > 0 && resp.ContentLength <= corkLimit/2 {
		// A small body: its head and body go to the client in one write,
		// when the body has ended (see recordingBody.done).
		conn.cork()
		rb.corked = conn
	}
	rb.conn, conn = conn, nil
	resp.Body = rb
	return resp, nil
}

// send sends req upstream, through the pool when it takes req.
func (p *Proxy) send(req *http.Request) (*http.Response, error) {
	if p.pool != nil && p.pool.takes(req) {
		if p.h2.takes(req) {
			return p.h2.roundTrip(req)
		}
		resp, err := p.pool.RoundTrip(req)
		var refused errHTTP1Refused
		if errors.As(err, &refused) && req.Context().Err() == nil {
			// A server that speaks only HTTP/2 (see h2.go).
			return p.h2.fallBack(req, err)
		}
		return resp, err
	}
	return p.transport.RoundTrip(req)
}

// hasBody reports whether resp carries a body the proxy should hash:
// not for HEAD, 1xx, 204, 304, or an empty body.
func hasBody(req *http.Request, resp *http.Response) bool {
	switch {
	case req.Method == http.MethodHead,
		resp.StatusCode < 200,
		resp.StatusCode == http.StatusNoContent,
		resp.StatusCode == http.StatusNotModified,
		resp.Body == nil, resp.Body == http.NoBody:
		return false
	}
	return true
}

// record hands x to the recorder; with a start time it first sets x's
// duration. Exchanges are timed and recorded under one lock, so the order
// of the records is the order in which exchanges finished.
func (p *Proxy) record(x *Exchange, start time.Time) {
	p.recordMu.Lock()
	defer p.recordMu.Unlock()
	if !start.IsZero() {
		x.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	}
	// Errors quote URLs (Go's url.Error does, query included).
	x.Error = RedactText(x.Error)
	p.certRefusals.answered(x)
	p.cfg.Record(x)
}

// finish completes x and hands it to the recorder.
func (p *Proxy) finish(x *Exchange, start time.Time) {
	if x.Complete && x.Bytes == 0 && x.SHA256 == "" && x.Status >= 200 && x.Status != http.StatusNoContent &&
		x.Status != http.StatusNotModified && x.Method != http.MethodHead && x.Status != http.StatusSwitchingProtocols {
		d := emptyDigests.only(p.hashes(x))
		x.SHA256, x.SHA512, x.SHA1 = d.SHA256, d.SHA512, d.SHA1
	}
	p.record(x, start)
	p.pending.done()
}

// recordingBody hashes a response body as the client reads it and records
// the exchange when the body ends, fails, or is closed early.
type recordingBody struct {
	rc      io.ReadCloser
	h       *MultiHasher
	x       *Exchange
	p       *Proxy
	start   time.Time
	release func()
	// inspect, when not nil, gets a copy of the body (see InspectFunc).
	inspect BodyInspector
	// cancel aborts the upstream request; stall does so when a read from
	// upstream makes no progress for the stall timeout.
	cancel  func()
	stall   *time.Timer
	stalled atomic.Bool
	// client is the request's context, which ends when the client goes
	// away (the upstream read then fails too, but it is not the cause).
	client context.Context
	// corked, when set, is the client connection holding back the
	// response until the body ends.
	corked *timeoutConn
	// conn is the client connection, told when the body has ended.
	conn *timeoutConn

	once    sync.Once
	eof     bool
	eofNext bool // the end was seen with the last bytes, and is reported next
	readErr error

	// expected are the digests the body must have (see ExpectFunc): its
	// last bytes wait in held until it has ended and they are compared,
	// out holds what may go to the client, cut says why it was cut.
	expected []Digest
	held     []byte
	out      []byte
	tmp      []byte
	cut      string
}

func (b *recordingBody) Read(buf []byte) (int, error) {
	if len(b.expected) > 0 {
		return b.readChecked(buf)
	}
	return b.read(buf)
}

// readChecked is Read for a body whose digests are expected: what is read
// from upstream goes to the client but for the last holdBack bytes, which
// go only once the whole body's digests match.
func (b *recordingBody) readChecked(buf []byte) (int, error) {
	for {
		if len(b.out) > 0 {
			n := copy(buf, b.out)
			b.out = b.out[n:]
			return n, nil
		}
		if b.eof && b.cut == "" && b.readErr == nil && len(b.held) == 0 {
			return b.read(buf) // reports the end, and ends the exchange
		}
		if b.cut != "" || b.readErr != nil {
			return 0, fmt.Errorf("depaudit: %s", b.cut)
		}
		if b.tmp == nil {
			b.tmp = make([]byte, 32<<10)
		}
		n, err := b.read(b.tmp)
		b.held = append(b.held, b.tmp[:n]...)
		switch {
		case err == nil && !b.eofNext:
			if keep := min(len(b.held), holdBack); len(b.held) > keep {
				b.out = append(b.out[:0], b.held[:len(b.held)-keep]...)
				b.held = append(b.held[:0], b.held[len(b.held)-keep:]...)
			}
		case err == nil || err == io.EOF:
			// The body has ended (with these bytes, or now): check it.
			b.eof = true
			if why := checkExpected(b.expected, b.h.Sum()); why != "" {
				b.cut = why
				b.held = nil
				b.done("")
				// Close the client's connection: a body without a length
				// would otherwise be ended cleanly by the server, and look
				// whole.
				if b.conn != nil {
					b.conn.Close()
				}
				return 0, fmt.Errorf("depaudit: %s", why)
			}
			b.out, b.held = b.held, nil
		default:
			// Upstream failed: the exchange has ended with it.
			b.out, b.held = b.held, nil
			if len(b.out) == 0 {
				return 0, err
			}
			b.readErr = err
		}
	}
}

// read reads the body from upstream, hashing and inspecting it, and ends
// the exchange when it ends.
func (b *recordingBody) read(buf []byte) (int, error) {
	if b.eofNext {
		// The last bytes were handed over with the previous Read; now
		// they have been written to the client (into the cork, for a
		// small body), the exchange ends.
		b.done("")
		return 0, io.EOF
	}
	if d := b.p.cfg.StallTimeout; d > 0 {
		if b.stall == nil {
			b.stall = time.AfterFunc(d, func() { b.stalled.Store(true); b.cancel() })
		} else {
			b.stall.Reset(d)
		}
	}
	n, err := b.rc.Read(buf)
	if b.stall != nil {
		b.stall.Stop()
	}
	if n > 0 {
		b.h.Write(buf[:n])
		if b.inspect != nil {
			if _, err := b.inspect.Write(buf[:n]); err != nil {
				b.inspect.Finish(false)
				b.inspect = nil
			}
		}
	}
	if err != nil {
		if err == io.EOF {
			b.eof = true
			if n > 0 || len(b.expected) > 0 {
				// Data and the end together: the exchange ends on the
				// next Read, once these bytes have reached the client,
				// so that a corked response goes out whole, before its
				// record is written.
				b.eofNext = true
				return n, nil
			}
		} else {
			b.readErr = err
		}
		b.done("")
	}
	return n, err
}

func (b *recordingBody) Close() error {
	if b.conn != nil && b.conn.writeTimedOut.Load() {
		b.done(fmt.Sprintf("the client stopped reading the body for %v", b.p.cfg.StallTimeout))
	}
	b.done("the client closed the connection before the body ended")
	return b.rc.Close()
}

// done finishes the exchange once; why explains an early end when the
// body neither reached EOF nor failed upstream.
func (b *recordingBody) done(why string) {
	b.once.Do(func() {
		if b.stall != nil {
			b.stall.Stop()
		}
		// The client gets the response before the log line is written;
		// a client gone before it got the body did not receive it.
		var clientErr error
		if b.corked != nil {
			clientErr = b.corked.uncork()
		}
		x := b.x
		x.Bytes = b.h.Written()
		lengthOK := x.ContentLength < 0 || x.Bytes == x.ContentLength
		switch {
		case b.cut != "":
			x.Error = b.cut
		case b.readErr != nil && b.p.ctx.Err() != nil:
			x.Error = "depaudit stopped before the body ended"
		case b.readErr != nil && b.stalled.Load():
			x.Error = fmt.Sprintf("upstream body: no bytes for %v", b.p.cfg.StallTimeout)
		case b.readErr != nil && b.client != nil && b.client.Err() != nil:
			x.Error = "the client closed the connection before the body ended"
		case b.readErr != nil:
			x.Error = "upstream body: " + upstreamError(b.readErr)
		case clientErr != nil:
			x.Error = fmt.Sprintf("the client closed the connection before it received the body (%v)", clientErr)
		case !b.eof && !(x.ContentLength >= 0 && x.Bytes == x.ContentLength):
			x.Error = why
		case !lengthOK:
			x.Error = fmt.Sprintf("body length %d does not match Content-Length %d", x.Bytes, x.ContentLength)
		}
		if x.Error == "" {
			x.Complete = true
			d := b.h.Sum()
			x.SHA256, x.SHA512, x.SHA1 = d.SHA256, d.SHA512, d.SHA1
		} else {
			b.h.Abort()
		}
		if b.inspect != nil {
			x.Digests = b.inspect.Finish(x.Complete)
		}
		b.release()
		if b.conn != nil {
			b.conn.awaitHead()
		}
		b.p.finish(x, b.start)
	})
}

// upstreamError describes an upstream failure for the log and the client.
func upstreamError(err error) string {
	if isCertError(err) {
		return "upstream TLS certificate verification failed: " + err.Error()
	}
	return err.Error()
}

// isCertError reports an upstream certificate that did not verify.
func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

func badGateway(req *http.Request, msg string) *http.Response {
	return goproxy.NewResponse(req, goproxy.ContentTypeText, http.StatusBadGateway, "depaudit: "+msg+"\n")
}

// hostOf returns the host of u (or fallback), keeping the port only when
// it is not the scheme's default.
func hostOf(u *url.URL, fallback string) string {
	h, scheme := fallback, "https"
	if u != nil {
		if u.Host != "" {
			h = u.Host
		}
		if u.Scheme != "" {
			scheme = u.Scheme
		}
	}
	if n := urlkey.HostPort(scheme, h); n != "" {
		return n
	}
	return strings.ToLower(h)
}

// goproxyLogger turns goproxy's log lines into diagnostics, and records a
// failed client handshake inside a CONNECT: the sign of a client that did
// not trust the run's CA.
type goproxyLogger struct{ p *Proxy }

func (l goproxyLogger) Printf(format string, args ...any) {
	if strings.Contains(format, "Cannot handshake client") && len(args) >= 3 {
		refused := l.p.handshakes.certificateSent(args[0])
		if err, ok := args[2].(error); ok && clientAbandoned(err) && refused {
			// The client closed the tunnel, without an alert, after it
			// got depaudit's certificate: it refused it (Node does so).
			host := fmt.Sprint(args[1])
			l.p.certRefusals.add(&Exchange{
				ID:            l.p.nextID.Add(1),
				Start:         l.p.now(),
				Method:        http.MethodConnect,
				URL:           "https://" + stripPort(host) + "/",
				Host:          hostOf(&url.URL{Scheme: "https", Host: host}, host),
				ContentLength: -1,
				Error: fmt.Sprintf("the client closed the connection after receiving depaudit's certificate, without a TLS alert (%v): "+
					"it refused the certificate: it did not trust depaudit's CA (a CA file of its own, as npm --cafile), or pins certificates", err),
			})
			return
		}
		if err, ok := args[2].(error); ok && clientAbandoned(err) {
			// The client closed the tunnel before its ClientHello ended:
			// a connection it did not need (Go's transport races dials).
			if l.p.cfg.Warnf != nil {
				l.p.cfg.Warnf("client closed a tunnel to %v before the TLS handshake ended: %v", args[1], err)
			}
			return
		}
		host := fmt.Sprint(args[1])
		x := &Exchange{
			ID:            l.p.nextID.Add(1),
			Start:         l.p.now(),
			Method:        http.MethodConnect,
			URL:           "https://" + stripPort(host) + "/",
			Host:          hostOf(&url.URL{Scheme: "https", Host: host}, host),
			ContentLength: -1,
			Error:         fmt.Sprintf("TLS handshake with the client failed (%v): the client did not trust depaudit's CA, or pins certificates", args[2]),
		}
		if err, ok := args[2].(error); ok && isTimeout(err) {
			x.Error = fmt.Sprintf("TLS handshake with the client timed out (%v)", err)
		}
		l.p.record(x, time.Time{})
		return
	}
	if l.p.cfg.Warnf != nil {
		l.p.cfg.Warnf(strings.TrimSuffix(format, "\n"), args...)
	}
}

// Close stops accepting connections, closes every client connection, waits
// up to grace for exchanges still in flight, then aborts their upstream
// requests so that they are recorded as incomplete. Every exchange that
// started is recorded exactly once before Close returns, unless one is
// still stuck (in code that ignores the abort) max(grace, 1 s) after it:
// Close then returns anyway and warns, rather than hold the build forever.
func (p *Proxy) Close(grace time.Duration) {
	if !p.closing.CompareAndSwap(false, true) {
		return
	}
	p.server.SetKeepAlivesEnabled(false)
	p.listener.closeAll()
	p.jvmListener.closeAll()
	p.handoff.closeAll()
	p.handoffTrusted.closeAll()
	p.transparent.closeAll()
	<-p.served
	done := make(chan struct{})
	go func() { p.pending.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		p.cancel()
		select {
		case <-done:
		case <-time.After(max(grace, time.Second)):
			p.warnf("%d exchange(s) still in flight after they were aborted: not recorded", p.pending.count())
		}
	}
	p.cancel()
	refused, dropped := p.certRefusals.take()
	for _, x := range refused {
		p.record(x, time.Time{})
	}
	if dropped > 0 {
		p.warnf("%d tunnel(s) closed by the client after depaudit's certificate, to hosts other connections reached: dials the client no longer needed", dropped)
	}
	p.transport.CloseIdleConnections()
	p.h2.tr.CloseIdleConnections()
	if p.pool != nil {
		p.pool.close()
	}
}

// Abort aborts the upstream requests of every exchange in flight now, so
// that a Close under way waits no longer for them.
func (p *Proxy) Abort() { p.cancel() }

// pendingCount counts exchanges in flight. Unlike sync.WaitGroup it allows
// new exchanges to start while Close waits for the count to reach zero.
type pendingCount struct {
	mu   sync.Mutex
	n    int
	cond *sync.Cond
}

func (c *pendingCount) init() {
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
	}
}

func (c *pendingCount) add() {
	c.mu.Lock()
	c.init()
	c.n++
	c.mu.Unlock()
}

func (c *pendingCount) done() {
	c.mu.Lock()
	c.init()
	c.n--
	if c.n == 0 {
		c.cond.Broadcast()
	}
	c.mu.Unlock()
}

func (c *pendingCount) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *pendingCount) wait() {
	c.mu.Lock()
	c.init()
	for c.n > 0 {
		c.cond.Wait()
	}
	c.mu.Unlock()
}

// clientAbandoned reports whether a failed client handshake ended because
// the client went away (EOF, reset, broken pipe) rather than with an alert.
func clientAbandoned(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// warnWriter turns the HTTP server's log lines into diagnostics.
type warnWriter struct{ warnf func(string, ...any) }

func (w warnWriter) Write(b []byte) (int, error) {
	if w.warnf != nil {
		w.warnf("%s", strings.TrimSuffix(string(b), "\n"))
	}
	return len(b), nil
}
