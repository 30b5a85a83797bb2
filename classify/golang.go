package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"
	"golang.org/x/mod/module"
)

// Go recognises Go module traffic: the module proxy protocol
// ({module}/@v/list, {v}.info, {v}.mod, {v}.zip, @latest), the checksum
// database (directly or through a proxy's /sumdb/), and, on any host,
// `?go-get=1` import path discovery.
type Go struct {
	proxies []site
	sumdbs  []site
	// anyHost enables the host-independent rules: go-get discovery and
	// Artifactory's /api/go/{repo}/ proxies.
	anyHost bool
	// anywhere recognises module zips, by the proxy layout
	// .../{module}/@v/{version}.zip alone, on any host.
	anywhere bool
}

// DefaultGo recognises proxy.golang.org and its public mirrors goproxy.cn
// and goproxy.io, sum.golang.org, Artifactory Go proxies on any host and
// go-get discovery.
func DefaultGo() *Go {
	return &Go{
		proxies: []site{publicSite("proxy.golang.org"), publicSite("goproxy.cn"), publicSite("goproxy.io")},
		sumdbs:  []site{publicSite("sum.golang.org")},
		anyHost: true,
	}
}

// NewGo recognises a Go module proxy served under base (a GOPROXY entry such
// as "https://athens.example.com/"); its purls carry base as repository_url.
func NewGo(base string) (*Go, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("golang: %w", err)
	}
	return &Go{proxies: []site{s}}, nil
}

// Ecosystem returns "golang".
func (c *Go) Ecosystem() string { return EcosystemGo }

// Classify implements Classifier.
func (c *Go) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Go) classify(p *parsed) (Finding, bool) {
	if c.anywhere {
		return goAnywhere(p)
	}
	if c.anyHost {
		if f, ok := goVCS(p); ok {
			return f, true
		}
	}
	if s, rest, ok := matchSites(c.proxies, p); ok {
		if len(rest) >= 2 && rest[0] == "sumdb" {
			return goSumdb(p, rest[2:]), true
		}
		if f, ok := goProxy(p, s, rest); ok {
			return f, true
		}
		return unrecognised(p, EcosystemGo)
	}
	if _, rest, ok := matchSites(c.sumdbs, p); ok {
		return goSumdb(p, rest), true
	}
	if c.anyHost && len(p.segs) > 3 && p.segs[0] == "api" && p.segs[1] == "go" && cleanSegment(p.segs[2]) {
		s := siteAt(p, 3)
		return goProxy(p, &s, p.segs[3:])
	}
	return Finding{}, false
}

// goVCS classifies direct-mode traffic on any host: `?go-get=1` discovery
// (metadata). The git fetches that follow are git's (see Git).
func goVCS(p *parsed) (Finding, bool) {
	if p.u.RawQuery == "" && p.method != "POST" {
		return Finding{}, false
	}
	q := p.u.Query()
	switch {
	case p.method == "GET" && q.Get("go-get") == "1":
		return finding(p, EcosystemGo, KindMetadata, pkgRef{}), true
	}
	return Finding{}, false
}

// goProxy classifies the module proxy protocol under a proxy's base.
func goProxy(p *parsed, s *site, rest []string) (Finding, bool) {
	if !p.readOnly() || p.dir || len(rest) < 2 {
		return Finding{}, false
	}
	var (
		modSegs []string
		file    string
	)
	if rest[len(rest)-1] == "@latest" {
		modSegs = rest[:len(rest)-1]
	} else if len(rest) >= 3 && rest[len(rest)-2] == "@v" {
		modSegs, file = rest[:len(rest)-2], rest[len(rest)-1]
	} else {
		return Finding{}, false
	}
	mod, err := module.UnescapePath(strings.Join(modSegs, "/"))
	if err != nil {
		return Finding{}, false
	}
	kind := KindMetadata
	escVersion := ""
	switch {
	case file == "" || file == "list":
		if module.CheckPath(mod) != nil {
			return Finding{}, false
		}
		return finding(p, EcosystemGo, kind, goRef(s, mod, "")), true
	case strings.HasSuffix(file, ".zip"):
		kind, escVersion = KindArtifact, strings.TrimSuffix(file, ".zip")
	case strings.HasSuffix(file, ".info"):
		escVersion = strings.TrimSuffix(file, ".info")
	case strings.HasSuffix(file, ".mod"):
		escVersion = strings.TrimSuffix(file, ".mod")
	default:
		return Finding{}, false
	}
	version, err := module.UnescapeVersion(escVersion)
	if err != nil || module.Check(mod, version) != nil {
		return Finding{}, false
	}
	return finding(p, EcosystemGo, kind, goRef(s, mod, version)), true
}

// goAnywhere recognises a module zip on any host: .../@v/{version}.zip,
// the module path starting at the first segment that holds a dot (a
// domain) and the path before it being the proxy's, its repository_url.
func goAnywhere(p *parsed) (Finding, bool) {
	n := len(p.segs)
	if !p.readOnly() || p.dir || n < 3 || p.segs[n-2] != "@v" || !strings.HasSuffix(p.segs[n-1], ".zip") {
		return Finding{}, false
	}
	start := slices.IndexFunc(p.segs[:n-2], func(seg string) bool { return strings.Contains(seg, ".") })
	if start < 0 {
		return Finding{}, false
	}
	s := siteAt(p, start)
	return goProxy(p, &s, p.segs[start:])
}

// goSumdb classifies a checksum database path (after the database's base):
// every request is metadata; a lookup names the module version it is about.
func goSumdb(p *parsed, rest []string) Finding {
	if len(rest) >= 2 && rest[0] == "lookup" {
		escaped := strings.Join(rest[1:], "/")
		if i := strings.LastIndexByte(escaped, '@'); i > 0 {
			mod, err1 := module.UnescapePath(escaped[:i])
			version, err2 := module.UnescapeVersion(escaped[i+1:])
			if err1 == nil && err2 == nil && module.Check(mod, version) == nil {
				return finding(p, EcosystemGo, KindMetadata, goRef(&site{}, mod, version))
			}
		}
	}
	return finding(p, EcosystemGo, KindMetadata, pkgRef{})
}

// goRef is the purl of a module: namespace up to the last "/", name the
// last element, the module path's case kept.
func goRef(s *site, mod, version string) pkgRef {
	ns, name := "", mod
	if i := strings.LastIndexByte(mod, '/'); i >= 0 {
		ns, name = mod[:i], mod[i+1:]
	}
	return pkgRef{typ: packageurl.TypeGolang, namespace: ns, name: name, version: version,
		quals: []string{qualRepositoryURL, s.repositoryURL}}
}
