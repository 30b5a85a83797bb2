package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// buildDepaudit builds the depaudit binary into dir, as the README's
// set-up does.
func buildDepaudit(dir string) (string, error) {
	bin := filepath.Join(dir, "depaudit")
	cmd := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", bin, "github.com/depaudit/depaudit/cmd/depaudit")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build depaudit: %w", err)
	}
	return bin, nil
}

// medianRun runs argv n times in dir and returns the median wall time.
func medianRun(dir string, n int, argv ...string) (time.Duration, error) {
	ds := make([]time.Duration, 0, n)
	for range n {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		start := time.Now()
		out, err := cmd.CombinedOutput()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%v: %w\n%s", argv, err, out)
		}
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

// startup returns the median time of `true` and of `depaudit build -- true`.
func startup(dir, depaudit string, n int) (plain, wrapped time.Duration, err error) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return 0, 0, err
	}
	// Alternate so that both see the same machine state.
	if plain, err = medianRun(dir, n, truePath); err != nil {
		return 0, 0, err
	}
	wrapped, err = medianRun(dir, n, depaudit, "build",
		"--capture", filepath.Join(dir, "startup.capture.jsonl"),
		"-o", filepath.Join(dir, "startup.cdx.json"), "--", truePath)
	return plain, wrapped, err
}
