package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/verify"
)

// End-to-end tests run real package-manager clients under `depaudit build`
// against internal/fakeregistry, which serves the registries' public
// hostnames on loopback; the proxy's upstream dialer (a test hook) routes
// those names to it. Nothing leaves the machine.
//
// A missing client skips its test, unless DEPAUDIT_REQUIRE_CLIENTS=1 (CI),
// which makes it fail.

// e2eTimeout bounds one client run, so that a hung client fails its test
// instead of the whole suite.
const e2eTimeout = 3 * time.Minute

// skipShort skips an end-to-end run of a real client under go test
// -short, the quick loop.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("an end-to-end run of a real client: skipped with -short")
	}
}

// requireClient returns the path of a client binary, skipping (or failing
// under DEPAUDIT_REQUIRE_CLIENTS=1) when it is not installed.
func requireClient(t *testing.T, name string) string {
	t.Helper()
	skipShort(t)
	p, err := exec.LookPath(name)
	if err != nil {
		missingClient(t, name, err)
	}
	return p
}

func missingClient(t *testing.T, name string, err error) {
	t.Helper()
	if os.Getenv("DEPAUDIT_REQUIRE_CLIENTS") == "1" {
		t.Fatalf("client %s is required (DEPAUDIT_REQUIRE_CLIENTS=1) but unavailable: %v", name, err)
	}
	t.Skipf("client %s not available (%v); set DEPAUDIT_REQUIRE_CLIENTS=1 to make this a failure", name, err)
}

// e2eRun is one client run under depaudit build against a fake registry.
type e2eRun struct {
	t    *testing.T
	reg  *fakeregistry.Server
	home string // HOME and the root of every cache
	dir  string // the project directory commands are pointed at
	env  map[string]string
	path []string // PATH entries put in front of the inherited PATH
	// hooks, when set, adjusts the test hooks of each build.
	hooks func(*testHooks)
}

// newE2E starts a fake registry and prepares a controlled environment: a
// fresh HOME, the inherited PATH, and nothing else from the test process.
func newE2E(t *testing.T, opts fakeregistry.Options) *e2eRun {
	t.Helper()
	skipShort(t)
	reg, err := fakeregistry.Start(opts)
	if err != nil {
		t.Fatalf("fake registry: %v", err)
	}
	t.Cleanup(func() { reg.Close() })
	home := t.TempDir()
	dir := filepath.Join(home, "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &e2eRun{t: t, reg: reg, home: home, dir: dir, env: map[string]string{
		"HOME":   home,
		"TMPDIR": home,
		"LANG":   "C.UTF-8",
	}}
}

// environ is the environment depaudit gets (and passes on to the child,
// with the proxy and CA variables added).
func (e *e2eRun) environ() []string {
	path := append(append([]string(nil), e.path...), os.Getenv("PATH"))
	out := []string{"PATH=" + strings.Join(path, string(os.PathListSeparator))}
	for k, v := range e.env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// writeFile writes a file into the working directory.
func (e *e2eRun) writeFile(name, content string) {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// e2eResult is what one depaudit build run left behind.
type e2eResult struct {
	code           int
	stdout, stderr string
	capturePath    string
	// sbomPath and unclassifiedPath are the SBOM and the unclassified
	// list the build wrote (-o, --unclassified).
	sbomPath, unclassifiedPath string
	log                        *capture.Log
}

// upstream is where the proxy of a test build sends its upstream
// connections: a fake registry, or a front-end of one.
type upstream interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	RootCAs() *x509.CertPool
}

// lookupEnv returns a getenv over environ.
func lookupEnv(environ []string) func(string) string {
	return func(k string) string {
		v := ""
		for _, kv := range environ {
			if key, val, _ := strings.Cut(kv, "="); key == k {
				v = val
			}
		}
		return v
	}
}

// runBuild runs `depaudit build --capture … -o … --unclassified … FLAGS --
// COMMAND…` in-process, with up as the only upstream and the outputs in a
// fresh directory under HOME, and returns the result whatever the exit code
// (with the capture log read back when there is one). The process's working
// directory is not changed (tests run in parallel): commands name e.dir
// themselves.
func (e *e2eRun) runBuild(up upstream, flags []string, command ...string) *e2eResult {
	e.t.Helper()
	out, err := os.MkdirTemp(e.home, "out-")
	if err != nil {
		e.t.Fatal(err)
	}
	res := &e2eResult{
		capturePath:      filepath.Join(out, "depaudit.capture.jsonl"),
		sbomPath:         filepath.Join(out, "depaudit.cdx.json"),
		unclassifiedPath: filepath.Join(out, "unclassified.json"),
	}
	// The child and the proxy's diagnostics (--debug) write at once.
	var stdout, stderr lockedBuffer
	environ := e.environ()
	env := &appEnv{
		stdin:   strings.NewReader(""),
		stdout:  &stdout,
		stderr:  &stderr,
		getenv:  lookupEnv(environ),
		environ: func() []string { return environ },
		signals: make(chan os.Signal),
		hooks:   &testHooks{upstreamDial: up.DialContext, upstreamRoots: up.RootCAs(), sealedResolve: e.resolveFake},
	}
	if e.hooks != nil {
		e.hooks(env.hooks)
	}
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	args := append([]string{"depaudit", "build", "--capture", res.capturePath, "-o", res.sbomPath,
		"--unclassified", res.unclassifiedPath}, flags...)
	args = append(append(args, "--"), command...)
	res.code = run(ctx, env, args)
	res.stdout, res.stderr = stdout.String(), stderr.String()
	if f, err := os.Open(res.capturePath); err == nil {
		defer f.Close()
		if res.log, err = capture.ReadLog(f); err != nil {
			e.t.Fatalf("read capture log: %v", err)
		}
	}
	if testing.Verbose() && res.log != nil {
		e.t.Logf("depaudit build -- %s: exit %d, %d exchanges\n%s\nstderr:\n%s", strings.Join(command, " "), res.code,
			len(res.log.Exchanges), describeLog(res.log), res.stderr)
	}
	return res
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// build runs `depaudit build -- command…` against the fake registry (see
// runBuild) and fails the test unless it succeeded with a whole capture log.
func (e *e2eRun) build(command ...string) *e2eResult {
	e.t.Helper()
	return e.buildFlags(nil, command...)
}

// buildFlags is build with depaudit flags.
func (e *e2eRun) buildFlags(flags []string, command ...string) *e2eResult {
	e.t.Helper()
	e.reg.ResetServed()
	res := e.runBuild(e.reg, flags, command...)
	if res.log == nil {
		e.t.Fatalf("%s: no capture log\nstderr:\n%s", strings.Join(command, " "), res.stderr)
	}
	if res.code != 0 {
		e.t.Fatalf("depaudit build -- %s: exit %d\nstdout:\n%s\nstderr:\n%s\ncapture:\n%s",
			strings.Join(command, " "), res.code, res.stdout, res.stderr, describeLog(res.log))
	}
	if res.log.Truncated() {
		e.t.Errorf("capture log is truncated: %s", res.log.Damage)
	}
	e.checkReport(res)
	return res
}

// checkReport runs `depaudit report` on the capture log of a build and
// checks that it writes the build's SBOM (apart from serial number and
// timestamp) and unclassified calls, byte for byte. When the log records
// fetches made after the build, the report runs with --verify-fetch and
// an upstream that refuses every connection: it must read them from the
// log, not fetch again.
func (e *e2eRun) checkReport(res *e2eResult) {
	e.t.Helper()
	out, err := os.MkdirTemp(e.home, "report-")
	if err != nil {
		e.t.Fatal(err)
	}
	sbomPath, unclassifiedPath := filepath.Join(out, "report.cdx.json"), filepath.Join(out, "report.unclassified.json")
	var stdout, stderr bytes.Buffer
	var dials atomic.Int32
	env := &appEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(string) string { return "" }, environ: func() []string { return nil },
		hooks: &testHooks{upstreamDial: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, errors.New("report must not fetch")
		}}}
	args := []string{"depaudit", "report", "-o", sbomPath, "--unclassified", unclassifiedPath}
	if res.log != nil && res.log.FetchEnd != nil {
		args = append(args, "--verify-fetch")
	}
	if code := run(context.Background(), env, append(args, res.capturePath)); code != 0 {
		e.t.Fatalf("depaudit report: exit %d\n%s", code, stderr.String())
	}
	if n := dials.Load(); n > 0 {
		e.t.Errorf("depaudit %s fetched again (%d connections) what the capture log records", strings.Join(args[1:], " "), n)
	}
	for _, pair := range [][2]string{{res.sbomPath, sbomPath}, {res.unclassifiedPath, unclassifiedPath}} {
		built, err := os.ReadFile(pair[0])
		if err != nil {
			e.t.Fatal(err)
		}
		reported, err := os.ReadFile(pair[1])
		if err != nil {
			e.t.Fatal(err)
		}
		blank := func(d []byte) []byte { return volatileRE.ReplaceAll(d, []byte(`$1""`)) }
		if !bytes.Equal(blank(built), blank(reported)) {
			e.t.Errorf("depaudit report %s differs from the build's %s beyond serial number and timestamp", pair[1], pair[0])
		}
	}
}

func describeLog(l *capture.Log) string {
	var b strings.Builder
	for _, x := range l.Exchanges {
		fmt.Fprintf(&b, "  %s %s -> %d %dB complete=%v %s\n", x.Method, x.URL, x.Status, x.Bytes, x.Complete, x.Error)
	}
	return b.String()
}

// exchangeKey identifies a request independently of query redaction and
// percent-encoding: method, scheme, host and decoded path.
func exchangeKey(method, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return method + " " + rawURL
	}
	return method + " " + u.Scheme + "://" + strings.ToLower(u.Hostname()) + u.Path
}

// checkServedWereCaptured checks that every response the fake registry sent
// during the run is in the capture log: same status, and for a body the
// same length and digests with complete:true. It also checks that no
// exchange failed. It returns the exchanges by key.
func checkServedWereCaptured(t *testing.T, reg *fakeregistry.Server, l *capture.Log) {
	t.Helper()
	byKey := map[string][]*capture.Exchange{}
	challenged := map[*capture.Exchange]bool{}
	for i := range l.Exchanges {
		x := &l.Exchanges[i]
		if isProxyChallenge(l, i) {
			// A client that does not send its proxy credential until
			// challenged (libcurl's "any" auth) shows one refused CONNECT.
			t.Logf("proxy challenge before the credential was sent: %s %s", x.Method, x.URL)
			challenged[x] = true
			continue
		}
		if x.Error != "" {
			t.Errorf("exchange %s %s failed: %s", x.Method, x.URL, x.Error)
		}
		k := exchangeKey(x.Method, x.URL)
		byKey[k] = append(byKey[k], x)
	}
	served := reg.Served()
	if len(served) == 0 {
		t.Fatalf("the fake registry served nothing; capture:\n%s", describeLog(l))
	}
	used := map[*capture.Exchange]bool{}
	for _, sv := range served {
		k := exchangeKey(sv.Method, sv.URL)
		var match *capture.Exchange
		for _, x := range byKey[k] {
			if !used[x] && x.Status == sv.Status && (x.SHA256 == sv.SHA256 || sv.Method == "HEAD") {
				match = x
				break
			}
		}
		if match == nil {
			t.Errorf("served %s %s (%d, %d bytes, sha256 %s) is not in the capture log with the same status and sha256; capture has %d exchange(s) for it",
				sv.Method, sv.URL, sv.Status, sv.Bytes, sv.SHA256, len(byKey[k]))
			continue
		}
		used[match] = true
		if sv.Method == "HEAD" || sv.Status == 304 || sv.Status == 204 {
			continue
		}
		// SHA-512 and SHA-1 are recorded where the body's ecosystem
		// publishes them (the verification tests prove they are there
		// when needed); a recorded one must be right.
		if !match.Complete || match.Bytes != sv.Bytes || (match.SHA512 != "" && match.SHA512 != sv.SHA512) || (match.SHA1 != "" && match.SHA1 != sv.SHA1) {
			t.Errorf("%s %s: captured complete=%v bytes=%d sha512=%.16s… sha1=%s, served %d bytes sha512=%.16s… sha1=%s",
				sv.Method, sv.URL, match.Complete, match.Bytes, match.SHA512, match.SHA1, sv.Bytes, sv.SHA512, sv.SHA1)
		}
	}
	for i := range l.Exchanges {
		x := &l.Exchanges[i]
		if !used[x] && !challenged[x] {
			t.Errorf("captured %s %s (%d) was never served by the fake registry", x.Method, x.URL, x.Status)
		}
	}
}

// isProxyChallenge reports whether exchange i is a CONNECT refused with 407
// that a later successful exchange with the same host follows: the Basic
// challenge round of a client that authenticates only when asked.
func isProxyChallenge(l *capture.Log, i int) bool {
	x := l.Exchanges[i]
	if x.Method != "CONNECT" || x.Status != 407 {
		return false
	}
	for _, y := range l.Exchanges[i+1:] {
		if y.Host == x.Host && y.Method != "CONNECT" && y.Error == "" && y.Status != 407 {
			return true
		}
	}
	return false
}

// publishedDigests returns the SHA-512 and SHA-1 of f that a build records:
// those of an ecosystem that publishes them, "" for others (see
// verify.HashesFor).
func publishedDigests(f fakeregistry.File) (sha512, sha1 string) {
	hs := verify.HashesFor(classify.Finding{Kind: classify.KindArtifact, Ecosystem: f.Ecosystem})
	if hs&capture.HashSHA512 != 0 {
		sha512 = f.SHA512
	}
	if hs&capture.HashSHA1 != 0 {
		sha1 = f.SHA1
	}
	return sha512, sha1
}

// checkArtifacts checks that each listed artifact of the manifest was
// downloaded in the run with complete:true and the manifest's digests.
// urls name the files by the URL (or alias) the client requested.
func checkArtifacts(t *testing.T, reg *fakeregistry.Server, l *capture.Log, urls ...string) {
	t.Helper()
	for _, u := range urls {
		f, ok := reg.Manifest().Lookup(u)
		if !ok {
			t.Fatalf("%s is not in the fake registry's manifest", u)
		}
		found := false
		for _, x := range l.Exchanges {
			if x.Status != 200 || exchangeKey(x.Method, x.URL) != exchangeKey("GET", u) {
				continue
			}
			found = true
			want512, want1 := publishedDigests(f)
			if !x.Complete || x.SHA256 != f.SHA256 || x.SHA512 != want512 || x.SHA1 != want1 || x.Bytes != int64(len(f.Body)) {
				t.Errorf("%s: captured complete=%v bytes=%d sha256=%s, manifest %d bytes sha256=%s",
					u, x.Complete, x.Bytes, x.SHA256, len(f.Body), f.SHA256)
			}
		}
		if !found {
			t.Errorf("artifact %s (%s) was not downloaded; capture:\n%s", u, f.PURL, describeLog(l))
		}
	}
}

// npmProject makes e.dir an empty npm project and quiets npm: no retries
// (a failure should fail fast), no audit, fund or update calls.
func (e *e2eRun) npmProject() {
	e.env["npm_config_fetch_retries"] = "0"
	e.env["npm_config_audit"] = "false"
	e.env["npm_config_fund"] = "false"
	e.env["npm_config_update_notifier"] = "false"
	e.writeFile("package.json", `{"name":"e2e-app","version":"1.0.0","private":true}`+"\n")
}

// pipEnv makes pip fail fast and ask nothing.
func (e *e2eRun) pipEnv() {
	e.env["PIP_RETRIES"] = "0"
	// pip's 15 s socket timeout is not for a machine running every
	// suite at once (it once found no index under that load).
	e.env["PIP_TIMEOUT"] = "60"
	e.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
	e.env["PIP_NO_INPUT"] = "1"
	e.env["PYTHONDONTWRITEBYTECODE"] = "1"
}

// goEnv gives the go command fresh caches under HOME, the local toolchain
// only, no checksum database (GOSUMDB=off; tests that want one set it) and
// telemetry off: with it on, the go command starts a child that writes
// under HOME after the build has ended, racing the test's cleanup.
func (e *e2eRun) goEnv() {
	mode := filepath.Join(e.home, ".config", "go", "telemetry", "mode")
	if err := os.MkdirAll(filepath.Dir(mode), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(mode, []byte("off\n"), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.env["GOMODCACHE"] = filepath.Join(e.home, "gomodcache")
	e.env["GOPATH"] = filepath.Join(e.home, "gopath")
	e.env["GOCACHE"] = filepath.Join(e.home, "gocache")
	e.env["GOFLAGS"] = "-modcacherw"
	e.env["GOSUMDB"] = "off"
	e.env["GOTOOLCHAIN"] = "local"
	e.env["GOENV"] = "off"
	e.env["GO111MODULE"] = "on"
}

// cargoProject makes e.dir a crate depending on fixture-crate, with cargo
// from bin and a fresh CARGO_HOME.
func (e *e2eRun) cargoProject(bin string) {
	e.path = []string{bin}
	e.env["CARGO_HOME"] = filepath.Join(e.home, "cargo")
	e.env["CARGO_NET_RETRY"] = "0"
	e.env["CARGO_TERM_COLOR"] = "never"
	e.writeFile("Cargo.toml", "[package]\nname = \"e2e-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nfixture-crate = \"0.1\"\n")
	e.writeFile("src/lib.rs", "")
}
