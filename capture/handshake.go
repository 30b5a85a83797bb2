package capture

import (
	"crypto/tls"
	"sync"
	"sync/atomic"
)

// A client that distrusts depaudit's CA usually answers its certificate
// with a TLS alert, which fails the handshake with an error saying so. Node
// (npm) instead closes the connection without an alert, which looks like a
// tunnel the client abandoned before it began (Go's transport races dials
// and drops the loser): those are rightly not shown. What tells the two
// apart is whether the client's ClientHello arrived, so that depaudit sent
// its certificate: handshakes remembers that per tunnel, by goproxy's
// session number, which its log line of a failed handshake carries.

// handshakes tracks the client handshakes of tunnels in progress.
type handshakes struct {
	m sync.Map // session (int64, as goproxy logs it) → *atomic.Bool
}

// sessionKey is the session number as goproxy's log lines carry it.
func sessionKey(session int64) int64 { return session & 0xFFFF }

// config wraps the tunnel's server TLS configuration so that the session
// notes when depaudit's certificate is chosen (the ClientHello arrived). A
// failed handshake's log line takes the note away; a successful one leaves
// it to be replaced when the session number comes round again, so the
// notes are bounded by the 65,536 numbers goproxy logs.
func (h *handshakes) config(session int64, cfg *tls.Config) *tls.Config {
	hello := new(atomic.Bool)
	h.m.Store(sessionKey(session), hello)
	get := cfg.GetCertificate
	cfg.GetCertificate = func(ch *tls.ClientHelloInfo) (*tls.Certificate, error) {
		hello.Store(true)
		return get(ch)
	}
	return cfg
}

// certificateSent reports, and forgets, whether the tunnel of session
// (as logged) got as far as depaudit sending its certificate.
func (h *handshakes) certificateSent(session any) bool {
	key, ok := session.(int64)
	if !ok {
		return false
	}
	v, ok := h.m.LoadAndDelete(key)
	return ok && v.(*atomic.Bool).Load()
}

// certRefusals holds the tunnels whose client closed after receiving
// depaudit's certificate, until the run ends. Node does so when it
// refuses the certificate, but so does Go's transport when it drops a
// dial it no longer needs mid-handshake (its request went over another
// connection): a host that another connection reached is not refused.
type certRefusals struct {
	mu      sync.Mutex
	pending []*Exchange
	// reached are the hosts some exchange got an answer from.
	reached map[string]bool
}

// add holds x, the record of a tunnel closed after the certificate.
func (c *certRefusals) add(x *Exchange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = append(c.pending, x)
}

// answered notes that x got an answer.
func (c *certRefusals) answered(x *Exchange) {
	if x.Status <= 0 || x.Host == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reached == nil {
		c.reached = map[string]bool{}
	}
	c.reached[x.Host] = true
}

// take returns, and forgets, the refusals of hosts nothing reached, and
// how many others were dropped.
func (c *certRefusals) take() (refused []*Exchange, dropped int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.pending {
		if c.reached[x.Host] {
			dropped++
		} else {
			refused = append(refused, x)
		}
	}
	c.pending = nil
	return refused, dropped
}
