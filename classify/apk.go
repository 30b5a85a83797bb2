package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemAPK names Alpine Linux package repositories.
const EcosystemAPK = "apk"

// APK recognises Alpine repositories laid out as
// BRANCH/REPOSITORY/ARCH/{NAME-VERSION-rN.apk, APKINDEX.tar.gz}: a package
// becomes pkg:apk/alpine/NAME@VERSION-rN?arch=ARCH (ARCH from the
// directory), the index is metadata.
type APK struct {
	sites []site
}

// DefaultAPK recognises dl-cdn.alpinelinux.org and dl-N.alpinelinux.org.
func DefaultAPK() *APK {
	var sites []site
	for _, h := range []string{"dl-cdn.alpinelinux.org", "dl-2.alpinelinux.org", "dl-3.alpinelinux.org", "dl-4.alpinelinux.org", "dl-5.alpinelinux.org"} {
		sites = append(sites, publicSite(h+"/alpine"))
	}
	return &APK{sites: sites}
}

// NewAPK recognises an Alpine mirror whose branches (v3.19/, edge/) are
// under base.
func NewAPK(base string) (*APK, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("apk: %w", err)
	}
	s.repositoryURL = ""
	return &APK{sites: []site{s}}, nil
}

// Ecosystem returns "apk".
func (c *APK) Ecosystem() string { return EcosystemAPK }

// Classify implements Classifier.
func (c *APK) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *APK) classify(p *parsed) (Finding, bool) {
	_, rest, ok := matchSites(c.sites, p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir || len(rest) != 4 {
		return unrecognised(p, EcosystemAPK)
	}
	arch, file := rest[2], rest[3]
	if file == "APKINDEX.tar.gz" {
		return finding(p, EcosystemAPK, KindMetadata, pkgRef{}), true
	}
	if name, version, ok := ParseAPKFile(file); ok && debArch(strings.ReplaceAll(arch, "_", "-")) {
		return finding(p, EcosystemAPK, KindArtifact, pkgRef{typ: packageurl.TypeApk, namespace: "alpine", name: name, version: version,
			quals: []string{"arch", arch}}), true
	}
	return unrecognised(p, EcosystemAPK)
}

// ParseAPKFile reads NAME-VERSION-rN.apk: the release is the last
// "-rN", the version the hyphen-free part before it (names may hold
// hyphens, versions may not); the version starts with a digit.
func ParseAPKFile(file string) (name, version string, ok bool) {
	stem, ok := strings.CutSuffix(file, ".apk")
	if !ok {
		return "", "", false
	}
	r := strings.LastIndex(stem, "-r")
	if r <= 0 || !isDigits(stem[r+2:]) {
		return "", "", false
	}
	v := strings.LastIndexByte(stem[:r], '-')
	if v <= 0 || !startsWithDigit(stem[v+1:r]) {
		return "", "", false
	}
	name, version = stem[:v], stem[v+1:]
	if !rpmToken(name, "+-._") || !rpmToken(version, "._-") {
		return "", "", false
	}
	return name, version, true
}

// isDigits reports a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
