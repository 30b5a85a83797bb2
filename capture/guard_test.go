package capture

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs cfg behind a fake upstream, the command being sh -c
// script with $CURL set, and fails the test when Run takes longer than
// limit. It returns the capture log.
func runWithin(t *testing.T, limit time.Duration, cfg RunConfig, script string, h http.HandlerFunc) (*Log, time.Duration) {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	origin := httptest.NewTLSServer(h)
	t.Cleanup(origin.Close)
	roots := x509.NewCertPool()
	roots.AddCert(origin.Certificate())
	var log bytes.Buffer
	cfg.Command = []string{"sh", "-c", script}
	cfg.Environ = append(os.Environ(), "CURL="+curl)
	cfg.Log = &log
	cfg.Version = "test"
	cfg.UpstreamRootCAs = roots
	cfg.UpstreamDial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, origin.Listener.Addr().String())
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), cfg)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(limit):
		t.Fatalf("Run still running after %v", limit)
	}
	took := time.Since(start)
	l, err := ReadLog(&log)
	if err != nil {
		t.Fatal(err)
	}
	if l.Trailer == nil {
		t.Fatal("no trailer")
	}
	return l, took
}

// panickingInspector fails on the first bytes.
type panickingInspector struct{}

func (panickingInspector) Write([]byte) (int, error) { panic("inspector bug") }
func (panickingInspector) Finish(bool) []Digest      { panic("inspector bug") }

// TestRunSurvivesFailingGateAndInspector: a policy gate or a body inspector
// that panics neither loses the exchange nor holds the run after the
// command exits. A failing gate denies (it could not allow).
func TestRunSurvivesFailingGateAndInspector(t *testing.T) {
	cfg := RunConfig{
		ShutdownGrace: 5 * time.Second,
		Gate: func(x *Exchange) string {
			if strings.Contains(x.URL, "gate-fails") {
				panic("slice bounds out of range [:-4]")
			}
			return ""
		},
		Inspect: func(x *Exchange) BodyInspector {
			switch {
			case strings.Contains(x.URL, "choice-fails"):
				panic("inspect bug")
			case strings.Contains(x.URL, "inspector-fails"):
				return panickingInspector{}
			}
			return nil
		},
	}
	l, _ := runWithin(t, 20*time.Second, cfg,
		`$CURL -sS -o /dev/null https://example.com/gate-fails.tgz; `+
			`$CURL -sS -o /dev/null https://example.com/choice-fails; `+
			`$CURL -sS -o /dev/null https://example.com/inspector-fails; exit 0`,
		func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("body ", 1000)) })
	if len(l.Exchanges) != 3 {
		t.Fatalf("%d exchanges recorded, want 3: %+v", len(l.Exchanges), l.Exchanges)
	}
	for _, x := range l.Exchanges {
		switch {
		case strings.Contains(x.URL, "gate-fails"):
			if x.Status != http.StatusForbidden || !strings.Contains(x.Error, "policy check failed (slice bounds") {
				t.Errorf("failing gate: %+v", x)
			}
		default:
			if !x.Complete || x.Bytes != 5000 || x.SHA256 == "" || len(x.Digests) != 0 {
				t.Errorf("failing inspector: %+v", x)
			}
		}
	}
}

// TestRunEndsWithStuckExchange: an exchange stuck in code that ignores the
// abort (here a gate that never answers) does not hold the run forever.
func TestRunEndsWithStuckExchange(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cfg := RunConfig{
		ShutdownGrace: 200 * time.Millisecond,
		Gate: func(x *Exchange) string {
			<-release
			return ""
		},
	}
	_, took := runWithin(t, 20*time.Second, cfg, `$CURL -sS -m 1 -o /dev/null https://example.com/stuck; exit 0`,
		func(w http.ResponseWriter, r *http.Request) {})
	if took > 10*time.Second {
		t.Errorf("Run took %v", took)
	}
}

// TestRunSignalCutsGrace: once the command has exited, a signal ends the
// grace given to exchanges still in flight; they are recorded incomplete.
func TestRunSignalCutsGrace(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	started := make(chan struct{}, 1)
	cfg := RunConfig{ShutdownGrace: time.Minute, Signals: sigs}
	go func() {
		<-started
		time.Sleep(3 * time.Second) // the command has exited by then
		sigs <- syscall.SIGTERM
	}()
	l, took := runWithin(t, 30*time.Second, cfg, `$CURL -sS -o /dev/null https://example.com/slow & sleep 1; exit 0`,
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			w.Write([]byte("x"))
			w.(http.Flusher).Flush()
			started <- struct{}{}
			<-r.Context().Done()
		})
	if took > 15*time.Second {
		t.Errorf("Run took %v after the signal", took)
	}
	if len(l.Exchanges) != 1 || l.Exchanges[0].Complete || !strings.Contains(l.Exchanges[0].Error, "depaudit stopped") {
		t.Errorf("exchanges %+v", l.Exchanges)
	}
}
