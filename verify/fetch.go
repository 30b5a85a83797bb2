package verify

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"
	"golang.org/x/mod/module"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// fetchedSuffix marks a source fetched after the build.
const fetchedSuffix = " (fetched after the build)"

// FetchOptions say what Fetch may ask.
type FetchOptions struct {
	// Getenv reads the build's environment: the Go privacy settings
	// (GOPRIVATE, GONOSUMDB, GONOSUMCHECK, GOSUMDB, GOFLAGS) say which
	// modules the go command keeps from the checksum database; Fetch
	// keeps them from it too. Nil reads an empty environment.
	Getenv func(string) string
}

// Fetch fetches, for each artifact of the log that is still unverifiable,
// the metadata its registry publishes digests in (an npm packument, a PyPI
// simple page, a checksum database lookup, a Maven .sha1, a crates.io
// index file), parses it as the inspectors do, and adds its digests to e.
// A package's name is only sent to the service the build fetched it from
// (or that service's own metadata host), and a Go module's to a checksum
// database only when the build's go command would have asked it; the
// others stay unverifiable, with the reason.
// client must verify TLS (http.DefaultClient does); it is a parameter so
// that tests can point it at a fake registry. It returns the URLs fetched
// and the errors met; one failure does not stop the others.
func (e *Evidence) Fetch(ctx context.Context, client *http.Client, opts FetchOptions) (fetched []string, err error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var errs []error
	// done maps each metadata URL asked for to why it failed, "" when it
	// did not.
	done := map[string]string{}
	for _, v := range e.Artifacts() {
		if v.Status != StatusUnverifiable {
			continue
		}
		e.mu.Lock()
		var artifactURL string
		for _, a := range e.artifacts {
			if a.purl == v.PURL && a.sha256 == v.SHA256 {
				artifactURL = a.url
				break
			}
		}
		e.mu.Unlock()
		urls, accept := metadataURLs(v.PURL, artifactURL)
		if len(urls) > 0 && strings.HasPrefix(urls[len(urls)-1], sumDBLookup) {
			if why := goSumDBWithheld(urls[len(urls)-1], getenv); why != "" {
				e.withhold(v.PURL, why)
				continue
			}
		}
		if len(urls) == 0 {
			urls = e.debIndexURLs(v.PURL, artifactURL)
		}
		urls = slices.DeleteFunc(urls, func(u string) bool { return !sameService(u, artifactURL) })
		if len(urls) == 0 {
			continue
		}
		if why, seen := done[urls[0]]; seen {
			if why != "" {
				e.withhold(v.PURL, why)
			}
			continue
		}
		done[urls[0]] = ""
		// Candidates in order (a Go proxy's own checksum database
		// endpoint, then sum.golang.org): the first that answers wins.
		var tried []error
		for _, u := range urls {
			err := e.fetchOne(ctx, client, u, accept)
			if err == nil {
				fetched = append(fetched, u)
				tried = nil
				break
			}
			tried = append(tried, err)
		}
		if len(tried) > 0 {
			why := "fetch failed: " + tried[len(tried)-1].Error()
			done[urls[0]] = why
			e.withhold(v.PURL, why)
		}
		errs = append(errs, tried...)
	}
	return fetched, errors.Join(errs...)
}

// withhold records why an artifact's metadata could not be had.
func (e *Evidence) withhold(purl, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.withheld == nil {
		e.withheld = map[string]string{}
	}
	e.withheld[purl] = why
}

// fetchOne fetches one metadata document and indexes its digests.
func (e *Evidence) fetchOne(ctx context.Context, client *http.Client, rawURL, accept string) error {
	return e.fetchDoc(ctx, client, rawURL, accept, true)
}

// fetchDoc fetches one metadata document and indexes its digests; with
// follow, the documents it links to for them (a NuGet registration leaf's
// catalog leaf) are fetched too.
func (e *Evidence) fetchDoc(ctx context.Context, client *http.Client, rawURL, accept string, follow bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch %s: status %d", rawURL, resp.StatusCode)
	}
	ct := resp.Header.Get("Content-Type")
	f := e.c.Classify(classify.Request{URL: rawURL, Status: resp.StatusCode, ContentType: ct})
	p := planFor(f, rawURL, ct)
	p.follow = follow
	parse, ok := parsers[p.kind]
	if !ok {
		return fmt.Errorf("fetch %s: not a document digests can be read from", rawURL)
	}
	var ds []capture.Digest
	// The client undoes a gzip encoding it asked for itself.
	if err := parse(resp.Body, p, func(d capture.Digest) { ds = append(ds, d) }); err != nil {
		return fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	var links []string
	e.mu.Lock()
	var used map[string]bool
	if p.kind == bodyCondaRepodata {
		// A channel's repodata lists far more than the build used.
		used = e.downloadedURLs()
	}
	for _, d := range ds {
		switch d.Source {
		case sourceLink:
			links = append(links, d.Subject)
		case SourcePublished:
			if used != nil && !used[urlkey.Key(d.Subject)] {
				continue
			}
			e.addPublished(d, p.describe(d.Algorithm)+fetchedSuffix)
		}
	}
	e.deb.addRecords(p, rawURL, ds)
	e.rpm.addRecords(ds)
	e.mu.Unlock()
	var errs []error
	for _, l := range links {
		errs = append(errs, e.fetchDoc(ctx, client, l, "", false))
	}
	return errors.Join(errs...)
}

// downloadedURLs are the URL keys of the artifacts the build downloaded
// whole; e.mu must be held.
func (e *Evidence) downloadedURLs() map[string]bool {
	out := make(map[string]bool, len(e.artifacts))
	for _, a := range e.artifacts {
		out[urlkey.Key(a.url)] = true
	}
	return out
}

// metadataURLs are where the digest of the artifact purl (downloaded from
// artifactURL) is published, best first, and the Accept header to ask with.
func metadataURLs(purl, artifactURL string) ([]string, string) {
	u, accept := metadataURL(purl, artifactURL)
	if u == "" {
		return nil, ""
	}
	if strings.HasPrefix(u, sumDBLookup) {
		// The go command asks the module proxy it downloaded from first
		// ($GOPROXY/sumdb/sum.golang.org/lookup/…): where sum.golang.org
		// itself is out of reach, the proxy still answers.
		if base := goProxyBase(artifactURL); base != "" {
			return []string{base + "/sumdb/sum.golang.org/lookup/" + strings.TrimPrefix(u, sumDBLookup), u}, accept
		}
	}
	return []string{u}, accept
}

// sumDBLookup is the lookup endpoint of the Go checksum database.
const sumDBLookup = "https://sum.golang.org/lookup/"

// goSumDBWithheld says why the go command of a build with the environment
// getenv would not look the module of lookup (a sumDBLookup URL) up in
// sum.golang.org, "" when it would. Fetch then sends the module's name to
// no checksum database, not even through the module proxy.
func goSumDBWithheld(lookup string, getenv func(string) string) string {
	esc, _, _ := strings.Cut(strings.TrimPrefix(lookup, sumDBLookup), "@")
	mod, err := module.UnescapePath(esc)
	if err != nil {
		return "private module: its path does not unescape, not looked up"
	}
	sumdb := strings.TrimSpace(getenv("GOSUMDB"))
	name := ""
	if f := strings.Fields(sumdb); len(f) > 0 {
		name, _, _ = strings.Cut(f[0], "+")
	}
	nosum, from := getenv("GONOSUMDB"), "GONOSUMDB"
	if nosum == "" {
		nosum, from = getenv("GOPRIVATE"), "GOPRIVATE"
	}
	switch {
	case sumdb == "off":
		return "private module: the build checks no checksum database (GOSUMDB=off), none was asked"
	case getenv("GONOSUMCHECK") != "" && getenv("GONOSUMCHECK") != "0":
		return "private module: the build checks no checksum database (GONOSUMCHECK), none was asked"
	case goFlagInsecure(getenv("GOFLAGS")):
		return "private module: the build checks no checksum database (GOFLAGS=-insecure), none was asked"
	case module.MatchPrefixPatterns(nosum, mod):
		return "private module (" + from + "): not looked up in a checksum database"
	case name != "" && name != "sum.golang.org":
		return "private module: the build's checksum database is " + name + ", not sum.golang.org, which was not asked"
	}
	return ""
}

// GoEnv returns a getenv for the go command's settings as it sees them:
// the environment first, then the go env file that `go env -w` writes
// ($GOENV, else $XDG_CONFIG_HOME/go/env, else $HOME/.config/go/env; GOENV=off
// reads none), where GOPRIVATE and the like are often set.
func GoEnv(getenv func(string) string) func(string) string {
	file := map[string]string{}
	path := getenv("GOENV")
	switch {
	case path == "off":
		path = ""
	case path != "":
	case getenv("XDG_CONFIG_HOME") != "":
		path = getenv("XDG_CONFIG_HOME") + "/go/env"
	case getenv("HOME") != "":
		path = getenv("HOME") + "/.config/go/env"
	}
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && k != "" && !strings.HasPrefix(k, "#") {
					file[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
		}
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}
}

// goFlagInsecure reports whether GOFLAGS turns off checksum checks, as the
// go command's -insecure flag did.
func goFlagInsecure(goflags string) bool {
	for _, f := range strings.Fields(goflags) {
		name, value, hasValue := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name == "insecure" && (!hasValue || value == "true" || value == "1") {
			return true
		}
	}
	return false
}

// companionHosts are the metadata hosts of a registry whose artifacts are
// served from another host: asking them about a package the build fetched
// from the artifact host tells no new service about it.
var companionHosts = map[string][]string{
	"files.pythonhosted.org": {"pypi.org"},
	"static.crates.io":       {"index.crates.io"},
	"crates.io":              {"index.crates.io"},
	"registry.yarnpkg.com":   {"registry.npmjs.org"},
	"proxy.golang.org":       {"sum.golang.org"},
}

// sameService reports whether metadataURL is on the service the build
// fetched artifactURL from: the same host, or one of its companion hosts.
// sum.golang.org lookups are checked by goSumDBWithheld: the go command
// asks it about every public module, whatever proxy served it.
func sameService(metadataURL, artifactURL string) bool {
	if strings.HasPrefix(metadataURL, sumDBLookup) {
		return true
	}
	m, err1 := url.Parse(metadataURL)
	a, err2 := url.Parse(artifactURL)
	if err1 != nil || err2 != nil || artifactURL == "" {
		return false
	}
	mh, ah := strings.ToLower(m.Hostname()), strings.ToLower(a.Hostname())
	return mh == ah || slices.Contains(companionHosts[ah], mh)
}

// goProxyBase returns the base URL of the Go module proxy that served the
// module file at artifactURL ($base/<escaped module>/@v/<version>.zip), or
// "" when it is not a proxy URL.
func goProxyBase(artifactURL string) string {
	u, err := url.Parse(artifactURL)
	if err != nil || u.Scheme != "https" || u.RawQuery != "" {
		return ""
	}
	i := strings.Index(u.Path, "/@v/")
	if i < 0 {
		return ""
	}
	// The module path starts at the first element that makes a valid one
	// (it needs a dot): after the proxy's own base path, if it has one
	// (Artifactory's /api/go/go).
	parts := strings.Split(strings.TrimPrefix(u.Path[:i], "/"), "/")
	for j := range parts {
		if _, err := module.UnescapePath(strings.Join(parts[j:], "/")); err == nil {
			return strings.TrimSuffix(u.Scheme+"://"+u.Host+"/"+strings.Join(parts[:j], "/"), "/")
		}
	}
	return ""
}

// metadataURL is where the digest of the artifact purl (downloaded from
// artifactURL) is published, and the Accept header to ask with.
func metadataURL(purl, artifactURL string) (string, string) {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Version == "" {
		return "", ""
	}
	repo := strings.TrimSuffix(p.Qualifiers.Map()["repository_url"], "/")
	switch p.Type {
	case packageurl.TypeNPM:
		if repo == "" {
			repo = "https://registry.npmjs.org"
		}
		name := p.Name
		if p.Namespace != "" {
			name = p.Namespace + "%2f" + p.Name
		}
		return repo + "/" + name, "application/vnd.npm.install-v1+json"
	case packageurl.TypePyPi:
		if repo != "" {
			return "", ""
		}
		return "https://pypi.org/simple/" + p.Name + "/", pypiSimpleJSON
	case packageurl.TypeGolang:
		mod := p.Name
		if p.Namespace != "" {
			mod = p.Namespace + "/" + p.Name
		}
		em, err1 := module.EscapePath(mod)
		ev, err2 := module.EscapeVersion(p.Version)
		if err1 != nil || err2 != nil {
			return "", ""
		}
		return "https://sum.golang.org/lookup/" + em + "@" + ev, ""
	case packageurl.TypeMaven:
		if artifactURL == "" || strings.Contains(artifactURL, "?") {
			return "", ""
		}
		return artifactURL + ".sha1", ""
	case packageurl.TypeCargo:
		if repo != "" {
			return "", ""
		}
		return "https://index.crates.io/" + cargoIndexPath(strings.ToLower(p.Name)), ""
	case packageurl.TypeConda:
		// The repodata of the directory the package came from.
		if artifactURL == "" || strings.Contains(artifactURL, "?") {
			return "", ""
		}
		i := strings.LastIndex(artifactURL, "/")
		if i < 0 {
			return "", ""
		}
		return artifactURL[:i+1] + "repodata.json", ""
	case packageurl.TypeNuget:
		if repo != "" {
			return "", ""
		}
		id, v := strings.ToLower(p.Name), strings.ToLower(p.Version)
		return "https://api.nuget.org/v3/registration5-gz-semver2/" + id + "/" + v + ".json", ""
	case packageurl.TypePub:
		return "https://pub.dev/api/packages/" + p.Name, "application/vnd.pub.v2+json"
	case packageurl.TypeHex:
		if p.Namespace != "" {
			return "https://repo.hex.pm/repos/" + p.Namespace + "/packages/" + p.Name, ""
		}
		return "https://repo.hex.pm/packages/" + p.Name, ""
	case packageurl.TypeCran:
		// The index of the directory a current source package came from.
		if i := strings.LastIndex(artifactURL, "/src/contrib/"); i >= 0 && !strings.Contains(artifactURL[i+len("/src/contrib/"):], "/") &&
			!strings.Contains(artifactURL, "?") {
			return artifactURL[:i] + "/src/contrib/PACKAGES.gz", ""
		}
		return "", ""
	case packageurl.TypeCocoapods:
		sum := md5.Sum([]byte(p.Name))
		h := hex.EncodeToString(sum[:])
		return "https://cdn.cocoapods.org/Specs/" + h[:1] + "/" + h[1:2] + "/" + h[2:3] + "/" + p.Name + "/" + p.Version + "/" + p.Name + ".podspec.json", ""
	case packageurl.TypeGem:
		if repo == "" {
			repo = "https://index.rubygems.org"
		}
		return repo + "/info/" + p.Name, ""
	}
	return "", ""
}

// cargoIndexPath is a crate's file in the sparse index.
func cargoIndexPath(name string) string {
	switch len(name) {
	case 0:
		return ""
	case 1:
		return "1/" + name
	case 2:
		return "2/" + name
	case 3:
		return "3/" + name[:1] + "/" + name
	}
	return name[:2] + "/" + name[2:4] + "/" + name
}
