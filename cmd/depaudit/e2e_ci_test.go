package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/internal/formatcheck"
)

// TestE2EGitHubActions runs real npm under `depaudit build` as a GitHub
// Actions step would: GITHUB_STEP_SUMMARY set and GITHUB_ACTIONS=true. The
// first build is clean; the second gets a tampered tarball (a digest
// mismatch), breaks a deny rule and is compared with the first
// (--baseline). The step summary gets both builds, the second with its
// mismatch, violation and diff; the second prints one ::error per mismatch
// and deny violation, escaped.
func TestE2EGitHubActions(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	summary := filepath.Join(e.home, "step-summary.md")
	e.env["GITHUB_STEP_SUMMARY"] = summary
	e.env["GITHUB_ACTIONS"] = "true"
	rulesPath := filepath.Join(e.home, "rules.yaml")
	if err := os.WriteFile(rulesPath, []byte("policy:\n  deny:\n    purls: [\"pkg:npm/hello-dep@*\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	install := func(tam *fakeregistry.Tamperer, cache string, flags ...string) *verifyResult {
		return verifyBuild(e, tam, flags, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, cache),
			"--no-audit", "--no-fund", "--loglevel=error", "hello-lib")
	}
	good := install(newTamperer(t, e), "cache-good")
	if good.code != 0 {
		t.Fatalf("clean build: exit %d\n%s", good.code, good.stderr)
	}
	if strings.Contains(good.stdout, "::error") {
		t.Errorf("a clean build prints workflow errors:\n%s", good.stdout)
	}
	first, err := os.ReadFile(summary)
	if err != nil {
		t.Fatalf("step summary: %v", err)
	}
	if !strings.Contains(string(first), "| Verification | 2 verified, 0 mismatch, 0 unverifiable |") {
		t.Errorf("step summary of the clean build:\n%s", first)
	}

	os.RemoveAll(filepath.Join(e.dir, "node_modules"))
	os.Remove(filepath.Join(e.dir, "package-lock.json"))
	tgz := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	htmlPath := filepath.Join(e.home, "report.html")
	provPath := filepath.Join(e.home, "build.intoto.json")
	bad := install(newArchiveTamperer(t, e, tgz), "cache-bad", "--rules", rulesPath, "--baseline", good.sbomPath,
		"--html", htmlPath, "--provenance", provPath)
	bad.mustFail(t, "npm")
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	all := string(data)
	if !strings.HasPrefix(all, string(first)) {
		t.Fatalf("the second build did not append to the step summary:\n%s", all)
	}
	second := all[len(first):]
	for _, want := range []string{
		"> [!CAUTION]\n> **1 package was received with bytes that differ",
		"> **The build broke 2 deny rules of the policy.**",
		"policy.mismatch",
		"| Verification | 1 verified, 1 mismatch, 0 unverifiable |",
		"### Digest mismatches",
		"| `pkg:npm/hello-lib@1.2.0` |",
		"### Policy violations",
		"hello-dep",
		"### depaudit diff",
		"**hash changed**",
		"Compared with `" + good.sbomPath + "`",
	} {
		if !strings.Contains(second, want) {
			t.Errorf("step summary of the tampered build lacks %q:\n%s", want, second)
		}
	}
	errs := regexp.MustCompile(`(?m)^::error title=([^:]*)::(.*)$`).FindAllStringSubmatch(bad.stdout, -1)
	if len(errs) != 3 {
		t.Fatalf("%d ::error commands on stdout, want 3 (the mismatch, the deny violation, policy.mismatch):\n%s", len(errs), bad.stdout)
	}
	if errs[0][1] != "depaudit%3A digest mismatch" || !strings.HasPrefix(errs[0][2], "pkg:npm/hello-lib@1.2.0: ") || !strings.Contains(errs[0][2], tgz) {
		t.Errorf("mismatch annotation: %q", errs[0][0])
	}
	if errs[1][1] != "depaudit%3A policy violation" || !strings.HasPrefix(errs[1][2], "deny: ") || !strings.Contains(errs[1][2], "hello-dep") {
		t.Errorf("violation annotation: %q", errs[1][0])
	}
	if errs[2][1] != "depaudit%3A policy violation" || !strings.Contains(errs[2][2], `policy.mismatch "deny"`) || !strings.Contains(errs[2][2], "pkg:npm/hello-lib@1.2.0") {
		t.Errorf("policy.mismatch annotation: %q", errs[2][0])
	}
	checkHTMLReport(t, htmlPath, bad.bom, bad.log, true)

	// The build's provenance is about its capture log, and lists the
	// tampered tarball with the digests of the bytes received.
	prov, err := os.ReadFile(provPath)
	if err != nil {
		t.Fatal(err)
	}
	st, pred, err := formatcheck.Provenance(prov)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.GetSubject(); len(s) != 1 || s[0].GetDigest()["sha256"] != mustSHA256(t, bad.capturePath) {
		t.Errorf("provenance subjects %v, want the capture log", s)
	}
	var got []string
	for _, rd := range pred.GetBuildDefinition().GetResolvedDependencies() {
		got = append(got, rd.GetName()+" "+rd.GetUri()+" "+rd.GetAnnotations().GetFields()["depaudit:verification"].GetStringValue())
	}
	if !slices.Contains(got, "pkg:npm/hello-lib@1.2.0 "+tgz+" mismatch") {
		t.Errorf("provenance resolved dependencies %q lack the tampered tarball", got)
	}
}

// TestE2EMismatchPolicy installs a tampered tarball with real npm, then
// judges the capture log with `depaudit report --fail-on-violation`: a
// rules file without a policy still denies a digest mismatch
// (policy.mismatch defaults to deny) and names the rule; mismatch: warn
// reports it without failing.
func TestE2EMismatchPolicy(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	tgz := "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	bad := verifyBuild(e, newArchiveTamperer(t, e, tgz), nil, npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "cache"),
		"--no-audit", "--no-fund", "--loglevel=error", "hello-lib")
	bad.mustFail(t, "npm")
	for _, c := range []struct {
		file string
		code int
	}{{"mode: audit\n", exitViolation}, {"policy: {mismatch: warn}\n", 0}} {
		rulesPath := filepath.Join(e.home, "rules.yaml")
		if err := os.WriteFile(rulesPath, []byte(c.file), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		env := &appEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(string) string { return "" }, environ: func() []string { return nil }}
		code := run(context.Background(), env, []string{"depaudit", "report", "--rules", rulesPath, "--fail-on-violation",
			"-o", filepath.Join(e.home, "report.cdx.json"), bad.capturePath})
		if code != c.code || !strings.Contains(stderr.String(), "policy.mismatch") || !strings.Contains(stderr.String(), "pkg:npm/hello-lib@1.2.0") {
			t.Errorf("rules %q: exit %d, want %d naming policy.mismatch\n%s", c.file, code, c.code, stderr.String())
		}
	}
}
