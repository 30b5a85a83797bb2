package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
)

// otherUser returns the command line prefix that runs a program as another
// user (uid and gid 65534), skipping the test when that is not possible.
func otherUser(t *testing.T) []string {
	t.Helper()
	setpriv, err := exec.LookPath("setpriv")
	if os.Getuid() != 0 || err != nil {
		t.Skip("needs root and setpriv to act as another user")
	}
	return []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}
}

// TestE2EMavenCredentialNotOnCommandLine runs a real Maven build while
// another user reads every process's command line: the java command line
// (where Maven puts MAVEN_OPTS) is seen, and never holds the proxy
// credential.
func TestE2EMavenCredentialNotOnCommandLine(t *testing.T) {
	t.Parallel()
	mvn := requireClient(t, "mvn")
	asOther := otherUser(t)
	e := newE2E(t, fakeregistry.Options{})
	e.writeFile("pom.xml", fakeregistry.MavenProjectPOM)

	watch := exec.Command(asOther[0], append(asOther[1:], "sh", "-c",
		`while :; do for f in /proc/[0-9]*/cmdline; do tr '\000' ' ' < "$f" 2>/dev/null; echo; done; sleep 0.02; done`)...)
	out, err := watch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		s := bufio.NewScanner(out)
		s.Buffer(make([]byte, 0, 1<<20), 1<<20)
		for s.Scan() {
			if l := s.Text(); strings.Contains(l, "java") && len(seen) < 1000 {
				mu.Lock()
				seen[l] = true
				mu.Unlock()
			}
		}
	}()

	proxyFile := filepath.Join(e.home, "proxy-url")
	e.build("sh", "-c", `printf %s "$HTTPS_PROXY" > "$0"; exec "$@"`, proxyFile,
		mvn, "-B", "-q", "-f", filepath.Join(e.dir, "pom.xml"), "-Dmaven.repo.local="+filepath.Join(e.home, "m2"), "validate")
	watch.Process.Kill()
	watch.Wait()
	<-scanned

	raw, err := os.ReadFile(proxyFile)
	if err != nil {
		t.Fatal(err)
	}
	pu, err := url.Parse(string(raw))
	if err != nil || pu.User == nil {
		t.Fatalf("proxy URL %q: %v", raw, err)
	}
	token, _ := pu.User.Password()
	if token == "" {
		t.Fatalf("no credential in %q", raw)
	}
	javaSeen := false
	for l := range seen {
		// Only this build's java: other builds may run on the machine at
		// the same time, and their command lines are not this test's.
		if !strings.Contains(l, e.home) {
			continue
		}
		if strings.Contains(l, "proxyHost=") {
			javaSeen = true
		}
		if strings.Contains(l, token) || strings.Contains(l, "proxyPassword") {
			t.Errorf("another user read the proxy credential from a command line: %s", l)
		}
	}
	if !javaSeen {
		t.Fatalf("the other user never saw Maven's java command line (%d lines with java)", len(seen))
	}
}

// TestE2EStrangerNotBlamedOnBuild: while a build runs, a process outside
// it (this test) sends a request to the proxy without the credential: it
// gets 407, is counted apart in the trailer and on stderr, and is neither
// in the capture log nor blamed on the build in the summary.
func TestE2EStrangerNotBlamedOnBuild(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	proxyFile := filepath.Join(e.home, "proxy-url")
	strangerDone := make(chan int, 1)
	go func() {
		defer os.WriteFile(proxyFile+".done", nil, 0o644)
		deadline := time.Now().Add(time.Minute)
		var raw []byte
		for time.Now().Before(deadline) {
			if b, err := os.ReadFile(proxyFile); err == nil && len(b) > 0 {
				raw = b
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		pu, err := url.Parse(string(raw))
		if err != nil || pu.Host == "" {
			strangerDone <- -1
			return
		}
		pu.User = nil
		c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		resp, err := c.Get("http://stranger.example/blame-me")
		if err != nil {
			strangerDone <- -1
			return
		}
		resp.Body.Close()
		strangerDone <- resp.StatusCode
	}()
	res := e.build("sh", "-c", `printf %s "$HTTPS_PROXY" > "$0"; while [ ! -e "$0.done" ]; do sleep 0.05; done`, proxyFile)
	if code := <-strangerDone; code != http.StatusProxyAuthRequired {
		t.Fatalf("the stranger got %d, want 407", code)
	}
	for _, x := range res.log.Exchanges {
		if strings.Contains(x.URL, "stranger.example") {
			t.Errorf("the stranger's request is in the build's capture log: %+v", x)
		}
	}
	if res.log.Trailer.Strangers != 1 {
		t.Errorf("trailer counts %d strangers, want 1", res.log.Trailer.Strangers)
	}
	if strings.Contains(res.stderr, "own proxy settings") || strings.Contains(res.stderr, "failed") {
		t.Errorf("the summary blames the build for the stranger:\n%s", res.stderr)
	}
	if !strings.Contains(res.stderr, "refused 1 connection or request from processes outside the build") ||
		!strings.Contains(res.stderr, "GET stranger.example") {
		t.Errorf("stderr does not count the stranger apart:\n%s", res.stderr)
	}
	// depaudit report says so too, from the trailer.
	env, _, read := testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "report", "-o", filepath.Join(e.home, "r.json"), res.capturePath}); code != 0 {
		t.Fatalf("report: exit %d", code)
	}
	if _, stderr := read(); !strings.Contains(stderr, "refused 1 connection or request from processes outside the build") ||
		strings.Contains(stderr, "own proxy settings") {
		t.Errorf("report on the build's log:\n%s", stderr)
	}
}

// dialRecorder is an upstream that remembers every address dialed.
type dialRecorder struct {
	up    upstream
	mu    sync.Mutex
	addrs []string
}

func (d *dialRecorder) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	d.mu.Unlock()
	return d.up.DialContext(ctx, network, addr)
}

func (d *dialRecorder) RootCAs() *x509.CertPool { return d.up.RootCAs() }

func (d *dialRecorder) dialed(host string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range d.addrs {
		if h, _, _ := net.SplitHostPort(a); h == host {
			return true
		}
	}
	return false
}

// TestE2EVerifyFetchKeepsPrivateModules: with each of the go command's
// privacy settings in the build's environment, --verify-fetch sends the
// module's path to no checksum database (neither sum.golang.org nor the
// proxy's /sumdb/ endpoint) and says the module is private; without
// them, it looks the module up and verifies it.
func TestE2EVerifyFetchKeepsPrivateModules(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	zip := "https://proxy.golang.org/github.com/example/mod/v2/@v/v2.1.0.zip"
	const purl = "pkg:golang/github.com/example/mod/v2@v2.1.0"
	tam := newTamperer(t, e)
	for _, tc := range []struct{ name, key, value string }{
		{"GOPRIVATE", "GOPRIVATE", "github.com/example"},
		{"GONOSUMDB", "GONOSUMDB", "example.org,github.com/example/mod"},
		{"GONOSUMCHECK", "GONOSUMCHECK", "1"},
		{"GOSUMDB=off", "GOSUMDB", "off"},
		{"another checksum database", "GOSUMDB", "sum.example.com+abcdef https://sum.example.com"},
		{"GOFLAGS=-insecure", "GOFLAGS", "-mod=mod -insecure"},
		{"go env -w GOPRIVATE", "go env file", "GOPRIVATE=github.com/example/mod\n"},
		{"public", "", ""},
	} {
		for _, k := range []string{"GOPRIVATE", "GONOSUMDB", "GONOSUMCHECK", "GOSUMDB", "GOFLAGS"} {
			delete(e.env, k)
		}
		goEnvFile := filepath.Join(e.home, ".config", "go", "env")
		os.Remove(goEnvFile)
		switch tc.key {
		case "":
		case "go env file":
			os.MkdirAll(filepath.Dir(goEnvFile), 0o755)
			if err := os.WriteFile(goEnvFile, []byte(tc.value), 0o644); err != nil {
				t.Fatal(err)
			}
		default:
			e.env[tc.key] = tc.value
		}
		e.reg.ResetServed()
		rec := &dialRecorder{up: tam}
		res := e.runBuild(rec, []string{"--verify-fetch"}, curl, "-fsS", "-o", filepath.Join(e.dir, "m.zip"), zip)
		if res.code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.name, res.code, res.stderr)
		}
		vr := &verifyResult{e2eResult: res, bom: readBOM(t, res)}
		asked := rec.dialed("sum.golang.org")
		for _, s := range e.reg.Served() {
			if strings.Contains(s.URL, "/sumdb/") && strings.Contains(s.URL, "example/mod") {
				asked = true
			}
		}
		verdict, reason := vr.verdict(t, purl), vr.prop(t, purl, sbom.PropVerificationReason)
		if tc.key == "" {
			if !asked || verdict != "verified" {
				t.Errorf("public module: checksum database asked %v, verdict %s %q", asked, verdict, reason)
			}
			continue
		}
		if asked {
			t.Errorf("%s: --verify-fetch sent the private module's path to a checksum database", tc.name)
		}
		if verdict != "unverifiable" || len(reason) != 1 || !strings.HasPrefix(reason[0], "private module") {
			t.Errorf("%s: verdict %s, reason %q; want unverifiable: private module", tc.name, verdict, reason)
		}
	}
}
