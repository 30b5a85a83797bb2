package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mknodNull makes a character device like /dev/null (1,3) at path; it
// skips the test unless it runs as root.
func mknodNull(t *testing.T, path string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to make a device")
	}
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a device here: %v", err)
	}
}

func isCharDevice(t *testing.T, path string) bool {
	t.Helper()
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeCharDevice != 0
}

// TestOutputsWriteDevicesInPlace: -o and --unclassified naming a device
// write to it: it stays a device (a rename over /dev/null, as root, once
// replaced it with a regular file).
func TestOutputsWriteDevicesInPlace(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	mknodNull(t, dev)
	r := newReportEnv("")
	if code := r.run("report", "-o", dev, "--unclassified", dev+"2", buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	if !isCharDevice(t, dev) {
		t.Fatalf("-o %s replaced the device", dev)
	}
	// The real one, now that a device is known to stay one.
	r = newReportEnv("")
	if code := r.run("report", "-o", "/dev/null", buildCapture); code != 0 || !isCharDevice(t, "/dev/null") {
		t.Fatalf("-o /dev/null: exit %d, still a device: %v\n%s", code, isCharDevice(t, "/dev/null"), r.stderr)
	}
}

// TestOutputsWriteFIFOInPlace: the reader of a FIFO named by -o gets the
// SBOM, and the FIFO stays a FIFO.
func TestOutputsWriteFIFOInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "sbom.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	r := newReportEnv("")
	if code := r.run("report", "-o", fifo, buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	select {
	case s := <-got:
		if !strings.Contains(s, `"bomFormat": "CycloneDX"`) {
			t.Errorf("the FIFO's reader got %.200q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
}

// TestOutputsWriteThroughSymlinks: a symbolic link named by -o is written
// through; the link stays.
func TestOutputsWriteThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "sbom.json")
	os.Mkdir(filepath.Dir(target), 0o755)
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "sbom.json")
	if err := os.Symlink(filepath.Join("real", "sbom.json"), link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "uncl.json")
	os.Symlink(filepath.Join(dir, "real", "uncl.json"), dangling)
	r := newReportEnv("")
	if code := r.run("report", "-o", link, "--unclassified", dangling, buildCapture); code != 0 {
		t.Fatalf("exit %d\n%s", code, r.stderr)
	}
	for _, l := range []string{link, dangling} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symbolic link", l)
		}
	}
	if b, _ := os.ReadFile(target); !strings.Contains(string(b), "CycloneDX") {
		t.Errorf("the link's target holds %.100q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "real", "uncl.json")); len(b) == 0 {
		t.Error("the dangling link's target was not written")
	}
}

// stickyDir returns a world-writable sticky directory, as /tmp is.
func stickyDir(t *testing.T) string {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to plant another user's files")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, fs.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOutputsRefusePlantedFiles: in a sticky directory, a symbolic link
// another user planted at the capture log's or the SBOM's path is not
// followed, and another user's file there is not truncated nor replaced.
func TestOutputsRefusePlantedFiles(t *testing.T) {
	dir := stickyDir(t)
	victim := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	plantedLink := filepath.Join(dir, "depaudit.capture.jsonl")
	os.Symlink(victim, plantedLink)
	plantedFile := filepath.Join(dir, "sbom.json")
	os.WriteFile(plantedFile, []byte("theirs"), 0o644)
	for _, p := range []string{plantedLink, plantedFile} {
		if err := os.Lchown(p, strangerUID, strangerUID); err != nil {
			t.Fatal(err)
		}
	}

	env, _, read := testEnv(t)
	out := t.TempDir()
	code := run(context.Background(), env, []string{"depaudit", "build", "--capture", plantedLink, "-o", filepath.Join(out, "s.json"), "--", "true"})
	_, stderr := read()
	if code != exitError || !strings.Contains(stderr, "another user") {
		t.Errorf("build --capture over a planted link: exit %d\n%s", code, stderr)
	}
	r := newReportEnv("")
	if code := r.run("report", "-o", plantedFile, buildCapture); code != exitError || !strings.Contains(r.stderr.String(), "another user") {
		t.Errorf("report -o over another user's file: exit %d\n%s", code, r.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was changed: %.100q", b)
	}
	if b, _ := os.ReadFile(plantedFile); string(b) != "theirs" {
		t.Errorf("another user's file was changed: %.100q", b)
	}

	// One's own link in the same directory is followed.
	own := filepath.Join(dir, "own.jsonl")
	ownTarget := filepath.Join(t.TempDir(), "capture.jsonl")
	os.Symlink(ownTarget, own)
	env, _, read = testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "build", "--capture", own, "-o", filepath.Join(out, "s2.json"), "--", "true"}); code != 0 {
		_, stderr := read()
		t.Errorf("build --capture through one's own link: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(ownTarget); !strings.Contains(string(b), `"record":"trailer"`) {
		t.Errorf("one's own link's target holds %.100q", b)
	}
}

// strangerUID is the user another user's files belong to in these tests.
const strangerUID = 65534

// TestBuildCaptureToDevice: --capture /dev/null discards the capture log on
// purpose: the build still makes its SBOM (from a private temporary copy)
// and the device stays a device.
func TestBuildCaptureToDevice(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	mknodNull(t, dev)
	for _, p := range []string{dev, "/dev/null"} {
		env, _, read := testEnv(t)
		sbomPath := filepath.Join(dir, "s.json")
		os.Remove(sbomPath)
		code := run(context.Background(), env, []string{"depaudit", "build", "--capture", p, "-o", sbomPath, "--", "true"})
		_, stderr := read()
		if code != 0 {
			t.Fatalf("build --capture %s: exit %d\n%s", p, code, stderr)
		}
		if !isCharDevice(t, p) {
			t.Fatalf("--capture %s replaced the device", p)
		}
		if b, _ := os.ReadFile(sbomPath); !strings.Contains(string(b), "CycloneDX") {
			t.Errorf("--capture %s: no SBOM", p)
		}
		// Every output to the device: the summary alone is wanted.
		env, _, read = testEnv(t)
		code = run(context.Background(), env, []string{"depaudit", "build", "--capture", p, "-o", p, "--unclassified", p, "--", "true"})
		if _, stderr := read(); code != 0 || !isCharDevice(t, p) {
			t.Fatalf("build --capture %s -o %s --unclassified %s: exit %d\n%s", p, p, p, code, stderr)
		}
	}
}
