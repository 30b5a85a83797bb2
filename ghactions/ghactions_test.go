package ghactions_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/ghactions"
	"github.com/depaudit/depaudit/view"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"50%\r\nnext", "50%25%0D%0Anext", "50%25%0D%0Anext"},
		{"a: b, c", "a: b, c", "a%3A b%2C c"},
		{"%0A", "%250A", "%250A"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	} {
		if got := ghactions.EscapeData(tc.in); got != tc.data {
			t.Errorf("EscapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := ghactions.EscapeProperty(tc.in); got != tc.prop {
			t.Errorf("EscapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

// hostile is a build whose strings try to break out of a workflow command
// and of the markdown tables.
func hostile() *view.Build {
	return &view.Build{
		Project: "web|shop", Command: "sh -c 'a | b'", ExitCode: 1,
		Summary: audit.Summary{Requests: 3, Hosts: 1, Components: 2, Packages: map[string]int{"npm": 2}},
		Counts:  map[string]int{view.Mismatch: 1, view.Verified: 1},
		Packages: []view.Package{
			{Ecosystem: "npm", PURL: "pkg:npm/evil@1.0.0", URL: "https://r.example/evil.tgz?x=%0A::error::injected",
				Verification: view.Mismatch, Expected: []string{"sha512:aa (npm packument integrity)"}, Received: []string{"sha512:bb"}},
			{Ecosystem: "npm", PURL: "pkg:npm/ok@1.0.0", Verification: view.Verified},
		},
		Violations: []view.Violation{
			{Deny: true, Text: "deny: rule policy.deny.hosts[0] \"x\" matches host\n::warning::x (1 request)"},
			{Deny: false, Text: "warn: something"},
		},
	}
}

func TestWriteAnnotations(t *testing.T) {
	var out bytes.Buffer
	if err := ghactions.WriteAnnotations(&out, hostile()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (the mismatch, the deny; not the warning):\n%s", len(lines), out.String())
	}
	if want := "::error title=depaudit%3A digest mismatch::pkg:npm/evil@1.0.0: "; !strings.HasPrefix(lines[0], want) ||
		!strings.Contains(lines[0], "x=%250A::error::injected") {
		t.Errorf("mismatch line: %s", lines[0])
	}
	if want := "::error title=depaudit%3A policy violation::deny: rule policy.deny.hosts[0] \"x\" matches host%0A::warning::x (1 request)"; lines[1] != want {
		t.Errorf("violation line:\n%s\nwant\n%s", lines[1], want)
	}
}

func TestWriteAnnotationsCap(t *testing.T) {
	b := &view.Build{}
	for range 60 {
		b.Violations = append(b.Violations, view.Violation{Deny: true, Text: "deny: x"})
	}
	var out bytes.Buffer
	if err := ghactions.WriteAnnotations(&out, b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 51 || !strings.Contains(lines[50], "10 more") {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func TestWriteSummary(t *testing.T) {
	var out bytes.Buffer
	if err := ghactions.WriteSummary(&out, hostile()); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"## depaudit: web\\|shop\n",
		"| Command | `sh -c 'a \\| b'` |",
		"| Exit code | 1 |",
		"| Verification | 1 verified, 1 mismatch, 0 unverifiable |",
		"| `pkg:npm/evil@1.0.0` | `sha512:aa (npm packument integrity)` | `sha512:bb` |",
		"- deny: rule policy.deny.hosts\\[0] \"x\" matches host ::warning::x (1 request)\n- warn: something\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	// Every table row has the same number of cells as its header.
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "| ") {
			cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
			if cells != 3 && cells != 5 {
				t.Errorf("row with %d separators: %s", cells, line)
			}
		}
	}
}
