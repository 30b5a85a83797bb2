package browsertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depaudit/depaudit/internal/browsertest"
)

// TestRecordsMisbehaviour checks that what a report page must not do is
// seen: a console error, an exception and a network request.
func TestRecordsMisbehaviour(t *testing.T) {
	b := browsertest.Start(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "bad.html")
	html := `<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png"><script>
console.error("broken"); document.body.setAttribute("data-ready", "true"); setTimeout(function () { null.x; }, 0);
</script></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	p := b.Open(t, page, 30*time.Second)
	if got := browsertest.Eval[int](t, p, "1+1"); got != 2 {
		t.Errorf("1+1 = %d", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(p.Errors()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	errs := strings.Join(p.Errors(), "\n")
	if !strings.Contains(errs, "broken") || !strings.Contains(errs, "exception") {
		t.Errorf("errors seen: %q", errs)
	}
	if reqs := p.Requests(); len(reqs) == 0 || !strings.Contains(reqs[0], "192.0.2.1") {
		t.Errorf("requests seen: %q", reqs)
	}
}
