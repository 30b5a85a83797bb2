package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// action is the part of action.yml the tests read.
type action struct {
	Inputs map[string]struct {
		Default  string `yaml:"default"`
		Required bool   `yaml:"required"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// actionStep is one step of a composite action.
type actionStep struct {
	Name  string            `yaml:"name"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

// TestActionRunsDepauditBuild runs the script of action.yml's "depaudit
// build" step with bash, as the runner would, with a stand-in depaudit
// that prints its arguments: the inputs become the right flags, every
// flag exists in `depaudit build`, and the command runs with sh -c.
func TestActionRunsDepauditBuild(t *testing.T) {
	bash := requireClient(t, "bash")
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" || !a.Inputs["command"].Required {
		t.Fatalf("action.yml: runs.using %q, command required %v", a.Runs.Using, a.Inputs["command"].Required)
	}
	i := slices.IndexFunc(a.Runs.Steps, func(s actionStep) bool { return s.Name == "depaudit build" })
	if i < 0 {
		t.Fatal(`action.yml has no step "depaudit build"`)
	}
	step := a.Runs.Steps[i]

	dir := t.TempDir()
	fake := filepath.Join(dir, "depaudit")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(dir, "old.cdx.json")
	if err := os.WriteFile(baseline, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(inputs map[string]string) []string {
		t.Helper()
		inputRE := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`)
		env := []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH")}
		for k, v := range step.Env {
			m := inputRE.FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("env %s: %q is not an input", k, v)
			}
			in, ok := a.Inputs[m[1]]
			if !ok {
				t.Fatalf("env %s: no input %s", k, m[1])
			}
			val, set := inputs[m[1]]
			if !set {
				val = in.Default
			}
			env = append(env, k+"="+val)
		}
		cmd := exec.Command(bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", step.Run)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("step script: %v\n%s", err, out)
		}
		return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	}

	got := run(map[string]string{"command": "npm ci && npm test"})
	want := []string{"build", "-o", "depaudit.cdx.json", "--html", "depaudit.html", "--", "sh", "-c", "npm ci && npm test"}
	if !slices.Equal(got, want) {
		t.Errorf("defaults: depaudit %q, want %q", got, want)
	}
	got = run(map[string]string{"command": "make", "rules": "r.yaml", "fail-on-violation": "true", "baseline": baseline,
		"upload": "true", "name": "web shop", "version": "1.2", "html": "", "args": "--verify-fetch --provenance p.json"})
	want = []string{"build", "-o", "depaudit.cdx.json", "--rules", "r.yaml", "--fail-on-violation", "--baseline", baseline,
		"--upload", "--name", "web shop", "--version", "1.2", "--verify-fetch", "--provenance", "p.json", "--", "sh", "-c", "make"}
	if !slices.Equal(got, want) {
		t.Errorf("all inputs: depaudit %q, want %q", got, want)
	}
	// A baseline that does not exist yet (the first build) is left out.
	got = run(map[string]string{"command": "make", "baseline": filepath.Join(dir, "absent.json")})
	if slices.Contains(got, "--baseline") {
		t.Errorf("absent baseline passed: %q", got)
	}

	// Every flag the script can pass is a flag of depaudit build.
	flags := map[string]bool{}
	for _, f := range buildCommand(nil).Flags {
		for _, n := range f.Names() {
			flags["--"+n] = true
			flags["-"+n] = true
		}
	}
	for _, f := range regexp.MustCompile(`flags\+?=\(([^)]*)\)`).FindAllStringSubmatch(step.Run, -1) {
		for _, w := range strings.Fields(f[1]) {
			if strings.HasPrefix(w, "-") && !flags[w] {
				t.Errorf("action.yml passes %s, which depaudit build does not have", w)
			}
		}
	}
}
