package capture

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret value depaudit removes from its outputs.
const Redacted = "REDACTED"

// secretWords mark a parameter, assignment or flag name whose value is a
// credential when the name contains one of them (lower case).
var secretWords = []string{
	"key", "token", "secret", "pass", "pwd", "sig", "auth", "session", "sess", "ticket", "credential",
	"cred", "bearer", "jwt", "hdnts", "hdnea", "cookie", "access", "private",
}

// secretParts mark a name whose value is a credential when one of its
// parts (split at anything but letters and digits) is one of them: words
// too short to look for inside other words.
var secretParts = map[string]bool{"otp": true, "sas": true, "code": true}

// publicParams are names that contain a secret word but whose values are
// not secrets: what a signed URL says about its signature.
var publicParams = map[string]bool{
	"x-amz-algorithm": true, "x-amz-date": true, "x-amz-expires": true, "x-amz-signedheaders": true,
	"x-goog-algorithm": true, "x-goog-date": true, "x-goog-expires": true, "x-goog-signedheaders": true,
}

// isSecretName reports whether a value named name (a query or path
// parameter, an assignment, a flag without its dashes) must be redacted:
// by rule, any name containing key, token, secret, pass, sig, auth,
// session, ticket, credential, … .
func isSecretName(name string) bool {
	n := strings.ToLower(strings.TrimLeft(name, "-"))
	if n == "" || publicParams[n] {
		return false
	}
	if strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-goog-") {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	parts := strings.FieldsFunc(n, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	for _, p := range parts {
		if secretParts[p] {
			return true
		}
	}
	// X-JFrog-Art-Api and the like: an API key named by its last word.
	return len(parts) > 1 && parts[len(parts)-1] == "api"
}

// RedactURL returns raw with its secrets replaced by REDACTED: userinfo,
// the values of secret-named query parameters (separated by & or ;) and
// path parameters (;jsessionid=…), URLs nested in query values, and any
// fragment. Everything else is kept byte for byte. A string that does not
// parse as a URL is cut conservatively to its scheme and host, a query
// whose parameters do not all unescape is removed whole. The second
// result reports whether anything was redacted.
func RedactURL(raw string) (string, bool) {
	return redactURL(raw, 0)
}

// maxNesting bounds how deep URLs nested in query values are followed;
// deeper ones are redacted whole.
const maxNesting = 3

func redactURL(raw string, depth int) (string, bool) {
	out := redactURLText(raw, depth)
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		out = conservative(out)
	case !queryParses(u.RawQuery):
		// A query whose parameters cannot all be read: what a name
		// hides cannot be told, so none of it is kept.
		path, _, _ := strings.Cut(out, "?")
		out = path + "?" + Redacted
		if u.Fragment != "" || strings.HasSuffix(raw, "#") {
			out += "#" + Redacted
		}
	}
	return out, out != raw
}

// queryParses reports whether every parameter of a raw query unescapes:
// Go's URL parser leaves the query alone.
func queryParses(q string) bool {
	for _, p := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
		name, value, _ := strings.Cut(p, "=")
		if _, err := url.QueryUnescape(name); err != nil {
			return false
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return false
		}
	}
	return true
}

// conservative keeps only the scheme and host of an unparseable URL (its
// userinfo already redacted), and says the rest was removed.
func conservative(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !validScheme(scheme) {
		return Redacted
	}
	end := strings.IndexAny(rest, "/?#\\ \t\r\n")
	if end < 0 {
		return s
	}
	return scheme + "://" + rest[:end] + "/" + Redacted
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// redactURLText redacts the parts of a URL as text, without parsing and
// re-encoding it.
func redactURLText(s string, depth int) string {
	if i := strings.IndexByte(s, '#'); i >= 0 && i < len(s)-1 {
		s = s[:i+1] + Redacted
	}
	var prefix string
	rest := s
	if scheme, after, ok := strings.Cut(s, "://"); ok && validScheme(scheme) {
		prefix, rest = scheme+"://", after
	} else if strings.HasPrefix(s, "//") {
		prefix, rest = "//", s[2:]
	}
	if prefix != "" {
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			rest = Redacted + rest[at:]
		}
	}
	frag := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag = rest[:i], rest[i:]
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	path = redactParams(path, ';', "/", depth)
	if hasQuery {
		query = redactParams(query, 0, "&;", depth)
		return prefix + path + "?" + query + frag
	}
	return prefix + path + frag
}

// redactParams redacts the values of secret-named name=value parameters
// in s. With start set (';' for path parameters), parameters are what
// follows start in each part of s split at seps; without, every part is one.
func redactParams(s string, start byte, seps string, depth int) string {
	var b strings.Builder
	for len(s) > 0 {
		end := strings.IndexAny(s, seps)
		part, sep := s, ""
		if end >= 0 {
			part, sep, s = s[:end], s[end:end+1], s[end+1:]
		} else {
			s = ""
		}
		if start == 0 {
			b.WriteString(redactParam(part, depth))
		} else {
			head, params, ok := strings.Cut(part, string(start))
			b.WriteString(head)
			if ok {
				for _, p := range strings.Split(params, string(start)) {
					b.WriteByte(start)
					b.WriteString(redactParam(p, depth))
				}
			}
		}
		b.WriteString(sep)
	}
	return b.String()
}

// redactParam redacts one name=value parameter: its value when the name is
// secret, the URLs nested in it otherwise.
func redactParam(p string, depth int) string {
	name, value, ok := strings.Cut(p, "=")
	if !ok {
		return p
	}
	dn, err := url.QueryUnescape(name)
	if err != nil {
		dn = name
	}
	if isSecretName(dn) {
		if value == "" || value == Redacted {
			return p
		}
		return name + "=" + Redacted
	}
	dv, err := url.QueryUnescape(value)
	nested := strings.Contains(value, "://") || err == nil && strings.Contains(dv, "://")
	if nested && depth >= maxNesting {
		return name + "=" + Redacted
	}
	if strings.Contains(value, "://") {
		return name + "=" + redactText(value, depth+1)
	}
	if nested {
		if r := redactText(dv, depth+1); r != dv {
			return name + "=" + url.QueryEscape(r)
		}
	}
	return p
}

var (
	// urlInText finds URLs in free text: a scheme, "://", and everything
	// up to a space, a quote or an angle bracket.
	urlInText = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]*")
	// headerInText finds "Name: value" headers whose value is a
	// credential; the value runs to a quote, a line end or the end.
	headerInText = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|(?:set-)?cookie|[a-z0-9-]*(?:token|api-?key|secret|auth|session|password)[a-z0-9-]*)[ \t]*:[ \t]*`)
	// authScheme is the scheme word of an Authorization value, kept.
	authScheme = regexp.MustCompile(`(?i)^(bearer|basic|token|digest|negotiate|ntlm|aws4-hmac-sha256|otp)\s+`)
	// assignInText finds name=value pairs.
	assignInText = regexp.MustCompile(`([A-Za-z0-9_.-]+)=([^\s"'&;]+)`)
	// flagInText finds a flag followed by a separate value, in a script.
	flagInText = regexp.MustCompile(`(?:^|\s)(--?[A-Za-z0-9][A-Za-z0-9_.-]*)[ \t]+(['"]?)([^\s'"-][^\s'"]*)`)
	// userInText finds curl-style -u/--user user:password, in a script.
	userInText = regexp.MustCompile(`(?:^|\s)(-u|-U|--user|--proxy-user)[ \t]*(['"]?)([^\s'":]*):([^\s'"]+)`)
)

// RedactText redacts the secrets in free text (a command-line argument, a
// shell script, a diagnostic): URLs as RedactURL does, the values of
// credential headers (Authorization, Proxy-Authorization, Cookie,
// token-like names), of secret-named name=value pairs (_authToken=…,
// --password=…) and flags (--token …), and the password of curl's
// -u user:password. Everything else is kept verbatim.
func RedactText(s string) string { return redactText(s, 0) }

func redactText(s string, depth int) string {
	if s == "" {
		return s
	}
	s = urlInText.ReplaceAllStringFunc(s, func(u string) string {
		r, _ := redactURL(u, depth)
		return r
	})
	s = redactHeaders(s)
	s = assignInText.ReplaceAllStringFunc(s, func(m string) string {
		name, value, _ := strings.Cut(m, "=")
		if value == Redacted || !isSecretName(name) {
			return m
		}
		return name + "=" + Redacted
	})
	s = replaceGroup(s, flagInText, 3, func(m []string) bool { return isSecretFlag(m[1]) })
	s = replaceGroup(s, userInText, 4, func([]string) bool { return true })
	return s
}

// redactHeaders redacts the values of credential headers in s.
func redactHeaders(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range headerInText.FindAllStringSubmatchIndex(s, -1) {
		if m[0] < last {
			continue
		}
		vstart := m[1]
		if vstart < len(s) && s[vstart] == '/' {
			continue // a URL's scheme, not a header
		}
		vend := strings.IndexAny(s[vstart:], "\"'\r\n")
		if vend < 0 {
			vend = len(s)
		} else {
			vend += vstart
		}
		value := s[vstart:vend]
		if value == "" || strings.HasSuffix(value, Redacted) {
			continue
		}
		keep := authScheme.FindString(value)
		b.WriteString(s[last:vstart])
		b.WriteString(keep + Redacted)
		last = vend
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceGroup replaces submatch group g of each match of re in s with
// REDACTED when ok says so.
func replaceGroup(s string, re *regexp.Regexp, g int, ok func([]string) bool) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		groups := make([]string, len(m)/2)
		for i := range groups {
			if m[2*i] >= 0 {
				groups[i] = s[m[2*i]:m[2*i+1]]
			}
		}
		if groups[g] == Redacted || !ok(groups) {
			continue
		}
		b.WriteString(s[last:m[2*g]])
		b.WriteString(Redacted)
		last = m[2*g+1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretFlagWords mark command-line flags whose value is a credential.
var secretFlagWords = []string{"token", "password", "passwd", "secret", "apikey", "api-key", "api_key", "credential", "auth", "cookie", "session"}

func isSecretFlag(flag string) bool {
	f := strings.ToLower(strings.TrimLeft(flag, "-"))
	for _, w := range secretFlagWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// flagName is a command-line flag without a value.
var flagName = regexp.MustCompile(`^--?[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// userFlags take curl's user:password.
var userFlags = map[string]bool{"-u": true, "-U": true, "--user": true, "--proxy-user": true}

// RedactArgs returns a copy of a command line with credentials removed
// from every argument, wherever they stand in it (see RedactText), the
// argument after a bare `--password`-style flag, and the password of
// `-u user:password`. Everything else is kept verbatim.
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if i > 0 {
			prev := args[i-1]
			if flagName.MatchString(prev) && isSecretFlag(prev) {
				out[i] = Redacted
				continue
			}
			if userFlags[prev] {
				if user, _, ok := strings.Cut(a, ":"); ok {
					out[i] = user + ":" + Redacted
					continue
				}
			}
		}
		if strings.HasPrefix(a, "-u") && len(a) > 2 && !strings.HasPrefix(a, "--") && strings.Contains(a, ":") && !strings.Contains(a, "=") {
			user, _, _ := strings.Cut(a, ":")
			out[i] = user + ":" + Redacted
			continue
		}
		out[i] = RedactText(a)
	}
	return out
}
