package capture

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseProcAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0100007F:1F90", "127.0.0.1:8080"},
		{"00000000000000000000000001000000:0050", "[::1]:80"},
	} {
		a, err := parseProcAddr(tc.in)
		if err != nil || a.String() != tc.want {
			t.Errorf("parseProcAddr(%q) = %v, %v; want %s", tc.in, a, err, tc.want)
		}
	}
	for _, bad := range []string{"", "0100007F", "zz:1", "0100007F:zz", "01:0050"} {
		if _, err := parseProcAddr(bad); err == nil {
			t.Errorf("parseProcAddr(%q) accepted", bad)
		}
	}
}

func TestSocketOwnerFindsOwnConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	uid, err := socketOwner(c.LocalAddr().(*net.TCPAddr), c.RemoteAddr().(*net.TCPAddr))
	if err != nil || uid != os.Getuid() {
		t.Errorf("socketOwner = %d, %v; want %d", uid, err, os.Getuid())
	}
}

// TestJVMPortAdmitsSameUserWithoutCredential: the JVM port lets this
// process in without the credential; the main port still answers 407.
func TestJVMPortAdmitsSameUserWithoutCredential(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), false)
	c := tp.client(t, true)
	jvm, _ := url.Parse(tp.JVMURL())
	jvm.User = nil
	c.Transport.(*http.Transport).Proxy = http.ProxyURL(jvm)
	resp, err := c.Get("https://example.com/a.jar")
	if err != nil {
		t.Fatalf("same-user client refused on the JVM port: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Errorf("got %q", b)
	}
	if x := tp.rec.waitFor(t, 1)[0]; !x.Complete {
		t.Errorf("%+v", x)
	}
}

// TestJVMPortRefusesOtherUsers runs curl as another user against the JVM
// port: the connection is closed before any request is read.
func TestJVMPortRefusesOtherUsers(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	curl, err2 := exec.LookPath("curl")
	if os.Getuid() != 0 || err != nil || err2 != nil {
		t.Skip("needs root, setpriv and curl to act as another user")
	}
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("another user's request reached upstream")
	}), true)
	jvm, _ := url.Parse(tp.JVMURL())
	out, err := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", curl, "-sS", "--max-time", "10",
		"-x", "http://"+jvm.Host, "http://example.com/x").CombinedOutput()
	if err == nil {
		t.Fatalf("another user got through the JVM port: %s", out)
	}
	if !strings.Contains(string(out), "Empty reply") && !strings.Contains(string(out), "reset") && !strings.Contains(string(out), "closed") {
		t.Logf("curl as nobody: %s", out)
	}
	if n := len(tp.rec.all()); n != 0 {
		t.Errorf("%d exchanges recorded for a refused connection", n)
	}
}
