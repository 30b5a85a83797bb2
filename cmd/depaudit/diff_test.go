package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diffData is where the sbom package keeps its diff BOM pairs.
const diffData = "../../bomdiff/testdata/diff"

type diffRun struct {
	code           int
	stdout, stderr string
}

func runDiffCLI(t *testing.T, stdin string, getenv map[string]string, args ...string) diffRun {
	t.Helper()
	var out, errb bytes.Buffer
	env := &appEnv{
		stdin:   strings.NewReader(stdin),
		stdout:  &out,
		stderr:  &errb,
		getenv:  func(k string) string { return getenv[k] },
		environ: func() []string { return nil },
	}
	code := run(context.Background(), env, append([]string{"depaudit", "diff"}, args...))
	return diffRun{code, out.String(), errb.String()}
}

func pair(name string) (string, string) {
	dir := filepath.Join(diffData, name)
	old, _ := filepath.Glob(filepath.Join(dir, "old.cdx.*"))
	new, _ := filepath.Glob(filepath.Join(dir, "new.cdx.*"))
	return old[0], new[0]
}

func TestDiffExitCodes(t *testing.T) {
	tests := []struct {
		name string
		pair string
		args []string
		want int
	}{
		{"equivalent", "equivalent", nil, 0},
		{"different", "npm-bump", nil, 1},
		{"fail-on a category present", "republished", []string{"--fail-on", "hash_changed"}, 1},
		{"fail-on categories absent", "npm-bump", []string{"--fail-on", "hash_changed,url_changed"}, 0},
		{"fail-on none", "republished", []string{"--fail-on", "none"}, 0},
		{"fail-on several", "npm-bump", []string{"--fail-on", "hash_changed,added"}, 1},
		{"xml pair", "xml", []string{"--format", "json"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := pair(tt.pair)
			r := runDiffCLI(t, "", nil, append(tt.args, old, new)...)
			if r.code != tt.want {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.want, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			if !strings.Contains(r.stdout, "unchanged") {
				t.Errorf("no summary in output:\n%s", r.stdout)
			}
		})
	}
}

func TestDiffFormats(t *testing.T) {
	old, new := pair("republished")
	for _, tt := range []struct {
		format, golden string
	}{
		{"text", "expected.txt"},
		{"json", "expected.json"},
		{"markdown", "expected.md"},
	} {
		r := runDiffCLI(t, "", nil, "--format", tt.format, old, new)
		if r.code != 1 {
			t.Fatalf("%s: exit %d, stderr %q", tt.format, r.code, r.stderr)
		}
		want, err := os.ReadFile(filepath.Join(diffData, "republished", tt.golden))
		if err != nil {
			t.Fatal(err)
		}
		if r.stdout != string(want) {
			t.Errorf("%s output differs from %s:\n%s", tt.format, tt.golden, r.stdout)
		}
	}
	r := runDiffCLI(t, "", nil, "--format", "json", old, new)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"added", "removed", "upgraded", "downgraded", "changed", "hash_changed", "url_changed", "services_added", "services_removed"} {
		if v, ok := doc[k]; !ok || v[0] != '[' {
			t.Errorf("JSON %q = %s, want an array", k, v)
		}
	}
}

func TestDiffColor(t *testing.T) {
	old, new := pair("republished")
	tests := []struct {
		args   []string
		env    map[string]string
		colour bool
	}{
		{nil, nil, false}, // a buffer is no terminal
		{[]string{"--color", "always"}, nil, true},
		{[]string{"--color", "never"}, nil, false},
		{[]string{"--color", "auto"}, map[string]string{"NO_COLOR": "1"}, false},
	}
	for _, tt := range tests {
		r := runDiffCLI(t, "", tt.env, append(tt.args, old, new)...)
		if got := strings.Contains(r.stdout, "\x1b["); got != tt.colour {
			t.Errorf("%v: colour %v, want %v", tt.args, got, tt.colour)
		}
	}
	r := runDiffCLI(t, "", nil, "--format", "json", "--color", "always", old, new)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("JSON output is coloured")
	}
}

func TestDiffStdin(t *testing.T) {
	old, new := pair("npm-bump")
	data, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	r := runDiffCLI(t, string(data), nil, "-", new)
	if r.code != 1 || !strings.Contains(r.stdout, "2 upgraded") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestDiffErrors(t *testing.T) {
	old, new := pair("npm-bump")
	bad := func(f string) string { return filepath.Join(diffData, "bad", f) }
	tests := []struct {
		name string
		args []string
		want []string // each in the one line on stderr
	}{
		{"truncated JSON", []string{old, bad("truncated.cdx.json")}, []string{bad("truncated.cdx.json"), "truncated JSON"}},
		{"not CycloneDX", []string{bad("spdx.json"), new}, []string{bad("spdx.json"), "not a CycloneDX BOM"}},
		{"missing file", []string{old, "nope.cdx.json"}, []string{"nope.cdx.json", "no such file"}},
		{"spec 1.2", []string{bad("spec-1.2.cdx.json"), new}, []string{bad("spec-1.2.cdx.json"), "CycloneDX 1.2 is not supported"}},
		{"spec 1.2 XML", []string{old, bad("spec-1.2.cdx.xml")}, []string{bad("spec-1.2.cdx.xml"), "CycloneDX 1.2 is not supported"}},
		{"truncated XML", []string{old, bad("truncated.cdx.xml")}, []string{bad("truncated.cdx.xml"), "truncated XML"}},
		{"one argument", []string{old}, []string{"want two BOMs"}},
		{"three arguments", []string{old, new, new}, []string{"want two BOMs"}},
		{"unknown category", []string{"--fail-on", "hash_changed,typo", old, new}, []string{"--fail-on", `"typo"`}},
		{"unknown format", []string{"--format", "yaml", old, new}, []string{"--format", "yaml"}},
		{"unknown color", []string{"--color", "sometimes", old, new}, []string{"--color"}},
		{"two stdins", []string{"-", "-"}, []string{"standard input"}},
		{"bad stdin", []string{"-", new}, []string{"standard input", "empty file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDiffCLI(t, "", nil, tt.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "depaudit: diff: ") {
				t.Errorf("stderr %q, want one line starting with depaudit: diff:", r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
		})
	}
}
