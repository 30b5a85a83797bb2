package htmlreport_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/htmlreport"
	"github.com/depaudit/depaudit/internal/browsertest"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/view"
)

// monorepo is the capture log of a large npm install: n requests, a
// packument and a tarball for each of n/2 packages, 16 at a time, one in
// fifty failing.
func monorepo(n int) *capture.Log {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	l := &capture.Log{Header: capture.Header{Format: capture.LogFormat, Start: start, Command: []string{"npm", "ci"}}}
	for i := range n {
		pkg := fmt.Sprintf("pkg-%05d", i/2)
		x := capture.Exchange{ID: int64(i + 1), Method: "GET", Host: "registry.npmjs.org", Status: 200, Complete: true,
			Start: start.Add(time.Duration(i/16) * 40 * time.Millisecond), DurationMS: float64(20 + i%37)}
		if i%2 == 0 {
			x.URL = "https://registry.npmjs.org/" + pkg
			x.ContentType = "application/vnd.npm.install-v1+json"
			x.Bytes = 4000 + int64(i%900)
		} else {
			x.URL = fmt.Sprintf("https://registry.npmjs.org/%s/-/%s-1.%d.0.tgz", pkg, pkg, i%7)
			x.Bytes = 20000 + int64(i%5000)
			x.SHA256 = fmt.Sprintf("%064x", i)
			x.SHA512 = fmt.Sprintf("%0128x", i)
		}
		if i%50 == 7 {
			x.Status, x.Complete, x.Error = 0, false, "upstream: connection reset by peer"
		}
		l.Exchanges = append(l.Exchanges, x)
	}
	l.Trailer = &capture.Trailer{End: start.Add(time.Duration(n/16+1) * 40 * time.Millisecond), Exchanges: int64(n)}
	return l
}

func monorepoInput(t testing.TB, n int) htmlreport.Input {
	l := monorepo(n)
	rep, err := audit.Analyze(context.Background(), l, audit.Config{})
	if err != nil {
		t.Fatal(err)
	}
	bom, err := sbom.Render(rep, sbom.Options{ToolVersion: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	return htmlreport.Input{Log: l, Build: view.New(view.Input{Report: rep, BOM: bom}), Exchanges: classifier(rep)}
}

// TestLargeReportIsCompact checks that a 10,000-request report writes
// each string once: every URL appears once in the page, and the page
// stays within a few hundred bytes per request.
func TestLargeReportIsCompact(t *testing.T) {
	const n = 10000
	in := monorepoInput(t, n)
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, i := range []int{0, 1, 4999, 9999} {
		u := in.Log.Exchanges[i].URL
		if got := strings.Count(page, u+`"`); got != 1 {
			t.Errorf("%s appears %d times in the page, want once", u, got)
		}
	}
	if per := buf.Len() / n; per > 200 {
		t.Errorf("the page takes %d bytes per request (%d in all)", per, buf.Len())
	}
	t.Logf("10,000 requests: %d KiB", buf.Len()/1024)
}

// TestLargeReportInBrowser loads a 10,000-request report: every bar is
// drawn and filtering the requests table works, without errors.
func TestLargeReportInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10,000-request page in a browser")
	}
	const n = 10000
	path := writeReport(t, monorepoInput(t, n))
	b := browsertest.Start(t)
	p := b.Open(t, path, 2*time.Minute)
	if got := browsertest.Eval[int](t, p, `document.querySelectorAll("#waterfall rect.bar").length`); got != n {
		t.Errorf("%d bars, want %d", got, n)
	}
	if got := browsertest.Eval[int](t, p, `document.querySelectorAll("#packages tbody tr").length`); got != 1000 {
		t.Errorf("%d package rows shown, want the first 1000", got)
	}
	got := browsertest.Eval[string](t, p, `(function () {
		var i = document.querySelector("#table-packages input");
		i.value = "pkg-04321"; i.dispatchEvent(new Event("input"));
		return document.querySelector("#packages tbody").textContent; })()`)
	if !strings.Contains(got, "pkg:npm/pkg-04321@1.") || browsertest.Eval[int](t, p, `document.querySelectorAll("#packages tbody tr").length`) != 1 {
		t.Errorf("filter pkg-04321: %s", got)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

// BenchmarkWrite10k measures writing the page of a 10,000-request build.
func BenchmarkWrite10k(b *testing.B) {
	in := monorepoInput(b, 10000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := htmlreport.Write(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "page-bytes")
}

// BenchmarkBrowser10k measures a browser loading and drawing the page of
// a 10,000-request build (until its script has drawn the waterfall and the
// tables), and filtering the requests table.
func BenchmarkBrowser10k(b *testing.B) {
	in := monorepoInput(b, 10000)
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, in); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	br := browsertest.Start(b)
	var filterMS float64
	for b.Loop() {
		p := br.Open(b, path, 2*time.Minute)
		filterMS += browsertest.Eval[float64](b, p, `(function () {
			var t = performance.now(), i = document.querySelector("#table-requests input");
			i.value = "pkg-0432"; i.dispatchEvent(new Event("input"));
			return performance.now() - t; })()`)
		p.Close()
	}
	b.ReportMetric(filterMS/float64(b.N), "filter-ms/op")
}
