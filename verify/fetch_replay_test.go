package verify

import (
	"context"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// npmRegistry answers abbreviated packuments of the packages pkg-0 … as a
// registry would, each version's integrity that of tarball(name, v),
// slowly, counting the requests in flight.
type npmRegistry struct {
	inFlight, most atomic.Int32
	mu             sync.Mutex
	asked          []string
}

func tarball(name, v string) []byte { return []byte("tarball of " + name + "@" + v) }

func (r *npmRegistry) RoundTrip(req *http.Request) (*http.Response, error) {
	n := r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	for m := r.most.Load(); n > m && !r.most.CompareAndSwap(m, n); m = r.most.Load() {
	}
	r.mu.Lock()
	r.asked = append(r.asked, req.URL.String()+" "+req.Header.Get("Accept"))
	r.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	name := strings.TrimPrefix(req.URL.Path, "/")
	if name == "pkg-gone" {
		return &http.Response{StatusCode: 404, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: req}, nil
	}
	versions := map[string]any{}
	// 0.9.0 is published but never downloaded.
	for _, v := range []string{"0.9.0", "1.0.0", "1.1.0"} {
		s512 := sha512.Sum512(tarball(name, v))
		s1 := sha1.Sum(tarball(name, v))
		versions[v] = map[string]any{"version": v, "dist": map[string]string{
			"integrity": "sha512-" + base64.StdEncoding.EncodeToString(s512[:]),
			"shasum":    hex.EncodeToString(s1[:]),
			"tarball":   "https://registry.npmjs.org/" + name + "/-/" + name + "-" + v + ".tgz",
		}}
	}
	b, _ := json.Marshal(map[string]any{"name": name, "versions": versions})
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(string(b))),
		Header: http.Header{"Content-Type": {"application/vnd.npm.install-v1+json"}}, Request: req}, nil
}

// TestFetchConcurrentAndReplayable: the metadata of many packages is
// fetched concurrently, one abbreviated packument per package whatever
// the number of its versions fetched; the records it returns, replayed
// into the evidence of the same log (as `depaudit report` does from the
// capture log), give the same verdicts, failures included.
func TestFetchConcurrentAndReplayable(t *testing.T) {
	var xs []capture.Exchange
	const packages = 24
	for i := range packages {
		name := fmt.Sprintf("pkg-%d", i)
		for _, v := range []string{"1.0.0", "1.1.0"} {
			xs = append(xs, artifactExchange("https://registry.npmjs.org/"+name+"/-/"+name+"-"+v+".tgz", tarball(name, v)))
		}
	}
	xs = append(xs, artifactExchange("https://registry.npmjs.org/pkg-gone/-/pkg-gone-1.0.0.tgz", []byte("x")))
	l := logOf(xs...)

	reg := &npmRegistry{}
	e := collect(l, defaultClassifier())
	res := e.Fetch(context.Background(), &http.Client{Transport: reg}, FetchOptions{})
	if len(reg.asked) != packages+1 || res.End.Requests != packages+1 || res.End.Failed != 1 {
		t.Fatalf("asked %d documents (%d recorded, %d failed), want one per package, %d", len(reg.asked), res.End.Requests, res.End.Failed, packages+1)
	}
	for _, a := range reg.asked {
		if !strings.HasSuffix(a, " application/vnd.npm.install-v1+json") {
			t.Errorf("%s: not the abbreviated packument", a)
		}
	}
	if reg.most.Load() < 2 {
		t.Errorf("at most %d request in flight: the fetches are not concurrent", reg.most.Load())
	}
	got := e.Artifacts()
	n := Count(got)
	if n.Verified != 2*packages || n.Unverifiable != 1 {
		t.Fatalf("after the fetch: %+v", n)
	}

	// The records keep what the documents say of the downloaded files only.
	for _, rec := range res.Records {
		for _, d := range rec.Digests {
			if strings.Contains(d.Subject, "-0.9.0.tgz") {
				t.Fatalf("%s: the record keeps a digest of a version never downloaded: %+v", rec.URL, d)
			}
		}
	}

	// The records, through the capture log's JSON, replayed.
	var buf strings.Builder
	if err := capture.WriteFetches(&buf, res.Records, res.End); err != nil {
		t.Fatal(err)
	}
	back, err := capture.ReadLog(strings.NewReader(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + buf.String()))
	if err != nil || back.FetchEnd == nil || len(back.Fetches) != len(res.Records) || back.Damage != "" {
		t.Fatalf("read back: %v, %d records, damage %q", err, len(back.Fetches), back.Damage)
	}
	again := collect(l, defaultClassifier())
	again.Replay(back.Fetches, *back.FetchEnd)
	if replayed := again.Artifacts(); !slices.EqualFunc(got, replayed, func(a, b Verdict) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Errorf("replayed verdicts differ:\n%v\n%v", got, replayed)
	}
}
