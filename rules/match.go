package rules

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// glob reports whether s matches pattern, where '*' stands for any run of
// characters (including none) and every other character stands for itself.
func glob(pattern, s string) bool {
	// Greedy matching with backtracking to the last star, linear in
	// practice.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// hostPattern is one entry of a hosts list: a host name, optionally with a
// port, where '*' matches any run of characters ("*.corp.example" matches
// every subdomain of corp.example, not corp.example itself).
type hostPattern struct {
	text     string
	withPort bool
}

// parseHostPattern checks and normalises a hosts entry.
func parseHostPattern(s string) (hostPattern, error) {
	p := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	switch {
	case p == "":
		return hostPattern{}, fmt.Errorf("empty host pattern")
	case strings.Contains(p, "://") || strings.ContainsAny(p, "/?#@"):
		return hostPattern{}, fmt.Errorf("host pattern %q must be a host name such as \"*.corp.example\", not a URL", s)
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-.*:[]_", r)) {
			return hostPattern{}, fmt.Errorf("host pattern %q has the character %q", s, r)
		}
	}
	withPort := false
	if h, port, err := net.SplitHostPort(p); err == nil && !strings.Contains(h, ":") {
		if port == "" || strings.Trim(port, "0123456789*") != "" {
			return hostPattern{}, fmt.Errorf("host pattern %q has a bad port", s)
		}
		withPort = true
	}
	return hostPattern{text: p, withPort: withPort}, nil
}

// match reports whether the pattern matches host, which may carry a port
// (as capture.Exchange.Host does for a non-default port). A pattern without
// a port matches the host on any port.
func (h hostPattern) match(host string) bool {
	if h.withPort {
		host = urlkey.HostPort("", host)
	} else {
		host = urlkey.Hostname(host)
	}
	return glob(strings.TrimSuffix(strings.TrimPrefix(h.text, "["), "]"), host)
}

// purlPattern is one entry of a purls list: a package URL where '*' matches
// any run of characters. Percent-encoding does not matter ("pkg:npm/@corp/*"
// and "pkg:npm/%40corp/*" are the same pattern). A pattern without a version
// matches every version, one without qualifiers matches any qualifiers.
type purlPattern struct {
	text string
}

// parsePURLPattern checks and normalises a purls entry.
func parsePURLPattern(s string) (purlPattern, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(strings.ToLower(t), "pkg:") {
		return purlPattern{}, fmt.Errorf("purl pattern %q must start with \"pkg:\" (for example \"pkg:npm/evil-*\")", s)
	}
	dec, err := url.PathUnescape(t)
	if err != nil {
		return purlPattern{}, fmt.Errorf("purl pattern %q: bad percent-encoding", s)
	}
	typ, rest, ok := strings.Cut(dec[len("pkg:"):], "/")
	if !ok || typ == "" || rest == "" {
		return purlPattern{}, fmt.Errorf("purl pattern %q needs a type and a name, as in \"pkg:TYPE/NAME\"", s)
	}
	return purlPattern{text: "pkg:" + strings.ToLower(typ) + "/" + rest}, nil
}

// match reports whether the pattern matches the purl.
func (p purlPattern) match(purl string) bool {
	for _, c := range purlForms(purl) {
		if glob(p.text, c) {
			return true
		}
	}
	return false
}

// purlForms returns the decoded spellings of purl a pattern is matched
// against: without version, with version, with version and qualifiers.
func purlForms(purl string) []string {
	pu, err := classify.ParsePURL(purl)
	if err != nil {
		dec, derr := url.PathUnescape(purl)
		if derr != nil {
			return []string{purl}
		}
		return []string{dec}
	}
	base := "pkg:" + strings.ToLower(pu.Type) + "/"
	if pu.Namespace != "" {
		base += pu.Namespace + "/"
	}
	base += pu.Name
	forms := []string{base}
	full := base
	if pu.Version != "" {
		full += "@" + pu.Version
		forms = append(forms, full)
	}
	if len(pu.Qualifiers) > 0 {
		qs := make([]string, 0, len(pu.Qualifiers))
		for _, q := range pu.Qualifiers {
			qs = append(qs, q.Key+"="+q.Value)
		}
		sort.Strings(qs)
		forms = append(forms, full+"?"+strings.Join(qs, "&"))
	}
	if pu.Subpath != "" {
		forms = append(forms, forms[len(forms)-1]+"#"+pu.Subpath)
	}
	return forms
}
