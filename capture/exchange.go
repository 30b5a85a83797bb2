// Package capture runs a command behind a per-run MITM HTTP(S) proxy and
// records every request the command makes as an [Exchange].
//
// The package owns the proxy (built on github.com/elazarl/goproxy, with
// its own pool of upstream HTTP/1.1 connections for requests without a
// body), the per-run certificate authority, the child's environment, running and
// signalling the child, the streaming hashes of response bodies, and the
// capture log format (depaudit.capture/v1) with its reader and writer.
// It knows nothing about package ecosystems.
package capture

import (
	"strings"
	"time"
)

// Exchange is one HTTP request made by the child and the response it got,
// recorded when the response body has ended (or the exchange failed).
// It is plain data: the JSON field names are the capture log contract.
type Exchange struct {
	// ID numbers exchanges in the order they started, from 1.
	ID int64 `json:"id"`
	// Start is when the request reached the proxy: the wall-clock time the
	// proxy started plus the monotonic time since, so that within one log
	// Start + DurationMS follows the order of the records even when the
	// system clock is set during the build.
	Start time.Time `json:"start"`
	// DurationMS is the time from Start until the body ended, in milliseconds.
	DurationMS float64 `json:"duration_ms"`
	// Method is the HTTP method; "CONNECT" for a tunnel that carried no
	// request (for example a TLS handshake the client aborted).
	Method string `json:"method"`
	// URL is the absolute request URL with credentials redacted (see Redact).
	URL string `json:"url"`
	// Host is the request's host, with a port only when it is not the
	// scheme's default.
	Host string `json:"host"`
	// Status is the response status code; 0 when no response was received.
	Status int `json:"status"`
	// Location is the redacted Location header of a 3xx response.
	Location string `json:"location,omitempty"`
	// ContentType is the response Content-Type header.
	ContentType string `json:"content_type,omitempty"`
	// ContentEncoding is the response Content-Encoding header; the hashes
	// are over the encoded bytes as served.
	ContentEncoding string `json:"content_encoding,omitempty"`
	// ContentDigest is the response's Docker-Content-Digest header: the
	// digest an OCI registry gives of a manifest.
	ContentDigest string `json:"content_digest,omitempty"`
	// ContentLength is the announced response length, -1 when unknown.
	ContentLength int64 `json:"content_length"`
	// Bytes is the number of response body bytes received from upstream.
	Bytes int64 `json:"bytes"`
	// Complete is true when the body was read to its end and its length
	// matched ContentLength (when one was announced), and nothing failed.
	Complete bool `json:"complete"`
	// SHA256, SHA512 and SHA1 are lower-case hex digests of the body bytes
	// as served (after transfer decoding, before any content decoding).
	SHA256 string `json:"sha256,omitempty"`
	SHA512 string `json:"sha512,omitempty"`
	SHA1   string `json:"sha1,omitempty"`
	// UserAgent is the request's User-Agent header.
	UserAgent string `json:"user_agent,omitempty"`
	// Authenticated records that the request carried credentials
	// (Authorization, Cookie or URL userinfo); their values are never kept.
	Authenticated bool `json:"authenticated,omitempty"`
	// Transparent says the client sent the request around the proxy (it
	// ignored the proxy variables) and a sealed build's network handed
	// its connection to the proxy.
	Transparent bool `json:"transparent,omitempty"`
	// Error describes what went wrong, empty when nothing did.
	Error string `json:"error,omitempty"`
	// Outcome is set when the proxy answered the request itself instead
	// of passing it upstream: the policy gate denied it, or it did not
	// carry the run's proxy credential. Readers compare it, never Error.
	// ReadLog sets it for logs written before the field existed.
	Outcome Outcome `json:"outcome,omitempty"`
	// Headers are the response headers that identify or vouch for the
	// content (see DigestHeaders), by canonical name; no other header is
	// kept.
	Headers map[string]string `json:"headers,omitempty"`
	// Digests are the digests an inspector found in or computed over the
	// body (see InspectFunc).
	Digests []Digest `json:"digests,omitempty"`
}

// Outcome says why the proxy answered a request itself.
type Outcome string

// The outcomes of an exchange the proxy answered itself.
const (
	// OutcomeDenied: the policy gate denied the request (403); Error
	// gives the rule.
	OutcomeDenied Outcome = "denied"
	// OutcomeProxyAuthRequired: the request did not carry the run's proxy
	// credential (407). Some clients (libcurl, as git uses it) first try
	// without it and retry after the challenge; a refusal is only a
	// problem when the client never got through.
	OutcomeProxyAuthRequired Outcome = "proxy_auth_required"
)

// ErrProxyAuthRequired is the Error text of an exchange whose Outcome is
// OutcomeProxyAuthRequired, for people.
const ErrProxyAuthRequired = "refused: the request did not carry depaudit's proxy credential"

// deniedErrorPrefix starts the Error text of an exchange the gate denied.
const deniedErrorPrefix = "denied by policy: "

// ProxyAuthRefused reports whether the proxy refused x for want of the
// credential.
func (x *Exchange) ProxyAuthRefused() bool { return x.Outcome == OutcomeProxyAuthRequired }

// Denied reports whether the policy gate denied x.
func (x *Exchange) Denied() bool { return x.Outcome == OutcomeDenied }

// legacyOutcome sets Outcome for an exchange of a log written before the
// field existed, from the Error texts that then carried the meaning.
func (x *Exchange) legacyOutcome() {
	switch {
	case x.Outcome != "":
	case x.Status == 407 && x.Error == ErrProxyAuthRequired:
		x.Outcome = OutcomeProxyAuthRequired
	case x.Status == 403 && strings.HasPrefix(x.Error, deniedErrorPrefix):
		x.Outcome = OutcomeDenied
	}
}
