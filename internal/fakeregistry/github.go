package fakeregistry

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// GitHub fixtures.
const (
	// GitHubReleaseAssetURL redirects (302) to GitHubAssetObjectURL.
	GitHubReleaseAssetURL = "https://" + HostGitHub + "/example/tool/releases/download/v1.2.3/tool-linux-amd64.tar.gz"
	// GitHubAssetObjectURL is where the release asset's bytes are served.
	// Its query carries signature-looking parameters that must be redacted.
	GitHubAssetObjectURL = "https://" + HostGitHubAssets + "/github-production-release-asset-2e65be/700000001/5d9c2e7a-0000-4000-8000-000000000001" +
		"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=FAKEACCESSKEY%2F20240301%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20240301T120000Z&X-Amz-Expires=300&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" +
		"&X-Amz-SignedHeaders=host&actor_id=0&key_id=0&repo_id=700000001" +
		"&response-content-disposition=attachment%3B%20filename%3Dtool-linux-amd64.tar.gz&response-content-type=application%2Foctet-stream"
	// GitHubArchiveURL is a source archive that redirects to codeload.
	GitHubArchiveURL = "https://" + HostGitHub + "/example/tool/archive/refs/tags/v1.2.3.tar.gz"
	// GitHubCodeloadURL is where GitHubArchiveURL redirects.
	GitHubCodeloadURL = "https://" + HostCodeload + "/example/tool/tar.gz/refs/tags/v1.2.3"
	// GitRepoURL is a git repository served over smart HTTP by
	// `git http-backend`; it has a branch main and a tag v1.2.3.
	GitRepoURL = "https://" + HostGitHub + "/example/tool.git"
)

func addGitHub(b *builder) error {
	asset, err := tarGz([]entry{{name: "tool", body: []byte("#!/bin/sh\necho tool v1.2.3\n"), mode: 0o755}})
	if err != nil {
		return fmt.Errorf("github asset: %w", err)
	}
	b.file(File{URL: GitHubReleaseAssetURL, Aliases: []string{GitHubAssetObjectURL}, Ecosystem: "github", Kind: KindArtifact,
		PURL:        purlWith("github", "example", "tool", "v1.2.3", "download_url", GitHubReleaseAssetURL, "file_name", "tool-linux-amd64.tar.gz"),
		ContentType: "application/octet-stream", Body: asset})
	b.redirect(HostGitHub, "/example/tool/releases/download/v1.2.3/tool-linux-amd64.tar.gz", GitHubAssetObjectURL)
	archive, err := tarGz([]entry{
		{name: "tool-1.2.3/README.md", body: []byte("# tool\n\nA depaudit fixture.\n")},
		{name: "tool-1.2.3/tool", body: []byte("#!/bin/sh\necho tool v1.2.3\n"), mode: 0o755},
	})
	if err != nil {
		return fmt.Errorf("github archive: %w", err)
	}
	b.file(File{URL: GitHubArchiveURL, Aliases: []string{GitHubCodeloadURL}, Ecosystem: "github", Kind: KindArtifact,
		PURL:        purlWith("github", "example", "tool", "v1.2.3", "download_url", GitHubArchiveURL),
		ContentType: "application/x-gzip", Body: archive})
	b.redirect(HostGitHub, "/example/tool/archive/refs/tags/v1.2.3.tar.gz", GitHubCodeloadURL)
	return nil
}

// gitBackend serves bare repositories under a root with `git http-backend`.
type gitBackend struct {
	cgi    *cgi.Handler
	err    error
	commit string
}

var gitPathRE = regexp.MustCompile(`^/([^/]+)/([^/]+?)(\.git)?/(info/refs|git-upload-pack|HEAD|objects/.+)$`)

// newGitBackend makes the bare repository example/tool.git under dir. When
// git is not installed the backend answers 503 with the reason.
func newGitBackend(dir string) (*gitBackend, error) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return &gitBackend{err: fmt.Errorf("git is not installed: %w", err)}, nil
	}
	root := filepath.Join(dir, "git")
	repo := filepath.Join(root, "example", "tool.git")
	env := []string{
		"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_AUTHOR_NAME=depaudit fixture", "GIT_AUTHOR_EMAIL=fixture@example.invalid", "GIT_AUTHOR_DATE=2024-03-01T12:00:00Z",
		"GIT_COMMITTER_NAME=depaudit fixture", "GIT_COMMITTER_EMAIL=fixture@example.invalid", "GIT_COMMITTER_DATE=2024-03-01T12:00:00Z",
		"PATH=" + os.Getenv("PATH"),
	}
	git := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(gitBin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
		}
		return strings.TrimSpace(out.String()), nil
	}
	if _, err := git("", "init", "-q", "--bare", repo); err != nil {
		return nil, fmt.Errorf("fake git repository: %w", err)
	}
	gd := "--git-dir=" + repo
	blob, err := git("# tool\n\nA depaudit fixture.\n", gd, "hash-object", "-w", "--stdin")
	if err != nil {
		return nil, fmt.Errorf("fake git repository: %w", err)
	}
	tree, err := git("100644 blob "+blob+"\tREADME.md\n", gd, "mktree")
	if err != nil {
		return nil, fmt.Errorf("fake git repository: %w", err)
	}
	commit, err := git("", gd, "commit-tree", tree, "-m", "tool v1.2.3")
	if err != nil {
		return nil, fmt.Errorf("fake git repository: %w", err)
	}
	for _, ref := range []string{"refs/heads/main", "refs/tags/v1.2.3"} {
		if _, err := git("", gd, "update-ref", ref, commit); err != nil {
			return nil, fmt.Errorf("fake git repository: %w", err)
		}
	}
	if _, err := git("", gd, "symbolic-ref", "HEAD", "refs/heads/main"); err != nil {
		return nil, fmt.Errorf("fake git repository: %w", err)
	}
	return &gitBackend{
		commit: commit,
		cgi: &cgi.Handler{
			Path:   gitBin,
			Args:   []string{"http-backend"},
			Root:   "/",
			Env:    append(env, "GIT_PROJECT_ROOT="+root, "GIT_HTTP_EXPORT_ALL=1"),
			Stderr: io.Discard,
		},
	}, nil
}

func (g *gitBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := gitPathRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		w.WriteHeader(fallbackNotFound)
		return
	}
	if g.err != nil {
		http.Error(w, "fakeregistry: "+g.err.Error(), http.StatusServiceUnavailable)
		return
	}
	if m[4] == "info/refs" && r.URL.Query().Get("service") == "git-receive-pack" || strings.HasSuffix(m[4], "receive-pack") {
		http.Error(w, "fakeregistry: push is not served", http.StatusForbidden)
		return
	}
	// GitHub serves a repository with and without the .git suffix.
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + m[1] + "/" + m[2] + ".git/" + m[4]
	g.cgi.ServeHTTP(w, r2)
}
