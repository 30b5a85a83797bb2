package dtrack_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

func TestRetryOn503ThenSuccess(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.Inject(dtracktest.Fault{Status: 503, ContentType: "text/plain", Body: "starting"}, 2)
	c, sl := newClient(t, srv.URL, testKey)
	res, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(2)})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(srv.Uploads()) != 1 || srv.Uploads()[0].Token != res.Token {
		t.Error("upload not accepted after the retries")
	}
	if n := bomRequests(srv); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if got, want := sl.got(), []time.Duration{time.Second, 2 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestRetryMultipartResendsWholeBody(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.Inject(dtracktest.Fault{Status: 502}, 1)
	c, _ := newClient(t, srv.URL, testKey)
	bom := smallBOM(50)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: bom, Multipart: true}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Uploads()[0].BOM; string(got) != string(bom) {
		t.Error("second attempt sent a different body")
	}
}

func TestRetryGivesUpOn5xx(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.Inject(dtracktest.Fault{Status: 503}, 10)
	c, sl := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != 503 || e.Attempts != 4 {
		t.Errorf("got %d after %d attempts, want 503 after 4", e.StatusCode, e.Attempts)
	}
	mustContain(t, err.Error(), "503 Service Unavailable", "4 attempts", "try again later")
	if got, want := sl.got(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.Inject(dtracktest.Fault{Status: 503, Header: http.Header{"Retry-After": {"7"}}}, 1)
	c, sl := newClient(t, srv.URL, testKey)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)}); err != nil {
		t.Fatal(err)
	}
	if got := sl.got(); !reflect.DeepEqual(got, []time.Duration{7 * time.Second}) {
		t.Errorf("waits %v, want [7s]", got)
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 413, 429} {
		srv := newFake(t, dtracktest.BOMUpload)
		srv.Inject(dtracktest.Fault{Status: status, ContentType: "text/plain", Body: "no"}, 5)
		c, sl := newClient(t, srv.URL, testKey)
		_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
		if e := asError(t, err); e.StatusCode != status || e.Attempts != 1 {
			t.Errorf("%d: got %d after %d attempts", status, e.StatusCode, e.Attempts)
		}
		if len(sl.got()) != 0 || bomRequests(srv) != 1 {
			t.Errorf("%d was retried", status)
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, sl := newClient(t, "http://"+addr, testKey)
	_, err = c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	if !errors.Is(err, syscall.ECONNREFUSED) || e.StatusCode != 0 {
		t.Errorf("error %v does not wrap ECONNREFUSED", err)
	}
	mustContain(t, err.Error(), "connection refused", addr, "DEPAUDIT_DTRACK_URL", "4 attempts")
	if n := len(sl.got()); n != 3 {
		t.Errorf("%d waits, want 3 (network errors are retried)", n)
	}
}

func TestNetworkErrorThenSuccess(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	// The first connection is cut before any answer.
	cut := 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cut == 0 {
			cut++
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		proxy(w, r, srv.URL)
	}))
	defer front.Close()
	c, sl := newClient(t, front.URL, testKey)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)}); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(sl.got()) != 1 || len(srv.Uploads()) != 1 {
		t.Errorf("waits %v, uploads %d", sl.got(), len(srv.Uploads()))
	}
}

// proxy forwards one request to base.
func proxy(w http.ResponseWriter, r *http.Request, base string) {
	out, _ := http.NewRequest(r.Method, base+r.URL.RequestURI(), r.Body)
	out.Header = r.Header.Clone()
	out.ContentLength = r.ContentLength
	res, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		w.WriteHeader(502)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		w.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

func TestTLSUnknownAuthority(t *testing.T) {
	srv := dtracktest.NewTLSServer()
	defer srv.Close()
	srv.AddKey(testKey, dtracktest.BOMUpload)
	c, sl := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	mustContain(t, asError(t, err).Error(), "TLS error", "not trust", "SSL_CERT_FILE")
	if len(sl.got()) != 0 {
		t.Error("a certificate error was retried")
	}
	if len(srv.Requests()) != 0 {
		t.Error("the request reached an untrusted server")
	}
}

func TestTLSTrustedByConfiguredClient(t *testing.T) {
	srv := dtracktest.NewTLSServer()
	defer srv.Close()
	srv.AddKey(testKey, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, err := dtrack.New(dtrack.Config{BaseURL: srv.URL, APIKey: testKey, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)}); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPSURLToPlainServer(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, strings.Replace(srv.URL, "http://", "https://", 1), testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	mustContain(t, asError(t, err).Error(), "TLS error", "does not speak TLS", "http://")
}

func TestHTTPURLToTLSServer(t *testing.T) {
	srv := dtracktest.NewTLSServer()
	defer srv.Close()
	c, _ := newClient(t, strings.Replace(srv.URL, "https://", "http://", 1), testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	mustContain(t, asError(t, err).Error(), "400", "https://")
}

func TestRedirectNotFollowed(t *testing.T) {
	var leaked []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("X-Api-Key"))
	}))
	defer target.Close()
	front := httptest.NewServer(http.RedirectHandler(target.URL+"/api/v1/bom", http.StatusTemporaryRedirect))
	defer front.Close()
	c, _ := newClient(t, front.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	mustContain(t, asError(t, err).Error(), "307", "redirects to "+target.URL, "--url")
	if len(leaked) != 0 {
		t.Errorf("redirect followed, key sent to another server")
	}
}

func TestWrongURLNotDependencyTrack(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	c, _ := newClient(t, other.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	mustContain(t, err.Error(), "does not look like Dependency-Track", "without /api")
	if strings.Contains(err.Error(), "--auto-create") {
		t.Error("a foreign 404 should not suggest --auto-create")
	}
	_ = e
}

func TestCancelledContextStops(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.Inject(dtracktest.Fault{Status: 503}, 10)
	c, sl := newClient(t, srv.URL, testKey)
	ctx, cancel := context.WithCancel(context.Background())
	sl.onSleep = func(int) { cancel() }
	_, err := c.Upload(ctx, dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := bomRequests(srv); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
}

func TestBackoffWait(t *testing.T) {
	b := dtrack.Backoff{Initial: time.Second, Max: 5 * time.Second, Multiplier: 2}
	var got []time.Duration
	for n := 1; n <= 5; n++ {
		got = append(got, b.Wait(n))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := dtrack.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep = %v", err)
	}
}
