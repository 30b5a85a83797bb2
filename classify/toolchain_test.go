package classify

import (
	"strings"
	"testing"
)

func TestToolchain(t *testing.T) {
	const (
		A, M, S, API = KindArtifact, KindMetadata, KindSidecar, KindAPI
		tc           = EcosystemToolchain
	)
	dl := func(name, version, url string) row {
		purl := "pkg:generic/" + name
		if version != "" {
			purl += "@" + version
		}
		return get(url, A, tc, strings.ReplaceAll(purl, "+", "%2B")+"?download_url="+escQ(url))
	}
	runRows(t, []row{
		dl("node", "20.11.1", "https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz"),
		dl("node", "20.11.1", "https://nodejs.org/dist/v20.11.1/node-v20.11.1-win-x64.zip"),
		dl("node", "20.11.1", "https://nodejs.org/download/release/v20.11.1/node-v20.11.1-darwin-arm64.tar.gz"),
		get("https://nodejs.org/dist/v20.11.1/SHASUMS256.txt", S, tc, ""),
		get("https://nodejs.org/dist/v20.11.1/SHASUMS256.txt.asc", S, tc, ""),
		get("https://nodejs.org/dist/index.json", M, tc, ""),
		get("https://nodejs.org/en/download", API, tc, ""),
		dl("rustc", "1.76.0", "https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz"),
		dl("rust-std", "1.76.0", "https://static.rust-lang.org/dist/2024-02-08/rust-std-1.76.0-x86_64-unknown-linux-gnu.tar.xz"),
		dl("rust", "nightly", "https://static.rust-lang.org/dist/rust-nightly-x86_64-unknown-linux-gnu.tar.gz"),
		get("https://static.rust-lang.org/dist/channel-rust-stable.toml", M, tc, ""),
		get("https://static.rust-lang.org/dist/channel-rust-stable.toml.sha256", S, tc, ""),
		get("https://static.rust-lang.org/dist/2024-02-08/rustc-1.76.0-x86_64-unknown-linux-gnu.tar.xz.sha256", S, tc, ""),
		dl("rustup-init", "", "https://static.rust-lang.org/rustup/dist/x86_64-unknown-linux-gnu/rustup-init"),
		dl("rustup-init", "1.26.0", "https://static.rust-lang.org/rustup/archive/1.26.0/x86_64-unknown-linux-gnu/rustup-init"),
		dl("gradle", "8.6", "https://services.gradle.org/distributions/gradle-8.6-bin.zip"),
		dl("gradle", "8.6-rc-1", "https://downloads.gradle.org/distributions/gradle-8.6-rc-1-all.zip"),
		get("https://services.gradle.org/distributions/gradle-8.6-bin.zip.sha256", S, tc, ""),
		get("https://services.gradle.org/versions/current", M, tc, ""),
		dl("terraform", "1.7.0", "https://releases.hashicorp.com/terraform/1.7.0/terraform_1.7.0_linux_amd64.zip"),
		get("https://releases.hashicorp.com/terraform/1.7.0/terraform_1.7.0_SHA256SUMS", S, tc, ""),
		get("https://releases.hashicorp.com/terraform/1.7.0/terraform_1.7.0_SHA256SUMS.72D7468F.sig", S, tc, ""),
		get("https://releases.hashicorp.com/terraform/index.json", M, tc, ""),
		dl("temurin-jdk", "", "https://api.adoptium.net/v3/binary/latest/21/ga/linux/x64/jdk/hotspot/normal/eclipse"),
		dl("temurin-jre", "21.0.2+13", "https://api.adoptium.net/v3/binary/version/jdk-21.0.2+13/linux/x64/jre/hotspot/normal/eclipse"),
		get("https://api.adoptium.net/v3/assets/latest/21/hotspot?os=linux", M, tc, ""),
		// Checksum files anywhere vouch for the files beside them.
		get("https://downloads.example.test/tool/1.0/SHA256SUMS", S, EcosystemGeneric, ""),
		get("https://downloads.example.test/tool/1.0/tool-1.0.tar.gz.sha256", S, EcosystemGeneric, ""),
		get("https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_checksums.txt", S, EcosystemGitHub,
			"pkg:github/cli/cli@v2.45.0?download_url=https:%2F%2Fgithub.com%2Fcli%2Fcli%2Freleases%2Fdownload%2Fv2.45.0%2Fgh_2.45.0_checksums.txt&file_name=gh_2.45.0_checksums.txt"),
		get("https://github.com/hashicorp/x/releases/download/v1.0.0/x_1.0.0_SHA256SUMS", S, EcosystemGitHub,
			"pkg:github/hashicorp/x@v1.0.0?download_url=https:%2F%2Fgithub.com%2Fhashicorp%2Fx%2Freleases%2Fdownload%2Fv1.0.0%2Fx_1.0.0_SHA256SUMS&file_name=x_1.0.0_SHA256SUMS"),
		none("https://nodejs.org.evil.example/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz.txt"),
	})
}

// escQ percent-encodes a URL as packageurl-go encodes a qualifier value
// ("/" and "+").
func escQ(u string) string {
	r := ""
	for i := 0; i < len(u); i++ {
		switch c := u[i]; c {
		case '/':
			r += "%2F"
		case '+':
			r += "%2B"
		default:
			r += string(c)
		}
	}
	return r
}
