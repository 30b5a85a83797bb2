package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/internal/urlkey"
)

// GitHub recognises GitHub release assets
// (github.com/{o}/{r}/releases/download/{tag}/{asset}), source archives
// (/archive/refs/tags/{tag}.tar.gz|.zip, /archive/{sha}.tar.gz,
// codeload.github.com) and API tarballs (api.github.com/repos/{o}/{r}/tarball/{ref}).
//
// The CDN hosts release assets redirect to (objects.githubusercontent.com,
// release-assets.githubusercontent.com) carry no package name in their URL;
// a request there is attributed through the redirect that led to it.
type GitHub struct{}

// DefaultGitHub recognises github.com, codeload.github.com and api.github.com.
func DefaultGitHub() *GitHub { return &GitHub{} }

// Ecosystem returns "github".
func (c *GitHub) Ecosystem() string { return EcosystemGitHub }

// Classify implements Classifier.
func (c *GitHub) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var (
	githubSite   = publicSite("github.com")
	codeloadSite = publicSite("codeload.github.com")
	githubAPI    = publicSite("api.github.com")
)

func (c *GitHub) classify(p *parsed) (Finding, bool) {
	if rest, ok := githubSite.match(p); ok {
		return githubWeb(p, rest)
	}
	if rest, ok := codeloadSite.match(p); ok {
		if !p.readOnly() || len(rest) < 4 || !ghRepo(rest[0], rest[1]) {
			return Finding{}, false
		}
		switch rest[2] {
		case "tar.gz", "zip", "legacy.tar.gz", "legacy.zip":
		default:
			return Finding{}, false
		}
		version, ok := ghRef(rest[3:])
		if !ok {
			return Finding{}, false
		}
		return githubArtifact(p, rest[0], rest[1], version, "", KindArtifact), true
	}
	if rest, ok := githubAPI.match(p); ok {
		if p.readOnly() && len(rest) >= 4 && len(rest) <= 5 && rest[0] == "repos" && ghRepo(rest[1], rest[2]) &&
			(rest[3] == "tarball" || rest[3] == "zipball") {
			version := ""
			if len(rest) == 5 {
				version = rest[4]
			}
			return githubArtifact(p, rest[1], rest[2], version, "", KindArtifact), true
		}
		return finding(p, EcosystemGitHub, KindAPI, pkgRef{}), true
	}
	return Finding{}, false
}

// githubWeb classifies github.com paths: release assets and archives. Other
// pages are left to other classifiers.
func githubWeb(p *parsed, rest []string) (Finding, bool) {
	if !p.readOnly() || p.dir || len(rest) < 4 || !ghRepo(rest[0], rest[1]) {
		return Finding{}, false
	}
	owner, repo := rest[0], rest[1]
	switch {
	case rest[2] == "releases" && rest[3] == "download" && len(rest) >= 6:
		asset := rest[len(rest)-1]
		tag := strings.Join(rest[4:len(rest)-1], "/")
		if !cleanSegment(asset) || tag == "" {
			return Finding{}, false
		}
		return githubArtifact(p, owner, repo, tag, asset, assetKind(asset)), true
	case rest[2] == "releases" && rest[3] == "latest" && len(rest) == 6 && rest[4] == "download":
		asset := rest[5]
		if !cleanSegment(asset) {
			return Finding{}, false
		}
		// The tag is only known from the redirect to the versioned URL.
		return githubArtifact(p, owner, repo, latestTag(p, owner, repo, asset), asset, assetKind(asset)), true
	case rest[2] == "archive":
		last := rest[len(rest)-1]
		stem, ok := strings.CutSuffix(last, ".tar.gz")
		if !ok {
			stem, ok = strings.CutSuffix(last, ".zip")
		}
		if !ok || stem == "" {
			return Finding{}, false
		}
		ref := append(append([]string(nil), rest[3:len(rest)-1]...), stem)
		version, ok := ghRef(ref)
		if !ok {
			return Finding{}, false
		}
		return githubArtifact(p, owner, repo, version, "", KindArtifact), true
	}
	return Finding{}, false
}

// ghRef reads the version a git ref names: refs/tags/{tag} → tag,
// refs/heads/{branch} → none (a branch is not a version), {sha or tag} →
// itself.
func ghRef(ref []string) (string, bool) {
	for _, s := range ref {
		if !cleanSegment(s) {
			return "", false
		}
	}
	switch {
	case len(ref) >= 3 && ref[0] == "refs" && ref[1] == "tags":
		return strings.Join(ref[2:], "/"), true
	case len(ref) >= 3 && ref[0] == "refs" && ref[1] == "heads":
		return "", true
	case len(ref) == 1:
		return ref[0], true
	}
	return "", false
}

// latestTag reads the tag from a /releases/latest/download/ redirect's
// Location (/{o}/{r}/releases/download/{tag}/{asset}), "" when unknown.
func latestTag(p *parsed, owner, repo, asset string) string {
	if p.req.Location == "" {
		return ""
	}
	u, err := p.u.Parse(p.req.Location)
	if err != nil || urlkey.Hostname(u.Hostname()) != "github.com" {
		return ""
	}
	segs, _, ok := splitPath(u.EscapedPath())
	if !ok || len(segs) != 6 || !strings.EqualFold(segs[0], owner) || !strings.EqualFold(segs[1], repo) ||
		segs[2] != "releases" || segs[3] != "download" || segs[5] != asset || !cleanSegment(segs[4]) {
		return ""
	}
	return segs[4]
}

// assetKind tells checksum and signature assets (SIDECAR) from the others.
func assetKind(asset string) Kind {
	a := strings.ToLower(asset)
	for _, ext := range [...]string{".sha256", ".sha256sum", ".sha512", ".sha512sum", ".sha1", ".md5", ".asc", ".sig", ".minisig"} {
		if strings.HasSuffix(a, ext) {
			return KindSidecar
		}
	}
	switch a {
	case "sha256sums", "sha512sums", "sha256sums.txt", "sha512sums.txt", "checksums", "checksums.txt":
		return KindSidecar
	}
	if strings.Contains(a, "checksums") && strings.HasSuffix(a, ".txt") || ChecksumFile(asset) {
		return KindSidecar
	}
	return KindArtifact
}

func githubArtifact(p *parsed, owner, repo, version, asset string, kind Kind) Finding {
	ref := pkgRef{typ: packageurl.TypeGithub, namespace: owner, name: repo, version: version,
		quals: []string{qualDownloadURL, p.downloadURL(), qualFileName, asset}}
	return finding(p, EcosystemGitHub, kind, ref)
}

// ghRepo reports a plausible owner and repository name.
func ghRepo(owner, repo string) bool {
	if owner == "" || repo == "" || repo == "." || repo == ".." || len(owner) > 100 || len(repo) > 100 {
		return false
	}
	for i := 0; i < len(owner); i++ {
		c := owner[i]
		if !(isLetter(c) || isDigit(c) || c == '-' || c == '_') {
			return false
		}
	}
	for i := 0; i < len(repo); i++ {
		c := repo[i]
		if !(isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
