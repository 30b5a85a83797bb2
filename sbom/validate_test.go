package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/internal/formatcheck"
)

// schemaDir holds the official CycloneDX schemas copied into the project.
const schemaDir = "../testdata/cyclonedx-schemas"

// validateJSON fails the test unless data is valid CycloneDX JSON of spec.
func validateJSON(t *testing.T, data []byte, spec cdx.SpecVersion) {
	t.Helper()
	if err := formatcheck.CycloneDX(data, spec.String()); err != nil {
		t.Fatal(err)
	}
	var head struct {
		SpecVersion string `json:"specVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.SpecVersion != spec.String() {
		t.Fatalf("specVersion = %q, want %s", head.SpecVersion, spec)
	}
}

// xmllint returns the path of xmllint. Without it the test is skipped,
// unless DEPAUDIT_REQUIRE_CLIENTS=1 (as in CI), where it fails.
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("DEPAUDIT_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("xmllint not found (Debian package libxml2-utils) and DEPAUDIT_REQUIRE_CLIENTS=1: %v", err)
		}
		t.Skipf("xmllint not found (install Debian package libxml2-utils); XML not validated: %v", err)
	}
	return p
}

// localXSD copies the CycloneDX 1.6 XSD and the SPDX XSD it imports into a
// temporary directory, pointing the import at the local copy so that
// validation needs no network.
func localXSD(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bom, err := os.ReadFile(filepath.Join(schemaDir, "bom-1.6.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	const remote = `schemaLocation="http://cyclonedx.org/schema/spdx"`
	if !bytes.Contains(bom, []byte(remote)) {
		t.Fatalf("bom-1.6.xsd does not import %s", remote)
	}
	bom = bytes.Replace(bom, []byte(remote), []byte(`schemaLocation="spdx.xsd"`), 1)
	spdx, err := os.ReadFile(filepath.Join(schemaDir, "spdx.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "spdx.xsd"), spdx, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "bom-1.6.xsd")
	if err := os.WriteFile(p, bom, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// validateXML fails the test unless data is valid CycloneDX 1.6 XML
// according to the official XSD, checked by xmllint.
func validateXML(t *testing.T, data []byte) {
	t.Helper()
	lint := xmllint(t)
	dir := t.TempDir()
	doc := filepath.Join(dir, "bom.xml")
	if err := os.WriteFile(doc, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--nonet", "--schema", localXSD(t), doc).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("BOM does not validate against bom-1.6.xsd:\n%s", out)
		}
		t.Fatalf("run xmllint: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "validates") {
		t.Fatalf("xmllint did not confirm validation:\n%s", out)
	}
}

// encodeValid encodes bom in format and spec, validates the output against
// the official schema and returns it.
func encodeValid(t *testing.T, bom *cdx.BOM, format Format, spec cdx.SpecVersion) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, bom, format, spec); err != nil {
		t.Fatal(err)
	}
	switch format {
	case FormatJSON:
		validateJSON(t, buf.Bytes(), spec)
	case FormatXML:
		if spec != cdx.SpecVersion1_6 {
			t.Fatalf("no XSD for CycloneDX %s in testdata", spec)
		}
		validateXML(t, buf.Bytes())
	}
	return buf.Bytes()
}

// TestValidatorsRejectInvalid shows the validators are not vacuous: a BOM
// breaking the schema (a hash that is not hex) fails both.
func TestValidatorsRejectInvalid(t *testing.T) {
	bad := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","hashes":[{"alg":"SHA-256","content":"not hex"}]}]}`)
	if err := formatcheck.CycloneDX(bad, "1.6"); err == nil {
		t.Error("JSON schema accepted a non-hex hash")
	}
	badProp := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"metadata":{"unknown":1}}`)
	if err := formatcheck.CycloneDX(badProp, "1.5"); err == nil {
		t.Error("1.5 JSON schema accepted an unknown metadata field")
	}

	lint := xmllint(t)
	dir := t.TempDir()
	doc := filepath.Join(dir, "bad.xml")
	badXML := `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components><component type="library"><name>x</name><hashes><hash alg="SHA-256">not hex</hash></hashes></component></components></bom>`
	if err := os.WriteFile(doc, []byte(badXML), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(lint, "--noout", "--nonet", "--schema", localXSD(t), doc).CombinedOutput(); err == nil {
		t.Errorf("xmllint accepted a non-hex hash:\n%s", out)
	}
}
