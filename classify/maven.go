package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// Maven recognises Maven repository layouts
// (/{group as path}/{artifactId}/{version}/{artifactId}-{version}[-{classifier}].{ext}):
// artifacts, .pom and Gradle .module files and maven-metadata.xml (metadata),
// and .sha1/.md5/.sha256/.sha512/.asc files (sidecars), on Maven Central,
// the Gradle plugin portal, Google's Maven repository and, on any host,
// Nexus and Artifactory repositories.
type Maven struct {
	sites []site
	// anyHost enables repository layouts on any host (/repository/{id}/,
	// /artifactory/{repo}/, /content/repositories/{id}/, …/maven2/), which
	// must parse as a complete, plausible Maven path to match.
	anyHost bool
}

// DefaultMaven recognises repo.maven.apache.org/maven2, repo1.maven.org/maven2
// (Maven Central: purls without repository_url), plugins.gradle.org/m2,
// maven.google.com, dl.google.com/dl/android/maven2, and Nexus and
// Artifactory repository layouts on any host.
func DefaultMaven() *Maven {
	return &Maven{
		sites: []site{
			publicSite("repo.maven.apache.org/maven2"),
			publicSite("repo1.maven.org/maven2"),
			publicSite("plugins.gradle.org/m2").withRepo(),
			publicSite("maven.google.com").withRepo(),
			publicSite("dl.google.com/dl/android/maven2").withRepo(),
		},
		anyHost: true,
	}
}

// NewMaven recognises a Maven repository served under base (for example
// "https://maven.example.com/releases/"); its purls carry base as
// repository_url.
func NewMaven(base string) (*Maven, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("maven: %w", err)
	}
	return &Maven{sites: []site{s}}, nil
}

// Ecosystem returns "maven".
func (c *Maven) Ecosystem() string { return EcosystemMaven }

// Classify implements Classifier.
func (c *Maven) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Maven) classify(p *parsed) (Finding, bool) {
	if s, rest, ok := matchSites(c.sites, p); ok {
		if !p.readOnly() {
			// Deploys.
			return finding(p, EcosystemMaven, KindAPI, pkgRef{}), true
		}
		if f, ok := mavenPath(p, s, rest, false); ok {
			return f, true
		}
		if p.dir {
			// A directory listing.
			return finding(p, EcosystemMaven, KindMetadata, pkgRef{}), true
		}
		return unrecognised(p, EcosystemMaven)
	}
	if !c.anyHost || !p.readOnly() {
		return Finding{}, false
	}
	if n := repositoryLayout(p.segs); n > 0 {
		s := siteAt(p, n)
		return mavenPath(p, &s, p.segs[n:], true)
	}
	return Finding{}, false
}

// repositoryLayout returns how many leading path segments name a
// repository on an arbitrary host, 0 when the path has no such layout:
// /repository/{id}/ and /nexus/repository/{id}/ (Nexus 3),
// /[nexus/]content/{repositories|groups}/{id}/ (Nexus 2),
// /artifactory/{repo}/ (Artifactory), or a path up to a "maven2" segment.
func repositoryLayout(segs []string) int {
	n := 0
	if len(segs) > 0 && segs[0] == "nexus" {
		n = 1
	}
	if len(segs) > n+1 && segs[n] == "repository" && cleanSegment(segs[n+1]) {
		return n + 2
	}
	if len(segs) > n+2 && segs[n] == "content" && (segs[n+1] == "repositories" || segs[n+1] == "groups") && cleanSegment(segs[n+2]) {
		return n + 3
	}
	if len(segs) > 1 && segs[0] == "artifactory" && segs[1] != "api" && cleanSegment(segs[1]) {
		return 2
	}
	for i, s := range segs {
		if s == "maven2" {
			return i + 1
		}
	}
	return 0
}

// mavenSidecars are the checksum and signature suffixes.
var mavenSidecars = [...]string{".sha1", ".md5", ".sha256", ".sha512", ".asc"}

// strictExts are the extensions a repository layout on an unknown host must
// end in to count as Maven.
var strictExts = map[string]bool{
	"jar": true, "pom": true, "aar": true, "war": true, "ear": true, "module": true,
	"zip": true, "tar.gz": true, "klib": true, "xml": true, "json": true,
}

// mavenPath classifies a path in a repository's layout. strict asks for the
// strong signals an unknown host needs: a groupId with a dot or two
// segments, and a common Maven extension.
func mavenPath(p *parsed, s *site, rest []string, strict bool) (Finding, bool) {
	if p.dir || len(rest) < 2 {
		return Finding{}, false
	}
	file := rest[len(rest)-1]
	kind := Kind("")
	for range 2 {
		cut := false
		for _, ext := range mavenSidecars {
			if f, ok := strings.CutSuffix(file, ext); ok && f != "" {
				file, kind, cut = f, KindSidecar, true
				break
			}
		}
		if !cut {
			break
		}
	}
	if strings.HasPrefix(file, "maven-metadata") && strings.HasSuffix(file, ".xml") {
		if kind == "" {
			kind = KindMetadata
		}
		return mavenMetadata(p, s, rest, kind, strict)
	}
	if len(rest) < 4 {
		return Finding{}, false
	}
	group, aid, vdir := rest[:len(rest)-3], rest[len(rest)-3], rest[len(rest)-2]
	if !mavenGroup(group) || !mavenID(aid) || !cleanSegment(vdir) {
		return Finding{}, false
	}
	g, ok := mavenFile(file, aid, vdir)
	if !ok {
		return Finding{}, false
	}
	if strict && (!strictExts[g.ext] || !(len(group) >= 2 || strings.Contains(group[0], "."))) {
		return Finding{}, false
	}
	typ := g.ext
	switch g.ext {
	case "pom":
		if kind == "" {
			kind = KindMetadata
		}
	case "module":
		if kind == "" {
			kind = KindMetadata
		}
		typ = ""
	case "jar":
		typ = ""
	}
	if kind == "" {
		kind = KindArtifact
	}
	f := finding(p, EcosystemMaven, kind, mavenRef(s, group, aid, vdir, g.classifier, typ))
	if g.fileVersion != vdir {
		f.FileVersion = g.fileVersion
	}
	return f, true
}

// mavenMetadata classifies maven-metadata.xml at the artifact level
// ({group}/{artifactId}/), the version level of a snapshot
// ({group}/{artifactId}/{version}-SNAPSHOT/) or the group level.
func mavenMetadata(p *parsed, s *site, rest []string, kind Kind, strict bool) (Finding, bool) {
	dirs := rest[:len(rest)-1]
	n := len(dirs)
	switch {
	case n >= 3 && strings.HasSuffix(dirs[n-1], "-SNAPSHOT") && mavenGroup(dirs[:n-2]) && mavenID(dirs[n-2]) && cleanSegment(dirs[n-1]):
		return finding(p, EcosystemMaven, kind, mavenRef(s, dirs[:n-2], dirs[n-2], dirs[n-1], "", "")), true
	case n >= 2 && mavenGroup(dirs[:n-1]) && mavenID(dirs[n-1]):
		if strict && !(n-1 >= 2 || strings.Contains(dirs[0], ".")) {
			return Finding{}, false
		}
		return finding(p, EcosystemMaven, kind, mavenRef(s, dirs[:n-1], dirs[n-1], "", "", "")), true
	case !strict && n >= 1 && mavenGroup(dirs):
		return finding(p, EcosystemMaven, kind, pkgRef{}), true
	}
	return Finding{}, false
}

func mavenRef(s *site, group []string, aid, version, classifier, typ string) pkgRef {
	return pkgRef{typ: packageurl.TypeMaven, namespace: strings.Join(group, "."), name: aid, version: version,
		quals: []string{qualClassifier, classifier, qualType, typ, qualRepositoryURL, s.repositoryURL}}
}

// mavenGAVFile is what a file name in a version directory says.
type mavenGAVFile struct {
	fileVersion, classifier, ext string
}

// mavenFile reads {aid}-{version}[-{classifier}].{ext}, where version is
// the directory's version or, in a -SNAPSHOT directory, its timestamped
// form {base}-{yyyyMMdd.HHmmss}-{build}.
func mavenFile(file, aid, vdir string) (mavenGAVFile, bool) {
	rest, ok := strings.CutPrefix(file, aid+"-")
	if !ok {
		return mavenGAVFile{}, false
	}
	var g mavenGAVFile
	tail := ""
	if t, ok := strings.CutPrefix(rest, vdir); ok && t != "" && (t[0] == '.' || t[0] == '-') {
		g.fileVersion, tail = vdir, t
	} else if base, ok := strings.CutSuffix(vdir, "-SNAPSHOT"); ok {
		t, ok := strings.CutPrefix(rest, base+"-")
		if !ok {
			return mavenGAVFile{}, false
		}
		n := snapshotStamp(t)
		if n == 0 {
			return mavenGAVFile{}, false
		}
		g.fileVersion, tail = base+"-"+t[:n], t[n:]
	} else {
		return mavenGAVFile{}, false
	}
	// tail is ".{ext}" or "-{classifier}.{ext}".
	ext := ""
	for _, multi := range [...]string{".tar.gz", ".tar.bz2", ".tar.xz"} {
		if strings.HasSuffix(tail, multi) {
			ext = multi[1:]
			break
		}
	}
	if ext == "" {
		i := strings.LastIndexByte(tail, '.')
		if i < 0 {
			return mavenGAVFile{}, false
		}
		ext = tail[i+1:]
	}
	if ext == "" || !mavenID(ext) {
		return mavenGAVFile{}, false
	}
	head := tail[:len(tail)-len(ext)-1]
	switch {
	case head == "":
	case head[0] == '-' && len(head) > 1 && mavenID(head[1:]):
		g.classifier = head[1:]
	default:
		return mavenGAVFile{}, false
	}
	g.ext = ext
	return g, true
}

// snapshotStamp returns the length of a leading "yyyyMMdd.HHmmss-N"
// timestamp in s, 0 when there is none.
func snapshotStamp(s string) int {
	if len(s) < 17 || s[8] != '.' || s[15] != '-' {
		return 0
	}
	for i := 0; i < 15; i++ {
		if i != 8 && !isDigit(s[i]) {
			return 0
		}
	}
	n := 16
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n == 16 {
		return 0
	}
	return n
}

// mavenGroup reports groupId path segments that are all valid identifiers.
func mavenGroup(segs []string) bool {
	if len(segs) == 0 {
		return false
	}
	for _, s := range segs {
		if !mavenID(s) {
			return false
		}
	}
	return true
}

// mavenID reports a valid Maven identifier segment: letters, digits, ".",
// "-" and "_", not "." or "..".
func mavenID(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
