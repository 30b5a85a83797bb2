package classify

import (
	"net/url"
	"strings"
)

// EcosystemGit names git's smart-HTTP protocol: a `git clone` or `git
// fetch` over HTTPS, and the go command's direct mode (GOPROXY=direct,
// GOPRIVATE modules), which fetches modules with git.
const EcosystemGit = "git"

// Git recognises git smart-HTTP traffic on any host: the ref
// advertisement (`GET …/info/refs?service=git-upload-pack`) and the pack
// negotiation (`POST …/git-upload-pack`), and their receive-pack
// counterparts of a push. They are KindAPI: which objects were fetched is
// in the request body, which depaudit does not record, so no package
// version is known; the repository's host is a service of the build with
// the role "vcs".
type Git struct{}

// DefaultGit returns the git smart-HTTP classifier.
func DefaultGit() *Git { return &Git{} }

// Ecosystem returns "git".
func (c *Git) Ecosystem() string { return EcosystemGit }

// Classify implements Classifier.
func (c *Git) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Git) classify(p *parsed) (Finding, bool) {
	n := len(p.segs)
	switch {
	case p.method == "GET" && n >= 3 && p.segs[n-2] == "info" && p.segs[n-1] == "refs" && p.u.RawQuery != "":
		if s := p.u.Query().Get("service"); s == "git-upload-pack" || s == "git-receive-pack" {
			return finding(p, EcosystemGit, KindAPI, pkgRef{}), true
		}
	case p.method == "POST" && n >= 2 && (p.segs[n-1] == "git-upload-pack" || p.segs[n-1] == "git-receive-pack"):
		return finding(p, EcosystemGit, KindAPI, pkgRef{}), true
	}
	return Finding{}, false
}

// GitRepository returns the repository URL of a git smart-HTTP request
// URL: the URL up to /info/refs, /git-upload-pack or /git-receive-pack,
// without its query; "" when rawURL is not one.
func GitRepository(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	for _, suffix := range []string{"/info/refs", "/git-upload-pack", "/git-receive-pack"} {
		if strings.HasSuffix(u.Path, suffix) && len(u.Path) > len(suffix) {
			u.Path = strings.TrimSuffix(u.Path, suffix)
			u.RawPath, u.RawQuery, u.Fragment, u.User = "", "", "", nil
			return u.String()
		}
	}
	return ""
}
