package classify

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemToolchain names the language toolchains and release binaries
// depaudit recognises by their publisher's layout: Node.js, Rust, Gradle,
// Temurin (Adoptium) and HashiCorp releases. Their purls are
// pkg:generic/NAME@VERSION?download_url=… (the purl spec has no type of
// their own); what tells them from a generic download is that the
// publisher's checksum files verify them.
const EcosystemToolchain = "toolchain"

// Toolchain recognises the download sites of language toolchains and
// release binaries.
type Toolchain struct{}

// DefaultToolchain returns the toolchain classifier.
func DefaultToolchain() *Toolchain { return &Toolchain{} }

// Ecosystem returns "toolchain".
func (c *Toolchain) Ecosystem() string { return EcosystemToolchain }

// Classify implements Classifier.
func (c *Toolchain) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *Toolchain) classify(p *parsed) (Finding, bool) {
	if p.port != "443" && p.port != "80" {
		return Finding{}, false
	}
	var name, version string
	var kind Kind
	switch p.host {
	case "nodejs.org":
		name, version, kind = nodeFile(p.segs)
	case "static.rust-lang.org":
		name, version, kind = rustFile(p.segs)
	case "services.gradle.org", "downloads.gradle.org":
		name, version, kind = gradleFile(p.segs)
	case "releases.hashicorp.com":
		name, version, kind = hashicorpFile(p.segs)
	case "api.adoptium.net":
		name, version, kind = adoptiumPath(p.segs)
	default:
		return Finding{}, false
	}
	if !p.readOnly() || p.dir {
		kind, name = KindAPI, ""
	}
	if kind == "" {
		return unrecognised(p, EcosystemToolchain)
	}
	ref := pkgRef{}
	if kind == KindArtifact {
		ref = pkgRef{typ: packageurl.TypeGeneric, name: name, version: version, quals: []string{qualDownloadURL, p.downloadURL()}}
	}
	return finding(p, EcosystemToolchain, kind, ref), true
}

// nodeFile reads nodejs.org/dist/vX.Y.Z/{file} (and /download/release/).
func nodeFile(segs []string) (name, version string, kind Kind) {
	if len(segs) >= 1 && segs[0] == "download" && len(segs) >= 2 {
		segs = segs[2:] // /download/release/vX/… mirrors /dist/vX/…
	} else if len(segs) >= 1 && segs[0] == "dist" {
		segs = segs[1:]
	} else {
		return "", "", KindAPI
	}
	switch {
	case len(segs) == 1 && (segs[0] == "index.json" || segs[0] == "index.tab"):
		return "", "", KindMetadata
	case len(segs) == 2 && strings.HasPrefix(segs[0], "v") && startsWithDigit(segs[0][1:]):
		file := segs[1]
		if ChecksumFile(file) || strings.HasPrefix(file, "SHASUMS") {
			return "", "", KindSidecar
		}
		if ext := downloadExt(file); ext != "" || strings.HasSuffix(file, ".tar.xz") {
			return "node", segs[0][1:], KindArtifact
		}
	}
	return "", "", ""
}

// rustFile reads static.rust-lang.org: /dist/[DATE/]COMPONENT-VERSION-TARGET.tar.{gz,xz},
// channel manifests, rustup-init.
func rustFile(segs []string) (name, version string, kind Kind) {
	if len(segs) == 0 {
		return "", "", KindAPI
	}
	file := segs[len(segs)-1]
	switch {
	case strings.HasSuffix(file, ".sha256") || strings.HasSuffix(file, ".asc") || strings.HasSuffix(file, ".sig"):
		return "", "", KindSidecar
	case strings.HasSuffix(file, ".toml"):
		return "", "", KindMetadata
	case file == "rustup-init" || file == "rustup-init.exe":
		// /rustup/dist/TARGET/rustup-init or /rustup/archive/VERSION/TARGET/rustup-init
		if len(segs) == 5 && segs[0] == "rustup" && segs[1] == "archive" {
			return "rustup-init", segs[2], KindArtifact
		}
		return "rustup-init", "", KindArtifact
	case segs[0] == "dist":
		stem := ""
		for _, ext := range [...]string{".tar.xz", ".tar.gz", ".tar.zst", ".msi", ".pkg"} {
			if s, ok := strings.CutSuffix(file, ext); ok {
				stem = s
				break
			}
		}
		if stem == "" {
			return "", "", ""
		}
		parts := strings.Split(stem, "-")
		for i := 1; i < len(parts); i++ {
			if startsWithDigit(parts[i]) || parts[i] == "nightly" || parts[i] == "beta" {
				return strings.Join(parts[:i], "-"), parts[i], KindArtifact
			}
		}
		return stem, "", KindArtifact
	}
	return "", "", ""
}

// gradleFile reads /distributions/gradle-VERSION-{bin,all}.zip and its
// sidecars; /versions/* is metadata.
func gradleFile(segs []string) (name, version string, kind Kind) {
	if len(segs) >= 1 && segs[0] == "versions" {
		return "", "", KindMetadata
	}
	if len(segs) != 2 || (segs[0] != "distributions" && segs[0] != "distributions-snapshots") {
		return "", "", ""
	}
	file := segs[1]
	if ChecksumFile(file) || strings.HasSuffix(file, ".asc") {
		return "", "", KindSidecar
	}
	stem, ok := strings.CutSuffix(file, ".zip")
	if !ok {
		return "", "", ""
	}
	rest, ok := strings.CutPrefix(stem, "gradle-")
	if !ok {
		return "", "", ""
	}
	for _, flavour := range [...]string{"-bin", "-all", "-src", "-docs"} {
		if v, ok := strings.CutSuffix(rest, flavour); ok && startsWithDigit(v) {
			return "gradle", v, KindArtifact
		}
	}
	return "", "", ""
}

// hashicorpFile reads /PRODUCT/VERSION/PRODUCT_VERSION_OS_ARCH.zip and the
// release's PRODUCT_VERSION_SHA256SUMS (+ .sig); index.json is metadata.
func hashicorpFile(segs []string) (name, version string, kind Kind) {
	switch {
	case len(segs) >= 1 && segs[len(segs)-1] == "index.json":
		return "", "", KindMetadata
	case len(segs) != 3:
		return "", "", ""
	}
	product, v, file := segs[0], segs[1], segs[2]
	if ChecksumFile(file) || strings.Contains(file, "_SHA256SUMS") {
		return "", "", KindSidecar
	}
	if strings.HasPrefix(file, product+"_"+v+"_") && downloadExt(file) != "" && startsWithDigit(v) {
		return product, v, KindArtifact
	}
	return "", "", ""
}

// adoptiumPath reads the Adoptium API: /v3/binary/… redirects to the
// binary on GitHub; /v3/assets/… and /v3/info/… describe releases (with
// each binary's link and checksum).
func adoptiumPath(segs []string) (name, version string, kind Kind) {
	if len(segs) < 2 || segs[0] != "v3" {
		return "", "", KindAPI
	}
	switch segs[1] {
	case "binary":
		// /v3/binary/latest/{feature}/{release_type}/{os}/{arch}/{image_type}/{jvm_impl}/{heap}/{vendor}
		// /v3/binary/version/{release_name}/{os}/{arch}/{image_type}/…
		image := "jdk"
		for _, s := range segs {
			if s == "jre" || s == "jdk" || s == "testimage" || s == "debugimage" {
				image = s
				break
			}
		}
		v := ""
		if len(segs) > 3 && segs[2] == "version" {
			v = strings.TrimPrefix(segs[3], "jdk-")
		}
		return "temurin-" + image, v, KindArtifact
	case "assets", "info", "checksum", "signature":
		return "", "", KindMetadata
	}
	return "", "", KindAPI
}

// ChecksumFile reports a file of checksums a release publishes beside its
// files: SHA256SUMS, SHASUMS256.txt, checksums.txt, PRODUCT_VERSION_SHA256SUMS,
// FILE.sha256, FILE.sha256.txt, FILE.sha512, ….
func ChecksumFile(file string) bool {
	f := strings.ToLower(file)
	for _, ext := range [...]string{".sha256", ".sha256sum", ".sha256.txt", ".sha512", ".sha512sum", ".sha512.txt"} {
		if strings.HasSuffix(f, ext) && len(f) > len(ext) {
			return true
		}
	}
	switch {
	case f == "sha256sums" || f == "sha512sums" || f == "sha256sums.txt" || f == "sha512sums.txt" || f == "sha256sum.txt":
		return true
	case f == "shasums256.txt" || f == "shasums512.txt" || f == "checksums" || f == "checksums.txt":
		return true
	case strings.HasSuffix(f, "_sha256sums") || strings.HasSuffix(f, "_checksums.txt") || strings.HasSuffix(f, "-checksums.txt"):
		return true
	}
	return false
}

// GoStdlib returns the identity vulnerability scanners look the Go
// standard library up by, pkg:golang/stdlib@VERSION (as syft and grype
// name it), for the purl of a Go toolchain module downloaded from a
// module proxy (pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0.linux-amd64);
// ok is false for any other purl.
func GoStdlib(purl string) (string, bool) {
	p, err := ParsePURL(purl)
	if err != nil || p.Type != packageurl.TypeGolang || p.Namespace != "golang.org" || p.Name != "toolchain" {
		return "", false
	}
	_, rest, ok := strings.Cut(p.Version, "-go")
	if !ok {
		return "", false
	}
	// go1.25.0.linux-amd64: the Go version, then GOOS-GOARCH.
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 || !strings.Contains(rest[i+1:], "-") {
		return "", false
	}
	version := rest[:i]
	if !startsWithDigit(version) || !cleanSegment(version) {
		return "", false
	}
	return pkgRef{typ: packageurl.TypeGolang, name: "stdlib", version: version}.String(), true
}
