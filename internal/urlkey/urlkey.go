// Package urlkey is depaudit's one notion of URL identity: the key that
// says two URLs name the same resource, the normal form of a host, and the
// resolution of a redirect's Location against the URL that sent it.
//
// Every package that compares URLs or hosts (classification, attribution
// of redirects, verification, policy, diffing) uses it, so that a URL
// written with another query order, a default port, other percent-encoding
// or a Unicode host name is the same URL everywhere.
package urlkey

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Key returns the identity of an absolute http or https URL:
// "scheme://host[:port]/path" with the scheme lower-cased, the host in its
// normal form (see HostPort: lower-case ASCII, no trailing dot, no default
// port), and the path's percent-encoding normalised (unreserved characters
// decoded, other escapes in upper case). Userinfo, query and fragment are
// not part of it: a query carries signatures and tokens that redaction and
// clients change from one request to the next. Key returns "" for anything
// that is not an absolute http(s) URL with a host.
func Key(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" {
		return ""
	}
	host := HostPort(scheme, u.Host)
	if host == "" {
		return ""
	}
	path := normalPath(u.EscapedPath())
	if path == "" {
		path = "/"
	}
	k := scheme + "://" + host + path
	// A host that only looked like one (stray brackets, spaces) does not
	// survive a second parse: no key rather than a key that is not a URL.
	if v, err := url.Parse(k); err != nil || v.Host != host {
		return ""
	}
	return k
}

// Host returns the normal form of the host of an absolute URL (see
// HostPort), "" when raw has none.
func Host(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return HostPort(strings.ToLower(u.Scheme), u.Host)
}

// HostPort returns the normal form of a host as a request to scheme names
// it ("host" or "host:port"): the host name as Hostname gives it, with the
// port only when it is not the scheme's default (80 for http, 443 for any
// other scheme). With scheme "" any port is kept: that normalises a host
// that is already in this form, such as capture.Exchange.Host. An IPv6
// literal keeps its brackets.
func HostPort(scheme, hostport string) string {
	host, port := splitHostPort(hostport)
	name := Hostname(host)
	if name == "" {
		return ""
	}
	if strings.Contains(name, ":") {
		name = "[" + name + "]"
	}
	if port == "" || scheme != "" && port == DefaultPort(scheme) {
		return name
	}
	return name + ":" + port
}

// Hostname returns the normal form of a host name without its port:
// lower case, without trailing dots, an internationalised name in its
// ASCII (punycode) form, an IPv6 literal without brackets. A name that is
// not valid IDNA is only lower-cased.
func Hostname(host string) string {
	h, _ := splitHostPort(host)
	h = strings.TrimRight(h, ".")
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	if h == "" || strings.ContainsAny(h, "[]") {
		return ""
	}
	if !isASCII(h) {
		if a, err := idna.Lookup.ToASCII(h); err == nil {
			h = a
		}
	}
	return strings.ToLower(h)
}

// DefaultPort is the port a URL of scheme means when it names none: "80"
// for http, "443" otherwise.
func DefaultPort(scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return "80"
	}
	return "443"
}

// Resolve returns the absolute URL a redirect's Location names, resolved
// against the URL of the request that received it, without a fragment;
// "" when either does not parse or the result is not absolute.
func Resolve(base, location string) string {
	loc, err := url.Parse(strings.TrimSpace(location))
	if err != nil {
		return ""
	}
	if !loc.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || !b.IsAbs() {
			return ""
		}
		loc = b.ResolveReference(loc)
	}
	loc.Fragment, loc.RawFragment = "", ""
	return loc.String()
}

// splitHostPort splits "host:port", "[v6]:port", "[v6]" or "host".
func splitHostPort(hp string) (host, port string) {
	if h, p, err := net.SplitHostPort(hp); err == nil {
		return h, p
	}
	return hp, ""
}

// normalPath rewrites an escaped path with unreserved characters decoded
// and every other escape in upper-case hex; an invalid escape is kept.
func normalPath(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' || i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			b.WriteByte(c)
			continue
		}
		d := unhex(p[i+1])<<4 | unhex(p[i+2])
		if unreserved(d) {
			b.WriteByte(d)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(p[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// aliases maps the host of a registry that serves another registry's
// content byte for byte to that registry's host.
var aliases = map[string]string{
	// yarn's registry is a mirror of npm's: same tarballs, same packuments.
	"registry.yarnpkg.com": "registry.npmjs.org",
}

// Origin returns the host that stands for a host (in its normal form, as
// Host returns it) when comparing where packages came from: the registry
// it is an alias of, else the host itself.
func Origin(host string) string {
	if o, ok := aliases[host]; ok {
		return o
	}
	return host
}
