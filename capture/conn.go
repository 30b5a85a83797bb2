package capture

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// trackingListener wraps accepted connections with idle, header and stall
// deadlines and remembers them, so that the proxy can close every client
// connection (hijacked CONNECT tunnels included) when it shuts down, and
// find the connection a request came from by its remote address.
type trackingListener struct {
	net.Listener
	idle, header, stall time.Duration
	// admit, when set, decides whether an accepted connection may stay
	// without the proxy credential (see timeoutConn.sameUser); refused
	// ones are closed at once.
	admit func(net.Conn) bool

	mu     sync.Mutex
	conns  map[*timeoutConn]bool
	closed bool
}

func newTrackingListener(l net.Listener, idle, header, stall time.Duration) *trackingListener {
	return &trackingListener{Listener: l, idle: idle, header: header, stall: stall, conns: map[*timeoutConn]bool{}}
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
	tc := &timeoutConn{Conn: c, idle: l.idle, header: l.header, stall: l.stall, l: l, awaitingHead: true,
		sameUser: l.admit != nil}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		c.Close()
		return nil, net.ErrClosed
	}
	l.conns[tc] = true
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

// corkLimit bounds the bytes a corked connection holds back.
const corkLimit = 32 << 10

// corkHold bounds how long a corked connection holds bytes back: a small
// body that is slow to come reaches the client as it comes after that,
// not at its end (which could trip the client's read timeout).
const corkHold = 100 * time.Millisecond

// timeoutConn bounds every Read by the idle timeout (a client that sends
// nothing for that long is dropped, inside MITM tunnels too, where the HTTP
// server's own timeouts no longer apply) and every Write by the stall
// timeout (a client that stops reading a response). Reading a request's
// head is bounded by the header timeout from its first byte (a client that
// sends its headers byte by byte), inside tunnels too: the proxy says when
// a head was read (headRead) and when the next one may start (awaitHead).
// A deadline set by the HTTP server itself wins when it is sooner.
//
// A connection may be corked while a small response is written: its
// writes are held back and sent in one write when the body has ended, so
// that the head and the body of a small response reach the client
// together.
type timeoutConn struct {
	net.Conn
	idle, header, stall time.Duration
	l                   *trackingListener
	// sameUser is set on a connection admitted without the credential
	// because its socket belongs to depaudit's own user: requests on this
	// connection, and only on it, need no credential.
	sameUser bool

	mu           sync.Mutex
	readLimit    time.Time // deadline set by the HTTP server
	awaitingHead bool      // the next bytes read start a request head
	headStart    time.Time // when the head being read began, zero if none

	wmu    sync.Mutex
	corked bool
	held   []byte
	// corkTimer uncorks after corkHold; corkErr is the error of that
	// write, returned by uncork.
	corkTimer *time.Timer
	corkErr   error
	// writeTimedOut is set when a write failed for want of a reader.
	writeTimedOut atomic.Bool

	// tunnel, set once a CONNECT tunnel starts on the connection, keeps
	// the first bytes the client sent through it and counts the requests
	// read from it; tunnelEnd is told of them when the connection closes.
	tunnel    *tunnelStart
	tunnelEnd func(first []byte, requests int)

	closeOnce sync.Once
}

// tunnelStart is what a tunnel's client sent first.
type tunnelStart struct {
	first    []byte
	requests int
}

// tunnelFirstBytes is how many of a tunnel's first bytes are kept.
const tunnelFirstBytes = 16

// startTunnel says that a CONNECT tunnel starts: end is called when the
// connection closes, with the first bytes the client sent through it and
// the number of requests read from it.
func (c *timeoutConn) startTunnel(end func(first []byte, requests int)) {
	c.mu.Lock()
	c.tunnel, c.tunnelEnd = &tunnelStart{}, end
	c.mu.Unlock()
}

func (c *timeoutConn) Read(b []byte) (int, error) {
	now := time.Now()
	var d time.Time
	if c.idle > 0 {
		d = now.Add(c.idle)
	}
	c.mu.Lock()
	if !c.headStart.IsZero() && c.header > 0 {
		if hd := c.headStart.Add(c.header); d.IsZero() || hd.Before(d) {
			d = hd
		}
	}
	if !c.readLimit.IsZero() && (d.IsZero() || c.readLimit.Before(d)) {
		d = c.readLimit
	}
	c.mu.Unlock()
	if !d.IsZero() {
		c.Conn.SetReadDeadline(d)
	}
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.mu.Lock()
		if c.awaitingHead && c.headStart.IsZero() {
			c.headStart = now
		}
		if t := c.tunnel; t != nil && len(t.first) < tunnelFirstBytes {
			t.first = append(t.first, b[:min(n, tunnelFirstBytes-len(t.first))]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

// headRead says that a request head was read whole: the header timeout no
// longer applies until awaitHead.
func (c *timeoutConn) headRead() {
	c.mu.Lock()
	if c.tunnel != nil {
		c.tunnel.requests++
	}
	c.awaitingHead = false
	c.headStart = time.Time{}
	c.mu.Unlock()
}

// awaitHead says that the next bytes from the client start a request head
// (or, at the start of a tunnel, its TLS handshake).
func (c *timeoutConn) awaitHead() {
	c.mu.Lock()
	c.awaitingHead = true
	c.headStart = time.Time{}
	c.mu.Unlock()
}

func (c *timeoutConn) Write(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.corked {
		if len(c.held)+len(b) <= corkLimit {
			c.held = append(c.held, b...)
			return len(b), nil
		}
		// Too much to hold: send what is held and b, uncorked.
		c.corked = false
		if err := c.writeHeld(); err != nil {
			return 0, err
		}
	}
	return c.write(b)
}

func (c *timeoutConn) write(b []byte) (int, error) {
	if c.stall > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(c.stall))
	}
	n, err := c.Conn.Write(b)
	if err != nil && isTimeout(err) {
		c.writeTimedOut.Store(true)
	}
	return n, err
}

func (c *timeoutConn) writeHeld() error {
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.write(c.held)
	c.held = c.held[:0]
	if cap(c.held) > corkLimit {
		c.held = nil
	}
	return err
}

// cork holds back writes until uncork, or for corkHold at most.
func (c *timeoutConn) cork() {
	c.wmu.Lock()
	c.corked = true
	c.corkErr = nil
	c.corkTimer = time.AfterFunc(corkHold, func() {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		if c.corked {
			c.corked = false
			c.corkErr = c.writeHeld()
		}
	})
	c.wmu.Unlock()
}

// uncork sends what was held back and lets writes through again. It
// fails when the bytes cannot reach the client: the write failed (now or
// when corkHold ran out), or the client has closed or reset the
// connection, which a write into the socket's buffer would not show.
func (c *timeoutConn) uncork() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.corkTimer != nil {
		c.corkTimer.Stop()
		c.corkTimer = nil
	}
	if !c.corked {
		err := c.corkErr
		c.corkErr = nil
		return err
	}
	c.corked = false
	gone := c.peerGone()
	if err := c.writeHeld(); err != nil {
		return err
	}
	return gone
}

// errPeerClosed says the client closed its side of the connection.
var errPeerClosed = errors.New("the client closed the connection")

// peerGone reports a client that has closed (or reset) the connection, so
// that nothing written now reaches it. Corking is for tunnels, whose TLS
// clients never half-close: a closed side is a client gone. A pending
// close_notify would hide the end from a peek, so the socket's TCP state
// says it.
func (c *timeoutConn) peerGone() error {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	var gone error
	rc.Control(func(fd uintptr) {
		info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		if err != nil {
			return
		}
		switch info.State {
		case unix.BPF_TCP_CLOSE_WAIT, unix.BPF_TCP_CLOSE, unix.BPF_TCP_LAST_ACK:
			gone = errPeerClosed
		}
	})
	return gone
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
	c.closeOnce.Do(func() {
		c.l.forget(c)
		c.mu.Lock()
		t, end := c.tunnel, c.tunnelEnd
		c.mu.Unlock()
		if t != nil && end != nil {
			end(t.first, t.requests)
		}
	})
	return c.Conn.Close()
}
