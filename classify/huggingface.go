package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemHuggingFace names the Hugging Face hub.
const EcosystemHuggingFace = "huggingface"

// HuggingFace recognises model files on the Hugging Face hub,
// huggingface.co/{org}/{model}/resolve/{revision}/{file}, as
// pkg:huggingface/{org}/{model}@{revision}#{file}; the hub's API
// (/api/models/…) is metadata. The revision in a URL is often a branch
// ("main"): the commit it resolved to (the hub's X-Repo-Commit header)
// names the model in the SBOM (see verify.Attribute). The CDN hosts LFS
// files redirect to carry no model name; they are attributed through the
// redirect.
type HuggingFace struct{}

// DefaultHuggingFace returns the Hugging Face classifier.
func DefaultHuggingFace() *HuggingFace { return &HuggingFace{} }

// Ecosystem returns "huggingface".
func (c *HuggingFace) Ecosystem() string { return EcosystemHuggingFace }

// Classify implements Classifier.
func (c *HuggingFace) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

var huggingFaceSite = publicSite("huggingface.co")

func (c *HuggingFace) classify(p *parsed) (Finding, bool) {
	rest, ok := huggingFaceSite.match(p)
	if !ok {
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		return finding(p, EcosystemHuggingFace, KindAPI, pkgRef{}), true
	}
	switch {
	case len(rest) >= 5 && rest[2] == "resolve" && hfName(rest[0]) && hfName(rest[1]):
		rev, file := rest[3], strings.Join(rest[4:], "/")
		if cleanSegment(rev) && hfFile(rest[4:]) {
			return finding(p, EcosystemHuggingFace, KindArtifact, huggingFaceRef(rest[0], rest[1], rev, file)), true
		}
	case len(rest) >= 2 && rest[0] == "api":
		if len(rest) >= 4 && rest[1] == "models" && hfName(rest[2]) && hfName(rest[3]) {
			rev := ""
			if len(rest) >= 6 && rest[4] == "revision" {
				rev = rest[5]
			}
			return finding(p, EcosystemHuggingFace, KindMetadata, huggingFaceRef(rest[2], rest[3], rev, "")), true
		}
		return finding(p, EcosystemHuggingFace, KindMetadata, pkgRef{}), true
	}
	return unrecognised(p, EcosystemHuggingFace)
}

// huggingFaceRef is the purl of a model revision, with file as subpath.
// A commit revision is lower-cased, as the purl spec requires.
func huggingFaceRef(org, model, revision, file string) pkgRef {
	if len(revision) == 40 && isHexString(revision) {
		revision = strings.ToLower(revision)
	}
	return pkgRef{typ: packageurl.TypeHuggingface, namespace: org, name: model, version: revision, subpath: file}
}

// HuggingFacePURL is the purl of file in a model revision:
// pkg:huggingface/ORG/MODEL@REVISION#FILE.
func HuggingFacePURL(org, model, revision, file string) string {
	return huggingFaceRef(org, model, revision, file).String()
}

// isHexString reports a non-empty string of hex digits.
func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return s != ""
}

// hfName reports a valid organisation or repository name.
func hfName(s string) bool {
	if s == "" || len(s) > 96 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// hfFile reports a file path inside a repository.
func hfFile(segs []string) bool {
	for _, s := range segs {
		if !cleanSegment(s) {
			return false
		}
	}
	return len(segs) > 0
}
