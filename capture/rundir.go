package capture

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// runDirPrefix starts the name of each run's private temp dir.
const runDirPrefix = "depaudit-"

// runDirOwner is the file, in a run's temp dir, that names the depaudit
// process owning it: "PID START", START being the process's start time as
// the kernel gives it (so that a reused PID is not taken for the owner).
const runDirOwner = "owner"

// newRunDir creates the private temp dir of a run, first removing those of
// runs that died without removing theirs (killed with SIGKILL, a crash).
func newRunDir() (string, error) {
	removeStaleRunDirs(os.TempDir())
	dir, err := os.MkdirTemp("", runDirPrefix)
	if err != nil {
		return "", fmt.Errorf("create private temp dir: %w", err)
	}
	pid := os.Getpid()
	owner := fmt.Sprintf("%d %s\n", pid, processStart(pid))
	if err := os.WriteFile(filepath.Join(dir, runDirOwner), []byte(owner), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("create private temp dir: %w", err)
	}
	return dir, nil
}

// removeStaleRunDirs removes the run temp dirs in tmp, belonging to this
// user, whose owner process is gone. A dir without an owner file (being
// created, or of another program) is left alone.
func removeStaleRunDirs(tmp string) {
	matches, _ := filepath.Glob(filepath.Join(tmp, runDirPrefix+"*"))
	for _, dir := range matches {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, runDirOwner))
		if err != nil {
			continue
		}
		pidText, start, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 {
			continue
		}
		if processAlive(pid) && processStart(pid) == start {
			continue
		}
		os.RemoveAll(dir)
	}
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// processStart returns the start time of process pid (field 22 of
// /proc/PID/stat, in clock ticks since boot), or "" when unknown.
func processStart(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(string(b[i+1:]))
	const startField = 22 - 3 // fields after the name start at field 3
	if len(fields) <= startField {
		return ""
	}
	return fields[startField]
}
