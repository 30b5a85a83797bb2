package capture

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRemoveStaleRunDirs: a run's temp dir whose owner is gone (or whose
// PID now names another process) is removed; a live run's dir, and a dir
// without an owner file, are kept.
func TestRemoveStaleRunDirs(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	self := os.Getpid()
	dirs := map[string]string{
		"dead":   fmt.Sprintf("%d 12345\n", dead.Process.Pid),
		"reused": fmt.Sprintf("%d 1\n", self),
		"live":   fmt.Sprintf("%d %s\n", self, processStart(self)),
		"bad":    "not a pid\n",
		"none":   "",
	}
	for name, owner := range dirs {
		d := filepath.Join(tmp, runDirPrefix+name)
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "ca.pem"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(d, runDirOwner), []byte(owner), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if processStart(self) == "" {
		t.Fatal("no start time for this process")
	}
	removeStaleRunDirs(tmp)
	for name, gone := range map[string]bool{"dead": true, "reused": true, "live": false, "bad": false, "none": false} {
		_, err := os.Stat(filepath.Join(tmp, runDirPrefix+name))
		if gotGone := os.IsNotExist(err); gotGone != gone {
			t.Errorf("%s: removed %v, want %v", name, gotGone, gone)
		}
	}
}

// TestNewRunDirRemovesStale: a run's start removes the temp dir a killed
// run left behind, and names its own owner.
func TestNewRunDirRemovesStale(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stale := filepath.Join(tmp, runDirPrefix+"killed")
	if err := os.Mkdir(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, runDirOwner), []byte("999999999 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, err := newRunDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale dir kept: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, runDirOwner))
	if want := fmt.Sprintf("%d %s\n", os.Getpid(), processStart(os.Getpid())); err != nil || string(b) != want {
		t.Errorf("owner %q, %v; want %q", b, err, want)
	}
}
