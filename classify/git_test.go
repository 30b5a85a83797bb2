package classify

import "testing"

func TestGit(t *testing.T) {
	const git = EcosystemGit
	runRows(t, []row{
		// git smart-HTTP on any host, a clone or the go command's direct
		// mode: git, not golang.
		get("https://github.com/spf13/cobra.git/info/refs?service=git-upload-pack", KindAPI, git, ""),
		get("https://git.example.com/team/repo/info/refs?service=git-upload-pack", KindAPI, git, ""),
		get("https://git.example.com/team/repo/info/refs?service=git-receive-pack", KindAPI, git, ""),
		{method: "POST", url: "https://github.com/spf13/cobra.git/git-upload-pack", kind: KindAPI, eco: git},
		{method: "POST", url: "https://git.example.com/team/repo/git-upload-pack", kind: KindAPI, eco: git},
		// Not git smart-HTTP.
		none("https://git.example.com/team/repo/info/refs"),
		none("https://git.example.com/team/repo/info/refs?service=other"),
		none("https://git.example.com/team/repo/git-upload-pack"),
		none("https://git.example.com/info/refs?service=git-upload-pack"),
	})
}

func TestGitRepository(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/spf13/cobra.git/info/refs?service=git-upload-pack": "https://github.com/spf13/cobra.git",
		"https://git.example.com/team/repo/git-upload-pack":                    "https://git.example.com/team/repo",
		"https://user:pw@git.example.com/a/git-receive-pack":                   "https://git.example.com/a",
		"https://git.example.com/team/repo/objects/info/packs":                 "",
		"https://git.example.com/info/refs":                                    "",
		"%%":                                                                   "",
	} {
		if got := GitRepository(in); got != want {
			t.Errorf("GitRepository(%q) = %q, want %q", in, got, want)
		}
	}
}
