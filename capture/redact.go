package capture

import (
	"net/url"
	"strings"
)

// Redacted replaces every secret value depaudit removes from its outputs.
const Redacted = "REDACTED"

// secretParams are query parameter names (lower case) whose values are
// credentials. Names starting with "x-amz-" or "x-goog-" are secret too,
// except the few listed in publicCloudParams.
var secretParams = map[string]bool{
	"token": true, "access_token": true, "id_token": true, "refresh_token": true, "auth": true,
	"authorization": true, "signature": true, "sig": true, "key": true, "apikey": true,
	"api_key": true, "api-key": true, "password": true, "passwd": true, "pwd": true,
	"secret": true, "client_secret": true, "credential": true, "credentials": true,
	"session": true, "sessionid": true, "jwt": true, "private_token": true, "code": true,
}

var publicCloudParams = map[string]bool{
	"x-amz-algorithm": true, "x-amz-date": true, "x-amz-expires": true, "x-amz-signedheaders": true,
	"x-goog-algorithm": true, "x-goog-date": true, "x-goog-expires": true, "x-goog-signedheaders": true,
}

// isSecretParam reports whether a query parameter's value must be redacted.
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	if secretParams[n] {
		return true
	}
	if strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-goog-") {
		return !publicCloudParams[n]
	}
	return strings.Contains(n, "token") || strings.Contains(n, "secret") ||
		strings.Contains(n, "password") || strings.HasSuffix(n, "signature")
}

// RedactURL returns raw with userinfo and credential-looking query values
// replaced by REDACTED. A string that does not parse as a URL is returned
// with any "user:pass@" prefix cut, never unchanged when it might hold one.
// The second result reports whether anything was redacted.
func RedactURL(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.Index(raw, "@"); i >= 0 && strings.Contains(raw[:i], ":") {
			cut := Redacted + raw[i:]
			if j := strings.Index(raw, "://"); j >= 0 && j < i {
				cut = raw[:j+3] + Redacted + raw[i:]
			}
			if u, err := url.Parse(cut); err == nil {
				if out, ok := redactParsed(u); ok {
					return out, true
				}
			}
			return cut, true
		}
		return raw, false
	}
	if out, ok := redactParsed(u); ok {
		return out, true
	}
	return raw, false
}

// redactParsed redacts a parsed URL, reporting whether anything changed.
func redactParsed(u *url.URL) (string, bool) {
	changed := false
	if u.User != nil {
		u.User = url.User(Redacted)
		changed = true
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			name, _, hasValue := strings.Cut(p, "=")
			dn, err := url.QueryUnescape(name)
			if err != nil {
				dn = name
			}
			if hasValue && isSecretParam(dn) {
				parts[i] = name + "=" + Redacted
				changed = true
			}
		}
		if changed {
			u.RawQuery = strings.Join(parts, "&")
		}
	}
	if u.Fragment != "" && strings.Contains(u.Fragment, "=") {
		// OAuth implicit-flow style fragments: access_token=… .
		vals, err := url.ParseQuery(u.Fragment)
		if err == nil {
			for k := range vals {
				if isSecretParam(k) {
					u.Fragment = Redacted
					changed = true
					break
				}
			}
		}
	}
	if !changed {
		return "", false
	}
	return u.String(), true
}

// secretFlagWords mark command-line flags whose value is a credential.
var secretFlagWords = []string{"token", "password", "passwd", "secret", "apikey", "api-key", "api_key", "credential", "auth"}

func isSecretFlag(flag string) bool {
	f := strings.ToLower(strings.TrimLeft(flag, "-"))
	for _, w := range secretFlagWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// RedactArgs returns a copy of a command line with credentials removed:
// URLs with userinfo or secret query values, `--token=X`-style flags and
// the argument after a bare `--password`-style flag.
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") && isSecretFlag(args[i-1]) {
			out[i] = Redacted
			continue
		}
		if strings.HasPrefix(a, "-") {
			if name, _, ok := strings.Cut(a, "="); ok && isSecretFlag(name) {
				out[i] = name + "=" + Redacted
				continue
			}
		}
		if strings.Contains(a, "://") {
			if r, ok := RedactURL(a); ok {
				out[i] = r
				continue
			}
		}
		out[i] = a
	}
	return out
}
