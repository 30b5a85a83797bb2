package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// TestE2EDiffOfTwoBuilds builds the same npm project against the fake
// registry and against its variant (a newer hello-dep, and hello-lib
// re-published under the same version with different bytes), then diffs
// the two real SBOMs. The diff's JSON is compared with a golden file.
func TestE2EDiffOfTwoBuilds(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	boms := make([]string, 2)
	for i, opts := range []fakeregistry.Options{{}, {Upgrade: true, Republish: true}} {
		e := newE2E(t, opts)
		e.npmProject()
		res := e.build(npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-cache"),
			"--no-audit", "--no-fund", "--loglevel=error", "hello-lib")
		if res.code != 0 {
			t.Fatalf("build %d: exit %d\n%s", i, res.code, res.stderr)
		}
		boms[i] = filepath.Join(t.TempDir(), "build.cdx.json")
		data, err := os.ReadFile(res.sbomPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(boms[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	env := &appEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, environ: func() []string { return nil }}
	code := run(context.Background(), env, []string{"depaudit", "diff", "--format", "json", boms[0], boms[1]})
	if code != 1 {
		t.Fatalf("diff exit %d, want 1 (different)\n%s", code, stderr.String())
	}
	out := strings.ReplaceAll(stdout.String(), boms[0], "OLD")
	out = strings.ReplaceAll(out, boms[1], "NEW")
	for _, want := range []string{`"hash_changed"`, `pkg:npm/hello-lib@`, `pkg:npm/hello-dep`} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %s:\n%s", want, out)
		}
	}
	golden := filepath.Join("testdata", "e2e-npm-variant.diff.json")
	if *updateGolden {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("diff differs from %s:\n%s", golden, out)
	}

	// The text form puts the re-published package first.
	stdout.Reset()
	run(context.Background(), env, []string{"depaudit", "diff", "--color", "never", boms[0], boms[1]})
	text := stdout.String()
	if i, j := strings.Index(text, "hello-lib"), strings.Index(text, "hello-dep"); i < 0 || j < 0 || i > j {
		t.Errorf("hash change is not shown first:\n%s", text)
	}
}
