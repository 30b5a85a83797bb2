package main

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
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
