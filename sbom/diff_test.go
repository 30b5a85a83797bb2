package sbom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/bomdiff"
)

// TestReportDiffIsTheSBOMDiff checks that the diff Analyze computes from
// the build (without writing its SBOM) is the diff of the SBOM Render
// writes, against baselines that differ in every category.
func TestReportDiffIsTheSBOMDiff(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "build.bom.json"))
	if err != nil {
		t.Fatal(err)
	}
	baselines := map[string]func() []byte{
		"same": func() []byte { return data },
		"changed": func() []byte {
			b, err := bomdiff.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			comps := *b.Components
			(*comps[0].Hashes)[0].Value = "00" + (*comps[0].Hashes)[0].Value[2:]
			comps[1].Version += ".1"
			comps[1].PackageURL += ".1"
			comps = comps[:len(comps)-1]
			b.Components = &comps
			svcs := (*b.Services)[1:]
			b.Services = &svcs
			var buf bytes.Buffer
			if err := Encode(&buf, b, FormatJSON, DefaultSpecVersion); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		},
		"empty": func() []byte { return []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}`) },
	}
	for name, mk := range baselines {
		t.Run(name, func(t *testing.T) {
			base, err := bomdiff.Parse(mk())
			if err != nil {
				t.Fatal(err)
			}
			r, err := audit.Analyze(context.Background(), readLog(t, "build.capture.jsonl"), audit.Config{Classifier: buildFindings(), NoVerify: true, Baseline: base})
			if err != nil {
				t.Fatal(err)
			}
			bom, err := Render(r, fixedOptions())
			if err != nil {
				t.Fatal(err)
			}
			want := bomdiff.DiffBOMs(base, bom)
			var got, exp bytes.Buffer
			if err := r.Diff.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			if err := want.WriteJSON(&exp); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), exp.Bytes()) {
				t.Errorf("report diff:\n%s\nSBOM diff:\n%s", got.String(), exp.String())
			}
			if name != "same" && r.Diff.Equivalent() {
				t.Error("a changed baseline gives no difference")
			}
		})
	}
}
