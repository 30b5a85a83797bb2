package classify

import (
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/internal/urlkey"
)

// parsed is a request URL taken apart once, so that every classifier of a
// Set can look at it without parsing it again.
type parsed struct {
	req Request
	u   *url.URL
	// method is the upper-case HTTP method, "GET" when the request had none.
	method string
	// host is the lower-case hostname without a trailing dot or port.
	host string
	// port is the effective port: the explicit one, else the scheme's default.
	port string
	// segs are the percent-decoded path segments, without the leading empty
	// one; a path ending in "/" has no trailing empty segment but dir set.
	segs []string
	// dir reports a path that ends in "/" (or is empty).
	dir bool
}

// parseRequest takes r.URL apart. It fails on anything that is not an
// absolute http or https URL with a host and a decodable path.
func parseRequest(r Request) (*parsed, bool) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, false
	}
	host := urlkey.Hostname(u.Hostname())
	if host == "" {
		return nil, false
	}
	port := u.Port()
	if port == "" {
		port = urlkey.DefaultPort(scheme)
	}
	segs, dir, ok := splitPath(u.EscapedPath())
	if !ok {
		return nil, false
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = "GET"
	}
	return &parsed{req: r, u: u, method: method, host: host, port: port, segs: segs, dir: dir}, true
}

// splitPath splits an escaped URL path into percent-decoded segments,
// decoding each segment once so that an encoded "/" (npm's "%2f") stays
// inside its segment.
func splitPath(escaped string) (segs []string, dir bool, ok bool) {
	p := strings.TrimPrefix(escaped, "/")
	if p == "" {
		return nil, true, true
	}
	if strings.HasSuffix(p, "/") {
		dir = true
		p = strings.TrimSuffix(p, "/")
	}
	raw := strings.Split(p, "/")
	segs = make([]string, len(raw))
	for i, s := range raw {
		if strings.IndexByte(s, '%') < 0 {
			segs[i] = s
			continue
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, false, false
		}
		segs[i] = d
	}
	return segs, dir, true
}

// readOnly reports a GET or HEAD request.
func (p *parsed) readOnly() bool { return p.method == "GET" || p.method == "HEAD" }

// last returns the last path segment, "" when there is none or the path
// names a directory.
func (p *parsed) last() string {
	if p.dir || len(p.segs) == 0 {
		return ""
	}
	return p.segs[len(p.segs)-1]
}

// downloadURL is the request URL as a purl's download_url qualifier shows
// it: scheme, host and path, without userinfo, query or fragment (a query
// may carry signatures or tokens and changes between downloads).
func (p *parsed) downloadURL() string {
	u := url.URL{Scheme: strings.ToLower(p.u.Scheme), Host: strings.ToLower(p.u.Host), Path: p.u.Path, RawPath: p.u.RawPath}
	return u.String()
}

// cutSuffixFold removes suffix from s ignoring ASCII case.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// isDigit reports an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// startsWithDigit reports a non-empty s whose first byte is an ASCII digit.
func startsWithDigit(s string) bool { return s != "" && isDigit(s[0]) }

// cleanSegment reports a segment that can be a package name, version or
// file name: not empty, not "." or "..", and free of control characters,
// spaces and slashes.
func cleanSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '/' || c == '\\' {
			return false
		}
	}
	return true
}
