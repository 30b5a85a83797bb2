package capture

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
)

// ConnInfo is what is known about a connection handed to the proxy with
// ServeConn by something other than its own listeners (a virtual network
// that sees the child's connections, such as package sealed's).
type ConnInfo struct {
	// Transparent says the client connected to Dest itself, around the
	// proxy: its first bytes are a TLS ClientHello (TLS is set) or an HTTP
	// request, and its requests are recorded with Transparent set.
	// Otherwise the connection is one to the proxy's own port, as a
	// client that honours the proxy variables makes.
	Transparent bool
	// TLS says a transparent connection starts with a TLS ClientHello.
	TLS bool
	// Dest is where the client connected (for a transparent connection).
	Dest netip.AddrPort
	// Name is the host name that led the client to Dest, when known (the
	// name it resolved through the network's DNS); used when the client
	// names no host itself (no SNI, no Host header).
	Name string
	// Trusted admits a connection to the proxy's port without the run's
	// credential, as the JVM port admits depaudit's own user: the network
	// vouches that it comes from the build.
	Trusted bool
}

// transparentKey is the context key of a transparent request's ConnInfo.
type transparentKey struct{}

// handoffConn is a connection handed over with ServeConn.
type handoffConn struct {
	net.Conn
	info ConnInfo
}

// chanListener is a net.Listener whose connections are handed to it.
type chanListener struct {
	addr  net.Addr
	ch    chan net.Conn
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// push hands c to Accept; it fails once the listener is closed.
func (l *chanListener) push(c net.Conn) error {
	l.mu.Lock()
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	select {
	case l.ch <- c:
		return nil
	case <-l.done:
		l.forget(c)
		return net.ErrClosed
	}
}

func (l *chanListener) forget(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// closeAll closes the listener and every connection handed to it.
func (l *chanListener) closeAll() {
	l.Close()
	l.mu.Lock()
	conns := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// forgetfulConn tells its chanListener when it closes.
type forgetfulConn struct {
	net.Conn
	l    *chanListener
	once sync.Once
}

func (c *forgetfulConn) Close() error {
	c.once.Do(func() { c.l.forget(c) })
	return c.Conn.Close()
}

// startHandoff makes the listeners that ServeConn feeds: connections to
// the proxy's port go to the proxy's HTTP server; transparent ones to a
// server of their own that turns their requests into proxy requests.
func (p *Proxy) startHandoff(serving *sync.WaitGroup) {
	p.handoff = newTrackingListener(newChanListener(p.listener.Addr()), p.cfg.IdleTimeout, p.cfg.HeaderTimeout, p.cfg.StallTimeout)
	p.handoffTrusted = newTrackingListener(newChanListener(p.jvmListener.Addr()), p.cfg.IdleTimeout, p.cfg.HeaderTimeout, p.cfg.StallTimeout)
	p.handoffTrusted.admit = func(net.Conn) bool { return true }
	p.transparent = newChanListener(p.listener.Addr())
	p.transparentServer = &http.Server{
		Handler:           http.HandlerFunc(p.serveTransparent),
		ReadHeaderTimeout: p.cfg.HeaderTimeout,
		IdleTimeout:       p.cfg.IdleTimeout,
		ErrorLog:          p.server.ErrorLog,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if tc, ok := c.(*tls.Conn); ok {
				c = tc.NetConn()
			}
			if fc, ok := c.(*forgetfulConn); ok {
				c = fc.Conn
			}
			if hc, ok := c.(*handoffConn); ok {
				return context.WithValue(ctx, transparentKey{}, hc.info)
			}
			return ctx
		},
	}
	serving.Add(3)
	go func() { defer serving.Done(); p.server.Serve(p.handoff) }()
	go func() { defer serving.Done(); p.server.Serve(p.handoffTrusted) }()
	go func() { defer serving.Done(); p.transparentServer.Serve(p.transparent) }()
}

// ServeConn serves c as if it had been accepted by the proxy: as a
// connection to the proxy's port, or, when info.Transparent, as a
// connection the client made to info.Dest itself, whose TLS the proxy
// terminates with a certificate for the name the client asked for (SNI,
// else info.Name, else the address) and whose requests go on to the host
// they name. It returns at once; c is closed when served, or when the
// proxy closes. It fails only when the proxy is closing.
func (p *Proxy) ServeConn(c net.Conn, info ConnInfo) error {
	if p.closing.Load() {
		c.Close()
		return net.ErrClosed
	}
	if c.RemoteAddr() == nil {
		// Closed already (the client went away).
		c.Close()
		return net.ErrClosed
	}
	if !info.Transparent {
		l := p.handoff
		if info.Trusted {
			l = p.handoffTrusted
		}
		err := l.Listener.(*chanListener).push(c)
		if err != nil {
			c.Close()
		}
		return err
	}
	l := p.transparent
	var conn net.Conn = &forgetfulConn{Conn: &handoffConn{Conn: c, info: info}, l: l}
	if info.TLS {
		fallback := info.Name
		if fallback == "" {
			fallback = info.Dest.Addr().String()
		}
		conn = tls.Server(conn, p.cfg.CA.TLSConfig(fallback))
	}
	if err := l.push(conn); err != nil {
		conn.Close()
		return err
	}
	return nil
}

// serveTransparent turns a request read from a transparent connection into
// the proxy request the client would have sent had it used the proxy.
func (p *Proxy) serveTransparent(w http.ResponseWriter, r *http.Request) {
	info, ok := r.Context().Value(transparentKey{}).(ConnInfo)
	if !ok {
		http.Error(w, "depaudit: not a transparent connection", http.StatusInternalServerError)
		return
	}
	scheme, defPort := "http", uint16(80)
	if r.TLS != nil {
		scheme, defPort = "https", 443
	}
	host := ""
	switch {
	case r.TLS != nil && r.TLS.ServerName != "":
		host = r.TLS.ServerName
	case r.Host != "":
		host = r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if a, err := netip.ParseAddr(host); err == nil && info.Name != "" && a == info.Dest.Addr() {
			// The client named the address it was given for a name.
			host = info.Name
		}
	case info.Name != "":
		host = info.Name
	default:
		host = info.Dest.Addr().String()
	}
	if port := info.Dest.Port(); port != defPort && port != 0 {
		host = net.JoinHostPort(host, strconv.Itoa(int(port)))
	} else if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
		host = "[" + host + "]"
	}
	r.URL.Scheme = scheme
	r.URL.Host = host
	if r.Host == "" {
		r.Host = host
	}
	p.gp.ServeHTTP(w, r)
}

// transparentInfo returns the ConnInfo of a request read from a
// transparent connection.
func transparentInfo(r *http.Request) (ConnInfo, bool) {
	info, ok := r.Context().Value(transparentKey{}).(ConnInfo)
	return info, ok && info.Transparent
}
