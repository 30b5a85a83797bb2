package capture

import (
	"net"
	"sync"
	"time"
)

// trackingListener wraps accepted connections with idle and stall
// deadlines and remembers them, so that the proxy can close every client
// connection (hijacked CONNECT tunnels included) when it shuts down.
type trackingListener struct {
	net.Listener
	idle, stall time.Duration
	// admit, when set, decides whether an accepted connection may stay;
	// refused ones are closed at once. onClose is told of every close.
	admit   func(net.Conn) bool
	onClose func(net.Conn)

	mu     sync.Mutex
	conns  map[*timeoutConn]struct{}
	closed bool
}

func newTrackingListener(l net.Listener, idle, stall time.Duration) *trackingListener {
	return &trackingListener{Listener: l, idle: idle, stall: stall, conns: map[*timeoutConn]struct{}{}}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	for l.admit != nil && !l.admit(c) {
		c.Close()
		if c, err = l.Listener.Accept(); err != nil {
			return nil, err
		}
	}
	tc := &timeoutConn{Conn: c, idle: l.idle, stall: l.stall, l: l}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		c.Close()
		return nil, net.ErrClosed
	}
	l.conns[tc] = struct{}{}
	l.mu.Unlock()
	return tc, nil
}

// closeAll closes the listener and every connection it accepted.
func (l *trackingListener) closeAll() {
	l.mu.Lock()
	l.closed = true
	conns := make([]*timeoutConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	l.Listener.Close()
	for _, c := range conns {
		c.Conn.Close()
	}
}

func (l *trackingListener) forget(c *timeoutConn) {
	if l.onClose != nil {
		l.onClose(c)
	}
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// open returns the number of client connections currently open.
func (l *trackingListener) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// timeoutConn bounds every Read by the idle timeout (a client that sends
// nothing for that long is dropped, inside MITM tunnels too, where the HTTP
// server's own timeouts no longer apply) and every Write by the stall
// timeout (a client that stops reading a response). A deadline set by the
// HTTP server itself (its header read timeout) wins when it is sooner.
type timeoutConn struct {
	net.Conn
	idle, stall time.Duration
	l           *trackingListener

	mu        sync.Mutex
	readLimit time.Time
	closeOnce sync.Once
}

func (c *timeoutConn) Read(b []byte) (int, error) {
	if c.idle > 0 {
		d := time.Now().Add(c.idle)
		c.mu.Lock()
		if !c.readLimit.IsZero() && c.readLimit.Before(d) {
			d = c.readLimit
		}
		c.mu.Unlock()
		c.Conn.SetReadDeadline(d)
	}
	return c.Conn.Read(b)
}

func (c *timeoutConn) Write(b []byte) (int, error) {
	if c.stall > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.stall))
	}
	return c.Conn.Write(b)
}

func (c *timeoutConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readLimit = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *timeoutConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.readLimit = t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

func (c *timeoutConn) Close() error {
	c.closeOnce.Do(func() { c.l.forget(c) })
	return c.Conn.Close()
}
