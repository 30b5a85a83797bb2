package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// The fetch after the build: with an ordinary lockfile a build fetches no
// registry metadata, so depaudit fetches it once the build has ended (by
// default; --no-verify-fetch skips it) and records it in the capture log,
// from which `depaudit report` gives the build's SBOM without fetching
// again (checkReport).

// npm ci from a package-lock.json with resolved URLs fetches tarballs
// alone: with --no-verify-fetch every package is unverifiable; by default
// depaudit asks the registry the build used for one abbreviated packument
// per package and verifies each.
func TestE2EVerifyFetchNpmCi(t *testing.T) {
	t.Parallel()
	npm := requireClient(t, "npm")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	e.build(npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "cache-lock"), "--no-audit", "--no-fund",
		"--loglevel=error", "hello-lib", "@fixture/scoped")
	lock, err := os.ReadFile(filepath.Join(e.dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lock), `"resolved": "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"`) {
		t.Fatalf("package-lock.json has no resolved URL:\n%s", lock)
	}
	purls := []string{"pkg:npm/hello-lib@1.2.0", "pkg:npm/hello-dep@2.0.1", "pkg:npm/%40fixture/scoped@3.1.0"}
	tam := newTamperer(t, e)
	ci := func(flags []string, cache string) *verifyResult {
		if err := os.RemoveAll(filepath.Join(e.dir, "node_modules")); err != nil {
			t.Fatal(err)
		}
		r := verifyBuild(e, tam, flags, npm, "ci", "--prefix", e.dir, "--cache", filepath.Join(e.home, cache),
			"--no-audit", "--no-fund", "--loglevel=error")
		r.mustSucceed(t)
		// The premise: the build itself fetched tarballs only.
		for _, x := range r.log.Exchanges {
			if !strings.HasSuffix(x.URL, ".tgz") {
				t.Errorf("npm ci from a lockfile fetched %s %s", x.Method, x.URL)
			}
		}
		if len(r.log.Exchanges) != len(purls) {
			t.Errorf("npm ci made %d requests, want %d:\n%s", len(r.log.Exchanges), len(purls), describeLog(r.log))
		}
		e.checkReport(r.e2eResult)
		return r
	}

	skipped := ci([]string{"--no-verify-fetch"}, "cache-skip")
	if got, want := skipped.summary(t), (verifyCounts{unverifiable: len(purls)}); got != want {
		t.Errorf("--no-verify-fetch: summary %+v, want %+v\n%s", got, want, skipped.stderr)
	}
	for _, p := range purls {
		if v := skipped.verdict(t, p); v != "unverifiable" {
			t.Errorf("--no-verify-fetch: %s is %s", p, v)
		}
	}
	if !strings.Contains(skipped.stderr, "not fetched after the build (--no-verify-fetch") {
		t.Errorf("the summary does not say the metadata was not fetched:\n%s", skipped.stderr)
	}
	if skipped.log.FetchEnd != nil || len(skipped.log.Fetches) != 0 {
		t.Errorf("--no-verify-fetch: the capture log records %d fetches after the build", len(skipped.log.Fetches))
	}

	fetched := ci(nil, "cache-fetch")
	fetched.checkClean(t, "npm packument integrity (fetched after the build)", purls...)
	l := fetched.log
	if l.FetchEnd == nil || l.FetchEnd.Requests != len(purls) || l.FetchEnd.Failed != 0 || len(l.FetchEnd.Withheld) != 0 {
		t.Fatalf("capture log: fetch end %+v, want %d requests, none failed", l.FetchEnd, len(purls))
	}
	asked := map[string]bool{}
	for _, f := range l.Fetches {
		asked[f.URL] = true
		// The fake registry answers the abbreviated packument only to a
		// client that asks for it.
		if f.Status != 200 || f.ContentType != "application/vnd.npm.install-v1+json" || len(f.Digests) == 0 || f.Error != "" {
			t.Errorf("fetch %s: status %d, %s, %d digests, error %q; want the abbreviated packument", f.URL, f.Status, f.ContentType, len(f.Digests), f.Error)
		}
	}
	for _, u := range []string{"https://registry.npmjs.org/hello-lib", "https://registry.npmjs.org/hello-dep", "https://registry.npmjs.org/@fixture%2fscoped"} {
		if !asked[u] {
			t.Errorf("%s was not fetched after the build; fetched %v", u, asked)
		}
	}
	if !regexp.MustCompile(`3 metadata documents fetched after the build: 3 requests in \d+m?s`).MatchString(fetched.stderr) {
		t.Errorf("the summary does not give the fetch's documents, requests and time:\n%s", fetched.stderr)
	}
}

// goSumProject makes e.dir a Go module that imports
// github.com/example/mod/v2, whose go.mod requires github.com/Example/Upper
// (listed by the project too, as go mod tidy does), with its go.sum filled
// as a build that had asked the checksum database would have left it. It
// returns the go.sum.
func goSumProject(e *e2eRun) string {
	e.writeFile("go.mod", "module example.com/e2eapp\n\ngo 1.21\n\nrequire github.com/example/mod/v2 v2.1.0\n\n"+
		"require github.com/Example/Upper v1.0.0 // indirect\n")
	e.writeFile("main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\tmod \"github.com/example/mod/v2\"\n)\n\nfunc main() { fmt.Println(mod.Version) }\n")
	var sum []byte
	for _, m := range [][2]string{{"github.com/Example/Upper", "v1.0.0"}, {"github.com/example/mod/v2", "v2.1.0"}} {
		lines, err := e.reg.GoSum(m[0], m[1])
		if err != nil {
			e.t.Fatal(err)
		}
		sum = append(sum, lines...)
	}
	e.writeFile("go.sum", string(sum))
	return string(sum)
}

// go build with a filled go.sum asks no checksum database: with
// --no-verify-fetch the module is unverifiable; by default depaudit looks
// it up in the checksum database, through the module proxy first, and
// verifies it. Against a registry that serves no checksum database, the
// lookup fails quickly with "fetch failed: …". `go list -m all` fetches
// the go.mod files alone: each is looked up and verified by its "/go.mod"
// line.
func TestE2EVerifyFetchGoSum(t *testing.T) {
	t.Parallel()
	goBin := requireClient(t, "go")
	e := newE2E(t, fakeregistry.Options{})
	e.goEnv()
	e.env["GOPROXY"] = "https://proxy.golang.org"
	sum := goSumProject(e)
	mod := "pkg:golang/github.com/example/mod/v2@v2.1.0"
	tam := newTamperer(t, e)
	run := func(up upstream, flags []string, cache string, command ...string) *verifyResult {
		e.env["GOMODCACHE"] = filepath.Join(e.home, cache)
		e.env["GOSUMDB"] = tam.GoSumDB()
		e.env["GOFLAGS"] = "-modcacherw -mod=readonly"
		r := e.runBuild(up, flags, append([]string{goBin, "-C", e.dir}, command...)...)
		if r.log == nil {
			t.Fatalf("no capture log\n%s", r.stderr)
		}
		res := &verifyResult{e2eResult: r, bom: readBOM(t, r)}
		res.mustSucceed(t)
		for _, x := range r.log.Exchanges {
			if strings.Contains(x.URL, "/lookup/") || strings.Contains(x.URL, "/tile/") {
				t.Errorf("the go command asked a checksum database with a filled go.sum: %s", x.URL)
			}
		}
		e.checkReport(r)
		return res
	}
	build := func(up upstream, flags []string, cache string) *verifyResult {
		res := run(up, flags, cache, "build", "-o", filepath.Join(e.home, cache+".bin"), ".")
		if got := componentList(res.components()); got != mod {
			t.Errorf("components %s, want %s", got, mod)
		}
		return res
	}

	skipped := build(tam, []string{"--no-verify-fetch"}, "cache-skip")
	if v := skipped.verdict(t, mod); v != "unverifiable" {
		t.Errorf("--no-verify-fetch: %s is %s", mod, v)
	}

	fetched := build(tam, nil, "cache-fetch")
	fetched.checkClean(t, "Go checksum database h1 (fetched after the build)", mod)
	if h1 := fetched.prop(t, mod, sbom.PropGolangH1); len(h1) != 1 || !strings.Contains(sum, "github.com/example/mod/v2 v2.1.0 "+h1[0]+"\n") {
		t.Errorf("%s = %q, not go.sum's", sbom.PropGolangH1, h1)
	}
	// One lookup at the module proxy (which serves no checksum database),
	// then one at sum.golang.org.
	checkLookups := func(r *verifyResult, want ...string) {
		t.Helper()
		l := r.log
		if l.FetchEnd == nil || l.FetchEnd.Requests != 2*len(want) || l.FetchEnd.Failed != 0 {
			t.Errorf("capture log: fetch end %+v, want %d requests, none failed", l.FetchEnd, 2*len(want))
		}
		var lookups []string
		for _, f := range l.Fetches {
			if f.Status == 200 {
				lookups = append(lookups, f.URL)
			} else if !strings.HasPrefix(f.URL, "https://proxy.golang.org/sumdb/sum.golang.org/lookup/") {
				t.Errorf("fetch %s: %d %s", f.URL, f.Status, f.Error)
			}
		}
		if strings.Join(lookups, " ") != strings.Join(want, " ") {
			t.Errorf("lookups %q, want %q", lookups, want)
		}
	}
	checkLookups(fetched, "https://sum.golang.org/lookup/github.com/example/mod/v2@v2.1.0")

	// No checksum database served: the fetch fails, quickly, with the
	// reason, in one summary line.
	failed := build(e.reg, nil, "cache-fail")
	reason := failed.prop(t, mod, sbom.PropVerificationReason)
	if v := failed.verdict(t, mod); v != "unverifiable" || len(reason) != 1 || !strings.HasPrefix(reason[0], "fetch failed: ") ||
		!strings.Contains(reason[0], "sum.golang.org") {
		t.Errorf("without a checksum database: %s is %s, reason %q", mod, v, reason)
	}
	if n := strings.Count(failed.stderr, "depaudit: warning: verifying after the build: 1 metadata fetch failed"); n != 1 {
		t.Errorf("want one line for the failed fetch, got %d:\n%s", n, failed.stderr)
	}

	// The go.mod files alone.
	list := run(tam, nil, "cache-list", "list", "-m", "all")
	if len(list.components()) != 0 {
		t.Errorf("go list -m all: components %s", componentList(list.components()))
	}
	checkLookups(list, "https://sum.golang.org/lookup/github.com/!example/!upper@v1.0.0",
		"https://sum.golang.org/lookup/github.com/example/mod/v2@v2.1.0")
	if !strings.Contains(list.stderr, "depaudit: metadata verification: 2 verified, 0 mismatch") {
		t.Errorf("the go.mod files are not verified:\n%s", list.stderr)
	}
}
