package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

func TestBuildUploadsSBOMAtTheEnd(t *testing.T) {
	srv := dtracktest.NewServer()
	t.Cleanup(srv.Close)
	const key = "odt_build_test_key_0123456789"
	srv.AddKey(key, dtracktest.BOMUpload, dtracktest.ProjectCreationUpload)
	dir := t.TempDir()
	for _, tc := range []struct {
		script string
		code   int
	}{{"exit 0", 0}, {"exit 5", 5}} {
		env, _, read := testEnv(t)
		env.getenv = func(k string) string {
			switch k {
			case envDTrackURL:
				return srv.URL
			case envDTrackKey:
				return key
			}
			return os.Getenv(k)
		}
		before := len(srv.Uploads())
		code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"),
			"--upload", "--auto-create", "--name", "app", "--version", "1.0", "--", "sh", "-c", tc.script})
		_, errOut := read()
		if code != tc.code {
			t.Fatalf("%s: exit %d, want %d\n%s", tc.script, code, tc.code, errOut)
		}
		ups := srv.Uploads()
		if len(ups) != before+1 {
			t.Fatalf("%s: %d uploads, want one more than %d\n%s", tc.script, len(ups), before, errOut)
		}
		u := ups[len(ups)-1]
		var project dtracktest.Project
		for _, p := range srv.Projects() {
			if p.UUID == u.ProjectUUID {
				project = p
			}
		}
		if project.Name != "app" || project.Version != "1.0" {
			t.Errorf("uploaded to %+v", project)
		}
		if _, err := bomdiff.ParseBOM(u.BOM); err != nil {
			t.Errorf("uploaded BOM does not parse: %v", err)
		}
		if strings.Contains(errOut, key) {
			t.Error("API key printed")
		}
	}
}

func TestBuildUploadMisconfiguredFailsBeforeTheChild(t *testing.T) {
	env, _, read := testEnv(t)
	env.getenv = func(k string) string {
		if strings.HasPrefix(k, "DEPAUDIT_DTRACK") {
			return ""
		}
		return os.Getenv(k)
	}
	dir := t.TempDir()
	marker := filepath.Join(dir, "started")
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "--upload", "--", "touch", marker})
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("child started although the upload could never work")
	}
	if _, e := read(); !strings.Contains(e, envDTrackURL) {
		t.Errorf("stderr %q does not say what to set", e)
	}
}

func TestBuildPrintsDiffAgainstBaseline(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "old.json")
	if err := os.WriteFile(baseline, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
	  {"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, read := testEnv(t)
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"),
		"--baseline", baseline, "--", "true"})
	_, errOut := read()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "since "+baseline) || !strings.Contains(errOut, "left-pad") {
		t.Errorf("no diff against the baseline in stderr:\n%s", errOut)
	}

	env, _, read = testEnv(t)
	code = run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "--baseline", filepath.Join(dir, "missing.json"), "--", "true"})
	if _, e := read(); code != exitError || !strings.Contains(e, "missing.json") {
		t.Errorf("missing baseline: exit %d, stderr %q", code, e)
	}

	env, _, _ = testEnv(t)
	same := filepath.Join(dir, "same.jsonl")
	if code := run(context.Background(), env, []string{"depaudit", "build", "--capture", same, "-o", same, "--", "true"}); code != exitError {
		t.Errorf("-o equal to --capture: exit %d, want %d", code, exitError)
	}
}

// A command that writes into the capture log during the build (here it
// adds a record of a download that never happened) does not go unnoticed:
// the read-back differs from what depaudit recorded, and the build fails
// with exit 2 even though the command succeeded.
func TestBuildNoticesCaptureLogChangedDuringBuild(t *testing.T) {
	dir := t.TempDir()
	capturePath := filepath.Join(dir, "c.jsonl")
	fake := `{"record":"exchange","id":99,"start":"2026-01-01T00:00:00Z","duration_ms":1,"method":"GET",` +
		`"url":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","host":"registry.npmjs.org","status":200,` +
		`"content_length":-1,"bytes":10,"complete":true,"sha256":"00"}`
	for _, tc := range []struct {
		name, script, want string
	}{
		{"record added", "printf '%s\\n' '" + fake + "' >> " + capturePath, "holds 1 exchanges, but depaudit recorded 0"},
		{"garbage added", "printf 'not json\\n' >> " + capturePath, "reads back damaged"},
		{"untouched", "true", ""},
	} {
		env, _, read := testEnv(t)
		code := run(context.Background(), env, []string{"depaudit", "build", "--capture", capturePath,
			"-o", filepath.Join(dir, "s.json"), "--", "sh", "-c", tc.script})
		_, errOut := read()
		if tc.want == "" {
			if code != 0 {
				t.Errorf("%s: exit %d\n%s", tc.name, code, errOut)
			}
			continue
		}
		if code != exitError || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "changed it during the build") {
			t.Errorf("%s: exit %d, want %d and %q\n%s", tc.name, code, exitError, tc.want, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "s.json")); err != nil {
			t.Errorf("%s: no SBOM written: %v", tc.name, err)
		}
		os.Remove(filepath.Join(dir, "s.json"))
	}
}

// A build that removes the capture log (a clean step) gets it back, whole;
// one that puts another file in its place fails the build, and that file
// is left alone. The SBOM is made from what depaudit recorded either way.
func TestBuildKeepsCaptureLogRemovedOrReplaced(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		code         int
		want         string
	}{
		{"removed", "rm -f CAPTURE", 0, "was removed during the build; written again"},
		{"replaced", "rm -f CAPTURE && echo mine > CAPTURE", exitError, "was replaced during the build"},
	} {
		dir := t.TempDir()
		capturePath := filepath.Join(dir, "c.jsonl")
		env, _, read := testEnv(t)
		code := run(context.Background(), env, []string{"depaudit", "build", "--capture", capturePath,
			"-o", filepath.Join(dir, "s.json"), "--", "sh", "-c", strings.ReplaceAll(tc.script, "CAPTURE", capturePath)})
		_, errOut := read()
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s", tc.name, code, tc.code, tc.want, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "s.json")); err != nil {
			t.Errorf("%s: no SBOM: %v", tc.name, err)
		}
		b, err := os.ReadFile(capturePath)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.name == "replaced" {
			if string(b) != "mine\n" {
				t.Errorf("%s: the file put in the log's place was overwritten: %q", tc.name, b)
			}
			continue
		}
		if !strings.HasPrefix(string(b), `{"record":"header"`) || !strings.Contains(string(b), `"record":"trailer"`) {
			t.Errorf("%s: capture log written again is not whole:\n%s", tc.name, b)
		}
	}
}
