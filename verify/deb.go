package verify

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/package-url/packageurl-go"
	"github.com/ulikunitz/xz"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Body kinds of apt repositories.
const (
	// bodyDebRelease is an InRelease or Release file: the SHA-256 of every
	// index of its distribution, and the distribution's codename.
	bodyDebRelease bodyKind = 100 + iota
	// bodyDebPackages is a Packages index (plain or compressed, by name or
	// by hash): the SHA-256 and version of every package it lists.
	bodyDebPackages
)

// SourceFact marks a record that is not a digest but a fact a registry
// published about a subject (a Debian package's full version, a
// distribution's codename); verification ignores it.
const SourceFact = "fact"

// Fact names (capture.Digest.Algorithm of a SourceFact record).
const (
	// FactDebVersion is a .deb's version as its Packages stanza gives it,
	// recorded when the file name cannot carry it (an epoch).
	FactDebVersion = "deb-version"
	// FactDebCodename is a distribution's codename, its subject the
	// distribution's URL (…/dists/SUITE/).
	FactDebCodename = "deb-codename"
)

// maxStanzaLine bounds one line of a Debian control file.
const maxStanzaLine = 1 << 20

// debPlan decides what to do with an apt repository body.
func debPlan(p plan, f classify.Finding, u *url.URL) plan {
	if f.Kind != classify.KindMetadata {
		return p
	}
	segs := strings.Split(u.Path, "/")
	last := segs[len(segs)-1]
	switch {
	case last == "InRelease" || last == "Release":
		p.kind, p.source = bodyDebRelease, "apt "+last+" file"
	case strings.HasPrefix(last, "Packages") || (debByHash(u) != "" && strings.Contains(u.Path, "/binary-")):
		p.kind, p.source = bodyDebPackages, "apt Packages index"
	}
	return p
}

// debDistURL returns the URL of the distribution directory a dists/ URL is
// under (scheme://host/ROOT/dists/SUITE/), "" when it is not under one.
func debDistURL(u *url.URL) string {
	path := u.EscapedPath()
	i := strings.Index(path, "/dists/")
	if i < 0 {
		return ""
	}
	rest := path[i+len("/dists/"):]
	suite, _, ok := strings.Cut(rest, "/")
	if !ok || suite == "" {
		return ""
	}
	c := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}
	return c.String() + path[:i] + "/dists/" + suite + "/"
}

// debArchiveRoot returns the archive root a dists/ URL is under (the
// directory that holds dists/ and pool/, with a trailing slash).
func debArchiveRoot(u *url.URL) string {
	path := u.EscapedPath()
	i := strings.Index(path, "/dists/")
	if i < 0 {
		return ""
	}
	c := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}
	return c.String() + path[:i+1]
}

// debByHash returns the hex SHA-256 a …/by-hash/SHA256/HEX URL names.
func debByHash(u *url.URL) string {
	dir, file, ok := cutLast(u.Path)
	if !ok || !strings.HasSuffix(dir, "/by-hash/SHA256") {
		return ""
	}
	return normalHex(AlgSHA256, file)
}

func cutLast(path string) (dir, file string, ok bool) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", "", false
	}
	return path[:i], path[i+1:], true
}

// decompressed sniffs the compression of an index as served (xz, gzip,
// zstd, bzip2 or none) and returns a reader of its text. by-hash URLs have
// no extension, so the magic bytes decide, never the name.
func decompressed(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		xr, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return xr, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return gr, nil
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	case bytes.HasPrefix(head, []byte("BZh")):
		return bzip2.NewReader(br), nil
	}
	return br, nil
}

// debStanzas reads a Debian control file (Packages, Release) stanza by
// stanza and calls fn with each stanza's fields; a multi-line field's
// value is its first line, with its continuation lines in lines[field].
// Only the fields in want are kept.
func debStanzas(r io.Reader, want map[string]bool, fn func(fields map[string]string, lines map[string][]string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxStanzaLine)
	fields := map[string]string{}
	lines := map[string][]string{}
	cur := ""
	flush := func() {
		if len(fields) > 0 || len(lines) > 0 {
			fn(fields, lines)
			fields = map[string]string{}
			lines = map[string][]string{}
		}
		cur = ""
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] == ' ' || line[0] == '\t':
			if cur != "" {
				lines[cur] = append(lines[cur], strings.TrimSpace(line))
			}
		default:
			k, v, ok := strings.Cut(line, ":")
			cur = ""
			if ok && want[k] {
				cur = k
				fields[k] = strings.TrimSpace(v)
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return err
	}
	return nil
}

var debPackagesFields = map[string]bool{"Package": true, "Version": true, "Architecture": true, "Filename": true, "SHA256": true}

// parseDebPackages reads a Packages index as served (decompressing it as it
// streams) and emits each listed package file's SHA-256, its subject the
// file's URL under the archive root. A version the file name cannot carry
// (an epoch) is recorded as a FactDebVersion. (A by-hash index is
// vouched for by its own URL: see Evidence.Metadata.)
func parseDebPackages(r io.Reader, p plan, emit func(capture.Digest)) error {
	root := debArchiveRoot(p.base)
	if root == "" {
		return nil
	}
	text, err := decompressed(r)
	if err != nil {
		return fmt.Errorf("apt Packages index: %w", err)
	}
	err = debStanzas(text, debPackagesFields, func(f map[string]string, _ map[string][]string) {
		file := f["Filename"]
		sum := normalHex(AlgSHA256, f["SHA256"])
		if sum == "" || file == "" || strings.HasPrefix(file, "/") || strings.Contains(file, "..") {
			return
		}
		subject := root + (&url.URL{Path: file}).EscapedPath()
		emit(capture.Digest{Subject: subject, Algorithm: AlgSHA256, Value: sum, Source: SourcePublished})
		if v := f["Version"]; strings.Contains(v, ":") {
			emit(capture.Digest{Subject: subject, Algorithm: FactDebVersion, Value: v, Source: SourceFact})
		}
	})
	if err != nil {
		return fmt.Errorf("apt Packages index: %w", err)
	}
	return nil
}

var debReleaseFields = map[string]bool{"Codename": true, "SHA256": true}

// parseDebRelease reads an InRelease or Release file: the SHA-256 of each
// index it lists (subject: the index's URL, and its by-hash URL) and the
// distribution's codename. The OpenPGP signature of an InRelease file is
// not checked (apt does that); its armour lines are skipped.
func parseDebRelease(r io.Reader, p plan, emit func(capture.Digest)) error {
	dist := debDistURL(p.base)
	if dist == "" {
		return nil
	}
	done := false
	err := debStanzas(r, debReleaseFields, func(f map[string]string, lines map[string][]string) {
		if done || (f["Codename"] == "" && len(lines["SHA256"]) == 0) {
			return
		}
		done = true
		if c := f["Codename"]; c != "" && cleanFact(c) {
			emit(capture.Digest{Subject: dist, Algorithm: FactDebCodename, Value: c, Source: SourceFact})
		}
		for _, l := range lines["SHA256"] {
			parts := strings.Fields(l)
			if len(parts) != 3 {
				continue
			}
			sum := normalHex(AlgSHA256, parts[0])
			name := parts[2]
			if sum == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
				continue
			}
			emit(capture.Digest{Subject: dist + (&url.URL{Path: name}).EscapedPath(), Algorithm: AlgSHA256, Value: sum, Source: SourcePublished})
			// apt fetches the index by its hash when the Release file
			// says Acquire-By-Hash: the same digest names that URL.
			dir := ""
			if i := strings.LastIndexByte(name, '/'); i >= 0 {
				dir = name[:i+1]
			}
			emit(capture.Digest{Subject: dist + (&url.URL{Path: dir}).EscapedPath() + "by-hash/SHA256/" + sum, Algorithm: AlgSHA256, Value: sum, Source: SourcePublished})
		}
	})
	if err != nil {
		return fmt.Errorf("apt Release file: %w", err)
	}
	return nil
}

// cleanFact reports a short printable value without spaces.
func cleanFact(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// debFacts are the facts apt metadata published in a run: the full
// version of the .deb files whose name drops an epoch, the distribution
// whose index listed each file, and each distribution's codename.
type debFacts struct {
	// version and dist are by URL key of the package file.
	version, dist map[string]string
	// codename is by distribution URL.
	codename map[string]string
}

// add records the facts of one exchange's records.
func (d *debFacts) add(p plan, x *capture.Exchange) {
	d.addRecords(p, x.URL, x.Digests)
}

// addRecords records the facts among the records of the body of rawURL.
func (d *debFacts) addRecords(p plan, rawURL string, records []capture.Digest) {
	if p.kind != bodyDebPackages && p.kind != bodyDebRelease {
		return
	}
	if d.version == nil {
		d.version, d.dist, d.codename = map[string]string{}, map[string]string{}, map[string]string{}
	}
	dist := debDistURL(p.base)
	if dist != "" {
		if _, ok := d.codename[dist]; !ok {
			d.codename[dist] = ""
		}
	}
	for _, r := range records {
		switch {
		case r.Source == SourceFact && r.Algorithm == FactDebVersion:
			d.version[debKey(r.Subject)] = r.Value
		case r.Source == SourceFact && r.Algorithm == FactDebCodename:
			d.codename[r.Subject] = r.Value
		case p.kind == bodyDebPackages && r.Source == SourcePublished && dist != "":
			if k := debKey(r.Subject); k != "" && k != debKey(rawURL) {
				d.dist[k] = dist
			}
		}
	}
}

// debKey is the form package file URLs are matched in: apt percent-encodes
// "+" (as %2b) where Packages indexes do not, so the path is compared
// decoded.
func debKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path
}

// reencodedURLKey is urlKey of raw with its path decoded and re-encoded
// the standard way: apt asks for pool/…/libcap2_2.66-4%2bdeb12u3_amd64.deb
// where its Packages index says pool/…/libcap2_2.66-4+deb12u3_amd64.deb.
func reencodedURLKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.RawPath = ""
	return urlkey.Key(u.String())
}

// refine gives a .deb finding the version its Packages stanza published
// (with the epoch) and the codename of the distribution that listed it.
func (d *debFacts) refine(f classify.Finding) classify.Finding {
	if f.Ecosystem != classify.EcosystemDeb || f.Kind != classify.KindArtifact || d.dist == nil {
		return f
	}
	k := debKey(f.URL)
	version := f.Version
	if v, ok := d.version[k]; ok {
		version = v
	}
	distro := ""
	if dist, ok := d.dist[k]; ok {
		distro = d.codename[dist]
	}
	if version == f.Version && distro == "" {
		return f
	}
	pu, err := packageurl.FromString(f.PURL)
	if err != nil {
		return f
	}
	f.PURL = classify.DebPURL(pu.Namespace, pu.Name, version, pu.Qualifiers.Map()["arch"], distro)
	f.Version = version
	return f
}

// refiningClassifier classifies as its inner classifier does, then
// completes findings with facts published in the run.
type refiningClassifier struct {
	c Classifier
	e *Evidence
}

// Classify implements Classifier.
func (r refiningClassifier) Classify(req classify.Request) classify.Finding {
	f := r.c.Classify(req)
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return r.e.rpm.refine(r.e.oci.refine(r.e.deb.refine(f), r.c))
}

// Refined returns a classifier that classifies as c does and completes
// each finding with what the run's metadata published about it: a Debian
// package's epoch and distribution codename. The SBOM uses it, so that its
// purls say what the repository said.
func (e *Evidence) Refined(c Classifier) Classifier {
	return refiningClassifier{c: c, e: e}
}

// selfVerifyingMetadata reports metadata whose own digest its registry
// publishes: apt's indexes (in the Release file and by-hash URLs), RPM
// repositories' repodata files (in repomd.xml).
func selfVerifyingMetadata(f classify.Finding) bool {
	return f.Kind == classify.KindMetadata && (f.Ecosystem == classify.EcosystemDeb || f.Ecosystem == classify.EcosystemRPM)
}

// Metadata returns the verdict of every metadata download of the run whose
// own digest was published (an apt index listed in its Release file, a
// by-hash URL), in the order first seen; metadata nothing vouches for is
// left out. A verdict's PURL is the metadata's URL.
func (e *Evidence) Metadata() []Verdict {
	e.mu.Lock()
	defer e.mu.Unlock()
	seen := map[[2]string]bool{}
	var out []Verdict
	for _, m := range e.metadata {
		k := [2]string{urlkey.Key(m.url), m.sha256}
		if seen[k] || k[0] == "" {
			continue
		}
		seen[k] = true
		pubs := e.gather([]indexKey{{keyURL, k[0]}})
		if u, err := url.Parse(m.url); err == nil {
			if h := debByHash(u); h != "" {
				pubs = append(pubs, published{alg: AlgSHA256, value: h, source: "apt by-hash URL"})
			}
		}
		v := Verdict{PURL: m.url, SHA256: m.sha256}
		for _, p := range pubs {
			switch {
			case p.alg != AlgSHA256:
			case p.value == m.sha256:
				v.Sources = appendNew(v.Sources, p.source)
			default:
				v.Mismatches = append(v.Mismatches, Mismatch{Algorithm: p.alg, Expected: p.value, Received: m.sha256, Source: p.source})
			}
		}
		switch {
		case len(v.Mismatches) > 0:
			v.Status = StatusMismatch
		case len(v.Sources) > 0:
			v.Status = StatusVerified
		default:
			continue
		}
		out = append(out, v)
	}
	return append(out, e.goModVerdicts()...)
}

// goModVerdicts checks every go.mod the build fetched against the checksum
// database's "/go.mod" line, for the modules whose zip was not fetched
// (Check reports those of the others): a go.mod decides which versions
// are selected even when the module's source is never downloaded. A
// verdict's PURL is "MODULE@VERSION/go.mod"; go.mod files nothing vouched
// for are left out. The caller holds e.mu.
func (e *Evidence) goModVerdicts() []Verdict {
	zips := map[string]bool{}
	for _, a := range e.artifacts {
		if g := goSubject(a.purl); g != "" {
			zips[g+"/go.mod"] = true
		}
	}
	var out []Verdict
	for _, subject := range slices.Sorted(maps.Keys(e.computed)) {
		if !strings.HasPrefix(subject, goSubjectPrefix) || !strings.HasSuffix(subject, "/go.mod") || zips[subject] {
			continue
		}
		v := Verdict{PURL: strings.TrimPrefix(subject, goSubjectPrefix)}
		for _, p := range e.gather([]indexKey{{keySubject, subject}}) {
			for _, got := range e.computed[subject] {
				if got == p.value {
					v.Sources = appendNew(v.Sources, p.source)
				} else {
					v.Mismatches = append(v.Mismatches, Mismatch{What: "go.mod", Algorithm: p.alg, Expected: p.value, Received: got, Source: p.source})
				}
			}
		}
		switch {
		case len(v.Mismatches) > 0:
			v.Status = StatusMismatch
		case len(v.Sources) > 0:
			v.Status = StatusVerified
		default:
			continue
		}
		out = append(out, v)
	}
	return out
}

// debIndexURLs are the Packages indexes that list the .deb at artifactURL
// (purl), for --verify-fetch: in each distribution of the same archive
// whose metadata the run saw, else in the distribution the purl names
// (else Debian's stable), the index of the file's component and architecture (amd64 for "all"),
// xz-compressed first.
func (e *Evidence) debIndexURLs(purl, artifactURL string) []string {
	p, err := classify.ParsePURL(purl)
	if err != nil || p.Type != packageurl.TypeDebian {
		return nil
	}
	u, err := url.Parse(artifactURL)
	if err != nil {
		return nil
	}
	path := u.EscapedPath()
	i := strings.Index(path, "/pool/")
	if i < 0 {
		return nil
	}
	root := (&url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}).String() + path[:i+1]
	segs := strings.Split(path[i+len("/pool/"):], "/")
	if len(segs) < 2 {
		return nil
	}
	comp := segs[0]
	if comp == "updates" {
		comp = segs[1]
	}
	arch := p.Qualifiers.Map()["arch"]
	if arch == "all" || arch == "" {
		arch = "amd64"
	}
	if arch == "source" {
		return nil
	}
	e.mu.Lock()
	var dists []string
	for dist := range e.deb.codename {
		if strings.HasPrefix(dist, root+"dists/") {
			dists = append(dists, dist)
		}
	}
	e.mu.Unlock()
	if len(dists) == 0 {
		// The run named no distribution: the purl's, else Debian's
		// current stable release.
		distro := p.Qualifiers.Map()["distro"]
		switch {
		case distro != "":
		case p.Namespace == "debian" && strings.HasSuffix(root, "-security/"):
			distro = "stable-security"
		case p.Namespace == "debian":
			distro = "stable"
		default:
			return nil
		}
		dists = []string{root + "dists/" + url.PathEscape(distro) + "/"}
	}
	slices.Sort(dists)
	var out []string
	for _, d := range dists {
		for _, name := range []string{"Packages.xz", "Packages.gz"} {
			out = append(out, d+url.PathEscape(comp)+"/binary-"+url.PathEscape(arch)+"/"+name)
		}
	}
	return out
}
