package capture

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// countingInspector records the digest "length" of what it saw.
type countingInspector struct {
	buf bytes.Buffer
}

func (c *countingInspector) Write(p []byte) (int, error) { return c.buf.Write(p) }
func (c *countingInspector) Finish(complete bool) []Digest {
	return []Digest{{Subject: "test", Algorithm: "len", Value: fmt.Sprintf("%d/%v/%s", c.buf.Len(), complete, sha256hex(c.buf.Bytes())[:8]), Source: "computed"}}
}

func TestInspectorSeesBodyAndRecordsDigests(t *testing.T) {
	body := strings.Repeat("metadata ", 30000)
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body)
	}), false)
	tp.cfg.Inspect = func(x *Exchange) BodyInspector {
		if !strings.HasSuffix(x.URL, "/inspect-me") || x.Status != 200 {
			return nil
		}
		return &countingInspector{}
	}
	c := tp.client(t, false)
	for _, p := range []string{"/inspect-me", "/leave-me"} {
		resp, err := c.Get("https://example.com" + p)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != body {
			t.Fatal("body changed by inspection")
		}
	}
	xs := tp.rec.waitFor(t, 2)
	for _, x := range xs {
		inspected := strings.HasSuffix(x.URL, "/inspect-me")
		want := fmt.Sprintf("%d/true/%s", len(body), sha256hex([]byte(body))[:8])
		if inspected && (len(x.Digests) != 1 || x.Digests[0].Value != want) {
			t.Errorf("inspected exchange digests %+v, want value %s", x.Digests, want)
		}
		if !inspected && len(x.Digests) != 0 {
			t.Errorf("uninspected exchange has digests %+v", x.Digests)
		}
	}
}

func TestGateDeniesWithReadableReason(t *testing.T) {
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "evil") {
			t.Error("denied request reached upstream")
		}
		io.WriteString(w, "fine")
	}), false)
	tp.cfg.Gate = func(x *Exchange) string {
		if strings.Contains(x.URL, "evil") {
			return `rule "deny evil" (policy.deny.purls[0])`
		}
		return ""
	}
	c := tp.client(t, false)
	resp, err := c.Get("https://example.com/evil/-/evil-1.0.0.tgz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), `rule "deny evil"`) {
		t.Errorf("denied request answered %d %q", resp.StatusCode, b)
	}
	resp, err = c.Get("https://example.com/good")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	xs := tp.rec.waitFor(t, 2)
	for _, x := range xs {
		if strings.Contains(x.URL, "evil") && (x.Status != 403 || !strings.HasPrefix(x.Error, "denied by policy") || x.Outcome != OutcomeDenied) {
			t.Errorf("denied exchange %+v", x)
		}
		if strings.Contains(x.URL, "good") && !x.Complete {
			t.Errorf("allowed exchange %+v", x)
		}
	}
}
