package sealed

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/depaudit/depaudit/capture"
)

// resolver is the sealed network's DNS. It resolves each name the build
// asks in depaudit's own namespace and answers with an address of its own
// from fakeRange, which maps back to the name: every connection the build
// then makes is known by the name that led to it, and no real address is
// given out (a build reaches nothing by address alone).
type resolver struct {
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	record  func(*capture.Lookup)

	mu     sync.Mutex
	names  map[string]*nameEntry
	byAddr map[netip.Addr]string
	next   netip.Addr
	seen   map[string]bool
}

// nameEntry is what one name resolved to.
type nameEntry struct {
	ready chan struct{}
	fake  netip.Addr
	err   error
}

func newResolver(resolve func(context.Context, string) ([]netip.Addr, error), record func(*capture.Lookup)) *resolver {
	if record == nil {
		record = func(*capture.Lookup) {}
	}
	return &resolver{
		resolve: resolve,
		record:  record,
		names:   map[string]*nameEntry{},
		byAddr:  map[netip.Addr]string{},
		next:    fakeRange.Addr().Next(),
		seen:    map[string]bool{},
	}
}

// errNoName is the answer for a name that does not resolve.
var errNoName = errors.New("the name does not resolve")

// nameOf returns the name a fake address was given for, or "".
func (r *resolver) nameOf(a netip.Addr) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byAddr[a]
}

// addrFor resolves name once and returns its fake address.
func (r *resolver) addrFor(name string) (netip.Addr, error) {
	r.mu.Lock()
	e, ok := r.names[name]
	if ok {
		r.mu.Unlock()
		<-e.ready
		return e.fake, e.err
	}
	e = &nameEntry{ready: make(chan struct{})}
	r.names[name] = e
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	addrs, err := r.resolve(ctx, name)
	cancel()
	r.mu.Lock()
	switch {
	case err != nil || len(addrs) == 0:
		var dnsErr *net.DNSError
		if err == nil || errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			e.err = errNoName
		} else {
			e.err = err
		}
	case !fakeRange.Contains(r.next):
		e.err = errors.New("the sealed network ran out of addresses")
	default:
		e.fake = r.next
		r.next = r.next.Next()
		r.byAddr[e.fake] = name
	}
	r.mu.Unlock()
	close(e.ready)
	return e.fake, e.err
}

// answer answers one DNS query message; nil means drop it.
func (r *resolver) answer(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil || h.Response {
		return nil
	}
	resp := dnsmessage.Message{Header: dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired, RecursionAvailable: true,
	}}
	qs, err := p.AllQuestions()
	if err != nil || len(qs) != 1 || h.OpCode != 0 {
		resp.RCode = dnsmessage.RCodeFormatError
		if h.OpCode != 0 {
			resp.RCode = dnsmessage.RCodeNotImplemented
		}
		b, _ := resp.Pack()
		return b
	}
	q := qs[0]
	resp.Questions = qs
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	typ := strings.TrimPrefix(q.Type.String(), "Type")
	lk := &capture.Lookup{Start: time.Now(), Name: name, Type: typ}
	switch {
	case q.Class != dnsmessage.ClassINET:
		resp.RCode = dnsmessage.RCodeRefused
		lk.Error = "class " + q.Class.String() + " is not served"
	case name == "":
		resp.RCode = dnsmessage.RCodeRefused
		lk.Error = "the root is not served"
	default:
		fake, err := r.addrFor(name)
		switch {
		case errors.Is(err, errNoName):
			resp.RCode = dnsmessage.RCodeNameError
			lk.Error = err.Error()
		case err != nil:
			resp.RCode = dnsmessage.RCodeServerFailure
			lk.Error = err.Error()
		case q.Type == dnsmessage.TypeA:
			resp.Answers = []dnsmessage.Resource{{
				Header: dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 300},
				Body:   &dnsmessage.AResource{A: fake.As4()},
			}}
			lk.Answer = []string{fake.String()}
		default:
			// The name exists; only its IPv4 address is served.
			lk.Error = "only A records are served in a sealed build"
		}
	}
	r.mu.Lock()
	key := lk.Type + " " + lk.Name
	first := !r.seen[key]
	r.seen[key] = true
	r.mu.Unlock()
	if first {
		r.record(lk)
	}
	b, err := resp.Pack()
	if err != nil {
		return nil
	}
	return b
}

// dnsIdle is how long a DNS flow stays open without a query.
const dnsIdle = 10 * time.Second

// serveUDP answers the queries of one UDP flow until it is idle.
func (r *resolver) serveUDP(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(dnsIdle))
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if resp := r.answer(buf[:n]); resp != nil {
			if len(resp) > 512 {
				// Truncated: the client asks again over TCP.
				resp = truncated(buf[:n])
			}
			if resp != nil {
				c.Write(resp)
			}
		}
	}
}

// truncated is the TC answer to a query whose answer does not fit.
func truncated(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	m := dnsmessage.Message{Header: dnsmessage.Header{ID: h.ID, Response: true, Truncated: true, RecursionDesired: h.RecursionDesired}}
	b, _ := m.Pack()
	return b
}

// serveTCP answers the length-prefixed queries of one TCP connection.
func (r *resolver) serveTCP(c net.Conn) {
	defer c.Close()
	var lb [2]byte
	for {
		c.SetReadDeadline(time.Now().Add(dnsIdle))
		if _, err := io.ReadFull(c, lb[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(lb[:]))
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		resp := r.answer(q)
		if resp == nil {
			return
		}
		out := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(resp)), uint16(len(resp)))
		if _, err := c.Write(append(out, resp...)); err != nil {
			return
		}
	}
}
