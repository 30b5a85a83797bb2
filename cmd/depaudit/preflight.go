package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
)

// commandError maps a failure to find or start the command to a shell's
// exit code: 127 when it is not found, 126 when it cannot be executed;
// nil for other errors.
func commandError(err error) error {
	switch {
	case errors.Is(err, capture.ErrCommandNotFound):
		return exitCode{code: 127, msg: "build: " + err.Error()}
	case errors.Is(err, capture.ErrCommandNotExecutable):
		return exitCode{code: 126, msg: "build: " + err.Error()}
	}
	return nil
}

// checkOutputDirs checks, before the build runs, that the SBOM and the
// unclassified calls can be written where o says: each is written to a
// temporary file in its directory and renamed, so the directory must take
// a new file. A build whose outputs would fail is not worth running.
func (o outputOptions) checkOutputDirs(command string) error {
	for _, out := range []struct{ flag, path string }{{"-o", o.sbomPath}, {"--unclassified", o.unclassifiedPath}} {
		if out.path == "" || out.path == stdoutPath {
			continue
		}
		if fi, err := os.Stat(out.path); err == nil && fi.IsDir() {
			return usageError("%s: %s %s is a directory", command, out.flag, out.path)
		}
		dir := filepath.Dir(out.path)
		probe, err := os.CreateTemp(dir, ".depaudit-probe-*")
		if err != nil {
			return usageError("%s: %s %s cannot be written: %v", command, out.flag, out.path, bareError(err))
		}
		name := probe.Name()
		probe.Close()
		if err := os.Remove(name); err != nil {
			return usageError("%s: %s: %v", command, out.flag, fmt.Errorf("remove %s: %w", name, err))
		}
	}
	return nil
}

// childStdout is where the command's standard output goes: standard error
// when depaudit writes a document to standard output, which must hold that
// document alone.
func childStdout(env *appEnv, o outputOptions) io.Writer {
	if o.sbomPath == stdoutPath || o.unclassifiedPath == stdoutPath {
		return env.stderr
	}
	return env.stdout
}

// warnWarmCache says, when a known package client's build downloaded no
// package, that it may have served them from its cache, which the SBOM
// then does not show.
func warnWarmCache(env *appEnv, command string, r *audit.Report) {
	if r.Summary.Components > 0 {
		return
	}
	cache := capture.CacheInUse(command, env.getenv)
	if cache == "" {
		return
	}
	fmt.Fprintf(env.stderr, "depaudit: warning: no package was downloaded: %s may have served them from the %s, "+
		"and what it served from there is not in the SBOM; --fresh-caches gives it an empty cache for the run\n",
		filepath.Base(command), cache)
}
