package provenance_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/formatcheck"
	"github.com/depaudit/depaudit/provenance"
	"github.com/depaudit/depaudit/sbom"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// input is testdata/build.capture.jsonl (a build of every ecosystem) and
// its SBOM, assembled with the real classifiers and verification.
func input(t *testing.T) provenance.Input {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "build.capture.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Analyze(context.Background(), l, audit.Config{})
	if err != nil {
		t.Fatal(err)
	}
	bom, err := sbom.Render(rep, sbom.Options{
		ToolVersion:  "0.1.0",
		SerialNumber: "urn:uuid:6f1c2a9e-0b7d-4c3e-9a51-2d8f4e6b7c10",
		Timestamp:    time.Date(2026, 3, 2, 10, 15, 15, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return provenance.Input{
		Log: l, BOM: bom, ToolVersion: "0.1.0",
		Subjects: []provenance.Subject{{Name: "webshop.tar.gz", Digest: map[string]string{
			"sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}}},
	}
}

func TestWriteGolden(t *testing.T) {
	in := input(t)
	var out bytes.Buffer
	if err := provenance.Write(&out, in); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "build.intoto.json")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("statement differs from %s (run with -update and review the diff):\n%s", golden, out.String())
	}
	// The same input gives the same bytes (protojson varies whitespace).
	var again bytes.Buffer
	if err := provenance.Write(&again, in); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
		t.Errorf("a second write differs (%v)", err)
	}
}

// TestStatement checks the statement against the build: every component
// is a resolved dependency (URL, digests, purl), the command is the
// capture log's, and the run's times are its start and end.
func TestStatement(t *testing.T) {
	in := input(t)
	var out bytes.Buffer
	if err := provenance.Write(&out, in); err != nil {
		t.Fatal(err)
	}
	st, pred, err := formatcheck.Provenance(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.GetSubject()) != 1 || st.GetSubject()[0].GetName() != "webshop.tar.gz" {
		t.Errorf("subjects %v", st.GetSubject())
	}
	var want, got []string
	for _, c := range *in.BOM.Components {
		h := map[cdx.HashAlgorithm]string{}
		for _, x := range *c.Hashes {
			h[x.Algorithm] = x.Value
		}
		want = append(want, strings.Join([]string{c.PackageURL, (*c.ExternalReferences)[0].URL,
			h[cdx.HashAlgoSHA256], h[cdx.HashAlgoSHA512], h[cdx.HashAlgoSHA1]}, " "))
	}
	for _, rd := range pred.GetBuildDefinition().GetResolvedDependencies() {
		d := rd.GetDigest()
		got = append(got, strings.Join([]string{rd.GetName(), rd.GetUri(), d["sha256"], d["sha512"], d["sha1"]}, " "))
	}
	if !slices.Equal(got, want) {
		t.Errorf("resolved dependencies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cmd := pred.GetBuildDefinition().GetExternalParameters().GetFields()["command"].GetListValue().GetValues()
	if len(cmd) != len(in.Log.Header.Command) || cmd[2].GetStringValue() != in.Log.Header.Command[2] {
		t.Errorf("command %v, want %q", cmd, in.Log.Header.Command)
	}
	md := pred.GetRunDetails().GetMetadata()
	if !md.GetStartedOn().AsTime().Equal(in.Log.Header.Start) || !md.GetFinishedOn().AsTime().Equal(in.Log.Trailer.End) {
		t.Errorf("run from %v to %v, want %v to %v", md.GetStartedOn().AsTime(), md.GetFinishedOn().AsTime(), in.Log.Header.Start, in.Log.Trailer.End)
	}
	if md.GetInvocationId() != in.BOM.SerialNumber || pred.GetRunDetails().GetBuilder().GetId() != provenance.BuilderID {
		t.Errorf("run details %v", pred.GetRunDetails())
	}
}

func TestStatementErrors(t *testing.T) {
	in := input(t)
	in.Subjects = nil
	if _, err := provenance.Statement(in); err == nil {
		t.Error("no subject: no error")
	}
	in = input(t)
	in.Subjects[0].Digest = map[string]string{"sha256": "not hex"}
	if _, err := provenance.Statement(in); err == nil {
		t.Error("bad subject digest: no error")
	}
	if _, err := provenance.Statement(provenance.Input{}); err == nil {
		t.Error("empty input: no error")
	}
}
