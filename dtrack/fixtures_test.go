package dtrack_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

const (
	testKey  = "odt_TESTKEY0123456789abcdefSECRET"
	otherKey = "odt_OTHERKEYzyxwvu9876543210SECRET"
)

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
	// onSleep, when set, runs at each wait (e.g. to cancel a context).
	onSleep func(n int)
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	n := len(s.waits)
	f := s.onSleep
	s.mu.Unlock()
	if f != nil {
		f(n)
	}
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newFake starts a fake server with testKey holding perms.
func newFake(t *testing.T, perms ...string) *dtracktest.Server {
	t.Helper()
	srv := dtracktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddKey(testKey, perms...)
	return srv
}

func newClient(t *testing.T, url, key string) (*dtrack.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	c, err := dtrack.New(dtrack.Config{BaseURL: url, APIKey: key, Sleep: sl.sleep})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, sl
}

// smallBOM is a valid CycloneDX 1.6 JSON BOM with n components.
func smallBOM(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"library","bom-ref":"pkg:npm/p%d@1.0.%d","name":"p%d","version":"1.0.%d","purl":"pkg:npm/p%d@1.0.%d"}`, i, i, i, i, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// bomOfSize is a valid CycloneDX JSON BOM of exactly size bytes (size must
// be at least a few hundred).
func bomOfSize(size int) []byte {
	head := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"type":"application","name":"big","description":"`
	tail := `"}},"components":[{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}]}`
	pad := size - len(head) - len(tail)
	return []byte(head + strings.Repeat("x", pad) + tail)
}

func asError(t *testing.T, err error) *dtrack.Error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	e, ok := err.(*dtrack.Error)
	if !ok {
		t.Fatalf("want *dtrack.Error, got %T: %v", err, err)
	}
	return e
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("message lacks %q:\n%s", sub, s)
		}
	}
}

func bomRequests(srv *dtracktest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == "/api/v1/bom" {
			n++
		}
	}
	return n
}
