package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// runClassifyCLI runs `depaudit classify ARGS...` in-process.
func runClassifyCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &appEnv{
		stdin:   strings.NewReader(""),
		stdout:  &out,
		stderr:  &errb,
		getenv:  func(string) string { return "" },
		environ: func() []string { return nil },
	}
	code = run(context.Background(), env, append([]string{"depaudit", "classify"}, args...))
	return code, out.String(), errb.String()
}

func TestClassifyText(t *testing.T) {
	code, out, errs := runClassifyCLI(t,
		"https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz",
		"https://proxy.golang.org/github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip",
		"https://api.example.com/v1/things",
	)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 lines, got:\n%s", out)
	}
	want := [][]string{
		{"KIND", "ECOSYSTEM", "PURL", "URL"},
		{"artifact", "npm", "pkg:npm/%40babel/core@7.23.0", "https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz"},
		{"artifact", "golang", "pkg:golang/github.com/BurntSushi/toml@v1.6.0", "https://proxy.golang.org/github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip"},
		{"unclassified", "-", "-", "https://api.example.com/v1/things"},
	}
	col := -1
	for i, l := range lines {
		if got := strings.Fields(l); strings.Join(got, " ") != strings.Join(want[i], " ") {
			t.Errorf("line %d = %q, want fields %q", i, l, want[i])
		}
		// Columns are aligned: the URL column starts at the same offset.
		at := strings.LastIndex(l, want[i][3])
		if col >= 0 && at != col {
			t.Errorf("line %d: URL column at %d, want %d:\n%s", i, at, col, out)
		}
		col = at
	}
}

func TestClassifyJSON(t *testing.T) {
	code, out, errs := runClassifyCLI(t, "--json",
		"https://pypi.org/simple/zope.interface/",
		"https://repo1.maven.org/maven2/junit/junit/4.13.2/junit-4.13.2.jar.sha1",
		"https://example.com/page",
	)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := []map[string]string{
		{"url": "https://pypi.org/simple/zope.interface/", "kind": "metadata", "ecosystem": "pypi", "purl": "pkg:pypi/zope-interface"},
		{"url": "https://repo1.maven.org/maven2/junit/junit/4.13.2/junit-4.13.2.jar.sha1", "kind": "sidecar", "ecosystem": "maven", "purl": "pkg:maven/junit/junit@4.13.2"},
		{"url": "https://example.com/page", "kind": "unclassified", "ecosystem": "", "purl": ""},
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("want %d lines, got:\n%s", len(want), out)
	}
	for i, l := range lines {
		var got map[string]string
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if len(got) != 4 {
			t.Errorf("line %d has keys %v, want url, kind, ecosystem, purl", i, got)
		}
		for k, v := range want[i] {
			if got[k] != v {
				t.Errorf("line %d %s = %q, want %q", i, k, got[k], v)
			}
		}
	}
}

func TestClassifyNoURL(t *testing.T) {
	for _, args := range [][]string{nil, {"--json"}} {
		code, out, errs := runClassifyCLI(t, args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "no URL") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func TestClassifyBadURL(t *testing.T) {
	code, out, errs := runClassifyCLI(t, "--json",
		"https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz",
		"http://[::1",
		"https://static.crates.io/crates/serde/1.0.217/download",
	)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	// The others are printed first.
	if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, "pkg:npm/wrappy@1.0.2") || !strings.Contains(out, "pkg:cargo/serde@1.0.217") {
		t.Errorf("stdout:\n%s", out)
	}
	if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `"http://[::1"`) {
		t.Errorf("stderr %q: want one line naming the URL", errs)
	}
	code, _, errs = runClassifyCLI(t, "registry.npmjs.org/wrappy")
	if code != 2 || !strings.Contains(errs, `"registry.npmjs.org/wrappy"`) {
		t.Errorf("relative URL: exit %d, stderr %q", code, errs)
	}
}

func TestClassifyRedactsSecrets(t *testing.T) {
	code, out, errs := runClassifyCLI(t,
		"https://alice:hunter2@registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz?token=s3cr3t",
		"https://bob:pa55@[::1",
	)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, secret := range []string{"hunter2", "s3cr3t", "pa55", "alice", "bob"} {
		if strings.Contains(out+errs, secret) {
			t.Errorf("output leaks %q:\n%s%s", secret, out, errs)
		}
	}
	if !strings.Contains(out, "pkg:npm/wrappy@1.0.2") {
		t.Errorf("the redacted URL is still classified:\n%s", out)
	}
}
