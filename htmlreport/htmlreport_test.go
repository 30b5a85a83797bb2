package htmlreport_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/chromedp/chromedp"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/htmlreport"
	"github.com/depaudit/depaudit/internal/browsertest"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/verify"
	"github.com/depaudit/depaudit/view"
)

// fixture is a build and what its report is made of.
type fixture struct {
	log *capture.Log
	res *result
	in  htmlreport.Input
}

// result is the SBOM of a build and its figures.
type result struct {
	BOM     *cdx.BOM
	Summary audit.Summary
}

// classifier gives the page each exchange's finding as the report
// attributed it.
func classifier(r *audit.Report) htmlreport.ExchangesFunc {
	return func(fn func(x *capture.Exchange, ecosystem, kind string) error) error {
		return r.EachExchange(func(x *capture.Exchange, f classify.Finding) error {
			return fn(x, f.Ecosystem, string(f.Kind))
		})
	}
}

// newFixture analyses testdata/build.capture.jsonl (a build of every
// ecosystem, with failures) as `depaudit report` would, with one
// mismatch planted, a deny rule broken and a baseline that differs.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "build.capture.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	opts := sbom.Options{ToolVersion: "0.1.0", SerialNumber: "urn:uuid:6f1c2a9e-0b7d-4c3e-9a51-2d8f4e6b7c10",
		Timestamp: time.Date(2026, 3, 2, 10, 15, 15, 0, time.UTC)}
	plain, err := audit.Analyze(context.Background(), l, audit.Config{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	baseline, err := sbom.Render(plain, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The baseline had serde at another version.
	for i, c := range *baseline.Components {
		if c.Name == "serde" {
			(*baseline.Components)[i].Version = "1.0.196"
			(*baseline.Components)[i].PackageURL = "pkg:cargo/serde@1.0.196"
		}
	}
	r, err := rules.Parse("rules.yaml", []byte("policy:\n  deny:\n    hosts: [get.example.dev]\n  unclassified: warn\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Analyze(context.Background(), l, audit.Config{Rules: r, Baseline: baseline})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Artifacts {
		if strings.HasPrefix(a.Finding.PURL, "pkg:npm/left-pad@") {
			a.Verdict = verify.Verdict{PURL: a.Finding.PURL, SHA256: a.SHA256, Status: verify.StatusMismatch, Mismatches: []verify.Mismatch{
				{Algorithm: "sha512", Expected: "00ff", Received: a.SHA256, Source: "npm packument integrity"}}}
		}
	}
	bom, err := sbom.Render(rep, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{log: l, res: &result{BOM: bom, Summary: rep.Summary}, in: htmlreport.Input{
		Log:       l,
		Build:     view.New(view.Input{Report: rep, BOM: bom, BaselineName: "previous.cdx.json"}),
		Exchanges: classifier(rep),
	}}
}

func writeReport(t testing.TB, in htmlreport.Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bomCounts counts, from the SBOM alone, what the report's figures show.
func bomCounts(bom *cdx.BOM) (verif map[string]int, ecos map[string]int, violations int) {
	verif, ecos = map[string]int{}, map[string]int{}
	for _, c := range *bom.Components {
		for _, p := range *c.Properties {
			switch p.Name {
			case "depaudit:verification":
				verif[p.Value]++
			case "depaudit:ecosystem":
				ecos[p.Value]++
			}
		}
	}
	for _, p := range *bom.Metadata.Properties {
		if p.Name == "depaudit:violation" {
			violations++
		}
	}
	return verif, ecos, violations
}

func TestReportInBrowser(t *testing.T) {
	fx := newFixture(t)
	path := writeReport(t, fx.in)
	b := browsertest.Start(t)
	p := b.Open(t, path, 60*time.Second)
	eval := func(expr string) string { return browsertest.Eval[string](t, p, expr) }
	count := func(sel string) int {
		return browsertest.Eval[int](t, p, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
	}

	verif, ecos, violations := bomCounts(fx.res.BOM)
	if verif["mismatch"] == 0 || violations < 2 {
		t.Fatalf("fixture: %v verification, %d violations", verif, violations)
	}
	for id, want := range map[string]int{
		"fig-requests":     fx.res.Summary.Requests,
		"fig-hosts":        fx.res.Summary.Hosts,
		"fig-failures":     fx.res.Summary.Failures,
		"fig-packages":     len(*fx.res.BOM.Components),
		"fig-verified":     verif["verified"],
		"fig-mismatch":     verif["mismatch"],
		"fig-unverifiable": verif["unverifiable"],
	} {
		if got := eval(fmt.Sprintf("document.getElementById(%q).textContent", id)); got != strconv.Itoa(want) {
			t.Errorf("#%s shows %q, want %d", id, got, want)
		}
	}
	for eco, n := range ecos {
		got := eval(fmt.Sprintf(`document.querySelector('#ecosystems li[data-ecosystem=%q] b').textContent`, eco))
		if got != strconv.Itoa(n) {
			t.Errorf("ecosystem %s shows %q, want %d", eco, got, n)
		}
	}
	if got := count("#mismatches tr.mismatch"); got != verif["mismatch"] {
		t.Errorf("%d mismatch rows, want %d", got, verif["mismatch"])
	}
	if got := eval(`document.querySelector("#mismatches tr.mismatch code").textContent`); !strings.HasPrefix(got, "pkg:npm/left-pad@") {
		t.Errorf("mismatch row names %q", got)
	}
	if got := count("#violation-list li"); got != violations {
		t.Errorf("%d violations listed, want %d", got, violations)
	}
	if got := count("#violation-list li.deny"); got != 1 {
		t.Errorf("%d deny violations listed, want 1", got)
	}
	// The mismatch and the violation come before the figures, in red.
	if got := eval(`getComputedStyle(document.getElementById("alert-mismatch")).color`); got != "rgb(176, 0, 32)" {
		t.Errorf("mismatch alert colour %s", got)
	}
	if got := eval(`document.querySelector("#glance > *").id`); got != "alert-mismatch" {
		t.Errorf("the glance starts with #%s", got)
	}

	// One bar per request of the capture log.
	if got := count("#waterfall rect.bar"); got != len(fx.log.Exchanges) {
		t.Errorf("%d waterfall bars, want %d (the capture log's exchanges)", got, len(fx.log.Exchanges))
	}
	failed := 0
	for _, x := range fx.log.Exchanges {
		if x.Status == 0 || x.Status >= 400 || x.Error != "" {
			failed++
		}
	}
	if got := count("#waterfall rect.fail"); got != failed {
		t.Errorf("%d bars marked failed, want %d", got, failed)
	}
	// Hovering a bar shows its request.
	hover := eval(`(function () {
		var r = document.querySelector("#waterfall rect.bar"), b = r.getBoundingClientRect();
		r.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: b.left + 1, clientY: b.top + 1}));
		return document.getElementById("tip").textContent; })()`)
	first := fx.log.Exchanges[0]
	for _, x := range fx.log.Exchanges {
		if x.Start.Before(first.Start) {
			first = x
		}
	}
	if !strings.Contains(hover, first.URL) || !strings.Contains(hover, "status "+strconv.Itoa(first.Status)) {
		t.Errorf("hover shows %q, want the first request %s", hover, first.URL)
	}
	// Zooming in halves the visible time.
	width := func() float64 {
		return browsertest.Eval[float64](t, p, `+document.getElementById("waterfall").getAttribute("viewBox").split(" ")[2]`)
	}
	before := width()
	p.Do(t, chromedp.Click(chromedp.ID("wf-in")), chromedp.Sleep(100*time.Millisecond))
	if after := width(); after < before*0.49 || after > before*0.51 {
		t.Errorf("zoom in: visible span %v ms, then %v", before, after)
	}

	// Tables: one row per package, per host; filtering keeps the matches.
	rows := func(id string) int { return count("#" + id + " tbody tr") }
	if got := rows("packages"); got != len(*fx.res.BOM.Components) {
		t.Errorf("%d package rows, want %d", got, len(*fx.res.BOM.Components))
	}
	hosts := map[string]bool{}
	for _, x := range fx.log.Exchanges {
		hosts[x.Host] = true
	}
	if got := rows("hosts"); got != len(hosts) {
		t.Errorf("%d host rows, want %d", got, len(hosts))
	}
	if got := rows("violations"); got != violations {
		t.Errorf("%d violation rows, want %d", got, violations)
	}
	if got := rows("diff"); got == 0 {
		t.Error("no diff rows")
	}
	if got := eval(`document.querySelector("#diff tbody").textContent`); !strings.Contains(got, "1.0.196") {
		t.Errorf("diff rows: %s", got)
	}
	p.Do(t, chromedp.Click(chromedp.CSS(`#tabs button[data-table="packages"]`)),
		chromedp.SendKeys(chromedp.CSS("#table-packages input"), "serde"))
	if got := rows("packages"); got != 1 {
		t.Errorf("filter serde: %d package rows, want 1", got)
	}
	if got := eval(`document.querySelector("#packages tbody tr").textContent`); !strings.Contains(got, "pkg:cargo/serde@1.0.197") {
		t.Errorf("filtered row: %s", got)
	}
	// Sorting by bytes, descending: the largest package first.
	p.Do(t, chromedp.Click(chromedp.CSS(`#tabs button[data-table="requests"]`)),
		chromedp.Click(chromedp.CSS(`#requests th[data-col="5"]`)))
	var largest int64
	for _, x := range fx.log.Exchanges {
		largest = max(largest, x.Bytes)
	}
	if got := eval(`document.querySelector("#requests tbody tr td:nth-child(6)").getAttribute("data-v")`); got != strconv.FormatInt(largest, 10) {
		t.Errorf("sorted by bytes: first row has %s bytes, want %d", got, largest)
	}
	// The waterfall filter hides the other bars.
	p.Do(t, chromedp.SendKeys(chromedp.ID("wf-filter"), "crates"))
	shown := browsertest.Eval[int](t, p, `Array.from(document.querySelectorAll("#waterfall rect.bar")).filter(function (r) { return r.style.display !== "none"; }).length`)
	want := 0
	for _, x := range fx.log.Exchanges {
		if strings.Contains(x.URL, "crates") {
			want++
		}
	}
	if shown != want || want == 0 {
		t.Errorf("filter crates: %d bars shown, want %d", shown, want)
	}

	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
	if reqs := p.Requests(); len(reqs) > 0 {
		t.Errorf("the page made network requests: %q", reqs)
	}
}

// TestHostileStrings checks that strings from the build (URLs, errors,
// violations) cannot inject markup or script into the page.
func TestHostileStrings(t *testing.T) {
	fx := newFixture(t)
	evil := `https://evil.example/</script><script>document.title="owned"</script><img src=x onerror="document.title='owned'">`
	fx.log.Exchanges = append(fx.log.Exchanges, capture.Exchange{ID: 999, Start: fx.log.Header.Start.Add(time.Second),
		DurationMS: 5, Method: "GET", URL: evil, Host: "evil.example", Status: 500, Error: `<b onmouseover="x">`})
	// The page gets the exchanges as a report of the changed log gives them.
	rep, err := audit.Analyze(context.Background(), fx.log, audit.Config{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	fx.in.Exchanges = classifier(rep)
	fx.in.Build.Warnings = append(fx.in.Build.Warnings, `<script>document.title="owned"</script>`)
	path := writeReport(t, fx.in)
	b := browsertest.Start(t)
	p := b.Open(t, path, 60*time.Second)
	p.Do(t, chromedp.Click(chromedp.CSS(`#tabs button[data-table="requests"]`)))
	if got := browsertest.Eval[string](t, p, "document.title"); strings.Contains(got, "owned") {
		t.Errorf("title %q: a string of the build ran as script", got)
	}
	if got := browsertest.Eval[int](t, p, `document.querySelectorAll("b[onmouseover], img[onerror]").length`); got != 0 {
		t.Errorf("%d injected elements", got)
	}
	if got := browsertest.Eval[string](t, p, `document.querySelector("#requests").textContent`); !strings.Contains(got, "evil.example/</script>") {
		t.Errorf("the URL is not shown as text")
	}
	if reqs := p.Requests(); len(reqs) > 0 {
		t.Errorf("the page made network requests: %q", reqs)
	}
}

func TestWriteErrors(t *testing.T) {
	if err := htmlreport.Write(&bytes.Buffer{}, htmlreport.Input{}); err == nil {
		t.Error("empty input: no error")
	}
}
