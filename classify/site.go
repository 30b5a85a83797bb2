package classify

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/internal/urlkey"
)

// site is one place where a classifier recognises its ecosystem's layout: a
// host, an optional port and a path prefix.
type site struct {
	host string
	// port is the required port; "" accepts the default ports 80 and 443.
	port string
	// prefix are the decoded path segments the layout starts under.
	prefix []string
	// repositoryURL is the purl repository_url qualifier of what the site
	// serves, "" for the ecosystem's default registry.
	repositoryURL string
}

// publicSite is a registry's public location: "host" or "host/path/prefix".
func publicSite(hostPath string) site {
	host, path, _ := strings.Cut(hostPath, "/")
	s := site{host: host}
	if path != "" {
		s.prefix = strings.Split(path, "/")
	}
	return s
}

// withRepo returns s with its repository_url set to https://host/prefix.
func (s site) withRepo() site {
	s.repositoryURL = "https://" + s.host
	if len(s.prefix) > 0 {
		s.repositoryURL += "/" + strings.Join(s.prefix, "/")
	}
	return s
}

// parseSite reads a registry base URL such as
// "https://nexus.example.com/repository/npm-proxy/". Userinfo, if any, is
// dropped: it never reaches a purl.
func parseSite(base string) (site, error) {
	u, err := url.Parse(base)
	if err != nil {
		return site{}, fmt.Errorf("registry base URL: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return site{}, fmt.Errorf("registry base URL %q: scheme must be http or https", redactBase(u))
	}
	host := urlkey.Hostname(u.Hostname())
	if host == "" {
		return site{}, fmt.Errorf("registry base URL %q: %w", redactBase(u), errors.New("no host"))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return site{}, fmt.Errorf("registry base URL %q: query and fragment are not allowed", redactBase(u))
	}
	segs, _, ok := splitPath(u.EscapedPath())
	if !ok {
		return site{}, fmt.Errorf("registry base URL %q: undecodable path", redactBase(u))
	}
	for _, s := range segs {
		if !cleanSegment(s) {
			return site{}, fmt.Errorf("registry base URL %q: bad path segment %q", redactBase(u), s)
		}
	}
	s := site{host: host, port: u.Port(), prefix: segs}
	hostPort := host
	if s.port != "" {
		if s.port == urlkey.DefaultPort(scheme) {
			s.port = ""
		} else {
			hostPort = host + ":" + s.port
		}
	}
	ru := url.URL{Scheme: scheme, Host: hostPort}
	if len(segs) > 0 {
		ru.Path = "/" + strings.Join(segs, "/")
	}
	s.repositoryURL = ru.String()
	return s, nil
}

// redactBase prints a base URL without its userinfo.
func redactBase(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// match returns the path segments after the site's prefix when p is under s.
func (s *site) match(p *parsed) ([]string, bool) {
	if p.host != s.host {
		return nil, false
	}
	if s.port == "" {
		if p.port != "443" && p.port != "80" {
			return nil, false
		}
	} else if p.port != s.port {
		return nil, false
	}
	if len(p.segs) < len(s.prefix) {
		return nil, false
	}
	for i, seg := range s.prefix {
		if p.segs[i] != seg {
			return nil, false
		}
	}
	return p.segs[len(s.prefix):], true
}

// matchSites returns the first site of sites that p is under.
func matchSites(sites []site, p *parsed) (*site, []string, bool) {
	for i := range sites {
		if rest, ok := sites[i].match(p); ok {
			return &sites[i], rest, true
		}
	}
	return nil, nil, false
}

// siteAt is the site a request reveals on an arbitrary host: its host and
// port and the first n path segments (a repository layout such as Nexus's
// /repository/{id}), with a repository_url naming exactly that.
func siteAt(p *parsed, n int) site {
	scheme := strings.ToLower(p.u.Scheme)
	hostPort := p.host
	if p.port != urlkey.DefaultPort(scheme) {
		hostPort += ":" + p.port
	}
	s := site{host: p.host, port: p.port, prefix: p.segs[:n]}
	ru := url.URL{Scheme: scheme, Host: hostPort}
	if n > 0 {
		ru.Path = "/" + strings.Join(s.prefix, "/")
	}
	s.repositoryURL = ru.String()
	return s
}
