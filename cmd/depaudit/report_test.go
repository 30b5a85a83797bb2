package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/sbom"
)

// buildCapture is the hand-written capture log of a multi-ecosystem build.
const buildCapture = "../../sbom/testdata/build.capture.jsonl"

// reportEnv runs the CLI in-process with in-memory streams.
type reportEnv struct {
	env            *appEnv
	stdout, stderr *bytes.Buffer
}

func newReportEnv(stdin string) *reportEnv {
	r := &reportEnv{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	r.env = &appEnv{
		stdin:   strings.NewReader(stdin),
		stdout:  r.stdout,
		stderr:  r.stderr,
		getenv:  func(string) string { return "" },
		environ: func() []string { return nil },
	}
	return r
}

func (r *reportEnv) run(args ...string) int {
	return run(context.Background(), r.env, append([]string{"depaudit"}, args...))
}

func decodeFile(t *testing.T, path string) *cdx.BOM {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bom, err := bomdiff.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return bom
}

func purls(bom *cdx.BOM) []string {
	var out []string
	if bom.Components != nil {
		for _, c := range *bom.Components {
			out = append(out, c.PackageURL)
		}
	}
	return out
}

var volatileRE = regexp.MustCompile(`("serialNumber": |"timestamp": )"[^"]*"`)

func TestReportWritesOutputs(t *testing.T) {
	dir := t.TempDir()
	out, uncl := filepath.Join(dir, "bom.cdx.json"), filepath.Join(dir, "unclassified.json")
	r := newReportEnv("")
	if code := r.run("report", "-o", out, "--unclassified", uncl, "--name", "webshop", "--version", "3.0.1", buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	bom := decodeFile(t, out)
	got := purls(bom)
	for _, want := range []string{
		"pkg:npm/%40babel/core@7.24.0",
		"pkg:golang/github.com/BurntSushi/toml@v1.3.2",
		"pkg:cargo/serde@1.0.197",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("SBOM lacks %s; has %v", want, got)
		}
	}
	for _, p := range got {
		if strings.Contains(p, "lodash") || strings.Contains(p, "numpy") {
			t.Errorf("failed download %s in the SBOM", p)
		}
	}
	if c := bom.Metadata.Component; c.Name != "webshop" || c.Version != "3.0.1" {
		t.Errorf("metadata component %+v", c)
	}
	if tools := bom.Metadata.Tools; tools == nil || tools.Components == nil || (*tools.Components)[0].Version != version {
		t.Errorf("tool version not %s", version)
	}
	data, err := os.ReadFile(uncl)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"host": "telemetry.example.com"`) {
		t.Errorf("unclassified list lacks the telemetry host:\n%s", data)
	}
	stderr := r.stderr.String()
	for _, want := range []string{
		"warning: pkg:npm/lodash@4.17.21 is not in the SBOM: status 404",
		"warning: CONNECT to api.segment.io failed (2 times)",
		"29 requests to 15 hosts",
		"TLS handshake failed (the client did not trust depaudit's CA?) for: api.segment.io",
		"telemetry.example.com",
		"wrote SBOM (CycloneDX 1.6 JSON) to " + out,
		"unclassified calls to " + uncl,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if r.stdout.Len() != 0 {
		t.Errorf("stdout not empty: %q", r.stdout)
	}
	// Atomic writes leave no temporary file behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files in the output directory: %v", entries)
	}
}

// TestReportMatchesAssemble shows report writes exactly what the sbom
// package assembles from the log with the default classifiers (whose
// schema validity the sbom tests prove), and that two reports of one log
// differ only in serialNumber and timestamp.
func TestReportMatchesAnalyzeAndRender(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, p := range []string{a, b} {
		r := newReportEnv("")
		if code := r.run("report", "-o", p, buildCapture); code != 0 {
			t.Fatalf("exit %d\n%s", code, r.stderr)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if bytes.Equal(da, db) {
		t.Fatal("two reports are byte-identical: the serial number is not random")
	}
	blank := func(d []byte) []byte { return volatileRE.ReplaceAll(d, []byte(`$1""`)) }
	if !bytes.Equal(blank(da), blank(db)) {
		t.Error("two reports of the same log differ beyond serialNumber and timestamp")
	}

	f, err := os.Open(buildCapture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	bom := decodeFile(t, a)
	ts, err := time.Parse(time.RFC3339Nano, bom.Metadata.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	// report also records each artifact's verification against the
	// digests the log holds (no fetching without --verify-fetch).
	rep, err := audit.Analyze(context.Background(), l, audit.Config{Classifier: classify.Default()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sbom.Render(rep, sbom.Options{ToolVersion: version, SerialNumber: bom.SerialNumber, Timestamp: ts})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := sbom.Encode(&want, res, sbom.FormatJSON, cdx.SpecVersion1_6); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, want.Bytes()) {
		t.Error("report output differs from audit.Analyze + sbom.Render + sbom.Encode of the same log")
	}
}

func TestReportFormats(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		prefix string
		spec   cdx.SpecVersion
	}{
		{[]string{"--format", "xml"}, "<?xml", cdx.SpecVersion1_6},
		{[]string{"--spec-version", "1.5"}, "{", cdx.SpecVersion1_5},
		{[]string{"--format", "xml", "--spec-version", "1.5"}, "<?xml", cdx.SpecVersion1_5},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := newReportEnv("")
			args := append([]string{"report", "-o", "-"}, tc.args...)
			if code := r.run(append(args, buildCapture)...); code != 0 {
				t.Fatalf("exit %d\n%s", code, r.stderr)
			}
			if !strings.HasPrefix(r.stdout.String(), tc.prefix) {
				t.Fatalf("stdout starts with %.40q", r.stdout)
			}
			bom, err := bomdiff.Decode(bytes.NewReader(r.stdout.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if bom.SpecVersion != tc.spec || len(purls(bom)) == 0 {
				t.Errorf("spec %s, %d components", bom.SpecVersion, len(purls(bom)))
			}
			if !strings.Contains(r.stderr.String(), "to standard output") {
				t.Errorf("stderr: %s", r.stderr)
			}
		})
	}
}

func TestReportDefaultOutput(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.Abs(buildCapture)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	r := newReportEnv("")
	if code := r.run("report", abs); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	decodeFile(t, filepath.Join(dir, "depaudit.cdx.json"))
	r = newReportEnv("")
	if code := r.run("report", "--format", "xml", abs); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	if bom := decodeFile(t, filepath.Join(dir, "depaudit.cdx.xml")); bom.XMLNS == "" {
		t.Error("default XML output is not XML")
	}
}

func TestReportStdinAndTruncated(t *testing.T) {
	data, err := os.ReadFile(buildCapture)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	cut := bytes.Join(lines[:len(lines)-5], nil) // no trailer, last exchanges lost
	cut = append(cut, lines[len(lines)-5][:30]...)
	r := newReportEnv(string(cut))
	if code := r.run("report", "-o", "-", "-"); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	if !strings.Contains(r.stderr.String(), "warning: capture log damaged") || !strings.Contains(r.stderr.String(), "capture log truncated") {
		t.Errorf("no truncation warning:\n%s", r.stderr)
	}
	if bom, err := bomdiff.Decode(r.stdout); err != nil || len(purls(bom)) == 0 {
		t.Errorf("truncated log gave no SBOM: %v", err)
	}
}

// A capture log named by a path that is a pipe (a shell's <(…)) is read
// once, whole, and gives the SBOM a file gives.
func TestReportFromPipe(t *testing.T) {
	data, err := os.ReadFile(buildCapture)
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "capture.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(data)
		f.Close()
	}()
	out := filepath.Join(t.TempDir(), "sbom.json")
	r := newReportEnv("")
	if code := r.run("report", "-o", out, fifo); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	want := filepath.Join(t.TempDir(), "want.json")
	if code := newReportEnv("").run("report", "-o", want, buildCapture); code != 0 {
		t.Fatal("report of the file failed")
	}
	if got, exp := purls(decodeFile(t, out)), purls(decodeFile(t, want)); !slices.Equal(got, exp) || len(got) == 0 {
		t.Errorf("from the pipe %v, from the file %v", got, exp)
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	notLog := filepath.Join(dir, "not-a-log.jsonl")
	if err := os.WriteFile(notLog, []byte("{\"hello\":1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no log", []string{"report"}, "want one capture log"},
		{"two logs", []string{"report", buildCapture, buildCapture}, "want one capture log"},
		{"missing log", []string{"report", filepath.Join(dir, "missing.jsonl")}, "missing.jsonl: no such file"},
		{"not a log", []string{"report", notLog}, "not a depaudit capture log"},
		{"bad format", []string{"report", "--format", "yaml", buildCapture}, "--format"},
		{"bad spec", []string{"report", "--spec-version", "1.4", buildCapture}, "--spec-version"},
		{"both to stdout", []string{"report", "-o", "-", "--unclassified", "-", buildCapture}, "both write to standard output"},
		{"same file", []string{"report", "-o", filepath.Join(dir, "x"), "--unclassified", filepath.Join(dir, "x"), buildCapture}, "same file"},
		{"SBOM over the log", []string{"report", "-o", notLog, notLog}, "would overwrite the capture log"},
		{"list over the log", []string{"report", "-o", "-", "--unclassified", notLog, notLog}, "would overwrite the capture log"},
		{"unwritable SBOM", []string{"report", "-o", filepath.Join(file, "bom.json"), buildCapture}, "cannot write the SBOM to " + filepath.Join(file, "bom.json") + ": not a directory"},
		{"unwritable list", []string{"report", "-o", filepath.Join(dir, "ok.json"), "--unclassified", filepath.Join(dir, "no", "such", "u.json"), buildCapture}, "cannot write the unclassified calls to " + filepath.Join(dir, "no", "such", "u.json")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReportEnv("")
			if code := r.run(tc.args...); code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if !strings.Contains(r.stderr.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}

// TestReportKeepsOldFileOnFailure shows a failed write leaves a previous
// SBOM untouched: the new one is renamed into place only when complete.
func TestReportKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bom.json")
	if err := os.Mkdir(out, 0o755); err != nil { // a directory cannot be replaced by rename
		t.Fatal(err)
	}
	r := newReportEnv("")
	if code := r.run("report", "-o", out, buildCapture); code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0:             "0 B",
		1023:          "1023 B",
		1024:          "1.0 KiB",
		1536:          "1.5 KiB",
		21097418:      "20.1 MiB",
		5 << 30:       "5.0 GiB",
		3 << 40:       "3.0 TiB",
		1<<62 + 1<<61: "6144.0 PiB",
	} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestReportAppliesPolicy: report judges a capture log by a rules file as
// build does, records the violations in the SBOM and, with
// --fail-on-violation, exits 3.
func TestReportAppliesPolicy(t *testing.T) {
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesPath, []byte("policy:\n  deny:\n    purls: [\"pkg:npm/left-pad\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bom.json")
	r := newReportEnv("")
	code := r.run("report", "-o", out, "--rules", rulesPath, "--fail-on-violation", buildCapture)
	if code != exitViolation {
		t.Fatalf("exit %d, want %d\n%s", code, exitViolation, r.stderr)
	}
	if !strings.Contains(r.stderr.String(), `policy.deny.purls[0]`) {
		t.Errorf("stderr does not name the rule:\n%s", r.stderr)
	}
	bom := decodeFile(t, out)
	found := false
	for _, c := range *bom.Components {
		if !strings.HasPrefix(c.PackageURL, "pkg:npm/left-pad") || c.Properties == nil {
			continue
		}
		for _, p := range *c.Properties {
			found = found || (p.Name == "depaudit:violation" && strings.Contains(p.Value, "policy.deny.purls[0]"))
		}
	}
	if !found {
		t.Error("the SBOM does not record the violation on left-pad")
	}
	r = newReportEnv("")
	if code := r.run("report", "-o", out, "--rules", rulesPath, buildCapture); code != 0 {
		t.Errorf("audit without --fail-on-violation: exit %d, want 0", code)
	}
}
