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
