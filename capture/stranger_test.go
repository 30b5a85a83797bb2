package capture

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// strangerUID is the user other users' processes run as in these tests.
const strangerUID = 65534

// strangerCommand returns a command that runs this test binary's helper
// test named helper as another user (uid and gid 65534), with env added.
// It skips the test unless it runs as root, which may switch users.
func strangerCommand(t *testing.T, helper string, env ...string) *exec.Cmd {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to act as another user")
	}
	// The binary is copied where another user may run it: the test's own
	// directories are private.
	dir, err := os.MkdirTemp("", "depaudit-stranger-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "stranger.test")
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+helper+"$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append([]string{"DEPAUDIT_STRANGER_HELPER=1", "PATH=/usr/bin:/bin"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: strangerUID, Gid: strangerUID}}
	return cmd
}

// reuseAddrDialer dials from 127.0.0.1:port with SO_REUSEADDR, so that two
// sockets (of any users) may share the local port toward different
// destinations, as the kernel's ephemeral ports may.
func reuseAddrDialer(port int) *net.Dialer {
	return &net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port},
		Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			if err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
			}); err != nil {
				return err
			}
			return serr
		},
	}
}

// TestStrangerHelper is not a test: run as another user by
// strangerCommand, it sends one request without the credential to the
// proxy at $PROXY from local port $PORT, and prints the answer's status.
func TestStrangerHelper(t *testing.T) {
	if os.Getenv("DEPAUDIT_STRANGER_HELPER") != "1" {
		t.Skip("helper process only")
	}
	port, _ := strconv.Atoi(os.Getenv("PORT"))
	c, err := reuseAddrDialer(port).Dial("tcp", os.Getenv("PROXY"))
	if err != nil {
		fmt.Printf("dial: %v\n", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET http://example.com/stranger HTTP/1.1\r\nHost: example.com\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		fmt.Printf("read: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("status %d\n", resp.StatusCode)
	os.Exit(0)
}

// TestStrangerReusingAdmittedPortGets407: a connection to the JVM port is
// admitted for its owner (this process); another user's socket with the
// same source address, on the main port, gets 407: admission belongs to
// the connection, not to its address.
func TestStrangerReusingAdmittedPortGets407(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stranger" {
			t.Errorf("another user's request reached upstream")
		}
		io.WriteString(w, "ok")
	}), true)
	jvm, _ := url.Parse(tp.JVMURL())
	own, err := reuseAddrDialer(0).Dial("tcp", jvm.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	br := bufio.NewReader(own)
	fmt.Fprintf(own, "GET http://example.com/own HTTP/1.1\r\nHost: example.com\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("own connection on the JVM port: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	port := own.LocalAddr().(*net.TCPAddr).Port

	cmd := strangerCommand(t, "TestStrangerHelper", "PROXY="+tp.Addr(), "PORT="+strconv.Itoa(port))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stranger: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "status 407") {
		t.Errorf("another user reusing an admitted connection's source port got: %s", out)
	}
	// The admitted connection is still admitted.
	fmt.Fprintf(own, "GET http://example.com/own2 HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("own connection after the stranger: %v %v", resp, err)
	}
}

// TestStrangersCountedApart: a request without the credential from the
// build's own process tree is recorded (a tool in the build that could not
// authenticate); the same from processes outside it (this test process,
// another user's curl, a flood of them) is refused, counted and sampled,
// and never written to the log.
func TestStrangersCountedApart(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("needs curl")
	}
	var root atomic.Int64
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request without the credential reached upstream: %s", r.URL)
	}), true, func(c *ProxyConfig) { c.BuildRoot = func() int { return int(root.Load()) } })

	// The build: a shell whose child curl has no credential.
	build := exec.Command("sh", "-c", `read go; `+curl+` -s -o /dev/null -w '%{http_code}' -x http://`+tp.Addr()+` http://build.example/x`)
	stdin, err := build.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var buildOut strings.Builder
	build.Stdout = &buildOut
	if err := build.Start(); err != nil {
		t.Fatal(err)
	}
	root.Store(int64(build.Process.Pid))
	io.WriteString(stdin, "go\n")
	stdin.Close()
	if err := build.Wait(); err != nil || buildOut.String() != "407" {
		t.Fatalf("build's curl: %q %v", buildOut.String(), err)
	}

	// Strangers: this process (same user, outside the build's tree), many
	// times, and another user.
	const flood = 300
	c := tp.client(t, true)
	floodStrangers(t, c, flood)
	want := int64(flood)
	if os.Getuid() == 0 {
		if setpriv, err := exec.LookPath("setpriv"); err == nil {
			out, _ := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", curl, "-s", "-o", "/dev/null",
				"-w", "%{http_code}", "-x", "http://"+tp.Addr(), "http://other-user.example/x").Output()
			if string(out) != "407" {
				t.Fatalf("another user's curl: %q", out)
			}
			want++
		}
	}

	xs := tp.rec.waitFor(t, 1)
	if len(xs) != 1 || xs[0].Host != "build.example" || xs[0].Status != http.StatusProxyAuthRequired {
		for _, x := range xs[:min(len(xs), 5)] {
			t.Logf("recorded: %s %s %d", x.Method, x.URL, x.Status)
		}
		t.Fatalf("recorded %d exchanges, want only the build's own refusal", len(xs))
	}
	s := tp.Strangers()
	if s.Refused != want || len(s.Samples) != MaxStrangerSamples {
		t.Errorf("strangers: %d refused, %d samples; want %d, %d", s.Refused, len(s.Samples), want, MaxStrangerSamples)
	}
	if s.Samples[0].Host != "stranger.example" || s.Samples[0].UID != os.Getuid() || s.Samples[0].Port != "main" {
		t.Errorf("first sample: %+v", s.Samples[0])
	}
}

// TestStrangerChecksAreRateLimited: a flood of refused connections from
// this user's processes outside the build is not each looked for through
// /proc: past a burst, at most MaxStrangerChecks a second are, and the
// rest count as strangers unchecked.
func TestStrangerChecksAreRateLimited(t *testing.T) {
	// The build: a process that makes no request; this test's process is
	// outside its tree.
	build := exec.Command("sleep", "60")
	if err := build.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { build.Process.Kill(); build.Wait() })
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request without the credential reached upstream: %s", r.URL)
	}), true, func(c *ProxyConfig) { c.BuildRoot = func() int { return build.Process.Pid } })
	// A slower rate than the real one, so that the flood outruns it
	// however slow the machine (the race detector) makes the requests.
	const perSecond, burst = 5, 10
	tp.strangers.checks = rate.NewLimiter(perSecond, burst)
	const flood = 200
	c := tp.client(t, true)
	start := time.Now()
	floodStrangers(t, c, flood)
	// A refusal is counted after its 407 is written.
	s := tp.Strangers()
	for deadline := time.Now().Add(10 * time.Second); s.Refused < flood && time.Now().Before(deadline); s = tp.Strangers() {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start).Seconds()
	if s.Refused != flood {
		t.Fatalf("refused %d, want %d", s.Refused, flood)
	}
	checked := s.Refused - s.Unchecked
	if limit := int64(burst + perSecond*elapsed + 1); checked > limit || s.Unchecked == 0 {
		t.Errorf("%d of %d refusals looked for through /proc in %.2fs (at most %d allowed), %d unchecked",
			checked, flood, elapsed, limit, s.Unchecked)
	}
}

// floodStrangers sends n requests without the proxy credential through c,
// each of which must be refused with 407.
func floodStrangers(t *testing.T, c *http.Client, n int) {
	t.Helper()
	for i := range n {
		resp, err := c.Get(fmt.Sprintf("http://stranger.example/%d", i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusProxyAuthRequired {
			t.Fatalf("stranger got %d", resp.StatusCode)
		}
	}
}
