package classify

import "testing"

func TestGitHub(t *testing.T) {
	const (
		A, S, API = KindArtifact, KindSidecar, KindAPI
		gh        = EcosystemGitHub
	)
	runRows(t, []row{
		get("https://github.com/cli/cli/releases/download/v2.42.1/gh_2.42.1_linux_amd64.tar.gz", A, gh,
			"pkg:github/cli/cli@v2.42.1?download_url=https:%2F%2Fgithub.com%2Fcli%2Fcli%2Freleases%2Fdownload%2Fv2.42.1%2Fgh_2.42.1_linux_amd64.tar.gz&file_name=gh_2.42.1_linux_amd64.tar.gz"),
		{url: "https://github.com/BurntSushi/ripgrep/releases/download/14.1.0/ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz",
			status: 302, location: "https://objects.githubusercontent.com/github-production-release-asset-2e65be/123?X-Amz-Signature=REDACTED",
			kind: A, eco: gh,
			purl: "pkg:github/burntsushi/ripgrep@14.1.0?download_url=https:%2F%2Fgithub.com%2FBurntSushi%2Fripgrep%2Freleases%2Fdownload%2F14.1.0%2Fripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz&file_name=ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz"},
		get("https://github.com/cli/cli/releases/download/v2.42.1/gh_2.42.1_checksums.txt", S, gh,
			"pkg:github/cli/cli@v2.42.1?download_url=https:%2F%2Fgithub.com%2Fcli%2Fcli%2Freleases%2Fdownload%2Fv2.42.1%2Fgh_2.42.1_checksums.txt&file_name=gh_2.42.1_checksums.txt"),
		get("https://github.com/o/r/releases/download/v1/tool.tar.gz.sha256", S, gh,
			"pkg:github/o/r@v1?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Fdownload%2Fv1%2Ftool.tar.gz.sha256&file_name=tool.tar.gz.sha256"),
		get("https://github.com/o/r/releases/download/v1/SHA256SUMS", S, gh,
			"pkg:github/o/r@v1?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Fdownload%2Fv1%2FSHA256SUMS&file_name=SHA256SUMS"),
		// A tag with a slash.
		get("https://github.com/o/r/releases/download/tools%2Fv1.0/x.zip", A, gh,
			"pkg:github/o/r@tools%2Fv1.0?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Fdownload%2Ftools%252Fv1.0%2Fx.zip&file_name=x.zip"),
		// latest: the tag comes from the redirect.
		{url: "https://github.com/o/r/releases/latest/download/x.zip", status: 302,
			location: "https://github.com/o/r/releases/download/v3.2.1/x.zip", kind: A, eco: gh,
			purl: "pkg:github/o/r@v3.2.1?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Flatest%2Fdownload%2Fx.zip&file_name=x.zip"},
		get("https://github.com/o/r/releases/latest/download/x.zip", A, gh,
			"pkg:github/o/r?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Flatest%2Fdownload%2Fx.zip&file_name=x.zip"),
		{url: "https://github.com/o/r/releases/latest/download/x.zip", status: 302,
			location: "https://evil.example/o/r/releases/download/v9/x.zip", kind: A, eco: gh,
			purl: "pkg:github/o/r?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Freleases%2Flatest%2Fdownload%2Fx.zip&file_name=x.zip"},
		// Source archives.
		get("https://github.com/golang/go/archive/refs/tags/go1.22.0.tar.gz", A, gh,
			"pkg:github/golang/go@go1.22.0?download_url=https:%2F%2Fgithub.com%2Fgolang%2Fgo%2Farchive%2Frefs%2Ftags%2Fgo1.22.0.tar.gz"),
		get("https://github.com/golang/go/archive/refs/tags/go1.22.0.zip", A, gh,
			"pkg:github/golang/go@go1.22.0?download_url=https:%2F%2Fgithub.com%2Fgolang%2Fgo%2Farchive%2Frefs%2Ftags%2Fgo1.22.0.zip"),
		get("https://github.com/o/r/archive/0123456789abcdef0123456789abcdef01234567.tar.gz", A, gh,
			"pkg:github/o/r@0123456789abcdef0123456789abcdef01234567?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Farchive%2F0123456789abcdef0123456789abcdef01234567.tar.gz"),
		get("https://github.com/o/r/archive/refs/heads/main.tar.gz", A, gh,
			"pkg:github/o/r?download_url=https:%2F%2Fgithub.com%2Fo%2Fr%2Farchive%2Frefs%2Fheads%2Fmain.tar.gz"),
		get("https://codeload.github.com/golang/go/tar.gz/refs/tags/go1.22.0", A, gh,
			"pkg:github/golang/go@go1.22.0?download_url=https:%2F%2Fcodeload.github.com%2Fgolang%2Fgo%2Ftar.gz%2Frefs%2Ftags%2Fgo1.22.0"),
		get("https://codeload.github.com/o/r/zip/0123456789abcdef", A, gh,
			"pkg:github/o/r@0123456789abcdef?download_url=https:%2F%2Fcodeload.github.com%2Fo%2Fr%2Fzip%2F0123456789abcdef"),
		get("https://codeload.github.com/o/r/legacy.tar.gz/refs/heads/main", A, gh,
			"pkg:github/o/r?download_url=https:%2F%2Fcodeload.github.com%2Fo%2Fr%2Flegacy.tar.gz%2Frefs%2Fheads%2Fmain"),
		// The API.
		get("https://api.github.com/repos/o/r/tarball/v1.0.0", A, gh,
			"pkg:github/o/r@v1.0.0?download_url=https:%2F%2Fapi.github.com%2Frepos%2Fo%2Fr%2Ftarball%2Fv1.0.0"),
		get("https://api.github.com/repos/o/r/zipball", A, gh,
			"pkg:github/o/r?download_url=https:%2F%2Fapi.github.com%2Frepos%2Fo%2Fr%2Fzipball"),
		get("https://api.github.com/repos/o/r/releases/latest", API, gh, ""),
		get("https://api.github.com/rate_limit", API, gh, ""),
		// Not GitHub artifacts.
		none("https://github.com/o/r"),
		none("https://github.com/o/r/releases"),
		none("https://github.com/o/r/archive/refs/tags/"),
		none("https://github.com/o/r/archive/refs/tags/v1.0.0.txt"),
		{method: "POST", url: "https://github.com/o/r/releases/download/v1/x.zip", kind: KindUnclassified},
		none("https://github.com.evil.example/o/r/releases/download/v1/x"),
		none("https://github.com@evil.example/o/r/releases/download/v1/x"),
		none("https://codeload.github.com.evil.example/o/r/tar.gz/v1"),
		// CDN objects are attributed through the redirect, not by URL; with
		// a binary body they are generic downloads.
		none("https://objects.githubusercontent.com/github-production-release-asset-2e65be/123/abc?X-Amz-Signature=REDACTED"),
		{url: "https://release-assets.githubusercontent.com/github-production-release-asset/123/abc-def", status: 200,
			ctype: "application/octet-stream", kind: A, eco: EcosystemGeneric,
			purl: "pkg:generic/abc-def?download_url=https:%2F%2Frelease-assets.githubusercontent.com%2Fgithub-production-release-asset%2F123%2Fabc-def"},
		get("https://raw.githubusercontent.com/o/r/main/install.sh", A, EcosystemGeneric,
			"pkg:generic/install.sh?download_url=https:%2F%2Fraw.githubusercontent.com%2Fo%2Fr%2Fmain%2Finstall.sh"),
	})
}
