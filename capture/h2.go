package capture

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Some servers speak only HTTP/2: they take the TLS connection, then close
// it on an HTTP/1.1 request without a word. depaudit's pool speaks HTTP/1.1
// (its clients do); for those servers, the request goes once more, over
// HTTP/2, and later requests to the host go over HTTP/2 at once.

// errHTTP1Refused marks a fresh TLS connection the server closed before
// answering an HTTP/1.1 request: the sign of a server that speaks only
// HTTP/2.
type errHTTP1Refused struct{ err error }

func (e errHTTP1Refused) Error() string { return e.err.Error() }
func (e errHTTP1Refused) Unwrap() error { return e.err }

// refusesHTTP1 reports whether err, from a fresh connection to an https
// origin, failed before any response head because the server closed the
// connection or answered what is no HTTP/1.1 response (x/net's HTTP/2
// server answers a bad preface with a line of its own).
func refusesHTTP1(err error) bool {
	var early errBeforeHead
	return errors.As(err, &early) && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "malformed HTTP"))
}

// h2Upstream sends requests over HTTP/2 to the hosts that need it.
type h2Upstream struct {
	tr    *http.Transport
	hosts sync.Map // scheme://host:port → true
}

// newH2Upstream returns the HTTP/2 sender, a copy of tr (dialer, TLS
// verification, upstream proxy, timeouts) that negotiates HTTP/2.
func newH2Upstream(tr *http.Transport) *h2Upstream {
	h2 := tr.Clone()
	h2.ForceAttemptHTTP2 = true
	h2.TLSClientConfig = tr.TLSClientConfig.Clone()
	h2.TLSClientConfig.NextProtos = []string{"h2", "http/1.1"}
	return &h2Upstream{tr: h2}
}

// takes reports whether req's host was found to speak only HTTP/2.
func (h *h2Upstream) takes(req *http.Request) bool {
	_, ok := h.hosts.Load(poolKey(req.URL))
	return ok
}

// fallBack sends req over HTTP/2 after first, the HTTP/1.1 failure, and
// remembers the host when that works.
func (h *h2Upstream) fallBack(req *http.Request, first error) (*http.Response, error) {
	resp, err := h.roundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("the server closed the connection on an HTTP/1.1 request (%v), and HTTP/2 failed too: %w", first, err)
	}
	if resp.ProtoMajor == 2 {
		h.hosts.Store(poolKey(req.URL), true)
	}
	return resp, nil
}

// roundTrip sends req over HTTP/2 (or what the server negotiates); the
// response is passed on to an HTTP/1.1 client as HTTP/1.1.
func (h *h2Upstream) roundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.tr.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Proto, resp.ProtoMajor, resp.ProtoMinor = "HTTP/1.1", 1, 1
	return resp, nil
}
