package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/sbom"
)

// rendered is everything a report gives its outputs, as text: the SBOM,
// the warnings and figures, and every exchange with its finding.
func rendered(t *testing.T, r *audit.Report) string {
	t.Helper()
	bom, err := sbom.Render(r, sbom.Options{SerialNumber: "urn:uuid:00000000-0000-4000-8000-000000000000", Timestamp: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sbom.Encode(&b, bom, sbom.FormatJSON, cdx.SpecVersion1_6); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "\nwarnings %q\nsummary %+v\nunclassified %+v\nviolations %+v\nrefused %v exchanges %d\n",
		r.Warnings, r.Summary, r.Unclassified, r.Violations, r.Refused, r.Exchanges)
	n := 0
	err = r.EachExchange(func(x *capture.Exchange, f classify.Finding) error {
		fmt.Fprintf(&b, "%d %s %s %s %s\n", x.ID, x.URL, f.Kind, f.Ecosystem, f.PURL)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != r.Exchanges || n == 0 {
		t.Errorf("EachExchange gave %d exchanges of %d", n, r.Exchanges)
	}
	return b.String()
}

// A capture log analysed exchange by exchange from its file gives the
// report it gives read whole: the same SBOM, figures, warnings, policy
// verdicts and findings, also when its lines are in another order than
// the exchanges started (the log is written as they end).
func TestAnalyzeFileAsWhole(t *testing.T) {
	data, err := os.ReadFile("../sbom/testdata/build.capture.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	policy, err := rules.Parse("rules.yaml", []byte("policy:\n  unclassified: warn\n  deny:\n    purls: [\"pkg:npm/*\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	// The exchanges in reverse, the header and the trailer in place.
	reversed := []string{lines[0]}
	for i := len(lines) - 2; i >= 1; i-- {
		reversed = append(reversed, strings.TrimSuffix(lines[i], "\n")+"\n")
	}
	reversed = append(reversed, lines[len(lines)-1])
	logs := map[string][]byte{"as written": data, "reversed": []byte(strings.Join(reversed, ""))}
	for name, data := range logs {
		for _, cfg := range []audit.Config{{}, {Rules: policy}} {
			t.Run(fmt.Sprintf("%s, rules %v", name, cfg.Rules != nil), func(t *testing.T) {
				whole, err := capture.ReadLog(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				want, err := audit.Analyze(context.Background(), whole, cfg)
				if err != nil {
					t.Fatal(err)
				}
				f, err := capture.OpenLog(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := audit.AnalyzeFile(context.Background(), f, cfg)
				if err != nil {
					t.Fatal(err)
				}
				g, w := rendered(t, got), rendered(t, want)
				if g != w {
					t.Errorf("read from the file:\n%s\nread whole:\n%s", g, w)
				}
				if len(got.Artifacts) < 5 || got.Exchanges != len(whole.Exchanges) || (cfg.Rules != nil && len(got.Violations) == 0) {
					t.Errorf("%d artifacts, %d exchanges, %d violations: the log was not read", len(got.Artifacts), got.Exchanges, len(got.Violations))
				}
				if got.Log.Exchanges != nil {
					t.Error("the report of a file holds its exchanges")
				}
			})
		}
	}
	// The same report whatever the order of the lines.
	a, _ := capture.ReadLog(bytes.NewReader(logs["as written"]))
	b, _ := capture.ReadLog(bytes.NewReader(logs["reversed"]))
	ra, _ := audit.Analyze(context.Background(), a, audit.Config{})
	rb, _ := audit.Analyze(context.Background(), b, audit.Config{})
	if x, y := rendered(t, ra), rendered(t, rb); x != y || !slices.Equal(ra.Warnings, rb.Warnings) {
		t.Errorf("the order of the lines changed the report:\n%s\n%s", x, y)
	}
}
