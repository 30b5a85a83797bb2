package verify

import (
	"mime"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/classify"
)

// Classifier is what verify needs of the classifiers: the finding of a
// request (classify.Set implements it).
type Classifier interface {
	Classify(classify.Request) classify.Finding
}

// bodyKind says what an inspector does with a body.
type bodyKind int

const (
	bodyNone bodyKind = iota
	// Metadata whose published digests are extracted.
	bodyNPM
	bodyPyPIHTML
	bodyPyPIJSON
	bodyGoLookup
	bodyMavenSidecar
	bodyCargoIndex
	bodyGemInfo
	bodyComposer
	bodyNuGet
	bodyCondaRepodata
	bodyChecksums
	bodyRustManifest
	bodyAdoptium
	// A Hugging Face file, whose response headers carry its digest.
	bodyHuggingFace
	bodyPub
	bodyHexPackage
	bodyCRANPackages
	bodyPodspec
	bodyHelmIndex
	bodyMavenPOM
	// An npm tarball, whose package.json gives its licence and
	// dependencies.
	bodyNPMTarball
	// A .crate, whose Cargo.toml gives its licence and dependencies.
	bodyCrate
	// Artifacts (and the go.mod file) whose extra digests are computed.
	bodyGoZip
	bodyGoMod
	bodyPyPIFile
	// A PEP 658 core metadata file, whose headers give the licence and
	// the requirements of the package version.
	bodyPyPICoreMetadata
	// A wheel, whose .dist-info/METADATA is read as core metadata (and,
	// on files.pythonhosted.org, which is a bodyPyPIFile, teed to it).
	bodyPyPIWheel
	// A source distribution, whose PKG-INFO is read likewise.
	bodyPyPISdist
	// The PyPI JSON API: file digests, and the licence and requirements
	// of the version its info describes.
	bodyPyPIJSONAPI
	bodyMavenArtifact
	// A conda package, which gets the digest its repodata published.
	bodyCondaPackage
	// A CRAN source package, whose MD5 is computed.
	bodyCRANPackage
)

// plan is what to do with one body, decided from its request's finding.
type plan struct {
	kind bodyKind
	// f is the request's finding.
	f classify.Finding
	// base is the request URL, against which relative links resolve.
	base *url.URL
	// alg is the algorithm of a Maven sidecar; subject the artifact it is
	// about (sidecars) or the Go subject of a zip or go.mod.
	alg, subject string
	// source describes, for humans, the metadata that vouches for an
	// artifact ("npm packument integrity" is built from source+" integrity").
	source string
	// follow asks a parser for the links to the documents that hold the
	// digests (--verify-fetch).
	follow bool
}

// pypiSimpleJSON is the PEP 691 media type.
const pypiSimpleJSON = "application/vnd.pypi.simple.v1+json"

// planFor decides what to do with the body of a response to rawURL with
// the given content type, which f classified.
func planFor(f classify.Finding, rawURL, contentType string) plan {
	u, err := url.Parse(rawURL)
	if err != nil {
		return plan{}
	}
	p := plan{f: f, base: u}
	mt, _, _ := mime.ParseMediaType(contentType)
	mt = strings.ToLower(mt)
	path := u.Path
	switch f.Ecosystem {
	case classify.EcosystemNPM:
		if f.Kind == classify.KindArtifact && f.PURL != "" {
			p.kind = bodyNPMTarball
		}
		if f.Kind == classify.KindMetadata && f.PURL != "" {
			p.kind, p.source = bodyNPM, "npm packument"
			if f.Version != "" {
				p.source = "npm version document"
			}
		}
	case classify.EcosystemPyPI:
		switch {
		case f.Kind == classify.KindArtifact:
			if _, ok := pythonhostedBLAKE2b(u); ok {
				p.kind, p.source = bodyPyPIFile, "PyPI file URL"
			} else if strings.HasSuffix(path, ".whl") {
				p.kind = bodyPyPIWheel
			} else if strings.HasSuffix(path, ".tar.gz") {
				p.kind = bodyPyPISdist
			}
		case f.Kind == classify.KindMetadata && strings.HasSuffix(path, ".metadata"):
			if f.Version != "" {
				p.kind, p.source = bodyPyPICoreMetadata, "PyPI core metadata"
			}
		case f.Kind != classify.KindMetadata:
		case mt == pypiSimpleJSON:
			p.kind, p.source = bodyPyPIJSON, "PyPI simple index (JSON)"
		case strings.Contains(path, "/pypi/") && strings.HasSuffix(path, "/json"):
			p.kind, p.source = bodyPyPIJSONAPI, "PyPI JSON API"
		case mt == "text/html" || mt == "application/vnd.pypi.simple.v1+html" || (mt == "" && strings.HasSuffix(path, "/")):
			p.kind, p.source = bodyPyPIHTML, "PyPI simple index"
		}
	case classify.EcosystemGo:
		mod := f.Name
		if f.Group != "" {
			mod = f.Group + "/" + f.Name
		}
		switch {
		case f.Kind == classify.KindMetadata && strings.Contains(path, "/lookup/"):
			p.kind, p.source = bodyGoLookup, "Go checksum database"
		case f.Kind == classify.KindMetadata && strings.HasSuffix(path, ".mod") && f.Version != "":
			p.kind, p.subject = bodyGoMod, goSubjectPrefix+mod+"@"+f.Version+"/go.mod"
		case f.Kind == classify.KindArtifact && strings.HasSuffix(path, ".zip") && f.Version != "":
			p.kind, p.subject = bodyGoZip, goSubjectPrefix+mod+"@"+f.Version
		}
	case classify.EcosystemMaven:
		switch f.Kind {
		case classify.KindSidecar:
			for _, ext := range []string{AlgSHA1, AlgSHA256, AlgSHA512, AlgMD5} {
				if artifact, ok := strings.CutSuffix(rawURL, "."+ext); ok && !strings.Contains(rawURL, "?") {
					p.kind, p.alg, p.subject, p.source = bodyMavenSidecar, ext, artifact, "Maven ."+ext+" sidecar"
					break
				}
			}
		case classify.KindArtifact:
			p.kind = bodyMavenArtifact
		case classify.KindMetadata:
			if strings.HasSuffix(path, ".pom") && f.PURL != "" {
				p.kind, p.source = bodyMavenPOM, "Maven POM"
			}
		}
	case classify.EcosystemDeb:
		p = debPlan(p, f, u)
	case classify.EcosystemOCI:
		p = ociPlan(p, f, u)
	case classify.EcosystemRPM:
		p = rpmPlan(p, f, u)
	case classify.EcosystemAPK:
		p = apkPlan(p, f, u)
	case classify.EcosystemCargo:
		if f.Kind == classify.KindArtifact && f.PURL != "" {
			p.kind = bodyCrate
		}
		if f.Kind == classify.KindMetadata && f.PURL != "" {
			p.kind, p.source = bodyCargoIndex, "Cargo index"
			if u.Hostname() == "index.crates.io" {
				p.source = "crates.io index"
			}
		}
	case classify.EcosystemComposer:
		if f.Kind == classify.KindMetadata && (f.PURL != "" || strings.HasSuffix(path, "/packages.json")) {
			p.kind, p.source = bodyComposer, "Composer metadata"
			if u.Hostname() == "repo.packagist.org" {
				p.source = "Packagist metadata"
			}
		}
	case classify.EcosystemNuGet:
		if f.Kind == classify.KindMetadata && (strings.Contains(path, "/registration") || strings.Contains(path, "/catalog")) {
			p.kind, p.source = bodyNuGet, "NuGet registration"
			if strings.Contains(path, "/catalog") {
				p.source = "NuGet catalog"
			}
		}
	case classify.EcosystemConda:
		switch {
		case f.Kind == classify.KindArtifact:
			p.kind, p.source = bodyCondaPackage, "conda repodata"
		case f.Kind == classify.KindMetadata && strings.Contains(path, "repodata") && !strings.HasSuffix(path, ".jlap") &&
			!strings.Contains(path, "msgpack"):
			p.kind, p.source = bodyCondaRepodata, "conda repodata"
		}
	case classify.EcosystemToolchain, classify.EcosystemGeneric, classify.EcosystemGitHub:
		file := path[strings.LastIndex(path, "/")+1:]
		switch {
		case f.Kind == classify.KindSidecar && !strings.HasSuffix(file, ".sig"):
			p.kind, p.source = bodyChecksums, checksumSource(u.Hostname(), file)
		case f.Kind == classify.KindMetadata && u.Hostname() == "static.rust-lang.org" && strings.HasSuffix(file, ".toml"):
			p.kind, p.source = bodyRustManifest, "Rust channel manifest"
		case f.Kind == classify.KindMetadata && u.Hostname() == "api.adoptium.net":
			p.kind, p.source = bodyAdoptium, "Adoptium API checksum"
		}
	case classify.EcosystemHuggingFace:
		if f.Kind == classify.KindArtifact {
			p.kind, p.source = bodyHuggingFace, "Hugging Face X-Linked-Etag"
		}
	case classify.EcosystemPub:
		if f.Kind == classify.KindMetadata && f.PURL != "" {
			p.kind, p.source = bodyPub, "pub.dev package document archive_sha256"
		}
	case classify.EcosystemHex:
		if f.Kind == classify.KindMetadata && f.PURL != "" && strings.Contains(path, "/packages/") {
			p.kind, p.source = bodyHexPackage, "Hex registry outer_checksum"
		}
	case classify.EcosystemCRAN:
		switch {
		case f.Kind == classify.KindArtifact:
			p.kind = bodyCRANPackage
		case f.Kind == classify.KindMetadata && (strings.HasSuffix(path, "/PACKAGES") || strings.HasSuffix(path, "/PACKAGES.gz")):
			p.kind, p.source = bodyCRANPackages, "CRAN PACKAGES MD5sum"
		}
	case classify.EcosystemHelm:
		if f.Kind == classify.KindMetadata && strings.HasSuffix(path, "/index.yaml") {
			p.kind, p.source = bodyHelmIndex, "Helm chart repository index digest"
		}
	case classify.EcosystemCocoaPods:
		if f.Kind == classify.KindMetadata && strings.HasSuffix(path, ".podspec.json") {
			p.kind, p.source = bodyPodspec, "CocoaPods podspec"
		}
	case classify.EcosystemGem:
		if f.Kind == classify.KindMetadata && f.PURL != "" && strings.Contains(path, "/info/") {
			p.kind, p.source = bodyGemInfo, "RubyGems compact index"
		}
	}
	return p
}

// checksumSource names a checksum file for humans: the publisher when
// known, and the file.
func checksumSource(host, file string) string {
	switch host {
	case "nodejs.org":
		return "Node.js " + file
	case "static.rust-lang.org":
		return "Rust .sha256"
	case "services.gradle.org", "downloads.gradle.org":
		return "Gradle .sha256"
	case "releases.hashicorp.com":
		return "HashiCorp SHA256SUMS"
	case "github.com":
		return "GitHub release " + file
	}
	return "checksum file " + file
}

// describe names what vouched for an artifact: the metadata's source and
// the field the digest came from.
func (p plan) describe(alg string) string {
	switch p.kind {
	case bodyNPM:
		if alg == AlgSHA1 {
			return p.source + " shasum"
		}
		return p.source + " integrity"
	case bodyPyPIHTML, bodyPyPIJSON, bodyPyPIJSONAPI:
		return p.source + " " + alg
	case bodyPyPIFile:
		return "files.pythonhosted.org path " + alg
	case bodyGoLookup:
		return p.source + " " + alg
	case bodyMavenSidecar:
		return p.source
	case bodyCargoIndex:
		return p.source + " cksum"
	case bodyAPKIndex:
		return "APKINDEX control-segment checksum (C:)"
	case bodyAPKFile:
		return "apk control segment datahash"
	case bodyDebRelease, bodyDebPackages, bodyOCIManifest, bodyRPMRepomd, bodyRPMPrimary:
		return p.source + " " + strings.ToUpper(alg)
	case bodyGemInfo:
		return p.source + " checksum"
	case bodyComposer:
		return p.source + " dist shasum"
	case bodyNuGet:
		return p.source + " packageHash"
	case bodyCondaRepodata, bodyCondaPackage, bodyChecksums, bodyRustManifest:
		return p.source + " " + alg
	case bodyAdoptium, bodyHuggingFace, bodyPub, bodyHexPackage, bodyCRANPackages, bodyHelmIndex:
		return p.source
	case bodyPodspec:
		return p.source + " " + alg
	}
	return p.f.Ecosystem + " " + alg
}
