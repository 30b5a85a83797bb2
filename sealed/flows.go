package sealed

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/depaudit/depaudit/capture"
)

// serverFirstPorts are ports whose protocols are neither TLS nor HTTP and
// whose server speaks first (or that are known not to be HTTP): their
// connections are refused at once, without waiting for a first byte.
var serverFirstPorts = map[uint16]string{
	21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 110: "pop3", 143: "imap", 465: "smtp", 587: "smtp",
	993: "imap", 995: "pop3", 3306: "mysql", 5432: "postgres", 6379: "redis", 9418: "git", 11211: "memcached", 27017: "mongodb",
}

// Sniffing waits for a connection's first bytes this long: on the ports of
// HTTP and HTTPS the client speaks first; elsewhere a silent client waits
// for a server that speaks first.
const (
	sniffWebPorts = 10 * time.Second
	sniffOther    = time.Second
)

// handlers returns the stack's flow handlers for one run.
func (n *Network) handlers(p *capture.Proxy, rec capture.NetRecorder) handlers {
	mainPort, jvmPort := portOf(p.Addr()), portOf(hostOfURL(p.JVMURL()))
	if rec.Connection == nil {
		rec.Connection = func(*capture.Connection) {}
	}
	return handlers{
		tcp: func(r *tcp.ForwarderRequest) { n.handleTCP(r, p, rec, mainPort, jvmPort) },
		udp: func(r *udp.ForwarderRequest) bool { return n.handleUDP(r, rec) },
	}
}

func (n *Network) handleTCP(r *tcp.ForwarderRequest, p *capture.Proxy, rec capture.NetRecorder, mainPort, jvmPort uint16) {
	id := r.ID()
	dst := netip.AddrPortFrom(toAddr(id.LocalAddress), id.LocalPort)
	start := time.Now()
	name := n.dns.nameOf(dst.Addr())
	block := func(proto, reason string) {
		rec.Connection(&capture.Connection{
			Start: start, Action: capture.ConnBlocked, Protocol: proto,
			Dest: dst.Addr().String(), Port: int(dst.Port()), Name: name, Reason: reason,
		})
	}
	refuse := func(proto, reason string) {
		r.Complete(true)
		block(proto, reason)
	}
	if dst.Addr() == gatewayAddr {
		switch dst.Port() {
		case mainPort, jvmPort:
			if c, _ := accept(r); c != nil {
				p.ServeConn(c, capture.ConnInfo{Trusted: dst.Port() == jvmPort})
			}
		case 53:
			if c, _ := accept(r); c != nil {
				go n.dns.serveTCP(c)
			}
		default:
			refuse("tcp", "the gateway serves only depaudit's proxy and DNS")
		}
		return
	}
	fake := fakeRange.Contains(dst.Addr())
	if fake && name == "" {
		refuse("tcp", "an address depaudit's DNS did not give out")
		return
	}
	for _, a := range n.cfg.Allow {
		if a.matches(name, dst) {
			n.relay(r, a, name, dst, start, rec)
			return
		}
	}
	web := dst.Port() == 80 || dst.Port() == 443
	if proto, ok := serverFirstPorts[dst.Port()]; ok {
		refuse("tcp/"+proto, "neither TLS nor HTTP")
		return
	}
	if !fake && !web {
		refuse("tcp", "an address the build did not look up, on a port that is not HTTP's or HTTPS's")
		return
	}
	c, ep := accept(r)
	if c == nil {
		return
	}
	wait := sniffOther
	if web {
		wait = sniffWebPorts
	}
	kind, first := sniff(c, wait)
	switch kind {
	case kindTLS, kindHTTP:
		p.ServeConn(&replayConn{Conn: c, buf: first}, capture.ConnInfo{
			Transparent: true, TLS: kind == kindTLS, Dest: dst, Name: name,
		})
	default:
		ep.Abort()
		c.Close()
		proto := "tcp"
		if bytes.HasPrefix(first, []byte("SSH-")) {
			proto = "tcp/ssh"
		}
		reason := "neither TLS nor HTTP"
		if len(first) == 0 {
			reason = "neither TLS nor HTTP (the client sent nothing)"
		}
		block(proto, reason)
	}
}

// accept completes the connection's handshake.
func accept(r *tcp.ForwarderRequest) (net.Conn, tcpip.Endpoint) {
	id := r.ID()
	var wq waiter.Queue
	ep, err := r.CreateEndpoint(&wq)
	if err != nil {
		r.Complete(true)
		return nil, nil
	}
	r.Complete(false)
	return &fixedAddrConn{
		TCPConn: gonet.NewTCPConn(&wq, ep),
		local:   &net.TCPAddr{IP: toAddr(id.LocalAddress).AsSlice(), Port: int(id.LocalPort)},
		remote:  &net.TCPAddr{IP: toAddr(id.RemoteAddress).AsSlice(), Port: int(id.RemotePort)},
	}, ep
}

// fixedAddrConn keeps a connection's addresses: gVisor's connection
// reports none once its endpoint has closed, and the proxy keys client
// connections by their remote address.
type fixedAddrConn struct {
	*gonet.TCPConn
	local, remote net.Addr
}

func (c *fixedAddrConn) LocalAddr() net.Addr  { return c.local }
func (c *fixedAddrConn) RemoteAddr() net.Addr { return c.remote }

// relay connects to an allowed destination and copies both ways, then
// records the connection with its bytes and duration.
func (n *Network) relay(r *tcp.ForwarderRequest, a Allow, name string, dst netip.AddrPort, start time.Time, rec capture.NetRecorder) {
	c := &capture.Connection{
		Start: start, Action: capture.ConnRelayed, Protocol: "tcp",
		Dest: dst.Addr().String(), Port: int(dst.Port()), Name: name, Reason: "sealed_allow " + a.Rule,
	}
	if !n.track(nil, true) {
		r.Complete(true)
		return
	}
	defer n.relays.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	up, err := n.cfg.Dial(ctx, "tcp", a.target(name, dst))
	cancel()
	if err != nil {
		r.Complete(true)
		c.Error = err.Error()
		rec.Connection(c)
		return
	}
	down, _ := accept(r)
	if down == nil {
		up.Close()
		c.Error = "the client went away"
		rec.Connection(c)
		return
	}
	n.track(up, false)
	n.track(down, false)
	var out, in atomic.Int64
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn, count *atomic.Int64) {
		k, _ := io.Copy(dst, src)
		count.Add(k)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(up, down, &out)
	go pipe(down, up, &in)
	<-done
	<-done
	up.Close()
	down.Close()
	n.untrack(up)
	n.untrack(down)
	c.BytesOut, c.BytesIn = out.Load(), in.Load()
	c.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	rec.Connection(c)
}

// track registers a relay (begin) or one of its connections, so that Close
// can end them; it reports false when the network is closing.
func (n *Network) track(c net.Conn, begin bool) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		if c != nil {
			c.Close()
		}
		return false
	}
	if begin {
		n.relays.Add(1)
	}
	if c != nil {
		n.relayMu.Lock()
		n.relaying[c] = struct{}{}
		n.relayMu.Unlock()
	}
	return true
}

func (n *Network) untrack(c net.Conn) {
	n.relayMu.Lock()
	delete(n.relaying, c)
	n.relayMu.Unlock()
}

func (n *Network) handleUDP(r *udp.ForwarderRequest, rec capture.NetRecorder) bool {
	id := r.ID()
	dst := netip.AddrPortFrom(toAddr(id.LocalAddress), id.LocalPort)
	if dst.Port() == 53 {
		var wq waiter.Queue
		ep, err := r.CreateEndpoint(&wq)
		if err != nil {
			return false
		}
		go n.dns.serveUDP(gonet.NewUDPConn(&wq, ep))
		return true
	}
	src := netip.AddrPortFrom(toAddr(id.RemoteAddress), id.RemotePort)
	key := src.String() + ">" + dst.String()
	n.mu.Lock()
	first := !n.udpSeen[key]
	n.udpSeen[key] = true
	n.mu.Unlock()
	if first {
		proto := "udp"
		if dst.Port() == 443 {
			proto = "udp/quic"
		}
		rec.Connection(&capture.Connection{
			Start: time.Now(), Action: capture.ConnBlocked, Protocol: proto,
			Dest: dst.Addr().String(), Port: int(dst.Port()), Name: n.dns.nameOf(dst.Addr()),
			Reason: "UDP other than DNS",
		})
	}
	// Unhandled: the stack answers ICMP port unreachable.
	return false
}

func toAddr(a tcpip.Address) netip.Addr {
	if a.Len() == 4 {
		return netip.AddrFrom4(a.As4())
	}
	ip, _ := netip.AddrFromSlice(a.AsSlice())
	return ip
}

func portOf(hostport string) uint16 {
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(p, 10, 16)
	return uint16(n)
}

// hostOfURL returns the host:port of a URL like http://user:pw@h:p.
func hostOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// replayConn returns the bytes sniffed from a connection before the rest.
type replayConn struct {
	net.Conn
	buf []byte
}

func (c *replayConn) Read(b []byte) (int, error) {
	if len(c.buf) > 0 {
		n := copy(b, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}
