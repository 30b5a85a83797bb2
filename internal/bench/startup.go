package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// buildDepaudit builds the depaudit binary into dir, as the README's
// set-up does.
func buildDepaudit(dir string) (string, error) {
	bin := filepath.Join(dir, "depaudit")
	return bin, goBuild("", bin, []string{"CGO_ENABLED=0"}, "-tags", "urfave_cli_no_docs", "github.com/depaudit/depaudit/cmd/depaudit")
}

// buildHello builds the smallest Go program that prints a line into dir:
// the floor of any Go binary's start-up on this machine.
func buildHello(dir string) (string, error) {
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module hello\n\ngo 1.22\n"), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hello-bin")
	return bin, goBuild(src, bin, nil, ".")
}

// goBuild runs `go build -o bin ARGS...` in dir ("" for the current one)
// with env added to the environment.
func goBuild(dir, bin string, env []string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build", "-o", bin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
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
