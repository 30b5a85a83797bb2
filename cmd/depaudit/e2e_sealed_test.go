package main

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/sealed"
)

// TestMain lets the test binary serve as a sealed build's init: a sealed
// build re-executes depaudit's own executable, here the test binary.
func TestMain(m *testing.M) {
	if sealed.IsInit() {
		os.Exit(sealed.InitMain())
	}
	os.Exit(m.Run())
}

// resolveFake resolves the fake registry's host names (to an address that
// is never dialled: the upstream dialer routes names) and localhost; other
// names do not exist.
func (e *e2eRun) resolveFake(_ context.Context, host string) ([]netip.Addr, error) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	for _, known := range e.reg.Hosts() {
		if known == h {
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		}
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// requireSealed skips (or fails under DEPAUDIT_REQUIRE_CLIENTS=1) where
// the kernel refuses what a sealed build needs.
func requireSealed(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		missingClient(t, "/dev/net/tun", err)
	}
}

func transparentExchanges(l *capture.Log) (n int) {
	for _, x := range l.Exchanges {
		if x.Transparent {
			n++
		}
	}
	return n
}

// TestE2ESealedCurl: curl honouring the proxy variables in a sealed build
// is recorded as without --sealed; curl ignoring them (--noproxy '*') is
// captured transparently, with the same bytes and digests.
func TestE2ESealedCurl(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	bin := fakeregistry.GenericBinaryURL(fakeregistry.Options{})
	res := e.buildFlags([]string{"--sealed"}, curl, "-fsS", "-o", filepath.Join(e.dir, "toolbox"), bin)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, bin)
	if !res.log.Header.Sealed {
		t.Error("the capture log's header does not say the build was sealed")
	}
	if n := transparentExchanges(res.log); n != 0 {
		t.Errorf("%d exchanges through the proxy recorded as transparent", n)
	}

	for _, u := range []string{bin, strings.Replace(bin, "https://", "http://", 1)} {
		res = e.buildFlags([]string{"--sealed"}, curl, "--noproxy", "*", "-fsS", "-o", filepath.Join(e.dir, "toolbox2"), u)
		checkServedWereCaptured(t, e.reg, res.log)
		checkArtifacts(t, e.reg, res.log, u)
		if n := transparentExchanges(res.log); n != 1 || len(res.log.Exchanges) != 1 {
			t.Errorf("%s: %d of %d exchanges transparent, want the one", u, n, len(res.log.Exchanges))
		}
		found := false
		for _, lk := range res.log.Lookups {
			found = found || lk.Name == fakeregistry.HostGeneric && lk.Type == "A" && len(lk.Answer) == 1
		}
		if !found {
			t.Errorf("no lookup of %s recorded: %+v", fakeregistry.HostGeneric, res.log.Lookups)
		}
		bom := readBOM(t, res)
		if got := propValues(bom.Metadata.Properties, sbom.PropSealed); !slices.Equal(got, []string{"true"}) {
			t.Errorf("metadata %s = %q", sbom.PropSealed, got)
		}
		if bom.Components == nil || len(*bom.Components) != 1 ||
			!slices.Equal(propValues((*bom.Components)[0].Properties, sbom.PropTransparent), []string{"true"}) {
			t.Errorf("the download is not a component marked transparent")
		}
		if !strings.Contains(res.stderr, "1 request came around the proxy (captured transparently) to: "+fakeregistry.HostGeneric) {
			t.Errorf("the summary does not name the transparent request:\n%s", res.stderr)
		}
	}
}

// TestE2ESealedPolicyBypass: policy.bypass: deny makes a transparent
// request and a blocked connection violations (audit: reported; enforce:
// the transparent request is refused).
func TestE2ESealedPolicyBypass(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	sh := requireClient(t, "sh")
	curl := requireClient(t, "curl")
	git := requireClient(t, "git")
	e := newE2E(t, fakeregistry.Options{})
	bin := fakeregistry.GenericBinaryURL(fakeregistry.Options{})
	script := curl + " --noproxy '*' -fsS -o /dev/null " + bin + "; " + git + " clone -q git://" + fakeregistry.HostGeneric + "/r.git " + e.dir + "/r; exit 0"
	rulesPath := filepath.Join(e.dir, "rules.yaml")
	e.writeFile("rules.yaml", "sealed: true\npolicy:\n  bypass: deny\n")
	res := e.runBuild(e.reg, []string{"--rules", rulesPath, "--fail-on-violation"}, sh, "-c", script)
	if res.code != exitViolation {
		t.Errorf("exit %d, want %d\n%s", res.code, exitViolation, res.stderr)
	}
	for _, want := range []string{
		`deny: rule policy.bypass "deny": ` + fakeregistry.HostGeneric + " was reached around the proxy",
		`deny: rule policy.bypass "deny": the build tried a connection that was neither TLS nor HTTP (tcp/git ` + fakeregistry.HostGeneric + ":9418)",
		"blocked (not TLS or HTTP): tcp/git " + fakeregistry.HostGeneric + ":9418",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	bom := readBOM(t, res)
	blocked := false
	for _, s := range *bom.Services {
		blocked = blocked || s.Name == fakeregistry.HostGeneric+":9418" && slices.Equal(propValues(s.Properties, sbom.PropBlocked), []string{"true"})
	}
	if !blocked {
		t.Errorf("no blocked service in the SBOM: %+v", *bom.Services)
	}

	e.writeFile("rules.yaml", "sealed: true\nmode: enforce\npolicy:\n  bypass: deny\n")
	res = e.runBuild(e.reg, []string{"--rules", rulesPath}, curl, "--noproxy", "*", "-fsS", "-o", "/dev/null", bin)
	if res.code == 0 || len(res.log.Exchanges) != 1 || res.log.Exchanges[0].Status != 403 {
		t.Errorf("enforce: exit %d, exchanges %s", res.code, describeLog(res.log))
	}
}

// listenCounting listens on addr and counts the connections it accepts,
// echoing what they send.
func listenCounting(t *testing.T, addr string) (net.Listener, *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return l, &n
}

// blockedTo returns the connection records of action to port.
func connectionsTo(l *capture.Log, action string, port int) []capture.Connection {
	var out []capture.Connection
	for _, c := range l.Connections {
		if c.Action == action && c.Port == port {
			out = append(out, c)
		}
	}
	return out
}

// TestE2ESealedBlocksOtherProtocols: git://, ssh and UDP from a sealed
// build are refused at once and recorded with the name that led to them;
// the local servers they aimed at see nothing.
func TestE2ESealedBlocksOtherProtocols(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	git := requireClient(t, "git")
	ssh := requireClient(t, "ssh")
	py := requireClient(t, "python3")
	e := newE2E(t, fakeregistry.Options{})
	l, accepted := listenCounting(t, "127.0.0.1:0")
	sshPort := l.Addr().(*net.TCPAddr).Port
	// Every name routes to the local server, as a real host would serve
	// ssh and git: the sealed network must not let anything reach it.
	e.hooks = func(h *testHooks) {
		h.upstreamDial = func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, l.Addr().String())
		}
	}
	host := fakeregistry.HostGeneric

	start := time.Now()
	res := e.runBuild(e.reg, []string{"--sealed"}, git, "clone", "git://"+host+"/repo.git", filepath.Join(e.dir, "repo"))
	if res.code == 0 {
		t.Errorf("git clone git:// succeeded in a sealed build")
	}
	if c := connectionsTo(res.log, capture.ConnBlocked, 9418); len(c) == 0 || c[0].Name != host || c[0].Protocol != "tcp/git" {
		t.Errorf("git:// connection not recorded as blocked with its name: %+v", res.log.Connections)
	}
	// `depaudit report` makes the same SBOM from the capture log: sealed,
	// with the blocked destination as a service.
	env, _, read := testEnv(t)
	reported := filepath.Join(e.home, "reported.cdx.json")
	if code := run(context.Background(), env, []string{"depaudit", "report", "-o", reported, res.capturePath}); code != 0 {
		_, stderr := read()
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	bom := readBOM(t, &e2eResult{sbomPath: reported})
	if !slices.Equal(propValues(bom.Metadata.Properties, sbom.PropSealed), []string{"true"}) || bom.Services == nil ||
		!slices.ContainsFunc(*bom.Services, func(s cdx.Service) bool {
			return s.Name == host+":9418" && slices.Equal(propValues(s.Properties, sbom.PropBlocked), []string{"true"})
		}) {
		t.Errorf("the reported SBOM lacks the sealed build's blocked service")
	}

	res = e.runBuild(e.reg, []string{"--sealed"}, ssh, "-p", strconv.Itoa(sshPort), "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30", "git@"+host, "true")
	if res.code == 0 {
		t.Errorf("ssh succeeded in a sealed build")
	}
	if c := connectionsTo(res.log, capture.ConnBlocked, sshPort); len(c) == 0 || c[0].Name != host || c[0].Protocol != "tcp/ssh" {
		t.Errorf("ssh connection not recorded as blocked with its name: %+v\n%s", res.log.Connections, res.stderr)
	}

	res = e.runBuild(e.reg, []string{"--sealed"}, py, "-c", `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
s.connect((sys.argv[1], 5353))
s.send(b"hello")
try:
    s.recv(100)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
`, host)
	if strings.TrimSpace(res.stdout) != "refused" {
		t.Errorf("UDP datagram: %q, want refused at once (ICMP port unreachable)", res.stdout)
	}
	if c := connectionsTo(res.log, capture.ConnBlocked, 5353); len(c) != 1 || c[0].Name != host || c[0].Protocol != "udp" {
		t.Errorf("UDP datagram not recorded as blocked with its name: %+v", res.log.Connections)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("blocked connections took %v: they should fail at once", d)
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("the local server accepted %d connections from a sealed build", n)
	}
}

// TestE2ESealedNoWayAround: from inside a sealed build, a listener on the
// host's loopback and one on a host address cannot be reached, by the
// gateway or by the address; what reaches the network is recorded.
func TestE2ESealedNoWayAround(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	py := requireClient(t, "python3")
	e := newE2E(t, fakeregistry.Options{})
	lo, loAccepted := listenCounting(t, "127.0.0.1:0")
	hostIP := ""
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			hostIP = ipn.IP.String()
			break
		}
	}
	if hostIP == "" {
		t.Skip("no non-loopback IPv4 address on this host")
	}
	ext, extAccepted := listenCounting(t, net.JoinHostPort(hostIP, "0"))
	loPort := lo.Addr().(*net.TCPAddr).Port
	extPort := ext.Addr().(*net.TCPAddr).Port
	res := e.runBuild(e.reg, []string{"--sealed"}, py, "-c", `
import socket, sys
for host, port in [("127.0.0.1", int(sys.argv[1])), ("10.0.2.2", int(sys.argv[1])), (sys.argv[2], int(sys.argv[3]))]:
    s = socket.socket()
    s.settimeout(10)
    try:
        s.connect((host, port))
        s.send(b"x")
        print(host, "answered" if s.recv(1) else "closed")
    except OSError as e:
        print(host, type(e).__name__)
`, strconv.Itoa(loPort), hostIP, strconv.Itoa(extPort))
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		if !strings.HasSuffix(line, "ConnectionRefusedError") && !strings.HasSuffix(line, "ConnectionResetError") {
			t.Errorf("connection not refused: %q (stdout %q)", line, res.stdout)
		}
	}
	if c := connectionsTo(res.log, capture.ConnBlocked, loPort); len(c) != 1 || c[0].Dest != "10.0.2.2" {
		t.Errorf("the gateway's port %d is not recorded as blocked: %+v", loPort, res.log.Connections)
	}
	if c := connectionsTo(res.log, capture.ConnBlocked, extPort); len(c) != 1 || c[0].Dest != hostIP {
		t.Errorf("%s:%d is not recorded as blocked: %+v", hostIP, extPort, res.log.Connections)
	}
	if n := loAccepted.Load() + extAccepted.Load(); n != 0 {
		t.Errorf("host listeners accepted %d connections from a sealed build", n)
	}
}

// TestE2ESealedAllowRelays: a destination named in sealed_allow is relayed
// and recorded with its bytes each way.
func TestE2ESealedAllowRelays(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	py := requireClient(t, "python3")
	e := newE2E(t, fakeregistry.Options{})
	db, accepted := listenCounting(t, "127.0.0.1:0")
	e.hooks = func(h *testHooks) {
		resolve := h.sealedResolve
		h.sealedResolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			if host == "db.example.test" {
				return []netip.Addr{netip.MustParseAddr("192.0.2.7")}, nil
			}
			return resolve(ctx, host)
		}
		up := h.upstreamDial
		h.upstreamDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == "db.example.test:5432" {
				var d net.Dialer
				return d.DialContext(ctx, network, db.Addr().String())
			}
			return up(ctx, network, addr)
		}
	}
	e.writeFile(".depaudit.yaml", "sealed: true\nsealed_allow: [\"tcp://db.example.test:5432\"]\n")
	res := e.runBuild(e.reg, []string{"--rules", filepath.Join(e.dir, ".depaudit.yaml")}, py, "-c", `
import socket
s = socket.create_connection(("db.example.test", 5432), timeout=10)
s.sendall(b"ping!")
print(s.recv(100).decode())
s.close()
`)
	if strings.TrimSpace(res.stdout) != "ping!" || res.code != 0 {
		t.Fatalf("relay: exit %d, stdout %q\n%s", res.code, res.stdout, res.stderr)
	}
	c := connectionsTo(res.log, capture.ConnRelayed, 5432)
	if len(c) != 1 || c[0].Name != "db.example.test" || c[0].BytesOut != 5 || c[0].BytesIn != 5 || c[0].Error != "" {
		t.Errorf("relayed connection recorded as %+v", res.log.Connections)
	}
	if accepted.Load() != 1 {
		t.Errorf("the database accepted %d connections, want 1", accepted.Load())
	}
}

// TestE2ESealedRefusals: where the kernel refuses what a sealed build
// needs, the build fails before the command starts, with exit 2 and one
// line naming the cause and the setting that lifts it. Each cause is
// simulated by making the namespaces' creation fail as that kernel makes
// it fail, or (for the TUN device) by a device path that cannot be opened.
func TestE2ESealedRefusals(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	sh := requireClient(t, "sh")
	for _, tc := range []struct {
		name    string
		errno   syscall.Errno
		sysctls map[string]string
		tun     string
		want    []string
	}{
		{"max_user_namespaces", syscall.ENOSPC, map[string]string{"user.max_user_namespaces": "0"}, "",
			[]string{"user.max_user_namespaces is 0", "sudo sysctl -w user.max_user_namespaces=15000"}},
		{"debian userns clone", syscall.EPERM, map[string]string{"kernel.unprivileged_userns_clone": "0"}, "",
			[]string{"kernel.unprivileged_userns_clone=0", "sudo sysctl -w kernel.unprivileged_userns_clone=1"}},
		{"apparmor", syscall.EACCES, map[string]string{"kernel.apparmor_restrict_unprivileged_userns": "1"}, "",
			[]string{"AppArmor", "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"}},
		{"seccomp", syscall.EPERM, nil, "",
			[]string{"seccomp", "--security-opt seccomp=unconfined"}},
		{"no tun device", 0, nil, "/nonexistent/net/tun",
			[]string{"no TUN device", "sudo modprobe tun"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, fakeregistry.Options{})
			e.hooks = func(h *testHooks) {
				h.sealedSysctl = func(name string) (string, error) {
					if v, ok := tc.sysctls[name]; ok {
						return v, nil
					}
					return "", os.ErrNotExist
				}
				if tc.errno != 0 {
					h.sealedSpawn = func(cmd *exec.Cmd) error {
						return &os.PathError{Op: "fork/exec", Path: cmd.Path, Err: tc.errno}
					}
				}
				h.sealedTunPath = tc.tun
			}
			marker := filepath.Join(e.dir, "ran")
			res := e.runBuild(e.reg, []string{"--sealed"}, sh, "-c", "touch "+marker)
			if res.code != 2 {
				t.Errorf("exit %d, want 2", res.code)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the command ran although the sealed build was refused")
			}
			msg := strings.TrimSpace(res.stderr)
			if strings.Count(msg, "\n") != 0 {
				t.Errorf("more than one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
		})
	}
}

// proxylessGet is a Go program whose transport ignores the proxy
// variables: it fetches each URL of its arguments in turn.
const proxylessGet = `package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	for _, u := range os.Args[1:] {
		resp, err := client.Get(u)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			fmt.Fprintln(os.Stderr, u, resp.Status, err)
			os.Exit(1)
		}
		fmt.Println(u, n)
	}
}
`

// buildProxyless builds proxylessGet.
func buildProxyless(t *testing.T) string {
	t.Helper()
	goBin := requireClient(t, "go")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(proxylessGet), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module proxyless\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "proxyless")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestE2ESealedProxylessGo: a Go program whose transport ignores the proxy
// fetches an npm packument and tarball in a sealed build; both are
// captured transparently, and the tarball is classified and verified.
func TestE2ESealedProxylessGo(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	bin := buildProxyless(t)
	e := newE2E(t, fakeregistry.Options{})
	urls := []string{"https://registry.npmjs.org/hello-dep", "https://registry.npmjs.org/hello-dep/-/hello-dep-2.0.1.tgz"}
	r := verifyBuild(e, newTamperer(t, e), []string{"--sealed"}, append([]string{bin}, urls...)...)
	r.checkClean(t, "npm packument integrity", "pkg:npm/hello-dep@2.0.1")
	if n := transparentExchanges(r.log); n != 2 || len(r.log.Exchanges) != 2 {
		t.Errorf("%d of %d exchanges transparent, want 2 of 2\n%s", n, len(r.log.Exchanges), describeLog(r.log))
	}
	if len(r.log.Connections) != 0 {
		t.Errorf("connections blocked: %+v", r.log.Connections)
	}
}

// TestE2ESealedClients: npm, pip, go and mvn in a sealed build give the
// same components, verdicts and requests as without it, all through the
// proxy (none transparent, none blocked).
func TestE2ESealedClients(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	npm := requireClient(t, "npm")
	py := pythonExecutable(t)
	goBin := requireClient(t, "go")
	mvn := requireClient(t, "mvn")
	e := newE2E(t, fakeregistry.Options{})
	e.npmProject()
	e.pipEnv()
	e.goEnv()
	e.env["GOPROXY"] = "https://proxy.golang.org"
	e.writeFile("pom.xml", fakeregistry.MavenProjectPOM)
	for _, tc := range []struct {
		name string
		cmd  func(run string) []string
	}{
		{"npm", func(run string) []string {
			os.RemoveAll(filepath.Join(e.dir, "node_modules"))
			os.Remove(filepath.Join(e.dir, "package-lock.json"))
			return []string{npm, "install", "--prefix", e.dir, "--cache", filepath.Join(e.home, "npm-"+run),
				"--no-audit", "--no-fund", "--loglevel=error", "hello-lib", "@fixture/scoped"}
		}},
		{"pip", func(run string) []string {
			return []string{py, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--quiet", "-d", filepath.Join(e.dir, "pip-"+run), "tiny-wheel"}
		}},
		{"go", func(run string) []string {
			e.env["GOMODCACHE"] = filepath.Join(e.home, "gomod-"+run)
			e.env["GOPATH"] = filepath.Join(e.home, "gopath-"+run)
			return []string{goBin, "-C", e.dir, "mod", "download", "-json", "github.com/Example/Upper@v1.0.0"}
		}},
		{"mvn", func(run string) []string {
			return []string{mvn, "-B", "-q", "-f", filepath.Join(e.dir, "pom.xml"), "-Dmaven.repo.local=" + filepath.Join(e.home, "m2-"+run), "validate"}
		}},
	} {
		plain := verifyBuild(e, newTamperer(t, e), nil, tc.cmd("plain")...)
		plain.mustSucceed(t)
		sealedRun := verifyBuild(e, newTamperer(t, e), []string{"--sealed"}, tc.cmd("sealed")...)
		sealedRun.mustSucceed(t)
		if got, want := componentVerdicts(sealedRun), componentVerdicts(plain); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: sealed components %q, without --sealed %q", tc.name, got, want)
		}
		if got, want := requestKeys(sealedRun.log), requestKeys(plain.log); !slices.Equal(got, want) {
			t.Errorf("%s: sealed requests %q, without --sealed %q", tc.name, got, want)
		}
		if n := transparentExchanges(sealedRun.log); n != 0 || len(sealedRun.log.Connections) != 0 {
			t.Errorf("%s: %d transparent exchanges, connections %+v", tc.name, n, sealedRun.log.Connections)
		}
	}
}

// componentVerdicts lists each component's purl, sha256 and verdict.
func componentVerdicts(r *verifyResult) []string {
	var out []string
	for _, c := range r.components() {
		sha := ""
		if c.Hashes != nil {
			for _, h := range *c.Hashes {
				if h.Algorithm == "SHA-256" {
					sha = h.Value
				}
			}
		}
		out = append(out, c.PackageURL+" "+sha+" "+strings.Join(propValues(c.Properties, sbom.PropVerification), ","))
	}
	slices.Sort(out)
	return out
}

// requestKeys lists the distinct requests of a log.
func requestKeys(l *capture.Log) []string {
	var out []string
	for _, x := range l.Exchanges {
		out = append(out, exchangeKey(x.Method, x.URL))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestBuildSealedExitAndSignals: a sealed build exits with the command's
// code, passes its output through, and forwards signals, as without
// --sealed.
func TestBuildSealedExitAndSignals(t *testing.T) {
	requireSealed(t)
	env, sig, read := testEnv(t)
	dir := t.TempDir()
	capturePath := filepath.Join(dir, "c.jsonl")
	code := run(context.Background(), env, []string{"depaudit", "build", "--sealed", "--capture", capturePath, "-o", filepath.Join(dir, "s.json"),
		"--", "sh", "-c", "echo hi; exit 7"})
	if o, e := read(); code != 7 || o != "hi\n" {
		t.Fatalf("exit %d, stdout %q, want 7 and hi; stderr:\n%s", code, o, e)
	}
	if l := readCapture(t, capturePath); l.Trailer == nil || l.Trailer.ExitCode != 7 || !l.Header.Sealed {
		t.Errorf("capture log %+v %+v", l.Header, l.Trailer)
	}

	ready := filepath.Join(dir, "ready")
	done := make(chan int)
	go func() {
		done <- run(context.Background(), env, []string{"depaudit", "build", "--sealed", "--capture", capturePath, "-o", filepath.Join(dir, "s.json"), "--",
			"sh", "-c", "touch " + ready + "; exec sleep 30"})
	}()
	waitForFile(t, ready)
	sig <- syscall.SIGTERM
	select {
	case code := <-done:
		if code != 143 {
			t.Errorf("exit code %d, want 143", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the sealed command was not terminated by the forwarded SIGTERM")
	}
	if l := readCapture(t, capturePath); l.Trailer == nil || l.Trailer.ExitCode != 143 || l.Trailer.Signal != "terminated" {
		t.Errorf("trailer %+v", l.Trailer)
	}
}
