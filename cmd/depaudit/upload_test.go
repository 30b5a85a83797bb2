package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

const uplKey = "odt_CLIKEY_5f3c9a1e7b2d4068SECRET"

// uplRun is one in-process `depaudit upload` run.
type uplRun struct {
	code           int
	stdout, stderr string
	waits          []time.Duration
}

func (r uplRun) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// uplSleeper records backoff waits instead of sleeping.
type uplSleeper struct {
	mu    sync.Mutex
	waits []time.Duration
	block bool // wait for the context to end instead
}

func (s *uplSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	if s.block {
		<-ctx.Done()
	}
	return ctx.Err()
}

// runUpload runs depaudit with args (after "depaudit upload") and vars as
// its whole environment.
func runUpload(t *testing.T, vars map[string]string, stdin string, sl *uplSleeper, args ...string) uplRun {
	t.Helper()
	if sl == nil {
		sl = &uplSleeper{}
	}
	var stdout, stderr bytes.Buffer
	env := &appEnv{
		stdin:   strings.NewReader(stdin),
		stdout:  &stdout,
		stderr:  &stderr,
		getenv:  func(k string) string { return vars[k] },
		environ: func() []string { return nil },
	}
	ctx := context.WithValue(context.Background(), uploadSleepKey{}, dtrack.SleepFunc(sl.sleep))
	code := run(ctx, env, append([]string{"depaudit", "upload"}, args...))
	return uplRun{code: code, stdout: stdout.String(), stderr: stderr.String(), waits: sl.waits}
}

func uplFake(t *testing.T, perms ...string) (*dtracktest.Server, map[string]string) {
	t.Helper()
	srv := dtracktest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddKey(uplKey, perms...)
	return srv, map[string]string{envDTrackURL: srv.URL, envDTrackKey: uplKey}
}

func uplBOMFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "depaudit.cdx.json")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const uplBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}]}`

func expect(t *testing.T, r uplRun, code int, subs ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\n%s", r.code, code, r)
	}
	all := r.stdout + r.stderr
	for _, s := range subs {
		if !strings.Contains(all, s) {
			t.Errorf("output lacks %q\n%s", s, r)
		}
	}
	if strings.Contains(all, uplKey) {
		t.Errorf("output shows the API key\n%s", r)
	}
}

func TestUploadByNameFromEnvironment(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload)
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1.4.2"})
	bom := uplBOMFile(t, uplBOM)
	r := runUpload(t, vars, "", nil, "--project", "web", "--project-version", "1.4.2", bom)
	expect(t, r, 0, "uploaded "+bom, "CycloneDX JSON 1.6", "as PUT", `"web" version "1.4.2"`)
	ups := srv.Uploads()
	if len(ups) != 1 || ups[0].ProjectUUID != id || string(ups[0].BOM) != uplBOM {
		t.Fatalf("uploads = %+v", ups)
	}
	if !strings.Contains(r.stdout, ups[0].Token) {
		t.Error("token not printed")
	}
}

func TestUploadFlagsOverrideEnvironment(t *testing.T) {
	srv, _ := uplFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	vars := map[string]string{envDTrackURL: "http://127.0.0.1:1", envDTrackKey: "wrong"}
	r := runUpload(t, vars, "", nil, "--url", srv.URL, "--api-key", uplKey, "--project", "web", "--project-version", "1", uplBOMFile(t, uplBOM))
	expect(t, r, 0, "warning: --api-key is visible", envDTrackKey)
}

func TestUploadFromStdinByUUIDWaitSkipsLookup(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ViewVulnerability) // no VIEW_PORTFOLIO
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	r := runUpload(t, vars, uplBOM, nil, "--project", strings.ToUpper(id), "--wait", "-")
	expect(t, r, 0, "has 0 findings")
	for _, q := range srv.Requests() {
		if strings.Contains(q.Path, "lookup") {
			t.Error("looked the project up although its UUID was given")
		}
	}
	if srv.Uploads()[0].Fields["project"] != id {
		t.Errorf("fields %v, want the lower-case UUID", srv.Uploads()[0].Fields)
	}
}

func TestUploadAutoCreateParentLatestTags(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ProjectCreationUpload)
	parent := srv.AddProject(dtracktest.Project{Name: "platform", Version: "2025.1"})
	r := runUpload(t, vars, "", nil, "--project", "svc", "--project-version", "3.0.0", "--auto-create",
		"--parent", "platform@2025.1", "--latest", "--tag", "ci", "--tag", "team-a", uplBOMFile(t, uplBOM))
	expect(t, r, 0)
	var created *dtracktest.Project
	for _, p := range srv.Projects() {
		if p.Name == "svc" {
			created = &p
		}
	}
	if created == nil || created.ParentUUID != parent || !created.IsLatest || strings.Join(created.Tags, ",") != "ci,team-a" {
		t.Errorf("created %+v", created)
	}
}

func TestUploadWaitPrintsFindingsAndFailsOnSeverity(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ViewPortfolio, dtracktest.ViewVulnerability)
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetFindings(id,
		dtracktest.Finding{ComponentName: "a", VulnID: "CVE-2024-1", Severity: "HIGH"},
		dtracktest.Finding{ComponentName: "b", VulnID: "CVE-2024-2", Severity: "MEDIUM"},
		dtracktest.Finding{ComponentName: "c", VulnID: "CVE-2024-3", Severity: "MEDIUM"},
		dtracktest.Finding{ComponentName: "d", VulnID: "CVE-2024-4", Severity: "CRITICAL", Suppressed: true},
	)
	srv.SetProcessingPolls(2)
	bom := uplBOMFile(t, uplBOM)
	args := []string{"--project", "web", "--project-version", "1"}

	sl := &uplSleeper{}
	r := runUpload(t, vars, "", sl, append(args, "--fail-on-severity", "high", bom)...)
	expect(t, r, exitPolicy, "has 3 findings: critical 0, high 1, medium 2, low 0, info 0, unassigned 0",
		"1 finding at severity high or higher")
	if len(sl.waits) != 2 {
		t.Errorf("waits %v, want 2 polls' backoff", sl.waits)
	}
	token := srv.Uploads()[0].Token
	if n := srv.Polls(token); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}

	r = runUpload(t, vars, "", nil, append(args, "--fail-on-severity", "critical", bom)...)
	expect(t, r, 0, "has 3 findings")

	r = runUpload(t, vars, "", nil, append(args, "--wait", bom)...)
	expect(t, r, 0, "high 1, medium 2")
}

func TestUploadWaitTimeout(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ViewPortfolio, dtracktest.ViewVulnerability)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetProcessingPolls(1 << 30)
	r := runUpload(t, vars, "", &uplSleeper{block: true}, "--project", "web", "--project-version", "1", "--wait", "--timeout", "50ms", uplBOMFile(t, uplBOM))
	expect(t, r, exitError, "accepted (token "+srv.Uploads()[0].Token, "--timeout 50ms", "raise --timeout")
}

func TestUploadFailures(t *testing.T) {
	bom := uplBOMFile(t, uplBOM)
	for _, tc := range []struct {
		name  string
		perms []string
		setup func(*dtracktest.Server)
		args  []string
		want  []string
	}{
		{"unknown key", nil, func(s *dtracktest.Server) { s.AddKey("another", dtracktest.BOMUpload) }, nil,
			[]string{"401 Unauthorized", "missing or not valid", envDTrackKey}},
		{"no BOM_UPLOAD", []string{dtracktest.ViewPortfolio}, nil, nil,
			[]string{"403 Forbidden", "BOM_UPLOAD", "Teams"}},
		{"no VIEW_VULNERABILITY", []string{dtracktest.BOMUpload, dtracktest.ViewPortfolio}, nil, []string{"--wait"},
			[]string{"fetch findings", "403 Forbidden", "VIEW_VULNERABILITY"}},
		{"no VIEW_PORTFOLIO", []string{dtracktest.BOMUpload, dtracktest.ViewVulnerability}, nil, []string{"--wait"},
			[]string{"look up project", "403 Forbidden", "VIEW_PORTFOLIO", "project's UUID"}},
		{"project missing", []string{dtracktest.BOMUpload}, func(s *dtracktest.Server) {}, []string{"--project-version", "9"},
			[]string{"404 Not Found", "The project could not be found", "--auto-create"}},
		{"auto-create without permission", []string{dtracktest.BOMUpload}, nil, []string{"--project-version", "9", "--auto-create"},
			[]string{"401 Unauthorized", "PROJECT_CREATION_UPLOAD"}},
		{"proxy 413", []string{dtracktest.BOMUpload}, func(s *dtracktest.Server) { s.SetBodyLimit(100) }, nil,
			[]string{"413 Request Entity Too Large", "reverse proxy", "client_max_body_size"}},
		{"server down", []string{dtracktest.BOMUpload}, func(s *dtracktest.Server) { s.Inject(dtracktest.Fault{Status: 503}, 10) }, nil,
			[]string{"503 Service Unavailable", "4 attempts", "try again later"}},
		{"schema errors", []string{dtracktest.BOMUpload}, func(s *dtracktest.Server) {
			s.Inject(dtracktest.Fault{Status: 400, ContentType: "application/problem+json",
				Body: `{"status":400,"title":"The uploaded BOM is invalid","detail":"Schema validation failed","errors":["$.components[0].type: does not have a value in the enumeration [application]"]}`}, 1)
		}, nil, []string{"The uploaded BOM is invalid: Schema validation failed", "\n  $.components[0].type: does not have a value", "CycloneDX schema"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, vars := uplFake(t, tc.perms...)
			if tc.setup != nil {
				tc.setup(srv)
			} else {
				srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
			}
			if tc.name == "unknown key" {
				srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
				vars[envDTrackKey] = uplKey + "x" // the server knows neither
				defer func() { vars[envDTrackKey] = uplKey }()
			}
			args := []string{"--project", "web", "--project-version", "1"}
			args = append(args, tc.args...)
			r := runUpload(t, vars, "", nil, append(args, bom)...)
			expect(t, r, exitError, tc.want...)
			if strings.Contains(r.stdout+r.stderr, uplKey) {
				t.Error("key shown")
			}
		})
	}
}

func TestUploadRetries503ThenSucceeds(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.Inject(dtracktest.Fault{Status: 503}, 2)
	sl := &uplSleeper{}
	r := runUpload(t, vars, "", sl, "--project", "web", "--project-version", "1", uplBOMFile(t, uplBOM))
	expect(t, r, 0, "uploaded")
	if len(srv.Uploads()) != 1 || len(sl.waits) != 2 {
		t.Errorf("uploads %d, waits %v", len(srv.Uploads()), sl.waits)
	}
}

func TestUploadConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	sl := &uplSleeper{}
	r := runUpload(t, map[string]string{envDTrackURL: url, envDTrackKey: uplKey}, "", sl,
		"--project", "web", "--project-version", "1", uplBOMFile(t, uplBOM))
	expect(t, r, exitError, "connection refused", url, envDTrackURL)
	if len(sl.waits) != 3 {
		t.Errorf("waits %v, want 3 retries", sl.waits)
	}
}

func TestUploadUntrustedTLS(t *testing.T) {
	srv := dtracktest.NewTLSServer()
	defer srv.Close()
	r := runUpload(t, map[string]string{envDTrackURL: srv.URL, envDTrackKey: uplKey}, "", nil,
		"--project", "web", "--project-version", "1", uplBOMFile(t, uplBOM))
	expect(t, r, exitError, "TLS error", "SSL_CERT_FILE")
}

func TestUploadLargeBOMGoesMultipart(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	head := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"type":"application","name":"big","description":"`
	tail := `"}},"components":[]}`
	big := head + strings.Repeat("y", 15_000_100) + tail
	r := runUpload(t, vars, "", nil, "--project", "web", "--project-version", "1", uplBOMFile(t, big))
	expect(t, r, 0, "as multipart POST")
	if u := srv.Uploads(); len(u) != 1 || u[0].Method != "POST" || len(u[0].BOM) != len(big) {
		t.Errorf("server got %d uploads", len(u))
	}
}

func TestUploadRejectsBadInputBeforeSending(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload)
	good := uplBOMFile(t, uplBOM)
	noEnv := map[string]string{}
	noKey := map[string]string{envDTrackURL: srv.URL}
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no url", noEnv, []string{"--project", "web", "--project-version", "1", good}, envDTrackURL},
		{"no key", noKey, []string{"--project", "web", "--project-version", "1", good}, envDTrackKey},
		{"url with credentials", vars, []string{"--url", "https://u:" + uplKey + "@dt.example.com", "--project", "web", "--project-version", "1", good}, "credentials"},
		{"no project", vars, []string{good}, "--project UUID"},
		{"name without version", vars, []string{"--project", "web", good}, "--project-version"},
		{"uuid with auto-create", vars, []string{"--project", "0b7c2a3e-1111-4222-8333-444455556666", "--auto-create", good}, "by UUID already exists"},
		{"bad parent", vars, []string{"--project", "web", "--project-version", "1", "--parent", "web", good}, "NAME@VERSION"},
		{"bad severity", vars, []string{"--project", "web", "--project-version", "1", "--fail-on-severity", "severe", good}, "unknown severity"},
		{"bad timeout", vars, []string{"--project", "web", "--project-version", "1", "--timeout", "0s", good}, "--timeout"},
		{"two files", vars, []string{"--project", "web", "--project-version", "1", good, good}, "exactly one BOM"},
		{"missing file", vars, []string{"--project", "web", "--project-version", "1", filepath.Join(t.TempDir(), "nope.json")}, "no such file"},
		{"spdx", vars, []string{"--project", "web", "--project-version", "1", uplBOMFile(t, `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`)}, "SPDX"},
		{"not a bom", vars, []string{"--project", "web", "--project-version", "1", uplBOMFile(t, "hello")}, "neither JSON nor XML"},
		{"json 1.1", vars, []string{"--project", "web", "--project-version", "1", uplBOMFile(t, `{"bomFormat":"CycloneDX","specVersion":"1.1"}`)}, "from spec version 1.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runUpload(t, tc.vars, "", nil, tc.args...)
			expect(t, r, exitError, tc.want)
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestUploadKeyNeverShown(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload, dtracktest.ViewPortfolio, dtracktest.ViewVulnerability)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	bom := uplBOMFile(t, uplBOM)
	args := []string{"--project", "web", "--project-version", "1", "--wait", bom}
	// A proxy that echoes the request's headers in its error pages.
	srv.Inject(dtracktest.Fault{Status: 502, ContentType: "text/plain", Body: "X-Api-Key: " + uplKey}, 4)
	srv.Inject(dtracktest.Fault{Status: 400, ContentType: "application/problem+json",
		Body: `{"title":"` + uplKey + `","detail":"` + uplKey + `","errors":["` + uplKey + `"]}`}, 1)
	srv.Inject(dtracktest.Fault{Status: 403, ContentType: "text/plain", Body: "denied for " + uplKey}, 1)
	runs := []uplRun{
		runUpload(t, vars, "", nil, args...),
		runUpload(t, vars, "", nil, args...),
		runUpload(t, vars, "", nil, args...),
		runUpload(t, vars, "", nil, args...), // succeeds
		runUpload(t, vars, "", nil, "--api-key", uplKey, "--project", "web", bom),
		runUpload(t, vars, "", nil, "--help"),
		runUpload(t, map[string]string{envDTrackURL: "http://127.0.0.1:1/?apiKey=" + uplKey, envDTrackKey: uplKey}, "", nil, "--project", "web", "--project-version", "1", bom),
	}
	for i, r := range runs {
		if strings.Contains(r.stdout+r.stderr, uplKey) {
			t.Errorf("run %d shows the key\n%s", i, r)
		}
	}
	if runs[3].code != 0 {
		t.Errorf("run 3 should succeed\n%s", runs[3])
	}
	for i := range 3 {
		if runs[i].code != exitError || !strings.Contains(runs[i].stderr, "[REDACTED]") {
			t.Errorf("run %d: want a redacted failure\n%s", i, runs[i])
		}
	}
}

// hostileXML are XML documents that attack the parser that reads them: a
// billion-laughs entity expansion, an external entity reading a local file
// (XXE), and elements nested 200,000 deep.
func hostileXML() map[string]string {
	const ns = `http://cyclonedx.org/schema/bom/1.6`
	laughs := `<?xml version="1.0"?>
<!DOCTYPE bom [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bom xmlns="` + ns + `" version="1"><metadata><component type="application"><name>&lol3;</name></component></metadata></bom>`
	xxe := `<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="` + ns + `" version="1"><metadata><component type="application"><name>&xxe;</name></component></metadata></bom>`
	deep := `<bom xmlns="` + ns + `" version="1"><components>` + strings.Repeat("<component>", 200000) +
		strings.Repeat("</component>", 200000) + `</components></bom>`
	return map[string]string{"billion laughs": laughs, "xxe": xxe, "200k deep": deep}
}

// TestUploadRefusesHostileXMLBeforeSending: hostile XML is refused, with
// exit 2 and a reason, before any request reaches the server.
func TestUploadRefusesHostileXMLBeforeSending(t *testing.T) {
	srv, vars := uplFake(t, dtracktest.BOMUpload)
	for name, doc := range hostileXML() {
		t.Run(name, func(t *testing.T) {
			r := runUpload(t, vars, "", nil, "--project", "web", "--project-version", "1", uplBOMFile(t, doc))
			expect(t, r, exitError, "refused")
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
