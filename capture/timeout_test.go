package capture

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSilentUpstreamAskedOnce: an upstream that never answers holds a
// request for the stall timeout, once: the request is not sent again (the
// upstream counts what it received), and
// the exchange says it timed out. Both on a fresh connection and on a
// pooled one that served a request before.
func TestSilentUpstreamAskedOnce(t *testing.T) {
	const stall = 600 * time.Millisecond
	for _, plain := range []bool{false, true} {
		name := "https"
		if plain {
			name = "http"
		}
		t.Run(name, func(t *testing.T) {
			var silent atomic.Int32
			release := make(chan struct{})
			tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/silent") {
					silent.Add(1)
					select {
					case <-release:
					case <-r.Context().Done():
					}
					return
				}
				io.WriteString(w, "ok")
			}), plain, func(c *ProxyConfig) { c.StallTimeout = stall })
			defer close(release)
			c := tp.client(t, false)
			base := "https://example.com"
			if plain {
				base = "http://example.com"
			}
			// A first request leaves a pooled connection behind.
			resp, err := c.Get(base + "/ok")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			for i := 1; i <= 2; i++ {
				start := time.Now()
				resp, err = c.Get(base + "/silent")
				took := time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(b), "timeout") {
					t.Errorf("answer %d %q", resp.StatusCode, b)
				}
				// Held for the stall timeout (no wall-clock bound above it:
				// a loaded machine only makes it longer); asked once is
				// the upstream's count below.
				if took < stall {
					t.Errorf("request %d answered after %v, before the stall timeout of %v", i, took, stall)
				}
				if n := silent.Load(); n != int32(i) {
					t.Errorf("after %d request(s), the upstream received %d", i, n)
				}
			}
			for _, x := range tp.rec.waitFor(t, 3) {
				if strings.HasSuffix(x.URL, "/silent") && !strings.Contains(x.Error, "timeout awaiting response headers") {
					t.Errorf("exchange error %q", x.Error)
				}
			}
		})
	}
}

// TestUpstreamTimeoutIsATimeout: the pool's header timeout is a timeout to
// errors.As, like the Transport's.
func TestUpstreamTimeoutIsATimeout(t *testing.T) {
	err := headerTimeoutError(time.Second, &net.OpError{Op: "read", Err: errTestTimeout{}})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !isTimeout(err) {
		t.Errorf("%v is not a timeout", err)
	}
}

type errTestTimeout struct{}

func (errTestTimeout) Error() string   { return "i/o timeout" }
func (errTestTimeout) Timeout() bool   { return true }
func (errTestTimeout) Temporary() bool { return true }
