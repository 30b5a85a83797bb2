package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// testEnv returns an appEnv for in-process runs: the test's own
// environment, stdout and stderr to files (so that a child's descendants
// never hold a pipe open), and signals from the returned channel.
func testEnv(t *testing.T) (*appEnv, chan os.Signal, func() (string, string)) {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	errf, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close(); errf.Close() })
	sig := make(chan os.Signal, 4)
	env := &appEnv{
		stdin:   strings.NewReader(""),
		stdout:  out,
		stderr:  errf,
		getenv:  os.Getenv,
		environ: os.Environ,
		signals: sig,
	}
	read := func() (string, string) {
		o, _ := os.ReadFile(out.Name())
		e, _ := os.ReadFile(errf.Name())
		return string(o), string(e)
	}
	return env, sig, read
}

func readCapture(t *testing.T, path string) *capture.Log {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestBuildPropagatesExitCode(t *testing.T) {
	env, _, read := testEnv(t)
	dir := t.TempDir()
	capturePath := filepath.Join(dir, "c.jsonl")
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", capturePath, "-o", filepath.Join(dir, "s.json"), "--", "sh", "-c", "echo hi; exit 7"})
	if code != 7 {
		_, e := read()
		t.Fatalf("exit code %d, want 7; stderr:\n%s", code, e)
	}
	if o, _ := read(); o != "hi\n" {
		t.Errorf("child stdout %q", o)
	}
	l := readCapture(t, capturePath)
	if l.Trailer == nil || l.Trailer.ExitCode != 7 || l.Header.Command[0] != "sh" {
		t.Errorf("capture log header/trailer: %+v %+v", l.Header, l.Trailer)
	}
}

// waitForFile waits until path exists: the child signals it has started.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

func TestBuildForwardsSIGTERM(t *testing.T) {
	env, sig, _ := testEnv(t)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	capturePath := filepath.Join(dir, "c.jsonl")
	done := make(chan int)
	go func() {
		done <- run(context.Background(), env, []string{"depaudit", "build", "--capture", capturePath, "-o", filepath.Join(dir, "s.json"), "--",
			"sh", "-c", "touch " + ready + "; exec sleep 30"})
	}()
	waitForFile(t, ready)
	sig <- syscall.SIGTERM
	select {
	case code := <-done:
		if code != 143 {
			t.Errorf("exit code %d, want 143", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("child not terminated by the forwarded SIGTERM")
	}
	if l := readCapture(t, capturePath); l.Trailer == nil || l.Trailer.ExitCode != 143 || l.Trailer.Signal != "terminated" {
		t.Errorf("trailer %+v", l.Trailer)
	}
}

func TestBuildSecondSIGINTKills(t *testing.T) {
	env, sig, _ := testEnv(t)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	done := make(chan int)
	go func() {
		done <- run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"), "--",
			"sh", "-c", "trap 'echo got INT' INT; touch " + ready + "; while :; do sleep 0.05; done"})
	}()
	waitForFile(t, ready)
	sig <- syscall.SIGINT
	select {
	case code := <-done:
		t.Fatalf("child ended (%d) on the first SIGINT, which it traps", code)
	case <-time.After(300 * time.Millisecond):
	}
	sig <- syscall.SIGINT
	select {
	case code := <-done:
		if code != 128+int(syscall.SIGKILL) {
			t.Errorf("exit code %d, want %d (killed)", code, 128+int(syscall.SIGKILL))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("second SIGINT did not kill the child")
	}
}

func TestBuildChildEnvironment(t *testing.T) {
	env, _, read := testEnv(t)
	env.environ = func() []string {
		return append(os.Environ(), "NO_PROXY=bypass.example", "MAVEN_OPTS=-Xmx1g")
	}
	dir := t.TempDir()
	before := os.Getenv("HTTPS_PROXY")
	script := `echo "proxy=$HTTPS_PROXY"; echo "npm=$npm_config_https_proxy"; echo "noproxy=[$NO_PROXY]"; ` +
		`echo "maven=$MAVEN_OPTS"; echo "mode=$(stat -c %a "$(dirname "$SSL_CERT_FILE")")"; echo "bundle=$SSL_CERT_FILE"; ` +
		`grep -c 'BEGIN CERTIFICATE' "$SSL_CERT_FILE" | sed 's/^/certs=/'`
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"), "--no-proxy", "keep.example", "--", "sh", "-c", script})
	out, errOut := read()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	vals := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, "=")
		vals[k] = v
	}
	if !strings.HasPrefix(vals["proxy"], "http://depaudit:") || !strings.Contains(vals["proxy"], "@127.0.0.1:") || vals["npm"] != vals["proxy"] {
		t.Errorf("proxy variables: %q", out)
	}
	if vals["noproxy"] != "[keep.example]" {
		t.Errorf("NO_PROXY = %s, want only the --no-proxy hosts", vals["noproxy"])
	}
	if !strings.HasPrefix(vals["maven"], "-Xmx1g -Dhttp.proxyHost=127.0.0.1") {
		t.Errorf("MAVEN_OPTS = %q", vals["maven"])
	}
	if vals["mode"] != "700" {
		t.Errorf("temp dir mode %s, want 700", vals["mode"])
	}
	if _, err := os.Stat(vals["bundle"]); !os.IsNotExist(err) {
		t.Errorf("temp files left behind: %s (%v)", vals["bundle"], err)
	}
	if os.Getenv("HTTPS_PROXY") != before {
		t.Error("depaudit's own environment was changed")
	}
}

func TestBuildFailsBeforeStartingChild(t *testing.T) {
	env, _, read := testEnv(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "started")
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "no", "such", "dir", "c.jsonl"), "--", "touch", marker})
	if code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("child started although the capture log could not be written")
	}
	if _, e := read(); !strings.Contains(e, "capture log") || strings.Count(strings.TrimSpace(e), "\n") != 0 {
		t.Errorf("want one line naming the capture log, got %q", e)
	}

	env, _, _ = testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "--", "no-such-command-xyz"}); code != 127 {
		t.Errorf("missing command: exit %d, want 127", code)
	}
	env, _, _ = testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "build"}); code != exitError {
		t.Errorf("no command: exit %d, want %d", code, exitError)
	}
}

// TestBuildChecksBeforeTruncating: a mistyped or unexecutable command, or
// an output that cannot be written, fails before the child starts and
// before the previous build's capture log is truncated, with the shell's
// codes for the command (127, 126) and 2 for depaudit's own misuse.
func TestBuildChecksBeforeTruncating(t *testing.T) {
	dir := t.TempDir()
	capturePath := filepath.Join(dir, "c.jsonl")
	const previous = "the previous build's capture log\n"
	notExec := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\ntouch "+filepath.Join(dir, "started")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "started")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not found", []string{"--", "no-such-command-xyz"}, 127, "command not found"},
		{"not executable", []string{"--", notExec}, 126, "no execute permission"},
		{"a directory", []string{"--", dir}, 126, "is a directory"},
		{"-o not writable", []string{"-o", filepath.Join(aFile, "s.json"), "--", "touch", marker}, exitError, "-o " + filepath.Join(aFile, "s.json") + " cannot be written"},
		{"-o a directory", []string{"-o", dir, "--", "touch", marker}, exitError, "is a directory"},
		{"--unclassified not writable", []string{"-o", filepath.Join(dir, "s.json"), "--unclassified", filepath.Join(dir, "no", "u.json"), "--", "touch", marker}, exitError, "--unclassified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(capturePath, []byte(previous), 0o644); err != nil {
				t.Fatal(err)
			}
			env, _, read := testEnv(t)
			code := run(context.Background(), env, append([]string{"depaudit", "build", "--capture", capturePath}, tc.args...))
			_, e := read()
			if code != tc.code || !strings.Contains(e, tc.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, e, tc.code, tc.msg)
			}
			if got, _ := os.ReadFile(capturePath); string(got) != previous {
				t.Errorf("the previous capture log was changed: %q", got)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the command ran")
			}
		})
	}
}

// TestUnknownCommandIsUsageError: a mistyped depaudit command exits 2,
// not 3 (the policy's code).
func TestUnknownCommandIsUsageError(t *testing.T) {
	for _, args := range [][]string{{"depaudit", "nosuchcommand"}, {"depaudit", "help", "nosuchcommand"}} {
		env, _, read := testEnv(t)
		if code := run(context.Background(), env, args); code != exitError {
			_, e := read()
			t.Errorf("%q: exit %d, want %d (%s)", args, code, exitError, e)
		}
	}
	env, _, read := testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit"}); code != 0 {
		t.Errorf("no command: exit %d, want the help and 0", code)
	}
	if out, _ := read(); !strings.Contains(out, "COMMANDS:") {
		t.Errorf("no command: no help: %q", out)
	}
}

// TestBuildBinarySIGTERM runs the real binary and signals the process
// itself, as a CI runner cancelling a job would.
func TestBuildBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "depaudit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ready := filepath.Join(dir, "ready")
	capturePath := filepath.Join(dir, "c.jsonl")
	cmd := exec.Command(bin, "build", "--capture", capturePath, "-o", filepath.Join(dir, "s.json"), "--", "sh", "-c", "touch "+ready+"; exec sleep 30")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, ready)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 143 {
		t.Fatalf("exit %v (%d), want 143; stderr:\n%s", err, cmd.ProcessState.ExitCode(), stderr.String())
	}
	if l := readCapture(t, capturePath); l.Trailer == nil || l.Trailer.ExitCode != 143 {
		t.Errorf("capture log not finished: %+v", l.Trailer)
	}
}

// TestBuildSBOMToStdout: with -o -, standard output holds the SBOM alone;
// what the command printed there goes to standard error.
func TestBuildSBOMToStdout(t *testing.T) {
	for _, flag := range []string{"-o", "--unclassified"} {
		t.Run(flag, func(t *testing.T) {
			env, _, read := testEnv(t)
			dir := t.TempDir()
			args := []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), flag, "-"}
			if flag != "-o" {
				args = append(args, "-o", filepath.Join(dir, "s.json"))
			}
			args = append(args, "--", "sh", "-c", "echo the command speaks")
			if code := run(context.Background(), env, args); code != 0 {
				_, e := read()
				t.Fatalf("exit %d: %s", code, e)
			}
			out, errOut := read()
			var doc any
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Errorf("standard output is not one JSON document: %v\n%s", err, out)
			}
			if !strings.Contains(errOut, "the command speaks\n") {
				t.Errorf("the command's output is not on standard error: %q", errOut)
			}
		})
	}
	// Without -o -, the command's output stays on standard output.
	env, _, read := testEnv(t)
	dir := t.TempDir()
	run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"), "--", "sh", "-c", "echo the command speaks"})
	if out, _ := read(); out != "the command speaks\n" {
		t.Errorf("standard output %q", out)
	}
}

// processGone reports whether pid has ended (a zombie nobody reaps counts
// as ended), waiting up to 10 s.
func processGone(t *testing.T, pid int) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			return true
		}
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && bytes.HasPrefix(bytes.TrimSpace(b[i+1:]), []byte("Z")) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// readPID reads a PID a script wrote to path.
func readPID(t *testing.T, path string) int {
	t.Helper()
	waitForFile(t, path)
	var pid int
	for range 100 {
		b, _ := os.ReadFile(path)
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			pid = p
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if pid == 0 {
		t.Fatalf("no PID in %s", path)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	return pid
}

// TestBuildSecondSIGINTKillsDescendants: the second SIGINT kills the
// command's whole process group, not only the command.
func TestBuildSecondSIGINTKillsDescendants(t *testing.T) {
	env, sig, _ := testEnv(t)
	dir := t.TempDir()
	gpid := filepath.Join(dir, "gpid")
	done := make(chan int)
	go func() {
		done <- run(context.Background(), env, []string{"depaudit", "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"), "--",
			"sh", "-c", "trap '' INT; sleep 60 & echo $! > " + gpid + "; wait"})
	}()
	pid := readPID(t, gpid)
	sig <- syscall.SIGINT
	sig <- syscall.SIGINT
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("second SIGINT did not end the build")
	}
	if !processGone(t, pid) {
		t.Errorf("the command's child %d outlived the second SIGINT", pid)
	}
}

// TestBuildBinarySIGKILL: depaudit killed with SIGKILL takes its command
// with it, and the next run removes the temp dir it left.
func TestBuildBinarySIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "depaudit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "pid")
	cmd := exec.Command(bin, "build", "--capture", filepath.Join(dir, "c.jsonl"), "-o", filepath.Join(dir, "s.json"), "--",
		"sh", "-c", "echo $$ > "+pidFile+"; exec sleep 60")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := readPID(t, pidFile)
	cmd.Process.Kill()
	cmd.Wait()
	if !processGone(t, pid) {
		t.Errorf("the command %d outlived depaudit killed with SIGKILL", pid)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "depaudit-*"))
	if len(left) != 1 {
		t.Fatalf("temp dirs after SIGKILL: %v, want the one left behind", left)
	}
	next := exec.Command(bin, "build", "--capture", filepath.Join(dir, "c2.jsonl"), "-o", filepath.Join(dir, "s2.json"), "--", "true")
	next.Env = cmd.Env
	if out, err := next.CombinedOutput(); err != nil {
		t.Fatalf("next run: %v\n%s", err, out)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "depaudit-*")); len(left) != 0 {
		t.Errorf("temp dirs after the next run: %v", left)
	}
}
