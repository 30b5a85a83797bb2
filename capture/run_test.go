package capture

import (
	"bytes"
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestRunRecordsDownloadsLeftInFlight: a download still running in a
// process the build left behind when it exited is given ShutdownGrace,
// then recorded as incomplete, before the trailer; nothing is lost.
func TestRunRecordsDownloadsLeftInFlight(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	started := make(chan struct{}, 1)
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(bytes.Repeat([]byte("x"), 1000))
		w.(http.Flusher).Flush()
		started <- struct{}{}
		<-r.Context().Done() // never finishes on its own
	}))
	defer origin.Close()
	roots := x509.NewCertPool()
	roots.AddCert(origin.Certificate())
	var log bytes.Buffer
	res, err := Run(context.Background(), RunConfig{
		Command: []string{"sh", "-c", curl + " -sS -o /dev/null https://example.com/slow.tgz & sleep 1; exit 0"},
		Environ: os.Environ(),
		Log:     &log,
		Version: "test",
		UpstreamDial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, origin.Listener.Addr().String())
		},
		UpstreamRootCAs: roots,
		ShutdownGrace:   300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	default:
		t.Fatal("the download never started")
	}
	l, err := ReadLog(&log)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || l.Trailer == nil || l.Trailer.Exchanges != 1 || len(l.Exchanges) != 1 {
		t.Fatalf("exit %d, trailer %+v, %d exchanges", res.ExitCode, l.Trailer, len(l.Exchanges))
	}
	x := l.Exchanges[0]
	if x.Complete || x.Bytes != 1000 || !strings.Contains(x.Error, "depaudit stopped") || x.SHA256 != "" {
		t.Errorf("exchange left in flight recorded as %+v", x)
	}
}
