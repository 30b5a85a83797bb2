package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemConda names conda.
const EcosystemConda = "conda"

// Conda purl qualifiers.
const (
	qualBuild   = "build"
	qualChannel = "channel"
	qualSubdir  = "subdir"
)

// Conda recognises conda channels: packages ({subdir}/{name}-{version}-{build}.conda
// or .tar.bz2) and the channel's metadata (repodata.json in its plain,
// .zst and .bz2 forms, current_repodata.json, channeldata.json, sharded
// repodata).
type Conda struct {
	sites []condaSite
}

// condaSite is a host serving channels: anaconda.org's
// conda.anaconda.org/{channel}/…, or repo.anaconda.com/pkgs/{channel}/….
type condaSite struct {
	site
	// channelDepth is how many path segments name the channel after the
	// prefix (1); 0 for a site whose prefix is the channel itself.
	channelDepth int
	// channel is the channel of a site whose prefix names it.
	channel string
}

// DefaultConda recognises conda.anaconda.org and repo.anaconda.com/pkgs.
func DefaultConda() *Conda {
	return &Conda{sites: []condaSite{
		{site: publicSite("conda.anaconda.org"), channelDepth: 1},
		{site: publicSite("repo.anaconda.com/pkgs"), channelDepth: 1},
	}}
}

// NewConda recognises a conda channel served at base (an Artifactory or
// Nexus conda proxy, a Quetz or prefix.dev channel: base ends with the
// channel's name); its purls carry base as repository_url and the last
// segment of base as channel.
func NewConda(base string) (*Conda, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("conda: %w", err)
	}
	if len(s.prefix) == 0 {
		return nil, fmt.Errorf("conda: channel URL %q names no channel", base)
	}
	return &Conda{sites: []condaSite{{site: s, channel: s.prefix[len(s.prefix)-1]}}}, nil
}

// Ecosystem returns "conda".
func (c *Conda) Ecosystem() string { return EcosystemConda }

// Classify implements Classifier.
func (c *Conda) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Conda) classify(p *parsed) (Finding, bool) {
	for i := range c.sites {
		s := &c.sites[i]
		rest, ok := s.match(p)
		if !ok {
			continue
		}
		if !p.readOnly() || p.dir {
			return finding(p, EcosystemConda, KindAPI, pkgRef{}), true
		}
		channel := s.channel
		if s.channelDepth > 0 {
			if len(rest) < 2 {
				return finding(p, EcosystemConda, KindAPI, pkgRef{}), true
			}
			channel, rest = rest[0], rest[1:]
			// conda.anaconda.org/{channel}/label/{label}/{subdir}/…
			if len(rest) >= 3 && rest[0] == "label" {
				rest = rest[2:]
			}
		}
		switch {
		case len(rest) == 1 && (rest[0] == "channeldata.json" || strings.HasPrefix(rest[0], "rss.xml")):
			return finding(p, EcosystemConda, KindMetadata, pkgRef{}), true
		case len(rest) >= 2 && CondaSubdir(rest[0]) && condaRepodata(rest[1:]):
			return finding(p, EcosystemConda, KindMetadata, pkgRef{}), true
		case len(rest) == 2 && CondaSubdir(rest[0]):
			if name, version, build, typ, ok := CondaFile(rest[1]); ok {
				return finding(p, EcosystemConda, KindArtifact, condaRef(&s.site, name, version, build, channel, rest[0], typ)), true
			}
		}
		return unrecognised(p, EcosystemConda)
	}
	return Finding{}, false
}

// condaRepodata reports the repodata files of a subdir: repodata.json (.zst,
// .bz2, .jlap), current_repodata.json, repodata_from_packages.json, and
// sharded repodata (repodata_shards.msgpack.zst, shards/….msgpack.zst).
func condaRepodata(rest []string) bool {
	if len(rest) == 2 && rest[0] == "shards" && strings.HasSuffix(rest[1], ".msgpack.zst") {
		return true
	}
	if len(rest) != 1 {
		return false
	}
	f := rest[0]
	for _, ext := range [...]string{".zst", ".bz2", ".jlap", ".gz"} {
		f = strings.TrimSuffix(f, ext)
	}
	switch f {
	case "repodata", "repodata.json", "current_repodata.json", "repodata_from_packages.json", "repodata_shards.msgpack":
		return true
	}
	return false
}

func condaRef(s *site, name, version, build, channel, subdir, typ string) pkgRef {
	return pkgRef{typ: packageurl.TypeConda, name: name, version: version,
		quals: []string{qualBuild, build, qualChannel, channel, qualRepositoryURL, s.repositoryURL, qualSubdir, subdir, qualType, typ}}
}

// CondaFile takes apart a package file name, NAME-VERSION-BUILD.conda or
// .tar.bz2 (type "conda" or "tar.bz2"). Names may contain "-"; versions
// and builds may not, so the file is split at its last two "-".
func CondaFile(file string) (name, version, build, typ string, ok bool) {
	stem, found := strings.CutSuffix(file, ".conda")
	typ = "conda"
	if !found {
		if stem, found = strings.CutSuffix(file, ".tar.bz2"); !found {
			return "", "", "", "", false
		}
		typ = "tar.bz2"
	}
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 {
		return "", "", "", "", false
	}
	build = stem[i+1:]
	j := strings.LastIndexByte(stem[:i], '-')
	if j <= 0 {
		return "", "", "", "", false
	}
	name, version = stem[:j], stem[j+1:i]
	if !condaToken(name, "-_.") || !condaToken(version, "._+!") || !condaToken(build, "._+") {
		return "", "", "", "", false
	}
	return name, version, build, typ, true
}

// condaToken reports a non-empty run of ASCII letters, digits and the
// given punctuation.
func condaToken(s, punct string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return true
}

// CondaSubdir reports a platform subdirectory: noarch or OS-ARCH
// (linux-64, osx-arm64, win-64, emscripten-wasm32, …).
func CondaSubdir(s string) bool {
	if s == "noarch" {
		return true
	}
	osName, arch, ok := strings.Cut(s, "-")
	return ok && condaToken(osName, "") && condaToken(arch, "_") && strings.ToLower(s) == s
}
