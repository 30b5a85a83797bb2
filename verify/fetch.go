package verify

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/package-url/packageurl-go"
	"golang.org/x/mod/module"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/lines"
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
	// Concurrency bounds the documents fetched at once; 0 means 8.
	Concurrency int
	// Now is the clock of the records; nil means time.Now.
	Now func() time.Time
}

// FetchResult is what Fetch did, as the capture log records it (see
// capture.RecordFetch): each document asked for, and their end.
type FetchResult struct {
	Records []capture.Fetch
	End     capture.FetchEnd
}

// Errors joins, once each, the errors of the documents that could not be
// had (a candidate that failed before another answered is not one); nil
// when there were none.
func (r FetchResult) Errors() error {
	var errs []error
	seen := map[string]bool{}
	for _, w := range r.End.Withheld {
		msg, failed := strings.CutPrefix(w.Reason, fetchFailed)
		if failed && !seen[msg] {
			seen[msg] = true
			errs = append(errs, errors.New(msg))
		}
	}
	return errors.Join(errs...)
}

// fetchFailed starts the reason of an artifact whose metadata could not be
// fetched.
const fetchFailed = "fetch failed: "

// Fetched are the URLs of the documents fetched and read, in record order.
func (r FetchResult) Fetched() []string {
	var out []string
	for _, f := range r.Records {
		if f.Error == "" {
			out = append(out, f.URL)
		}
	}
	return out
}

// fetchJob is one metadata document asked for, for the artifacts that
// wait on it: its candidate URLs, best first (a Go proxy's own checksum
// database endpoint, then sum.golang.org); the first that answers wins.
type fetchJob struct {
	purls  []string
	urls   []string
	accept string
	// Filled by the fetch: the records of every request made (candidates
	// tried, documents followed) and the error of the last candidate.
	recs []capture.Fetch
	err  error
}

// Fetch fetches, for each artifact of the log that is still unverifiable,
// the metadata its registry publishes digests in (an npm abbreviated
// packument, a PyPI simple page, a checksum database lookup, a Maven
// .sha1, a crates.io index file), parses it as the inspectors do, and adds
// its digests to e. A package's name is only sent to the service the build
// fetched it from (or that service's own metadata host), and a Go module's
// to a checksum database only when the build's go command would have
// asked it; the others stay unverifiable, with the reason. One document
// serves every artifact that needs it; documents are fetched concurrently
// and their digests added in a deterministic order, so that
// Replay(result) gives e the same evidence.
// client must verify TLS (http.DefaultClient does); it is a parameter so
// that tests can point it at a fake registry. One failure does not stop the
// others: it is in its record and in the result's Withheld.
func (e *Evidence) Fetch(ctx context.Context, client *http.Client, opts FetchOptions) FetchResult {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	workers := opts.Concurrency
	if workers <= 0 {
		workers = 8
	}
	start := now()
	var res FetchResult
	res.End.Start = start
	var jobs []*fetchJob
	byURL := map[string]*fetchJob{}
	type artifactKey struct{ purl, sha256 string }
	urlOf := map[artifactKey]string{}
	e.mu.Lock()
	for _, a := range e.artifacts {
		if k := (artifactKey{a.purl, a.sha256}); urlOf[k] == "" {
			urlOf[k] = a.url
		}
	}
	e.mu.Unlock()
	for _, v := range e.Artifacts() {
		if v.Status != StatusUnverifiable {
			continue
		}
		artifactURL := urlOf[artifactKey{v.PURL, v.SHA256}]
		urls, accept := metadataURLs(v.PURL, artifactURL)
		if len(urls) > 0 && strings.HasPrefix(urls[len(urls)-1], sumDBLookup) {
			if why := goSumDBWithheld(urls[len(urls)-1], getenv); why != "" {
				res.End.Withheld = append(res.End.Withheld, capture.Withheld{PURL: v.PURL, Reason: why})
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
		if j := byURL[urls[0]]; j != nil {
			j.purls = append(j.purls, v.PURL)
			continue
		}
		j := &fetchJob{purls: []string{v.PURL}, urls: urls, accept: accept}
		byURL[urls[0]] = j
		jobs = append(jobs, j)
	}
	// The go.mod files fetched without their module's zip (a module the
	// build only needed the requirements of) get the same lookup: its
	// "/go.mod" line vouches for them (see Evidence.Metadata).
	for _, m := range e.unvouchedGoMods() {
		lookup := goLookup(m.module, m.version)
		if lookup == "" || goSumDBWithheld(lookup, getenv) != "" {
			continue
		}
		urls := goLookupURLs(lookup, m.url)
		urls = slices.DeleteFunc(urls, func(u string) bool { return !sameService(u, m.url) })
		if j := byURL[urls[0]]; j != nil {
			continue
		}
		j := &fetchJob{purls: []string{m.module + "@" + m.version + "/go.mod"}, urls: urls}
		byURL[urls[0]] = j
		jobs = append(jobs, j)
	}

	e.mu.Lock()
	used := e.downloadedURLs()
	e.mu.Unlock()
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for _, u := range j.urls {
				recs, err := e.get(ctx, client, u, j.accept, true, used, now)
				j.recs = append(j.recs, recs...)
				j.err = err
				if err == nil {
					break
				}
			}
		}()
	}
	wg.Wait()

	for _, j := range jobs {
		res.Records = append(res.Records, j.recs...)
		if j.err != nil {
			res.End.Failed++
			why := fetchFailed + j.err.Error()
			for _, purl := range j.purls {
				res.End.Withheld = append(res.End.Withheld, capture.Withheld{PURL: purl, Reason: why})
			}
		}
	}
	res.End.Requests = len(res.Records)
	res.End.DurationMS = float64(now().Sub(start).Microseconds()) / 1000
	e.Replay(res.Records, res.End)
	return res
}

// Replay adds to e what fetches made after the build found (as Fetch
// returned them, or as the capture log recorded them): the digests of
// each document read, in record order, and why the others' artifacts
// stay unverifiable.
func (e *Evidence) Replay(records []capture.Fetch, end capture.FetchEnd) {
	for _, f := range records {
		if f.Error != "" {
			continue
		}
		cl := e.c.Classify(classify.Request{URL: f.URL, Status: http.StatusOK, ContentType: f.ContentType})
		p := planFor(cl, f.URL, f.ContentType)
		e.mu.Lock()
		for _, d := range f.Digests {
			if d.Source == SourcePublished {
				e.addPublished(d, p.describe(d.Algorithm)+fetchedSuffix)
			}
		}
		e.deb.addRecords(p, f.URL, f.Digests)
		e.rpm.addRecords(f.Digests)
		e.mu.Unlock()
	}
	for _, w := range end.Withheld {
		e.withhold(w.PURL, w.Reason)
	}
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

// get fetches one metadata document and reads its digests, keeping of a
// large index only those of the artifacts downloaded (used); with follow,
// the documents it links to for them (a NuGet registration leaf's catalog
// leaf) are fetched too. It returns a record of each request, and the
// first error.
func (e *Evidence) get(ctx context.Context, client *http.Client, rawURL, accept string, follow bool, used map[string]bool, now func() time.Time) ([]capture.Fetch, error) {
	rec := capture.Fetch{Start: now(), URL: rawURL}
	links, err := e.read(ctx, client, &rec, accept, follow, used)
	rec.DurationMS = float64(now().Sub(rec.Start).Microseconds()) / 1000
	if err != nil {
		rec.Error = err.Error()
		return []capture.Fetch{rec}, err
	}
	recs := []capture.Fetch{rec}
	var errs []error
	for _, l := range links {
		more, err := e.get(ctx, client, l, "", false, used, now)
		recs = append(recs, more...)
		errs = append(errs, err)
	}
	return recs, errors.Join(errs...)
}

// read makes rec's request and parses the answer into rec; it returns the
// documents the answer links to for its digests (with follow).
func (e *Evidence) read(ctx context.Context, client *http.Client, rec *capture.Fetch, accept string, follow bool, used map[string]bool) ([]string, error) {
	rawURL := rec.URL
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	rec.Status = resp.StatusCode
	rec.ContentType = resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: status %d", rawURL, resp.StatusCode)
	}
	f := e.c.Classify(classify.Request{URL: rawURL, Status: resp.StatusCode, ContentType: rec.ContentType})
	p := planFor(f, rawURL, rec.ContentType)
	p.follow = follow
	parse, ok := parsers[p.kind]
	if !ok {
		return nil, fmt.Errorf("fetch %s: not a document digests can be read from", rawURL)
	}
	body := &lines.Counter{R: resp.Body}
	var links []string
	// A document lists far more than the build used (an index of a whole
	// channel or distribution, a packument's every version): of what it
	// says about files, only what concerns the files the build downloaded
	// is kept, as the capture log keeps it (capture.LogWriter.Defer).
	// The client undoes a gzip encoding it asked for itself.
	err = parse(body, p, func(d capture.Digest) {
		switch {
		case d.Source == sourceLink:
			links = append(links, d.Subject)
		case !usedFile(used, d.Subject):
		default:
			rec.Digests = append(rec.Digests, d)
		}
	})
	rec.Bytes = body.N
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	return links, nil
}

// goMod is a go.mod file the build fetched: its module, version and URL.
type goMod struct{ module, version, url string }

// unvouchedGoMods are the go.mod files the build fetched whose module's zip
// it did not fetch and that no digest the run recorded vouches for, in
// module order.
func (e *Evidence) unvouchedGoMods() []goMod {
	e.mu.Lock()
	defer e.mu.Unlock()
	zips := map[string]bool{}
	for _, a := range e.artifacts {
		if g := goSubject(a.purl); g != "" {
			zips[g+"/go.mod"] = true
		}
	}
	urls := map[string]string{}
	for _, b := range e.bodies {
		for _, s := range b.subjects {
			if strings.HasSuffix(s, "/go.mod") && len(b.urls) > 0 && urls[s] == "" {
				urls[s] = b.urls[0]
			}
		}
	}
	var out []goMod
	for _, subject := range slices.Sorted(maps.Keys(e.computed)) {
		if !strings.HasPrefix(subject, goSubjectPrefix) || !strings.HasSuffix(subject, "/go.mod") || zips[subject] ||
			len(e.gather([]indexKey{{keySubject, subject}})) > 0 {
			continue
		}
		mod, version, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(subject, goSubjectPrefix), "/go.mod"), "@")
		if !ok || urls[subject] == "" {
			continue
		}
		out = append(out, goMod{module: mod, version: version, url: urls[subject]})
	}
	return out
}

// downloadedURLs are the URL keys of the artifacts the build downloaded
// whole, and their files' names ("file:NAME"); e.mu must be held.
func (e *Evidence) downloadedURLs() map[string]bool {
	out := make(map[string]bool, 2*len(e.artifacts))
	for _, a := range e.artifacts {
		out[urlkey.Key(a.url)] = true
		if f := fileName(a.url); f != "" {
			out["file:"+f] = true
		}
	}
	return out
}

// usedFile reports whether subject, when it is a file's URL, is one the
// build downloaded (see downloadedURLs): by URL, or by the file's name on
// another host. A subject that is no URL (a purl, a module) is kept.
func usedFile(used map[string]bool, subject string) bool {
	if !strings.HasPrefix(subject, "https://") && !strings.HasPrefix(subject, "http://") {
		return true
	}
	if used[urlkey.Key(subject)] {
		return true
	}
	f := fileName(subject)
	return f == "" || used["file:"+f]
}

// fileName is the last segment of a URL's path, "" for a directory or
// what is no URL.
func fileName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || strings.HasSuffix(u.Path, "/") || u.Path == "" {
		return ""
	}
	return path.Base(u.Path)
}

// metadataURLs are where the digest of the artifact purl (downloaded from
// artifactURL) is published, best first, and the Accept header to ask with.
func metadataURLs(purl, artifactURL string) ([]string, string) {
	u, accept := metadataURL(purl, artifactURL)
	if u == "" {
		return nil, ""
	}
	if strings.HasPrefix(u, sumDBLookup) {
		return goLookupURLs(u, artifactURL), accept
	}
	return []string{u}, accept
}

// goLookupURLs are where to look up, best first, the module version of
// the checksum database lookup URL (a sumDBLookup one) whose files the
// build fetched from fileURL: the go command asks the module proxy it
// downloaded from first ($GOPROXY/sumdb/sum.golang.org/lookup/…), so that
// where sum.golang.org itself is out of reach, the proxy still answers.
func goLookupURLs(lookup, fileURL string) []string {
	if base := goProxyBase(fileURL); base != "" {
		return []string{base + "/sumdb/sum.golang.org/lookup/" + strings.TrimPrefix(lookup, sumDBLookup), lookup}
	}
	return []string{lookup}
}

// goLookup is the checksum database lookup URL of a module version, ""
// when the path or version cannot be escaped.
func goLookup(mod, version string) string {
	em, err1 := module.EscapePath(mod)
	ev, err2 := module.EscapeVersion(version)
	if err1 != nil || err2 != nil {
		return ""
	}
	return sumDBLookup + em + "@" + ev
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
		return goLookup(mod, p.Version), ""
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
