package capture

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTunnelOtherProtocolRecorded: a CONNECT tunnel whose client then sends
// something other than TLS (an SSH banner, binary data, text that is no
// HTTP request) is recorded, with its destination and the kind of its
// first bytes, and never its bytes; a plain HTTP request through a tunnel
// is recorded as the exchange it is, and a tunnel closed without a word is
// not recorded.
func TestTunnelOtherProtocolRecorded(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), true)
	for _, tc := range []struct{ host, send, want string }{
		{"git.example", "SSH-2.0-OpenSSH_9.6 SECRET\r\n", "SSH banner"},
		{"db.example", "\x00\x00\x00\x08\x04\xd2\x16\x2fSECRET", "binary data"},
		{"text.example", "HELLO SECRET\r\n\r\n", "printable text"},
		{"quiet.example", "", ""},
	} {
		conn := openTunnel(t, tp.Proxy, tc.host)
		if tc.send != "" {
			conn.Write([]byte(tc.send))
		}
		if tc.send == "" {
			conn.Close()
		} else {
			// Until the proxy closes the tunnel, or the client gives up
			// waiting for an answer (the binary protocol's).
			conn.SetReadDeadline(time.Now().Add(time.Second))
			io.Copy(io.Discard, conn)
			conn.Close()
		}
	}
	// A plain HTTP request through a tunnel is an exchange like another.
	conn := openTunnel(t, tp.Proxy, "plain.example")
	io.WriteString(conn, "GET /x HTTP/1.1\r\nHost: plain.example\r\nConnection: close\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.Copy(io.Discard, conn)
	conn.Close()

	xs := tp.rec.waitFor(t, 4)
	time.Sleep(100 * time.Millisecond)
	xs = tp.rec.all()
	got := map[string]*Exchange{}
	for _, x := range xs {
		got[x.Host] = x
		if strings.Contains(x.Error, "SECRET") {
			t.Errorf("the tunnel's bytes are in the log: %q", x.Error)
		}
	}
	for _, tc := range []struct{ host, want string }{
		{"git.example", "SSH banner"}, {"db.example", "binary data"}, {"text.example", "printable text"},
	} {
		x := got[tc.host]
		if x == nil || x.Method != http.MethodConnect || !strings.Contains(x.Error, tc.want) || !strings.Contains(x.Error, "not TLS") {
			t.Errorf("%s: %+v, want a CONNECT recorded with %q", tc.host, x, tc.want)
		}
	}
	if x := got["plain.example"]; x == nil || x.Method != http.MethodGet || x.Status != 200 {
		t.Errorf("plain HTTP through the tunnel: %+v", x)
	}
	if x := got["quiet.example"]; x != nil {
		t.Errorf("a tunnel closed without a word was recorded: %+v", x)
	}
	if len(xs) != 4 {
		t.Errorf("%d exchanges recorded, want 4", len(xs))
	}
}
