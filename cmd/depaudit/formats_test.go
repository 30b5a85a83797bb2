package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/chromedp/chromedp"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/browsertest"
	"github.com/depaudit/depaudit/internal/formatcheck"
	"github.com/depaudit/depaudit/sbom"
)

// checkStandardFormats regenerates a build's outputs in the other
// standard formats from its capture log (`depaudit report --format
// spdx-json`) and checks each against its schema and library, and that it
// names exactly the packages of the CycloneDX SBOM bom, with the same
// SHA-256.
func checkStandardFormats(t *testing.T, capturePath string, bom *cdx.BOM) {
	t.Helper()
	dir := t.TempDir()
	spdxPath := filepath.Join(dir, "build.spdx.json")
	provPath := filepath.Join(dir, "build.intoto.json")
	r := newReportEnv("")
	if code := r.run("report", "--format", "spdx-json", "-o", spdxPath, "--provenance", provPath, capturePath); code != 0 {
		t.Fatalf("report --format spdx-json --provenance: exit %d\n%s", code, r.stderr)
	}
	data, err := os.ReadFile(spdxPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := formatcheck.SPDX(data)
	if err != nil {
		t.Fatalf("%s: %v", spdxPath, err)
	}
	var want, got []string
	if bom.Components != nil {
		for _, c := range *bom.Components {
			for _, h := range *c.Hashes {
				if h.Algorithm == cdx.HashAlgoSHA256 {
					want = append(want, c.PackageURL+" "+h.Value)
				}
			}
		}
	}
	for _, p := range doc.Packages {
		for _, ref := range p.PackageExternalReferences {
			if ref.RefType != "purl" {
				continue
			}
			for _, cs := range p.PackageChecksums {
				if cs.Algorithm == "SHA256" {
					got = append(got, ref.Locator+" "+cs.Value)
				}
			}
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("SPDX packages (purl sha256):\n%s\nwant the SBOM's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	data, err = os.ReadFile(provPath)
	if err != nil {
		t.Fatal(err)
	}
	st, pred, err := formatcheck.Provenance(data)
	if err != nil {
		t.Fatalf("%s: %v", provPath, err)
	}
	got = got[:0]
	for _, rd := range pred.GetBuildDefinition().GetResolvedDependencies() {
		got = append(got, rd.GetName()+" "+rd.GetDigest()["sha256"])
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("provenance resolvedDependencies (purl sha256):\n%s\nwant the SBOM's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	logSum := mustSHA256(t, capturePath)
	if s := st.GetSubject(); len(s) != 1 || s[0].GetDigest()["sha256"] != logSum || s[0].GetName() != filepath.Base(capturePath) {
		t.Errorf("provenance subjects %v, want the capture log (sha256 %s)", s, logSum)
	}
}

func TestReportProvenanceSubjects(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "app.bin")
	if err := os.WriteFile(out, []byte("the build's output"), 0o644); err != nil {
		t.Fatal(err)
	}
	prov := filepath.Join(dir, "prov.json")
	r := newReportEnv("")
	if code := r.run("report", "-o", filepath.Join(dir, "cdx.json"), "--provenance", prov,
		"--provenance-subject", out, buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	data, err := os.ReadFile(prov)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := formatcheck.Provenance(data)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.GetSubject(); len(s) != 1 || s[0].GetName() != "app.bin" ||
		s[0].GetDigest()["sha256"] != mustSHA256(t, out) {
		t.Errorf("subjects %v", s)
	}

	// A subject that does not exist fails the report (exit 2) naming it;
	// the SBOM is still written.
	r = newReportEnv("")
	code := r.run("report", "-o", filepath.Join(dir, "cdx2.json"), "--provenance", filepath.Join(dir, "p2.json"),
		"--provenance-subject", filepath.Join(dir, "missing"), buildCapture)
	if code != exitError || !strings.Contains(r.stderr.String(), "missing") {
		t.Errorf("missing subject: exit %d\n%s", code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "cdx2.json")); err != nil {
		t.Errorf("SBOM not written: %v", err)
	}
	// From standard input, the subject must be named.
	log, _ := os.ReadFile(buildCapture)
	r = newReportEnv(string(log))
	code = r.run("report", "-o", filepath.Join(dir, "cdx3.json"), "--provenance", filepath.Join(dir, "p3.json"), "-")
	if code != exitError || !strings.Contains(r.stderr.String(), "--provenance-subject") {
		t.Errorf("stdin without subject: exit %d\n%s", code, r.stderr)
	}
	// Flags checked before anything is read.
	r = newReportEnv("")
	if code := r.run("report", "--provenance-subject", out, buildCapture); code != exitError {
		t.Errorf("--provenance-subject alone: exit %d", code)
	}
	r = newReportEnv("")
	if code := r.run("report", "-o", prov, "--provenance", prov, buildCapture); code != exitError || !strings.Contains(r.stderr.String(), "both write") {
		t.Errorf("same file twice: exit %d\n%s", code, r.stderr)
	}
}

func mustSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

func TestReportSPDX(t *testing.T) {
	dir := t.TempDir()
	r := newReportEnv("")
	if code := r.run("report", "-o", filepath.Join(dir, "cdx.json"), buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	checkStandardFormats(t, buildCapture, decodeFile(t, filepath.Join(dir, "cdx.json")))

	// The default file name follows the format.
	r = newReportEnv("")
	r.env.getenv = func(string) string { return "" }
	wd, _ := os.Getwd()
	t.Chdir(dir)
	if code := r.run("report", "--format", "spdx-json", filepath.Join(wd, buildCapture)); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, defaultSBOMSPDX))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := formatcheck.SPDX(data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stderr.String(), "SBOM (SPDX 2.3 JSON) to "+defaultSBOMSPDX) {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// checkHTMLReport loads the HTML report at path in a headless browser and
// checks it against the build's SBOM and capture log: it loads with no
// console error and no network request; its figures, mismatch rows,
// violations and package rows are the SBOM's; it has one waterfall bar per
// exchange of the capture log; filtering the packages table works; and,
// with diff, it has the diff's table.
func checkHTMLReport(t *testing.T, path string, bom *cdx.BOM, l *capture.Log, diff bool) {
	t.Helper()
	b := browsertest.Start(t)
	p := b.Open(t, path, time.Minute)
	count := func(sel string) int {
		return browsertest.Eval[int](t, p, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
	}
	text := func(id string) string {
		return browsertest.Eval[string](t, p, fmt.Sprintf("document.getElementById(%q).textContent", id))
	}
	verif := map[string]int{}
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	for _, c := range comps {
		for _, pr := range *c.Properties {
			if pr.Name == sbom.PropVerification {
				verif[pr.Value]++
			}
		}
	}
	violations, denied := 0, 0
	for _, pr := range *bom.Metadata.Properties {
		if pr.Name == sbom.PropViolation {
			violations++
			if strings.HasPrefix(pr.Value, "deny:") {
				denied++
			}
		}
	}
	for id, want := range map[string]int{"fig-packages": len(comps), "fig-verified": verif["verified"],
		"fig-mismatch": verif["mismatch"], "fig-unverifiable": verif["unverifiable"]} {
		if got := text(id); got != fmt.Sprint(want) {
			t.Errorf("HTML report: #%s shows %s, want %d (the SBOM's)", id, got, want)
		}
	}
	if got := count("#mismatches tr.mismatch"); got != verif["mismatch"] {
		t.Errorf("HTML report: %d mismatch rows, want %d", got, verif["mismatch"])
	}
	if got := count("#violation-list li.deny"); got != denied {
		t.Errorf("HTML report: %d deny violations, want %d", got, denied)
	}
	if got := count("#violation-list li"); got != violations {
		t.Errorf("HTML report: %d violations, want %d", got, violations)
	}
	if got := count("#waterfall rect.bar"); got != len(l.Exchanges) {
		t.Errorf("HTML report: %d waterfall bars, want %d (the capture log's exchanges)", got, len(l.Exchanges))
	}
	if got := count("#packages tbody tr"); got != len(comps) {
		t.Errorf("HTML report: %d package rows, want %d", got, len(comps))
	}
	if diff && count("#diff tbody tr") == 0 {
		t.Error("HTML report: no diff rows")
	}
	if len(comps) > 0 {
		name := comps[0].Name
		p.Do(t, chromedp.SendKeys(chromedp.CSS("#table-packages input"), name))
		want := 0
		for _, c := range comps {
			if strings.Contains(strings.ToLower(c.PackageURL), strings.ToLower(name)) {
				want++
			}
		}
		if got := count("#packages tbody tr"); got < 1 || got > want {
			t.Errorf("HTML report: filtering packages by %q leaves %d rows, want 1 to %d", name, got, want)
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("HTML report: page errors:\n%s", strings.Join(errs, "\n"))
	}
	if reqs := p.Requests(); len(reqs) > 0 {
		t.Errorf("HTML report: the page made network requests: %q", reqs)
	}
}

// TestReportAnnotationsBesideStdoutSBOM: with the SBOM on standard output,
// the workflow commands go to standard error, so the SBOM stays valid.
func TestReportAnnotationsBesideStdoutSBOM(t *testing.T) {
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesPath, []byte("policy:\n  deny:\n    hosts: [get.example.dev]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	vars := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	for _, toStdout := range []bool{true, false} {
		r := newReportEnv("")
		r.env.getenv = func(k string) string { return vars[k] }
		out := "-"
		if !toStdout {
			out = filepath.Join(dir, "cdx.json")
		}
		if code := r.run("report", "--rules", rulesPath, "-o", out, buildCapture); code != 0 {
			t.Fatalf("exit %d\n%s", code, r.stderr)
		}
		annotations, other := r.stderr.String(), r.stdout.String()
		if !toStdout {
			annotations, other = other, annotations
		} else if _, err := bomdiff.ParseBOM(r.stdout.Bytes()); err != nil {
			t.Errorf("SBOM on stdout: %v", err)
		}
		if !strings.Contains(annotations, "::error title=depaudit%3A policy violation::deny: rule policy.deny.hosts[0]") {
			t.Errorf("-o %s: no annotation where expected:\n%s", out, annotations)
		}
		if strings.Contains(other, "::error") {
			t.Errorf("-o %s: annotation on the other stream:\n%s", out, other)
		}
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "### Policy violations"); n != 2 {
		t.Errorf("summary holds %d reports, want 2 (appended):\n%s", n, data)
	}
}
