package capture

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPlainClientResetRecorded: a client that resets a plain-HTTP download
// is recorded as the client's doing, not as an upstream failure.
func TestPlainClientResetRecorded(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000")
		for i := 0; i < 1000; i++ {
			if _, err := w.Write(make([]byte, 10000)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(5 * time.Millisecond)
		}
	}), true)
	conn, err := net.Dial("tcp", tp.Addr())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET http://example.com/big.tgz HTTP/1.1\r\nHost: example.com\r\nProxy-Authorization: %s\r\n\r\n", tp.authValue)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.CopyN(io.Discard, resp.Body, 50000)
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close() // a reset
	x := tp.rec.waitFor(t, 1)[0]
	if x.Complete || !strings.Contains(x.Error, "client") || strings.Contains(x.Error, "upstream") {
		t.Errorf("reset download recorded as complete=%v error=%q", x.Complete, x.Error)
	}
}
