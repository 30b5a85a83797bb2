package fakeregistry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
)

// Hosts of toolchain and release binary publishers.
const (
	HostNode          = "nodejs.org"
	HostRust          = "static.rust-lang.org"
	HostGradle        = "services.gradle.org"
	HostGradleDL      = "downloads.gradle.org"
	HostHashiCorp     = "releases.hashicorp.com"
	HostAdoptium      = "api.adoptium.net"
	toolchainRustDate = "2024-02-08"
)

// Toolchain fixture URLs.
const (
	NodeTarballURL      = "https://" + HostNode + "/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz"
	NodeShasumsURL      = "https://" + HostNode + "/dist/v20.11.1/SHASUMS256.txt"
	TerraformZipURL     = "https://" + HostHashiCorp + "/terraform/1.7.0/terraform_1.7.0_linux_amd64.zip"
	TerraformSumsURL    = "https://" + HostHashiCorp + "/terraform/1.7.0/terraform_1.7.0_SHA256SUMS"
	GradleDistURL       = "https://" + HostGradle + "/distributions/gradle-8.6-bin.zip"
	GradleDistCDNURL    = "https://" + HostGradleDL + "/distributions/gradle-8.6-bin.zip"
	RustManifestURL     = "https://" + HostRust + "/dist/channel-rust-stable.toml"
	RustcTarballURL     = "https://" + HostRust + "/dist/" + toolchainRustDate + "/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz"
	CLIReleaseAssetURL  = "https://" + HostGitHub + "/example/cli/releases/download/v2.0.0/cli_2.0.0_linux_amd64.tar.gz"
	CLIChecksumsURL     = "https://" + HostGitHub + "/example/cli/releases/download/v2.0.0/cli_2.0.0_checksums.txt"
	TemurinAssetsURL    = "https://" + HostAdoptium + "/v3/assets/latest/21/hotspot"
	TemurinBinaryURL    = "https://" + HostAdoptium + "/v3/binary/latest/21/ga/linux/x64/jdk/hotspot/normal/eclipse"
	TemurinReleaseAsset = "https://" + HostGitHub + "/adoptium/temurin21-binaries/releases/download/jdk-21.0.2%2B13/OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func addToolchains(b *builder) error {
	generic := func(name, version, rawURL string, body []byte, aliases ...string) *File {
		return b.file(File{URL: rawURL, Aliases: aliases, Ecosystem: "toolchain", Kind: KindArtifact,
			PURL: purlWith("generic", "", name, version, "download_url", rawURL), ContentType: "application/octet-stream", Body: body})
	}
	sidecar := func(rawURL, body string) {
		b.file(File{URL: rawURL, Ecosystem: "toolchain", Kind: KindSidecar, ContentType: "text/plain", Body: []byte(body)})
	}
	node := generic("node", "20.11.1", NodeTarballURL, pseudoBinary("node 20.11.1", 16<<10))
	sidecar(NodeShasumsURL, sha256Hex([]byte("other"))+"  node-v20.11.1-darwin-arm64.tar.gz\n"+node.SHA256+"  node-v20.11.1-linux-x64.tar.xz\n")

	tf, err := zipBytes([]entry{{name: "terraform", body: pseudoBinary("terraform 1.7.0", 8<<10), mode: 0o755}})
	if err != nil {
		return fmt.Errorf("terraform zip: %w", err)
	}
	tz := generic("terraform", "1.7.0", TerraformZipURL, tf)
	sidecar(TerraformSumsURL, tz.SHA256+"  terraform_1.7.0_linux_amd64.zip\n")

	gz, err := zipBytes([]entry{{name: "gradle-8.6/bin/gradle", body: []byte("#!/bin/sh\necho gradle 8.6\n"), mode: 0o755}})
	if err != nil {
		return fmt.Errorf("gradle zip: %w", err)
	}
	// The component is named after the URL the bytes came from: the
	// download host the distribution URL redirects to names them itself.
	gd := b.file(File{URL: GradleDistURL, Aliases: []string{GradleDistCDNURL}, Ecosystem: "toolchain", Kind: KindArtifact,
		PURL: purlWith("generic", "", "gradle", "8.6", "download_url", GradleDistCDNURL), ContentType: "application/zip", Body: gz})
	b.redirect(HostGradle, "/distributions/gradle-8.6-bin.zip", GradleDistCDNURL)
	sidecar(GradleDistURL+".sha256", gd.SHA256)

	rc := generic("rustc", "1.76.0", RustcTarballURL, pseudoBinary("rustc 1.76.0", 16<<10))
	sidecar(RustcTarballURL+".sha256", rc.SHA256+"  rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz\n")
	manifest := fmt.Sprintf("manifest-version = \"2\"\ndate = %q\n[pkg.rustc]\nversion = \"1.76.0 (07dca489a 2024-02-04)\"\n"+
		"[pkg.rustc.target.x86_64-unknown-linux-gnu]\navailable = true\nxz_url = %q\nxz_hash = %q\n", toolchainRustDate, RustcTarballURL, rc.SHA256)
	b.file(File{URL: RustManifestURL, Ecosystem: "toolchain", Kind: KindMetadata, ContentType: "text/plain", Body: []byte(manifest)})

	// A GitHub release with a checksums.txt, both served from the CDN.
	cli, err := tarGz([]entry{{name: "cli", body: []byte("#!/bin/sh\necho cli 2.0.0\n"), mode: 0o755}})
	if err != nil {
		return fmt.Errorf("cli tarball: %w", err)
	}
	asset := func(rawURL, file string, id int, kind, contentType string, body []byte) *File {
		cdn := fmt.Sprintf("https://%s/github-production-release-asset-2e65be/%d/%s", HostGitHubAssets, id, file)
		u := rawURL[len("https://"+HostGitHub):]
		f := b.file(File{URL: rawURL, Aliases: []string{cdn}, Ecosystem: "github", Kind: kind, ContentType: contentType, Body: body,
			PURL: func() string {
				if kind != KindArtifact {
					return ""
				}
				owner, repo, tag := "example", "cli", "v2.0.0"
				if id == 3 {
					owner, repo, tag = "adoptium", "temurin21-binaries", "jdk-21.0.2+13"
				}
				return purlWith("github", owner, repo, tag, "download_url", rawURL, "file_name", file)
			}()})
		b.redirect(HostGitHub, unescapePath(u), cdn)
		return f
	}
	ca := asset(CLIReleaseAssetURL, "cli_2.0.0_linux_amd64.tar.gz", 1, KindArtifact, "application/octet-stream", cli)
	asset(CLIChecksumsURL, "cli_2.0.0_checksums.txt", 2, KindSidecar, "application/octet-stream",
		[]byte(ca.SHA256+"  cli_2.0.0_linux_amd64.tar.gz\n"+sha256Hex([]byte("x"))+"  cli_2.0.0_darwin_arm64.tar.gz\n"))

	// Temurin: the API names the GitHub asset and its checksum; its binary
	// endpoint redirects there.
	jdk, err := tarGz([]entry{{name: "jdk-21.0.2+13/bin/java", body: pseudoBinary("java 21.0.2", 8<<10), mode: 0o755}})
	if err != nil {
		return fmt.Errorf("jdk tarball: %w", err)
	}
	ja := asset(TemurinReleaseAsset, "OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz", 3, KindArtifact, "application/octet-stream", jdk)
	assets, err := json.Marshal([]any{map[string]any{"release_name": "jdk-21.0.2+13", "binaries": []any{map[string]any{
		"architecture": "x64", "image_type": "jdk", "os": "linux", "jvm_impl": "hotspot",
		"package": map[string]any{"checksum": ja.SHA256, "link": TemurinReleaseAsset, "name": "OpenJDK21U-jdk_x64_linux_hotspot_21.0.2_13.tar.gz", "size": len(jdk)},
	}}}})
	if err != nil {
		return err
	}
	b.file(File{URL: TemurinAssetsURL, Ecosystem: "toolchain", Kind: KindMetadata, ContentType: "application/json", Body: assets})
	b.redirect(HostAdoptium, "/v3/binary/latest/21/ga/linux/x64/jdk/hotspot/normal/eclipse", TemurinReleaseAsset)
	return nil
}

// unescapePath decodes an escaped URL path, as the host muxes match paths.
func unescapePath(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}
